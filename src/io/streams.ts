// The streams a command reads and writes, and what they allow (gh's iostreams): a terminal or not,
// colour, prompts, width. Built once from the process in production, from fakes in tests.
import {closeSync} from 'node:fs'
import {isatty} from 'node:tty'

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

/** The process's own streams and environment; a write to a terminal or pipe that is gone never crashes it. */
export function processStreams(): IOStreams {
  for (const stream of [process.stdout, process.stderr]) keepWritesFromCrashing(stream)
  leaveClosedTerminalAlone()
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Made at first use: a command that never reads stdin does not pay for making the stream.
    get stdin() {
      return process.stdin
    },
    env: process.env,
  }
}

// A closed terminal (EIO, ENXIO) or a reader that went away (EPIPE, `| head`): nothing can be shown any more.
const GONE = new Set(['EIO', 'EPIPE', 'ENXIO', 'ECONNRESET', 'ERR_STREAM_DESTROYED'])
const guarded = new WeakSet<NodeJS.WriteStream>()

/**
 * A failed write is an 'error' event, and one nobody handles ends the process with an uncaught
 * exception (oclif's own handler rethrows anything but EPIPE). The output is lost either way; the
 * command goes on (deleting what it must, exiting with the code it chose). Any other failure makes
 * a command that would have succeeded exit 1.
 */
function keepWritesFromCrashing(stream: NodeJS.WriteStream): void {
  if (guarded.has(stream)) return
  guarded.add(stream)
  stream.removeAllListeners('error')
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (!GONE.has(error.code ?? '') && !process.exitCode) process.exitCode = 1
  })
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

/** The width assumed for a terminal that reports none (0 columns: a pseudo-terminal nobody sized). */
export const UNSIZED_TERMINAL_COLUMNS = 80

/** Columns available on stdout when it is a terminal (COLUMNS overrides, as shells set it); undefined off a terminal. */
export function terminalWidth(io: IOStreams): number | undefined {
  if (!isTerminal(io.stdout)) return undefined
  const fromEnv = Number(io.env.COLUMNS)
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv
  return io.stdout.columns && io.stdout.columns > 0 ? io.stdout.columns : UNSIZED_TERMINAL_COLUMNS
}

let exitWatched = false

/**
 * At exit Node puts back the terminal modes of stdin, stdout and stderr as they were at start, and
 * Node 20 aborts (a failed native assertion) when the terminal has gone meanwhile (nodejs/node#51519).
 * A descriptor that was a terminal and no longer is (it hung up) is closed first: Node then skips it.
 */
function leaveClosedTerminalAlone(): void {
  if (exitWatched) return
  exitWatched = true
  const terminals = [0, 1, 2].filter((fd) => isatty(fd))
  if (terminals.length === 0) return
  process.once('exit', () => {
    for (const fd of terminals) {
      if (isatty(fd)) continue
      try {
        closeSync(fd)
      } catch {
        // Already closed: nothing to leave alone.
      }
    }
  })
}
