// Typed failures of a request to the Management API. The base command maps each to an exit code.

/** The API answered with an error status and (usually) its `{error: {code, message, hint}}` body. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
    /** Seconds the API asked us to wait (Retry-After), when it said so. */
    readonly retryAfter?: number,
  ) {
    super(message)
  }
}

/** The request never got an answer: connection refused, DNS failure, reset, proxy failure. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError'
  readonly code = 'network'
  constructor(message: string, override readonly cause?: unknown) {
    super(message)
  }
}

/** No answer within the request timeout. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError'
  readonly code = 'timeout'
  constructor(readonly seconds: number, readonly url: string) {
    super(`The API did not answer within ${seconds}s (${url}).`)
  }
}

/** An answer that is not the API's JSON (an HTML error page, a proxy's answer, a truncated body). */
export class InvalidResponseError extends Error {
  override readonly name = 'InvalidResponseError'
  readonly code = 'invalid-response'
  constructor(message: string, readonly status?: number) {
    super(message)
  }
}

/** An id that cannot name a resource in an API path (empty, blank, "." or ".."); no request was sent. */
export class InvalidIdError extends Error {
  override readonly name = 'InvalidIdError'
  readonly code = 'usage'
  constructor(readonly id: string, readonly template: string) {
    super(`${JSON.stringify(id)} is not an id: ids cannot be empty, blank, "." or ".." (in ${template}).`)
  }
}

/** The caller ended the request (an interrupted wait); nothing is known of its outcome. */
export class RequestAbortedError extends Error {
  override readonly name = 'RequestAbortedError'
  readonly code = 'aborted'
  constructor(readonly method: string, readonly url: string) {
    super(`${method} ${url} was abandoned before it finished.`)
  }
}
