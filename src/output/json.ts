// --json output: exactly one JSON document on stdout. Long lists are written item by item
// in batches, so ten thousand projects never become one huge string.
const BATCH = 256

/**
 * What JSON.stringify leaves raw that can still drive a terminal: DEL, C1 (0x9b opens a terminal
 * sequence) and the bidi and line controls. Every machine format (JSON, YAML, the MCP server's
 * messages) writes them as escapes, which parse back to the same string.
 */
export const RAW_CONTROLS = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** `\u009b` for one of RAW_CONTROLS, as JSON (and YAML's double quotes) read it. */
export function unicodeEscape(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`
}

/** JSON.stringify with RAW_CONTROLS escaped too; `indent` as JSON.stringify takes it. */
export function stringifyJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(RAW_CONTROLS, unicodeEscape)
}

function stringify(value: unknown): string {
  return stringifyJson(value, 2)
}

export function writeJson(stream: {write(chunk: string): unknown}, value: unknown): void {
  // Stryker disable next-line EqualityOperator: a list of exactly BATCH items written in one piece or in batches is the same bytes
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
