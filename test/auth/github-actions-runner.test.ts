// The runner side of GitHub Actions OIDC, in process (undici's MockAgent stands for the runner's
// token service): which variables make a job, the request the runner gets, every answer that is
// not an OIDC token (its size bounded), and the exchange's refusals.
import assert from 'node:assert/strict'
import {afterEach, beforeEach, describe, it} from 'node:test'

import {MockAgent} from 'undici'

import {ApiError} from '../../src/api/errors.js'
import {automaticRunner, mintWithRunner, oidcRequestUrl, requestOidcToken, runnerFromEnv, type Runner} from '../../src/auth/github-actions.js'
import {AuthError, AuthServerError, UsageError} from '../../src/errors.js'

const ORIGIN = 'https://runner.example.test'
const runner: Runner = {requestUrl: `${ORIGIN}/_apis/idtoken?api-version=2.0`, requestToken: 'runner-token-1'}
const PATH = '/_apis/idtoken?api-version=2.0&audience=prisma-cloud'
const WHERE = "the GitHub Actions runner's token service (https://runner.example.test)"
const NEXT = 'Run the job again; if it keeps failing, check that the job has `permissions: id-token: write`.'
const MAX = 256 * 1024

let agent: MockAgent
beforeEach(() => {
  agent = new MockAgent()
  agent.disableNetConnect()
})
afterEach(async () => {
  await agent.close()
})

const http = () => ({timeoutSeconds: 5, userAgent: 'prisma-mgmt/test', dispatcher: agent})

describe('the runner found in the environment', () => {
  it('both variables, trimmed; either one missing or blank is no runner', () => {
    assert.deepEqual(runnerFromEnv({ACTIONS_ID_TOKEN_REQUEST_URL: ` ${runner.requestUrl}\n`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: ' runner-token-1 '}), runner)
    for (const env of [
      {ACTIONS_ID_TOKEN_REQUEST_URL: runner.requestUrl},
      {ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-token-1'},
      {ACTIONS_ID_TOKEN_REQUEST_URL: runner.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: '  '},
      {ACTIONS_ID_TOKEN_REQUEST_URL: ' \n', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-token-1'},
    ]) {
      assert.equal(runnerFromEnv(env), undefined, JSON.stringify(env))
    }
  })

  it('PRISMA_MGMT_OIDC=0 (spaces allowed) turns the automatic exchange off; any other value leaves it on', () => {
    const job = {ACTIONS_ID_TOKEN_REQUEST_URL: runner.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-token-1'}
    for (const off of ['0', ' 0\n']) assert.equal(automaticRunner({...job, PRISMA_MGMT_OIDC: off}), undefined, JSON.stringify(off))
    for (const on of [undefined, '1', '', 'false']) assert.deepEqual(automaticRunner({...job, PRISMA_MGMT_OIDC: on}), runner, JSON.stringify(on))
  })

  it('the runner URL gets audience=prisma-cloud; a scheme other than https: or http: is refused by name', () => {
    assert.equal(oidcRequestUrl(runner).href, `${ORIGIN}${PATH}`)
    assert.throws(() => oidcRequestUrl({...runner, requestUrl: 'ftp://runner.example.test/idtoken'}), {
      name: 'UsageError',
      message: "ACTIONS_ID_TOKEN_REQUEST_URL must be an https:// URL (plain http:// only on this machine), not ftp:: the request carries the runner's token.",
    })
    assert.throws(() => oidcRequestUrl({...runner, requestUrl: 'http://runner.example.test/idtoken'}), {
      message: "ACTIONS_ID_TOKEN_REQUEST_URL must be an https:// URL (plain http:// only on this machine): the request carries the runner's token.",
    })
  })
})

describe('asking the runner for an OIDC token', () => {
  it("sends the runner's token, JSON accept and the user agent; returns the value trimmed", async () => {
    let headers: Record<string, string> = {}
    agent
      .get(ORIGIN)
      .intercept({path: PATH, method: 'GET'})
      .reply((options) => {
        headers = options.headers as Record<string, string>
        return {statusCode: 200, data: JSON.stringify({value: ' oidc-jwt \n'})}
      })
      // Slower than a millisecond, well within the second allowed.
      .delay(20)
    assert.equal(await requestOidcToken(runner, {...http(), timeoutSeconds: 1}), 'oidc-jwt')
    assert.deepEqual([headers.accept, headers.authorization, headers['user-agent']], ['application/json', 'Bearer runner-token-1', 'prisma-mgmt/test'])
  })

  it('an answer of exactly the bound is read; one byte more is refused', async () => {
    const padded = (size: number) => {
      const shell = JSON.stringify({value: 'oidc-jwt', pad: ''})
      return JSON.stringify({value: 'oidc-jwt', pad: 'x'.repeat(size - shell.length)})
    }
    agent.get(ORIGIN).intercept({path: PATH, method: 'GET'}).reply(200, padded(MAX))
    assert.equal(await requestOidcToken(runner, http()), 'oidc-jwt')
    agent.get(ORIGIN).intercept({path: PATH, method: 'GET'}).reply(200, padded(MAX + 1))
    await assert.rejects(requestOidcToken(runner, http()), (error: unknown) => {
      assert.ok(error instanceof AuthServerError)
      assert.deepEqual([error.message, error.next, error.code], [`The answer of ${WHERE} is larger than ${MAX} bytes; it is not an OIDC token.`, NEXT, 'invalid-response'])
      return true
    })
  })

  it('anything but a 200 with {"value": "<token>"} is exit 6 naming the runner, never the answer', async () => {
    const capital = WHERE.charAt(0).toUpperCase() + WHERE.slice(1)
    const cases: [number, string, string][] = [
      [500, '{"value": "oidc-jwt"}', `${capital} answered HTTP 500 instead of an OIDC token.`],
      [200, 'not json', `${capital} answered with something that is not JSON.`],
      [200, 'null', `${capital} answered JSON without an OIDC token in "value".`],
      [200, '{"value": "  "}', `${capital} answered JSON without an OIDC token in "value".`],
      [200, '{"value": 5}', `${capital} answered JSON without an OIDC token in "value".`],
    ]
    for (const [status, body, message] of cases) {
      agent.get(ORIGIN).intercept({path: PATH, method: 'GET'}).reply(status, body)
      const error = await requestOidcToken(runner, http()).catch((error: unknown) => error)
      assert.ok(error instanceof AuthServerError, body)
      assert.deepEqual([error.message, error.next, error.code, error.exitCode], [message, NEXT, 'invalid-response', 6], body)
    }
  })

  it('a runner that cannot be reached is a network failure naming it', async () => {
    agent.get(ORIGIN).intercept({path: PATH, method: 'GET'}).replyWithError(new Error('connect ECONNREFUSED'))
    const error = await requestOidcToken(runner, http()).catch((error: unknown) => error)
    assert.ok(error instanceof AuthServerError)
    assert.equal(error.code, 'network')
    assert.ok(error.message.startsWith(`Could not reach ${WHERE}: `), error.message)
  })

  it('a runner that does not answer within --timeout is a timeout naming it', async () => {
    agent.get(ORIGIN).intercept({path: PATH, method: 'GET'}).reply(200, '{"value": "late"}').delay(60_000)
    const error = await requestOidcToken(runner, {...http(), timeoutSeconds: 0.05}).catch((error: unknown) => error)
    assert.ok(error instanceof AuthServerError)
    assert.deepEqual([error.message, error.code], ["The GitHub Actions runner's token service (https://runner.example.test) did not answer within 0.05 s.", 'timeout'])
  })
})

describe('the exchange', () => {
  const minted = {id: 'tok_1', type: 'serviceToken', value: 'minted-1', expiresAt: '2026-11-29T11:00:00.000Z', workspaceId: 'ws_1'} as const
  const input = (exchange: (body: unknown) => Promise<typeof minted>, env: NodeJS.ProcessEnv = {}, expiresInSeconds?: number) => {
    agent.get(ORIGIN).intercept({path: PATH, method: 'GET'}).reply(200, '{"value": "oidc-jwt"}')
    const learnt: string[] = []
    return {learnt, input: {runner, http: http(), exchange, learnt: (secret: string) => learnt.push(secret), env, expiresInSeconds}}
  }

  it('sends the OIDC token, the lifetime only when asked for, and learns every secret on the way', async () => {
    const bodies: unknown[] = []
    for (const expiresIn of [undefined, 900]) {
      const {learnt, input: mint} = input(async (body) => {
        bodies.push(body)
        return minted
      }, {}, expiresIn)
      assert.deepEqual(await mintWithRunner(mint), {id: 'tok_1', value: 'minted-1', expiresAt: new Date(minted.expiresAt), workspaceId: 'ws_1'})
      assert.deepEqual(learnt, ['runner-token-1', 'oidc-jwt', 'minted-1'])
    }
    assert.deepEqual(bodies, [{token: 'oidc-jwt'}, {token: 'oidc-jwt', expiresInSeconds: 900}])
  })

  it('a 401 says to connect the repository, named when the runner says which; anything else is passed on', async () => {
    const unauthorized = new ApiError(401, 'unauthorized', 'Invalid token')
    for (const [env, which] of [[{GITHUB_REPOSITORY: ' acme/web '}, 'the repository "acme/web"'], [{GITHUB_REPOSITORY: ' '}, "this workflow's repository"]] as const) {
      const error = await mintWithRunner(input(async () => Promise.reject(unauthorized), env).input).catch((error: unknown) => error)
      assert.ok(error instanceof AuthError, String(error))
      assert.equal(error.message, `The Prisma API refused the GitHub Actions OIDC token (401): ${which} must be connected to your workspace in the Prisma Console.`)
    }
    for (const other of [new ApiError(403, 'forbidden', 'No'), new ApiError(500, 'internal', 'Boom'), Object.assign(new UsageError('odd'), {status: 401})]) {
      assert.equal(await mintWithRunner(input(async () => Promise.reject(other)).input).catch((error: unknown) => error), other)
    }
  })
})
