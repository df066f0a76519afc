// The HTTP trace that DEBUG=prisma-mgmt:http turns on: one block of lines per exchange and one
// line per retry, with every secret redacted and every control character made visible. Pure: no
// I/O, no undici, so the transport builds nothing of it unless a trace sink was given.
import {grouped} from './digits.js'
import {isSecretKey, redactMembers, redactPatterns} from './redact.js'

/** The `debug` namespace of the trace: DEBUG=prisma-mgmt:http, prisma-mgmt:*, * turn it on. */
export const TRACE_NAMESPACE = 'prisma-mgmt:http'

/** How much of a body is shown, in characters, after redaction and before escaping. */
export const MAX_TRACED_BODY = 2048

export {isSecretKey, SECRET_KEYS} from './redact.js'

const MASK = '***'

/** Whether `namespace` is on for a DEBUG value, matched as the `debug` package matches (4.x). */
export function debugEnabled(namespace: string, debug: string | undefined): boolean {
  const patterns = (debug ?? '').trim().split(/[\s,]+/).filter(Boolean)
  const matches = (pattern: string) => new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`).test(namespace)
  if (patterns.some((pattern) => pattern.startsWith('-') && matches(pattern.slice(1)))) return false
  return patterns.some((pattern) => !pattern.startsWith('-') && matches(pattern))
}

/** Whether the HTTP trace is on for this DEBUG value. */
export function traceEnabled(debug: string | undefined): boolean {
  return debugEnabled(TRACE_NAMESPACE, debug)
}

function escapeRegExp(text: string): string {
  return text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

// Like output/safe-text's set, plus tab, newline and CR: a traced body stays on its line, so a
// server cannot forge trace lines. api/ does not import render/, and the trace must be safe
// whoever writes it, so it carries its own escaping.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** The text with every control character (newlines too) shown as an escape such as `\x1b`. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (character) => {
    const code = character.codePointAt(0)!
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
}

/** Every known secret (the token), in its plain and JSON-escaped forms, replaced by `***`. */
function redactKnown(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) out = out.split(form).join(MASK)
  }
  return out
}

/** Known secrets (the token) and every secret a pattern finds, replaced by `***` in free text. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  return redactPatterns(redactKnown(text, secrets), MASK)
}

function redactValue(value: unknown, secrets: readonly string[]): unknown {
  return redactMembers(value, MASK, (text) => redactText(text, secrets))
}

/**
 * A body as the trace shows it: JSON is parsed, its secrets hidden and re-serialised on one line
 * (so a secret is found whatever its escaping); anything else is redacted as text.
 */
export function redactBody(body: string, secrets: readonly string[] = []): string {
  let parsed: unknown
  try {
    // Patterns are applied per string value, not to the raw text, where a URL could run into the next member.
    parsed = JSON.parse(redactKnown(body, secrets))
  } catch {
    return redactText(body, secrets)
  }
  return redactKnown(JSON.stringify(redactValue(parsed, secrets)), secrets)
}

/** At most `max` characters (never half a surrogate pair), saying how long it was when cut. */
export function truncate(text: string, max = MAX_TRACED_BODY): string {
  if (text.length <= max) return text
  const end = /[\ud800-\udbff]/.test(text[max - 1]) ? max - 1 : max
  return `${text.slice(0, end)}… [${grouped(text.length - end)} more characters]`
}

/** A body ready for one trace line: redacted, cut to MAX_TRACED_BODY, control characters escaped. */
export function traceBody(body: string, secrets: readonly string[] = []): string {
  return escapeControls(truncate(redactBody(body, secrets)))
}

export type Headers = Record<string, string | string[] | undefined>

// Response headers worth seeing when something goes wrong; others (cookies among them) are left out.
const SHOWN_RESPONSE_HEADERS = ['content-type', 'content-length', 'retry-after', 'location', 'x-request-id']

function headerList(headers: Headers, names: readonly string[], secrets: readonly string[]): string {
  const shown: string[] = []
  for (const name of names) {
    const raw = headers[name]
    if (raw === undefined) continue
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      // The scheme tells whether a token was sent (a redirect elsewhere drops it); the credential never shows.
      const text = isSecretKey(name) ? (/^\S+\s/.test(value) ? `${value.split(/\s/)[0]} ${MASK}` : MASK) : redactText(value, secrets)
      shown.push(`${name}: ${escapeControls(truncate(text, 200))}`)
    }
  }
  return shown.join(' | ')
}

/** One HTTP exchange (one hop of a redirect chain), as the transport saw it. */
export interface TracedExchange {
  method: string
  url: string
  requestHeaders: Headers
  requestBody?: string
  durationMs: number
  /** 0 for the first attempt. */
  attempt: number
  maxRetries: number
  /** On a retry: how long it waited before this attempt, and why. */
  retried?: {delayMs: number; reason: string}
  status?: number
  statusText?: string
  responseHeaders?: Headers
  responseBody?: string
  /** Why no answer came: a network error, the timeout, an abort. */
  failure?: string
}

/** One retry about to wait, as the transport decided it. */
export interface TracedRetry {
  method: string
  url: string
  /** 1 for the first retry. */
  attempt: number
  maxRetries: number
  delayMs: number
  reason: string
}

function line(text: string): string {
  return `${TRACE_NAMESPACE} ${text}`
}

/**
 * The lines of one exchange: `METHOD URL -> STATUS (N ms)`, then `>` request headers and body
 * and `<` response headers and body. Newline-separated, without a final newline.
 */
export function formatExchange(exchange: TracedExchange, secrets: readonly string[] = []): string {
  const target = `${exchange.method} ${escapeControls(redactText(exchange.url, secrets))}`
  const status = exchange.status === undefined ? undefined : `${exchange.status}${exchange.statusText ? ` ${exchange.statusText}` : ''}`
  const failure = exchange.failure === undefined ? undefined : `failed: ${escapeControls(redactText(exchange.failure, secrets))}`
  const outcome = [status, failure].filter(Boolean).join(', then ') || 'no answer'
  const {retried} = exchange
  const after = retried ? `, after ${Math.round(retried.delayMs)} ms for ${escapeControls(redactText(retried.reason, secrets))}` : ''
  const attempt = exchange.attempt > 0 ? ` [attempt ${exchange.attempt + 1} of ${exchange.maxRetries + 1}${after}]` : ''
  const lines = [line(`${target} -> ${outcome} (${Math.round(exchange.durationMs)} ms)${attempt}`)]
  const sent = headerList(exchange.requestHeaders, Object.keys(exchange.requestHeaders).sort(), secrets)
  if (sent) lines.push(line(`> ${sent}`))
  if (exchange.requestBody !== undefined) lines.push(line(`> ${traceBody(exchange.requestBody, secrets)}`))
  if (exchange.responseHeaders) {
    const received = headerList(exchange.responseHeaders, SHOWN_RESPONSE_HEADERS, secrets)
    if (received) lines.push(line(`< ${received}`))
  }
  if (exchange.responseBody) lines.push(line(`< ${traceBody(exchange.responseBody, secrets)}`))
  return lines.join('\n')
}

/** The line of a retry: what failed, how long it waits, which attempt comes next. */
export function formatRetry(retry: TracedRetry, secrets: readonly string[] = []): string {
  const target = `${retry.method} ${escapeControls(redactText(retry.url, secrets))}`
  const next = `attempt ${retry.attempt + 1} of ${retry.maxRetries + 1}`
  return line(`${target} retry: ${escapeControls(redactText(retry.reason, secrets))}; waiting ${Math.round(retry.delayMs)} ms before ${next}`)
}
