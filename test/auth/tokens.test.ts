// The token endpoint and revocation, against a fake authorization server answering in process:
// what is sent for each grant, when the access token expires (expires_in, else the JWT's exp),
// how each refusal reads (the server's error and description, which grant, which exit), an answer
// without its tokens, and every token read hidden from the debug output before anything else.
import assert from 'node:assert/strict'
import {afterEach, beforeEach, describe, it} from 'node:test'

import type {OAuthAnswer, OAuthHttp} from '../../src/auth/oauth/http.js'
import {exchangeCode, jwtPayload, refreshTokens, revokeToken, TokenRequestError} from '../../src/auth/oauth/tokens.js'
import {AuthServerError, EXIT} from '../../src/errors.js'

const NOW = new Date('2026-11-29T10:00:00.000Z')
const TOKEN_ENDPOINT = 'https://auth.example.test/oauth/token?tenant=1'
const REGISTRY = Symbol.for('prisma-mgmt.debug-secrets')
type Registry = {[REGISTRY]?: Set<string>}

/** A JWT (unsigned: only its payload is read) carrying `payload`. */
const jwt = (payload: unknown) => `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`

/** An OAuthHttp whose every form POST gets `answer`; the requests are kept. */
function server(answer: OAuthAnswer) {
  const sent: {url: string; form: Record<string, string>}[] = []
  const http = {
    postForm: async (url: URL, form: Record<string, string>) => {
      sent.push({url: url.href, form})
      return answer
    },
  } as unknown as OAuthHttp
  return {http, sent}
}

const refresh = (answer: OAuthAnswer) => {
  const {http, sent} = server(answer)
  return {sent, result: refreshTokens(http, {tokenEndpoint: TOKEN_ENDPOINT, refreshToken: 'rt-old', clientId: 'client-1'}, () => NOW)}
}

const tokens = (extra: Record<string, unknown> = {}): OAuthAnswer => ({status: 200, json: {access_token: 'at-new', refresh_token: 'rt-new', ...extra}})

let hidden: Set<string>
beforeEach(() => {
  hidden = new Set()
  ;(globalThis as Registry)[REGISTRY] = hidden
})
afterEach(() => {
  delete (globalThis as Registry)[REGISTRY]
})

describe('jwtPayload', () => {
  it('reads the payload of a three-part token, whatever the signature', () => {
    assert.deepEqual(jwtPayload(jwt({exp: 5, workspace_id: 'ws_1'})), {exp: 5, workspace_id: 'ws_1'})
  })

  it('anything else is not a JWT: two or four parts, a payload that is not JSON, or JSON that is not an object', () => {
    const payload = Buffer.from(JSON.stringify({exp: 5})).toString('base64url')
    for (const token of [`head.${payload}`, `head.${payload}.sig.more`, 'head.bm90IGpzb24.sig', jwt(null), jwt([1, 2]), jwt('text'), jwt(7), 'opaque-token']) {
      assert.equal(jwtPayload(token), undefined, token)
    }
  })
})

describe('the token endpoint', () => {
  it('a refresh sends the refresh_token grant with the client id to the endpoint as given', async () => {
    const {sent, result} = refresh(tokens())
    await result
    assert.deepEqual(sent, [{url: TOKEN_ENDPOINT, form: {grant_type: 'refresh_token', refresh_token: 'rt-old', client_id: 'client-1'}}])
  })

  it('a login sends the authorization_code grant with the verifier and redirect URI', async () => {
    const {http, sent} = server(tokens())
    const exchange = {tokenEndpoint: TOKEN_ENDPOINT, code: 'code-1', redirectUri: 'http://127.0.0.1:5000/auth/callback', clientId: 'client-1', verifier: 'v'.repeat(43)}
    assert.deepEqual(await exchangeCode(http, exchange, () => NOW), {accessToken: 'at-new', refreshToken: 'rt-new', expiresAt: undefined, scope: undefined})
    assert.deepEqual(sent[0].form, {grant_type: 'authorization_code', code: 'code-1', redirect_uri: exchange.redirectUri, client_id: 'client-1', code_verifier: exchange.verifier})
  })

  it('the tokens, the scope, and both tokens hidden from the debug output', async () => {
    assert.deepEqual(await refresh(tokens({scope: 'workspace:admin offline_access'})).result, {
      accessToken: 'at-new',
      refreshToken: 'rt-new',
      expiresAt: undefined,
      scope: 'workspace:admin offline_access',
    })
    assert.deepEqual([...hidden].sort(), ['at-new', 'rt-new'])
    assert.equal((await refresh(tokens({scope: ['a']})).result).scope, undefined, 'a scope that is not a string is dropped')
  })

  it('expires_in counts from now (0 included); otherwise the JWT exp; otherwise unknown', async () => {
    const cases: [Record<string, unknown>, Date | undefined][] = [
      [{expires_in: 3600}, new Date(NOW.getTime() + 3_600_000)],
      [{expires_in: 0}, NOW],
      [{expires_in: 1.5}, new Date(NOW.getTime() + 1500)],
      [{expires_in: -1, access_token: jwt({exp: 1_900_000_000})}, new Date(1_900_000_000_000)],
      [{expires_in: '3600', access_token: jwt({exp: 1_900_000_000})}, new Date(1_900_000_000_000)],
      [{access_token: jwt({exp: 1_900_000_000})}, new Date(1_900_000_000_000)],
      [{access_token: jwt({exp: '1900000000'})}, undefined],
      [{access_token: jwt({sub: 'u'})}, undefined],
      [{expires_in: -1}, undefined],
      [{expires_in: null}, undefined],
    ]
    for (const [extra, expected] of cases) {
      assert.deepEqual((await refresh(tokens(extra)).result).expiresAt, expected, JSON.stringify(extra))
    }
  })

  it('without a clock given, expires_in counts from the moment of the answer', async () => {
    const {http} = server(tokens({expires_in: 60}))
    const before = Date.now()
    const {expiresAt} = await refreshTokens(http, {tokenEndpoint: TOKEN_ENDPOINT, refreshToken: 'rt-old', clientId: 'client-1'})
    assert.ok(expiresAt && expiresAt.getTime() >= before + 60_000 && expiresAt.getTime() <= Date.now() + 60_000, String(expiresAt))
  })

  it('a 4xx with an OAuth error: refused, naming the grant, the error and its description (exit 3)', async () => {
    for (const status of [400, 401, 499]) {
      const error = await refresh({status, json: {error: 'invalid_grant', error_description: 'The refresh token was revoked.'}}).result.catch((error: unknown) => error)
      assert.ok(error instanceof TokenRequestError, `${status}: ${String(error)}`)
      assert.deepEqual([error.error, error.description, error.message, error.code, error.exitCode], [
        'invalid_grant',
        'The refresh token was revoked.',
        'The authorization server refused the refresh (invalid_grant: The refresh token was revoked.).',
        'invalid_grant',
        EXIT.auth,
      ])
    }
    const bare = await refresh({status: 400, json: {error: 'invalid_client', error_description: 42}}).result.catch((error: unknown) => error)
    assert.ok(bare instanceof TokenRequestError)
    assert.deepEqual([bare.description, bare.message], [undefined, 'The authorization server refused the refresh (invalid_client).'])
    const {http} = server({status: 400, json: {error: 'invalid_grant'}})
    const login = await exchangeCode(http, {tokenEndpoint: TOKEN_ENDPOINT, code: 'c', redirectUri: 'r', clientId: 'k', verifier: 'v'}).catch((error: unknown) => error)
    assert.equal((login as Error).message, 'The authorization server refused the login (invalid_grant).')
  })

  it('any other answer but 200 is the server failing (exit 6): a 5xx says to try again, even with an OAuth error', async () => {
    const cases: [OAuthAnswer, string, string | undefined][] = [
      [{status: 500, json: {error: 'server_error'}}, 'http-500', 'The authorization server is unavailable; try again in a moment.'],
      [{status: 503, json: undefined}, 'http-503', 'The authorization server is unavailable; try again in a moment.'],
      [{status: 499, json: undefined}, 'http-499', undefined],
      [{status: 400, json: {error: 7}}, 'http-400', undefined],
      [{status: 302, json: {error: 'x'}}, 'http-302', undefined],
      [{status: 399, json: {error: 'x'}}, 'http-399', undefined],
      [{status: 201, json: {access_token: 'a', refresh_token: 'r'}}, 'http-201', undefined],
    ]
    for (const [answer, code, next] of cases) {
      const error = await refresh(answer).result.catch((error: unknown) => error)
      assert.ok(error instanceof AuthServerError, `${answer.status}: ${String(error)}`)
      assert.deepEqual([error.message, error.code, error.next, error.exitCode], [`The token endpoint https://auth.example.test/oauth/token answered ${answer.status}.`, code, next, EXIT.unavailable])
    }
  })

  it('a 200 without both tokens is refused (exit 6), and an access token it held is hidden first', async () => {
    const message = 'The token endpoint https://auth.example.test/oauth/token answered without an access token and a refresh token.'
    for (const json of [{access_token: 'at-only'}, {access_token: 'at-only', refresh_token: ''}, {access_token: '', refresh_token: 'rt-x'}, {refresh_token: 'rt-x'}, {access_token: 5, refresh_token: 'rt-x'}, {access_token: 'at-only', refresh_token: 5}, null, 'text']) {
      hidden.clear()
      const error = await refresh({status: 200, json}).result.catch((error: unknown) => error)
      assert.ok(error instanceof AuthServerError, JSON.stringify(json))
      assert.deepEqual([error.message, error.next, error.code], [message, 'prisma-mgmt asks for offline_access; check that the OAuth app may use it.', 'invalid-response'])
      const access = (json as {access_token?: unknown} | null)?.access_token
      assert.deepEqual([...hidden], typeof access === 'string' && access !== '' ? [access] : [], JSON.stringify(json))
    }
  })
})

describe('revocation', () => {
  const request = {revocationEndpoint: 'https://auth.example.test/oauth/revoke?x=1', refreshToken: 'rt-1', clientId: 'client-1'}

  it('sends the refresh token with its hint and the client id; a 200 is done', async () => {
    const {http, sent} = server({status: 200, json: undefined})
    await revokeToken(http, request)
    assert.deepEqual(sent, [{url: request.revocationEndpoint, form: {token: 'rt-1', token_type_hint: 'refresh_token', client_id: 'client-1'}}])
  })

  it('anything else is an error naming the endpoint, the status and the OAuth error if any', async () => {
    for (const [answer, message] of [
      [{status: 400, json: {error: 'unsupported_token_type'}}, 'The revocation endpoint https://auth.example.test/oauth/revoke answered 400 (unsupported_token_type).'],
      [{status: 503, json: undefined}, 'The revocation endpoint https://auth.example.test/oauth/revoke answered 503.'],
      [{status: 400, json: {error: 1}}, 'The revocation endpoint https://auth.example.test/oauth/revoke answered 400.'],
      [{status: 204, json: null}, 'The revocation endpoint https://auth.example.test/oauth/revoke answered 204.'],
    ] as const) {
      const error = await revokeToken(server(answer).http, request).catch((error: unknown) => error)
      assert.ok(error instanceof AuthServerError)
      assert.equal(error.message, message)
    }
  })
})
