// Questions to a person at a terminal, with @inquirer/prompts on stderr so stdout stays clean for
// what the command prints. Ctrl-C becomes a CancelledError (exit 130). Tests pass a scripted Prompter.
import {CancelledError} from '../errors.js'
import {terminalSafe} from '../output/safe-text.js'
import type {IOStreams} from './streams.js'

export interface Choice<T> {
  name: string
  value: T
  description?: string
  disabled?: boolean | string
}

export interface Prompter {
  /** A masked answer: what is typed shows as `*`. */
  secret(message: string): Promise<string>
  choose<T>(message: string, choices: readonly Choice<T>[]): Promise<T>
  /** Asks to type `expected` (a resource's name); true only when it matches exactly. */
  confirmName(message: string, expected: string): Promise<boolean>
  /** A line of text (a pasted URL). `validate` returns true or what is wrong; aborting `signal` withdraws the question (it then rejects). */
  input(message: string, options?: InputOptions): Promise<string>
}

export interface InputOptions {
  validate?: (value: string) => true | string
  signal?: AbortSignal
}

async function guard<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask()
  } catch (error) {
    if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) throw new CancelledError()
    throw error
  }
}

/** Lines up the first column of choices (`name  id`) so ids start in one column. */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)))
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd())
}

export function inquirerPrompter(io: IOStreams): Prompter {
  const context = () => ({input: io.stdin, output: io.stderr as NodeJS.WritableStream, clearPromptOnDone: false})
  return {
    async secret(message) {
      const {password} = await import('@inquirer/prompts')
      return guard(() =>
        password({message, mask: '*', validate: (value) => (value.trim() ? true : 'Enter a value, or press Ctrl-C to cancel.')}, context()),
      )
    },
    async choose(message, choices) {
      const {select} = await import('@inquirer/prompts')
      // Names and descriptions come from the API.
      const shown = choices.map((c) => ({
        ...c,
        name: terminalSafe(c.name),
        description: c.description === undefined ? undefined : terminalSafe(c.description),
        disabled: typeof c.disabled === 'string' ? terminalSafe(c.disabled) : c.disabled,
      }))
      return guard(() => select({message: terminalSafe(message), choices: shown, pageSize: 12}, context()))
    },
    async confirmName(message, expected) {
      const {input} = await import('@inquirer/prompts')
      // The answer is checked after Enter; the prompt's own done mark must not look like a success.
      const answer = await guard(() => input({message: terminalSafe(message), theme: {prefix: {idle: '?', done: '›'}}}, context()))
      return answer.trim() === expected
    },
    async input(message, options = {}) {
      const {input} = await import('@inquirer/prompts')
      const validate = options.validate
      return guard(() =>
        input({message: terminalSafe(message), validate: validate ? (value: string) => validate(value) : undefined}, {...context(), signal: options.signal}),
      )
    },
  }
}

/** Everything on stdin (for --with-token and secrets piped in). */
export async function readStdin(io: IOStreams): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks).toString('utf8')
}
