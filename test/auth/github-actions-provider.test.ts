// The token a GitHub Actions job mints from the runner's OIDC token lives in memory for as long as
// the command runs: a long list, a wait for a database, or `prisma-mgmt mcp` answering for hours.
// With a fake clock moving past the renewal margin and the expiry: the token is used while it has
// more than the margin left, minted again once it has not, never sent once expired, and minted
// once for callers that ask together.
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {MockAgent} from 'undici'

import {GithubActionsTokenProvider, RENEW_MARGIN_MS, type Minted} from '../../src/auth/github-actions.js'
import {buildDeps} from '../../src/deps.js'
import {fakeIO} from '../unit/fake-io.js'
import {me} from '../unit/fixtures.js'
import {API, reply} from '../unit/run-command.js'

const T0 = Date.parse('2026-11-29T10:00:00.000Z')
const HOUR = 3_600_000

/** A clock the test moves. */
function fakeClock(start = T0) {
  let now = start
  return {
    now: () => new Date(now),
    set: (at: number) => {
      now = at
    },
  }
}

/** A mint that hands out tok-1, tok-2… each valid for `lifetime` from the clock's now, and counts the calls. */
function minter(clock: {now: () => Date}, lifetime = HOUR) {
  const state = {calls: 0, pending: [] as (() => void)[], hold: false}
  const mint = async (): Promise<Minted> => {
    state.calls++
    const n = state.calls
    const expiresAt = new Date(clock.now().getTime() + lifetime)
    if (state.hold) await new Promise<void>((release) => state.pending.push(release))
    return {id: `itgr_${n}`, value: `tok-${n}`, expiresAt, workspaceId: 'ws_1'}
  }
  return {state, mint}
}

describe('the GitHub Actions token provider with a clock that moves', () => {
  it('the first request mints; the token is used while more than the margin is left', async () => {
    const clock = fakeClock()
    const {state, mint} = minter(clock)
    const provider = new GithubActionsTokenProvider(mint, clock.now)
    assert.equal(state.calls, 0, 'nothing is minted before the first request')
    assert.equal(await provider.current(), 'tok-1')
    for (const at of [T0 + 1, T0 + HOUR / 2, T0 + HOUR - RENEW_MARGIN_MS - 1]) {
      clock.set(at)
      assert.equal(await provider.current(), 'tok-1', `at +${at - T0} ms`)
    }
    assert.equal(state.calls, 1, 'one mint')
    assert.equal(provider.minted?.id, 'itgr_1')
  })

  it('exactly the margin left, or less: minted again before the request', async () => {
    for (const left of [RENEW_MARGIN_MS, RENEW_MARGIN_MS - 1, 1]) {
      const clock = fakeClock()
      const {state, mint} = minter(clock)
      const provider = new GithubActionsTokenProvider(mint, clock.now)
      assert.equal(await provider.current(), 'tok-1')
      clock.set(T0 + HOUR - left)
      assert.equal(await provider.current(), 'tok-2', `${left} ms left`)
      assert.equal(state.calls, 2, `${left} ms left`)
      assert.equal(provider.minted?.value, 'tok-2')
    }
  })

  it('never hands out a token past its expiry, however far the clock moved', async () => {
    for (const late of [0, 1, RENEW_MARGIN_MS - 1, RENEW_MARGIN_MS, RENEW_MARGIN_MS + 1, 10 * HOUR]) {
      const clock = fakeClock()
      const {mint} = minter(clock)
      const provider = new GithubActionsTokenProvider(mint, clock.now)
      await provider.current()
      clock.set(T0 + HOUR + late)
      const token = await provider.current()
      assert.equal(token, 'tok-2', `${late} ms after the expiry`)
      assert.ok(provider.minted!.expiresAt.getTime() > clock.now().getTime(), 'the token handed out has not expired')
    }
  })

  it('hours of requests, one a minute: a mint for each token lifetime, never an expired token', async () => {
    const clock = fakeClock()
    const {state, mint} = minter(clock)
    const provider = new GithubActionsTokenProvider(mint, clock.now)
    for (let minute = 0; minute <= 5 * 60; minute++) {
      clock.set(T0 + minute * 60_000)
      await provider.current()
      const left = provider.minted!.expiresAt.getTime() - clock.now().getTime()
      assert.ok(left > RENEW_MARGIN_MS, `minute ${minute}: the token in use has ${left} ms left`)
    }
    // A token minted at minute 0 is replaced at minute 59 (a minute left), and so on.
    assert.equal(state.calls, 6, 'one mint per 59 minutes over five hours')
  })

  it('callers that ask together, first or when the token is due, share one mint', async () => {
    const clock = fakeClock()
    const {state, mint} = minter(clock)
    const provider = new GithubActionsTokenProvider(mint, clock.now)
    state.hold = true
    const first = Promise.all(Array.from({length: 8}, () => provider.current()))
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(state.calls, 1, 'one mint while the others wait')
    state.pending.splice(0).forEach((release) => release())
    assert.deepEqual(await first, Array(8).fill('tok-1'))

    clock.set(T0 + HOUR - 1000)
    const due = Promise.all(Array.from({length: 8}, () => provider.current()))
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(state.calls, 2, 'one more mint for all of them')
    state.pending.splice(0).forEach((release) => release())
    assert.deepEqual(await due, Array(8).fill('tok-2'))
  })

  it('each token minted is told once, to be saved where one expired', async () => {
    const clock = fakeClock()
    const {mint} = minter(clock)
    const told: string[] = []
    const provider = new GithubActionsTokenProvider(mint, clock.now, async (minted) => {
      told.push(minted.value)
    })
    await provider.current()
    await provider.current()
    clock.set(T0 + HOUR)
    await provider.current()
    assert.deepEqual(told, ['tok-1', 'tok-2'])
  })

  it('a mint that fails fails the request; the next request mints again', async () => {
    const clock = fakeClock()
    let calls = 0
    const provider = new GithubActionsTokenProvider(async () => {
      calls++
      if (calls === 1) throw new Error('runner unavailable')
      return {id: 'itgr_2', value: 'tok-2', expiresAt: new Date(T0 + HOUR), workspaceId: 'ws_1'}
    }, clock.now)
    await assert.rejects(provider.current(), /runner unavailable/)
    assert.equal(await provider.current(), 'tok-2')
    assert.equal(calls, 2)
  })

  it('after a 401: a token other than the one refused is the answer; the one in use is minted again once per process', async () => {
    const clock = fakeClock()
    const {state, mint} = minter(clock)
    const provider = new GithubActionsTokenProvider(mint, clock.now)
    await provider.current()
    assert.equal(await provider.refresh('tok-0'), 'tok-1', 'refused an older token: the current one, no mint')
    assert.equal(state.calls, 1)
    assert.equal(await provider.refresh('tok-1'), 'tok-2', 'refused the current one: minted again')
    assert.equal(state.calls, 2)
    assert.equal(await provider.refresh('tok-2'), undefined, 'a second 401 gets nothing more')
    assert.equal(state.calls, 2)
  })

  it('a 401 before any token was minted mints one', async () => {
    const clock = fakeClock()
    const {state, mint} = minter(clock)
    const provider = new GithubActionsTokenProvider(mint, clock.now)
    assert.equal(await provider.refresh('anything'), 'tok-1')
    assert.equal(state.calls, 1)
  })
})

describe('the client a long command or `prisma-mgmt mcp` holds, in a GitHub Actions job', () => {
  const RUNNER_PATH = '/_apis/idtoken?api-version=2.0'
  let configDir: string

  before(async () => {
    configDir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-oidc-provider-'))
  })
  after(async () => {
    await rm(configDir, {recursive: true, force: true})
  })

  it('one client over hours: each request carries a token with more than the margin left, minted again as each one comes due', async () => {
    let now = T0
    const clock = {now: () => new Date(now), sleep: async () => {}}
    const agent = new MockAgent()
    agent.disableNetConnect()
    const api = agent.get(API)
    const mints = [0, 1, 2].map((n) => ({id: `itgr_${n}`, type: 'serviceToken', value: `emu_minted_${n}_token_5b7c`, expiresAt: new Date(T0 + (n + 1) * HOUR).toISOString(), workspaceId: 'ws_1'}))
    reply(api, 'GET', `${RUNNER_PATH}&audience=prisma-cloud`, {value: 'oidc.jwt.token'}, {times: 3})
    for (const minted of mints) reply(api, 'POST', '/v1/auth/github-actions/token', {data: minted}, {status: 201})
    const requests = reply(api, 'GET', '/v1/me', {data: me}, {times: 4})
    const io = fakeIO({
      env: {PRISMA_MANAGEMENT_API_URL: API, ACTIONS_ID_TOKEN_REQUEST_URL: `${API}${RUNNER_PATH}`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner_token_a1b2c3'},
    })
    const deps = buildDeps({flags: {timeout: 30, insecure: false}, configDir, userAgent: 'test'}, {io, dispatcher: agent, clock})
    const client = await deps.api()
    try {
      // Minute 0, minute 30, and then within the margin of the first token's expiry and past the second's.
      for (const at of [T0, T0 + HOUR / 2, T0 + HOUR - RENEW_MARGIN_MS + 1, T0 + 2 * HOUR + 5000]) {
        now = at
        await client.getMe()
      }
      assert.deepEqual(
        requests.map((r) => r.headers.authorization),
        [mints[0], mints[0], mints[1], mints[2]].map((m) => `Bearer ${m.value}`),
      )
      assert.equal(deps.githubActions()?.minted?.id, 'itgr_2')
      agent.assertNoPendingInterceptors()
    } finally {
      await client.close()
      await agent.close()
    }
  })
})
