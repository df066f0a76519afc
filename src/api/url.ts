// The API base URL as users type it, and whether it is safe to send a token there.
// No heavy imports: the base command reads this before it decides to load the transport.
import {hostWithoutBrackets} from './url-host.js'

/** A bad or unsafe API URL: the user's input, so a usage problem rather than a bug. */
export class ApiUrlError extends Error {
  override readonly name = 'ApiUrlError'
  readonly code = 'usage'
}

/**
 * Parses an API URL given with or without a trailing `/v1` or `/` and returns the base that
 * `/v1/...` paths are appended to (a path prefix such as `https://gw.example/prisma` is kept).
 */
export function normalizeApiUrl(input: string): URL {
  const text = input.trim()
  if (text === '') throw new ApiUrlError('The API URL is empty; pass something like https://api.prisma.io.')
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new ApiUrlError(`"${text}" is not a valid API URL; pass something like https://api.prisma.io.`)
  }

  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ApiUrlError(`The API URL must start with https:// or http://, not ${url.protocol} ("${text}").`)
  }
  // A token would be sent next to these credentials and they would end up in error messages.
  if (url.username !== '' || url.password !== '') {
    throw new ApiUrlError('The API URL must not contain a user name or password; the token is passed separately.')
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ApiUrlError(`The API URL must not contain a query string or fragment ("${text}").`)
  }

  const prefix = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '').replace(/\/+$/, '')
  url.pathname = prefix === '' ? '/' : prefix
  return url
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

function isLoopbackIpv4(address: string): boolean {
  const match = IPV4.exec(address)
  if (!match) return false
  const octets = match.slice(1).map(Number)
  return octets.every((octet) => octet <= 255) && octets[0] === 127
}

/** True for `localhost`, `127.0.0.0/8` and `::1` (with or without brackets, as `URL.hostname` gives it). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostWithoutBrackets(hostname.toLowerCase()).replace(/\.$/, '')
  if (host === 'localhost') return true
  if (isLoopbackIpv4(host)) return true
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true

  // IPv4-mapped IPv6, which URL writes in hex (`::ffff:7f00:1` for 127.0.0.1).
  const mapped = /^::ffff:(.+)$/.exec(host)
  if (mapped) {
    const rest = mapped[1]
    if (isLoopbackIpv4(rest)) return true
    const hex = /^([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(rest)
    if (hex) return Number.parseInt(hex[1], 16) >> 8 === 127
  }
  return false
}

/**
 * Whether a URL may be opened or carry a credential: `scheme` for anything but https: and http:
 * (javascript:, file:, data:...; nothing relaxes that), `plain-http` for http: to another machine
 * (which --insecure allows), undefined when it may.
 */
export function transportRefusal(url: URL, insecure: boolean): 'scheme' | 'plain-http' | undefined {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'scheme'
  if (url.protocol === 'https:' || isLoopbackHost(url.hostname) || insecure) return undefined
  return 'plain-http'
}

/**
 * Refuses to send a token anywhere but https:, or plain http: to this machine. With `insecure`
 * it allows http: to another machine and returns the warning to print (without a `Warning:`
 * prefix); any other scheme is refused whatever the flags. Undefined when all is well.
 */
export function checkTransportSecurity(url: URL, insecure: boolean): string | undefined {
  const refusal = transportRefusal(url, insecure)
  if (refusal === 'scheme') {
    throw new ApiUrlError(`Refusing to send the token to a ${url.protocol} URL: only https: is allowed (or http: on this machine). --insecure does not change that.`)
  }
  if (refusal === 'plain-http') {
    throw new ApiUrlError(
      `Refusing to send the token over plain http:// to ${url.host}: anyone on the way could read it. ` +
        'Use https://, or pass --insecure if you really mean it.',
    )
  }
  if (url.protocol === 'https:' || isLoopbackHost(url.hostname)) return undefined
  return `the token is sent over plain http:// to ${url.host}; anyone on the way can read it.`
}
