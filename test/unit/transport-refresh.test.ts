// The API client's answer to a 401 when its token can be refreshed: one refresh, one repeat.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {MockAgent} from 'undici'

import {ApiError} from '../../src/api/errors.js'
import {Transport, type TokenProvider} from '../../src/api/transport.js'

const API = 'https://api.example.test'

function provider(tokens: string[]): TokenProvider & {refreshed: string[]} {
  let current = tokens.shift()!
  const refreshed: string[] = []
  return {
    refreshed,
    current: async () => current,
    async refresh(failed) {
      refreshed.push(failed)
      const next = tokens.shift()
      if (next) current = next
      return next
    },
  }
}

function transport(agent: MockAgent, token: TokenProvider): Transport {
  return new Transport({apiUrl: API, token, timeoutSeconds: 5, userAgent: 'test', dispatcher: agent, retryBaseDelayMs: 1})
}

const ok = {data: {ok: true}}
const unauthorized = {error: {code: 'unauthorized', message: 'Token expired.'}}
const json = {headers: {'content-type': 'application/json'}}

describe('a 401 with a refreshable token', () => {
  it('refreshes once and repeats the request with the new token', async () => {
    const agent = new MockAgent()
    agent.disableNetConnect()
    const api = agent.get(API)
    api.intercept({method: 'POST', path: '/v1/projects', headers: {authorization: 'Bearer old-token'}}).reply(401, unauthorized, json)
    api.intercept({method: 'POST', path: '/v1/projects', headers: {authorization: 'Bearer new-token'}, body: '{"name":"p"}'}).reply(201, ok, json)
    const tokens = provider(['old-token', 'new-token'])
    try {
      assert.deepEqual(await transport(agent, tokens).request('POST', '/v1/projects', {body: {name: 'p'}}), ok, 'the repeated request\'s answer')
      assert.deepEqual(tokens.refreshed, ['old-token'], 'one refresh, told which token failed')
      agent.assertNoPendingInterceptors()
    } finally {
      await agent.close()
    }
  })

  it('a 401 after the refresh is the error, without a second refresh; the tokens never appear in it', async () => {
    const agent = new MockAgent()
    agent.disableNetConnect()
    agent.get(API).intercept({method: 'GET', path: '/v1/me'}).reply(401, {error: {code: 'unauthorized', message: 'Bad token new-token'}}, json).times(2)
    const tokens = provider(['old-token', 'new-token', 'third-token'])
    try {
      await assert.rejects(transport(agent, tokens).request('GET', '/v1/me'), (error: unknown) => {
        assert.ok(error instanceof ApiError, 'an ApiError')
        assert.equal(error.status, 401, 'status 401')
        assert.ok(!error.message.includes('new-token'), `a token in the message: ${error.message}`)
        return true
      })
      assert.deepEqual(tokens.refreshed, ['old-token'], 'exactly one refresh')
    } finally {
      await agent.close()
    }
  })

  it('a provider that has nothing better leaves the 401 as it is; one that fails fails the request', async () => {
    const agent = new MockAgent()
    agent.disableNetConnect()
    agent.get(API).intercept({method: 'GET', path: '/v1/me'}).reply(401, unauthorized, json).times(2)
    try {
      await assert.rejects(transport(agent, provider(['only-token'])).request('GET', '/v1/me'), {name: 'ApiError', status: 401}, 'the 401')
      const failing: TokenProvider = {current: async () => 'a-token', refresh: async () => Promise.reject(new Error('session ended'))}
      await assert.rejects(transport(agent, failing).request('GET', '/v1/me'), {message: 'session ended'}, 'the provider\'s own error, not a network error')
    } finally {
      await agent.close()
    }
  })
})
