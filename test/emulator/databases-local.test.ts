// The `local` backend: real PostgreSQL (PGlite through @prisma/dev) in child processes.

import assert from 'node:assert/strict'
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {after, before, describe, it} from 'node:test'

import pg from 'pg'

import type {DatabaseBackend, DatabaseEndpoints} from '../../src/emulator/databases/backend.js'
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

function ports(endpoints: DatabaseEndpoints): number[] {
  return [endpoints.direct.port, ...(endpoints.accelerate ? [endpoints.accelerate.port] : [])]
}

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

/** The backend's temp dirs (without a data dir). */
const temps = async (): Promise<string[]> => (await readdir(tmpdir())).filter((name) => name.startsWith('prisma-mgmt-local-'))

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

describe('local database backend (@prisma/dev)', () => {
  let dataDir = ''
  let backend: DatabaseBackend
  const logs: string[] = []
  const log = (line: string): void => {
    logs.push(line)
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pmgmt-local-test-'))
    backend = createLocalBackend({host: '127.0.0.1', dataDir, log})
  })

  after(async () => {
    await backend?.close()
    if (dataDir) await rm(dataDir, {recursive: true, force: true})
  })

  it('provisions a real PostgreSQL that pg reaches through the direct endpoint', async () => {
    const endpoints = await backend.provision('alpha')
    assert.equal(endpoints.direct.host, '127.0.0.1')
    await query(backend, 'alpha', endpoints, 'CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)')
    await query(backend, 'alpha', endpoints, "INSERT INTO notes (body) VALUES ('one'), ('two')")
    const rows = await query<{body: string}>(backend, 'alpha', endpoints, 'SELECT body FROM notes ORDER BY id')
    assert.deepEqual(rows, [{body: 'one'}, {body: 'two'}])
    // Again: the same running server.
    assert.deepEqual(await backend.provision('alpha'), endpoints)
    assert.ok(existsSync(join(dataDir, 'databases', 'alpha')))
  })

  it('serves a prisma+postgres:// (Accelerate) URL next to it, on loopback', async () => {
    const {accelerate} = await backend.provision('alpha')
    assert.ok(accelerate, 'accelerate endpoint')
    const url = new URL(accelerate.connectionString)
    assert.equal(url.protocol, 'prisma+postgres:')
    assert.equal(url.hostname, '127.0.0.1')
    assert.equal(Number(url.port), accelerate.port)
    assert.ok(url.searchParams.get('api_key'))
    const health = await fetch(`http://127.0.0.1:${accelerate.port}/health`)
    assert.equal(health.status, 200)
  })

  it('hands out the one fixed credential PGlite has', async () => {
    const created = await backend.createCredential('alpha', 'con2')
    assert.deepEqual(created, {user: 'postgres', password: 'postgres'})
    assert.deepEqual(await backend.rotateCredential('alpha', 'con2'), created)
    await backend.dropCredential('alpha', 'con2')
  })

  it('keeps databases apart and starts them side by side', async () => {
    const [beta, gamma] = await Promise.all([backend.provision('beta'), backend.provision('gamma')])
    const alpha = await backend.provision('alpha')
    assert.equal(new Set([alpha, beta, gamma].flatMap(ports)).size, 6)
    const tables = await query<{name: string}>(backend, 'beta', beta, "SELECT tablename AS name FROM pg_tables WHERE tablename = 'notes'")
    assert.deepEqual(tables, [])
  })

  it('drop stops the server, frees its ports and removes its files', async () => {
    const endpoints = await backend.provision('gamma')
    const before = linux ? childPids() : []
    await backend.drop('gamma')
    for (const port of ports(endpoints)) assert.equal(await refusesConnections(port), true, `port ${port}`)
    assert.equal(existsSync(join(dataDir, 'databases', 'gamma')), false)
    if (linux) assert.equal(childPids().length, before.length - 1)
    await backend.drop('gamma')
  })

  it('close() stops every server; a restart on the same data dir brings the rows back', async () => {
    const alpha = await backend.provision('alpha')
    const beta = await backend.provision('beta')
    await backend.close()
    await backend.close()
    for (const port of [...ports(alpha), ...ports(beta)]) assert.equal(await refusesConnections(port), true, `port ${port}`)
    if (linux) assert.deepEqual(childPids(), [])
    await assert.rejects(backend.provision('alpha'), /closed/)

    backend = createLocalBackend({host: '127.0.0.1', dataDir, log})
    const again = await backend.provision('alpha')
    // The last run's ports were free, so the connection string did not change.
    assert.deepEqual(again, alpha)
    const rows = await query<{body: string}>(backend, 'alpha', again, 'SELECT body FROM notes ORDER BY id')
    assert.deepEqual(rows, [{body: 'one'}, {body: 'two'}])
  })

  it('a restart whose old port was taken meanwhile takes another one', async () => {
    const first = createLocalBackend({host: '127.0.0.1', dataDir, log})
    const old = await first.provision('epsilon')
    await first.close()
    const squatter = net.createServer()
    await new Promise<void>((resolve) => squatter.listen(old.direct.port, '127.0.0.1', resolve))
    const second = createLocalBackend({host: '127.0.0.1', dataDir, log})
    try {
      const moved = await second.provision('epsilon')
      assert.notEqual(moved.direct.port, old.direct.port)
      assert.deepEqual(await query(second, 'epsilon', moved, 'SELECT 1 AS one'), [{one: 1}])
    } finally {
      await second.close()
      await new Promise((resolve) => squatter.close(resolve))
    }
  })

  it('a server stops by itself, and removes its temp files, when the emulator dies without closing it', async () => {
    const {spawn} = await import('node:child_process')
    const existing = await temps()
    const local = new URL('../../src/emulator/databases/local.ts', import.meta.url).href
    const script = `const {createLocalBackend} = await import(${JSON.stringify(local)})
      const backend = createLocalBackend({host: '127.0.0.1', log: () => {}})
      console.log(JSON.stringify(await backend.provision('orphan')))
      setInterval(() => {}, 1000)`
    const emulator = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const line = await new Promise<string>((resolve, reject) => {
      emulator.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8')))
      emulator.once('exit', (code) => reject(new Error(`emulator stand-in exited with ${code}`)))
    })
    const endpoints = JSON.parse(line) as DatabaseEndpoints
    assert.equal(await refusesConnections(endpoints.direct.port), false)
    emulator.kill('SIGKILL')
    const deadline = Date.now() + 15_000
    while (!(await refusesConnections(endpoints.direct.port)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    for (const port of ports(endpoints)) assert.equal(await refusesConnections(port), true, `port ${port}`)
    // The server process removes them after it closed its port: give it a moment.
    while ((await temps()).some((name) => !existing.includes(name)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    assert.deepEqual((await temps()).filter((name) => !existing.includes(name)), [])
  })

  it('without a data dir, works in a temp dir that close() removes', async () => {
    const existing = await temps()
    const scratch = createLocalBackend({host: '127.0.0.1', log})
    const endpoints = await scratch.provision('delta')
    const made = (await temps()).filter((name) => !existing.includes(name))
    assert.equal(made.length, 1)
    await scratch.close()
    for (const port of ports(endpoints)) assert.equal(await refusesConnections(port), true, `port ${port}`)
    assert.deepEqual((await temps()).filter((name) => !existing.includes(name)), [])
  })

  it('a server that cannot start rejects provision() with a readable reason', async () => {
    // Damaged data files: PGlite aborts while opening them.
    const pgliteDir = join(dataDir, 'databases', 'broken', 'prisma-dev-nodejs', 'pmgmt-broken', '.pglite')
    await mkdir(pgliteDir, {recursive: true})
    await writeFile(join(pgliteDir, 'PG_VERSION'), 'not a version\n')
    const before = linux ? childPids() : []
    await assert.rejects(backend.provision('broken'), /local PostgreSQL for database broken \(files in .*broken\) did not start: \S/)
    if (linux) assert.deepEqual(childPids(), before)
    await assert.rejects(backend.provision('../escape'), /invalid database id/)
  })

  it('measures start time and resident memory per database', {skip: linux ? false : '/proc is Linux only'}, async (t) => {
    const scratch = createLocalBackend({host: '127.0.0.1', log})
    const startMs: number[] = []
    const addedMb: number[] = []
    try {
      for (const databaseId of ['m1', 'm2', 'm3']) {
        const pidsBefore = new Set(childPids())
        const selfBefore = process.memoryUsage().rss
        const started = performance.now()
        await scratch.provision(databaseId)
        startMs.push(performance.now() - started)
        const newChildren = childPids().filter((pid) => !pidsBefore.has(pid))
        const childKb = newChildren.reduce((sum, pid) => sum + residentKb(pid), 0)
        addedMb.push((childKb * 1024 + process.memoryUsage().rss - selfBefore) / 1e6)
      }
    } finally {
      await scratch.close()
    }
    t.diagnostic(`provision() to ready, ms: ${startMs.map(Math.round).join(', ')}; median ${Math.round(median(startMs))}`)
    t.diagnostic(`resident memory added per database, MB: ${addedMb.map(Math.round).join(', ')}; median ${Math.round(median(addedMb))}`)
    assert.ok(median(startMs) < 60_000)
  })
})
