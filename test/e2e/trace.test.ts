// DEBUG=prisma-mgmt:http through the built binary: one trace block per HTTP exchange on stderr,
// secrets redacted, stdout untouched, nothing at all when DEBUG does not match.
import assert from 'node:assert/strict'
import {after, before, beforeEach, describe, it} from 'node:test'

import {project} from '../api/answers.js'
import {json, startServer, TOKEN, type LocalServer} from '../api/local-server.js'
import {Emulator, parseJson, removeDir, run, tempDir} from './harness.js'

/** The summary line of each exchange: `prisma-mgmt:http METHOD URL -> ...`. */
function summaries(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /^prisma-mgmt:http [A-Z]+ \S+ -> /.test(line))
}

function escape(text: string): string {
  return text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

describe('DEBUG=prisma-mgmt:http against the emulator', () => {
  let emulator: Emulator
  let home: string
  let databaseId: string
  const env = (debug: string | undefined) => emulator.env(home, {DEBUG: debug, NO_COLOR: '1'})
  const received = async (prefix: string) =>
    (await emulator.call<{data: {method: string; path: string}[]}>('GET', '/__emulator/requests')).body.data.filter((r) => r.path.startsWith(prefix))

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
    const created = await emulator.call<{data: {database: {id: string}}}>('POST', '/v1/projects', {name: 'traced', region: 'us-east-1'})
    databaseId = created.body.data.database.id
    await emulator.call('POST', '/v1/projects', {name: 'traced-2', region: 'us-east-1'})
  })
  beforeEach(async () => {
    await emulator.call('DELETE', '/__emulator/faults')
    await emulator.call('DELETE', '/__emulator/requests')
  })
  after(async () => {
    await emulator?.stop()
    if (home) await removeDir(home)
  })

  it('projects list --json: one summary line per request with method, URL, status and duration; stdout is exactly the JSON', async () => {
    const result = await run(['projects', 'list', '--json'], {env: env('prisma-mgmt:http'), emulator})
    assert.equal(result.code, 0, `exit ${result.code}, stderr:\n${result.stderr}`)
    // Read before the test's own GET below joins the log.
    const requests = await received('/v1/projects')
    const expected = (await emulator.call<{data: unknown[]}>('GET', '/v1/projects')).body.data
    assert.equal(result.stdout, `${JSON.stringify(expected, null, 2)}\n`, `stdout is not exactly the project list:\n${result.stdout}`)
    const lines = summaries(result.stderr)
    assert.equal(lines.length, requests.length, `${requests.length} requests but these summary lines:\n${result.stderr}`)
    assert.match(lines[0], new RegExp(`^prisma-mgmt:http GET ${escape(emulator.url)}/v1/projects\\?limit=100 -> 200 OK \\(\\d+ ms\\)$`), `summary line: ${lines[0]}`)
    assert.match(result.stderr, /^prisma-mgmt:http > .*authorization: Bearer \*\*\*/m, `no masked authorization header in:\n${result.stderr}`)
    assert.match(result.stderr, /^prisma-mgmt:http < \{"data":\[\{"id":/m, `no response body in:\n${result.stderr}`)
    assert.ok(!result.stdout.includes('prisma-mgmt:http'), `the trace reached stdout:\n${result.stdout}`)
  })

  it('db credentials: the response body is traced with the password redacted; the real password is nowhere on stderr', async () => {
    const result = await run(['db', 'credentials', databaseId, '--json'], {env: env('prisma-mgmt:http'), emulator})
    assert.equal(result.code, 0, `exit ${result.code}, stderr:\n${result.stderr}`)
    const connection = parseJson<{pass: string; connectionString: string; endpoints: {direct: {connectionString: string}}}>(result)
    const password = connection.pass
    assert.ok(password && connection.connectionString.includes(`:${password}@`), `stdout lacks the password or it is not in the connection string: ${result.stdout}`)
    assert.ok(!result.stderr.includes(password), `the password is on stderr:\n${result.stderr}`)
    assert.ok(!result.stderr.includes(encodeURIComponent(password)), `the encoded password is on stderr:\n${result.stderr}`)
    // The database's connections are listed first (for an unused default name), then one is minted.
    const exchanges = summaries(result.stderr)
    assert.equal(exchanges.length, 2, `two exchanges, got:\n${exchanges.join('\n')}`)
    const [list, post] = exchanges
    assert.match(list, new RegExp(`^prisma-mgmt:http GET ${escape(emulator.url)}/v1/databases/${escape(databaseId)}/connections\\?limit=100 -> 200 OK \\(\\d+ ms\\)$`), `summary: ${list}`)
    assert.match(post, new RegExp(`^prisma-mgmt:http POST ${escape(emulator.url)}/v1/databases/${escape(databaseId)}/connections -> 20[01] \\w+ \\(\\d+ ms\\)$`), `summary: ${post}`)
    assert.match(result.stderr, /^prisma-mgmt:http > \{"name":"prisma-mgmt-\d{8}-\d{6}"\}$/m, `no request body in:\n${result.stderr}`)
    // The POST's block: its summary line and the lines after it.
    const postBlock = result.stderr.split('\n').slice(result.stderr.split('\n').indexOf(post))
    const body = postBlock.find((line) => line.startsWith('prisma-mgmt:http < {"data":'))
    assert.ok(body, `no response body line for the POST in:\n${result.stderr}`)
    assert.match(body, /"pass":"\*\*\*"/, `pass not redacted: ${body}`)
    assert.match(body, /"connectionString":"postgres(ql)?:\/\/[^:"]+:\*\*\*@[^"]+"/, `connection string not shown with its password redacted: ${body}`)
  })

  it('a 503 then 200 shows the first exchange, the retry and the attempt that succeeded', async () => {
    await emulator.call('POST', '/__emulator/faults', [{method: 'GET', path: '/v1/projects', status: 503, count: 1, retryAfter: 0}])
    const result = await run(['projects', 'list', '--json'], {env: env('prisma-mgmt:http'), emulator})
    assert.equal(result.code, 0, `exit ${result.code}, stderr:\n${result.stderr}`)
    parseJson(result)
    const lines = summaries(result.stderr)
    assert.equal(lines.length, 2, `expected two exchanges, got:\n${result.stderr}`)
    assert.match(lines[0], / -> 503 Service Unavailable \(\d+ ms\)$/, `first exchange: ${lines[0]}`)
    assert.match(lines[1], / -> 200 OK \(\d+ ms\) \[attempt 2 of 5, after 0 ms for HTTP 503 Service Unavailable\]$/, `second exchange: ${lines[1]}`)
    assert.match(
      result.stderr,
      /^prisma-mgmt:http GET \S+\/v1\/projects\?limit=100 retry: HTTP 503 Service Unavailable; waiting 0 ms before attempt 2 of 5$/m,
      `no retry line in:\n${result.stderr}`,
    )
    assert.match(result.stderr, /^prisma-mgmt:http < [^\n]*retry-after: 0/m, `the Retry-After header is not shown:\n${result.stderr}`)
  })

  it('the token appears nowhere, given by flag or environment, with DEBUG=prisma-mgmt:http or DEBUG=*', async () => {
    for (const [args, debug] of [
      [['whoami', '--json'], 'prisma-mgmt:http'],
      [['whoami', '--json', '--token', emulator.token], 'prisma-mgmt:*'],
      [['projects', 'list'], '*'],
    ] as const) {
      const what = `DEBUG=${debug} ${args.join(' ').replace(emulator.token, 'T')}`
      // run() fails when the token shows on stdout or stderr.
      const result = await run([...args], {env: env(debug), emulator})
      assert.equal(result.code, 0, `${what}: exit ${result.code}, stderr:\n${result.stderr.slice(-2000)}`)
      assert.ok(summaries(result.stderr).length >= 1, `${what}: no trace on stderr:\n${result.stderr.slice(-2000)}`)
      assert.ok(!result.stderr.includes(emulator.token), `${what}: the token is on stderr`)
    }
  })

  it('DEBUG=other, DEBUG=*,-prisma-mgmt:http or no DEBUG: no trace, the same stdout', async () => {
    const plain = await run(['projects', 'list', '--json'], {env: env(undefined), emulator})
    assert.equal(plain.code, 0, `exit ${plain.code}, stderr:\n${plain.stderr}`)
    assert.equal(plain.stderr, '', `stderr without DEBUG:\n${plain.stderr}`)
    for (const debug of ['other', 'oclif:*', '*,-prisma-mgmt:http', '-prisma-mgmt:*']) {
      const result = await run(['projects', 'list', '--json'], {env: env(debug), emulator})
      assert.equal(result.code, 0, `DEBUG=${debug}: exit ${result.code}, stderr:\n${result.stderr.slice(-2000)}`)
      assert.ok(!result.stderr.includes('prisma-mgmt:http'), `DEBUG=${debug}: a trace line on stderr:\n${result.stderr.slice(-2000)}`)
      assert.equal(result.stdout, plain.stdout, `DEBUG=${debug}: stdout differs from the run without DEBUG:\n${result.stdout}`)
    }
  })
})

describe('DEBUG=prisma-mgmt:http against a local server', () => {
  let server: LocalServer
  let home: string
  const PAGES = 3
  /** What /v1/projects answers: one project per page; `hostile` makes the second project's name hostile and long. */
  let hostile = false

  before(async () => {
    server = await startServer((request, response) => {
      const url = new URL(request.url, 'http://x')
      if (url.pathname !== '/v1/projects') return json(response, 404, {error: {code: 'not-found', message: 'no'}})
      const index = Number(url.searchParams.get('cursor') ?? '0')
      const name = hostile && index === 1 ? `evil\u001b[2J\u0007\u009b31m\u202e\r\nprisma-mgmt:http GET https://forged -> 200 OK (1 ms)${'x'.repeat(5000)}` : `p${index}`
      const more = index + 1 < PAGES
      json(response, 200, {data: [project(`proj_${index}`, name)], pagination: {hasMore: more, nextCursor: more ? String(index + 1) : null}})
    })
    home = await tempDir()
  })
  beforeEach(() => {
    server.received.length = 0
    hostile = false
  })
  after(async () => {
    await server?.close()
    if (home) await removeDir(home)
  })

  const cli = (args: string[]) =>
    run(args, {env: {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: server.url, PRISMA_SERVICE_TOKEN: TOKEN, NO_COLOR: '1', DEBUG: 'prisma-mgmt:http'}, secrets: [TOKEN]})

  it('every page of a list is one summary line, in order', async () => {
    const result = await cli(['projects', 'list', '--json'])
    assert.equal(result.code, 0, `exit ${result.code}, stderr:\n${result.stderr}`)
    assert.equal(parseJson<unknown[]>(result).length, PAGES, `stdout: ${result.stdout}`)
    const lines = summaries(result.stderr)
    assert.equal(server.received.length, PAGES, `the server received ${server.received.length} requests`)
    assert.equal(lines.length, server.received.length, `${server.received.length} requests but these summary lines:\n${result.stderr}`)
    lines.forEach((line, index) => {
      const query = index === 0 ? 'limit=100' : `cursor=${index}&limit=100`
      assert.match(line, new RegExp(`^prisma-mgmt:http GET ${escape(server.url)}/v1/projects\\?${query} -> 200 OK \\(\\d+ ms\\)$`), `line ${index + 1}: ${line}`)
    })
  })

  it('a hostile body is cut to 2 KiB and its control characters are escaped, so it cannot forge a line', async () => {
    hostile = true
    const result = await cli(['projects', 'list', '--json'])
    assert.equal(result.code, 0, `exit ${result.code}, stderr:\n${result.stderr.slice(0, 3000)}`)
    // eslint-disable-next-line no-control-regex -- looking for raw control characters
    assert.doesNotMatch(result.stderr, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2028\u2029]/, `a raw control character on stderr:\n${JSON.stringify(result.stderr.slice(0, 3000))}`)
    assert.ok(!result.stderr.split('\n').some((line) => line.startsWith('prisma-mgmt:http GET https://forged')), `a forged trace line:\n${result.stderr.slice(0, 3000)}`)
    const body = result.stderr.split('\n').find((line) => line.includes('evil'))
    assert.ok(body, `the hostile body is not traced:\n${result.stderr.slice(0, 3000)}`)
    // JSON escapes C0 itself; DEL, C1 and bidi controls it leaves raw, and the trace escapes them.
    assert.match(body, /evil\\u001b\[2J\\u0007\\x9b31m\\u202e\\r\\nprisma-mgmt:http GET https:\/\/forged/, `control characters not escaped: ${body.slice(0, 300)}`)
    assert.match(body, /… \[[\d,]+ more characters\]$/, `the body was not cut: …${body.slice(-200)}`)
    assert.ok(body.length < 2048 + 200, `the body line is ${body.length} characters long`)
    assert.equal(parseJson<{name: string}[]>(result)[1].name.length > 5000, true, 'stdout still holds the whole name')
  })
})
