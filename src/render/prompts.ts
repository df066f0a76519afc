// Prompts with @inquirer/prompts on stderr, so stdout stays clean for what the command prints.
// Ctrl-C becomes a CancelledError (exit 130).
import {CancelledError} from '../errors.js'
import {terminalSafe} from './safe-text.js'
import {streams} from './terminal.js'

async function guard<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask()
  } catch (error) {
    if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) {
      throw new CancelledError()
    }
    throw error
  }
}

const context = () => ({input: streams.stdin, output: streams.stderr, clearPromptOnDone: false})

/** A masked prompt: what is typed shows as `*`. */
export async function askSecret(message: string): Promise<string> {
  const {password} = await import('@inquirer/prompts')
  return guard(() =>
    password({message, mask: '*', validate: (value) => (value.trim() ? true : 'Enter a value, or press Ctrl-C to cancel.')}, context()),
  )
}

export interface Choice<T> {
  name: string
  value: T
  description?: string
  disabled?: boolean | string
}

export async function choose<T>(message: string, choices: readonly Choice<T>[]): Promise<T> {
  const {select} = await import('@inquirer/prompts')
  // Names and descriptions come from the API.
  const shown = choices.map((c) => ({
    ...c,
    name: terminalSafe(c.name),
    description: c.description === undefined ? undefined : terminalSafe(c.description),
    disabled: typeof c.disabled === 'string' ? terminalSafe(c.disabled) : c.disabled,
  }))
  return guard(() => select<T>({message: terminalSafe(message), choices: shown, pageSize: 12}, context()))
}

/** Asks to type the resource's name; true only when it matches exactly. */
export async function confirmByName(message: string, expected: string): Promise<boolean> {
  const {input} = await import('@inquirer/prompts')
  const answer = await guard(() => input({message: terminalSafe(message)}, context()))
  return answer.trim() === expected
}

/** Reads everything on stdin (for --with-token). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of streams.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks).toString('utf8')
}
