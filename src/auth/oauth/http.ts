// HTTP to the OAuth authorization server: metadata, token and revocation requests, bounded by
// the command's --timeout, through the same proxy rules as the API (loopback goes direct).
// Redirects are not followed: a token request that is sent on elsewhere would carry its secrets.
import type {Dispatcher} from 'undici'

import {isLoopbackHost, transportRefusal} from '../../api/url.js'
import {AuthServerError, UsageError} from '../../errors.js'

export interface OAuthHttpOptions {
  timeoutSeconds: number
  userAgent: string
  /** Allow plain http:// to a host that is not loopback (--insecure). */
  insecure: boolean
  /** Used for every request when given (a stub in tests). */
  dispatcher?: Dispatcher
}

export interface OAuthAnswer {
  status: number
  /** The parsed JSON body; undefined when it is empty or not JSON. */
  json: unknown
  contentType?: string
}

// Metadata and token answers are a few hundred bytes; this only bounds what a wrong server sends.
const MAX_BODY_BYTES = 1024 * 1024

export class OAuthHttp {
  #dispatchers: Dispatcher[] = []
  #own?: {remote: Dispatcher; loopback: Dispatcher}

  constructor(private readonly options: OAuthHttpOptions) {}

  /**
   * Refuses a URL the login would open or send secrets to unless it is https:, or http: on this
   * machine (another machine with --insecure). A scheme other than those two (javascript:, file:,
   * data:...) is refused whatever the flags: no authorization server names one.
   */
  checkSecure(url: URL, what: string): void {
    const refusal = transportRefusal(url, this.options.insecure)
    if (refusal === 'scheme') {
      throw new AuthServerError(
        `Refusing to use the ${what} ${JSON.stringify(url.href.length > 80 ? `${url.href.slice(0, 80)}…` : url.href)}: its scheme is ${url.protocol}, and prisma-mgmt opens and sends secrets only to https: URLs (http: on this machine).`,
        'Check the authorization server URL (--auth-url, PRISMA_AUTH_BASE_URL): a genuine one names https:// endpoints.',
      )
    }
    if (refusal === 'plain-http') {
      throw new UsageError(
        `Refusing to use the ${what} ${url.origin} over plain http://: anyone on the way could read the tokens.`,
        'Use an https:// URL, or pass --insecure if you really mean it.',
      )
    }
  }

  async getJson(url: URL): Promise<OAuthAnswer> {
    return this.send('GET', url)
  }

  async postForm(url: URL, form: Record<string, string>): Promise<OAuthAnswer> {
    return this.send('POST', url, new URLSearchParams(form).toString())
  }

  /** Closes the connections this client opened. */
  async close(): Promise<void> {
    const dispatchers = this.#dispatchers
    this.#dispatchers = []
    this.#own = undefined
    await Promise.all(dispatchers.map((d) => d.close().catch(() => undefined)))
  }

  private async dispatcherFor(url: URL): Promise<Dispatcher> {
    if (this.options.dispatcher) return this.options.dispatcher
    if (!this.#own) {
      const {Agent, EnvHttpProxyAgent} = await import('undici')
      const connect = {timeout: Math.ceil(this.options.timeoutSeconds * 1000)}
      this.#own = {remote: new EnvHttpProxyAgent({connect, proxyTunnel: false}), loopback: new Agent({connect})}
      this.#dispatchers.push(this.#own.remote, this.#own.loopback)
    }
    // A proxy cannot reach this machine's loopback (the emulator), so loopback never goes through one.
    return isLoopbackHost(url.hostname) ? this.#own.loopback : this.#own.remote
  }

  private async send(method: 'GET' | 'POST', url: URL, body?: string): Promise<OAuthAnswer> {
    // Every request, whatever named its URL: the metadata, a stored session, the defaults.
    this.checkSecure(url, 'authorization server')
    const {request} = await import('undici')
    const dispatcher = await this.dispatcherFor(url)
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), Math.ceil(this.options.timeoutSeconds * 1000))
    const headers: Record<string, string> = {accept: 'application/json', 'user-agent': this.options.userAgent}
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded'
    try {
      const response = await request(url, {method, headers, body, dispatcher, signal: controller.signal})
      const chunks: Buffer[] = []
      let size = 0
      for await (const chunk of response.body) {
        const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
        size += buffer.length
        if (size > MAX_BODY_BYTES) throw new AuthServerError(`The answer from ${url.origin} is larger than ${MAX_BODY_BYTES} bytes; it is not an OAuth server's.`)
        chunks.push(buffer)
      }
      const text = Buffer.concat(chunks).toString('utf8')
      const header = response.headers['content-type']
      const contentType = Array.isArray(header) ? header[0] : header
      let json: unknown
      try {
        json = text.trim() === '' ? undefined : JSON.parse(text)
      } catch {
        json = undefined
      }
      return {status: response.statusCode, json, contentType}
    } catch (error) {
      if (error instanceof AuthServerError) throw error
      if (controller.signal.aborted) {
        throw new AuthServerError(`The authorization server did not answer within ${this.options.timeoutSeconds}s (${method} ${url.origin}${url.pathname}).`, 'Try again, or pass --timeout with more seconds.', 'timeout')
      }
      const reason = networkReason(error)
      throw new AuthServerError(
        `Could not reach the authorization server at ${url.origin}: ${reason}.`,
        'Check your network, the authorization server URL (--auth-url, PRISMA_AUTH_BASE_URL) and any proxy settings, then try again.',
        'network',
      )
    } finally {
      clearTimeout(timer)
    }
  }
}

/** A network failure in a few words, e.g. `ECONNREFUSED`; never a body or a header. */
export function networkReason(error: unknown): string {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const {code, cause} = current as {code?: unknown; cause?: unknown}
    if (typeof code === 'string' && /^E[A-Z]+$|^UND_ERR/.test(code)) return code
    current = cause
  }
  return error instanceof Error ? error.message : String(error)
}
