// HTTP to the Management API: auth headers, timeouts, retries, redirects, proxies and turning
// every failure into one of the typed errors of errors.ts. Loaded lazily. Loopback hosts (the
// emulator) are reached with Node's own client (loopback-http.ts); undici, with its proxy support,
// is loaded only for other hosts or when a dispatcher is given (the tests' MockAgent).
import {STATUS_CODES} from 'node:http'
import {setTimeout as sleep} from 'node:timers/promises'
import type {Dispatcher} from 'undici'
import {grouped} from './digits.js'
import {ApiError, InvalidResponseError, NetworkError, RequestAbortedError, TimeoutError} from './errors.js'
import {LoopbackClient, type RawResponse} from './loopback-http.js'
import {formatExchange, formatRetry} from './trace.js'
import {isLoopbackHost, normalizeApiUrl} from './url.js'

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
export type QueryValue = string | number | boolean | null | undefined
export type QueryParams = Record<string, QueryValue>

export interface RetryInfo {
  /** 1 for the first retry. */
  attempt: number
  /** Retries allowed after the first attempt: attempt N of maxRetries + 1 requests in all. */
  maxRetries: number
  delayMs: number
  /** What went wrong, e.g. `HTTP 503 Service Unavailable` or `connection reset (ECONNRESET)`. */
  reason: string
  method: HttpMethod
  url: string
  status?: number
}

/**
 * Where the bearer token comes from when it can change while the command runs (an OAuth session):
 * `current()` before each request, and `refresh(failed)` once when the API answers 401 with
 * `failed`; it returns the token to retry with, or undefined when there is none better.
 */
export interface TokenProvider {
  current(): Promise<string>
  refresh(failed: string): Promise<string | undefined>
}

export interface TransportOptions {
  apiUrl: string
  /** A fixed token (a service token), or a provider of one that can be refreshed. */
  token: string | TokenProvider
  timeoutSeconds: number
  userAgent: string
  /** Retries after the first attempt (default 4). */
  maxRetries?: number
  /** First backoff step; doubles each retry, full jitter (default 250). */
  retryBaseDelayMs?: number
  /** Cap of one computed backoff delay (default 8000); Retry-After has its own cap. */
  maxRetryDelayMs?: number
  /**
   * Used for every request when given. By default an EnvHttpProxyAgent (HTTP(S)_PROXY, NO_PROXY)
   * for remote hosts and Node's own client, direct, for loopback hosts.
   */
  dispatcher?: Dispatcher
  onRetry?: (info: RetryInfo) => void
  /**
   * Receives the trace of each exchange and each retry (lines of trace.ts, secrets redacted,
   * no final newline). Absent, nothing of the trace is measured or formatted.
   */
  trace?: (text: string) => void
  /** Pages one list may take before it is refused (default MAX_PAGES); tests lower it. */
  maxPages?: number
  /** Waits before a retry (default a timer); rejects when the signal aborts. Tests pass an instant one. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

export interface RequestOptions {
  query?: QueryParams
  body?: unknown
  /** Ends the request (and any wait before a retry) at once; it then rejects with RequestAbortedError. */
  signal?: AbortSignal
}

/** A cursor-paginated list body (`pagination` is absent on some lists). */
export interface Page<T> {
  data: T[]
  pagination?: {nextCursor?: string | null; hasMore: boolean}
}

/** Checks one page's body before it is read; `request` names it in the error (`GET /v1/projects (page 2)`). */
export type PageReader<T> = (body: unknown, request: string) => Page<T>

/** A Retry-After longer than this is not waited for: the error is returned with `retryAfter`. */
export const MAX_RETRY_AFTER_SECONDS = 60
export const MAX_REDIRECTS = 5
/** The API's largest page; also its default. */
export const MAX_PAGE_SIZE = 100
/**
 * The most pages one list may take (a million items at the API's page size): a server that
 * keeps answering hasMore with new cursors would otherwise keep a command running forever.
 */
export const MAX_PAGES = 10_000
// Bounds memory when something that is not the API streams at us.
const MAX_BODY_BYTES = 16 * 1024 * 1024

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504])
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
// POST creates things, so it is only repeated when it provably never left this machine.
const IDEMPOTENT_METHODS = new Set<HttpMethod>(['GET', 'PUT', 'PATCH', 'DELETE'])

const NOT_SENT_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
}
const CONNECTION_CODES: Record<string, string> = {
  ...NOT_SENT_CODES,
  ECONNRESET: 'connection reset',
  EPIPE: 'connection broken',
  ECONNABORTED: 'connection aborted',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'socket closed',
  UND_ERR_CLOSED: 'socket closed',
}

// A provider's own failure (an ended session) is the command's failure, never a network error to retry.
class ProviderFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('the token provider failed')
  }
}

/** Which attempt an exchange belongs to, for the trace: 0 first, with the wait before a retry and its reason. */
interface AttemptTrace {
  attempt: number
  retried?: {delayMs: number; reason: string}
}

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  url: URL
  method: HttpMethod
}

function headerValue(headers: Answer['headers'], name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

function statusLine(status: number): string {
  const text = STATUS_CODES[status]
  return text ? `${status} ${text}` : String(status)
}

/**
 * The line a user reads while a retry waits: the status (or the network failure) and the wait,
 * never text the server sent, e.g. `Rate limited by the API; retrying in 4 s (attempt 2 of 5)`.
 */
export function describeRetry(info: RetryInfo): string {
  const cause =
    info.status === 429 ? 'Rate limited by the API'
    : info.status === undefined ? `The API could not be reached: ${info.reason}`
    : `The API answered ${statusLine(info.status)}`
  // Rounded up: a wait is never shorter than it says.
  return `${cause}; retrying in ${Math.ceil(info.delayMs / 1000)} s (attempt ${info.attempt + 1} of ${info.maxRetries + 1})`
}

/** Every error code in an error, its causes and (for happy-eyeballs) its aggregated errors. */
function errorCodes(error: unknown, depth = 0): string[] {
  if (depth > 5 || typeof error !== 'object' || error === null) return []
  const codes: string[] = []
  const {code, cause, errors} = error as {code?: unknown; cause?: unknown; errors?: unknown}
  if (typeof code === 'string') codes.push(code)
  codes.push(...errorCodes(cause, depth + 1))
  if (Array.isArray(errors)) for (const inner of errors) codes.push(...errorCodes(inner, depth + 1))
  return codes
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

function isJsonType(contentType: string | undefined): boolean {
  if (!contentType) return false
  const mediaType = contentType.split(';')[0].trim().toLowerCase()
  return mediaType === 'application/json' || mediaType.endsWith('+json')
}

async function readBody(body: AsyncIterable<Buffer | string>, url: URL, status: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    size += buffer.length
    if (size > MAX_BODY_BYTES) {
      throw new InvalidResponseError(`The answer from ${url.origin} is larger than ${MAX_BODY_BYTES} bytes; it is not the API's JSON.`, status)
    }
    chunks.push(buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export class Transport {
  readonly baseUrl: URL
  private readonly tokens: TokenProvider
  /** Every token this transport sent, so none of them is ever shown (a refresh adds one). */
  private readonly sent = new Set<string>()
  private readonly timeoutMs: number
  private readonly timeoutSeconds: number
  private readonly userAgent: string
  private readonly maxRetries: number
  private readonly retryBaseDelayMs: number
  private readonly maxRetryDelayMs: number
  /** The dispatcher given, else undici's proxy-aware agent, made at the first request to a host that is not loopback. */
  private dispatcher?: Promise<Dispatcher>
  private readonly loopback?: LoopbackClient
  private readonly onRetry?: (info: RetryInfo) => void
  private readonly trace?: (text: string) => void
  private readonly maxPages: number
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>

  constructor(options: TransportOptions) {
    this.baseUrl = normalizeApiUrl(options.apiUrl)
    const {token} = options
    this.tokens = typeof token === 'string' ? {current: async () => token, refresh: async () => undefined} : token
    if (!(options.timeoutSeconds > 0)) throw new RangeError(`The timeout must be a positive number of seconds, not ${options.timeoutSeconds}.`)
    this.timeoutSeconds = options.timeoutSeconds
    this.timeoutMs = Math.ceil(options.timeoutSeconds * 1000)
    this.userAgent = options.userAgent
    this.maxRetries = options.maxRetries ?? 4
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 250
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 8000
    this.onRetry = options.onRetry
    this.trace = options.trace
    this.maxPages = options.maxPages ?? MAX_PAGES
    this.sleep = options.sleep ?? ((ms, signal) => sleep(ms, undefined, {signal}))
    if (options.dispatcher) this.dispatcher = Promise.resolve(options.dispatcher)
    // A proxy cannot reach this machine's loopback (the emulator), so loopback never goes through one.
    else this.loopback = new LoopbackClient()
  }

  private proxyAware(): Promise<Dispatcher> {
    this.dispatcher ??= import('undici').then(({EnvHttpProxyAgent}) => {
      // Connect within the same bound as the whole request, instead of undici's fixed 10 s. Plain
      // http goes to the proxy as an absolute-form request (like curl): many proxies only allow CONNECT to 443.
      return new EnvHttpProxyAgent({connect: {timeout: this.timeoutMs}, proxyTunnel: false})
    })
    return this.dispatcher
  }

  /** Closes the connections this transport opened (not those of a dispatcher it was given). */
  async close(): Promise<void> {
    if (!this.loopback) return
    this.loopback.close()
    if (this.dispatcher) await (await this.dispatcher).close()
  }

  private async send(url: URL, request: {method: HttpMethod; headers: Record<string, string>; body: string | undefined; signal: AbortSignal}): Promise<RawResponse> {
    if (this.loopback && isLoopbackHost(url.hostname)) return this.loopback.request(url, request)
    const dispatcher = await this.proxyAware()
    const {request: undiciRequest} = await import('undici')
    return undiciRequest(url, {...request, dispatcher})
  }

  /** `path` starts with `/v1/`; build it with apiPath so ids are encoded. */
  url(path: string, query?: QueryParams): URL {
    const url = new URL(this.baseUrl.href)
    url.pathname = this.baseUrl.pathname.replace(/\/$/, '') + path
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value))
    }
    return url
  }

  /** Sends one API request (with retries) and returns its parsed JSON; undefined for 204. */
  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const url = this.url(path, options.query)
    const body = options.body === undefined ? undefined : JSON.stringify(options.body)
    const {signal} = options

    // What the trace says of a retry's exchange: the wait before it and why.
    let retried: AttemptTrace['retried']
    // A 401 is answered by one refresh of the token and one repeat of the request, never more.
    let refreshed = false
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new RequestAbortedError(method, url.href)
      let token = await this.currentToken()
      let failure: Error
      let retryable: boolean
      let retryAfterMs: number | undefined
      let reason: string
      let status: number | undefined
      try {
        let answer = await this.follow(method, url, body, token, {attempt, retried}, signal)
        if (answer.status === 401 && !refreshed) {
          refreshed = true
          const next = await this.tokens.refresh(token).catch((error: unknown) => {
            throw new ProviderFailure(error)
          })
          if (next !== undefined && next !== token) {
            token = this.remember(next)
            answer = await this.follow(method, url, body, token, {attempt, retried}, signal)
          }
        }
        if (answer.status >= 200 && answer.status < 300) return this.parseSuccess<T>(answer)
        status = answer.status
        retryAfterMs = parseRetryAfter(headerValue(answer.headers, 'retry-after'))
        failure = this.failureOf(answer, retryAfterMs)
        retryable = RETRYABLE_STATUSES.has(answer.status) && IDEMPOTENT_METHODS.has(method)
        reason = `HTTP ${statusLine(answer.status)}`
      } catch (error) {
        if (error instanceof ProviderFailure) throw error.cause
        if (error instanceof TimeoutError || error instanceof InvalidResponseError || error instanceof RequestAbortedError) throw error
        const codes = errorCodes(error)
        const known = codes.find((code) => code in CONNECTION_CODES)
        reason = this.networkReason(error)
        failure = new NetworkError(`${method} ${url.href} failed: ${reason}.`, error)
        const neverSent = codes.some((code) => code in NOT_SENT_CODES)
        retryable = neverSent || (known !== undefined && IDEMPOTENT_METHODS.has(method))
      }

      if (!retryable || attempt >= this.maxRetries) throw failure
      if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_SECONDS * 1000) throw failure
      const delayMs = retryAfterMs ?? this.backoff(attempt)
      if (this.trace) this.emit(() => formatRetry({method, url: url.href, attempt: attempt + 1, maxRetries: this.maxRetries, delayMs, reason}, [...this.sent]))
      retried = {delayMs, reason}
      this.onRetry?.({attempt: attempt + 1, maxRetries: this.maxRetries, delayMs, reason, method, url: url.href, ...(status === undefined ? {} : {status})})
      try {
        await this.sleep(delayMs, signal)
      } catch {
        throw new RequestAbortedError(method, url.href)
      }
    }
  }

  /**
   * Yields the items of a cursor-paginated list, fetching pages until `limit` items were yielded.
   * `read` checks each page. A list that does not end is an InvalidResponseError: a cursor seen
   * before, an empty page or no cursor while hasMore says more follow, or more than maxPages pages.
   */
  async *paginate<T>(path: string, read: PageReader<T>, options: {query?: QueryParams; limit?: number} = {}): AsyncGenerator<T> {
    const {query = {}, limit} = options
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
      throw new RangeError(`The limit must be a whole number of 0 or more, not ${limit}.`)
    }
    let remaining = limit ?? Number.POSITIVE_INFINITY
    let cursor: string | undefined
    let items = 0
    // Digests, not the cursors: a server may send long ones, and at most maxPages are kept.
    const seen = new Set<string>()
    for (let pageNumber = 1; remaining > 0; pageNumber++) {
      const request = `GET ${path} (page ${grouped(pageNumber)})`
      const page = read(await this.request<unknown>('GET', path, {query: {...query, cursor, limit: Math.min(MAX_PAGE_SIZE, remaining)}}), request)
      for (const item of page.data) {
        yield item
        items++
        remaining--
        if (remaining <= 0) return
      }
      if (!page.pagination?.hasMore) return
      const next = page.pagination.nextCursor
      if (page.data.length === 0) throw new InvalidResponseError(`${request}: the API answered an empty page that says more follow (hasMore).`)
      if (typeof next !== 'string' || next === '') throw new InvalidResponseError(`${request}: the API says more follow (hasMore) but gave no cursor to fetch them.`)
      if (pageNumber >= this.maxPages) {
        const counts = `${grouped(pageNumber)} pages (${grouped(items)} items)`
        throw new InvalidResponseError(`GET ${path}: stopped after ${counts}; the API kept answering hasMore.`)
      }
      // node:crypto only once a list has a second page.
      const {createHash} = await import('node:crypto')
      const digest = createHash('sha256').update(next).digest('base64')
      if (seen.has(digest)) throw new InvalidResponseError(`${request}: the API gave a page cursor it had given before; the list would never end.`)
      seen.add(digest)
      cursor = next
    }
  }

  /** Asked outside the request's try: a provider that cannot give a token (an ended session) fails the command as it is. */
  private async currentToken(): Promise<string> {
    return this.remember(await this.tokens.current())
  }

  private remember(token: string): string {
    if (token !== '') this.sent.add(token)
    return token
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.maxRetryDelayMs, this.retryBaseDelayMs * 2 ** attempt)
    return Math.floor(Math.random() * ceiling)
  }

  private headers(url: URL, hasBody: boolean, token: string): Record<string, string> {
    const headers: Record<string, string> = {accept: 'application/json', 'user-agent': this.userAgent}
    // The token belongs to the API's origin alone; a redirect elsewhere must not carry it. The empty token is none (the OIDC exchange).
    if (token !== '' && url.origin === this.baseUrl.origin) headers.authorization = `Bearer ${token}`
    if (hasBody) headers['content-type'] = 'application/json'
    return headers
  }

  /** One request, following redirects ourselves so the Authorization header stays under our control. */
  private async follow(method: HttpMethod, start: URL, body: string | undefined, token: string, attempt: AttemptTrace, signal?: AbortSignal): Promise<Answer> {
    let url = start
    let currentMethod = method
    let currentBody = body
    for (let redirects = 0; ; redirects++) {
      const answer = await this.exchange(currentMethod, url, currentBody, token, attempt, signal)
      const location = headerValue(answer.headers, 'location')
      if (!REDIRECT_STATUSES.has(answer.status) || !location) return answer
      if (redirects >= MAX_REDIRECTS) {
        throw new InvalidResponseError(`${method} ${start.href} was redirected more than ${MAX_REDIRECTS} times.`, answer.status)
      }
      let next: URL
      try {
        next = new URL(location, url)
      } catch {
        throw new InvalidResponseError(`${currentMethod} ${url.href} redirected to an invalid URL.`, answer.status)
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new InvalidResponseError(`${currentMethod} ${url.href} redirected to a ${next.protocol} URL.`, answer.status)
      }
      // 303 means "fetch the result over there"; other redirects repeat the same request.
      if (answer.status === 303) {
        currentMethod = 'GET'
        currentBody = undefined
      }
      url = next
    }
  }

  /** One HTTP exchange bounded by the timeout: connect, headers and the whole body. */
  private async exchange(method: HttpMethod, url: URL, body: string | undefined, token: string, attempt: AttemptTrace, signal?: AbortSignal): Promise<Answer> {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), this.timeoutMs)
    const abort = () => controller.abort()
    signal?.addEventListener('abort', abort, {once: true})
    const headers = this.headers(url, body !== undefined, token)
    const started = this.trace ? performance.now() : 0
    let response: RawResponse | undefined
    try {
      response = await this.send(url, {method, headers, body, signal: controller.signal})
      const text = await readBody(response.body, url, response.statusCode)
      if (this.trace) this.traceExchange({method, url, headers, body, attempt, started, response, text})
      return {status: response.statusCode, headers: response.headers, body: text, url, method}
    } catch (error) {
      const failed =
        signal?.aborted ? new RequestAbortedError(method, url.href)
        : controller.signal.aborted ? new TimeoutError(this.timeoutSeconds, url.href)
        : error
      if (this.trace) this.traceExchange({method, url, headers, body, attempt, started, response, failed})
      throw failed
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', abort)
    }
  }

  private parseSuccess<T>(answer: Answer): T {
    if (answer.status === 204 || answer.status === 205) return undefined as T
    const parsed = this.parseJson(answer)
    if (!parsed.ok) {
      throw new InvalidResponseError(`${this.describe(answer)} answered ${statusLine(answer.status)} with ${parsed.problem}, not the API's JSON.`, answer.status)
    }
    return parsed.value as T
  }

  private failureOf(answer: Answer, retryAfterMs: number | undefined): Error {
    const retryAfter = retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000)
    const fallback = new ApiError(
      answer.status,
      `http-${answer.status}`,
      `${this.describe(answer)} answered ${statusLine(answer.status)}.`,
      undefined,
      retryAfter,
    )
    if (answer.body.trim() === '') return fallback
    const parsed = this.parseJson(answer)
    if (!parsed.ok) {
      return new InvalidResponseError(`${this.describe(answer)} answered ${statusLine(answer.status)} with ${parsed.problem}, not the API's JSON.`, answer.status)
    }
    const {error} = (parsed.value ?? {}) as {error?: {code?: unknown; message?: unknown; hint?: unknown}}
    if (typeof error !== 'object' || error === null || typeof error.message !== 'string') return fallback
    const code = typeof error.code === 'string' && error.code !== '' ? error.code : `http-${answer.status}`
    const hint = typeof error.hint === 'string' ? this.redact(error.hint) : undefined
    return new ApiError(answer.status, code, this.redact(error.message), hint, retryAfter)
  }

  private parseJson(answer: Answer): {ok: true; value: unknown} | {ok: false; problem: string} {
    const contentType = headerValue(answer.headers, 'content-type')
    // Without a content type the body may still be JSON; with another one it is someone else's page.
    if (contentType !== undefined && !isJsonType(contentType)) {
      return {ok: false, problem: `content type ${contentType.split(';')[0].trim()}`}
    }
    if (answer.body.trim() === '') return {ok: false, problem: 'an empty body'}
    try {
      return {ok: true, value: JSON.parse(answer.body)}
    } catch {
      return {ok: false, problem: contentType === undefined ? 'a body that is not JSON' : 'a body that does not parse as JSON'}
    }
  }

  private describe(answer: Answer): string {
    return `${answer.method} ${answer.url.href}`
  }

  /** A network failure in a few words, e.g. `connection refused (ECONNREFUSED)`; the token never in it. */
  private networkReason(error: unknown): string {
    const known = errorCodes(error).find((code) => code in CONNECTION_CODES)
    return known ? `${CONNECTION_CODES[known]} (${known})` : this.redact(error instanceof Error ? error.message : String(error))
  }

  private traceExchange(exchange: {
    method: HttpMethod
    url: URL
    headers: Record<string, string>
    body: string | undefined
    attempt: AttemptTrace
    started: number
    response?: RawResponse
    text?: string
    failed?: unknown
  }): void {
    const durationMs = performance.now() - exchange.started
    this.emit(() => {
      const {response, failed} = exchange
      const failure =
        failed === undefined ? undefined
        : failed instanceof TimeoutError ? `timed out after ${this.timeoutSeconds} s`
        : failed instanceof RequestAbortedError ? 'aborted'
        : failed instanceof InvalidResponseError ? failed.message
        : this.networkReason(failed)
      return formatExchange(
        {
          method: exchange.method,
          url: exchange.url.href,
          requestHeaders: exchange.headers,
          requestBody: exchange.body,
          durationMs,
          attempt: exchange.attempt.attempt,
          retried: exchange.attempt.retried,
          maxRetries: this.maxRetries,
          status: response?.statusCode,
          statusText: response ? STATUS_CODES[response.statusCode] : undefined,
          responseHeaders: response?.headers,
          responseBody: exchange.text,
          failure,
        },
        [...this.sent],
      )
    })
  }

  private emit(text: () => string): void {
    try {
      this.trace?.(text())
    } catch {
      // A debugging aid that fails must not change the outcome of the request it describes.
    }
  }

  /** Servers and libraries sometimes echo request headers back; never let the token through. */
  private redact(text: string): string {
    let out = text
    for (const token of this.sent) out = out.split(token).join('***')
    return out
  }
}
