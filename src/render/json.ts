// --json output: exactly one JSON document on stdout. Long lists are written item by item
// in batches, so ten thousand projects never become one huge string.
const BATCH = 256

export function writeJson(stream: NodeJS.WritableStream, value: unknown): void {
  if (!Array.isArray(value) || value.length <= BATCH) {
    stream.write(`${JSON.stringify(value, null, 2)}\n`)
    return
  }
  let chunk = '['
  for (let i = 0; i < value.length; i++) {
    chunk += `${i === 0 ? '\n' : ',\n'}  ${JSON.stringify(value[i], null, 2).replaceAll('\n', '\n  ')}`
    if (i % BATCH === BATCH - 1) {
      stream.write(chunk)
      chunk = ''
    }
  }
  stream.write(`${chunk}\n]\n`)
}
