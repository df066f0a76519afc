// Errors the emulator answers with, in the API's shape `{error: {code, message, hint?}}`.
// Handlers throw them; the server turns them into answers, so no handler builds an error body.
import type {ErrorBody} from '../api/contract.js'

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }

  body(): ErrorBody {
    return {error: {code: this.code, message: this.message, ...(this.hint === undefined ? {} : {hint: this.hint})}}
  }
}

/** 400: a malformed body, a field of the wrong type or value, a bad query parameter. */
export function invalid(message: string, hint?: string): ApiProblem {
  return new ApiProblem(400, 'validation-error', message, hint)
}

/** 404 for a resource that does not exist (or no longer does). */
export function notFound(kind: string, id: string): ApiProblem {
  return new ApiProblem(404, 'not-found', `${kind} ${JSON.stringify(id)} was not found.`)
}

export function conflict(message: string, hint?: string): ApiProblem {
  return new ApiProblem(409, 'conflict', message, hint)
}

export function forbidden(message: string, hint?: string): ApiProblem {
  return new ApiProblem(403, 'forbidden', message, hint)
}

/** 422: understood, but something the emulator (or the API for this resource) does not do. */
export function unprocessable(message: string, hint?: string): ApiProblem {
  return new ApiProblem(422, 'not-supported', message, hint)
}

// Said to every client, the CLI's users included: what to use, not how to send it over HTTP.
export const UNAUTHORIZED_HINT = 'Use the service token the emulator printed when it started (the PRISMA_SERVICE_TOKEN that emulator start prints).'
