// The `local` backend: real PostgreSQL (PGlite through @prisma/dev) in child processes.
// Each test has its own folder (data dir and temp dir) and backends, closed whatever the outcome.

import assert from 'node:assert/strict'
import type {ChildProcess} from 'node:child_process'
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, it} from 'node:test'

import pg from 'pg'

import type {BackendOptions, DatabaseBackend, DatabaseEndpoints} from '../../src/emulator/databases/backend.js'
import {createLocalBackend} from '../../src/emulator/databases/local.js'

const linux = process.platform === 'linux'

/** Database server processes whose parent is this test process (Linux /proc); tsx has its own. */
function childPids(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
        // Fields after the command name, which sits in parentheses and may hold spaces: state, ppid, ...
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
        const serves = readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('local-server')
        return ppid === process.pid && serves ? [Number(entry)] : []
      } catch {
        return []
      }
    })
}

function residentKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) : 0
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({host: '127.0.0.1', port})
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'))
  })
}

/** Listens on 127.0.0.1:port; undefined when another process holds it already (taken all the same). */
async function squat(port: number): Promise<net.Server | undefined> {
  const server = net.createServer()
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(undefined) : reject(error)))
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

/** Whether some process listens on 127.0.0.1:port (or holds it), seen by trying to listen there. */
async function held(port: number): Promise<boolean> {
  const server = await squat(port)
  if (!server) return true
  await new Promise((resolve) => server.close(resolve))
  return false
}

function ports(endpoints: DatabaseEndpoints): number[] {
  return [endpoints.direct.port, ...(endpoints.pooled ? [endpoints.pooled.port] : []), ...(endpoints.accelerate ? [endpoints.accelerate.port] : [])]
}

function urlOf(credential: {user: string; password: string}, endpoint: {host: string; port: number; database: string}): string {
  return `postgres://${credential.user}:${credential.password}@${endpoint.host}:${endpoint.port}/${endpoint.database}?sslmode=disable`
}

async function queryAs(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    return (await client.query(sql)).rows
  } finally {
    await client.end()
  }
}

const refusedWith28P01 = (error: unknown): boolean => (error as {code?: string}).code === '28P01'

async function query<T extends pg.QueryResultRow>(backend: DatabaseBackend, databaseId: string, endpoints: DatabaseEndpoints, sql: string): Promise<T[]> {
  const {user, password} = await backend.createCredential(databaseId, 'con1')
  const {host, port, database} = endpoints.direct
  const client = new pg.Client({connectionString: `postgres://${user}:${password}@${host}:${port}/${database}?sslmode=disable`})
  await client.connect()
  try {
    return (await client.query<T>(sql)).rows
  } finally {
    await client.end()
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
}

describe('local database backend (@prisma/dev)', () => {
  /** This test's folder: `data/` is the data dir, `tmp/` the base of data-dir-less backends' temp dirs. */
  let scratch = ''
  let dataDir = ''
  let tempBase = ''
  let backends: DatabaseBackend[] = []
  let children: ChildProcess[] = []
  const logs: string[] = []
  const log = (line: string): void => {
    logs.push(line)
  }
  /** A backend that afterEach closes, whatever the test's outcome. */
  const local = (options: Partial<BackendOptions> = {}): DatabaseBackend => {
    const backend = createLocalBackend({host: '127.0.0.1', dataDir, log, ...options})
    backends.push(backend)
    return backend
  }

  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'pmgmt-local-test-'))
    dataDir = join(scratch, 'data')
    tempBase = join(scratch, 'tmp')
    await mkdir(tempBase)
    backends = []
    children = []
    logs.length = 0
  })

  afterEach(async () => {
    try {
      for (const child of children) child.kill('SIGKILL')
      await Promise.all(backends.map((backend) => backend.close()))
      if (linux) assert.deepEqual(childPids(), [], 'every database server of the test has stopped')
    } finally {
      await rm(scratch, {recursive: true, force: true})
    }
  })

  it('provisions a real PostgreSQL that pg reaches through the direct endpoint', async () => {
    const backend = local()
    const endpoints = await backend.provision('alpha')
    assert.equal(endpoints.direct.host, '127.0.0.1')
    await query(backend, 'alpha', endpoints, 'CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)')
    await query(backend, 'alpha', endpoints, "INSERT INTO notes (body) VALUES ('one'), ('two')")
    const rows = await query<{body: string}>(backend, 'alpha', endpoints, 'SELECT body FROM notes ORDER BY id')
    assert.deepEqual(rows, [{body: 'one'}, {body: 'two'}])
    // Again: the same running server.
    assert.deepEqual(await backend.provision('alpha'), endpoints)
    assert.ok(existsSync(join(dataDir, 'databases', 'alpha')), `no folder alpha in ${join(dataDir, 'databases')}`)
  })

  it("serves a prisma+postgres:// (Accelerate) endpoint through the front: each connection's own key, swapped for @prisma/dev's", async () => {
    const backend = local()
    const {accelerate, direct} = await backend.provision('alpha')
    assert.ok(accelerate, 'accelerate endpoint')
    assert.equal(accelerate.host, '127.0.0.1')
    assert.deepEqual(Object.keys(accelerate).sort(), ['host', 'port'], 'no URL shared by every connection')
    const first = await backend.createCredential('alpha', 'con5')
    const second = await backend.createCredential('alpha', 'con6')
    assert.ok(first.accelerateUrl && second.accelerateUrl, 'an accelerate URL with each credential')
    assert.notEqual(first.accelerateUrl, second.accelerateUrl)
    const url = new URL(first.accelerateUrl)
    assert.equal(url.protocol, 'prisma+postgres:')
    assert.equal(url.hostname, '127.0.0.1')
    assert.equal(Number(url.port), accelerate.port)
    const key = url.searchParams.get('api_key') ?? ''
    const claims = JSON.parse(Buffer.from(key, 'base64url').toString('utf8')) as {databaseUrl: string}
    assert.equal(claims.databaseUrl, urlOf(first, direct), "the key names the connection's direct string at the front, not PGlite's port")
    // @prisma/dev checks its key before anything else: 401 "Invalid API Key" for a wrong one. Past
    // that check, a request without an engine hash gets its 400 naming the Prisma Client version.
    const connectionInfo = async (apiKey: string): Promise<{status: number; text: string}> => {
      const answer = await fetch(`http://127.0.0.1:${accelerate.port}/connection-info`, {headers: {authorization: `Bearer ${apiKey}`}})
      return {status: answer.status, text: await answer.text()}
    }
    const served = await connectionInfo(key)
    assert.equal(served.status, 400, served.text)
    assert.match(served.text, /not supported with Prisma Client version undefined/, "@prisma/dev's answer past its key check")
    const health = await fetch(`http://127.0.0.1:${accelerate.port}/health`)
    assert.equal(health.status, 401, 'no request passes without a key, not even one @prisma/dev answers to anyone')
    await health.text()

    const rotated = await backend.rotateCredential('alpha', 'con5')
    assert.notEqual(rotated.accelerateUrl, first.accelerateUrl)
    assert.equal((await connectionInfo(key)).status, 401, 'the key from before the rotation')
    const rotatedKey = new URL(rotated.accelerateUrl ?? '').searchParams.get('api_key') ?? ''
    assert.equal((await connectionInfo(rotatedKey)).status, 400)
    await backend.dropCredential('alpha', 'con5')
    assert.equal((await connectionInfo(rotatedKey)).status, 401, 'the key of a deleted connection')
    const untouched = new URL(second.accelerateUrl).searchParams.get('api_key') ?? ''
    assert.equal((await connectionInfo(untouched)).status, 400, 'the other connection is untouched')
    // A backup stops and starts PGlite again: the proxy finds @prisma/dev's server (and key) of the new run.
    await backend.backup('alpha', 'bk1')
    const afterBackup = await connectionInfo(untouched)
    assert.equal(afterBackup.status, 400, afterBackup.text)
    assert.match(afterBackup.text, /not supported with Prisma Client version undefined/)
  })

  it('answers a query sent to the Accelerate URL as Prisma Client 7.2.0 sends it', async () => {
    const backend = local()
    const endpoints = await backend.provision('alpha')
    await query(backend, 'alpha', endpoints, "CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL); INSERT INTO notes (body) VALUES ('one')")
    assert.ok(endpoints.accelerate, 'accelerate endpoint')
    const {accelerateUrl} = await backend.createCredential('alpha', 'con7')
    assert.ok(accelerateUrl, 'an accelerate URL with the credential')
    const url = new URL(accelerateUrl)
    // The request Prisma Client 7.2.0 makes for $queryRaw`SELECT body FROM notes` (its version is the one @prisma/dev accepts).
    const response = await fetch(`http://127.0.0.1:${endpoints.accelerate.port}/query`, {
      method: 'POST',
      headers: {Authorization: `Bearer ${url.searchParams.get('api_key')}`, 'Content-Type': 'application/json', 'Prisma-Engine-Hash': '7.2.0'},
      body: JSON.stringify({operation: 'queryRaw', plan: {type: 'query', args: {type: 'rawSql', sql: 'SELECT body FROM notes', args: [], argTypes: []}}, params: {}}),
    })
    const body = await response.text()
    assert.equal(response.status, 200, body)
    assert.deepEqual(JSON.parse(body), {data: {columns: ['body'], types: ['string'], rows: [['one']]}})
  })

  it('gives each connection its own login at the front; rotating and dropping revoke it and end its sessions', async () => {
    const backend = local()
    const endpoints = await backend.provision('alpha')
    assert.equal(endpoints.direct.database, 'postgres')
    assert.ok(endpoints.pooled, 'a pooled endpoint')
    const first = await backend.createCredential('alpha', 'con2')
    const second = await backend.createCredential('alpha', 'con3')
    assert.notEqual(first.user, second.user)
    assert.notEqual(first.password, second.password)
    assert.deepEqual(await queryAs(urlOf(first, endpoints.direct), 'SELECT 1 AS one'), [{one: 1}])
    assert.deepEqual(await queryAs(urlOf(second, endpoints.pooled), 'SELECT 2 AS two'), [{two: 2}])
    // PGlite's own fixed pair does not pass the front.
    await assert.rejects(queryAs(urlOf({user: 'postgres', password: 'postgres'}, endpoints.direct), 'SELECT 1'), refusedWith28P01)
    await assert.rejects(queryAs(urlOf(first, {...endpoints.direct, database: 'template1'}), 'SELECT 1'), /database "template1" does not exist/)

    const open = new pg.Client({connectionString: urlOf(first, endpoints.direct)})
    const ended = new Promise<Error & {code?: string}>((resolve) => open.on('error', (error) => resolve(error as Error & {code?: string})))
    await open.connect()
    const rotated = await backend.rotateCredential('alpha', 'con2')
    assert.equal(rotated.user, first.user)
    assert.notEqual(rotated.password, first.password)
    assert.equal((await ended).code, '57P01')
    await open.end().catch(() => undefined)
    await assert.rejects(queryAs(urlOf(first, endpoints.direct), 'SELECT 1'), refusedWith28P01)
    assert.deepEqual(await queryAs(urlOf(rotated, endpoints.direct), 'SELECT 1 AS one'), [{one: 1}])

    await backend.dropCredential('alpha', 'con2')
    await assert.rejects(queryAs(urlOf(rotated, endpoints.direct), 'SELECT 1'), refusedWith28P01)
    assert.deepEqual(await queryAs(urlOf(second, endpoints.direct), 'SELECT 1 AS one'), [{one: 1}], 'the other connection is untouched')
  })

  it('a login of one database does not open another', async () => {
    const backend = local()
    const [alpha, beta] = await Promise.all([backend.provision('alpha'), backend.provision('beta')])
    const credential = await backend.createCredential('alpha', 'con4')
    assert.deepEqual(await queryAs(urlOf(credential, alpha.direct), 'SELECT 1 AS one'), [{one: 1}])
    await assert.rejects(queryAs(urlOf(credential, beta.direct), 'SELECT 1'), refusedWith28P01)
  })

  it('keeps databases apart and starts them side by side', async () => {
    const backend = local()
    const alpha = await backend.provision('alpha')
    await query(backend, 'alpha', alpha, 'CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)')
    const [beta, gamma] = await Promise.all([backend.provision('beta'), backend.provision('gamma')])
    assert.equal(new Set([alpha, beta, gamma].flatMap(ports)).size, 9)
    const tables = await query<{name: string}>(backend, 'beta', beta, "SELECT tablename AS name FROM pg_tables WHERE tablename = 'notes'")
    assert.deepEqual(tables, [], 'alpha\'s table is not in beta')
  })

  it('drop stops the server, frees its ports and removes its files', async () => {
    const backend = local()
    const endpoints = await backend.provision('gamma')
    const before = linux ? childPids() : []
    await backend.drop('gamma')
    for (const port of ports(endpoints)) assert.equal(await refusesConnections(port), true, `port ${port}`)
    assert.equal(existsSync(join(dataDir, 'databases', 'gamma')), false)
    if (linux) assert.equal(childPids().length, before.length - 1)
    await backend.drop('gamma')
  })

  it('close() stops every server; a restart on the same data dir brings the rows back on the same ports', async () => {
    const backend = local()
    const alpha = await backend.provision('alpha')
    await query(backend, 'alpha', alpha, 'CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)')
    await query(backend, 'alpha', alpha, "INSERT INTO notes (body) VALUES ('one'), ('two')")
    const beta = await backend.provision('beta')
    const kept = await backend.createCredential('alpha', 'kept')
    await backend.close()
    await backend.close()
    for (const port of [...ports(alpha), ...ports(beta)]) assert.equal(await refusesConnections(port), true, `port ${port}`)
    if (linux) assert.deepEqual(childPids(), [])
    await assert.rejects(backend.provision('alpha'), /closed/)

    const restarted = local()
    const again = await restarted.provision('alpha')
    // The last run's ports, unless another process took one meanwhile (then another is right).
    for (const [index, port] of ports(alpha).entries()) {
      const now = ports(again)[index]
      if (now !== port) assert.equal(await held(port), true, `port ${port} was free, yet the restart moved to ${now}`)
    }
    if (ports(again).every((port, index) => port === ports(alpha)[index])) assert.deepEqual(again, alpha, 'the same connection details')
    else assert.deepEqual({host: again.direct.host, database: again.direct.database}, {host: alpha.direct.host, database: alpha.direct.database})
    const rows = await query<{body: string}>(restarted, 'alpha', again, 'SELECT body FROM notes ORDER BY id')
    assert.deepEqual(rows, [{body: 'one'}, {body: 'two'}])
    assert.deepEqual(await queryAs(urlOf(kept, again.direct), 'SELECT count(*)::int AS n FROM notes'), [{n: 2}], 'a login made before the restart still works')
    const stored = readFileSync(join(dataDir, 'databases', 'local-front.json'), 'utf8')
    assert.ok(!stored.includes(kept.password), 'the front keeps verifiers, not passwords')
  })

  it('a restart whose old port was taken meanwhile takes another one', async () => {
    const first = local()
    const old = await first.provision('epsilon')
    await first.close()
    const squatter = await squat(old.direct.port)
    try {
      const second = local()
      const moved = await second.provision('epsilon')
      assert.notEqual(moved.direct.port, old.direct.port)
      assert.deepEqual(await query(second, 'epsilon', moved, 'SELECT 1 AS one'), [{one: 1}])
    } finally {
      if (squatter) await new Promise((resolve) => squatter.close(resolve))
    }
  })

  it('a server stops by itself, and removes its temp files, when the emulator dies without closing it', async () => {
    const {spawn} = await import('node:child_process')
    const localModule = new URL('../../src/emulator/databases/local.ts', import.meta.url).href
    const script = `const {createLocalBackend} = await import(${JSON.stringify(localModule)})
      const backend = createLocalBackend({host: '127.0.0.1', tempDir: ${JSON.stringify(tempBase)}, log: () => {}})
      console.log(JSON.stringify(await backend.provision('orphan')))
      setInterval(() => {}, 1000)`
    const emulator = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    children.push(emulator)
    const line = await new Promise<string>((resolve, reject) => {
      emulator.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8')))
      emulator.once('exit', (code) => reject(new Error(`emulator stand-in exited with ${code}`)))
    })
    const endpoints = JSON.parse(line) as DatabaseEndpoints
    assert.equal(await refusesConnections(endpoints.direct.port), false)
    assert.equal((await readdir(tempBase)).length, 1, 'the stand-in made its temp dir here')
    emulator.kill('SIGKILL')
    await until(async () => (await Promise.all(ports(endpoints).map(refusesConnections))).every(Boolean), 15_000)
    for (const port of ports(endpoints)) assert.equal(await refusesConnections(port), true, `port ${port}`)
    // The server process removes them after it closed its port: give it a moment.
    await until(async () => (await readdir(tempBase)).length === 0, 15_000)
    assert.deepEqual(await readdir(tempBase), [], 'the temp dir is removed')
  })

  it('without a data dir, works in a temp dir that close() removes', async () => {
    const scratchBackend = local({dataDir: undefined, tempDir: tempBase})
    const endpoints = await scratchBackend.provision('delta')
    const made = await readdir(tempBase)
    assert.equal(made.length, 1, `one temp dir, saw ${JSON.stringify(made)}`)
    assert.match(made[0], /^prisma-mgmt-local-/)
    assert.ok(existsSync(join(tempBase, made[0], 'delta')), `the database's files are in ${join(tempBase, made[0])}`)
    assert.equal(existsSync(join(dataDir, 'databases')), false, 'nothing in the data dir it was not given')
    await scratchBackend.close()
    for (const port of ports(endpoints)) assert.equal(await refusesConnections(port), true, `port ${port}`)
    assert.deepEqual(await readdir(tempBase), [], 'close() removed the temp dir')
  })

  it('a server that cannot start rejects provision() with a readable reason', async () => {
    const backend = local()
    // Damaged data files: PGlite aborts while opening them.
    const pgliteDir = join(dataDir, 'databases', 'broken', 'prisma-dev-nodejs', 'pmgmt-broken', '.pglite')
    await mkdir(pgliteDir, {recursive: true})
    await writeFile(join(pgliteDir, 'PG_VERSION'), 'not a version\n')
    const before = linux ? childPids() : []
    await assert.rejects(backend.provision('broken'), /local PostgreSQL for database broken \(files in .*broken\) did not start: \S/)
    if (linux) assert.deepEqual(childPids(), before)
    await assert.rejects(backend.provision('../escape'), /invalid database id/)
  })

  // Start time and memory are measured by scripts/measure-local-databases.js, not asserted here.
  it('runs each database in one child process of its own, resident in memory, which close() ends', {skip: linux ? false : '/proc is Linux only'}, async () => {
    const backend = local({dataDir: undefined, tempDir: tempBase})
    const servers: number[] = []
    for (const databaseId of ['m1', 'm2', 'm3']) {
      const pidsBefore = new Set(childPids())
      await backend.provision(databaseId)
      const started = childPids().filter((pid) => !pidsBefore.has(pid))
      assert.equal(started.length, 1, `provision(${databaseId}) started ${started.length} server processes`)
      assert.ok(residentKb(started[0]) > 0, `server ${started[0]} has no resident memory`)
      servers.push(started[0])
    }
    assert.deepEqual(childPids().sort(), [...servers].sort(), 'one server per database, no more')
    await backend.close()
    assert.deepEqual(childPids(), [], 'close() ended them all')
  })
})
