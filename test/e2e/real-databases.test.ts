// The emulator's real databases through the built binary: credentials that connect, revocation
// that revokes, data that survives a restart, and nothing left running after SIGTERM.
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {createConnection} from 'node:net'
import {after, before, describe, it} from 'node:test'
import {promisify} from 'node:util'


import {Emulator, parseJson, removeDir, run, tempDir} from './harness.js'
import {query} from './sql.js'
import {hasPostgres, startCluster, type Cluster} from './postgres-cluster.js'

const exec = promisify(execFile)

/** True when something accepts TCP connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const socket = createConnection({host: '127.0.0.1', port})
    socket.once('connect', () => {
      socket.destroy()
      ok(true)
    })
    socket.once('error', () => ok(false))
  })
}

async function descendants(pid: number): Promise<number[]> {
  const {stdout} = await exec('ps', ['-e', '-o', 'pid=,ppid='])
  const children = new Map<number, number[]>()
  for (const line of stdout.trim().split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number)
    children.set(parent, [...(children.get(parent) ?? []), child])
  }
  const all: number[] = []
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      all.push(c)
      walk(c)
    }
  }
  walk(pid)
  return all
}

interface CreatedProject {
  id: string
  database: {id: string; status: string; connections: {endpoints: {direct: {port: number; connectionString: string}}}[]}
}

describe('real databases: local (PGlite through @prisma/dev)', {timeout: 240_000}, () => {
  let dataDir: string
  let home: string

  before(async () => {
    dataDir = await tempDir()
    home = await tempDir()
  })
  after(async () => {
    await removeDir(dataDir)
    await removeDir(home)
  })

  it('create a project, mint a credential, query through it; rows survive a restart; SIGTERM leaves nothing', async () => {
    let emulator = await Emulator.start(['--databases', 'local', '--data-dir', dataDir])
    const created = await run(['projects', 'create', '--name', 'real', '--region', 'us-east-1', '--json'], {env: emulator.env(home), emulator, timeoutMs: 120_000})
    assert.equal(created.code, 0, created.stderr)
    const project = parseJson<CreatedProject>(created)
    assert.equal(project.database.status, 'ready')
    const url = (await run(['db', 'credentials', project.database.id, '--format', 'url'], {env: emulator.env(home), emulator})).stdout.trim()
    assert.match(url, /^postgres(ql)?:\/\//)
    await query(url, 'create table notes (id int primary key, body text)')
    await query(url, "insert into notes values (1, 'kept across restarts')")
    assert.deepEqual(await query(url, 'select body from notes'), [{body: 'kept across restarts'}])

    const port = Number(new URL(url).port)
    const pid = (emulator as unknown as {child: {pid: number}}).child.pid
    const children = await descendants(pid)
    assert.ok(children.length > 0, 'the database runs in a child process')
    assert.equal(await emulator.stop(), 0)
    assert.equal(await listening(port), false, 'the database port is free after SIGTERM')
    const left = (await exec('ps', ['-e', '-o', 'pid='])).stdout.split('\n').map(Number)
    for (const child of children) assert.ok(!left.includes(child), `child ${child} is gone`)

    emulator = await Emulator.start(['--databases', 'local', '--data-dir', dataDir])
    try {
      const listed = parseJson<{id: string}[]>(await run(['projects', 'list', '--json'], {env: emulator.env(home, {PRISMA_SERVICE_TOKEN: emulator.token}), emulator}))
      assert.deepEqual(listed.map((p) => p.id), [project.id])
      const again = (await run(['db', 'credentials', project.database.id, '--format', 'url'], {env: emulator.env(home), emulator, timeoutMs: 120_000})).stdout.trim()
      assert.deepEqual(await query(again, 'select body from notes'), [{body: 'kept across restarts'}])
    } finally {
      await emulator.stop()
    }
  })
})

describe('real databases: postgres (a real server, a role per connection)', {skip: hasPostgres ? false : 'PostgreSQL server binaries are not installed (apt-get install postgresql)', timeout: 240_000}, () => {
  let cluster: Cluster | undefined
  let adminUrl: string
  let emulator: Emulator
  let home: string
  const env = () => emulator.env(home)

  before(async () => {
    cluster = await startCluster()
    adminUrl = cluster.adminUrl
    home = await tempDir()
    emulator = await Emulator.start(['--databases', 'postgres', '--postgres-url', adminUrl])
  })
  after(async () => {
    await emulator?.stop()
    await cluster?.stop()
    await removeDir(home)
  })

  it('the printed connection string connects and runs SQL', async () => {
    const created = await run(['projects', 'create', '--name', 'pg-real', '--json'], {env: env(), emulator, timeoutMs: 60_000})
    assert.equal(created.code, 0, created.stderr)
    const project = parseJson<CreatedProject>(created)
    const url = (await run(['db', 'credentials', project.database.id, '--format', 'url'], {env: env(), emulator})).stdout.trim()
    await query(url, 'create table t (x int)')
    await query(url, 'insert into t values (7)')
    assert.deepEqual(await query(url, 'select x from t'), [{x: 7}])
  })

  it('a rotated connection\'s old string is refused at once; the new one works', async () => {
    const project = parseJson<CreatedProject>(await run(['projects', 'create', '--name', 'pg-rotate', '--json'], {env: env(), emulator, timeoutMs: 60_000}))
    const minted = parseJson<{id: string; endpoints: {direct: {connectionString: string}}}>(
      await run(['db', 'credentials', project.database.id, '--json'], {env: env(), emulator}),
    )
    const oldUrl = minted.endpoints.direct.connectionString
    assert.deepEqual(await query(oldUrl, 'select 1 as one'), [{one: 1}])
    const rotated = await run(['db', 'connections', 'rotate', minted.id, '--yes', '--format', 'url'], {env: env(), emulator})
    assert.equal(rotated.code, 0, rotated.stderr)
    const newUrl = rotated.stdout.trim()
    assert.notEqual(newUrl, oldUrl)
    await assert.rejects(query(oldUrl, 'select 1'), /password authentication failed/)
    assert.deepEqual(await query(newUrl, 'select 1 as one'), [{one: 1}])
  })

  it('a deleted connection\'s string is refused; a deleted database is gone from the server', async () => {
    const project = parseJson<CreatedProject>(await run(['projects', 'create', '--name', 'pg-delete', '--json'], {env: env(), emulator, timeoutMs: 60_000}))
    const minted = parseJson<{id: string; endpoints: {direct: {connectionString: string}}}>(
      await run(['db', 'credentials', project.database.id, '--json'], {env: env(), emulator}),
    )
    const url = minted.endpoints.direct.connectionString
    assert.deepEqual(await query(url, 'select 1 as one'), [{one: 1}])
    const refused = await run(['db', 'connections', 'delete', minted.id], {env: env(), emulator})
    assert.equal(refused.code, 2, 'nothing is deleted without --yes')
    assert.deepEqual(await query(url, 'select 1 as one'), [{one: 1}])
    const deleted = await run(['db', 'connections', 'delete', minted.id, '--yes'], {env: env(), emulator})
    assert.equal(deleted.code, 0, deleted.stderr)
    await assert.rejects(query(url, 'select 1'), /password authentication failed|does not exist/)

    // A second database of the project, dropped from the server by `db delete`.
    const second = parseJson<{id: string}>(await run(['db', 'create', '--project', project.id, '--name', 'extra', '--json'], {env: env(), emulator, timeoutMs: 60_000}))
    const extraUrl = (await run(['db', 'credentials', second.id, '--format', 'url'], {env: env(), emulator})).stdout.trim()
    const dbName = new URL(extraUrl).pathname.slice(1)
    assert.deepEqual(await query(adminUrl, `select datname from pg_database where datname = '${dbName}'`), [{datname: dbName}])
    const dropped = await run(['db', 'delete', second.id, '--yes'], {env: env(), emulator})
    assert.equal(dropped.code, 0, dropped.stderr)
    assert.deepEqual(await query(adminUrl, `select datname from pg_database where datname = '${dbName}'`), [])
    await assert.rejects(query(extraUrl, 'select 1'), /password authentication failed|does not exist/)
  })
})
