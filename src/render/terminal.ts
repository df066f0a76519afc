// What the terminal allows: colour, spinners, prompts. Decided once, from the streams and env.
import type {ChalkInstance} from 'chalk'

export interface Streams {
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
  stdin: NodeJS.ReadStream
}

export const streams: Streams = {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin}

/** Colour only on a TTY, never with NO_COLOR (any value, per no-color.org). */
export function colorEnabled(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if ('NO_COLOR' in env) return false
  return Boolean(stream.isTTY)
}

/** Prompts need a person: stdin and stderr on a terminal and not in CI. */
export function canPrompt(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI
  const inCi = ci !== undefined && ci !== '' && ci.toLowerCase() !== 'false' && ci !== '0'
  return Boolean(streams.stdin.isTTY && streams.stderr.isTTY) && !inCi
}

/** A chalk instance whose level matches the stream: level 0 writes plain text. */
export async function paint(stream: NodeJS.WriteStream = streams.stdout): Promise<ChalkInstance> {
  const {Chalk} = await import('chalk')
  return new Chalk({level: colorEnabled(stream) ? 1 : 0})
}
