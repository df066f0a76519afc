// A small OAuth 2.0 authorization server for the tests, on 127.0.0.1, that follows the interface
// Prisma's (and the emulator's) follows: RFC 8414 metadata, authorization code with PKCE S256,
// single-use rotating refresh tokens whose reuse revokes the whole authorization, RFC 7009
// revocation. It also answers the two API calls the tests make (GET /v1/me, GET /v1/projects)
// for its own access tokens, so one URL is both the API and the authorization server, as with
// the emulator. Counters say what happened; `?auto=approve|deny` on /authorize skips the page.
import {createHash, createHmac, randomBytes} from 'node:crypto'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

export const CLIENT_ID = 'prisma-mgmt-emulator'
export const WORKSPACE = {id: 'wksp_oauth_test', name: 'OAuth Test Workspace'}

interface Grant {
  id: string
  clientId: string
  revoked: boolean
}

interface PendingCode {
  grant: Grant
  redirectUri: string
  challenge: string
  used: boolean
}

interface RefreshRecord {
  grant: Grant
  used: boolean
}

export interface Counters {
  authorizeRequests: number
  codeExchanges: number
  refreshes: number
  refreshFailures: number
  revocations: number
  meCalls: number
  unauthorized: number
}

export class OAuthTestServer {
  readonly counters: Counters = {authorizeRequests: 0, codeExchanges: 0, refreshes: 0, refreshFailures: 0, revocations: 0, meCalls: 0, unauthorized: 0}
  /** Seconds the next access tokens live. */
  accessTtlSeconds = 3600
  /** Serve revocation_endpoint in the metadata and answer it. */
  revocation = true
  /** Answer revocation requests with 503 (a server that is down). */
  revocationFails = false
  /** Milliseconds the token endpoint waits before answering a refresh (to widen races). */
  refreshDelayMs = 0
  /** Access tokens the API refuses with 401 though they have not expired (to test the retry). */
  readonly rejected = new Set<string>()
  /** Every token request's form, in order (secrets included: tests check what was sent). */
  readonly tokenRequests: Record<string, string>[] = []
  readonly revoked: string[] = []
  private readonly grants = new Map<string, Grant>()
  private readonly accessExpiry = new Map<string, number>()
  private readonly codes = new Map<string, PendingCode>()
  private readonly refreshTokens = new Map<string, RefreshRecord>()
  private readonly secret = randomBytes(32)
  private server!: Server
  url = ''

  static async start(): Promise<OAuthTestServer> {
    const instance = new OAuthTestServer()
    instance.server = createServer((request, response) => {
      instance.handle(request, response).catch((error: unknown) => {
        response.writeHead(500, {'content-type': 'application/json'})
        response.end(JSON.stringify({error: 'server_error', error_description: String(error)}))
      })
    })
    await new Promise<void>((resolve) => instance.server.listen({host: '127.0.0.1', port: 0}, resolve))
    instance.url = `http://127.0.0.1:${(instance.server.address() as AddressInfo).port}`
    return instance
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }

  /** A JWT for the workspace, signed with this server's key, living `ttl` seconds. */
  mintAccessToken(grant: Grant, ttl = this.accessTtlSeconds): string {
    const now = Date.now()
    const jti = randomBytes(8).toString('hex')
    // Kept to the millisecond: `exp` counts whole seconds, and a one-second token must live a whole second.
    this.accessExpiry.set(jti, now + ttl * 1000)
    const header = Buffer.from(JSON.stringify({alg: 'HS256', typ: 'JWT'})).toString('base64url')
    const claims = {sub: 'usr_test', workspace_id: WORKSPACE.id, grant: grant.id, iat: Math.floor(now / 1000), exp: Math.ceil((now + ttl * 1000) / 1000), jti}
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url')
    const signature = createHmac('sha256', this.secret).update(`${header}.${payload}`).digest('base64url')
    return `${header}.${payload}.${signature}`
  }

  /** Whether an access token is this server's, unexpired and its authorization not revoked. */
  accessTokenValid(token: string): boolean {
    const [header, payload, signature] = token.split('.')
    if (!header || !payload || !signature) return false
    if (createHmac('sha256', this.secret).update(`${header}.${payload}`).digest('base64url') !== signature) return false
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {jti: string; grant: string}
    if ((this.accessExpiry.get(claims.jti) ?? 0) <= Date.now()) return false
    return this.grants.get(claims.grant)?.revoked === false && !this.rejected.has(token)
  }

  /** Whether the refresh token is still the live one of its authorization. */
  refreshTokenLive(token: string): boolean {
    const record = this.refreshTokens.get(token)
    return Boolean(record && !record.used && !record.grant.revoked)
  }

  private issue(grant: Grant): Record<string, unknown> {
    const refreshToken = `rt_${randomBytes(24).toString('base64url')}`
    this.refreshTokens.set(refreshToken, {grant, used: false})
    return {access_token: this.mintAccessToken(grant), refresh_token: refreshToken, token_type: 'Bearer', expires_in: this.accessTtlSeconds, scope: 'workspace:admin offline_access'}
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url)
    const json = (status: number, body: unknown) => {
      response.writeHead(status, {'content-type': 'application/json', 'cache-control': 'no-store'})
      response.end(JSON.stringify(body))
    }
    if (request.method === 'GET' && url.pathname === '/.well-known/oauth-authorization-server') {
      return json(200, {
        issuer: this.url,
        authorization_endpoint: `${this.url}/authorize`,
        token_endpoint: `${this.url}/token`,
        ...(this.revocation ? {revocation_endpoint: `${this.url}/revoke`} : {}),
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['workspace:admin', 'offline_access'],
        token_endpoint_auth_methods_supported: ['none'],
      })
    }
    if (request.method === 'GET' && url.pathname === '/authorize') return this.authorize(url, response)
    if (request.method === 'GET' && url.pathname === '/authorize/decision') return this.decide(url, response)
    if (request.method === 'POST' && url.pathname === '/token') return this.token(new URLSearchParams(await readBody(request)), json)
    if (request.method === 'POST' && url.pathname === '/revoke') {
      const form = new URLSearchParams(await readBody(request))
      if (this.revocationFails) return json(503, {error: 'temporarily_unavailable'})
      this.counters.revocations++
      const token = form.get('token') ?? ''
      this.revoked.push(token)
      const record = this.refreshTokens.get(token)
      if (record && form.get('client_id') === record.grant.clientId) record.grant.revoked = true
      return json(200, {})
    }
    if (url.pathname.startsWith('/v1/')) {
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1]
      if (!bearer || !this.accessTokenValid(bearer)) {
        this.counters.unauthorized++
        return json(401, {error: {code: 'unauthorized', message: 'The access token is missing, expired or revoked.'}})
      }
      if (request.method === 'GET' && url.pathname === '/v1/me') {
        this.counters.meCalls++
        return json(200, {data: {user: {id: 'usr_test', email: 'ada@example.test', name: 'Ada'}, workspace: WORKSPACE, credential: {type: 'oauth', id: 'cred_oauth', name: null}}})
      }
      if (request.method === 'GET' && url.pathname === '/v1/projects') {
        const at = '2026-01-01T00:00:00.000Z'
        return json(200, {
          data: [{id: 'proj_oauth_1', type: 'project', url: `${this.url}/v1/projects/proj_oauth_1`, name: 'oauth-project', logicalId: null, createdAt: at, defaultRegion: 'us-east-1', workspace: {...WORKSPACE, url: `${this.url}/v1/workspaces/${WORKSPACE.id}`}}],
          pagination: {nextCursor: null, hasMore: false},
        })
      }
      return json(404, {error: {code: 'not-found', message: 'Not found.'}})
    }
    return json(404, {error: 'not_found'})
  }

  private authorize(url: URL, response: ServerResponse): void {
    this.counters.authorizeRequests++
    const params = url.searchParams
    const redirectUri = params.get('redirect_uri') ?? ''
    const problems: string[] = []
    if (params.get('response_type') !== 'code') problems.push('response_type must be code')
    if (params.get('client_id') !== CLIENT_ID) problems.push('unknown client_id')
    if (!/^http:\/\/127\.0\.0\.1:\d+\/auth\/callback$/.test(redirectUri)) problems.push('redirect_uri must be a loopback /auth/callback')
    if (params.get('scope') !== 'workspace:admin offline_access') problems.push('scope must be "workspace:admin offline_access"')
    if (params.get('code_challenge_method') !== 'S256' || !params.get('code_challenge')) problems.push('PKCE S256 is required')
    if (!params.get('state')) problems.push('state is required')
    if (problems.length > 0) {
      response.writeHead(400, {'content-type': 'text/plain'})
      response.end(problems.join('\n'))
      return
    }
    const auto = params.get('auto')
    if (auto === 'approve' || auto === 'deny') return this.redirect(params, auto, response)
    // The consent page a person (or the browser test) answers with a click.
    const keep = new URLSearchParams(params)
    const link = (decision: string) => {
      const target = new URLSearchParams(keep)
      target.set('decision', decision)
      return `/authorize/decision?${target.toString().replaceAll('&', '&amp;')}`
    }
    response.writeHead(200, {'content-type': 'text/html; charset=utf-8'})
    response.end(`<!doctype html><html><head><meta charset="utf-8"><title>Authorize prisma-mgmt</title></head><body>
<h1>Authorize prisma-mgmt</h1><p>prisma-mgmt asks for workspace:admin and offline_access in ${WORKSPACE.name}.</p>
<a id="approve" href="${link('approve')}">Approve</a> <a id="deny" href="${link('deny')}">Deny</a></body></html>`)
  }

  private decide(url: URL, response: ServerResponse): void {
    const decision = url.searchParams.get('decision')
    this.redirect(url.searchParams, decision === 'approve' ? 'approve' : 'deny', response)
  }

  private redirect(params: URLSearchParams, decision: 'approve' | 'deny', response: ServerResponse): void {
    const target = new URL(params.get('redirect_uri')!)
    if (decision === 'approve') {
      const grant: Grant = {id: randomBytes(8).toString('hex'), clientId: params.get('client_id')!, revoked: false}
      this.grants.set(grant.id, grant)
      const code = `code_${randomBytes(16).toString('base64url')}`
      this.codes.set(code, {grant, redirectUri: target.href, challenge: params.get('code_challenge')!, used: false})
      target.searchParams.set('code', code)
    } else {
      target.searchParams.set('error', 'access_denied')
      target.searchParams.set('error_description', 'The user denied the request')
    }
    target.searchParams.set('state', params.get('state')!)
    response.writeHead(302, {location: target.href})
    response.end()
  }

  private async token(form: URLSearchParams, json: (status: number, body: unknown) => void): Promise<void> {
    this.tokenRequests.push(Object.fromEntries(form))
    const grantType = form.get('grant_type')
    if (grantType === 'authorization_code') {
      this.counters.codeExchanges++
      const pending = this.codes.get(form.get('code') ?? '')
      if (!pending || pending.used) return json(400, {error: 'invalid_grant', error_description: 'Unknown or used authorization code.'})
      pending.used = true
      if (form.get('client_id') !== pending.grant.clientId) return json(400, {error: 'invalid_client', error_description: 'Wrong client.'})
      if (form.get('redirect_uri') !== pending.redirectUri) return json(400, {error: 'invalid_grant', error_description: 'redirect_uri differs from the authorization request.'})
      const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url')
      if (challenge !== pending.challenge) return json(400, {error: 'invalid_grant', error_description: 'PKCE verification failed.'})
      return json(200, this.issue(pending.grant))
    }
    if (grantType === 'refresh_token') {
      this.counters.refreshes++
      if (this.refreshDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.refreshDelayMs))
      const record = this.refreshTokens.get(form.get('refresh_token') ?? '')
      if (!record || record.grant.revoked || form.get('client_id') !== record.grant.clientId) {
        this.counters.refreshFailures++
        return json(400, {error: 'invalid_grant', error_description: 'The refresh token is invalid, revoked or expired.'})
      }
      if (record.used) {
        // Reuse of a rotated refresh token: someone has a copy, so the whole authorization ends.
        record.grant.revoked = true
        this.counters.refreshFailures++
        return json(400, {error: 'invalid_grant', error_description: 'The refresh token was already used; the authorization is revoked.'})
      }
      record.used = true
      return json(200, this.issue(record.grant))
    }
    return json(400, {error: 'unsupported_grant_type'})
  }

  /** Ends every authorization, as if the user revoked the app: the next refresh gets invalid_grant. */
  revokeAll(): void {
    for (const grant of this.grants.values()) grant.revoked = true
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
