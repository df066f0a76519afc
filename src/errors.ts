// Every failure of the CLI and its exit code, in one place. The CLI's own errors carry their
// exit code; the API client's errors (api/errors.ts) and oclif's parse errors are mapped here.
// The base command, and `emulator start`, report failures through reportFailure alone.

export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  conflict: 5,
  unavailable: 6,
  notACommand: 127,
  /** 128 + the signal's number, as shells report a process a signal ended. */
  hangup: 129,
  cancelled: 130,
  terminated: 143,
} as const

/** The signals that end a command (the terminal closed, Ctrl-C, a kill), with the exit code each gives. */
export const SIGNAL_EXIT = {SIGHUP: EXIT.hangup, SIGINT: EXIT.cancelled, SIGTERM: EXIT.terminated} as const
export type EndingSignal = keyof typeof SIGNAL_EXIT

/** A failure the CLI explains itself: its message, its code for --json, and what to do next. */
export abstract class CliError extends Error {
  abstract readonly code: string
  abstract readonly exitCode: number
  constructor(message: string, readonly next?: string) {
    super(message)
  }
}

/** Something the user can fix on the command line: a bad flag, a missing value, refused consent. */
export class UsageError extends CliError {
  override readonly name = 'UsageError'
  readonly code: string = 'usage'
  readonly exitCode: number = EXIT.usage
}

/** Something the CLI looked for itself (not through a GET of its own) and did not find. */
export class NotFoundError extends CliError {
  override readonly name = 'NotFoundError'
  readonly code = 'not-found'
  readonly exitCode = EXIT.notFound
}

/** No usable token: none anywhere, or one set but empty. */
export class AuthError extends CliError {
  override readonly name = 'AuthError'
  readonly code = 'auth-required'
  readonly exitCode = EXIT.auth
}

/** A browser login that did not end with a session: denied, refused, the wrong state, not finished in time (exit 3). */
export class LoginError extends CliError {
  override readonly name = 'LoginError'
  readonly exitCode = EXIT.auth
  constructor(
    message: string,
    next?: string,
    /** The authorization server's error code (`access_denied`, `invalid_grant`), or the CLI's own. */
    readonly code: string = 'auth-required',
  ) {
    super(message, next)
  }
}

/** The OAuth authorization server could not be reached, or did not answer as OAuth 2.0 says (exit 6). */
export class AuthServerError extends CliError {
  override readonly name = 'AuthServerError'
  readonly exitCode = EXIT.unavailable
  constructor(
    message: string,
    next?: string,
    /** `network`, `timeout` or `invalid-response`, as for the API. */
    readonly code: string = 'invalid-response',
  ) {
    super(message, next)
  }
}

/** The stored configuration cannot be read or written; it is never overwritten behind the user's back. */
export class ConfigError extends CliError {
  override readonly name = 'ConfigError'
  readonly code = 'config'
  readonly exitCode = EXIT.unexpected
}

/** The user pressed Ctrl-C at a prompt (exit 130), or a signal ended the command: 130, 143 (SIGTERM), 129 (SIGHUP). */
export class CancelledError extends CliError {
  override readonly name = 'CancelledError'
  readonly code = 'cancelled'
  readonly exitCode: number
  constructor(
    message = 'Cancelled.',
    readonly signal: EndingSignal = 'SIGINT',
  ) {
    super(message)
    this.exitCode = SIGNAL_EXIT[signal]
  }
}

/** An external program the CLI runs (psql) could not be started (exit 1). */
export class ToolError extends CliError {
  override readonly name = 'ToolError'
  readonly code = 'tool'
  readonly exitCode = EXIT.unexpected
}

/** A database that ended in `failure` or never became ready in time. */
export class ProvisioningError extends CliError {
  override readonly name = 'ProvisioningError'
  readonly code = 'provisioning'
  readonly exitCode = EXIT.unexpected
}

/**
 * A command failed after the API created something the user cannot get again (ids, one-time
 * secrets). The created object was already shown in human mode; with --json it is the document,
 * with an `error` member. Exit code and message are the cause's.
 */
export class DeliveredError extends Error {
  override readonly name = 'DeliveredError'
  constructor(
    /** What the API created, as --json prints it. */
    readonly created: object,
    override readonly cause: unknown,
    /** What to do next, instead of the cause's advice (never "try again": that creates a second one). */
    readonly next?: string,
    /** Said before the cause's message, e.g. `Waiting for database db_1 failed`. */
    readonly lead?: string,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), {cause})
  }
}

/**
 * A failure from below (usually the API's error) with the CLI's own next step, in the CLI's words
 * (its commands and flags), instead of the generic one. Exit code, code and hint stay the cause's.
 */
export class AdvisedError extends Error {
  override readonly name = 'AdvisedError'
  constructor(
    override readonly cause: unknown,
    readonly next: string,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), {cause})
  }
}

/**
 * A create the API refused (4xx) while the workspace's subscription says its usage is blocked: the
 * API's error, explained by the plan and where to upgrade it. Exit code and code are the API error's.
 */
export class UsageBlockedError extends Error {
  override readonly name = 'UsageBlockedError'
  constructor(
    override readonly cause: unknown,
    readonly workspace: {id: string; name?: string},
    readonly planName: string,
    /** Absent when the API's URL was not an http(s) URL. */
    readonly upgradeUrl: string | undefined,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), {cause})
  }
}

/** `emulator start` could not serve (a port in use, unreadable state, a database server that refuses). */
export class EmulatorError extends CliError {
  override readonly name = 'EmulatorError'
  readonly code = 'emulator'
  readonly exitCode = EXIT.unexpected
}

/** What the user sees when a command fails. */
export interface Failure {
  exitCode: number
  code: string
  message: string
  hint?: string
  status?: number
  next?: string
  /** More members of the --json error object (`planName`, `upgradeUrl` of a blocked workspace). */
  details?: Record<string, string>
}

// The API client's errors, matched by name and shape so that this module stays free of api/'s code.
interface ApiLike extends Error {
  status: number
  code: string
  hint?: string
}

function isApiError(error: unknown): error is ApiLike {
  return error instanceof Error && error.name === 'ApiError'
}

function named(error: unknown, ...names: string[]): error is Error & {code?: string; status?: number} {
  return error instanceof Error && names.includes(error.name)
}

// oclif's parse errors (unknown flag, missing argument, bad option) carry `oclif.exit`.
function isParseError(error: unknown): error is Error & {oclif?: {exit?: number}} {
  return error instanceof Error && 'oclif' in error && typeof (error as {oclif?: unknown}).oclif === 'object'
}

export const DEBUG_HINT = 'run again with DEBUG=prisma-mgmt:http to see each request'

export function describeFailure(error: unknown): Failure {
  if (error instanceof DeliveredError) {
    const inner = describeFailure(error.cause)
    return {...inner, message: error.lead ? `${error.lead}: ${inner.message}` : inner.message, next: error.next ?? inner.next}
  }
  if (error instanceof AdvisedError) return {...describeFailure(error.cause), next: error.next}
  if (error instanceof UsageBlockedError) {
    const inner = describeFailure(error.cause)
    const {id, name} = error.workspace
    const details: Record<string, string> = {workspaceId: id, planName: error.planName}
    if (error.upgradeUrl) details.upgradeUrl = error.upgradeUrl
    return {
      ...inner,
      message: `Usage is blocked for workspace ${name ? `${name} (${id})` : id} on the ${error.planName} plan: ${inner.message}`,
      next: error.upgradeUrl ? `Upgrade the plan at ${error.upgradeUrl}` : 'Upgrade the workspace\'s plan in the Prisma Console.',
      details,
    }
  }
  if (error instanceof CliError) return {exitCode: error.exitCode, code: error.code, message: error.message, next: error.next}
  if (isApiError(error)) {
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
    if (status === 429 || status >= 500) return {...base, exitCode: EXIT.unavailable, next: 'The API is unavailable or busy; try again in a moment.'}
    // The API's hint may speak of raw endpoints; the CLI's own next step follows it.
    if (status === 400 || status === 413 || status === 422) {
      return {...base, exitCode: EXIT.usage, next: 'Check the values you passed: `prisma-mgmt <command> --help` shows what each flag takes.'}
    }
    return {...base, exitCode: EXIT.unexpected}
  }
  if (named(error, 'NetworkError', 'TimeoutError')) {
    return {
      exitCode: EXIT.unavailable,
      code: error.code ?? 'network',
      message: error.message,
      next: 'Check your network, the API URL (--api-url) and any proxy settings, then try again.',
    }
  }
  if (named(error, 'InvalidResponseError')) {
    return {
      exitCode: EXIT.unavailable,
      code: error.code ?? 'invalid-response',
      message: error.message,
      status: error.status,
      next: `Is --api-url the Management API? If it is, ${DEBUG_HINT}.`,
    }
  }
  if (named(error, 'InvalidIdError', 'ApiUrlError')) {
    const next = error.name === 'InvalidIdError' ? 'Pass an id as the `list` commands show it.' : undefined
    return {exitCode: EXIT.usage, code: 'usage', message: error.message, next}
  }
  if (isParseError(error)) {
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
    next: `This is a bug in prisma-mgmt; ${DEBUG_HINT} (DEBUG=* adds oclif's own lines and the stack), and report it.`,
  }
}
