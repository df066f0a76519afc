// The CLI's own failures. API failures live in api/errors.ts; the base command maps both to
// exit codes and messages in one place.

/** A failure the CLI explains itself: its message, its code for --json, and what to do next. */
export abstract class CliError extends Error {
  abstract readonly code: string
  constructor(message: string, readonly next?: string) {
    super(message)
  }
}

/** Something the user can fix on the command line: a bad flag, a missing value, refused consent. */
export class UsageError extends CliError {
  override readonly name = 'UsageError'
  readonly code = 'usage'
}

/** No usable token: none anywhere, or one set but empty. */
export class AuthError extends CliError {
  override readonly name = 'AuthError'
  readonly code = 'auth-required'
}

/** The stored configuration cannot be read or written; it is never overwritten behind the user's back. */
export class ConfigError extends CliError {
  override readonly name = 'ConfigError'
  readonly code = 'config'
}

/** The user pressed Ctrl-C at a prompt. */
export class CancelledError extends CliError {
  override readonly name = 'CancelledError'
  readonly code = 'cancelled'
  constructor(message = 'Cancelled.') {
    super(message)
  }
}

/** A database that ended in `failure` or never became ready in time. */
export class ProvisioningError extends CliError {
  override readonly name = 'ProvisioningError'
  readonly code = 'provisioning'
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
