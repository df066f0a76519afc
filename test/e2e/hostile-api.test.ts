// The built binary against a server that does not answer like the Management API: answers of
// the wrong shape, lists that never end, rate limits, and ids that must never reach a URL.
import assert from 'node:assert/strict'
import type {ServerResponse} from 'node:http'
import {after, before, beforeEach, describe, it} from 'node:test'

import {backupList, connection, createdConnection, createdProject, database, me, postgresRegion, project, usage} from '../api/answers.js'
import {startServer, TOKEN, type LocalServer, type Received} from '../api/local-server.js'
import {removeDir, run, tempDir, type RunResult} from './harness.js'

type Answer = {status?: number; body: unknown; headers?: Record<string, string>}

let server: LocalServer
let home: string
/** How the server answers the request it received; set by each test. */
let answer: (request: Received) => Answer

before(async () => {
  server = await startServer((request, response: ServerResponse) => {
    const {status = 200, body, headers = {}} = answer(request)
    response.writeHead(status, {'content-type': 'application/json', ...headers})
    response.end(JSON.stringify(body))
  })
  home = await tempDir()
})
beforeEach(() => {
  server.received.length = 0
})
after(async () => {
  await server.close()
  await removeDir(home)
})

function cli(args: string[], timeoutMs?: number): Promise<RunResult> {
  return run(args, {env: {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: server.url, PRISMA_SERVICE_TOKEN: TOKEN, NO_COLOR: '1'}, secrets: [TOKEN], timeoutMs})
}

function requests(): string[] {
  return server.received.map((r) => `${r.method} ${new URL(r.url, 'http://x').pathname}`)
}

/** `{"error": {...}}` exactly, and nothing else, on stdout. */
function jsonError(result: RunResult, error: Record<string, unknown>): void {
  assert.equal(result.stdout, `${JSON.stringify({error}, null, 2)}\n`, `stdout holds exactly the error document; stderr was:\n${result.stderr}`)
}

function without<T extends object>(value: T, key: keyof T): Partial<T> {
  const copy = {...value}
  delete copy[key]
  return copy
}

const page = (data: unknown[]) => ({data, pagination: {hasMore: false, nextCursor: null}})
const JUNK = [1, 'x', null]

interface Case {
  args: string[]
  /** Requests answered well before the one under test, with their answers. */
  before?: [request: string, body: unknown][]
  /** What the server must have received (after `before`): one request, never repeated. */
  request: string
  /** `GET /v1/projects/p1` as the message names it. */
  named: string
  what: string
  /** Six bodies and the detail each gets: data null, data a string, {}, a list of junk, a field missing, a field of the wrong type. */
  bodies: [body: unknown, detail: string][]
}

function single(detail: {junk?: string; missing: [unknown, string]; wrong: [unknown, string]}): Case['bodies'] {
  return [
    [{data: null}, 'data is null, expected an object'],
    [{data: 'a string'}, 'data is a string, expected an object'],
    [{}, 'data is missing'],
    [{data: JUNK}, detail.junk ?? 'data is a list, expected an object'],
    detail.missing,
    detail.wrong,
  ]
}

function list(detail: {missing: [unknown, string]; wrong: [unknown, string]}, wrap: (data: unknown[]) => unknown = page): Case['bodies'] {
  return [
    [{data: null}, 'data is null, expected a list'],
    [{data: 'a string'}, 'data is a string, expected a list'],
    [{}, 'data is missing'],
    [wrap(JUNK), 'data[0] is a number, expected an object'],
    detail.missing,
    detail.wrong,
  ]
}

const CASES: Case[] = [
  {
    args: ['projects', 'show', 'p1'],
    request: 'GET /v1/projects/p1',
    named: 'GET /v1/projects/p1',
    what: 'a project',
    bodies: single({
      missing: [{data: without(project('p1'), 'id')}, 'data.id is missing'],
      wrong: [{data: {...project('p1'), name: 42}}, 'data.name is a number, expected a string'],
    }),
  },
  {
    args: ['projects', 'list'],
    request: 'GET /v1/projects',
    named: 'GET /v1/projects (page 1)',
    what: 'a project list',
    bodies: list({
      missing: [page([without(project(), 'id')]), 'data[0].id is missing'],
      wrong: [page([{...project(), workspace: 'Acme'}]), 'data[0].workspace is a string, expected an object'],
    }),
  },
  {
    args: ['db', 'show', 'db1'],
    request: 'GET /v1/databases/db1',
    named: 'GET /v1/databases/db1',
    what: 'a database',
    bodies: single({
      missing: [{data: without(database('db1'), 'id')}, 'data.id is missing'],
      wrong: [{data: {...database('db1'), isDefault: 'yes'}}, 'data.isDefault is a string, expected a boolean'],
    }),
  },
  {
    args: ['db', 'list'],
    request: 'GET /v1/databases',
    named: 'GET /v1/databases (page 1)',
    what: 'a database list',
    bodies: list({
      missing: [page([without(database(), 'id')]), 'data[0].id is missing'],
      wrong: [page([{...database(), status: 7}]), 'data[0].status is a number, expected a string'],
    }),
  },
  {
    args: ['whoami'],
    request: 'GET /v1/me',
    named: 'GET /v1/me',
    what: 'an account',
    bodies: single({
      missing: [{data: without(me(), 'credential')}, 'data.credential is missing'],
      wrong: [{data: {...me(), workspace: 'Acme'}}, 'data.workspace is a string, expected an object'],
    }),
  },
  {
    args: ['regions', 'list'],
    request: 'GET /v1/regions/postgres',
    named: 'GET /v1/regions/postgres',
    what: 'a region list',
    bodies: list(
      {
        missing: [{data: [without(postgresRegion(), 'id')]}, 'data[0].id is missing'],
        wrong: [{data: [{...postgresRegion(), status: false}]}, 'data[0].status is a boolean, expected a string'],
      },
      (data) => ({data}),
    ),
  },
  {
    args: ['db', 'backups', 'list', 'db1'],
    request: 'GET /v1/databases/db1/backups',
    named: 'GET /v1/databases/db1/backups',
    what: 'a backup list',
    bodies: list(
      {
        missing: [{...backupList(), data: [without(backupList().data[0], 'id')]}, 'data[0].id is missing'],
        wrong: [{...backupList(), meta: {backupRetentionDays: '7'}}, 'meta.backupRetentionDays is a string, expected a number'],
      },
      (data) => ({...backupList(), data}),
    ),
  },
  {
    args: ['db', 'usage', 'db1'],
    request: 'GET /v1/databases/db1/usage',
    named: 'GET /v1/databases/db1/usage',
    what: 'a usage report',
    // Usage has no `data` wrapper: the first four all lack its period.
    bodies: [
      [{data: null}, 'period is missing'],
      [{data: 'a string'}, 'period is missing'],
      [{}, 'period is missing'],
      [{data: JUNK}, 'period is missing'],
      [without(usage(), 'metrics'), 'metrics is missing'],
      [{...usage(), generatedAt: 0}, 'generatedAt is a number, expected a string'],
    ],
  },
  {
    // The database's connections are listed first, so the default name repeats none of them.
    args: ['db', 'credentials', 'db1'],
    request: 'GET /v1/databases/db1/connections',
    named: 'GET /v1/databases/db1/connections (page 1)',
    what: 'a connection list',
    bodies: list({
      missing: [page([without(connection(), 'id')]), 'data[0].id is missing'],
      wrong: [page([{...connection(), name: 7}]), 'data[0].name is a number, expected a string'],
    }),
  },
  {
    args: ['db', 'credentials', 'db1'],
    before: [['GET /v1/databases/db1/connections', page([connection()])]],
    request: 'POST /v1/databases/db1/connections',
    named: 'POST /v1/databases/db1/connections',
    what: 'a connection',
    bodies: single({
      missing: [{data: without(createdConnection(), 'id')}, 'data.id is missing'],
      wrong: [
        {data: {...createdConnection(), endpoints: {direct: {host: 'db.prisma.io', port: '5432', connectionString: 'postgres://u:p@db.prisma.io:5432/postgres'}}}},
        'data.endpoints.direct.port is a string, expected a number',
      ],
    }),
  },
  {
    args: ['projects', 'create', '--no-wait'],
    request: 'POST /v1/projects',
    named: 'POST /v1/projects',
    what: 'a project',
    bodies: single({
      missing: [{data: without(createdProject(), 'id')}, 'data.id is missing'],
      wrong: [{data: {...createdProject(), workspace: null}}, 'data.workspace is null, expected an object'],
    }),
  },
]

describe('answers of the wrong shape: exit 6, invalid-response', () => {
  for (const c of CASES) {
    it(`${c.args.join(' ')}: each of six bad answers is named, once, on stderr and as one JSON error`, async () => {
      const before = new Map(c.before ?? [])
      for (const [body, detail] of c.bodies) {
        answer = (request) => {
          const answered = before.get(`${request.method} ${new URL(request.url, 'http://x').pathname}`)
          return answered === undefined ? {status: c.request.startsWith('POST /v1/projects') ? 201 : 200, body} : {body: answered}
        }
        server.received.length = 0
        const message = `${c.named}: the API answered with something that is not ${c.what} (${detail}).`
        const result = await cli([...c.args, '--json'])
        const seen = `for ${JSON.stringify(body)}: exit ${result.code}, stderr:\n${result.stderr}`
        assert.equal(result.code, 6, `exit code ${seen}`)
        jsonError(result, {code: 'invalid-response', message})
        assert.equal(result.stderr, `Error: ${message}\nIs --api-url the Management API? If it is, run again with DEBUG=prisma-mgmt:http to see each request.\n`, `stderr ${seen}`)
        assert.deepEqual(requests(), [...before.keys(), c.request], `one request, never repeated, ${seen}`)
      }
    })
  }

  it('without --json, stdout stays empty and stderr says what the answer was not', async () => {
    for (const c of CASES) {
      const before = new Map(c.before ?? [])
      answer = (request) => ({body: before.get(`${request.method} ${new URL(request.url, 'http://x').pathname}`) ?? {data: null}})
      const result = await cli(c.args)
      const detail = c.what === 'a usage report' ? 'period is missing' : c.what.endsWith(' list') ? 'data is null, expected a list' : 'data is null, expected an object'
      assert.equal(result.code, 6, `${c.args.join(' ')}: exit ${result.code}, stderr:\n${result.stderr}`)
      assert.equal(result.stdout, '', `${c.args.join(' ')} printed nothing on stdout`)
      assert.equal(
        result.stderr,
        `Error: ${c.named}: the API answered with something that is not ${c.what} (${detail}).\nIs --api-url the Management API? If it is, run again with DEBUG=prisma-mgmt:http to see each request.\n`,
        `${c.args.join(' ')}: stderr`,
      )
    }
  })

  it('a valid answer with fields the API may add later passes through --json untouched', async () => {
    const served = {zFirst: 'kept first', ...project('p1'), workspace: {...project('p1').workspace, plan: {tier: 'pro', seats: [1, 2]}}, later: null}
    answer = () => ({body: {data: served, meta: {ignored: true}}})
    const result = await cli(['projects', 'show', 'p1', '--json'])
    assert.equal(result.code, 0, `exit ${result.code}, stderr:\n${result.stderr}`)
    assert.equal(result.stdout, `${JSON.stringify(served, null, 2)}\n`, 'stdout is the served object, same fields in the same order')
  })
})

describe('lists that do not end: exit 6 after a bounded number of requests', () => {
  it('a server that answers hasMore with a new cursor forever is left after 10,000 pages', async () => {
    // One small item per page: a few seconds for 10,000 requests over one kept-alive connection.
    const item = {id: 'p', name: 'p', createdAt: '2026-11-28T00:00:00Z', defaultRegion: null, workspace: {id: 'w', name: 'w'}}
    answer = (request) => {
      const cursor = Number(new URL(request.url, 'http://x').searchParams.get('cursor') ?? 0)
      return {body: {data: [item], pagination: {hasMore: true, nextCursor: String(cursor + 1)}}}
    }
    const result = await cli(['projects', 'list', '--json'], 300_000)
    const message = 'GET /v1/projects: stopped after 10,000 pages (10,000 items); the API kept answering hasMore.'
    assert.equal(result.code, 6, `exit ${result.code}, stderr:\n${result.stderr}`)
    jsonError(result, {code: 'invalid-response', message})
    assert.match(result.stderr, new RegExp(`^Error: ${message.replaceAll(/[.()]/g, '\\$&')}\n`), 'stderr names the cap')
    assert.equal(server.received.length, 10_000, `requests received: ${server.received.length}`)
  })

  it('an empty page that claims more follow', async () => {
    answer = () => ({body: {data: [], pagination: {hasMore: true, nextCursor: 'next'}}})
    const result = await cli(['projects', 'list'])
    assert.equal(result.code, 6, `exit ${result.code}, stderr:\n${result.stderr}`)
    assert.equal(result.stdout, '', 'nothing on stdout')
    assert.match(result.stderr, /^Error: GET \/v1\/projects \(page 1\): the API answered an empty page that says more follow \(hasMore\)\.\n/, 'stderr')
    assert.equal(server.received.length, 1, 'one request')
  })

  it('a cursor the server already gave', async () => {
    answer = () => ({body: {data: [database()], pagination: {hasMore: true, nextCursor: 'same'}}})
    const result = await cli(['db', 'list', '--json'])
    assert.equal(result.code, 6, `exit ${result.code}, stderr:\n${result.stderr}`)
    jsonError(result, {code: 'invalid-response', message: 'GET /v1/databases (page 2): the API gave a page cursor it had given before; the list would never end.'})
    assert.equal(server.received.length, 2, 'two requests: the first page and the one the cursor named')
  })

  it('hasMore without a cursor', async () => {
    answer = () => ({body: {data: [project()], pagination: {hasMore: true, nextCursor: null}}})
    const result = await cli(['projects', 'list', '--json'])
    assert.equal(result.code, 6, `exit ${result.code}, stderr:\n${result.stderr}`)
    jsonError(result, {code: 'invalid-response', message: 'GET /v1/projects (page 1): the API says more follow (hasMore) but gave no cursor to fetch them.'})
    assert.equal(server.received.length, 1, 'one request')
  })
})

describe('retries that wait are said on stderr', () => {
  it('a 429 with Retry-After: 2 prints the retry line on stderr; stdout is exactly the JSON', async () => {
    answer = () =>
      server.received.length === 1
        ? {status: 429, body: {error: {code: 'rate-limited', message: 'Slow \u001b[31mdown'}}, headers: {'retry-after': '2'}}
        : {body: page([project('p1')])}
    const result = await cli(['projects', 'list', '--json'])
    assert.equal(result.code, 0, `exit ${result.code}, stderr:\n${result.stderr}`)
    assert.equal(result.stdout, `${JSON.stringify([project('p1')], null, 2)}\n`, 'stdout is the list alone')
    assert.equal(result.stderr, 'Rate limited by the API; retrying in 2 s (attempt 2 of 5)\n', 'stderr: the retry line, nothing the server wrote')
    assert.equal(server.received.length, 2, 'the first request and its retry')
  })

  it('a 503 with Retry-After: 2 names the status; a wait of a second or less is silent', async () => {
    answer = () => {
      const n = server.received.length
      if (n === 1) return {status: 503, body: {error: {code: 'unavailable', message: 'later'}}, headers: {'retry-after': '2'}}
      if (n === 2) return {status: 503, body: {error: {code: 'unavailable', message: 'later'}}, headers: {'retry-after': '1'}}
      return {body: {data: project('p1')}}
    }
    const result = await cli(['projects', 'show', 'p1'])
    assert.equal(result.code, 0, `exit ${result.code}, stderr:\n${result.stderr}`)
    assert.match(result.stdout, /p1/, 'stdout shows the project')
    assert.equal(result.stderr, 'The API answered 503 Service Unavailable; retrying in 2 s (attempt 2 of 5)\n', 'one line, for the two-second wait only')
    assert.equal(server.received.length, 3, 'three requests')
  })
})

describe('ids that cannot be part of a URL: exit 2, nothing sent', () => {
  const cases: [args: string[], argument: string, value: string][] = [
    [['projects', 'show', '..'], 'id', '..'],
    [['projects', 'delete', '.', '--yes'], 'id', '.'],
    [['projects', 'rename', '', 'x'], 'id', ''],
    [['db', 'show', '.'], 'db-id', '.'],
    [['db', 'usage', '  '], 'db-id', '  '],
    [['db', 'credentials', '..'], 'db-id', '..'],
    [['db', 'backups', 'list', ''], 'db-id', ''],
    [['db', 'connections', 'rotate', ''], 'conn-id', ''],
    [['db', 'connections', 'delete', '..', '--yes'], 'conn-id', '..'],
  ]
  for (const [args, argument, value] of cases) {
    it(`${args.map((a) => JSON.stringify(a)).join(' ')}`, async () => {
      answer = () => ({body: {data: project()}})
      const message = `Invalid ${argument} argument ${JSON.stringify(value)}: an id is never empty, blank, "." or "..".`
      const result = await cli(args)
      assert.equal(result.code, 2, `exit ${result.code}, stderr:\n${result.stderr}`)
      assert.equal(result.stdout, '', 'nothing on stdout')
      assert.equal(result.stderr, `Error: ${message}\nPass an id as the \`list\` commands show it.\n`, 'stderr names the argument and the value')
      const json = await cli([...args, '--json'])
      assert.equal(json.code, 2, `--json: exit ${json.code}, stderr:\n${json.stderr}`)
      jsonError(json, {code: 'usage', message})
      assert.deepEqual(requests(), [], 'no request was sent')
    })
  }

  it('db list --project ..: the flag\'s id is refused before any request too', async () => {
    answer = () => ({body: page([])})
    const result = await cli(['db', 'list', '--project', '..', '--json'])
    assert.equal(result.code, 2, `exit ${result.code}, stderr:\n${result.stderr}`)
    jsonError(result, {code: 'usage', message: '".." is not an id: ids cannot be empty, blank, "." or ".." (in /v1/projects/{id}/databases).'})
    assert.deepEqual(requests(), [], 'no request was sent')
  })
})
