// The CLI's own failures. API failures live in api/errors.ts; the base command maps both to
// exit codes and messages in one place.

/** Something the user can fix on the command line: a bad flag, a missing value, refused consent. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
  readonly code = 'usage'
  constructor(message: string, readonly next?: string) {
    super(message)
  }
}

/** No usable token: none anywhere, or one set but empty. */
export class AuthError extends Error {
  override readonly name = 'AuthError'
  readonly code = 'auth-required'
  constructor(message: string, readonly next?: string) {
    super(message)
  }
}

/** The stored configuration cannot be read or written; it is never overwritten behind the user's back. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly code = 'config'
  constructor(message: string, readonly next?: string) {
    super(message)
  }
}

/** The user pressed Ctrl-C at a prompt. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError'
  readonly code = 'cancelled'
  constructor(message = 'Cancelled.') {
    super(message)
  }
}

/** A database that ended in `failure` or never became ready in time. */
export class ProvisioningError extends Error {
  override readonly name = 'ProvisioningError'
  readonly code = 'provisioning'
  constructor(message: string, readonly next?: string) {
    super(message)
  }
}
