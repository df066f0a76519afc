import assert from 'node:assert/strict'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {after, before, beforeEach, describe, it} from 'node:test'

import {Emulator, parseJson, removeDir, run, tempDir} from './harness.js'

interface Received {
  method: string
  path: string
  headers: Record<string, string>
}

describe('network behaviour through the real binary', () => {
  let emulator: Emulator
  let home: string
  const env = (extra: Record<string, string | undefined> = {}) => emulator.env(home, extra)
  const faults = (rules: unknown[]) => emulator.call('POST', '/__emulator/faults', rules)
  const received = async (prefix: string) =>
    (await emulator.call<{data: Received[]}>('GET', '/__emulator/requests')).body.data.filter((r) => r.path.startsWith(prefix))

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
  })
  beforeEach(async () => {
    await emulator.call('DELETE', '/__emulator/faults')
    await emulator.call('DELETE', '/__emulator/requests')
  })
  after(async () => {
    await emulator.stop()
    await removeDir(home)
  })

  it('sends the token, Accept and User-Agent of the contract', async () => {
    const result = await run(['projects', 'list', '--json'], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    const [request] = await received('/v1/projects')
    assert.equal(request.headers.authorization, 'Bearer <valid>')
    assert.equal(request.headers.accept, 'application/json')
    assert.match(request.headers['user-agent'], /^prisma-mgmt\/0\.\d+\.\d+ node\/20\.\d+\.\d+ linux$/)
  })

  it('the API URL works with a trailing /v1 or /', async () => {
    for (const url of [`${emulator.url}/v1`, `${emulator.url}/`, `${emulator.url}/v1/`]) {
      const result = await run(['regions', 'list', '--json'], {env: env({PRISMA_MANAGEMENT_API_URL: url}), emulator})
      assert.equal(result.code, 0, `${url}: ${result.stderr}`)
      assert.equal(parseJson<unknown[]>(result).length, 6)
    }
  })

  it('a GET is retried on 503 with Retry-After, then succeeds', async () => {
    await faults([{method: 'GET', path: '/v1/projects', status: 503, count: 2, retryAfter: 1}])
    const started = Date.now()
    const result = await run(['projects', 'list', '--json'], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    assert.ok(Date.now() - started >= 1900, 'waited for Retry-After twice')
    assert.equal((await received('/v1/projects')).length, 3)
  })

  it('a GET gives up after 4 retries: exit 6 with the API\'s message', async () => {
    await faults([{method: 'GET', path: '/v1/projects', status: 500, count: 10, code: 'internal', message: 'Something broke'}])
    const result = await run(['projects', 'list'], {env: env(), emulator, timeoutMs: 60_000})
    assert.equal(result.code, 6)
    assert.match(result.stderr, /^Error: Something broke$/m)
    assert.equal((await received('/v1/projects')).length, 5)
  })

  it('a POST is not retried after a 5xx', async () => {
    await faults([{method: 'POST', path: '/v1/projects', status: 502, count: 1}])
    const result = await run(['projects', 'create', '--name', 'once', '--json'], {env: env(), emulator})
    assert.equal(result.code, 6)
    assert.equal((await received('/v1/projects')).filter((r) => r.method === 'POST').length, 1)
    const error = parseJson<{error: {status: number; code: string}}>(result)
    assert.equal(error.error.status, 502)
  })

  it('429 is exit 6; 409 is exit 5; 403 is exit 3 — with the hint and code in --json', async () => {
    await faults([{method: 'GET', path: '/v1/me', status: 429, count: 5, retryAfter: 0, code: 'rate-limited', message: 'Too many requests'}])
    const limited = await run(['whoami', '--json'], {env: env(), emulator})
    assert.equal(limited.code, 6)
    assert.deepEqual(parseJson(limited), {error: {code: 'rate-limited', message: 'Too many requests', status: 429}})

    await faults([{method: 'GET', path: '/v1/me', status: 403, count: 1, code: 'forbidden', message: 'Not allowed', hint: 'Ask an admin'}])
    const forbidden = await run(['whoami'], {env: env(), emulator})
    assert.equal(forbidden.code, 3)
    assert.match(forbidden.stderr, /^Error: Not allowed\nHint: Ask an admin\n/)

    const first = await run(['projects', 'create', '--name', 'dup', '--no-database', '--json'], {env: env(), emulator})
    assert.equal(first.code, 0, first.stderr)
    await faults([{method: 'POST', path: '/v1/projects', status: 409, count: 1, code: 'conflict', message: 'Already exists'}])
    const conflict = await run(['projects', 'create', '--name', 'dup', '--json'], {env: env(), emulator})
    assert.equal(conflict.code, 5)
    assert.deepEqual(parseJson(conflict), {error: {code: 'conflict', message: 'Already exists', status: 409}})
  })

  it('a response that is not the API\'s JSON is exit 6 (invalid-response)', async () => {
    await faults([{method: 'GET', path: '/v1/projects', status: 200, count: 1, body: 'html'}])
    const result = await run(['projects', 'list', '--json'], {env: env(), emulator})
    assert.equal(result.code, 6)
    assert.equal(parseJson<{error: {code: string}}>(result).error.code, 'invalid-response')
  })

  it('--timeout bounds each request: exit 6 (timeout)', async () => {
    await faults([{method: 'GET', path: '/v1/me', status: 200, count: 1, delayMs: 5000}])
    const started = Date.now()
    const result = await run(['whoami', '--timeout', '1', '--json'], {env: env(), emulator})
    assert.equal(result.code, 6)
    assert.ok(Date.now() - started < 4500, 'did not wait for the slow answer')
    assert.equal(parseJson<{error: {code: string}}>(result).error.code, 'timeout')
  })

  it('an API that refuses connections is exit 6 (network), after retries', async () => {
    const server = createServer()
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    const {port} = server.address() as AddressInfo
    await new Promise((ok) => server.close(ok))
    const result = await run(['projects', 'list', '--json'], {env: env({PRISMA_MANAGEMENT_API_URL: `http://127.0.0.1:${port}`}), emulator})
    assert.equal(result.code, 6)
    assert.equal(parseJson<{error: {code: string}}>(result).error.code, 'network')
  })

  it('plain http:// to a host that is not loopback is refused (exit 2) unless --insecure', async () => {
    const result = await run(['projects', 'list'], {env: env({PRISMA_MANAGEMENT_API_URL: 'http://api.example.test'}), emulator})
    assert.equal(result.code, 2)
    assert.match(result.stderr, /^Error: Refusing to send the token over plain http:\/\/ to api\.example\.test/)
  })

  it('HTTP_PROXY is honoured for a non-loopback host and the token is not sent elsewhere', async () => {
    // A proxy that forwards to the emulator: the CLI believes it talks to api.example.test.
    const seen: string[] = []
    const target = new URL(emulator.url)
    const proxy = createServer(async (req, res) => {
      seen.push(`${req.method} ${req.url}`)
      const url = new URL(req.url!)
      const upstream = await fetch(`${emulator.url}${url.pathname}${url.search}`, {headers: {authorization: String(req.headers.authorization), accept: 'application/json'}})
      res.writeHead(upstream.status, {'content-type': upstream.headers.get('content-type') ?? 'application/json'})
      res.end(await upstream.text())
    })
    await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok))
    const {port} = proxy.address() as AddressInfo
    try {
      const result = await run(['regions', 'list', '--json', '--insecure'], {
        env: env({PRISMA_MANAGEMENT_API_URL: 'http://api.example.test', HTTP_PROXY: `http://127.0.0.1:${port}`}),
        emulator,
      })
      assert.equal(result.code, 0, result.stderr)
      assert.match(result.stderr, /^Warning: the token is sent over plain http:\/\/ to api\.example\.test/)
      assert.equal(parseJson<unknown[]>(result).length, 6)
      assert.deepEqual(seen, ['GET http://api.example.test/v1/regions/postgres'])
      assert.notEqual(target.host, 'api.example.test')
    } finally {
      await new Promise((ok) => proxy.close(ok))
    }
  })
})
