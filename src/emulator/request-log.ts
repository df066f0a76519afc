// What the emulator received, for tests that assert "the request the API got". No secret enters
// it: the Authorization header is replaced by whether it matched, and every secret a body, a query
// or another header carries (tokens, passwords, client secrets, keys, a URL's password) is shown
// as <redacted>. Answers are not kept at all (only their status), so what they mint never is.
import type {IncomingHttpHeaders} from 'node:http'

import {isSecretKey, redactMembers, redactPatterns} from '../api/redact.js'

export type TokenCheck = 'valid' | 'invalid' | 'not-bearer' | 'missing'

export interface ReceivedRequest {
  /** ISO time the request arrived. */
  at: string
  method: string
  /** Path and query as sent (still percent-encoded), a secret query parameter's value redacted. */
  path: string
  headers: Record<string, string>
  /** The parsed JSON body; the raw text when it is not JSON; null when there was none. */
  body: unknown
  /** The status answered; absent while the request is in progress or when the socket was reset. */
  status?: number
}

/** Enough for any test; the oldest entries go first when it is full. */
const MAX_ENTRIES = 20_000
const MAX_TEXT_BODY = 4096
/** Larger bodies are summarised: 20,000 entries of a megabyte each would not fit in memory. */
const MAX_KEPT_BODY = 64 * 1024
const SECRET_HEADERS = new Set(['cookie', 'proxy-authorization', 'x-api-key'])
const REDACTED = '<redacted>'

/** A request target with the values of secret query parameters hidden (`/x?token=<redacted>`). */
export function loggedPath(target: string): string {
  const queryAt = target.indexOf('?')
  return queryAt === -1 ? target : target.slice(0, queryAt) + redactPatterns(target.slice(queryAt), REDACTED)
}

const AUTHORIZATION_SHOWN: Record<Exclude<TokenCheck, 'missing'>, string> = {
  valid: 'Bearer <valid>',
  invalid: 'Bearer <invalid>',
  'not-bearer': '<not a bearer token>',
}

export function loggedHeaders(headers: IncomingHttpHeaders, check: TokenCheck): Record<string, string> {
  const shown: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'authorization') continue
    shown[name] = SECRET_HEADERS.has(name) || isSecretKey(name) ? REDACTED : redactPatterns(Array.isArray(value) ? value.join(', ') : value, REDACTED)
  }
  if (check !== 'missing') shown.authorization = AUTHORIZATION_SHOWN[check]
  return shown
}

export function loggedBody(text: string | undefined, parsed: {value: unknown} | undefined): unknown {
  if (text !== undefined && text.length > MAX_KEPT_BODY) return `<a body of ${Buffer.byteLength(text)} bytes, not kept>`
  if (parsed) return redactMembers(parsed.value, REDACTED)
  if (text === undefined || text === '') return null
  // Redacted whole before it is cut, so a cut never leaves half a secret unmatched.
  const shown = redactPatterns(text, REDACTED)
  return shown.length > MAX_TEXT_BODY ? `${shown.slice(0, MAX_TEXT_BODY)}…` : shown
}

export class RequestLog {
  private entries: ReceivedRequest[] = []

  record(entry: ReceivedRequest): ReceivedRequest {
    this.entries.push(entry)
    // Halving at once keeps the trimming cost off most requests.
    if (this.entries.length > MAX_ENTRIES) this.entries = this.entries.slice(this.entries.length - MAX_ENTRIES / 2)
    return entry
  }

  list(): ReceivedRequest[] {
    return [...this.entries]
  }

  clear(): void {
    this.entries = []
  }
}
