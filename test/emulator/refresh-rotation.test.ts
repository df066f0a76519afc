// The emulator's refresh-token rotation, in process over real HTTP: each refresh hands out a new
// refresh token; presenting a used one (or replaying a code) revokes the whole login; revoking a
// refresh token ends the login, revoking an access token ends only that token.
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it, mock} from 'node:test'

import type {Emulator} from '../../src/emulator/index.js'
import {REFRESH_TOKEN_TTL_MS} from '../../src/emulator/oauth/authorization-server.js'
import {SCOPE, api, approvedCode, assertOAuthError, claims, exchange, login, refresh, start, tokenCall} from './oauth-flow.js'
import type {TokenSet} from './oauth-flow.js'

type ErrorAnswer = {error: {code: string; message: string}}

describe('refresh-token rotation and revocation', () => {
  let emulator: Emulator

  before(async () => {
    emulator = await start()
  })
  after(async () => {
    await emulator.close()
  })

  it('a reused code is refused and revokes the tokens issued for it', async () => {
    const grant = await approvedCode(emulator)
    const first = await exchange(emulator, grant)
    assert.equal(first.status, 200, 'the first exchange succeeds')
    const tokens = first.body as unknown as TokenSet
    assert.equal((await api(emulator, tokens.access_token, 'GET', '/v1/me')).status, 200, 'the access token works before the replay')
    assertOAuthError(await exchange(emulator, grant), 400, 'invalid_grant', 'the replayed code')
    const me = await api<ErrorAnswer>(emulator, tokens.access_token, 'GET', '/v1/me')
    assert.equal(me.status, 401, 'the access token issued for the code is revoked')
    assert.match(me.body.error.message, /revoked/, 'the 401 says revoked')
    assertOAuthError(await refresh(emulator, tokens.refresh_token!), 400, 'invalid_grant', 'the refresh token issued for the code')
  })

  it('refresh rotates; presenting a used refresh token revokes the whole login', async () => {
    const first = await login(emulator)
    const second = await refresh(emulator, first.refresh_token!)
    assert.equal(second.status, 200, `the refresh succeeds: ${JSON.stringify(second.body)}`)
    const rotated = second.body as unknown as TokenSet
    assert.notEqual(rotated.refresh_token, first.refresh_token, 'a new refresh token each time')
    assert.notEqual(rotated.access_token, first.access_token, 'a new access token')
    assert.equal(rotated.token_type, 'Bearer', 'token_type')
    assert.equal(rotated.scope, SCOPE, 'the same scope')
    assert.equal((await api(emulator, rotated.access_token, 'GET', '/v1/me')).status, 200, 'the new access token works')
    const third = (await refresh(emulator, rotated.refresh_token!)).body as unknown as TokenSet
    assert.equal((await api(emulator, third.access_token, 'GET', '/v1/me')).status, 200, 'the newest access token works')

    const before = emulator.oauthCounters().refreshReuseDetected
    assertOAuthError(await refresh(emulator, first.refresh_token!), 400, 'invalid_grant', 'the first, used refresh token')
    assert.equal(emulator.oauthCounters().refreshReuseDetected, before + 1, 'the reuse is counted')
    const newest = await api<ErrorAnswer>(emulator, third.access_token, 'GET', '/v1/me')
    assert.equal(newest.status, 401, 'the newest access token is revoked with the login')
    assert.match(newest.body.error.message, /revoked/, 'the 401 says revoked')
    assertOAuthError(await refresh(emulator, third.refresh_token!), 400, 'invalid_grant', 'the current refresh token is revoked too')
  })

  it('revocation: a refresh token takes its login with it; an access token goes alone; any token answers 200', async () => {
    const tokens = await login(emulator)
    const revoked = await tokenCall(emulator, {token: tokens.refresh_token!, token_type_hint: 'refresh_token', client_id: emulator.oauthClientId}, '/revoke')
    assert.equal(revoked.status, 200, 'revoking a refresh token answers 200')
    assert.equal((await api(emulator, tokens.access_token, 'GET', '/v1/me')).status, 401, 'its access token stops working')
    assertOAuthError(await refresh(emulator, tokens.refresh_token!), 400, 'invalid_grant', 'the revoked refresh token')

    const other = await login(emulator)
    assert.equal((await tokenCall(emulator, {token: other.access_token, token_type_hint: 'access_token', client_id: emulator.oauthClientId}, '/revoke')).status, 200, 'revoking an access token answers 200')
    assert.equal((await api(emulator, other.access_token, 'GET', '/v1/me')).status, 401, 'the revoked access token stops working')
    const renewed = await refresh(emulator, other.refresh_token!)
    assert.equal(renewed.status, 200, 'the login itself lives on')
    assert.equal((await api(emulator, (renewed.body as unknown as TokenSet).access_token, 'GET', '/v1/me')).status, 200, 'its new access token works')

    assert.equal((await tokenCall(emulator, {token: 'never-issued', client_id: emulator.oauthClientId}, '/revoke')).status, 200, 'an unknown token answers 200')
    assert.equal((await tokenCall(emulator, {token: tokens.refresh_token!}, '/revoke')).status, 200, 'revoking twice answers 200')
    assertOAuthError(await tokenCall(emulator, {client_id: emulator.oauthClientId}, '/revoke'), 400, 'invalid_request', 'no token')
    assertOAuthError(await tokenCall(emulator, {token: 'x', client_id: 'someone-else'}, '/revoke'), 401, 'invalid_client', 'an unknown client')
  })

  /** A refresh asking for `scope`. */
  const narrowed = (refreshToken: string, scope: string) => tokenCall(emulator, {grant_type: 'refresh_token', refresh_token: refreshToken, client_id: emulator.oauthClientId, scope})

  it('an unknown refresh token is refused and counted as nothing', async () => {
    const before = emulator.oauthCounters()
    const answer = await refresh(emulator, 'never-issued')
    assertOAuthError(answer, 400, 'invalid_grant', 'an unknown refresh token')
    assert.equal(answer.body.error_description, 'The refresh token is not valid.')
    assert.deepEqual(emulator.oauthCounters(), before)
  })

  it('each refresh is counted; its access token says when it was issued and lives the TTL', async () => {
    const tokens = await login(emulator)
    const before = emulator.oauthCounters().refreshes
    const from = Math.floor(Date.now() / 1000)
    const renewed = (await refresh(emulator, tokens.refresh_token!)).body as unknown as TokenSet
    const to = Math.ceil(Date.now() / 1000)
    assert.equal(emulator.oauthCounters().refreshes, before + 1)
    const {iat, exp} = claims(renewed.access_token) as {iat: number; exp: number}
    assert.ok(iat >= from && iat <= to, `iat ${iat} within [${from}, ${to}]`)
    assert.ok(exp - renewed.expires_in >= iat && exp - renewed.expires_in <= iat + 1, `exp ${exp} is iat + expires_in (${renewed.expires_in}), rounded up`)
  })

  it('a refresh may narrow the scope, never widen it or empty it; the login keeps rotating its refresh token', async () => {
    const offline = await login(emulator, {scope: 'offline_access'})
    const wider = await narrowed(offline.refresh_token!, SCOPE)
    assertOAuthError(wider, 400, 'invalid_scope', 'a wider scope')
    assert.equal(wider.body.error_description, 'The login was not granted workspace:admin.')
    const tokens = await login(emulator)
    const empty = await narrowed(tokens.refresh_token!, ' ')
    assertOAuthError(empty, 400, 'invalid_scope', 'an empty scope')
    assert.equal(empty.body.error_description, 'scope is empty.')
    const narrow = await narrowed(tokens.refresh_token!, 'workspace:admin')
    assert.equal(narrow.status, 200, JSON.stringify(narrow.body))
    const body = narrow.body as unknown as TokenSet
    assert.equal(body.scope, 'workspace:admin')
    assert.equal(claims(body.access_token).scope, 'workspace:admin')
    assert.ok(typeof body.refresh_token === 'string', 'the login itself was granted offline_access: a new refresh token all the same')
    assert.equal((await api(emulator, body.access_token, 'GET', '/v1/me')).status, 200)
  })

  it('a login without offline_access gets no refresh token', async () => {
    assert.equal((await login(emulator, {scope: 'workspace:admin'})).refresh_token, undefined)
  })

  it('revoking a login twice counts both requests and keeps it revoked', async () => {
    const tokens = await login(emulator)
    const before = emulator.oauthCounters().revocations
    for (let n = 0; n < 2; n++) {
      assert.equal((await tokenCall(emulator, {token: tokens.refresh_token!, token_type_hint: 'refresh_token', client_id: emulator.oauthClientId}, '/revoke')).status, 200)
    }
    assert.equal(emulator.oauthCounters().revocations, before + 2)
    const again = await refresh(emulator, tokens.refresh_token!)
    assertOAuthError(again, 400, 'invalid_grant', 'a revoked login')
    assert.equal(again.body.error_description, 'This login was revoked; log in again.')
  })

  it('a refresh token lives its TTL to the millisecond: refused from the moment it expires', async () => {
    const start = Date.now()
    mock.timers.enable({apis: ['Date'], now: start})
    try {
      const first = await login(emulator)
      const second = await login(emulator)
      mock.timers.setTime(start + REFRESH_TOKEN_TTL_MS - 1)
      assert.equal((await refresh(emulator, first.refresh_token!)).status, 200, 'a millisecond before')
      mock.timers.setTime(start + REFRESH_TOKEN_TTL_MS)
      const expired = await refresh(emulator, second.refresh_token!)
      assertOAuthError(expired, 400, 'invalid_grant', 'at its expiry')
      assert.equal(expired.body.error_description, 'The refresh token has expired; log in again.')
    } finally {
      mock.timers.reset()
    }
  })

  it('a used refresh token says the whole login is revoked', async () => {
    const tokens = await login(emulator)
    await refresh(emulator, tokens.refresh_token!)
    const reused = await refresh(emulator, tokens.refresh_token!)
    assert.equal(reused.body.error_description, 'The refresh token was already used; every token of this login is revoked. Log in again.')
  })

  it('an access token revoked with the refresh_token hint is revoked all the same', async () => {
    const tokens = await login(emulator)
    assert.equal((await tokenCall(emulator, {token: tokens.access_token, token_type_hint: 'refresh_token', client_id: emulator.oauthClientId}, '/revoke')).status, 200)
    assert.equal((await api(emulator, tokens.access_token, 'GET', '/v1/me')).status, 401)
  })

  it('a refresh token issued to another client (the emulator restarted with a new client id) is refused', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-rotation-'))
    try {
      const first = await start({dataDir, oauthClientId: 'client-a'})
      const tokens = await login(first).finally(() => first.close())
      const second = await start({dataDir, oauthClientId: 'client-b'})
      try {
        const refused = await refresh(second, tokens.refresh_token!)
        assertOAuthError(refused, 400, 'invalid_grant', 'another client')
        assert.equal(refused.body.error_description, 'The refresh token was issued to another client.')
      } finally {
        await second.close()
      }
    } finally {
      await rm(dataDir, {recursive: true, force: true})
    }
  })
})
