import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'
import {
  debugEnabled,
  escapeControls,
  formatExchange,
  formatRetry,
  isSecretKey,
  MAX_TRACED_BODY,
  redactBody,
  redactText,
  SECRET_KEYS,
  TRACE_NAMESPACE,
  traceBody,
  traceEnabled,
  type TracedExchange,
} from '../../src/api/trace.js'
import {Transport} from '../../src/api/transport.js'
import {clearProxyEnv, json, startServer, TOKEN, type LocalServer} from './local-server.js'

clearProxyEnv()

// Raw control characters, for asserting that none is left (tab and newline included).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

describe('DEBUG matching (as the debug package matches namespaces)', () => {
  const on = ['prisma-mgmt:http', '*', 'prisma-mgmt:*', 'prisma-mgmt*', '*:http', 'oclif:*,prisma-mgmt:http', 'oclif:* prisma-mgmt:http', '  prisma-mgmt:http  ', 'a,,b, prisma-mgmt:*', '*,-oclif:*']
  const off = ['', '   ', 'other', 'prisma-mgmt', 'prisma-mgmt:', 'prisma-mgmt:https', 'prisma-mgmt:HTTP', 'oclif:*', '-prisma-mgmt:http', '*,-prisma-mgmt:http', 'prisma-mgmt:*,-prisma-mgmt:*', '-prisma-mgmt:*,prisma-mgmt:http', 'prisma.mgmt:http']
  for (const debug of on) {
    it(`DEBUG=${JSON.stringify(debug)} turns the trace on`, () => {
      assert.equal(traceEnabled(debug), true, `traceEnabled(${JSON.stringify(debug)}) was false`)
    })
  }
  for (const debug of off) {
    it(`DEBUG=${JSON.stringify(debug)} leaves it off`, () => {
      assert.equal(traceEnabled(debug), false, `traceEnabled(${JSON.stringify(debug)}) was true`)
    })
  }
  it('an unset DEBUG leaves it off', () => {
    assert.equal(traceEnabled(undefined), false, 'traceEnabled(undefined) was true')
  })
  it('the namespace is prisma-mgmt:http, and a regular-expression character in a pattern is literal', () => {
    assert.equal(TRACE_NAMESPACE, 'prisma-mgmt:http', `namespace is ${TRACE_NAMESPACE}`)
    assert.equal(debugEnabled('a.b', 'a?b'), false, 'a ? in DEBUG matched as a regular expression')
    assert.equal(debugEnabled('a+b', 'a+b'), true, 'a + in DEBUG did not match itself')
  })
})

describe('redaction of secrets in bodies', () => {
  // The keys as the API and OAuth spell them, each with a value found nowhere else.
  const keys = [
    'password',
    'pass',
    'value',
    'token',
    'accessToken',
    'access_token',
    'refreshToken',
    'refresh_token',
    'recipientAccessToken',
    'apiKey',
    'api_key',
    'code_verifier',
    'client_secret',
    'secretAccessKey',
    'secret_access_key',
  ]

  for (const key of keys) {
    it(`hides the value of "${key}" at any depth`, () => {
      const secret = `S3cret-${key}-value`
      const body = JSON.stringify({data: {id: 'x1', nested: [{[key]: secret, name: 'kept'}]}, [key]: secret})
      const shown = redactBody(body)
      assert.ok(!shown.includes(secret), `the value of ${key} is in: ${shown}`)
      const parsed = JSON.parse(shown)
      assert.equal(parsed[key], '***', `top-level ${key} shown as ${JSON.stringify(parsed[key])}`)
      assert.equal(parsed.data.nested[0][key], '***', `nested ${key} shown as ${JSON.stringify(parsed.data.nested[0][key])}`)
      assert.equal(parsed.data.nested[0].name, 'kept', `a harmless member was changed: ${shown}`)
      assert.ok(isSecretKey(key), `isSecretKey(${key}) was false`)
    })
  }

  it('every key of the brief is in the one constant, and harmless keys are not', () => {
    for (const key of keys) assert.ok(SECRET_KEYS.has(key.toLowerCase().replaceAll('_', '')), `${key} is missing from SECRET_KEYS: ${[...SECRET_KEYS].join(', ')}`)
    for (const key of ['id', 'name', 'user', 'host', 'code', 'message', 'connectionString', 'url', 'status']) {
      assert.equal(isSecretKey(key), false, `${key} would be hidden`)
    }
  })

  it('hides numbers and objects under a secret key, keeps null and booleans (they say whether one is there)', () => {
    const shown = JSON.parse(redactBody(JSON.stringify({password: 123456, token: {raw: 'tok-inner-1', kind: 'x'}, pass: null, value: true})))
    assert.deepEqual(shown, {password: '***', token: '***', pass: null, value: true}, `shown: ${JSON.stringify(shown)}`)
  })

  it('keeps a connection string readable but for its password', () => {
    const body = JSON.stringify({
      data: {
        endpoints: {
          direct: {host: 'db.prisma.io', port: 5432, connectionString: 'postgres://u_abc:pw-Direct-1@db.prisma.io:5432/postgres?sslmode=require'},
          pooled: {connectionString: 'postgresql://u_abc:p%40ss%2Fword@pool.prisma.io:6543/postgres'},
          accelerate: {connectionString: 'prisma+postgres://accelerate.prisma-data.net/?api_key=eyJaccelerateKey'},
        },
        connectionString: 'postgres://u_abc:pw-Legacy-2@db.prisma.io:5432/postgres',
        url: 'https://api.prisma.io/v1/connections/c1',
      },
    })
    const shown = redactBody(body)
    for (const secret of ['pw-Direct-1', 'p%40ss%2Fword', 'eyJaccelerateKey', 'pw-Legacy-2']) assert.ok(!shown.includes(secret), `${secret} is in: ${shown}`)
    const parsed = JSON.parse(shown)
    assert.equal(parsed.data.endpoints.direct.connectionString, 'postgres://u_abc:***@db.prisma.io:5432/postgres?sslmode=require', `direct: ${shown}`)
    assert.equal(parsed.data.endpoints.pooled.connectionString, 'postgresql://u_abc:***@pool.prisma.io:6543/postgres', `pooled: ${shown}`)
    assert.equal(parsed.data.endpoints.accelerate.connectionString, 'prisma+postgres://accelerate.prisma-data.net/?api_key=***', `accelerate: ${shown}`)
    assert.equal(parsed.data.url, 'https://api.prisma.io/v1/connections/c1', `a URL without userinfo was changed: ${shown}`)
  })

  it('hides a whole password that holds a raw @, and libpq keyword passwords', () => {
    const url = redactText('postgres://user:p@ss@word@host:5432/db')
    assert.equal(url, 'postgres://user:***@host:5432/db', `shown: ${url}`)
    const keywords = redactText("host=db.prisma.io user=u password='two words' dbname=postgres")
    assert.ok(!keywords.includes('two words'), `the quoted password is in: ${keywords}`)
    assert.match(keywords, /password=\*\*\* dbname=postgres/, `shown: ${keywords}`)
  })

  it('hides secrets in a form body and in text that is not JSON (a cut-off body)', () => {
    const form = redactText('grant_type=authorization_code&code_verifier=verif-123&client_secret=cs-456&redirect_uri=http%3A%2F%2F127.0.0.1')
    assert.equal(form, 'grant_type=authorization_code&code_verifier=***&client_secret=***&redirect_uri=http%3A%2F%2F127.0.0.1', `shown: ${form}`)
    const cut = redactBody('{"data":{"user":"u","password":"pw-cut-1","pass": 99, "connectionString":"postgres://u:pw-cut-2@h/db')
    for (const secret of ['pw-cut-1', '99', 'pw-cut-2']) assert.ok(!cut.includes(secret), `${secret} is in: ${cut}`)
  })

  it('hides a known secret (the token) wherever it is, escaped for JSON too', () => {
    const token = 'tok"en\\with-quotes-9f2c'
    const body = JSON.stringify({echo: `Bearer ${token}`, header: token})
    const shown = redactBody(body, [token])
    assert.ok(!shown.includes(token) && !shown.includes(JSON.stringify(token).slice(1, -1)), `the token is in: ${shown}`)
    const text = redactText(`GET /v1/x?t=${token}`, [token])
    assert.ok(!text.includes(token), `the token is in: ${text}`)
  })
})

describe('truncation and control characters', () => {
  it('cuts a body to MAX_TRACED_BODY characters and says how much more there was', () => {
    const body = JSON.stringify({data: 'x'.repeat(10_000)})
    const shown = traceBody(body)
    const [kept, rest] = shown.split('… ')
    assert.equal(kept.length, MAX_TRACED_BODY, `kept ${kept.length} characters`)
    assert.match(rest, /^\[7,\d{3} more characters\]$/, `the note was: ${rest}`)
  })

  it('redacts before it cuts, so a secret at the cut is not half shown', () => {
    const pad = 'x'.repeat(MAX_TRACED_BODY - 20)
    const shown = traceBody(JSON.stringify({pad, password: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'}))
    assert.ok(!shown.includes('ABCD'), `a piece of the password shows: ${shown.slice(-80)}`)
  })

  it('never cuts a surrogate pair in half', () => {
    const shown = traceBody('a'.repeat(MAX_TRACED_BODY - 1) + '😀'.repeat(10))
    assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(shown), `a lone high surrogate is left: ${JSON.stringify(shown.slice(MAX_TRACED_BODY - 4, MAX_TRACED_BODY + 4))}`)
  })

  it('shows every control character as an escape, newlines and tabs too', () => {
    const hostile = 'a\u001b[2Jb\u0007c\rd\ne\tf\u007fg\u009bh\u202ei\u2028j'
    const shown = escapeControls(hostile)
    assert.equal(shown, 'a\\x1b[2Jb\\x07c\\x0dd\\x0ae\\x09f\\x7fg\\x9bh\\u202ei\\u2028j', `shown: ${shown}`)
    assert.ok(!RAW_CONTROL.test(traceBody(hostile)), `traceBody left a raw control character: ${JSON.stringify(traceBody(hostile))}`)
  })

  it('a body cannot forge a trace line', () => {
    const text = formatExchange({...exchange(), responseBody: 'oops\nprisma-mgmt:http GET https://evil -> 200 OK (1 ms)'})
    const lines = text.split('\n')
    assert.equal(lines.filter((l) => l.startsWith('prisma-mgmt:http GET https://evil')).length, 0, `a forged line starts a line: ${text}`)
    assert.equal(lines.length, 4, `lines: ${text}`)
    assert.ok(!RAW_CONTROL.test(text.replaceAll('\n', '')), `a raw control character is in: ${JSON.stringify(text)}`)
  })
})

function exchange(overrides: Partial<TracedExchange> = {}): TracedExchange {
  return {
    method: 'GET',
    url: 'https://api.prisma.io/v1/projects?limit=100',
    requestHeaders: {accept: 'application/json', authorization: `Bearer ${TOKEN}`, 'user-agent': 'prisma-mgmt/0.0.0'},
    durationMs: 12.4,
    attempt: 0,
    maxRetries: 4,
    status: 200,
    statusText: 'OK',
    responseHeaders: {'content-type': 'application/json', 'set-cookie': 'session=cookie-secret', 'retry-after': '2'},
    responseBody: '{"data":[]}',
    ...overrides,
  }
}

describe('formatExchange and formatRetry', () => {
  it('a summary line with method, URL, status and duration, then the headers and bodies', () => {
    const text = formatExchange(exchange({method: 'POST', requestBody: '{"name":"demo"}'}), [TOKEN])
    const lines = text.split('\n')
    assert.equal(lines[0], 'prisma-mgmt:http POST https://api.prisma.io/v1/projects?limit=100 -> 200 OK (12 ms)', `summary: ${lines[0]}`)
    assert.equal(lines[1], 'prisma-mgmt:http > accept: application/json | authorization: Bearer *** | user-agent: prisma-mgmt/0.0.0', `request headers: ${lines[1]}`)
    assert.equal(lines[2], 'prisma-mgmt:http > {"name":"demo"}', `request body: ${lines[2]}`)
    assert.equal(lines[3], 'prisma-mgmt:http < content-type: application/json | retry-after: 2', `response headers: ${lines[3]}`)
    assert.equal(lines[4], 'prisma-mgmt:http < {"data":[]}', `response body: ${lines[4]}`)
    assert.equal(lines.length, 5, `lines: ${text}`)
    assert.ok(!text.includes(TOKEN), `the token is in: ${text}`)
    assert.ok(!text.includes('cookie-secret'), `a cookie is in: ${text}`)
  })

  it('an authorization header without a scheme is hidden whole', () => {
    const text = formatExchange(exchange({requestHeaders: {authorization: 'rawtoken123'}}))
    assert.ok(!text.includes('rawtoken123'), `the credential is in: ${text}`)
    assert.match(text, /> authorization: \*\*\*$/m, `shown: ${text}`)
  })

  it('a retry says its attempt, the wait before it and why; the retry line says so before the wait', () => {
    const text = formatExchange(exchange({attempt: 1, retried: {delayMs: 250.2, reason: 'HTTP 503 Service Unavailable'}}))
    assert.match(text.split('\n')[0], / -> 200 OK \(12 ms\) \[attempt 2 of 5, after 250 ms for HTTP 503 Service Unavailable\]$/, `summary: ${text}`)
    const retry = formatRetry({method: 'GET', url: 'https://api.prisma.io/v1/me', attempt: 1, maxRetries: 4, delayMs: 1000, reason: 'HTTP 503 Service Unavailable'})
    assert.equal(retry, 'prisma-mgmt:http GET https://api.prisma.io/v1/me retry: HTTP 503 Service Unavailable; waiting 1000 ms before attempt 2 of 5', `retry: ${retry}`)
  })

  it('a failed exchange says why, and a URL with secrets is redacted', () => {
    const text = formatExchange(
      exchange({url: `https://u:pw-url-1@api.example/v1/x?api_key=k-url-2&token=${TOKEN}`, status: undefined, statusText: undefined, responseHeaders: undefined, responseBody: undefined, failure: 'connection refused (ECONNREFUSED)'}),
      [TOKEN],
    )
    assert.match(text, /^prisma-mgmt:http GET https:\/\/u:\*\*\*@api\.example\/v1\/x\?api_key=\*\*\*&token=\*\*\* -> failed: connection refused \(ECONNREFUSED\) \(12 ms\)$/m, `shown: ${text}`)
    for (const secret of ['pw-url-1', 'k-url-2', TOKEN]) assert.ok(!text.includes(secret), `${secret} is in: ${text}`)
  })
})

describe('Transport with a trace', () => {
  const servers: LocalServer[] = []
  const transports: Transport[] = []
  after(async () => {
    await Promise.all(transports.map((transport) => transport.close()))
    await Promise.all(servers.map((server) => server.close()))
  })
  const client = (url: string, trace?: (text: string) => void) => {
    const transport = new Transport({apiUrl: url, token: TOKEN, timeoutSeconds: 5, userAgent: 'prisma-mgmt/0.0.0-test', retryBaseDelayMs: 1, maxRetryDelayMs: 2, trace})
    transports.push(transport)
    return transport
  }

  it('traces each exchange once, a retry once more, and never the token', async () => {
    let calls = 0
    const api = await startServer((request, response) => {
      calls++
      if (calls === 1) json(response, 503, {error: {code: 'busy', message: `echo ${request.headers.authorization}`}})
      else json(response, 201, {data: {id: 'c1', pass: 'pw-transport-1', connectionString: 'postgres://u:pw-transport-2@h:5432/db'}})
    })
    servers.push(api)
    const traced: string[] = []
    const answer = await client(api.url, (text) => traced.push(text)).request<{data: {pass: string}}>('PATCH', '/v1/projects/p1', {body: {name: 'n', password: 'pw-transport-3'}})
    assert.equal(answer.data.pass, 'pw-transport-1', 'the caller still gets the real answer')
    assert.equal(traced.length, 3, `trace calls: ${JSON.stringify(traced, null, 1)}`)
    assert.match(traced[0], new RegExp(`^prisma-mgmt:http PATCH ${api.url}/v1/projects/p1 -> 503 Service Unavailable \\(\\d+ ms\\)$`, 'm'), `first: ${traced[0]}`)
    assert.match(traced[1], /^prisma-mgmt:http PATCH \S+ retry: HTTP 503 Service Unavailable; waiting \d+ ms before attempt 2 of 5$/, `retry: ${traced[1]}`)
    assert.match(traced[2], /-> 201 Created \(\d+ ms\) \[attempt 2 of 5, after \d+ ms for HTTP 503 Service Unavailable\]/, `second: ${traced[2]}`)
    const all = traced.join('\n')
    for (const secret of [TOKEN, 'pw-transport-1', 'pw-transport-2', 'pw-transport-3']) assert.ok(!all.includes(secret), `${secret} is in the trace:\n${all}`)
    assert.match(all, /authorization: Bearer \*\*\*/, `the request headers line is missing:\n${all}`)
  })

  it('traces each hop of a redirect; the hop to another origin carries no authorization', async () => {
    const elsewhere = await startServer((_request, response) => json(response, 200, {data: 'there'}))
    const api = await startServer((_request, response) => {
      response.writeHead(307, {location: `${elsewhere.url}/v1/landing`})
      response.end()
    })
    servers.push(elsewhere, api)
    const traced: string[] = []
    await client(api.url, (text) => traced.push(text)).request('GET', '/v1/me')
    assert.equal(traced.length, 2, `trace calls: ${JSON.stringify(traced, null, 1)}`)
    assert.match(traced[0], /-> 307 Temporary Redirect .*\n.*authorization: Bearer \*\*\*[^]*< location: http:\/\/127\.0\.0\.1:\d+\/v1\/landing/, `first hop: ${traced[0]}`)
    assert.match(traced[1], new RegExp(`GET ${elsewhere.url}/v1/landing -> 200 OK`), `second hop: ${traced[1]}`)
    assert.doesNotMatch(traced[1], /authorization/, `the second hop shows an authorization header: ${traced[1]}`)
  })

  it('a trace sink that throws does not change the outcome', async () => {
    const api = await startServer((_request, response) => json(response, 200, {data: 1}))
    servers.push(api)
    const answer = await client(api.url, () => {
      throw new Error('sink broke')
    }).request('GET', '/v1/me')
    assert.deepEqual(answer, {data: 1}, `answer: ${JSON.stringify(answer)}`)
  })

  it('a failed exchange is traced with its reason', async () => {
    const api = await startServer((_request, response) => {
      response.socket?.destroy()
    })
    servers.push(api)
    const traced: string[] = []
    await assert.rejects(client(api.url, (text) => traced.push(text)).request('POST', '/v1/projects', {body: {}}), 'a reset POST fails')
    assert.match(traced[0] ?? '', /^prisma-mgmt:http POST \S+ -> failed: (socket closed|connection reset)/, `trace: ${JSON.stringify(traced)}`)
  })
})
