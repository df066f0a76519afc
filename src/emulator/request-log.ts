// What the emulator received, for tests that assert "the request the API got". The token never
// enters it: the Authorization header is replaced by whether it matched.
import type {IncomingHttpHeaders} from 'node:http'

export type TokenCheck = 'valid' | 'invalid' | 'not-bearer' | 'missing'

export interface ReceivedRequest {
  /** ISO time the request arrived. */
  at: string
  method: string
  /** Path and query exactly as sent (still percent-encoded). */
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

const AUTHORIZATION_SHOWN: Record<Exclude<TokenCheck, 'missing'>, string> = {
  valid: 'Bearer <valid>',
  invalid: 'Bearer <invalid>',
  'not-bearer': '<not a bearer token>',
}

export function loggedHeaders(headers: IncomingHttpHeaders, check: TokenCheck): Record<string, string> {
  const shown: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'authorization') continue
    shown[name] = SECRET_HEADERS.has(name) ? '<redacted>' : Array.isArray(value) ? value.join(', ') : value
  }
  if (check !== 'missing') shown.authorization = AUTHORIZATION_SHOWN[check]
  return shown
}

export function loggedBody(text: string | undefined, parsed: {value: unknown} | undefined): unknown {
  if (text !== undefined && text.length > MAX_KEPT_BODY) return `<a body of ${Buffer.byteLength(text)} bytes, not kept>`
  if (parsed) return parsed.value
  if (text === undefined || text === '') return null
  return text.length > MAX_TEXT_BODY ? `${text.slice(0, MAX_TEXT_BODY)}…` : text
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
