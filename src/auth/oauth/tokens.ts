// The token endpoint (authorization_code and refresh_token grants, form-encoded) and RFC 7009
// revocation. Every token read or minted is hidden from the debug output at once.
import {AuthServerError, LoginError} from '../../errors.js'
import {hideFromDebugOutput} from '../debug-output.js'
import type {OAuthHttp} from './http.js'

export interface TokenSet {
  accessToken: string
  refreshToken: string
  /** When the access token stops working, if the server said (expires_in, else the JWT's exp). */
  expiresAt?: Date
  scope?: string
}

/** The server's `{error, error_description}` answer to a token request. */
export class TokenRequestError extends LoginError {
  constructor(
    readonly error: string,
    readonly description: string | undefined,
    message: string,
    next?: string,
  ) {
    super(message, next, error)
  }
}

/** The payload of a JWT, unverified (only to read `exp` and `workspace_id` the server put there); undefined when it is not one. */
export function jwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function expiryOf(accessToken: string, expiresIn: unknown, now: Date): Date | undefined {
  // Stryker disable next-line LogicalOperator,ConditionalExpression: a number parsed from JSON is always finite
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn >= 0) return new Date(now.getTime() + expiresIn * 1000)
  const exp = jwtPayload(accessToken)?.exp
  // Stryker disable next-line LogicalOperator,ConditionalExpression: a number parsed from JSON is always finite
  return typeof exp === 'number' && Number.isFinite(exp) ? new Date(exp * 1000) : undefined
}

async function tokenRequest(http: OAuthHttp, tokenEndpoint: string, form: Record<string, string>, now: () => Date): Promise<TokenSet> {
  const url = new URL(tokenEndpoint)
  const answer = await http.postForm(url, form)
  const body = (typeof answer.json === 'object' && answer.json !== null ? answer.json : {}) as Record<string, unknown>
  if (answer.status >= 400 && answer.status < 500 && typeof body.error === 'string') {
    const description = typeof body.error_description === 'string' ? body.error_description : undefined
    const detail = description ? `${body.error}: ${description}` : body.error
    throw new TokenRequestError(body.error, description, `The authorization server refused the ${form.grant_type === 'refresh_token' ? 'refresh' : 'login'} (${detail}).`)
  }
  if (answer.status !== 200) {
    throw new AuthServerError(`The token endpoint ${url.origin}${url.pathname} answered ${answer.status}.`, answer.status >= 500 ? 'The authorization server is unavailable; try again in a moment.' : undefined, `http-${answer.status}`)
  }
  const {access_token: accessToken, refresh_token: refreshToken} = body
  if (typeof accessToken !== 'string' || accessToken === '' || typeof refreshToken !== 'string' || refreshToken === '') {
    // Whatever came back may hold a token: hide it before saying anything.
    hideFromDebugOutput(typeof accessToken === 'string' ? accessToken : undefined)
    throw new AuthServerError(`The token endpoint ${url.origin}${url.pathname} answered without an access token and a refresh token.`, 'prisma-mgmt asks for offline_access; check that the OAuth app may use it.')
  }
  hideFromDebugOutput(accessToken)
  hideFromDebugOutput(refreshToken)
  return {accessToken, refreshToken, expiresAt: expiryOf(accessToken, body.expires_in, now()), scope: typeof body.scope === 'string' ? body.scope : undefined}
}

export interface CodeExchange {
  tokenEndpoint: string
  code: string
  redirectUri: string
  clientId: string
  verifier: string
}

export function exchangeCode(http: OAuthHttp, exchange: CodeExchange, now: () => Date = () => new Date()): Promise<TokenSet> {
  return tokenRequest(
    http,
    exchange.tokenEndpoint,
    {grant_type: 'authorization_code', code: exchange.code, redirect_uri: exchange.redirectUri, client_id: exchange.clientId, code_verifier: exchange.verifier},
    now,
  )
}

export function refreshTokens(http: OAuthHttp, request: {tokenEndpoint: string; refreshToken: string; clientId: string}, now: () => Date = () => new Date()): Promise<TokenSet> {
  return tokenRequest(http, request.tokenEndpoint, {grant_type: 'refresh_token', refresh_token: request.refreshToken, client_id: request.clientId}, now)
}

/** RFC 7009: the server forgets the refresh token (and with it the session). Rejects when it did not answer 200. */
export async function revokeToken(http: OAuthHttp, request: {revocationEndpoint: string; refreshToken: string; clientId: string}): Promise<void> {
  const url = new URL(request.revocationEndpoint)
  const answer = await http.postForm(url, {token: request.refreshToken, token_type_hint: 'refresh_token', client_id: request.clientId})
  if (answer.status !== 200) {
    const body = (answer.json ?? {}) as {error?: unknown}
    const detail = typeof body.error === 'string' ? ` (${body.error})` : ''
    throw new AuthServerError(`The revocation endpoint ${url.origin}${url.pathname} answered ${answer.status}${detail}.`)
  }
}
