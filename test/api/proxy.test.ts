import assert from 'node:assert/strict'
import {createServer, request as forward, type IncomingHttpHeaders, type Server} from 'node:http'
import {connect, type AddressInfo, type Socket} from 'node:net'
import {after, afterEach, before, beforeEach, describe, it} from 'node:test'
import {NetworkError} from '../../src/api/errors.js'
import {Transport} from '../../src/api/transport.js'
import {clearProxyEnv, json, startServer, TOKEN, type LocalServer} from './local-server.js'

interface ProxyHit {
  mode: 'forward' | 'connect'
  target: string
  headers: IncomingHttpHeaders
}

const REMOTE = 'api.example.test'

/**
 * A small forward proxy that knows one remote host, REMOTE, and sends it to the local API:
 * absolute-form requests are relayed, CONNECT to REMOTE:80 is tunnelled, CONNECT to :443 refused.
 */
async function startProxy(apiPort: number): Promise<{url: string; hits: ProxyHit[]; close(): Promise<void>}> {
  const hits: ProxyHit[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((incoming, outgoing) => {
    hits.push({mode: 'forward', target: incoming.url ?? '', headers: incoming.headers})
    const target = new URL(incoming.url ?? '')
    if (target.hostname !== REMOTE) {
      outgoing.writeHead(502).end()
      return
    }
    const upstream = forward(
      {host: '127.0.0.1', port: apiPort, path: target.pathname + target.search, method: incoming.method, headers: incoming.headers},
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(outgoing)
      },
    )
    upstream.on('error', () => outgoing.writeHead(502).end())
    incoming.pipe(upstream)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('connect', (incoming, client: Socket, head: Buffer) => {
    const target = incoming.url ?? ''
    hits.push({mode: 'connect', target, headers: incoming.headers})
    if (target !== `${REMOTE}:80`) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      return
    }
    const upstream = connect(apiPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

let api: LocalServer
let proxy: Awaited<ReturnType<typeof startProxy>>
const transports: Transport[] = []

function client(apiUrl: string): Transport {
  const transport = new Transport({apiUrl, token: TOKEN, timeoutSeconds: 5, userAgent: 'test', maxRetries: 0})
  transports.push(transport)
  return transport
}

before(async () => {
  api = await startServer((_request, response) => json(response, 200, {data: 'through'}))
  proxy = await startProxy(api.port)
})

beforeEach(() => {
  clearProxyEnv()
  api.received.length = 0
  proxy.hits.length = 0
})

afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.close()))
})

after(async () => {
  clearProxyEnv()
  await api.close()
  await proxy.close()
})

async function networkError(action: Promise<unknown>): Promise<NetworkError> {
  const error = await action.catch((caught: unknown) => caught)
  assert.ok(error instanceof NetworkError, String(error))
  assert.ok(!error.message.includes(TOKEN), `token in the message: ${error.message}`)
  return error
}

describe('Transport proxies', () => {
  for (const name of ['HTTP_PROXY', 'http_proxy']) {
    it(`sends an http request through ${name}`, async () => {
      process.env[name] = proxy.url
      assert.deepEqual(await client(`http://${REMOTE}`).request('GET', '/v1/me'), {data: 'through'})
      assert.equal(proxy.hits.length, 1)
      const [hit] = proxy.hits
      // The proxy would tunnel too, but the transport asks for absolute form (proxies often allow CONNECT to 443 only).
      assert.deepEqual([hit.mode, hit.target], ['forward', `http://${REMOTE}/v1/me`])
      assert.equal(api.received.length, 1)
      assert.equal(api.received[0].url, '/v1/me')
      assert.equal(api.received[0].headers.authorization, `Bearer ${TOKEN}`)
    })
  }

  it('sends an https request through HTTPS_PROXY with CONNECT, without the token in the CONNECT', async () => {
    process.env.HTTPS_PROXY = proxy.url
    await networkError(client(`https://${REMOTE}`).request('GET', '/v1/me'))
    assert.deepEqual(proxy.hits.map((hit) => [hit.mode, hit.target]), [['connect', `${REMOTE}:443`]])
    assert.equal(proxy.hits[0].headers.authorization, undefined)
  })

  it('bypasses the proxy for hosts in NO_PROXY', async () => {
    process.env.HTTP_PROXY = proxy.url
    process.env.NO_PROXY = `example.com,${REMOTE}`
    // Direct, the made-up host does not resolve: proof that the proxy was not asked.
    const error = await networkError(client(`http://${REMOTE}`).request('GET', '/v1/me'))
    assert.match(error.message, /ENOTFOUND|EAI_AGAIN/)
    assert.equal(proxy.hits.length, 0)
  })

  it('bypasses the proxy for no_proxy in lower case, with a port', async () => {
    process.env.http_proxy = proxy.url
    process.env.no_proxy = `${REMOTE}:80`
    await networkError(client(`http://${REMOTE}`).request('GET', '/v1/me'))
    assert.equal(proxy.hits.length, 0)
  })

  it('never sends loopback requests (the emulator) through a proxy', async () => {
    process.env.HTTP_PROXY = proxy.url
    process.env.HTTPS_PROXY = proxy.url
    assert.deepEqual(await client(api.url).request('GET', '/v1/me'), {data: 'through'})
    assert.equal(proxy.hits.length, 0)
    assert.equal(api.received.length, 1)
  })

  it('goes direct when no proxy is set', async () => {
    await networkError(client(`http://${REMOTE}`).request('GET', '/v1/me'))
    assert.equal(proxy.hits.length, 0)
  })
})
