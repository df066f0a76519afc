// The PostgreSQL server the emulator runs itself: one per emulator, started when the first
// database is made (an emulator without databases starts none), on a loopback port, stopped with
// the emulator. Its cluster lives in a run folder removed on close, or with a data dir in
// `<dataDir>/databases/cluster` (kept). A server that dies is started again, a few times.
import {randomBytes} from 'node:crypto'
import {chmod, mkdir, mkdtemp, readFile, rm} from 'node:fs/promises'
import {createServer} from 'node:net'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {writeFileAtomically} from '../../../files/atomic-write.js'
import {EngineError, findBinaries} from './binaries.js'
import type {PostgresBinaries} from './binaries.js'
import {ADMIN_USER, cacheRoot, openCluster, serverOsUser} from './cluster.js'
import type {OsUser} from './cluster.js'
import {PostgresProcess} from './process.js'
import type {ServerSource} from './source.js'

const LOOPBACK = '127.0.0.1'
const START_TIMEOUT_MS = 60_000
/** A server that dies is started again at most this often within RESTART_WINDOW_MS. */
const RESTARTS = 3
const RESTART_WINDOW_MS = 60_000
/** How long the leftovers of a killed server may take to go: LEFTOVER_TRIES starts, LEFTOVER_WAIT_MS apart. */
const LEFTOVER_TRIES = 40
const LEFTOVER_WAIT_MS = 250

export interface ManagedServerOptions {
  /** With a data dir the cluster is kept in `<dataDir>/databases/cluster`. */
  dataDir?: string
  /** Where the run folder is made (the OS temp folder by default). */
  tempDir?: string
  /** A bin folder of PostgreSQL on this machine instead of the npm package. */
  binDir?: string
  /** The cache folder of the cluster template (`$XDG_CACHE_HOME/prisma-mgmt` by default). */
  cacheDir?: string
  log: (line: string) => void
}

interface Saved {
  adminPassword?: string
  port?: number
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, LOOPBACK, () => {
      const {port} = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function adminUrl(password: string, port: number): string {
  return `postgres://${ADMIN_USER}:${encodeURIComponent(password)}@${LOOPBACK}:${port}/postgres`
}

export function managedServer(options: ManagedServerOptions): ServerSource {
  const persistent = options.dataDir ? join(options.dataDir, 'databases') : undefined
  const stateFile = persistent && join(persistent, 'cluster.json')
  let runDir: Promise<string> | undefined
  let port: Promise<number> | undefined
  let starting: Promise<string> | undefined
  let server: PostgresProcess | undefined
  let binaries: PostgresBinaries | undefined
  let closing = false
  let restarts: number[] = []
  /** Given up on after it died: the next ready() starts it afresh and reports it up. */
  let failed = false
  const source: ServerSource = {
    name: 'the emulator\'s PostgreSQL',
    managed: true,
    onHealth: () => undefined,
    address: async () => ({host: LOOPBACK, port: await portOf()}),
    ready: () => {
      if (closing) return Promise.reject(new Error('the emulator\'s PostgreSQL is stopping'))
      starting ??= start().catch((error: unknown) => {
        starting = undefined
        throw error
      })
      return starting
    },
    close: async () => {
      closing = true
      await starting?.catch(() => undefined)
      await server?.stop()
      if (runDir) await rm(await runDir, {recursive: true, force: true}).catch(() => undefined)
    },
  }

  const readSaved = async (): Promise<Saved> => {
    if (!stateFile) return {}
    try {
      return JSON.parse(await readFile(stateFile, 'utf8')) as Saved
    } catch {
      return {}
    }
  }
  const save = async (change: Saved): Promise<void> => {
    if (!stateFile || !persistent) return
    await mkdir(persistent, {recursive: true, mode: 0o700})
    await writeFileAtomically(stateFile, JSON.stringify({...(await readSaved()), ...change}))
  }

  const portOf = (): Promise<number> => {
    port ??= (async () => {
      const last = (await readSaved()).port
      if (last) return last
      const chosen = await freePort()
      await save({port: chosen})
      return chosen
    })()
    return port
  }

  const runFolder = (): Promise<string> => {
    runDir ??= mkdtemp(join(options.tempDir ?? tmpdir(), 'prisma-mgmt-postgres-'))
    return runDir
  }

  /**
   * Starts the server, retrying for a while when processes of a server that was killed are still
   * finishing (they hold its shared memory, and the new one refuses to start beside them).
   */
  const launch = async (context: {binaries: PostgresBinaries; user: OsUser | undefined; data: string; run: string; password: string}, at: number): Promise<PostgresProcess> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await launchOnce(context, at)
      } catch (error) {
        if (attempt >= LEFTOVER_TRIES || !/pre-existing shared memory block|lock file .* already exists/.test((error as Error).message)) throw error
        await new Promise((resolve) => setTimeout(resolve, LEFTOVER_WAIT_MS))
      }
    }
  }

  /** Starts the server on the cluster and waits until it accepts connections; the process on success. */
  const launchOnce = async (context: {binaries: PostgresBinaries; user: OsUser | undefined; data: string; run: string; password: string}, at: number): Promise<PostgresProcess> => {
    const {default: pg} = await import('pg')
    const started = PostgresProcess.start({
      binaries: context.binaries,
      linkDir: join(context.run, 'lib'),
      data: context.data,
      port: at,
      user: context.user,
      removeIfOrphaned: persistent ? undefined : context.run,
      onLine: (line) => {
        if (/\b(WARNING|ERROR|FATAL|PANIC):/.test(line) && !/\bFATAL: {2}(password authentication failed|terminating connection|the database system is (starting up|shutting down))/.test(line)) options.log(`[postgres] ${line}`)
      },
    })
    const deadline = Date.now() + START_TIMEOUT_MS
    for (;;) {
      if (!started.running) {
        const {code, signal} = await started.exited
        const tail = started.tail()
        throw Object.assign(new Error(`PostgreSQL ${context.binaries.version} exited (${signal ?? `code ${code}`}) before it accepted connections${tail ? `:\n${tail}` : ''}`), {portTaken: /Address already in use|could not create any TCP\/IP sockets/.test(tail)})
      }
      const client = new pg.Client({connectionString: adminUrl(context.password, at), connectionTimeoutMillis: 2000})
      client.on('error', () => undefined)
      try {
        await client.connect()
        await client.end()
        return started
      } catch {
        // Not awaited: ending a client whose connection never completed may never settle.
        void client.end().catch(() => undefined)
      }
      if (Date.now() > deadline) {
        await started.stop()
        throw new Error(`PostgreSQL ${context.binaries.version} did not accept connections within ${START_TIMEOUT_MS / 1000} s:\n${started.tail()}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  /** Cluster-wide setup, idempotent: the maintenance databases closed to connection roles. Answers the administrative URL. */
  const setUp = async (at: number, major: number, cluster: {adminPassword: string; fresh: boolean}, password: string): Promise<string> => {
    const {default: pg} = await import('pg')
    const client = new pg.Client({connectionString: adminUrl(cluster.adminPassword, at)})
    client.on('error', () => undefined)
    await client.connect()
    try {
      if (cluster.fresh) {
        // A cluster copied from the template gets an administrative password of its own.
        const {scramVerifier} = await import('../pooler/verifier.js')
        await client.query(`ALTER ROLE ${ADMIN_USER} PASSWORD ${pg.escapeLiteral(scramVerifier(password))}`)
      }
      for (const database of ['postgres', 'template1']) await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${database} FROM PUBLIC`)
    } finally {
      await client.end()
    }
    const url = adminUrl(password, at)
    if (major >= 17) await installLoginCheck(url)
    return url
  }

  const start = async (): Promise<string> => {
    const run = await runFolder()
    const user = await serverOsUser()
    if (user) {
      // The server's account passes through the run folder (and the data dir) to its own folders.
      await chmod(run, 0o711)
      if (options.dataDir && persistent) {
        await mkdir(persistent, {recursive: true, mode: 0o700})
        await chmod(options.dataDir, 0o711)
        await chmod(persistent, 0o711)
      }
    }
    binaries ??= await findBinaries({binDir: options.binDir, linkDir: join(run, 'lib')})
    const data = persistent ? join(persistent, 'cluster') : join(run, 'cluster')
    const cluster = await openCluster({
      binaries,
      runDir: run,
      linkDir: join(run, 'lib'),
      cacheDir: options.cacheDir ?? cacheRoot(),
      user,
      log: options.log,
      data,
      adminFile: stateFile ?? join(run, 'cluster.json'),
    })
    let at = await portOf()
    const context = {binaries, user, data, run, password: cluster.adminPassword}
    try {
      server = await launch(context, at)
    } catch (error) {
      // Last run's port is someone else's now: any free one will do (endpoints follow).
      if (!(error as {portTaken?: boolean}).portTaken) throw new EngineError((error as Error).message, {cause: error})
      const previous = at
      at = await freePort()
      port = Promise.resolve(at)
      await save({port: at})
      options.log(`PostgreSQL: port ${previous} is taken, moving to ${at}`)
      server = await launch(context, at).catch((again: unknown) => {
        throw new EngineError((again as Error).message, {cause: again})
      })
    }
    const password = cluster.fresh ? randomBytes(24).toString('base64url') : cluster.adminPassword
    const url = await setUp(at, binaries.major, cluster, password)
    if (cluster.fresh) await writeFileAtomically(stateFile ?? join(run, 'cluster.json'), JSON.stringify({...(await readSaved()), adminPassword: password, port: at}))
    options.log(`PostgreSQL ${binaries.version} (${binaries.source}) listening on ${LOOPBACK}:${at}${user ? ` as ${user.name}` : ''}, cluster in ${data}`)
    watch(server, {...context, password})
    if (failed) {
      failed = false
      restarts = []
      source.onHealth({state: 'up'})
    }
    return url
  }

  const watch = (running: PostgresProcess, context: {binaries: PostgresBinaries; user: OsUser | undefined; data: string; run: string; password: string}): void => {
    void running.exited.then(async ({code, signal}) => {
      if (closing || server !== running) return
      const said = running.tail(20).split('\n').filter((line) => /\b(PANIC|FATAL):/.test(line) && !/terminating connection|not yet accepting|starting up|shutting down/.test(line)).at(-1)
      const reason = `PostgreSQL exited (${signal ?? `code ${code}`})${said ? `: ${said.replace(/^.*?\b(PANIC|FATAL):\s*/, '')}` : ''}`
      options.log(reason)
      const now = Date.now()
      restarts = restarts.filter((at) => now - at < RESTART_WINDOW_MS)
      if (restarts.length >= RESTARTS) {
        starting = undefined
        failed = true
        source.onHealth({state: 'failed', reason: `${reason}; it was started again ${RESTARTS} times within ${RESTART_WINDOW_MS / 1000} s and is left stopped`})
        return
      }
      restarts.push(now)
      source.onHealth({state: 'down', reason})
      try {
        const again = await launch(context, await portOf())
        if (closing) return void (await again.stop())
        server = again
        options.log('PostgreSQL started again')
        watch(again, context)
        source.onHealth({state: 'up'})
      } catch (error) {
        starting = undefined
        failed = true
        source.onHealth({state: 'failed', reason: `${reason}; starting it again failed: ${(error as Error).message}`})
      }
    })
  }

  return source
}

/**
 * A connection role may enter only databases its database's owner role owns: its own, and a
 * database it created itself (Prisma Migrate's shadow database, which new databases' default
 * CONNECT for PUBLIC would otherwise open to every role). PostgreSQL 17's login event trigger, in
 * template1 (in a schema of its own, which no client describes), so every database created
 * without naming a template has it.
 */
async function installLoginCheck(url: string): Promise<void> {
  const {default: pg} = await import('pg')
  const inTemplate = new URL(url)
  inTemplate.pathname = '/template1'
  const client = new pg.Client({connectionString: inTemplate.toString()})
  client.on('error', () => undefined)
  await client.connect()
  try {
    const {rowCount} = await client.query("SELECT 1 FROM pg_event_trigger WHERE evtname = 'pmgmt_login_check'")
    if (rowCount) return
    await client.query('CREATE SCHEMA IF NOT EXISTS pmgmt_login')
    await client.query(`CREATE OR REPLACE FUNCTION pmgmt_login.check() RETURNS event_trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
     AND NOT pg_has_role(session_user, (SELECT datdba FROM pg_database WHERE datname = current_database()), 'MEMBER') THEN
    RAISE EXCEPTION 'permission denied for database "%"', current_database()
      USING ERRCODE = '42501', DETAIL = 'A connection enters its own database and the databases it created.';
  END IF;
END $$`)
    await client.query('CREATE EVENT TRIGGER pmgmt_login_check ON login EXECUTE FUNCTION pmgmt_login.check()')
  } finally {
    await client.end()
  }
}
