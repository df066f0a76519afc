// The emulator's OAuth 2.0 authorization server (RFC 6749 with PKCE, RFC 7636), on the same
// origin as its API: one registered public client, consent by a person in a browser, codes for
// tokens, refresh with rotation and reuse detection, revocation (RFC 7009). No HTTP here: the
// endpoints in endpoints.ts turn requests into these calls and their outcomes into answers.
import {createHash, randomBytes} from 'node:crypto'

import type {Principal} from '../core.js'
import {newId} from '../ids.js'
import type {WorkspaceRecord} from '../records.js'
import type {Store} from '../store.js'
import {signJwt, verifyJwt} from './jwt.js'
import type {AuthorizationCodeRecord, AuthorizationRecord, OAuthState, RefreshTokenRecord} from './records.js'

export const DEFAULT_CLIENT_ID = 'prisma-mgmt-emulator'
/** The API needs this scope; the other one only asks for refresh tokens. */
export const API_SCOPE = 'workspace:admin'
export const OFFLINE_SCOPE = 'offline_access'
export const SCOPES: readonly string[] = [API_SCOPE, OFFLINE_SCOPE]
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600
export const DEFAULT_CODE_TTL_MS = 60_000
export const REFRESH_TOKEN_TTL_MS = 90 * 24 * 60 * 60 * 1000
/** How long an approval form stays good. */
const CONSENT_TTL_MS = 10 * 60 * 1000
/** Forms nobody submitted are dropped, oldest first, past this many. */
const MAX_PENDING_CONSENTS = 1000
/** A used code is remembered this long after it expired, so a late replay still revokes its tokens. */
const USED_CODE_MEMORY_MS = 10 * 60 * 1000

export interface OAuthCounters {
  /** Approvals that sent a code back to the client. */
  authorizationCodesIssued: number
  /** Codes exchanged for tokens successfully. */
  tokenExchanges: number
  /** Refresh grants answered with new tokens. */
  refreshes: number
  /** Refresh tokens presented again after they were used, each of which revoked its authorization. */
  refreshReuseDetected: number
  /** Revocation requests answered 200, whether or not the token was still live. */
  revocations: number
}

export interface AuthorizationServerOptions {
  clientId?: string
  accessTokenTtlSeconds?: number
  codeTtlMs?: number
  log?: (line: string) => void
}

/** An error the token and revocation endpoints answer as `{error, error_description}`. */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope',
    readonly description: string,
  ) {
    super(description)
  }
}

/** A checked authorization request, waiting for the person's decision. */
export interface AuthorizeRequest {
  clientId: string
  redirectUri: string
  scope: string[]
  state: string | undefined
  codeChallenge: string
}

export type AuthorizeCheck =
  | {kind: 'valid'; request: AuthorizeRequest}
  /** The client or the redirect URI is wrong: sending anyone there would be unsafe. */
  | {kind: 'page'; message: string}
  /** Anything else wrong goes back to the client's redirect URI. */
  | {kind: 'redirect'; location: string}

export interface Consent {
  csrfToken: string
  request: AuthorizeRequest
  workspaces: WorkspaceRecord[]
}

export type Decision = {kind: 'redirect'; location: string} | {kind: 'page'; message: string}

export interface TokenAnswer {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  refresh_token?: string
  scope: string
}

export type AccessCheck = {kind: 'valid'; principal: Principal; scope: string[]} | {kind: 'expired' | 'revoked' | 'invalid'}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url')
}

function randomSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** PKCE S256: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url')
}

/** Why a redirect URI is refused, or undefined: http on a loopback host, any port and path, no fragment. */
export function redirectUriProblem(raw: string): string | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return `redirect_uri ${JSON.stringify(raw)} is not an absolute URI.`
  }
  if (url.protocol !== 'http:') return `redirect_uri must use http:// on a loopback address (localhost, 127.0.0.1 or [::1]), got ${JSON.stringify(raw)}.`
  if (!['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    return `redirect_uri must be a loopback address (localhost, 127.0.0.1 or [::1]) on any port, got host ${JSON.stringify(url.hostname)}.`
  }
  if (url.username !== '' || url.password !== '') return 'redirect_uri must not carry a user name or password.'
  if (raw.includes('#')) return 'redirect_uri must not have a fragment (#...).'
  return undefined
}

/** The one value of a parameter; a repeated one is refused (RFC 6749 section 3.1). */
function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name)
  if (values.length > 1) throw new OAuthError(400, 'invalid_request', `${name} is given more than once.`)
  return values[0]
}

function required(params: URLSearchParams, name: string): string {
  const value = single(params, name)
  if (value === undefined || value === '') throw new OAuthError(400, 'invalid_request', `${name} is missing.`)
  return value
}

/** Space-separated scopes, each once; an unknown one is refused. */
function readScope(raw: string): string[] {
  const scopes = [...new Set(raw.split(' ').filter((scope) => scope !== ''))]
  const unknown = scopes.filter((scope) => !SCOPES.includes(scope))
  if (unknown.length > 0) throw new OAuthError(400, 'invalid_request', `Unknown scope ${unknown.join(', ')}; this server knows ${SCOPES.join(' ')}.`)
  return scopes
}

export function withParams(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri)
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value)
  return url.toString()
}

interface PendingConsent {
  request: AuthorizeRequest
  expiresAt: number
}

export class AuthorizationServer {
  readonly clientId: string
  readonly accessTokenTtlSeconds: number
  readonly codeTtlMs: number
  /** The emulator's URL, known once it listens. */
  issuer = ''
  onChange: () => void = () => undefined
  private readonly key: Buffer
  private readonly secret: string
  private readonly authorizations = new Map<string, AuthorizationRecord>()
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>()
  private readonly codes = new Map<string, AuthorizationCodeRecord>()
  /** jti -> epoch ms when the token would have expired. */
  private readonly revokedAccessTokens = new Map<string, number>()
  /** Keyed by the CSRF token of the form that shows them; memory only, like a browser session. */
  private readonly pending = new Map<string, PendingConsent>()
  private readonly counts: OAuthCounters = {authorizationCodesIssued: 0, tokenExchanges: 0, refreshes: 0, refreshReuseDetected: 0, revocations: 0}
  private readonly log: (line: string) => void

  constructor(
    private readonly store: Store,
    state: OAuthState | undefined,
    options: AuthorizationServerOptions = {},
  ) {
    this.clientId = options.clientId ?? DEFAULT_CLIENT_ID
    this.accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS
    this.codeTtlMs = options.codeTtlMs ?? DEFAULT_CODE_TTL_MS
    this.log = options.log ?? (() => undefined)
    this.secret = state?.secret ?? randomSecret()
    this.key = Buffer.from(this.secret, 'base64url')
    for (const authorization of state?.authorizations ?? []) this.authorizations.set(authorization.id, authorization)
    for (const token of state?.refreshTokens ?? []) this.refreshTokens.set(token.hash, token)
    for (const code of state?.codes ?? []) this.codes.set(code.hash, code)
    for (const revoked of state?.revokedAccessTokens ?? []) this.revokedAccessTokens.set(revoked.jti, revoked.expiresAt)
  }

  snapshot(): OAuthState {
    this.prune(Date.now())
    return {
      secret: this.secret,
      authorizations: [...this.authorizations.values()],
      refreshTokens: [...this.refreshTokens.values()],
      codes: [...this.codes.values()],
      revokedAccessTokens: [...this.revokedAccessTokens].map(([jti, expiresAt]) => ({jti, expiresAt})),
    }
  }

  counters(): OAuthCounters {
    return {...this.counts}
  }

  /** RFC 8414 metadata. */
  metadata(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      authorization_endpoint: `${this.issuer}/authorize`,
      token_endpoint: `${this.issuer}/token`,
      revocation_endpoint: `${this.issuer}/revoke`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: [...SCOPES],
      token_endpoint_auth_methods_supported: ['none'],
      revocation_endpoint_auth_methods_supported: ['none'],
    }
  }

  /** GET /authorize: the client and redirect URI first (errors shown, not sent), then the rest (errors sent back). */
  checkAuthorizeRequest(params: URLSearchParams): AuthorizeCheck {
    const clientIds = params.getAll('client_id')
    if (clientIds.length !== 1 || clientIds[0] === '') return {kind: 'page', message: clientIds.length > 1 ? 'client_id is given more than once.' : 'client_id is missing.'}
    const [clientId] = clientIds
    if (clientId !== this.clientId) {
      return {kind: 'page', message: `Unknown client ${JSON.stringify(clientId)}. This emulator's OAuth client is ${JSON.stringify(this.clientId)} (see --oauth-client-id).`}
    }
    const redirectUris = params.getAll('redirect_uri')
    if (redirectUris.length !== 1) return {kind: 'page', message: redirectUris.length > 1 ? 'redirect_uri is given more than once.' : 'redirect_uri is missing.'}
    const [redirectUri] = redirectUris
    const problem = redirectUriProblem(redirectUri)
    if (problem) return {kind: 'page', message: problem}

    const state = params.getAll('state')[0]
    try {
      const responseType = required(params, 'response_type')
      if (responseType !== 'code') throw new OAuthError(400, 'invalid_request', `response_type must be "code", got ${JSON.stringify(responseType)}.`)
      const method = single(params, 'code_challenge_method')
      if (method !== 'S256') {
        throw new OAuthError(400, 'invalid_request', method === undefined ? 'PKCE is required: send code_challenge and code_challenge_method=S256.' : `code_challenge_method must be S256, got ${JSON.stringify(method)}.`)
      }
      const codeChallenge = required(params, 'code_challenge')
      if (!/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) throw new OAuthError(400, 'invalid_request', 'code_challenge must be 43 base64url characters: the SHA-256 of the code_verifier.')
      single(params, 'state')
      const rawScope = single(params, 'scope')
      // Without a scope, the client gets what it may ask for (RFC 6749 section 3.3).
      const scope = rawScope === undefined ? [...SCOPES] : readScope(rawScope)
      if (scope.length === 0) throw new OAuthError(400, 'invalid_request', `scope is empty; ask for ${SCOPES.join(' ')}.`)
      return {kind: 'valid', request: {clientId, redirectUri, scope, state, codeChallenge}}
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error
      return {kind: 'redirect', location: withParams(redirectUri, {error: error.error, error_description: error.description, state})}
    }
  }

  /** Remembers a checked request under a one-time CSRF token, for the form that asks the person. */
  startConsent(request: AuthorizeRequest, now = Date.now()): Consent {
    this.prunePending(now)
    while (this.pending.size >= MAX_PENDING_CONSENTS) this.pending.delete(this.pending.keys().next().value!)
    const csrfToken = randomSecret()
    this.pending.set(csrfToken, {request, expiresAt: now + CONSENT_TTL_MS})
    return {csrfToken, request, workspaces: this.store.allWorkspaces()}
  }

  /** POST /authorize: the person's answer. A bad form is a page; a decision goes back to the client. */
  decide(form: URLSearchParams, now = Date.now()): Decision {
    this.prunePending(now)
    const csrfToken = form.get('csrf_token') ?? ''
    const pending = this.pending.get(csrfToken)
    if (!pending) return {kind: 'page', message: 'This approval form has expired or was already used. Start the login again from the application.'}
    const {request} = pending
    const decision = form.get('decision')
    if (decision === 'deny') {
      this.pending.delete(csrfToken)
      return {kind: 'redirect', location: withParams(request.redirectUri, {error: 'access_denied', error_description: 'The user denied the request.', state: request.state})}
    }
    if (decision !== 'approve') return {kind: 'page', message: 'Choose Approve or Deny.'}
    const workspaces = this.store.allWorkspaces()
    const chosen = form.get('workspace') ?? (workspaces.length === 1 ? workspaces[0].id : undefined)
    if (chosen === undefined) return {kind: 'page', message: 'Choose a workspace.'}
    const workspace = this.store.workspaceById(chosen)
    if (!workspace) return {kind: 'page', message: `There is no workspace ${JSON.stringify(chosen)}.`}

    this.pending.delete(csrfToken)
    const code = randomSecret()
    this.codes.set(digest(code), {
      hash: digest(code),
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      scope: request.scope,
      codeChallenge: request.codeChallenge,
      userId: this.store.user.id,
      workspaceId: workspace.id,
      issuedAt: now,
      expiresAt: now + this.codeTtlMs,
    })
    this.counts.authorizationCodesIssued++
    this.changed(now)
    return {kind: 'redirect', location: withParams(request.redirectUri, {code, state: request.state})}
  }

  /** POST /token. Throws OAuthError for every refusal. */
  token(form: URLSearchParams, now = Date.now()): TokenAnswer {
    const grantType = required(form, 'grant_type')
    this.requireClient(single(form, 'client_id'))
    if (grantType === 'authorization_code') return this.exchangeCode(form, now)
    if (grantType === 'refresh_token') return this.refresh(form, now)
    throw new OAuthError(400, 'unsupported_grant_type', `grant_type must be authorization_code or refresh_token, got ${JSON.stringify(grantType)}.`)
  }

  /** POST /revoke (RFC 7009): a refresh token takes its whole authorization with it; unknown tokens are fine. */
  revoke(form: URLSearchParams, now = Date.now()): void {
    const token = required(form, 'token')
    const hint = single(form, 'token_type_hint')
    const clientId = single(form, 'client_id')
    if (clientId !== undefined) this.requireClient(clientId)
    const attempts = hint === 'access_token' ? [this.revokeAccessToken, this.revokeRefreshToken] : [this.revokeRefreshToken, this.revokeAccessToken]
    attempts.find((attempt) => attempt.call(this, token, now))
    this.counts.revocations++
    this.changed(now)
  }

  /** A bearer token that is not the service token: one of our access tokens, still good? */
  checkAccessToken(token: string, now = Date.now()): AccessCheck {
    const claims = verifyJwt(token, this.key)
    if (!claims) return {kind: 'invalid'}
    const {exp, sid, jti, workspace_id: workspaceId, client_id: clientId, scope} = claims
    if (typeof exp !== 'number' || typeof sid !== 'string' || typeof jti !== 'string' || typeof workspaceId !== 'string' || typeof scope !== 'string') {
      return {kind: 'invalid'}
    }
    if (now >= exp * 1000) return {kind: 'expired'}
    const authorization = this.authorizations.get(sid)
    // A token of a client this emulator no longer registers (restarted with another --oauth-client-id) is not ours.
    if (!authorization || clientId !== this.clientId || authorization.clientId !== this.clientId) return {kind: 'invalid'}
    if (authorization.revokedAt !== undefined || this.revokedAccessTokens.has(jti)) return {kind: 'revoked'}
    const workspace = this.store.workspaceById(workspaceId)
    if (!workspace) return {kind: 'invalid'}
    return {kind: 'valid', principal: {kind: 'oauth', workspace, authorizationId: authorization.id, clientId: authorization.clientId}, scope: scope.split(' ')}
  }

  /** Logins of the workspace still able to act (not revoked, a token still good), oldest first. */
  liveAuthorizations(workspaceId: string, now = Date.now()): AuthorizationRecord[] {
    this.prune(now)
    return [...this.authorizations.values()].filter((authorization) => authorization.workspaceId === workspaceId && authorization.revokedAt === undefined)
  }

  /** Ends every login of the client in the workspace: their access and refresh tokens stop working. */
  revokeClient(workspaceId: string, clientId: string, why: string, now = Date.now()): number {
    const revoked = this.liveAuthorizations(workspaceId, now).filter((authorization) => authorization.clientId === clientId)
    for (const authorization of revoked) this.revokeAuthorization(authorization, why, now)
    if (revoked.length > 0) this.changed(now)
    return revoked.length
  }

  private requireClient(clientId: string | undefined): void {
    if (clientId === undefined || clientId === '') throw new OAuthError(401, 'invalid_client', 'client_id is missing.')
    if (clientId !== this.clientId) throw new OAuthError(401, 'invalid_client', `Unknown client ${JSON.stringify(clientId)}.`)
  }

  private exchangeCode(form: URLSearchParams, now: number): TokenAnswer {
    const code = required(form, 'code')
    const redirectUri = required(form, 'redirect_uri')
    const verifier = required(form, 'code_verifier')
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) throw new OAuthError(400, 'invalid_request', 'code_verifier must be 43 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_" and "~".')
    const record = this.codes.get(digest(code))
    if (!record) throw new OAuthError(400, 'invalid_grant', 'The authorization code is not valid.')
    if (record.usedAt !== undefined) {
      // RFC 6749 section 4.1.2: a replayed code may have been stolen, so what it bought is revoked.
      const issued = record.authorizationId === undefined ? undefined : this.authorizations.get(record.authorizationId)
      if (issued) this.revokeAuthorization(issued, 'authorization code reuse', now)
      this.changed(now)
      throw new OAuthError(400, 'invalid_grant', `The authorization code was already used${issued ? '; the tokens issued for it are revoked' : ''}.`)
    }
    // One attempt per code, right or wrong: a guessed verifier gets no second try.
    record.usedAt = now
    this.changed(now)
    if (now >= record.expiresAt) throw new OAuthError(400, 'invalid_grant', 'The authorization code has expired.')
    if (record.clientId !== this.clientId) throw new OAuthError(400, 'invalid_grant', 'The authorization code was issued to another client.')
    if (record.redirectUri !== redirectUri) throw new OAuthError(400, 'invalid_grant', 'redirect_uri does not match the one the code was issued for.')
    if (pkceChallenge(verifier) !== record.codeChallenge) throw new OAuthError(400, 'invalid_grant', 'code_verifier does not match the code_challenge.')
    if (!this.store.workspaceById(record.workspaceId)) throw new OAuthError(400, 'invalid_grant', 'The workspace of this code no longer exists.')

    const authorization: AuthorizationRecord = {
      id: newId(),
      clientId: record.clientId,
      userId: record.userId,
      workspaceId: record.workspaceId,
      scope: record.scope,
      createdAt: new Date(now).toISOString(),
    }
    this.authorizations.set(authorization.id, authorization)
    record.authorizationId = authorization.id
    this.counts.tokenExchanges++
    const answer = this.issue(authorization, authorization.scope, now)
    this.changed(now)
    return answer
  }

  private refresh(form: URLSearchParams, now: number): TokenAnswer {
    const token = required(form, 'refresh_token')
    const rawScope = single(form, 'scope')
    const record = this.refreshTokens.get(digest(token))
    const authorization = record && this.authorizations.get(record.authorizationId)
    if (!record || !authorization) throw new OAuthError(400, 'invalid_grant', 'The refresh token is not valid.')
    if (authorization.clientId !== this.clientId) throw new OAuthError(400, 'invalid_grant', 'The refresh token was issued to another client.')
    if (record.usedAt !== undefined) {
      // Rotation means a used token comes back only from someone who copied it: end the whole login.
      this.counts.refreshReuseDetected++
      // Stryker disable next-line StringLiteral: the reason goes only to the emulator's log line, which promises nothing
      this.revokeAuthorization(authorization, 'refresh token reuse', now)
      this.changed(now)
      throw new OAuthError(400, 'invalid_grant', 'The refresh token was already used; every token of this login is revoked. Log in again.')
    }
    if (authorization.revokedAt !== undefined) throw new OAuthError(400, 'invalid_grant', 'This login was revoked; log in again.')
    if (now >= record.expiresAt) throw new OAuthError(400, 'invalid_grant', 'The refresh token has expired; log in again.')
    // A refresh may narrow the scope of the new access token, never widen it (RFC 6749 section 6).
    const scope = rawScope === undefined ? authorization.scope : readScope(rawScope)
    const wider = scope.filter((name) => !authorization.scope.includes(name))
    if (wider.length > 0) throw new OAuthError(400, 'invalid_scope', `The login was not granted ${wider.join(', ')}.`)
    if (scope.length === 0) throw new OAuthError(400, 'invalid_scope', 'scope is empty.')

    record.usedAt = now
    this.counts.refreshes++
    const answer = this.issue(authorization, scope, now)
    this.changed(now)
    return answer
  }

  /** A new access token, and a new refresh token when the login was granted offline_access. */
  private issue(authorization: AuthorizationRecord, scope: string[], now: number): TokenAnswer {
    const iat = Math.floor(now / 1000)
    // Rounded up, so a token lives at least expires_in seconds (a 1 s token issued at x.999 s would otherwise last 1 ms).
    const exp = Math.ceil(now / 1000 + this.accessTokenTtlSeconds)
    const accessToken = signJwt(
      {
        sub: authorization.userId,
        workspace_id: authorization.workspaceId,
        client_id: authorization.clientId,
        scope: scope.join(' '),
        iat,
        exp,
        jti: newId(),
        sid: authorization.id,
      },
      this.key,
    )
    const answer: TokenAnswer = {access_token: accessToken, token_type: 'Bearer', expires_in: this.accessTokenTtlSeconds, scope: scope.join(' ')}
    if (authorization.scope.includes(OFFLINE_SCOPE)) {
      const refreshToken = randomSecret()
      this.refreshTokens.set(digest(refreshToken), {hash: digest(refreshToken), authorizationId: authorization.id, issuedAt: now, expiresAt: now + REFRESH_TOKEN_TTL_MS})
      answer.refresh_token = refreshToken
    }
    return answer
  }

  private revokeRefreshToken(token: string, now: number): boolean {
    const record = this.refreshTokens.get(digest(token))
    const authorization = record && this.authorizations.get(record.authorizationId)
    if (!authorization) return false
    // Stryker disable next-line StringLiteral: the reason goes only to the emulator's log line, which promises nothing
    this.revokeAuthorization(authorization, 'revoked by the client', now)
    return true
  }

  private revokeAccessToken(token: string, now: number): boolean {
    const claims = verifyJwt(token, this.key)
    if (!claims || typeof claims.jti !== 'string' || typeof claims.exp !== 'number') return false
    if (claims.exp * 1000 > now) this.revokedAccessTokens.set(claims.jti, claims.exp * 1000)
    return true
  }

  private revokeAuthorization(authorization: AuthorizationRecord, why: string, now: number): void {
    if (authorization.revokedAt !== undefined) return
    authorization.revokedAt = new Date(now).toISOString()
    authorization.revokedBecause = why
    // Stryker disable next-line StringLiteral: the emulator's log line promises nothing
    this.log(`oauth: revoked authorization ${authorization.id} (${why})`)
  }

  private changed(now: number): void {
    this.prune(now)
    this.onChange()
  }

  private prunePending(now: number): void {
    for (const [csrfToken, pending] of this.pending) if (pending.expiresAt <= now) this.pending.delete(csrfToken)
  }

  /** Forgets what can no longer matter, so the state stays small. */
  private prune(now: number): void {
    for (const [hash, code] of this.codes) if (code.expiresAt + USED_CODE_MEMORY_MS <= now) this.codes.delete(hash)
    for (const [hash, token] of this.refreshTokens) if (token.expiresAt <= now) this.refreshTokens.delete(hash)
    for (const [jti, expiresAt] of this.revokedAccessTokens) if (expiresAt <= now) this.revokedAccessTokens.delete(jti)
    const referenced = new Set([...this.refreshTokens.values()].map((token) => token.authorizationId))
    for (const code of this.codes.values()) if (code.authorizationId !== undefined) referenced.add(code.authorizationId)
    const accessLifetimeMs = this.accessTokenTtlSeconds * 1000
    for (const [id, authorization] of this.authorizations) {
      // Without refresh tokens, its newest access token dates from its creation.
      if (!referenced.has(id) && Date.parse(authorization.createdAt) + accessLifetimeMs <= now) this.authorizations.delete(id)
    }
  }
}
