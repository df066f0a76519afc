// An OAuth session as the API client's token provider, with a clock the test moves: the access
// token is used while it has more than the margin left, refreshed (once, whoever asks) before a
// request when it has not, and never sent once expired, however long the command runs (an MCP
// server holds one session for hours). Every refresh goes through the store, under its lock.
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {OAuthSession, REFRESH_MARGIN_MS} from '../../src/auth/oauth/session.js'
import {TokenRequestError, type TokenSet} from '../../src/auth/oauth/tokens.js'
import {ProfileStore, type Profile} from '../../src/auth/store.js'

const T0 = Date.parse('2026-11-29T10:00:00.000Z')
const HOUR = 3_600_000
const dirs: string[] = []

after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, {recursive: true, force: true})))
})

interface Setup {
  /** The stored access token's expiry (null: none stored). */
  expiresAt?: number | null
  accessToken?: string
  /** How long each refreshed access token lives (null: the server says nothing). */
  lifetime?: number | null
  /** What the token endpoint throws instead of answering. */
  refusal?: Error
  /** The stored expiry as written, when it is not a date. */
  storedExpiry?: string
}

/** A stored session (at-0, rt-0) and its provider; each refresh hands out at-n and rt-n. */
async function session({expiresAt = T0 + HOUR, accessToken = 'at-0', lifetime = HOUR, refusal, storedExpiry}: Setup = {}) {
  const home = await mkdtemp(join(tmpdir(), 'prisma-mgmt-session-'))
  dirs.push(home)
  const store = new ProfileStore(join(home, 'prisma-mgmt'))
  const profile: Profile = {credential: 'oauth', refreshToken: 'rt-0', clientId: 'client-1', authUrl: 'https://auth.example.test', workspace: {id: 'ws_1', name: 'Acme'}}
  if (accessToken) profile.accessToken = accessToken
  if (expiresAt !== null) profile.expiresAt = storedExpiry ?? new Date(expiresAt).toISOString()
  await store.saveProfile('default', profile)
  let now = T0
  const state = {sent: [] as string[], hold: false, pending: [] as (() => void)[]}
  const provider = new OAuthSession({
    store,
    profile: 'default',
    session: (await store.read()).profiles!.default,
    now: () => new Date(now),
    refresh: async (refreshToken): Promise<TokenSet> => {
      state.sent.push(refreshToken)
      if (refusal) throw refusal
      const n = state.sent.length
      const at = now
      if (state.hold) await new Promise<void>((release) => state.pending.push(release))
      return {accessToken: `at-${n}`, refreshToken: `rt-${n}`, expiresAt: lifetime === null ? undefined : new Date(at + lifetime)}
    },
  })
  return {
    provider,
    store,
    state,
    set: (at: number) => {
      now = at
    },
  }
}

describe('an OAuth session on a clock that moves', () => {
  it('more than the margin left: the stored token is used, nothing refreshed, up to the margin', async () => {
    const {provider, state, set} = await session()
    for (const at of [T0, T0 + HOUR / 2, T0 + HOUR - REFRESH_MARGIN_MS]) {
      set(at)
      assert.equal(await provider.current(), 'at-0', `at +${at - T0} ms`)
    }
    assert.deepEqual(state.sent, [])
    assert.equal(provider.refreshes, 0)
  })

  it('within the margin at the first request: refreshed once before it, and the new tokens stored', async () => {
    for (const left of [REFRESH_MARGIN_MS - 1, 1, 0, -HOUR]) {
      const {provider, store, state} = await session({expiresAt: T0 + left})
      assert.equal(await provider.current(), 'at-1', `${left} ms left`)
      assert.deepEqual(state.sent, ['rt-0'], 'the stored refresh token was sent')
      const stored = (await store.read()).profiles!.default
      assert.deepEqual([stored.accessToken, stored.refreshToken, stored.expiresAt], ['at-1', 'rt-1', new Date(T0 + HOUR).toISOString()])
      assert.equal(provider.expiresAt?.getTime(), T0 + HOUR)
    }
  })

  it('a command that runs on: the token is refreshed again when its margin comes, and never sent once expired', async () => {
    const {provider, state, set} = await session()
    assert.equal(await provider.current(), 'at-0')
    set(T0 + HOUR - REFRESH_MARGIN_MS + 1)
    assert.equal(await provider.current(), 'at-1', 'within the first token\'s margin')
    set(T0 + 2 * HOUR + 1)
    assert.equal(await provider.current(), 'at-2', 'past the second token\'s expiry')
    assert.deepEqual(state.sent, ['rt-0', 'rt-1'], 'each refresh with the refresh token the one before gave')
  })

  it('hours of requests, one a minute: one refresh per token lifetime, and every token sent has more than the margin left', async () => {
    const {provider, state, set} = await session()
    for (let minute = 0; minute <= 5 * 60; minute++) {
      set(T0 + minute * 60_000)
      await provider.current()
      const left = provider.expiresAt!.getTime() - (T0 + minute * 60_000)
      assert.ok(left >= REFRESH_MARGIN_MS, `minute ${minute}: ${left} ms left`)
    }
    assert.equal(state.sent.length, 5, 'refreshed at minutes 60, 120, 180, 240 and 300')
  })

  it('requests that ask together when the token is due share one refresh', async () => {
    const {provider, state, set} = await session()
    await provider.current()
    set(T0 + HOUR - 1000)
    state.hold = true
    const asked = Promise.all(Array.from({length: 8}, () => provider.current()))
    while (state.pending.length === 0) await new Promise((resolve) => setTimeout(resolve, 1))
    assert.equal(state.sent.length, 1, 'one refresh while the others wait')
    state.pending.splice(0).forEach((release) => release())
    assert.deepEqual(await asked, Array(8).fill('at-1'))
    assert.equal(provider.refreshes, 1)
  })

  it('a server whose tokens live less than twice the margin: refreshed once half their life is gone, not before every request', async () => {
    const {provider, state, set} = await session({expiresAt: T0 + 1000, lifetime: 30_000})
    assert.equal(await provider.current(), 'at-1', 'the stored token was about to expire')
    for (const [at, token] of [[T0 + 14_999, 'at-1'], [T0 + 15_001, 'at-2'], [T0 + 30_000, 'at-2'], [T0 + 30_002, 'at-3']] as const) {
      set(at)
      assert.equal(await provider.current(), token, `at +${at - T0} ms`)
    }
    assert.equal(state.sent.length, 3)
  })

  it('a refreshed token that comes already expired by this clock is sent as it is, not refreshed again and again', async () => {
    for (const lifetime of [-5000, 0]) {
      const {provider, state, set} = await session({expiresAt: T0 - 1, lifetime})
      assert.equal(await provider.current(), 'at-1')
      set(T0 + 1000)
      assert.equal(await provider.current(), 'at-1')
      assert.equal(state.sent.length, 1, `a token that lived ${lifetime} ms`)
    }
  })

  it('no stored access token: refreshed before the first request; no expiry known: never refreshed by the clock', async () => {
    const {provider, state, set} = await session({accessToken: '', expiresAt: null, lifetime: null})
    assert.equal(await provider.current(), 'at-1')
    set(T0 + 100 * HOUR)
    assert.equal(await provider.current(), 'at-1')
    assert.equal(state.sent.length, 1)
    assert.equal(provider.expiresAt, undefined)
    assert.deepEqual([...provider.seen].sort(), ['at-1', 'rt-0', 'rt-1'], 'only tokens are kept, nothing for the missing one')
  })

  it('every token the session held is kept to scrub from output', async () => {
    const {provider, set} = await session()
    await provider.current()
    set(T0 + HOUR)
    await provider.current()
    assert.deepEqual([...provider.seen].sort(), ['at-0', 'at-1', 'rt-0', 'rt-1'])
  })
})

describe('an OAuth session whose refresh fails, or whose profile changed under it', () => {
  const ended = {name: 'AuthError', message: 'Your session has ended; log in again with `prisma-mgmt login`.'}

  it('the refresh token refused (invalid_grant): the session ends, its tokens are removed and the rest of the profile kept', async () => {
    const {provider, store} = await session({expiresAt: T0, refusal: new TokenRequestError('invalid_grant', undefined, 'refused')})
    await assert.rejects(provider.current(), ended)
    const stored = (await store.read()).profiles!.default
    assert.deepEqual(stored, {credential: 'oauth', clientId: 'client-1', authUrl: 'https://auth.example.test', workspace: {id: 'ws_1', name: 'Acme'}})
  })

  it('any other refusal or failure is passed on as it is, and the stored tokens kept for the next try', async () => {
    for (const refusal of [new TokenRequestError('invalid_client', undefined, 'refused'), Object.assign(new Error('socket hang up'), {error: 'invalid_grant'})]) {
      const {provider, store} = await session({expiresAt: T0, refusal})
      await assert.rejects(provider.current(), refusal)
      const stored = (await store.read()).profiles!.default
      assert.deepEqual([stored.accessToken, stored.refreshToken, stored.expiresAt], ['at-0', 'rt-0', new Date(T0).toISOString()], refusal.message)
    }
  })

  it('the profile removed, turned into a service-token profile, or logged out before the refresh: the session ends, nothing sent', async () => {
    const changes: ((config: {profiles?: Record<string, Profile>}) => void)[] = [
      (config) => delete config.profiles,
      (config) => delete config.profiles!.default,
      (config) => Object.assign(config.profiles!.default, {credential: 'token', token: 'svc'}),
      (config) => delete config.profiles!.default.refreshToken,
    ]
    for (const change of changes) {
      const {provider, store, state} = await session({expiresAt: T0})
      await store.update((config) => {
        change(config)
        return undefined
      })
      await assert.rejects(provider.current(), ended, change.toString())
      assert.deepEqual(state.sent, [], change.toString())
    }
  })

  it('another process refreshed first: its tokens are taken, nothing sent', async () => {
    const {provider, store, state} = await session({expiresAt: T0})
    await store.update((config) => {
      Object.assign(config.profiles!.default, {accessToken: 'at-other', refreshToken: 'rt-other', expiresAt: new Date(T0 + HOUR).toISOString()})
      return undefined
    })
    assert.equal(await provider.current(), 'at-other')
    assert.deepEqual(state.sent, [])
    assert.equal(provider.refreshes, 0)
    assert.equal(provider.expiresAt?.getTime(), T0 + HOUR)
  })

  it('another process stored a new refresh token but no access token: the session ends', async () => {
    const {provider, store, state} = await session({expiresAt: T0})
    await store.update((config) => {
      delete config.profiles!.default.accessToken
      config.profiles!.default.refreshToken = 'rt-other'
      return undefined
    })
    await assert.rejects(provider.current(), ended)
    assert.deepEqual(state.sent, [])
  })

  it('a 401 before any request, with no access token stored: refreshed', async () => {
    const {provider, state} = await session({accessToken: ''})
    assert.equal(await provider.refresh('at-unknown'), 'at-1')
    assert.deepEqual(state.sent, ['rt-0'])
  })

  it('a stored expiry that is not a date counts as unknown: the token is used, never refreshed by the clock', async () => {
    const {provider, state, set} = await session({storedExpiry: 'soon'})
    set(T0 + 100 * HOUR)
    assert.equal(await provider.current(), 'at-0')
    assert.equal(provider.expiresAt, undefined)
    assert.deepEqual(state.sent, [])
  })

  it('a refreshed answer without an expiry removes the stored one', async () => {
    const {provider, store} = await session({expiresAt: T0, lifetime: null})
    assert.equal(await provider.current(), 'at-1')
    assert.equal((await store.read()).profiles!.default.expiresAt, undefined)
  })

  it('after a 401: another token is the answer; the one refused is refreshed once per process; a refresh under way is shared', async () => {
    const {provider, state} = await session()
    assert.equal(await provider.refresh('at-stale'), 'at-0', 'a token other than the one in use was refused')
    assert.deepEqual(state.sent, [])
    state.hold = true
    const first = provider.refresh('at-0')
    const second = provider.refresh('at-0')
    const third = provider.current()
    while (state.pending.length === 0) await new Promise((resolve) => setTimeout(resolve, 1))
    state.pending.splice(0).forEach((release) => release())
    assert.deepEqual(await Promise.all([first, second, third]), ['at-1', 'at-1', 'at-1'])
    assert.equal(await provider.refresh('at-1'), undefined, 'refused again: no second refresh on a 401')
    assert.deepEqual(state.sent, ['rt-0'])
    assert.equal(provider.refreshes, 1)
  })
})
