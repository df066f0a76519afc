// The fast path of bin/run.js: a command line that oclif would simply parse and run is parsed and
// run here, loading only that command's code (built against fast/oclif-core.ts, not @oclif/core),
// so a command starts without oclif's config, plugins, hooks and parser. Anything this file is not
// sure oclif would treat the plain way (help, an unknown or repeated flag, `--`, a value that
// starts with "-", a missing argument, a value its parser refuses, a related flag, debug output)
// goes to oclif untouched, which prints the same errors, help and hook answers as ever: runFast
// then returns false before anything was printed. See docs/architecture.md, "Start-up".
import {readFileSync} from 'node:fs'
import {homedir, tmpdir} from 'node:os'
import {join} from 'node:path'
import {isatty} from 'node:tty'

import {PARSED, type Command, type FastConfig} from './oclif-core.js'

/** Written into the fast bundle by scripts/bundle.js, from oclif.manifest.json. */
export interface Table {
  /** Every command id, and whether oclif stops taking words into the id after it (it takes arguments). */
  commands: Record<string, boolean>
  /** The commands this path runs (those built on BaseCommand). */
  fast: string[]
}

interface Definition {
  type?: 'boolean' | 'option'
  char?: string
  allowNo?: boolean
  options?: readonly string[]
  default?: unknown
  required?: boolean
  multiple?: boolean
  parse?: (input: unknown, context: unknown, definition: Definition) => Promise<unknown>
  [key: string]: unknown
}

export type CommandClass = (new (argv: string[], config: FastConfig) => Command) & {
  id?: string
  args?: Record<string, Definition>
  flags?: Record<string, Definition>
  baseFlags?: Record<string, Definition>
  strict?: boolean
  deprecationOptions?: unknown
  state?: unknown
}

/** A flag or argument feature the fast parser leaves to oclif whenever it is declared at all. */
const OCLIF_ONLY = ['env', 'allowStdin', 'aliases', 'charAliases', 'deprecated', 'multiple', 'delimiter', 'defaultHelp'] as const
/** Flag features the fast parser leaves to oclif when the flag is given. */
const RELATIONS = ['exclusive', 'dependsOn', 'exactlyOne', 'relationships'] as const

/** The command id oclif reads from argv with a space as topic separator, and the rest. */
export function commandId(argv: readonly string[], commands: Record<string, boolean>): [string | undefined, string[]] {
  if (argv.length === 0) return [undefined, []]
  if (argv.length === 1 || argv[0].includes(':')) return [argv[0], argv.slice(1)]
  const usable = new Set(Object.keys(commands).flatMap((id) => id.split(':').map((_, i, parts) => parts.slice(0, i + 1).join(':'))))
  const words: string[] = []
  const join = (word?: string) => (word ? [...words, word] : words).filter(Boolean).join(':')
  for (const arg of argv) {
    if (usable.has(join(arg))) words.push(arg)
    else if (arg.includes('=') || arg.startsWith('-') || (join() !== '' && commands[join()] === true)) break
    else words.push(arg)
  }
  const id = join()
  return id ? [id, argv.slice(id.split(':').length)] : [argv[0], argv.slice(1)]
}

/**
 * oclif's parse of a plain command line, or undefined when the line is anything else (oclif then
 * parses it and reports what is wrong). Defaults and the declared parse functions apply as in oclif.
 */
export async function parsePlain(
  argv: readonly string[],
  command: CommandClass,
  stdinIsTerminal: boolean,
): Promise<{args: Record<string, unknown>; flags: Record<string, unknown>} | undefined> {
  const flags: Record<string, Definition> = {...command.baseFlags, ...command.flags}
  const args: Record<string, Definition> = command.args ?? {}
  if (command.strict === false || command.deprecationOptions || command.state) return undefined
  for (const definition of [...Object.values(flags), ...Object.values(args)]) {
    if (OCLIF_ONLY.some((key) => definition[key] !== undefined && definition[key] !== false)) return undefined
    if (typeof definition.default === 'function') return undefined
  }
  const given = new Map<string, string | boolean>()
  const positional: string[] = []
  const take = (name: string, value: string | boolean): boolean => {
    if (given.has(name)) return false
    given.set(name, value)
    return true
  }
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]
    if (token === '--' || token === '-') return undefined
    if (!token.startsWith('-')) {
      positional.push(token)
      continue
    }
    let name: string | undefined
    let inline: string | undefined
    if (token.startsWith('--')) {
      const equals = token.indexOf('=')
      name = equals === -1 ? token.slice(2) : token.slice(2, equals)
      if (equals !== -1) inline = token.slice(equals + 1)
      if (!Object.hasOwn(flags, name)) {
        const negated = name.startsWith('no-') ? flags[name.slice(3)] : undefined
        if (inline !== undefined || negated?.type !== 'boolean' || !negated.allowNo) return undefined
        if (!take(name.slice(3), false)) return undefined
        continue
      }
    } else {
      if (token.length !== 2) return undefined
      name = Object.keys(flags).find((key) => flags[key].char === token[1])
      if (!name) return undefined
    }
    const flag = flags[name]
    if (flag.type === 'boolean') {
      if (inline !== undefined || !take(name, true)) return undefined
      continue
    }
    const value = inline ?? argv[++i]
    if (value === undefined || (inline === undefined && value.startsWith('-')) || !take(name, value)) return undefined
  }
  if (positional.length > Object.keys(args).length) return undefined

  try {
    const parsedArgs: Record<string, unknown> = {}
    for (const [index, [name, arg]] of Object.entries(args).entries()) {
      const input = positional[index]
      if (input === undefined) {
        // oclif reads a missing argument from stdin when it is not a terminal, and refuses a required one.
        if (!stdinIsTerminal || arg.required) return undefined
        if (arg.default !== undefined) parsedArgs[name] = arg.default
        continue
      }
      if (arg.options && !arg.options.includes(input)) return undefined
      parsedArgs[name] = arg.parse ? await arg.parse(input, {token: {arg: name, input, type: 'arg'}}, arg) : input
    }
    const parsedFlags: Record<string, unknown> = {}
    for (const [name, flag] of Object.entries(flags)) {
      const value = given.get(name)
      if (value === undefined) {
        if (flag.required) return undefined
        if (flag.default !== undefined) parsedFlags[name] = flag.default
        continue
      }
      if (RELATIONS.some((key) => flag[key] !== undefined)) return undefined
      if (typeof value === 'string' && flag.options && !flag.options.includes(value)) return undefined
      parsedFlags[name] = flag.parse ? await flag.parse(value, {}, flag) : value
    }
    return {args: parsedArgs, flags: parsedFlags}
  } catch {
    // A value its parser refuses: oclif says why.
    return undefined
  }
}

/** oclif's configuration directory, as its Config computes it outside Windows. */
function configDir(env: NodeJS.ProcessEnv): string {
  if (env.PRISMA_MGMT_CONFIG_DIR) return env.PRISMA_MGMT_CONFIG_DIR
  const home = env.HOME || homedir() || tmpdir()
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'prisma-mgmt')
}

/** Whatever changes what oclif prints or where it looks: such a run is oclif's. */
function oclifNeeded(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (process.platform === 'win32' || env.DEBUG || env.PRISMA_MGMT_DEBUG || env.NODE_ENV === 'development') return true
  if (Object.keys(env).some((name) => name.startsWith('OCLIF_'))) return true
  if (argv.length === 0 || argv[0] === '--version') return true
  const end = argv.indexOf('--')
  return (end === -1 ? argv : argv.slice(0, end)).includes('--help')
}

/**
 * Runs the command line when it is a plain one; false (having printed nothing) when oclif must.
 * `root` is the package's folder URL (where package.json is); `commands` the classes of the ids in
 * `table.fast` (the fast bundle holds them all in one file: one file read instead of dozens).
 */
export async function runFast(argv: string[], root: URL, table: Table, commands: Record<string, CommandClass>): Promise<boolean> {
  if (oclifNeeded(argv, process.env)) return false
  const [id, rest] = commandId(argv, table.commands)
  if (!id || !table.fast.includes(id) || !Object.hasOwn(commands, id)) return false
  const command = commands[id]
  // Whether stdin is a terminal, as process.stdin.isTTY says, without making the stream.
  const parsed = await parsePlain(rest, command, isatty(0))
  if (!parsed) return false

  // As oclif's command module does on load: a reader that went away (`| head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {name: string; version: string}
  command.id = id
  const instance = new command(rest, {name: pkg.name, version: pkg.version, bin: 'prisma-mgmt', configDir: configDir(process.env)})
  instance[PARSED] = parsed
  try {
    // What oclif's Command._run does around run(), and execute() after it.
    delete process.env.PRISMA_MGMT_REDIRECTED
    let failure: unknown
    try {
      await instance.init()
      await instance.run()
    } catch (error) {
      failure = error
      await instance.catch(error as Error)
    } finally {
      await instance.finally(failure)
    }
    await flush()
  } catch (error) {
    const exit = (error as {code?: string; oclif?: {exit?: number}}).oclif?.exit
    if ((error as {code?: string}).code === 'EEXIT' && exit !== undefined) process.exit(exit)
    const oclif = (await import(new URL('../cli.js', import.meta.url).href)) as {handle: (error: unknown) => Promise<void>}
    await oclif.handle(error)
  }
  return true
}

/** oclif's flush: wait until stdout has taken everything, for at most 10 s. */
async function flush(): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const drained = new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()))
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(async () => {
      const {Errors} = (await import(new URL('../cli.js', import.meta.url).href)) as {Errors: {CLIError: new (message: string) => Error}}
      reject(new Errors.CLIError('timed out'))
    }, 10_000)
    timer.unref()
  })
  try {
    // A reader that went away (EPIPE) takes nothing more, and never drains: nothing is left to wait for.
    if (process.stdout.destroyed || process.stdout.errored || process.stdout.write('')) return
    await Promise.race([drained, timedOut])
  } finally {
    clearTimeout(timer)
  }
}
