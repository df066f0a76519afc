import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'
import {ApiError, InvalidResponseError, NetworkError, RequestAbortedError, TimeoutError} from '../../src/api/errors.js'
import {apiPath} from '../../src/api/path.js'
import {describeRetry, parseRetryAfter, Transport, type RetryInfo, type TransportOptions} from '../../src/api/transport.js'
import {clearProxyEnv, freePort, json, startServer, TOKEN, type LocalServer} from './local-server.js'

clearProxyEnv()

const USER_AGENT = 'prisma-mgmt/0.0.0-test node/20.20.0 linux'
const transports: Transport[] = []
const servers: LocalServer[] = []

function client(apiUrl: string, options: Partial<TransportOptions> = {}): Transport {
  const transport = new Transport({
    apiUrl,
    token: TOKEN,
    timeoutSeconds: 5,
    userAgent: USER_AGENT,
    retryBaseDelayMs: 5,
    maxRetryDelayMs: 20,
    ...options,
  })
  transports.push(transport)
  return transport
}

async function server(handler: Parameters<typeof startServer>[0], port?: number): Promise<LocalServer> {
  const started = await startServer(handler, port)
  servers.push(started)
  return started
}

/** What an unexpected error was, for a failure message. */
function described(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

/** Runs `action`, expects it to fail, checks the token is nowhere in the error, returns it. */
async function failure(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action()
  } catch (error) {
    assert.ok(error instanceof Error, 'throws an Error')
    assert.ok(!error.message.includes(TOKEN), `token in message: ${error.message}`)
    assert.ok(!String(error).includes(TOKEN), `token in the error's text: ${String(error)}`)
    if (error instanceof ApiError) assert.ok(!error.hint?.includes(TOKEN), `token in the hint: ${error.hint}`)
    return error
  }
  assert.fail('expected a failure')
}

after(async () => {
  await Promise.all(transports.map((transport) => transport.close()))
  await Promise.all(servers.map((started) => started.close()))
})

describe('Transport requests', () => {
  it('sends the token, accept and user agent, and no content type without a body', async () => {
    const api = await server((_request, response) => json(response, 200, {data: {ok: true}}))
    const answer = await client(api.url).request<{data: {ok: boolean}}>('GET', '/v1/me')
    assert.deepEqual(answer, {data: {ok: true}})
    const [request] = api.received
    assert.equal(request.method, 'GET')
    assert.equal(request.url, '/v1/me')
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`)
    assert.equal(request.headers.accept, 'application/json')
    assert.equal(request.headers['user-agent'], USER_AGENT)
    assert.equal(request.headers['content-type'], undefined)
  })

  it('sends a JSON body with its content type', async () => {
    const api = await server((_request, response) => json(response, 201, {data: {id: 'p1'}}))
    await client(api.url).request('POST', '/v1/projects', {body: {name: 'demo', region: 'eu-west-3'}})
    const [request] = api.received
    assert.equal(request.method, 'POST')
    assert.equal(request.headers['content-type'], 'application/json')
    assert.deepEqual(JSON.parse(request.body), {name: 'demo', region: 'eu-west-3'})
  })

  it('encodes every path parameter and skips empty query values', async () => {
    const api = await server((_request, response) => json(response, 200, {data: {}}))
    const id = 'a/b c?d#e%'
    await client(api.url).request('GET', apiPath`/v1/projects/${id}/databases`, {query: {limit: 5, cursor: undefined, x: null}})
    assert.equal(api.received[0].url, '/v1/projects/a%2Fb%20c%3Fd%23e%25/databases?limit=5')
  })

  it('accepts the API URL with /v1, a trailing slash, or a path prefix', async () => {
    const api = await server((_request, response) => json(response, 200, {data: {}}))
    await client(`${api.url}/v1/`).request('GET', '/v1/me')
    await client(`${api.url}/`).request('GET', '/v1/me')
    await client(`${api.url}/gateway/prisma/v1`).request('GET', '/v1/me')
    assert.deepEqual(
      api.received.map((request) => request.url),
      ['/v1/me', '/v1/me', '/gateway/prisma/v1/me'],
    )
  })

  it('answers undefined for 204', async () => {
    const api = await server((_request, response) => {
      response.statusCode = 204
      response.end()
    })
    assert.equal(await client(api.url).request('DELETE', '/v1/projects/p1'), undefined)
  })
})

describe('Transport errors', () => {
  it('turns the API error body into ApiError fields', async () => {
    const api = await server((_request, response) =>
      json(response, 404, {error: {code: 'not-found', message: 'Project p1 was not found.', hint: 'List projects first.'}}),
    )
    const error = await failure(() => client(api.url).request('GET', '/v1/projects/p1'))
    assert.ok(error instanceof ApiError, `expected ApiError, got ${described(error)}`)
    assert.equal(error.status, 404)
    assert.equal(error.code, 'not-found')
    assert.equal(error.message, 'Project p1 was not found.')
    assert.equal(error.hint, 'List projects first.')
    assert.equal(error.retryAfter, undefined)
  })

  it('gives an error status without the error body the code http-<status>', async () => {
    const api = await server((request, response) => {
      if (request.url === '/v1/empty') {
        response.statusCode = 409
        response.end()
      } else {
        json(response, 400, {message: 'not the API shape'})
      }
    })
    const empty = await failure(() => client(api.url).request('POST', '/v1/empty'))
    assert.ok(empty instanceof ApiError, `expected ApiError, got ${described(empty)}`)
    assert.equal(empty.code, 'http-409')
    assert.match(empty.message, /409 Conflict/)
    const other = await failure(() => client(api.url).request('POST', '/v1/other'))
    assert.ok(other instanceof ApiError, `expected ApiError, got ${described(other)}`)
    assert.equal(other.code, 'http-400')
    assert.match(other.message, /400 Bad Request/)
  })

  it('reports an HTML page as InvalidResponseError naming status and content type', async () => {
    const api = await server((request, response) => {
      response.writeHead(request.url === '/v1/ok' ? 200 : 404, {'content-type': 'text/html; charset=utf-8'})
      response.end('<html><body>Welcome to nginx</body></html>')
    })
    const ok = await failure(() => client(api.url).request('GET', '/v1/ok'))
    assert.ok(ok instanceof InvalidResponseError, `expected InvalidResponseError, got ${described(ok)}`)
    assert.equal(ok.status, 200)
    assert.match(ok.message, /200 OK/)
    assert.match(ok.message, /text\/html/)
    const missing = await failure(() => client(api.url).request('GET', '/v1/missing'))
    assert.ok(missing instanceof InvalidResponseError, `expected InvalidResponseError, got ${described(missing)}`)
    assert.equal(missing.status, 404)
    assert.match(missing.message, /404 Not Found.*text\/html/)
  })

  it('reports a 2xx that is empty or does not parse as InvalidResponseError', async () => {
    const api = await server((request, response) => {
      response.writeHead(200, {'content-type': 'application/json'})
      response.end(request.url === '/v1/broken' ? '{"data": [1, 2' : '')
    })
    const broken = await failure(() => client(api.url).request('GET', '/v1/broken'))
    assert.ok(broken instanceof InvalidResponseError, `expected InvalidResponseError, got ${described(broken)}`)
    assert.match(broken.message, /does not parse as JSON/)
    const empty = await failure(() => client(api.url).request('GET', '/v1/empty'))
    assert.ok(empty instanceof InvalidResponseError, `expected InvalidResponseError, got ${described(empty)}`)
    assert.match(empty.message, /empty body/)
  })

  it('never lets the token into an error message, even when the server echoes it', async () => {
    const api = await server((request, response) =>
      json(response, 401, {error: {code: 'unauthorized', message: `Token ${request.headers.authorization} is unknown.`, hint: `Not ${TOKEN}.`}}),
    )
    const error = await failure(() => client(api.url).request('GET', '/v1/me'))
    assert.ok(error instanceof ApiError, `expected ApiError, got ${described(error)}`)
    assert.equal(error.message, 'Token Bearer *** is unknown.')
    assert.equal(error.hint, 'Not ***.')
  })
})

describe('Transport retries', () => {
  for (const status of [429, 500, 502, 503, 504]) {
    it(`retries GET on ${status} four times, then throws the last ApiError`, async () => {
      const api = await server((_request, response) => json(response, status, {error: {code: `code-${status}`, message: `failed ${status}`}}))
      const retries: RetryInfo[] = []
      const error = await failure(() => client(api.url, {onRetry: (info) => retries.push(info)}).request('GET', '/v1/projects'))
      assert.ok(error instanceof ApiError, `expected ApiError, got ${described(error)}`)
      assert.equal(error.status, status)
      assert.equal(error.code, `code-${status}`)
      assert.equal(api.received.length, 5)
      assert.deepEqual(retries.map((info) => info.attempt), [1, 2, 3, 4])
      assert.deepEqual(retries.map((info) => info.maxRetries), [4, 4, 4, 4], 'each retry says how many are allowed')
      for (const info of retries) {
        assert.equal(info.status, status)
        assert.match(info.reason, new RegExp(`HTTP ${status}`))
        assert.ok(info.delayMs >= 0 && info.delayMs <= 20, `delay ${info.delayMs} within the cap`)
        assert.ok(!JSON.stringify(info).includes(TOKEN), `token in the retry info: ${JSON.stringify(info)}`)
      }
    })
  }

  it('succeeds once the API recovers, and retries PATCH and DELETE too', async () => {
    let calls = 0
    const api = await server((_request, response) => {
      calls++
      if (calls % 3 !== 0) json(response, 503, {error: {code: 'unavailable', message: 'try later'}})
      else json(response, 200, {data: {calls}})
    })
    const transport = client(api.url)
    assert.deepEqual(await transport.request('GET', '/v1/me'), {data: {calls: 3}})
    assert.deepEqual(await transport.request('PATCH', '/v1/projects/p1', {body: {name: 'x'}}), {data: {calls: 6}})
    assert.deepEqual(await transport.request('DELETE', '/v1/projects/p1'), {data: {calls: 9}})
    assert.deepEqual(api.received.map((request) => request.method), ['GET', 'GET', 'GET', 'PATCH', 'PATCH', 'PATCH', 'DELETE', 'DELETE', 'DELETE'])
    // The body goes out again with each retry.
    assert.deepEqual(api.received.slice(3, 6).map((request) => request.body), Array(3).fill('{"name":"x"}'))
  })

  it('never retries POST after a 5xx or 429', async () => {
    for (const status of [500, 503, 429]) {
      const api = await server((_request, response) => json(response, status, {error: {code: 'boom', message: 'boom'}}, {'retry-after': '0'}))
      let retried = 0
      const error = await failure(() => client(api.url, {onRetry: () => retried++}).request('POST', '/v1/projects', {body: {}}))
      assert.ok(error instanceof ApiError, `expected ApiError, got ${described(error)}`)
      assert.equal(error.status, status)
      assert.equal(api.received.length, 1)
      assert.equal(retried, 0)
    }
  })

  it('honours maxRetries', async () => {
    const api = await server((_request, response) => json(response, 502, {error: {code: 'bad-gateway', message: 'x'}}))
    await failure(() => client(api.url, {maxRetries: 1}).request('GET', '/v1/me'))
    assert.equal(api.received.length, 2)
  })

  it('waits as long as Retry-After says (seconds)', async () => {
    const api = await server((_request, response) => {
      if (api.received.length === 1) json(response, 503, {error: {code: 'unavailable', message: 'later'}}, {'retry-after': '1'})
      else json(response, 200, {data: 'ok'})
    })
    const retries: RetryInfo[] = []
    // The wait itself is recorded, not timed: what matters is how long the client asked to wait.
    const slept: number[] = []
    const sleep = (ms: number): Promise<void> => {
      slept.push(ms)
      return Promise.resolve()
    }
    await client(api.url, {onRetry: (info) => retries.push(info), sleep}).request('GET', '/v1/me')
    assert.equal(api.received.length, 2)
    assert.equal(retries[0].delayMs, 1000)
    assert.deepEqual(slept, [1000], 'one wait of Retry-After\'s second, before the second request')
  })

  it('does not wait for a Retry-After beyond the cap and reports it', async () => {
    const api = await server((_request, response) => json(response, 429, {error: {code: 'rate-limited', message: 'slow down'}}, {'retry-after': '3600'}))
    const error = await failure(() => client(api.url).request('GET', '/v1/me'))
    assert.ok(error instanceof ApiError, `expected ApiError, got ${described(error)}`)
    assert.equal(error.retryAfter, 3600)
    assert.equal(api.received.length, 1)
  })

  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z')
    assert.equal(parseRetryAfter('3', now), 3000)
    assert.equal(parseRetryAfter(' 0.5 ', now), 500)
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now), 10_000)
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0)
    assert.equal(parseRetryAfter('soon', now), undefined)
    assert.equal(parseRetryAfter(undefined, now), undefined)
  })

  it('retries GET after a connection reset', async () => {
    const api = await server((_request, response, raw) => {
      if (api.received.length === 1) raw.socket.destroy()
      else json(response, 200, {data: 'second try'})
    })
    const retries: RetryInfo[] = []
    const answer = await client(api.url, {onRetry: (info) => retries.push(info)}).request('GET', '/v1/me')
    assert.deepEqual(answer, {data: 'second try'})
    assert.equal(api.received.length, 2)
    assert.equal(retries.length, 1)
    assert.match(retries[0].reason, /ECONNRESET|UND_ERR_SOCKET|socket/)
  })

  it('does not retry POST after a connection reset (it may have been processed)', async () => {
    const api = await server((_request, _response, raw) => {
      raw.socket.destroy()
    })
    const error = await failure(() => client(api.url).request('POST', '/v1/projects', {body: {name: 'once'}}))
    assert.ok(error instanceof NetworkError, `expected NetworkError, got ${described(error)}`)
    assert.equal(api.received.length, 1)
  })

  it('retries POST when the connection was refused, and succeeds once the server is up', async () => {
    const port = await freePort()
    let late: Promise<LocalServer> | undefined
    const retries: RetryInfo[] = []
    const transport = client(`http://127.0.0.1:${port}`, {
      retryBaseDelayMs: 50,
      maxRetryDelayMs: 200,
      onRetry: (info) => {
        retries.push(info)
        late ??= server((_request, response) => json(response, 201, {data: {id: 'created'}}), port)
      },
    })
    const answer = await transport.request('POST', '/v1/projects', {body: {name: 'late'}})
    assert.deepEqual(answer, {data: {id: 'created'}})
    assert.ok(retries.length >= 1, `retries: ${JSON.stringify(retries)}`)
    assert.match(retries[0].reason, /ECONNREFUSED/)
    const started = await late
    assert.equal(started?.received.length, 1)
  })

  it('gives up with a NetworkError after four retries of a refused connection', async () => {
    const port = await freePort()
    let retried = 0
    const error = await failure(() => client(`http://127.0.0.1:${port}`, {onRetry: () => retried++}).request('GET', '/v1/me'))
    assert.ok(error instanceof NetworkError, `expected NetworkError, got ${described(error)}`)
    assert.equal(error.code, 'network')
    assert.match(error.message, /ECONNREFUSED/)
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}/v1/me`))
    assert.equal(retried, 4)
  })

  it('retries POST on a DNS failure (the request never left)', async () => {
    let retried = 0
    const error = await failure(() =>
      client('http://nothing-here.invalid', {onRetry: () => retried++, timeoutSeconds: 3}).request('POST', '/v1/projects', {body: {}}),
    )
    assert.ok(error instanceof NetworkError, `expected NetworkError, got ${described(error)}`)
    assert.match(error.message, /ENOTFOUND|EAI_AGAIN/)
    assert.equal(retried, 4)
  })
})

describe('Transport timeouts', () => {
  it('throws TimeoutError when no answer comes within the timeout, without retrying', async () => {
    let hungUp: Promise<void> | undefined
    const api = await server((_request, _response, raw) => {
      // Never answers; the client is the one to give up and close the connection.
      hungUp = new Promise((resolve) => raw.socket.once('close', () => resolve()))
    })
    const error = await failure(() => client(api.url, {timeoutSeconds: 0.3}).request('GET', '/v1/me'))
    // The server never answers, so a TimeoutError at all is the bound at work.
    assert.ok(error instanceof TimeoutError, `expected TimeoutError, got ${described(error)}`)
    assert.equal(error.code, 'timeout')
    assert.equal(error.seconds, 0.3)
    assert.equal(api.received.length, 1)
    assert.ok(hungUp, 'the request reached the server')
    await hungUp
  })

  it('bounds the body too, not only the headers', async () => {
    const api = await server((_request, response) => {
      response.writeHead(200, {'content-type': 'application/json'})
      response.write('{"data": [')
    })
    // The body never ends: only the request's own 0.3 s bound can end the wait.
    const error = await failure(() => client(api.url, {timeoutSeconds: 0.3}).request('GET', '/v1/projects'))
    assert.ok(error instanceof TimeoutError, `expected TimeoutError, got ${described(error)}`)
    assert.equal(error.seconds, 0.3)
  })
})

describe('Transport redirects', () => {
  it('keeps the token on a same-origin redirect', async () => {
    const api = await server((request, response) => {
      if (request.url === '/v1/old') {
        response.writeHead(302, {location: '/v1/new'})
        response.end()
      } else {
        json(response, 200, {data: 'moved'})
      }
    })
    assert.deepEqual(await client(api.url).request('GET', '/v1/old'), {data: 'moved'})
    assert.deepEqual(api.received.map((request) => [request.url, request.headers.authorization]), [
      ['/v1/old', `Bearer ${TOKEN}`],
      ['/v1/new', `Bearer ${TOKEN}`],
    ])
  })

  it('drops the token on a redirect to another origin', async () => {
    const elsewhere = await server((_request, response) => json(response, 200, {data: 'elsewhere'}))
    const api = await server((_request, response) => {
      response.writeHead(307, {location: `${elsewhere.url}/v1/landing`})
      response.end()
    })
    assert.deepEqual(await client(api.url).request('GET', '/v1/me'), {data: 'elsewhere'})
    assert.equal(api.received[0].headers.authorization, `Bearer ${TOKEN}`)
    const [landed] = elsewhere.received
    assert.equal(landed.url, '/v1/landing')
    assert.equal(landed.headers.authorization, undefined)
    assert.equal(landed.headers.accept, 'application/json')
    assert.equal(landed.headers['user-agent'], USER_AGENT)
  })

  it('repeats POST with its body on 307/308 and turns it into GET on 303', async () => {
    const api = await server((request, response) => {
      if (request.url === '/v1/a') response.writeHead(308, {location: '/v1/b'}).end()
      else if (request.url === '/v1/b') response.writeHead(303, {location: '/v1/c'}).end()
      else json(response, 200, {data: 'c'})
    })
    await client(api.url).request('POST', '/v1/a', {body: {n: 1}})
    assert.deepEqual(
      api.received.map((request) => [request.method, request.url, request.body, request.headers['content-type']]),
      [
        ['POST', '/v1/a', '{"n":1}', 'application/json'],
        ['POST', '/v1/b', '{"n":1}', 'application/json'],
        ['GET', '/v1/c', '', undefined],
      ],
    )
  })

  it('stops after five redirects', async () => {
    const api = await server((request, response) => {
      const n = Number(request.url.split('/').pop())
      response.writeHead(302, {location: `/v1/${n + 1}`}).end()
    })
    const error = await failure(() => client(api.url).request('GET', '/v1/0'))
    assert.ok(error instanceof InvalidResponseError, `expected InvalidResponseError, got ${described(error)}`)
    assert.match(error.message, /redirected more than 5 times/)
    assert.equal(api.received.length, 6)
  })
})

describe('Transport construction', () => {
  it('refuses a bad API URL or timeout', () => {
    assert.throws(() => client('ftp://example.com'), /https:\/\/ or http:\/\//)
    assert.throws(() => client('http://127.0.0.1:1', {timeoutSeconds: 0}), RangeError)
  })
})

describe('abandoning a request', () => {
  it('an abort signal ends a request that is waiting for its answer', async () => {
    const local = await server(() => new Promise(() => {})) // never answers
    const controller = new AbortController()
    const pending = client(local.url).request('GET', '/v1/me', {signal: controller.signal})
    while (local.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    const error = await failure(() => pending)
    assert.ok(error instanceof RequestAbortedError, `expected RequestAbortedError, got ${error.name}: ${error.message}`)
    assert.equal(local.received.length, 1, `requests received: ${local.received.length}`)
  })

  it('an abort signal ends the wait before a retry, and no further attempt is made', async () => {
    const local = await server((_request, response) => json(response, 503, {error: {code: 'busy', message: 'busy'}}, {'retry-after': '30'}))
    const controller = new AbortController()
    const pending = client(local.url).request('GET', '/v1/me', {signal: controller.signal})
    while (local.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    const error = await failure(() => pending)
    assert.ok(error instanceof RequestAbortedError, `expected RequestAbortedError, got ${error.name}: ${error.message}`)
    assert.equal(local.received.length, 1, `requests received: ${local.received.length}`)
  })
})

describe('describeRetry', () => {
  const info = (fields: Partial<RetryInfo>): RetryInfo => ({attempt: 1, maxRetries: 4, delayMs: 4000, reason: 'x', method: 'GET', url: 'https://api.prisma.io/v1/me', ...fields})

  it('says a 429 is rate limiting, with the wait and the attempt', () => {
    assert.equal(describeRetry(info({status: 429})), 'Rate limited by the API; retrying in 4 s (attempt 2 of 5)', 'the 429 line')
  })

  it('names other statuses by their standard text, never the server\'s', () => {
    assert.equal(describeRetry(info({status: 503, attempt: 3, reason: 'HTTP 503 SERVER SAYS \u001b[2J'})), 'The API answered 503 Service Unavailable; retrying in 4 s (attempt 4 of 5)', 'the 503 line')
    assert.equal(describeRetry(info({status: 599})), 'The API answered 599; retrying in 4 s (attempt 2 of 5)', 'a status without standard text')
  })

  it('names a network failure by its code', () => {
    assert.equal(
      describeRetry(info({reason: 'connection reset (ECONNRESET)', delayMs: 1500})),
      'The API could not be reached: connection reset (ECONNRESET); retrying in 2 s (attempt 2 of 5)',
      'the network line, the wait rounded up',
    )
  })
})
