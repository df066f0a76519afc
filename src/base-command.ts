// The base of every command: global flags, settings resolution, the API client, --json output,
// and the one place where a failure becomes a message and an exit code.
import {Command, Errors, Flags} from '@oclif/core'
import type {Interfaces} from '@oclif/core'

import type {ManagementApi} from './api/management-api.js'
import {ApiError, InvalidIdError, InvalidResponseError, NetworkError, TimeoutError} from './api/errors.js'
import {Settings} from './auth/settings.js'
import type {Resolved} from './auth/settings.js'
import {ProfileStore} from './auth/store.js'
import {AuthError, CancelledError, CliError, DeliveredError, UsageError} from './errors.js'
import {writeJson} from './render/json.js'
import {safeForStream, terminalSafe} from './render/safe-text.js'
import {canPrompt, colorEnabled, streams} from './render/terminal.js'

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

const seconds = Flags.custom<number>({
  parse: async (input) => {
    const value = Number(input)
    if (!Number.isFinite(value) || value <= 0) throw new Error(`Expected a positive number of seconds but received: ${input}`)
    return value
  },
})

/** The flags of commands that create a database and wait for it. */
export const waitFlags = {
  wait: Flags.boolean({description: 'Wait until the database is ready (--no-wait returns at once)', default: true, allowNo: true}),
  'wait-timeout': Flags.integer({description: 'Seconds to wait for the database to become ready', default: 600, min: 1}),
}

export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  conflict: 5,
  unavailable: 6,
  cancelled: 130,
} as const

/** What the user sees when a command fails. */
export interface Failure {
  exitCode: number
  code: string
  message: string
  hint?: string
  status?: number
  next?: string
}

export function describeFailure(error: unknown): Failure {
  if (error instanceof DeliveredError) {
    const inner = describeFailure(error.cause)
    return {...inner, message: error.lead ? `${error.lead}: ${inner.message}` : inner.message, next: error.next ?? inner.next}
  }
  if (error instanceof ApiError) {
    const {status} = error
    const base = {code: error.code, message: error.message, hint: error.hint, status}
    if (status === 401) {
      return {...base, exitCode: EXIT.auth, next: 'Check the token: run `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN.'}
    }
    if (status === 403) {
      return {...base, exitCode: EXIT.auth, next: error.hint ? undefined : 'The token is valid but not allowed to do this; check its workspace and role.'}
    }
    if (status === 404) return {...base, exitCode: EXIT.notFound, next: 'Check the id; the `list` commands show what exists.'}
    if (status === 409) return {...base, exitCode: EXIT.conflict}
    if (status === 429 || status >= 500) {
      return {...base, exitCode: EXIT.unavailable, next: 'The API is unavailable or busy; try again in a moment.'}
    }
    if (status === 400 || status === 413 || status === 422) return {...base, exitCode: EXIT.usage}
    return {...base, exitCode: EXIT.unexpected}
  }
  if (error instanceof NetworkError || error instanceof TimeoutError) {
    return {
      exitCode: EXIT.unavailable,
      code: error.code,
      message: error.message,
      next: 'Check your network, the API URL (--api-url) and any proxy settings, then try again.',
    }
  }
  if (error instanceof InvalidResponseError) {
    return {
      exitCode: EXIT.unavailable,
      code: error.code,
      message: error.message,
      status: error.status,
      next: 'Is --api-url the Management API? It should answer with JSON.',
    }
  }
  if (error instanceof InvalidIdError) {
    return {exitCode: EXIT.usage, code: error.code, message: error.message, next: 'Pass an id as the `list` commands show it.'}
  }
  if (error instanceof CliError) {
    const exitCode =
      error instanceof UsageError ? EXIT.usage
      : error instanceof AuthError ? EXIT.auth
      : error instanceof CancelledError ? EXIT.cancelled
      : EXIT.unexpected // ConfigError, ProvisioningError
    return {exitCode, code: error.code, message: error.message, next: error.next}
  }
  if (error instanceof Errors.CLIError) {
    // oclif's own parse errors (unknown flag, missing argument, bad option) are usage errors.
    const exitCode = error.oclif?.exit ?? EXIT.usage
    const text = error.message
      .replace(/^The following errors? occurred:\n/, '')
      .replaceAll(/^\s*Missing required flag (\S+)$/gm, 'Missing required flag --$1')
    const [message, ...rest] = text.trim().split('\n')
    return {exitCode, code: exitCode === EXIT.usage ? 'usage' : 'error', message, next: rest.join('\n').trim() || undefined}
  }
  const message = error instanceof Error ? error.message : String(error)
  return {
    exitCode: EXIT.unexpected,
    code: 'unexpected',
    message: `Unexpected error: ${message}`,
    next: 'This is a bug in prisma-mgmt; run again with DEBUG=prisma-mgmt:http to see each request, and report it.',
  }
}

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    'api-url': Flags.string({
      description: 'Management API base URL [env: PRISMA_MANAGEMENT_API_URL] (default https://api.prisma.io)',
      helpGroup: 'GLOBAL',
      helpValue: '<url>',
    }),
    token: Flags.string({
      description: 'Service token [env: PRISMA_SERVICE_TOKEN] (default: the stored profile\'s)',
      helpGroup: 'GLOBAL',
      helpValue: '<token>',
    }),
    profile: Flags.string({
      description: 'Stored profile to use [env: PRISMA_MGMT_PROFILE] (default: the current one, or "default")',
      helpGroup: 'GLOBAL',
      helpValue: '<name>',
    }),
    timeout: seconds({
      description: 'Seconds to wait for each API request',
      default: 30,
      helpGroup: 'GLOBAL',
      helpValue: '<seconds>',
    }),
    insecure: Flags.boolean({
      description: 'Allow a plain http:// API URL on a host that is not loopback',
      helpGroup: 'GLOBAL',
      default: false,
    }),
  }

  protected flags!: CommandFlags<T>
  protected args!: CommandArgs<T>
  protected settings!: Settings
  #api?: ManagementApi
  #token?: Resolved<string>

  public override async init(): Promise<void> {
    await super.init()
    const {args, flags} = await this.parse({
      args: this.ctor.args,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      flags: this.ctor.flags,
      strict: this.ctor.strict,
    })
    this.flags = flags as CommandFlags<T>
    this.args = args as CommandArgs<T>
    this.settings = new Settings({flags: this.flags, env: process.env, store: new ProfileStore(this.config.configDir)})
  }

  protected get json(): boolean {
    return this.jsonEnabled()
  }

  protected get interactive(): boolean {
    return canPrompt()
  }

  protected get userAgent(): string {
    return `prisma-mgmt/${this.config.version} node/${process.versions.node} ${process.platform}`
  }

  /** The API client for the resolved URL and token; built once, undici loaded only here. */
  protected async api(token?: Resolved<string>): Promise<ManagementApi> {
    if (this.#api && !token) return this.#api
    const [{ManagementApi}, {describeRetry}, {normalizeApiUrl, checkTransportSecurity}, {setFlagsFromString}] = await Promise.all([
      import('./api/management-api.js'),
      import('./api/transport.js'),
      import('./api/url.js'),
      import('node:v8'),
    ])
    const {traceEnabled} = await import('./api/trace.js')
    const apiUrl = await this.settings.apiUrl()
    let url: URL
    try {
      url = normalizeApiUrl(apiUrl.value)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new UsageError(`${reason} (The URL came from ${describeSource(apiUrl.source, 'api-url')}.)`)
    }
    let warning: string | undefined
    try {
      warning = checkTransportSecurity(url, this.flags.insecure)
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error))
    }
    if (warning) streams.stderr.write(`Warning: ${terminalSafe(warning)}\n`)
    this.#token = token ?? (await this.settings.token())
    // V8 optimises undici's WebAssembly HTTP parser in the background and Node waits for that at exit (100-200 ms); set late, as a flag change voids the code cache of built-ins loaded after it.
    setFlagsFromString('--liftoff-only')
    const api = new ManagementApi({
      apiUrl: url.toString(),
      token: this.#token.value,
      timeoutSeconds: this.flags.timeout,
      userAgent: this.userAgent,
      // A wait the user would notice is said on stderr, so a long Retry-After is not a silent hang.
      onRetry: (retry) => {
        if (retry.delayMs > 1000) streams.stderr.write(`${describeRetry(retry)}\n`)
      },
      // DEBUG=prisma-mgmt:http: each exchange on stderr, secrets redacted; off, the transport does no trace work.
      trace: traceEnabled(process.env.DEBUG) ? (text) => streams.stderr.write(`${text}\n`) : undefined,
    })
    if (!token) this.#api = api
    return api
  }

  /** Every item of a paginated list (the client stops at --limit when given one). */
  protected async collect<I>(items: AsyncIterable<I>): Promise<I[]> {
    const all: I[] = []
    for await (const item of items) all.push(item)
    return all
  }

  /**
   * The database a command works on: the argument, else the default database of --project,
   * else (on a terminal) a choice of project then database. Off a terminal a missing id is a
   * usage error naming the argument.
   */
  protected async resolveDatabaseId(argument: string | undefined, projectId?: string): Promise<string> {
    if (argument?.trim()) return argument.trim()
    const api = await this.api()
    if (projectId) {
      const databases = await this.collect(api.listDatabases({projectId}))
      const chosen = databases.find((d) => d.isDefault) ?? (databases.length === 1 ? databases[0] : undefined)
      if (!chosen) {
        throw new UsageError(
          databases.length === 0 ? `Project ${projectId} has no database.` : `Project ${projectId} has no default database.`,
          databases.length === 0 ? `Create one with \`prisma-mgmt db create --project ${projectId}\`.` : 'Pass the database id (see `prisma-mgmt db list --project ' + projectId + '`).',
        )
      }
      return chosen.id
    }
    if (!this.interactive || this.json) {
      throw new UsageError('Missing the database id argument (db-id).', 'Pass a database id (see `prisma-mgmt db list`), or --project <id> for its default database.')
    }
    const {choose} = await import('./render/prompts.js')
    const projects = await this.collect(api.listProjects({}))
    if (projects.length === 0) throw new UsageError('There are no projects yet.', 'Create one with `prisma-mgmt projects create`.')
    const project =
      projects.length === 1
        ? projects[0]
        : await choose('Project', projects.map((p) => ({name: `${p.name}  ${p.id}`, value: p, description: p.defaultRegion ?? undefined})))
    const databases = await this.collect(api.listDatabases({projectId: project.id}))
    if (databases.length === 0) {
      throw new UsageError(`Project ${project.name} (${project.id}) has no database.`, `Create one with \`prisma-mgmt db create --project ${project.id}\`.`)
    }
    if (databases.length === 1) return databases[0].id
    return choose(
      'Database',
      databases.map((d) => ({name: `${d.name}  ${d.id}${d.isDefault ? '  (default)' : ''}`, value: d.id, description: `${d.region?.id ?? ''} ${d.status}`.trim()})),
    )
  }

  /** Stdout, only in human mode; control characters that reached it unescaped are made visible here. */
  protected out(text: string): void {
    if (!this.json) streams.stdout.write(safeForStream(text.endsWith('\n') ? text : `${text}\n`, colorEnabled(streams.stdout)))
  }

  /** A short note on stderr (progress, confirmations) that never pollutes stdout. */
  protected note(text: string): void {
    if (!this.json) streams.stderr.write(`${safeForStream(text, colorEnabled(streams.stderr))}\n`)
  }

  public override logJson(json: unknown): void {
    writeJson(streams.stdout, json)
  }

  public override async catch(error: Error & {exitCode?: number}): Promise<void> {
    if (error instanceof Errors.ExitError) throw error
    const failure = describeFailure(error)
    const secret = this.#token?.value ?? (this.flags?.token || process.env.PRISMA_SERVICE_TOKEN)?.trim()
    const scrubbed = (text: string) => (secret && secret.length >= 4 ? text.split(secret).join('[token]') : text)
    // JSON keeps the API's text exact; the terminal gets it with control characters made visible.
    const clean = (text?: string) => (text === undefined ? undefined : scrubbed(text))
    const shown = (text: string) => terminalSafe(scrubbed(text))
    if (this.jsonEnabled()) {
      const body: Record<string, unknown> = {code: failure.code, message: clean(failure.message)}
      if (failure.hint) body.hint = clean(failure.hint)
      if (failure.status !== undefined) body.status = failure.status
      // What the API created stays in the one document, with the error beside it.
      writeJson(streams.stdout, error instanceof DeliveredError ? {...error.created, error: body} : {error: body})
    }
    const lines = [`Error: ${shown(failure.message)}`]
    if (failure.hint) lines.push(`Hint: ${shown(failure.hint)}`)
    if (failure.next) lines.push(shown(failure.next))
    streams.stderr.write(`${lines.join('\n')}\n`)
    if (failure.code === 'unexpected' && process.env.DEBUG) streams.stderr.write(`${shown(String(error.stack))}\n`)
    process.exitCode = failure.exitCode
  }

  /** Ask before deleting; off a TTY only --yes allows it. Returns normally when consent was given. */
  protected async confirmDeletion({what, id, name, yes}: {what: string; id: string; name: string; yes: boolean}): Promise<void> {
    if (yes) return
    if (!this.interactive) {
      throw new UsageError(`Refusing to delete ${what} ${id} without confirmation.`, 'Pass --yes to delete without a prompt.')
    }
    const {confirmByName} = await import('./render/prompts.js')
    const confirmed = await confirmByName(`This deletes ${what} ${name} (${id}) for good. Type its name to confirm:`, name)
    if (!confirmed) throw new UsageError(`The name did not match; ${what} ${id} was not deleted.`)
  }
}

export function describeSource(source: string, flag: string): string {
  switch (source) {
    case 'flag':
      return `--${flag}`
    case 'env':
      return flag === 'api-url' ? 'PRISMA_MANAGEMENT_API_URL' : flag === 'token' ? 'PRISMA_SERVICE_TOKEN' : 'PRISMA_MGMT_PROFILE'
    case 'profile':
      return 'the stored profile'
    default:
      return 'the default'
  }
}
