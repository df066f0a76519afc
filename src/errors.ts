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
 * A failure after the API created or changed something whose one-time secrets the user must
 * still get: `created` is the API object (printed with --json beside the error), `cause` the
 * failure itself, which decides the message and exit code.
 */
export class DeliveredError extends Error {
  override readonly name = 'DeliveredError'
  constructor(
    readonly created: unknown,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), {cause})
  }
}
