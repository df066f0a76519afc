// How a failure reaches the user: `Error: <message>`, the API's hint, what to do next on stderr
// (made terminal-safe), and with -o json or yaml the error document on stdout. Secrets are
// scrubbed from all of it. Returns the exit code.
import {DeliveredError, describeFailure} from '../errors.js'
import type {IOStreams} from '../io/streams.js'
import {terminalSafe} from './safe-text.js'
import {writeJson} from './json.js'

export interface FailureContext {
  io: IOStreams
  /** The output format when known; json and yaml also get the error document on stdout. */
  format?: string
  /** Values that must never be printed (tokens). */
  secrets?: readonly (string | undefined)[]
  /** The command's flag names, for a did-you-mean on an unknown flag. */
  flagNames?: readonly string[]
  /** The command that failed, to say what it takes when given an argument too many. */
  command?: CommandShape
}

/** A command's id (`projects:list`) and its arguments as oclif declares them. */
export interface CommandShape {
  id: string
  args?: Record<string, {required?: boolean}>
}

/** What a command takes, for a stray argument: `prisma-mgmt db rename` takes <db-id> <name>. */
function argumentsTaken(command: CommandShape): string {
  const name = `prisma-mgmt ${command.id.replaceAll(':', ' ')}`
  const args = Object.entries(command.args ?? {}).map(([arg, {required}]) => (required ? `<${arg}>` : `[<${arg}>]`))
  return `\`${name}\` ${args.length === 0 ? 'takes no arguments' : `takes ${args.join(' ')}`}; see \`${name} --help\`.`
}

/** The closest known flag to an unknown one, when it is close enough to be a typo. */
async function closestFlag(unknown: string, names: readonly string[]): Promise<string | undefined> {
  // A CommonJS package: the bundle (scripts/bundle.js) gives it only a default export.
  // Named export from source (tsx), the default export in the bundle (a CommonJS chunk exports only that).
  const levenshtein = await import('fastest-levenshtein')
  const {distance} = levenshtein.default ?? levenshtein
  const typed = unknown.replace(/^-+/, '').split('=')[0]
  let best: {name: string; distance: number} | undefined
  for (const name of names) {
    const score = distance(typed, name)
    if (!best || score < best.distance) best = {name, distance: score}
  }
  return best && best.distance <= Math.max(2, Math.ceil(typed.length / 3)) ? `--${best.name}` : undefined
}

export async function reportFailure(error: unknown, context: FailureContext): Promise<number> {
  const {io} = context
  const failure = describeFailure(error)
  const unknownFlag = /^Nonexistent flags?: (\S+)/.exec(failure.message)
  if (unknownFlag && context.flagNames) {
    const suggestion = await closestFlag(unknownFlag[1].replace(/,$/, ''), context.flagNames)
    if (suggestion) failure.next = [`Did you mean ${suggestion}?`, failure.next].filter(Boolean).join('\n')
  }
  if (context.command && /^Unexpected arguments?: /.test(failure.message)) failure.next = argumentsTaken(context.command)
  // A generic next step names the command that failed.
  if (context.command && failure.next) failure.next = failure.next.replaceAll('prisma-mgmt <command>', `prisma-mgmt ${context.command.id.replaceAll(':', ' ')}`)
  const secrets = (context.secrets ?? []).map((s) => s?.trim()).filter((s): s is string => Boolean(s && s.length >= 4))
  const scrub = (text: string) => secrets.reduce((out, secret) => out.split(secret).join('[token]'), text)

  if (context.format === 'json' || context.format === 'yaml') {
    const body: Record<string, unknown> = {code: failure.code, message: scrub(failure.message)}
    if (failure.hint) body.hint = scrub(failure.hint)
    if (failure.status !== undefined) body.status = failure.status
    for (const [key, value] of Object.entries(failure.details ?? {})) body[key] = scrub(value)
    // What the API created stays in the one document, beside the error: its secrets are shown only once.
    const document = error instanceof DeliveredError ? {...error.created, error: body} : {error: body}
    if (context.format === 'json') writeJson(io.stdout, document)
    else {
      const {toYaml} = await import('./print.js')
      io.stdout.write(await toYaml(document))
    }
  }
  const shown = (text: string) => terminalSafe(scrub(text))
  const lines = [`Error: ${shown(failure.message)}`]
  if (failure.hint) lines.push(`Hint: ${shown(failure.hint)}`)
  if (failure.next) lines.push(shown(failure.next))
  io.stderr.write(`${lines.join('\n')}\n`)
  if (failure.code === 'unexpected' && io.env.DEBUG && error instanceof Error) io.stderr.write(`${shown(String(error.stack))}\n`)
  return failure.exitCode
}

/** The output format asked for on a command line that could not be parsed (for the error document). */
export function formatInArgv(argv: readonly string[]): string | undefined {
  const end = argv.indexOf('--')
  const args = end === -1 ? argv : argv.slice(0, end)
  let format: string | undefined
  for (const [i, arg] of args.entries()) {
    if (arg === '--json') return 'json'
    const inline = /^(?:--output=|--format=|-o=?)(.+)$/.exec(arg)
    if (inline && arg !== '-o') format = inline[1]
    else if (arg === '--output' || arg === '--format' || arg === '-o') format = args[i + 1]
  }
  return format
}
