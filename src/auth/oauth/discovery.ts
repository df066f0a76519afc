// Where the authorization server's endpoints are: its RFC 8414 metadata document at
// `<auth base>/.well-known/oauth-authorization-server`. A server without one (404) is taken to
// use Prisma's layout, `<auth base>/authorize` and `<auth base>/token`, with no revocation.
import {AuthServerError, UsageError} from '../../errors.js'
import type {OAuthHttp} from './http.js'

export interface AuthServer {
  /** The base URL it was found at (as configured, without a trailing slash). */
  base: string
  authorizationEndpoint: string
  tokenEndpoint: string
  /** RFC 7009; absent when the server offers none. */
  revocationEndpoint?: string
}

export const METADATA_PATH = '/.well-known/oauth-authorization-server'

/** The auth base URL as typed, checked: http(s), no credentials, query or fragment. */
export function parseAuthBase(input: string): URL {
  const text = input.trim()
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`"${text}" is not a valid authorization server URL; pass something like https://auth.prisma.io.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`"${text}" is not an authorization server URL: its scheme is ${url.protocol}, and it must be https:// (or http:// on this machine).`)
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new UsageError(`"${text}" is not an authorization server URL: it must be http(s) with no user, query or fragment.`)
  }
  url.pathname = url.pathname.replace(/\/+$/, '')
  return url
}

function endpoint(base: URL, metadata: Record<string, unknown>, key: string, http: OAuthHttp): string | undefined {
  const value = metadata[key]
  if (value === undefined || value === null) return undefined
  let url: URL
  try {
    if (typeof value !== 'string') throw new TypeError(key)
    url = new URL(value)
  } catch {
    throw new AuthServerError(`The authorization server's metadata at ${base.origin} has an invalid ${key}.`, `Is ${base.href} an OAuth authorization server?`)
  }
  http.checkSecure(url, key.replaceAll('_', ' '))
  return url.href
}

export async function discover(authBase: string, http: OAuthHttp): Promise<AuthServer> {
  const base = parseAuthBase(authBase)
  http.checkSecure(base, 'authorization server')
  const root = base.href.replace(/\/+$/, '')
  const answer = await http.getJson(new URL(`${root}${METADATA_PATH}`))
  if (answer.status === 404) return {base: root, authorizationEndpoint: `${root}/authorize`, tokenEndpoint: `${root}/token`}
  const metadata = answer.json
  if (answer.status !== 200 || typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new AuthServerError(
      `${root}${METADATA_PATH} answered ${answer.status} without the authorization server's metadata.`,
      'Check the authorization server URL (--auth-url, PRISMA_AUTH_BASE_URL).',
    )
  }
  const fields = metadata as Record<string, unknown>
  const authorizationEndpoint = endpoint(base, fields, 'authorization_endpoint', http)
  const tokenEndpoint = endpoint(base, fields, 'token_endpoint', http)
  if (!authorizationEndpoint || !tokenEndpoint) {
    throw new AuthServerError(`The authorization server's metadata at ${root} names no authorization or token endpoint.`, 'Check the authorization server URL (--auth-url, PRISMA_AUTH_BASE_URL).')
  }
  const methods = fields.code_challenge_methods_supported
  // PKCE with S256 is how this login proves it started the request; a server without it cannot be used.
  if (Array.isArray(methods) && !methods.includes('S256')) {
    throw new AuthServerError(`The authorization server at ${root} does not support PKCE with S256, which prisma-mgmt needs.`)
  }
  return {base: root, authorizationEndpoint, tokenEndpoint, revocationEndpoint: endpoint(base, fields, 'revocation_endpoint', http)}
}
