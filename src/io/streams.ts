// The streams a command reads and writes, and what they allow (gh's iostreams): a terminal or not,
// colour, prompts, width. Built once from the process in production, from fakes in tests.

export interface OutputStream {
  write(chunk: string): unknown
  isTTY?: boolean
  /** Terminal width, when a terminal. */
  columns?: number
}

export type InputStream = NodeJS.ReadableStream & {isTTY?: boolean}

export interface IOStreams {
  readonly stdout: OutputStream
  readonly stderr: OutputStream
  readonly stdin: InputStream
  readonly env: NodeJS.ProcessEnv
}

/** The process's own streams and environment. */
export function processStreams(): IOStreams {
  return {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env}
}

export function isTerminal(stream: {isTTY?: boolean}): boolean {
  return stream.isTTY === true
}

/**
 * Colour for one stream: FORCE_COLOR=0 and NO_COLOR (set and not empty, per no-color.org) turn it
 * off; FORCE_COLOR with another value turns it on even off a terminal; TERM=dumb turns it off;
 * otherwise colour exactly when the stream is a terminal.
 */
export function colourEnabled(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR
  if (force === '0' || force === 'false') return false
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (force !== undefined) return true
  if (env.TERM === 'dumb') return false
  return isTerminal(stream)
}

/** Prompts need a person: stdin and stderr on a terminal, and not in CI (`CI` unset, empty, `false` or `0`). */
export function canPrompt(io: IOStreams): boolean {
  const ci = io.env.CI
  const inCi = ci !== undefined && ci !== '' && ci.toLowerCase() !== 'false' && ci !== '0'
  return isTerminal(io.stdin) && isTerminal(io.stderr) && !inCi
}

/** Columns available on stdout when it is a terminal (COLUMNS overrides, as shells set it); undefined off a terminal. */
export function terminalWidth(io: IOStreams): number | undefined {
  if (!isTerminal(io.stdout)) return undefined
  const fromEnv = Number(io.env.COLUMNS)
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv
  return io.stdout.columns && io.stdout.columns > 0 ? io.stdout.columns : 80
}
