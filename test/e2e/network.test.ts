import assert from 'node:assert/strict'
import {createServer} from 'node:http'
import type {IncomingMessage, Server, ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {after, before, beforeEach, describe, it} from 'node:test'

import {Emulator, parseJson, removeDir, run, tempDir} from './harness.js'

async function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((ok) => server.listen(0, host, ok))
  return (server.address() as AddressInfo).port
}

/** Answers with what the emulator answers to the same path, using the token it is given (if any). */
async function forward(emulatorUrl: string, path: string, authorization: string | undefined, res: ServerResponse): Promise<void> {
  const upstream = await fetch(`${emulatorUrl}${path}`, {headers: {...(authorization ? {authorization} : {}), accept: 'application/json'}})
  res.writeHead(upstream.status, {'content-type': upstream.headers.get('content-type') ?? 'application/json'})
  res.end(await upstream.text())
}

function seen(req: IncomingMessage): {path: string; authorization: string | undefined} {
  return {path: req.url!, authorization: req.headers.authorization}
}

describe('network behaviour through the real binary', () => {
  let emulator: Emulator
  let home: string
  const env = (extra: Record<string, string | undefined> = {}) => emulator.env(home, extra)
  const faults = (rules: unknown[]) => emulator.call('POST', '/__emulator/faults', rules)
  const received = async (prefix: string) =>
    (await emulator.requests()).filter((r) => r.path.startsWith(prefix))

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
    // The CLI runs on the Node that runs the tests (PATH decides its shebang's node): CI runs this on 20, 22 and 24.
    assert.match(request.headers['user-agent'], new RegExp(`^prisma-mgmt/0\\.\\d+\\.\\d+ node/${process.versions.node.replaceAll('.', '\\.')} linux$`))
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
    // The answer would come after 5 s and succeed: a `timeout` error means the CLI gave up first.
    await faults([{method: 'GET', path: '/v1/me', status: 200, count: 1, delayMs: 5000}])
    const result = await run(['whoami', '--timeout', '1', '--json'], {env: env(), emulator})
    assert.equal(result.code, 6, result.stderr)
    assert.equal(parseJson<{error: {code: string}}>(result).error.code, 'timeout')
  })

  it('an API that refuses connections is exit 6 (network), after retries', async () => {
    // Holding 127.0.0.1:port keeps anyone from listening on *:port, so 127.0.0.2:port refuses for sure.
    const holder = createServer()
    const port = await listen(holder)
    try {
      const result = await run(['projects', 'list', '--json'], {env: env({PRISMA_MANAGEMENT_API_URL: `http://127.0.0.2:${port}`}), emulator})
      assert.equal(result.code, 6, result.stderr)
      assert.equal(parseJson<{error: {code: string}}>(result).error.code, 'network')
      assert.match(result.stderr, /ECONNREFUSED/)
    } finally {
      await new Promise((ok) => holder.close(ok))
    }
  })

  it('plain http:// to a host that is not loopback is refused (exit 2) unless --insecure', async () => {
    const result = await run(['projects', 'list'], {env: env({PRISMA_MANAGEMENT_API_URL: 'http://api.example.test'}), emulator})
    assert.equal(result.code, 2)
    assert.match(result.stderr, /^Error: Refusing to send the token over plain http:\/\/ to api\.example\.test/)
  })

  it('HTTP_PROXY is honoured for a non-loopback host: every request goes through the proxy', async () => {
    // A proxy that forwards to the emulator: the CLI believes it talks to api.example.test.
    const proxied: string[] = []
    const proxy = createServer(async (req, res) => {
      proxied.push(`${req.method} ${req.url}`)
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
      assert.deepEqual(proxied, ['GET http://api.example.test/v1/regions/postgres'])
    } finally {
      await new Promise((ok) => proxy.close(ok))
    }
  })

  it('a redirect to another origin does not carry the token there; the CLI still gets its answer', async () => {
    // Another origin (another port) that answers with the emulator's data on its own account.
    const elsewhere: {path: string; authorization: string | undefined}[] = []
    const other = createServer((req, res) => {
      elsewhere.push(seen(req))
      void forward(emulator.url, req.url!, `Bearer ${emulator.token}`, res)
    })
    const otherPort = await listen(other)
    // The API the CLI is pointed at: it sends the regions list over there.
    const atApi: {path: string; authorization: string | undefined}[] = []
    const api = createServer((req, res) => {
      atApi.push(seen(req))
      if (req.url === '/v1/regions/postgres') {
        res.writeHead(307, {location: `http://127.0.0.1:${otherPort}/v1/regions/postgres`})
        res.end()
      } else {
        void forward(emulator.url, req.url!, req.headers.authorization, res)
      }
    })
    const apiPort = await listen(api)
    try {
      const result = await run(['regions', 'list', '--json'], {env: env({PRISMA_MANAGEMENT_API_URL: `http://127.0.0.1:${apiPort}`}), emulator})
      assert.equal(result.code, 0, result.stderr)
      assert.equal(parseJson<unknown[]>(result).length, 6, result.stdout)
      assert.deepEqual(atApi, [{path: '/v1/regions/postgres', authorization: `Bearer ${emulator.token}`}], 'the API itself got the token')
      assert.deepEqual(elsewhere, [{path: '/v1/regions/postgres', authorization: undefined}], 'the other origin got no Authorization header')
    } finally {
      await Promise.all([other, api].map((server) => new Promise((ok) => server.close(ok))))
    }
  })

  it('a same-origin redirect keeps the token', async () => {
    const atApi: {path: string; authorization: string | undefined}[] = []
    const api = createServer((req, res) => {
      atApi.push(seen(req))
      if (req.url === '/v1/regions/postgres') {
        res.writeHead(302, {location: '/moved/v1/regions/postgres'})
        res.end()
      } else {
        void forward(emulator.url, req.url!.replace(/^\/moved/, ''), req.headers.authorization, res)
      }
    })
    const apiPort = await listen(api)
    try {
      const result = await run(['regions', 'list', '--json'], {env: env({PRISMA_MANAGEMENT_API_URL: `http://127.0.0.1:${apiPort}`}), emulator})
      assert.equal(result.code, 0, result.stderr)
      assert.equal(parseJson<unknown[]>(result).length, 6, result.stdout)
      assert.deepEqual(
        atApi,
        [
          {path: '/v1/regions/postgres', authorization: `Bearer ${emulator.token}`},
          {path: '/moved/v1/regions/postgres', authorization: `Bearer ${emulator.token}`},
        ],
        'both requests carried the token',
      )
    } finally {
      await new Promise((ok) => api.close(ok))
    }
  })
})
