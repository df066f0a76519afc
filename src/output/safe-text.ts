// Text from the API or a file never drives the terminal: control characters are shown, not obeyed.
// Every human-output path of the CLI goes through here; JSON output stays exact (JSON escapes them).

// C0 (but tab and newline), DEL, C1 (0x9b is a one-byte CSI), and the invisible Unicode controls
// that reorder or break what is shown (bidi overrides and isolates, line and paragraph separators).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

// The colour codes chalk writes at level 1: SGR sequences only, nothing that moves, clears or writes elsewhere.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const OWN_COLOUR = /\u001b\[[0-9;]*m/g

function visible(character: string): string {
  const code = character.codePointAt(0)!
  // Stryker disable next-line EqualityOperator: 0xff itself is never escaped
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`
  return `\\u${code.toString(16).padStart(4, '0')}`
}

/** The text with every control character replaced by a visible escape such as `\x1b`. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, visible)
}

/**
 * The last guard before a stream: like terminalSafe, but when the stream is coloured it keeps
 * the SGR colour sequences the CLI itself adds (values were made safe before they were coloured).
 */
export function safeForStream(text: string, coloured: boolean): string {
  if (!coloured) return terminalSafe(text)
  let out = ''
  let last = 0
  for (const match of text.matchAll(OWN_COLOUR)) {
    out += terminalSafe(text.slice(last, match.index)) + match[0]
    last = match.index + match[0].length
  }
  return out + terminalSafe(text.slice(last))
}

/** A template tag that makes each interpolated value terminal-safe and keeps the literal text as written. */
export function safe(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0]
  values.forEach((value, index) => {
    out += terminalSafe(String(value)) + strings[index + 1]
  })
  return out
}
