// What the commands use of @oclif/core (Command, Flags, Args, Errors), for the fast bundle only
// (scripts/bundle.js puts it in place of @oclif/core there): the same flag and argument
// definitions, and a Command whose parse() hands back what fast/run.ts already parsed. Everything
// that needs more of oclif (help, hooks, parse errors) never reaches this path: fast/run.ts leaves
// such command lines to oclif itself.

/** What the fast runner parsed, handed to the command's parse(). */
export const PARSED = Symbol.for('prisma-mgmt.fast-parsed')

interface Definition {
  [key: string]: unknown
  parse?: (input: never, context: unknown, definition: never) => unknown
}

function custom(defaults: Definition = {}) {
  return (options: Definition = {}) => ({
    parse: async (input: unknown) => input,
    ...defaults,
    ...options,
    input: [],
    multiple: Boolean(options.multiple ?? defaults.multiple ?? false),
    type: 'option',
  })
}

export const Flags = {
  custom,
  option: (defaults: Definition) => custom(defaults),
  string: custom(),
  boolean: (options: Definition = {}) => ({parse: async (value: boolean) => value, ...options, allowNo: Boolean(options.allowNo), type: 'boolean'}),
  integer: custom({
    async parse(input: string, _context: unknown, options: {min?: number; max?: number}) {
      // As oclif's own integer flag: anything else is oclif's to report.
      if (!/^-?\d+$/.test(input)) throw new Error(`Expected an integer but received: ${input}`)
      const value = Number.parseInt(input, 10)
      if ((options.min !== undefined && value < options.min) || (options.max !== undefined && value > options.max)) throw new Error(`Out of range: ${input}`)
      return value
    },
  } as Definition),
}

function customArg(defaults: Definition = {}) {
  return (options: Definition = {}) => ({parse: async (input: unknown) => input, ...defaults, ...options, input: [], type: 'option'})
}

export const Args = {custom: customArg, string: customArg()}

class ExitError extends Error {
  readonly code = 'EEXIT'
  readonly oclif: {exit: number}
  constructor(exitCode = 1) {
    super(`EEXIT: ${exitCode}`)
    this.oclif = {exit: exitCode}
  }
}

export const Errors = {ExitError}

export interface FastConfig {
  name: string
  version: string
  bin: string
  configDir: string
}

interface Parsed {
  args: Record<string, unknown>
  flags: Record<string, unknown>
}

export abstract class Command {
  static id: string | undefined
  static args: Record<string, Definition> = {}
  static flags: Record<string, Definition> = {}
  static baseFlags: Record<string, Definition> = {}
  static strict = true
  static enableJsonFlag = false

  id: string | undefined
  parsed = false
  declare [PARSED]: Parsed

  constructor(
    public argv: string[],
    public config: FastConfig,
  ) {
    this.id = this.ctor.id
  }

  get ctor(): typeof Command {
    return this.constructor as typeof Command
  }

  abstract run(): Promise<unknown>

  async init(): Promise<void> {}

  async parse(): Promise<Parsed> {
    this.parsed = true
    return this[PARSED]
  }

  async catch(error: Error & {exitCode?: number}): Promise<void> {
    process.exitCode = process.exitCode ?? error.exitCode ?? 1
    throw error
  }

  async finally(_error?: unknown): Promise<void> {}

  exit(code = 0): never {
    throw new ExitError(code)
  }

  jsonEnabled(): boolean {
    return false
  }
}
