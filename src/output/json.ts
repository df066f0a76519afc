// --json output: exactly one JSON document on stdout. Long lists are written item by item
// in batches, so ten thousand projects never become one huge string.
const BATCH = 256

// JSON.stringify escapes C0 but leaves DEL, C1 (0x9b opens a terminal sequence) and bidi controls
// raw; as \u escapes they parse back to the same string and cannot drive a terminal.
const RAW_CONTROLS = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

function stringify(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(RAW_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

export function writeJson(stream: {write(chunk: string): unknown}, value: unknown): void {
  if (!Array.isArray(value) || value.length <= BATCH) {
    stream.write(`${stringify(value)}\n`)
    return
  }
  let chunk = '['
  for (let i = 0; i < value.length; i++) {
    chunk += `${i === 0 ? '\n' : ',\n'}  ${stringify(value[i]).replaceAll('\n', '\n  ')}`
    if (i % BATCH === BATCH - 1) {
      stream.write(chunk)
      chunk = ''
    }
  }
  stream.write(`${chunk}\n]\n`)
}
