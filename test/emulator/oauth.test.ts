// The emulator as an OAuth 2.0 authorization server: metadata, the consent page, codes with PKCE,
// tokens on the API, expiry, refresh rotation with reuse detection, revocation, persistence, the
// official SDK as a client, and `emulator start` as built. Everything goes over real HTTP.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {createInterface} from 'node:readline'
import {after, before, describe, it} from 'node:test'

import {createManagementApiSdk} from '@prisma/management-api-sdk'
import type {Tokens} from '@prisma/management-api-sdk'

import type {Emulator, OAuthCounters} from '../../src/emulator/index.js'
import {STATE_FILE} from '../../src/emulator/index.js'
import {
  REDIRECT_URI,
  SCOPE,
  api,
  approvedCode,
  assertOAuthError,
  authorizeRequest,
  claims,
  decide,
  exchange,
  formOf,
  getPage,
  login,
  pkce,
  postForm,
  refresh,
  start,
  tokenCall,
} from './oauth-flow.js'
import type {Json, TokenSet} from './oauth-flow.js'

const ROOT = resolve(import.meta.dirname, '../..')
type ErrorAnswer = {error: {code: string; message: string}}
type MeAnswer = {data: {user: {id: string; email: string; name: string | null} | null; workspace: {id: string; name: string} | null; credential: {type: string; id: string | null; name: string | null}}}

/** Polls until `check` holds; the deadline only guards against a hang, it is not what is tested. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((ok) => setTimeout(ok, 100))
  }
}

describe('OAuth authorization server', () => {
  let emulator: Emulator

  before(async () => {
    emulator = await start()
  })
  after(async () => {
    await emulator.close()
  })

  it('serves RFC 8414 metadata naming its endpoints on its own origin', async () => {
    const response = await fetch(`${emulator.url}/.well-known/oauth-authorization-server`)
    assert.equal(response.status, 200, 'metadata answers 200 without a token')
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/, 'metadata is JSON')
    const metadata = (await response.json()) as Json
    assert.equal(metadata.issuer, emulator.url, 'the issuer is the emulator URL')
    assert.equal(metadata.authorization_endpoint, `${emulator.url}/authorize`, 'authorization_endpoint')
    assert.equal(metadata.token_endpoint, `${emulator.url}/token`, 'token_endpoint')
    assert.equal(metadata.revocation_endpoint, `${emulator.url}/revoke`, 'revocation_endpoint')
    assert.deepEqual(metadata.response_types_supported, ['code'], 'response_types_supported')
    assert.deepEqual(metadata.grant_types_supported, ['authorization_code', 'refresh_token'], 'grant_types_supported')
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256'], 'code_challenge_methods_supported')
    assert.deepEqual(metadata.scopes_supported, ['workspace:admin', 'offline_access'], 'scopes_supported')
    assert.deepEqual(metadata.token_endpoint_auth_methods_supported, ['none'], 'public clients only')
    assert.equal(emulator.oauthClientId, 'prisma-mgmt-emulator', 'the default client id')
  })

  it('GET /authorize answers an HTML consent page naming the client and the scopes, with Approve and Deny', async () => {
    const {query} = authorizeRequest(emulator)
    const page = await getPage(`${emulator.url}/authorize?${query}`)
    assert.equal(page.status, 200, 'the consent page answers 200')
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/, 'the page is HTML')
    assert.equal(page.headers.get('cache-control'), 'no-store', 'the page is not cached')
    assert.equal(page.headers.get('x-frame-options'), 'DENY', 'the page cannot be framed')
    assert.match(page.html, /<code id="client">prisma-mgmt-emulator<\/code>/, 'the page names the client')
    assert.match(page.html, /<code>workspace:admin<\/code>/, 'the page lists workspace:admin')
    assert.match(page.html, /<code>offline_access<\/code>/, 'the page lists offline_access')
    assert.match(page.html, /<form method="post" action="\/authorize">/, 'a form posts back to /authorize')
    assert.match(page.html, /<button type="submit" id="approve" name="decision" value="approve">/, 'an #approve button')
    assert.match(page.html, /<button type="submit" id="deny" name="decision" value="deny">/, 'a #deny button')
    assert.ok(!/<script/i.test(page.html), 'the page needs no script')
    assert.deepEqual(formOf(page.html).workspaces, [], 'with one workspace there is nothing to choose')
    assert.match(page.html, /Emulator Workspace/, 'the page names the one workspace')
  })

  it('Approve redirects to the redirect_uri with a code and the state; Deny with access_denied and the state', async () => {
    const redirectUri = 'http://[::1]:40123/some/path?keep=1'
    const approved = await approvedCode(emulator, {redirect_uri: redirectUri})
    assert.equal(`${approved.location.origin}${approved.location.pathname}`, 'http://[::1]:40123/some/path', 'back to the redirect_uri')
    assert.equal(approved.location.searchParams.get('keep'), '1', 'the redirect_uri keeps its own query')
    assert.equal(approved.location.searchParams.get('state'), approved.state, 'the state comes back')
    assert.equal(approved.location.searchParams.get('error'), null, 'no error on approval')

    const denied = authorizeRequest(emulator, {redirect_uri: 'http://localhost:9/cb'})
    const location = await decide(emulator, denied.query, {decision: 'deny'})
    assert.equal(`${location.origin}${location.pathname}`, 'http://localhost:9/cb', 'back to the redirect_uri')
    assert.equal(location.searchParams.get('error'), 'access_denied', 'error=access_denied')
    assert.ok(location.searchParams.get('error_description'), 'with an error_description')
    assert.equal(location.searchParams.get('state'), denied.state, 'the state comes back')
    assert.equal(location.searchParams.get('code'), null, 'no code on denial')
  })

  it('the form\'s CSRF token works once; an unknown one is an error page', async () => {
    const {query} = authorizeRequest(emulator)
    const {csrf} = formOf((await getPage(`${emulator.url}/authorize?${query}`)).html)
    assert.equal((await postForm(`${emulator.url}/authorize`, {csrf_token: csrf, decision: 'approve'})).status, 302, 'the first submission redirects')
    const again = await postForm(`${emulator.url}/authorize`, {csrf_token: csrf, decision: 'approve'})
    assert.equal(again.status, 400, 'the same form again is refused')
    assert.equal(again.headers.get('location'), null, 'without a redirect')
    assert.match(await again.text(), /expired or was already used/, 'the page says why')
    const forged = await postForm(`${emulator.url}/authorize`, {csrf_token: 'forged', decision: 'approve'})
    assert.equal(forged.status, 400, 'an unknown CSRF token is refused')
  })

  it('an unknown client or a redirect_uri that is not loopback http is an error page, never a redirect', async () => {
    const cases: [string, Record<string, string | undefined>][] = [
      ['an unknown client_id', {client_id: 'someone-else'}],
      ['no client_id', {client_id: undefined}],
      ['no redirect_uri', {redirect_uri: undefined}],
      ['https', {redirect_uri: 'https://127.0.0.1:8080/cb'}],
      ['another host', {redirect_uri: 'http://example.com/cb'}],
      ['a look-alike host', {redirect_uri: 'http://localhost.example.com/cb'}],
      ['a fragment', {redirect_uri: 'http://127.0.0.1:8080/cb#x'}],
      ['credentials', {redirect_uri: 'http://user:pw@127.0.0.1:8080/cb'}],
    ]
    for (const [what, overrides] of cases) {
      const {query} = authorizeRequest(emulator, overrides)
      const page = await getPage(`${emulator.url}/authorize?${query}`)
      assert.equal(page.status, 400, `${what}: 400`)
      assert.equal(page.headers.get('location'), null, `${what}: no redirect`)
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/, `${what}: an HTML page`)
      assert.match(page.html, /<p id="error">/, `${what}: the page says what is wrong`)
    }
    const unknown = await getPage(`${emulator.url}/authorize?${authorizeRequest(emulator, {client_id: '<b>x</b>'}).query}`)
    assert.ok(!unknown.html.includes('<b>x</b>'), 'request values are escaped in the page')
  })

  it('other invalid parameters go back to the client with error=invalid_request and the state', async () => {
    const cases: [string, Record<string, string | undefined>][] = [
      ['no code_challenge', {code_challenge: undefined}],
      ['no code_challenge_method', {code_challenge_method: undefined}],
      ['plain PKCE', {code_challenge_method: 'plain'}],
      ['a malformed code_challenge', {code_challenge: 'short'}],
      ['response_type token', {response_type: 'token'}],
      ['no response_type', {response_type: undefined}],
      ['an unknown scope', {scope: 'workspace:admin everything'}],
    ]
    for (const [what, overrides] of cases) {
      const {query, state} = authorizeRequest(emulator, overrides)
      const page = await getPage(`${emulator.url}/authorize?${query}`)
      assert.equal(page.status, 302, `${what}: a redirect`)
      const location = new URL(page.headers.get('location') ?? '')
      assert.equal(`${location.origin}${location.pathname}`, 'http://127.0.0.1:53682/auth/callback', `${what}: to the redirect_uri`)
      assert.equal(location.searchParams.get('error'), 'invalid_request', `${what}: error=invalid_request`)
      assert.ok(location.searchParams.get('error_description'), `${what}: an error_description`)
      assert.equal(location.searchParams.get('state'), state, `${what}: the state`)
    }
  })

  it('exchanges a code with the right verifier for a JWT access token and a refresh token', async () => {
    const grant = await approvedCode(emulator)
    const answer = await exchange(emulator, grant)
    assert.equal(answer.status, 200, `the exchange succeeds: ${JSON.stringify(answer.body)}`)
    assert.equal(answer.headers.get('cache-control'), 'no-store', 'token answers are not cached')
    const tokens = answer.body as unknown as TokenSet
    assert.equal(tokens.token_type, 'Bearer', 'token_type')
    assert.equal(tokens.expires_in, 3600, 'expires_in is the default hour')
    assert.equal(tokens.scope, SCOPE, 'the granted scope')
    assert.equal(typeof tokens.refresh_token, 'string', 'a refresh token with offline_access')
    assert.ok(!tokens.refresh_token!.includes('.'), 'the refresh token is opaque, not a JWT')

    const header = JSON.parse(Buffer.from(tokens.access_token.split('.')[0], 'base64url').toString('utf8')) as Json
    assert.equal(header.alg, 'HS256', 'signed with HS256')
    const payload = claims(tokens.access_token)
    const me = await api<MeAnswer>(emulator, tokens.access_token, 'GET', '/v1/me')
    assert.equal(payload.sub, me.body.data.user?.id, 'sub is the user')
    assert.equal(payload.workspace_id, me.body.data.workspace?.id, 'workspace_id, as the SDK reads it')
    assert.equal(payload.client_id, 'prisma-mgmt-emulator', 'client_id')
    assert.equal(payload.scope, SCOPE, 'scope')
    assert.equal(typeof payload.jti, 'string', 'jti')
    const lifetime = (payload.exp as number) - (payload.iat as number)
    assert.ok(lifetime === 3600 || lifetime === 3601, `exp is iat plus the lifetime, rounded up to a whole second (got ${lifetime})`)
  })

  it('refuses a wrong code_verifier (which spends the code), a wrong or missing redirect_uri, an unknown client', async () => {
    const wrongVerifier = await approvedCode(emulator)
    assertOAuthError(await exchange(emulator, wrongVerifier, {code_verifier: pkce().verifier}), 400, 'invalid_grant', 'a wrong code_verifier')
    assertOAuthError(await exchange(emulator, wrongVerifier), 400, 'invalid_grant', 'the code after a failed attempt')

    const wrongRedirect = await approvedCode(emulator)
    assertOAuthError(await exchange(emulator, wrongRedirect, {redirect_uri: 'http://127.0.0.1:53682/other'}), 400, 'invalid_grant', 'another redirect_uri')

    const missingRedirect = await approvedCode(emulator)
    const {redirect_uri: _dropped, ...withoutRedirect} = {
      grant_type: 'authorization_code',
      code: missingRedirect.code,
      redirect_uri: missingRedirect.redirectUri,
      client_id: emulator.oauthClientId,
      code_verifier: missingRedirect.verifier,
    }
    assertOAuthError(await tokenCall(emulator, withoutRedirect), 400, 'invalid_request', 'no redirect_uri')
    assert.equal((await exchange(emulator, missingRedirect)).status, 200, 'a malformed request does not spend the code')

    const unknownClient = await approvedCode(emulator)
    assertOAuthError(await exchange(emulator, unknownClient, {client_id: 'someone-else'}), 401, 'invalid_client', 'an unknown client')
    assertOAuthError(await tokenCall(emulator, {grant_type: 'password', client_id: emulator.oauthClientId}), 400, 'unsupported_grant_type', 'another grant type')
    assertOAuthError(await tokenCall(emulator, {grant_type: 'authorization_code', client_id: emulator.oauthClientId, code: 'made-up', redirect_uri: REDIRECT_URI, code_verifier: pkce().verifier}), 400, 'invalid_grant', 'an unknown code')

    const json = await fetch(`${emulator.url}/token`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({grant_type: 'authorization_code'})})
    assert.equal(json.status, 400, 'a JSON body is refused')
    assert.equal(((await json.json()) as Json).error, 'invalid_request', 'as invalid_request')
    const get = await fetch(`${emulator.url}/token`)
    assert.equal(get.status, 405, 'GET /token is not allowed')
  })

  it('the access token works on /v1/me (an oauth credential and the user) and /v1/projects', async () => {
    const tokens = await login(emulator)
    const me = await api<MeAnswer>(emulator, tokens.access_token, 'GET', '/v1/me')
    assert.equal(me.status, 200, '/v1/me answers 200')
    assert.equal(me.body.data.credential.type, 'oauth', 'the credential is oauth')
    assert.equal(me.body.data.credential.name, 'prisma-mgmt-emulator', 'named by its client')
    assert.deepEqual(me.body.data.user, {id: me.body.data.user?.id, email: 'emulator-user@example.com', name: 'Emulator User'}, 'the emulator user')
    assert.equal(me.body.data.workspace?.name, 'Emulator Workspace', 'the workspace')

    const created = await api<{data: {id: string; workspace: {id: string}}}>(emulator, tokens.access_token, 'POST', '/v1/projects', {name: 'via-oauth', createDatabase: false})
    assert.equal(created.status, 201, 'a project is created with the access token')
    assert.equal(created.body.data.workspace.id, claims(tokens.access_token).workspace_id, 'in the token\'s workspace')
    const listed = await api<{data: {id: string}[]}>(emulator, tokens.access_token, 'GET', '/v1/projects')
    assert.equal(listed.status, 200, '/v1/projects answers 200')
    assert.ok(listed.body.data.some((project) => project.id === created.body.data.id), 'the list has the project')

    const [header, payload] = tokens.access_token.split('.')
    const forged = `${header}.${payload}.${Buffer.alloc(32).toString('base64url')}`
    assert.equal((await api(emulator, forged, 'GET', '/v1/me')).status, 401, 'a bad signature is refused')
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`
    assert.equal((await api(emulator, unsigned, 'GET', '/v1/me')).status, 401, 'alg none is refused')
    const hook = await api<ErrorAnswer>(emulator, tokens.access_token, 'GET', '/__emulator/oauth')
    assert.equal(hook.status, 403, 'the test hooks take the service token only')
  })

  it('without offline_access there is no refresh token; without workspace:admin the API answers 403', async () => {
    const apiOnly = await login(emulator, {scope: 'workspace:admin'})
    assert.equal(apiOnly.refresh_token, undefined, 'no refresh token without offline_access')
    assert.equal((await api(emulator, apiOnly.access_token, 'GET', '/v1/me')).status, 200, 'the access token works')
    const offlineOnly = await login(emulator, {scope: 'offline_access'})
    const me = await api<ErrorAnswer>(emulator, offlineOnly.access_token, 'GET', '/v1/me')
    assert.equal(me.status, 403, 'a token without workspace:admin may not use the API')
    assert.match(me.body.error.message, /workspace:admin/, 'the 403 names the missing scope')
  })

  it('the request log shows OAuth requests with their secrets redacted', async () => {
    emulator.clearRequests()
    const tokens = await login(emulator)
    await refresh(emulator, tokens.refresh_token!)
    const log = emulator.requests()
    const tokenRequests = log.filter((entry) => entry.path === '/token')
    assert.equal(tokenRequests.length, 2, 'both token requests are logged')
    assert.deepEqual(
      tokenRequests[0].body,
      {grant_type: 'authorization_code', code: '<redacted>', redirect_uri: REDIRECT_URI, client_id: 'prisma-mgmt-emulator', code_verifier: '<redacted>'},
      'the exchange, secrets redacted',
    )
    assert.deepEqual(tokenRequests[1].body, {grant_type: 'refresh_token', refresh_token: '<redacted>', client_id: 'prisma-mgmt-emulator'}, 'the refresh, secrets redacted')
    assert.ok(log.some((entry) => entry.path.startsWith('/authorize?') && entry.status === 200), 'the consent page request is logged with its query')
    assert.ok(!JSON.stringify(log).includes(tokens.refresh_token!), 'no refresh token in the log')
  })
})

describe('OAuth with several workspaces', () => {
  let emulator: Emulator
  const hook = (method: string, path: string, body?: unknown) => api(emulator, emulator.token, method, path, body)

  before(async () => {
    emulator = await start()
  })
  after(async () => {
    await emulator.close()
  })

  it('the hook adds a workspace; the page offers both as radios; the chosen one is the token\'s', async () => {
    const anonymous = await fetch(`${emulator.url}/__emulator/workspaces`, {method: 'POST', headers: {'content-type': 'application/json'}, body: '{"name":"x"}'})
    assert.equal(anonymous.status, 401, 'the workspace hook needs the service token')
    const added = await hook('POST', '/__emulator/workspaces', {name: 'Second Workspace'})
    assert.equal(added.status, 201, `the hook adds a workspace: ${JSON.stringify(added.body)}`)
    const second = (added.body as {data: {id: string; name: string; type: string}}).data
    assert.equal(second.name, 'Second Workspace', 'with its name')
    assert.equal(second.type, 'workspace', 'in the API\'s workspace shape')
    assert.equal((await hook('POST', '/__emulator/workspaces', {name: '  '})).status, 400, 'a blank name is refused')
    const all = (await hook('GET', '/__emulator/workspaces')).body as {data: {id: string}[]}
    assert.equal(all.data.length, 2, 'the hook lists both workspaces')
    const first = all.data[0]

    const {query} = authorizeRequest(emulator)
    const page = await getPage(`${emulator.url}/authorize?${query}`)
    const {workspaces} = formOf(page.html)
    assert.deepEqual(workspaces, [{id: first.id, checked: true}, {id: second.id, checked: false}], 'one radio per workspace, the first checked')
    assert.match(page.html, /Second Workspace/, 'the radios name the workspaces')
    const {csrf} = formOf(page.html)
    const unchosen = await postForm(`${emulator.url}/authorize`, {csrf_token: csrf, decision: 'approve'})
    assert.equal(unchosen.status, 400, 'approving without a workspace is refused when there are several')
    assert.match(await unchosen.text(), /Choose a workspace/, 'the page asks for one')
    const chosenLater = await postForm(`${emulator.url}/authorize`, {csrf_token: csrf, decision: 'approve', workspace: second.id})
    assert.equal(chosenLater.status, 302, 'the same form still works once a workspace is chosen')

    const chosen = await login(emulator, {}, second.id)
    assert.equal(claims(chosen.access_token).workspace_id, second.id, 'the token carries the chosen workspace')
    const me = await api<MeAnswer>(emulator, chosen.access_token, 'GET', '/v1/me')
    assert.equal(me.body.data.workspace?.id, second.id, '/v1/me names the chosen workspace')
    const listed = await api<{data: {id: string}[]}>(emulator, chosen.access_token, 'GET', '/v1/workspaces')
    assert.deepEqual(listed.body.data.map((workspace) => workspace.id), [second.id], 'the token sees its workspace')
    const byDefault = await login(emulator)
    assert.equal(claims(byDefault.access_token).workspace_id, first.id, 'the pre-checked workspace is the first')
  })

  it('a token sees only its workspace\'s projects, databases and connections', async () => {
    const workspaces = ((await hook('GET', '/__emulator/workspaces')).body as {data: {id: string}[]}).data
    const secondToken = (await login(emulator, {}, workspaces[1].id)).access_token
    const mine = await api<{data: {id: string; database: {id: string}}}>(emulator, secondToken, 'POST', '/v1/projects', {name: 'second-only'})
    assert.equal(mine.status, 201, 'a project in the second workspace')
    const theirs = await api<{data: {id: string; database: {id: string}}}>(emulator, emulator.token, 'POST', '/v1/projects', {name: 'first-only', logicalId: 'shared'})
    assert.equal(theirs.status, 201, 'a project in the first workspace')

    const secondList = await api<{data: {id: string}[]}>(emulator, secondToken, 'GET', '/v1/projects')
    assert.deepEqual(secondList.body.data.map((project) => project.id), [mine.body.data.id], 'the second workspace lists its own project only')
    const firstList = await api<{data: {id: string}[]}>(emulator, emulator.token, 'GET', '/v1/projects')
    assert.ok(!firstList.body.data.some((project) => project.id === mine.body.data.id), 'the service token does not see the second workspace')
    assert.equal((await api(emulator, secondToken, 'GET', `/v1/projects/${theirs.body.data.id}`)).status, 404, 'another workspace\'s project is not found')
    assert.equal((await api(emulator, secondToken, 'GET', `/v1/databases/${theirs.body.data.database.id}`)).status, 404, 'nor its database')
    const databases = await api<{data: {id: string}[]}>(emulator, secondToken, 'GET', '/v1/databases')
    assert.deepEqual(databases.body.data.map((database) => database.id), [mine.body.data.database.id], 'the database list is the workspace\'s')
    const connections = await api<{data: unknown[]}>(emulator, secondToken, 'GET', `/v1/connections?databaseId=${theirs.body.data.database.id}`)
    assert.deepEqual(connections.body.data, [], 'no connections of another workspace\'s database')
    assert.equal((await api(emulator, secondToken, 'POST', '/v1/projects', {name: 'same-logical', createDatabase: false, logicalId: 'shared'})).status, 201, 'logicalIds are per workspace')
    assert.equal((await api(emulator, secondToken, 'POST', '/v1/projects', {workspaceId: workspaces[0].id, createDatabase: false})).status, 404, 'another workspaceId is not found')
  })
})

describe('OAuth lifetimes, counters and persistence', () => {
  it('an access token stops working once it expires (TTL 1 s), with a 401 that says so; refresh gives a working one', async () => {
    const emulator = await start({accessTokenTtlSeconds: 1})
    try {
      const tokens = await login(emulator)
      assert.equal(tokens.expires_in, 1, 'expires_in is the configured lifetime')
      let last: {status: number; body: ErrorAnswer} | undefined
      await until(async () => {
        last = await api<ErrorAnswer>(emulator, tokens.access_token, 'GET', '/v1/me')
        return last.status !== 200
      }, 'the access token to expire')
      assert.equal(last?.status, 401, 'an expired token answers 401')
      assert.match(last?.body.error.message ?? '', /expired/, 'the 401 says expired')
      const renewed = await refresh(emulator, tokens.refresh_token!)
      assert.equal(renewed.status, 200, 'the refresh token still works')
      const fresh = renewed.body as unknown as TokenSet
      // Issued after the old one expired, so it lives past it: a fact of order, not of timing.
      assert.ok((claims(fresh.access_token).exp as number) > (claims(tokens.access_token).exp as number), 'the new access token expires after the old one')
    } finally {
      await emulator.close()
    }
  })

  it('an expired code is refused (code lifetime injectable: 0 expires at once)', async () => {
    const emulator = await start({authorizationCodeTtlMs: 0})
    try {
      const answer = await exchange(emulator, await approvedCode(emulator))
      assertOAuthError(answer, 400, 'invalid_grant', 'an expired code')
      assert.match(String(answer.body.error_description), /expired/, 'the description says expired')
    } finally {
      await emulator.close()
    }
  })

  it('GET /__emulator/oauth counts codes, exchanges, refreshes, reuse and revocations', async () => {
    const emulator = await start()
    try {
      const counters = async () => (await api<OAuthCounters>(emulator, emulator.token, 'GET', '/__emulator/oauth')).body
      assert.deepEqual(await counters(), {authorizationCodesIssued: 0, tokenExchanges: 0, refreshes: 0, refreshReuseDetected: 0, revocations: 0}, 'all zero at start')
      assert.equal((await fetch(`${emulator.url}/__emulator/oauth`)).status, 401, 'the counters need the service token')
      const tokens = await login(emulator)
      await decide(emulator, authorizeRequest(emulator).query, {decision: 'deny'})
      const rotated = (await refresh(emulator, tokens.refresh_token!)).body as unknown as TokenSet
      await refresh(emulator, tokens.refresh_token!)
      await tokenCall(emulator, {token: rotated.refresh_token!, client_id: emulator.oauthClientId}, '/revoke')
      await tokenCall(emulator, {token: 'unknown', client_id: emulator.oauthClientId}, '/revoke')
      const expected = {authorizationCodesIssued: 1, tokenExchanges: 1, refreshes: 1, refreshReuseDetected: 1, revocations: 2}
      assert.deepEqual(await counters(), expected, 'one of each, two revocation requests')
      assert.deepEqual(emulator.oauthCounters(), expected, 'the same in process')
    } finally {
      await emulator.close()
    }
  })

  it('logins survive a restart with --data-dir; the state file holds no code or refresh token', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-oauth-'))
    try {
      const first = await start({dataDir})
      let tokens: TokenSet
      let used: string
      try {
        const initial = await login(first)
        used = initial.refresh_token!
        tokens = (await refresh(first, used)).body as unknown as TokenSet
        await first.flush()
      } finally {
        await first.close()
      }
      const saved = await readFile(join(dataDir, STATE_FILE), 'utf8')
      assert.ok(saved.includes('"oauth"'), 'the OAuth state is saved')
      assert.ok(!saved.includes(tokens.refresh_token!) && !saved.includes(used), 'refresh tokens are saved as digests only')
      assert.ok(!saved.includes(tokens.access_token), 'access tokens are not saved')

      const second = await start({dataDir})
      try {
        assert.equal((await api(second, tokens.access_token, 'GET', '/v1/me')).status, 200, 'the access token still works after the restart')
        const renewed = await refresh(second, tokens.refresh_token!)
        assert.equal(renewed.status, 200, 'the refresh token still works after the restart')
        assertOAuthError(await refresh(second, used), 400, 'invalid_grant', 'a used refresh token is still known as used')
        assert.equal((await api(second, (renewed.body as unknown as TokenSet).access_token, 'GET', '/v1/me')).status, 401, 'and its reuse still revokes the login')
      } finally {
        await second.close()
      }
    } finally {
      await rm(dataDir, {recursive: true, force: true})
    }
  })
})

describe('state files from before workspaces and OAuth', () => {
  it('load: projects without a workspace belong to the first one, and logins work', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-oauth-old-'))
    try {
      const workspace = {id: 'cmoldworkspace00000000000', name: 'Old Workspace', createdAt: '2026-01-01T00:00:00.000Z'}
      const project = {id: 'cmoldproject0000000000000', seq: 1, name: 'old', logicalId: 'old', createdAt: '2026-01-01T00:00:00.000Z', defaultRegion: null}
      const old = {version: 1, workspace, credentialId: 'cmoldcredential0000000000', nextSeq: 2, projects: [project], databases: [], connections: []}
      await writeFile(join(dataDir, STATE_FILE), JSON.stringify(old), {mode: 0o600})
      const emulator = await start({dataDir, token: 'old-token'})
      try {
        const listed = await api<{data: {id: string; workspace: {id: string}}[]}>(emulator, 'old-token', 'GET', '/v1/projects')
        assert.deepEqual(listed.body.data.map((item) => [item.id, item.workspace.id]), [[project.id, workspace.id]], 'the old project is in the first workspace')
        const tokens = await login(emulator)
        assert.equal(claims(tokens.access_token).workspace_id, workspace.id, 'a login gets the old workspace')
        assert.equal((await api(emulator, tokens.access_token, 'GET', `/v1/projects/${project.id}`)).status, 200, 'and sees its project')
        assert.equal((await api(emulator, tokens.access_token, 'POST', '/v1/projects', {logicalId: 'old', createDatabase: false})).status, 409, 'its logicalId is still taken')
      } finally {
        await emulator.close()
      }
    } finally {
      await rm(dataDir, {recursive: true, force: true})
    }
  })
})

describe('the official SDK against the emulator', () => {
  it('logs in with getLoginUrl and handleCallback, calls the API, and refreshes by itself after expiry', async () => {
    // Two seconds, so the token the SDK gets by refreshing outlives the retry it makes at once.
    const emulator = await start({accessTokenTtlSeconds: 2})
    try {
      let stored: Tokens | null = null
      const sdk = createManagementApiSdk({
        clientId: emulator.oauthClientId,
        redirectUri: REDIRECT_URI,
        apiBaseUrl: emulator.url,
        authBaseUrl: emulator.url,
        tokenStorage: {
          getTokens: async () => stored,
          setTokens: async (tokens) => {
            stored = tokens
          },
          clearTokens: async () => {
            stored = null
          },
        },
      })
      const {url, state, verifier} = await sdk.getLoginUrl({scope: SCOPE})
      const loginUrl = new URL(url)
      assert.equal(`${loginUrl.origin}${loginUrl.pathname}`, `${emulator.url}/authorize`, 'the SDK sends the person to /authorize')
      const callback = await decide(emulator, loginUrl.searchParams)
      await sdk.handleCallback({callbackUrl: callback, verifier, expectedState: state})
      const afterLogin = stored as Tokens | null
      assert.ok(afterLogin, 'the SDK stored tokens')
      const me = await api<MeAnswer>(emulator, emulator.token, 'GET', '/v1/me')
      assert.equal(afterLogin.workspaceId, me.body.data.workspace?.id, 'the SDK read workspace_id from the access token')

      await until(async () => (await api(emulator, afterLogin.accessToken, 'GET', '/v1/me')).status === 401, 'the access token to expire')
      const projects = await sdk.client.GET('/v1/projects')
      assert.equal(projects.response.status, 200, 'the SDK refreshed on the 401 and retried')
      const afterRefresh = stored as Tokens | null
      assert.notEqual(afterRefresh?.refreshToken, afterLogin.refreshToken, 'the SDK stored the rotated refresh token')
      assert.equal(emulator.oauthCounters().refreshes, 1, 'one refresh')
    } finally {
      await emulator.close()
    }
  })
})

describe('emulator start (built)', () => {
  it('--oauth-client-id x --access-token-ttl 5: prints the client line; the export lines are unchanged', async () => {
    assert.ok(existsSync(join(ROOT, 'dist/commands/emulator/start.js')), 'the CLI is built (run `npm run build` first)')
    const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), 'emulator', 'start', '--port', '0', '--databases', 'none', '--oauth-client-id', 'x', '--access-token-ttl', '5'], {
      cwd: ROOT,
      env: {...process.env, NO_COLOR: '1'},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const stdout: string[] = []
    let stderr = ''
    createInterface({input: child.stdout}).on('line', (line) => stdout.push(line))
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    try {
      await until(async () => stdout.length >= 7 || child.exitCode !== null, 'the export lines', 60_000)
      assert.equal(child.exitCode, null, `the emulator is running:\n${stdout.join('\n')}\n${stderr}`)
      const [listening, tokenLine, databases, client, blank, exportUrl, exportToken] = stdout
      const url = /^Prisma Management API emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(listening)?.[1]
      const token = /^Token: (\S+)$/.exec(tokenLine)?.[1]
      assert.ok(url && token, `the URL and token lines:\n${stdout.join('\n')}`)
      assert.equal(databases, 'Databases: none', 'the databases line')
      assert.equal(client, 'OAuth client: x', 'the client line, before the blank line')
      assert.equal(blank, '', 'a blank line before the export lines')
      assert.equal(exportUrl, `export PRISMA_MANAGEMENT_API_URL=${url}`, 'the URL export line')
      assert.equal(exportToken, `export PRISMA_SERVICE_TOKEN=${token}`, 'the token export line')

      const emulator = {url, oauthClientId: 'x'} as Emulator
      const tokens = await login(emulator)
      assert.equal(tokens.expires_in, 5, '--access-token-ttl sets expires_in')
      assert.equal(claims(tokens.access_token).client_id, 'x', 'the token names the client')
      const other = await getPage(`${url}/authorize?${authorizeRequest({...emulator, oauthClientId: 'prisma-mgmt-emulator'} as Emulator).query}`)
      assert.equal(other.status, 400, 'the default client id is unknown to this emulator')

      child.kill('SIGTERM')
      const code = child.exitCode ?? (await new Promise<number | null>((ok) => child.once('exit', (exit) => ok(exit))))
      assert.equal(code, 0, `exit 0 on SIGTERM:\n${stderr}`)
      assert.equal(stdout.length, 7, `nothing else on stdout:\n${stdout.join('\n')}`)
    } finally {
      child.kill('SIGKILL')
    }
  })
})
