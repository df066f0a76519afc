// The `local` backend: each emulated database is a real PostgreSQL (PGlite through @prisma/dev),
// run in a child process of its own on free loopback ports, with a `prisma+postgres://` URL too.
//
// Credentials: PGlite has one fixed user and checks no password, so clients do not reach it
// directly. The `direct` and `pooled` endpoints are the emulator's authenticating front
// (front/front.ts): each connection has its own user and password there, rotating or deleting it
// refuses the old one and ends its sessions, and the front shares PGlite's one session among many
// clients a transaction at a time. The `accelerate` endpoint is the front's too (front/accelerate.ts):
// each connection has its own key there, swapped for @prisma/dev's one key on the way through.

import type {ChildProcess} from 'node:child_process'
import {mkdir, mkdtemp, readdir, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {checkIds} from '../ids.js'
import type {BackendOptions, DatabaseBackend, DatabaseEndpoints} from './backend.js'
import type {AccelerateUpstream} from './front/accelerate.js'
import {loadFrontRecords} from './front/credentials.js'
import type {FrontPorts} from './front/credentials.js'
import {CLIENT_DATABASE, Front} from './front/front.js'
import {backupData, backupDir, copyToBackup, dataFolderOf, replaceData} from './local-copies.js'
import type {LocalServerCommand, LocalServerConfig, LocalServerMessage} from './local-protocol.js'

/** The state file of the front's logins and ports, under the data dir's databases folder. */
const FRONT_FILE = 'local-front.json'
/** The PGlite socket listens here; naming it rather than `localhost` avoids a refused `::1`. */
const LOOPBACK = '127.0.0.1'
/** A cold start compiles PGlite's WebAssembly: a few seconds, more on a busy CI machine. */
const START_TIMEOUT_MS = 90_000
const STOP_TIMEOUT_MS = 15_000
/** How much of a child's output is kept to explain a failed start. */
const OUTPUT_TAIL_CHARS = 2000

interface RunningDatabase {
  child: ChildProcess
  /** PGlite's own socket, reached only by the front. */
  databasePort: number
  /** @prisma/dev's HTTP server and its one key, reached only by the front's accelerate proxy. */
  accelerate: AccelerateUpstream
}

class LocalStartError extends Error {
  constructor(
    message: string,
    readonly portTaken: boolean,
  ) {
    super(message)
  }
}

/** The child entry, run through tsx when this module itself runs from source. */
function childEntry(): {file: string; execArgv: string[]} {
  const fromSource = import.meta.url.endsWith('.ts')
  const file = new URL(fromSource ? './local-server.ts' : './local-server.js', import.meta.url)
  return {file: fileURLToPath(file), execArgv: fromSource ? ['--import', import.meta.resolve('tsx')] : []}
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child)) return
  if (child.connected) child.send({type: 'stop'} satisfies LocalServerCommand)
  else child.kill('SIGTERM')
  if (await waitForExit(child, STOP_TIMEOUT_MS)) return
  child.kill('SIGKILL')
  await waitForExit(child, STOP_TIMEOUT_MS)
}

export function createLocalBackend(opts: BackendOptions): DatabaseBackend {
  const running = new Map<string, RunningDatabase>()
  const starting = new Map<string, Promise<DatabaseEndpoints>>()
  let root: Promise<string> | undefined
  let closing: Promise<void> | undefined
  let front: Promise<Front> | undefined

  const frontDoor = (): Promise<Front> => {
    front ??= loadFrontRecords(opts.dataDir ? join(opts.dataDir, 'databases', FRONT_FILE) : undefined).then(
      (records) =>
        new Front({
          records,
          log: opts.log,
          upstreamOf: (databaseId) => {
            const server = running.get(databaseId)
            return server && {host: LOOPBACK, port: server.databasePort}
          },
          // Looked up per request: a database restarted meanwhile has new ports and a new key.
          accelerateOf: (databaseId) => running.get(databaseId)?.accelerate,
        }),
    )
    return front
  }

  // Without a data dir, everything goes into one temp dir that close() removes.
  const rootDir = (): Promise<string> => {
    root ??= opts.dataDir
      ? mkdir(join(opts.dataDir, 'databases'), {recursive: true}).then(() => join(opts.dataDir as string, 'databases'))
      : mkdtemp(join(opts.tempDir ?? tmpdir(), 'prisma-mgmt-local-'))
    return root
  }

  const spawnServer = async (databaseId: string, dir: string, reusePorts: boolean): Promise<RunningDatabase> => {
    const {fork} = await import('node:child_process')
    const {file, execArgv} = childEntry()
    const temporary = opts.dataDir ? undefined : {databaseDir: dir, rootDir: await rootDir()}
    const config: LocalServerConfig = {name: `pmgmt-${databaseId}`, reusePorts, temporary}
    const child = fork(file, [JSON.stringify(config)], {
      execArgv,
      // @prisma/dev finds its folder through these (XDG on Linux, HOME on macOS, AppData on Windows).
      env: {...process.env, XDG_DATA_HOME: dir, XDG_CACHE_HOME: join(dir, 'cache'), HOME: dir, LOCALAPPDATA: dir, APPDATA: dir},
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    })
    let output = ''
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS)
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', (chunk: Buffer) => {
      keep(chunk)
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) opts.log(`[database ${databaseId}] ${line}`)
    })

    return new Promise<RunningDatabase>((resolve, reject) => {
      let failed = false
      const fail = async (reason: string, portTaken = false): Promise<void> => {
        if (failed) return
        failed = true
        clearTimeout(timer)
        // A child that reported its failure exits by itself, releasing @prisma/dev's lock on its folder.
        if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
          child.kill('SIGKILL')
          await waitForExit(child, STOP_TIMEOUT_MS)
        }
        const tail = output.trim() ? `\n${output.trim()}` : ''
        reject(new LocalStartError(`local PostgreSQL for database ${databaseId} (files in ${dir}) did not start: ${reason}${tail}`, portTaken))
      }
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        void fail(`not ready after ${START_TIMEOUT_MS / 1000} s`)
      }, START_TIMEOUT_MS)
      const onError = (error: Error): void => void fail(error.message)
      const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null): void =>
        void fail(`its process exited (${signal ?? `code ${code}`}) before it was ready`)
      child.once('error', onError)
      child.once('exit', onEarlyExit)
      child.once('message', (message: LocalServerMessage) => {
        if (message.type === 'failed') return void fail(message.message, message.portTaken)
        clearTimeout(timer)
        child.off('exit', onEarlyExit)
        child.off('error', onError)
        // E.g. a stop message to a child that just died: worth a log line, not the emulator's life.
        child.on('error', (error) => opts.log(`local PostgreSQL for database ${databaseId}: ${error.message}`))
        child.on('exit', (code, signal) => {
          // A server that dies on its own is forgotten, so the next provision() starts it again.
          if (running.get(databaseId)?.child === child) {
            running.delete(databaseId)
            opts.log(`local PostgreSQL for database ${databaseId} exited (${signal ?? `code ${code}`})`)
          }
        })
        const direct = new URL(message.connectionString)
        const accelerate = new URL(message.accelerateUrl)
        resolve({
          child,
          databasePort: Number(direct.port),
          accelerate: {host: LOOPBACK, port: Number(accelerate.port), apiKey: accelerate.searchParams.get('api_key') ?? ''},
        })
      })
    })
  }

  const start = async (databaseId: string): Promise<DatabaseEndpoints> => {
    const dir = join(await rootDir(), databaseId)
    await mkdir(dir, {recursive: true})
    const hasData = (await readdir(dir)).length > 0
    let server: RunningDatabase
    try {
      server = await spawnServer(databaseId, dir, hasData)
    } catch (error) {
      // Last run's port was taken meanwhile: take any free one instead.
      if (!(error instanceof LocalStartError && error.portTaken)) throw error
      server = await spawnServer(databaseId, dir, false)
    }
    if (closing) {
      await stopChild(server.child)
      throw new Error('the local database backend is closed')
    }
    running.set(databaseId, server)
    let ports
    try {
      ports = await (await frontDoor()).open(databaseId)
    } catch (error) {
      running.delete(databaseId)
      await stopChild(server.child)
      throw new Error(`the front of local database ${databaseId} did not start: ${error instanceof Error ? error.message : String(error)}`, {cause: error})
    }
    opts.log(
      `database ${databaseId}: PostgreSQL (PGlite) on ${LOOPBACK}:${server.databasePort}, its front on ${LOOPBACK}:${ports.direct} (direct), :${ports.pooled} (pooled) and :${ports.accelerate} (accelerate)`,
    )
    return endpointsOf(ports)
  }

  const endpointsOf = (ports: FrontPorts): DatabaseEndpoints => ({
    direct: {host: LOOPBACK, port: ports.direct, database: CLIENT_DATABASE},
    pooled: {host: LOOPBACK, port: ports.pooled, database: CLIENT_DATABASE},
    ...(ports.accelerate === undefined ? {} : {accelerate: {host: LOOPBACK, port: ports.accelerate}}),
  })

  const settled = async (databaseId: string): Promise<void> => {
    await starting.get(databaseId)?.catch(() => undefined)
  }

  /** Runs `work` with these databases stopped (PGlite's files are still only then), and starts the ones that ran again. */
  const whileStopped = async <T>(databaseIds: readonly string[], work: () => Promise<T>, restart: (databaseId: string) => Promise<unknown>): Promise<T> => {
    const stopped: string[] = []
    try {
      for (const databaseId of databaseIds) {
        await settled(databaseId)
        const server = running.get(databaseId)
        if (!server) continue
        running.delete(databaseId)
        stopped.push(databaseId)
        await stopChild(server.child)
      }
      return await work()
    } finally {
      // Started again behind the same front ports, so connection strings already given keep working.
      for (const databaseId of stopped) if (!closing) await restart(databaseId)
    }
  }

  const databaseDir = async (databaseId: string): Promise<string> => join(await rootDir(), databaseId)

  return {
    mode: 'local',

    async provision(databaseId) {
      checkIds('local', {database: databaseId})
      if (closing) throw new Error('the local database backend is closed')
      const server = running.get(databaseId)
      if (server) return endpointsOf(await (await frontDoor()).open(databaseId))
      let pending = starting.get(databaseId)
      if (!pending) {
        pending = start(databaseId).finally(() => starting.delete(databaseId))
        starting.set(databaseId, pending)
      }
      return pending
    },

    async backup(databaseId, backupId) {
      checkIds('local', {database: databaseId, connection: backupId})
      const target = backupDir(await rootDir(), backupId)
      const size = await whileStopped([databaseId], async () => copyToBackup(await databaseDir(databaseId), target), (id) => this.provision(id))
      opts.log(`database ${databaseId}: backup ${backupId} copied to ${target}`)
      return {size}
    },

    async restore(databaseId, backupId) {
      checkIds('local', {database: databaseId, connection: backupId})
      const data = await backupData(backupDir(await rootDir(), backupId))
      await whileStopped([databaseId], async () => replaceData(await databaseDir(databaseId), data), (id) => this.provision(id))
      opts.log(`database ${databaseId}: restored from backup ${backupId}`)
    },

    async cloneFrom(databaseId, sourceId) {
      checkIds('local', {database: databaseId, connection: sourceId})
      const copy = async (): Promise<void> => replaceData(await databaseDir(databaseId), await dataFolderOf(await databaseDir(sourceId), `database ${sourceId}`))
      await whileStopped([databaseId, sourceId], copy, (id) => this.provision(id))
      opts.log(`database ${databaseId}: copied from database ${sourceId}`)
    },

    async dropBackup(backupId) {
      checkIds('local', {database: backupId})
      if (!opts.dataDir && !root) return
      await rm(backupDir(await rootDir(), backupId), {recursive: true, force: true})
    },

    async createCredential(databaseId, connectionId) {
      checkIds('local', {database: databaseId, connection: connectionId})
      return (await frontDoor()).createLogin(databaseId, connectionId)
    },

    async rotateCredential(databaseId, connectionId) {
      checkIds('local', {database: databaseId, connection: connectionId})
      return (await frontDoor()).rotateLogin(databaseId, connectionId)
    },

    async dropCredential(databaseId, connectionId) {
      checkIds('local', {database: databaseId, connection: connectionId})
      await (await frontDoor()).dropLogin(databaseId, connectionId)
    },

    async drop(databaseId) {
      checkIds('local', {database: databaseId})
      await settled(databaseId)
      // Logins refused and sessions ended before the database goes.
      await (await frontDoor()).closeDatabase(databaseId, true)
      const server = running.get(databaseId)
      running.delete(databaseId)
      if (server) await stopChild(server.child)
      // Without a data dir there is nothing on disk unless this run made the temp dir.
      if (!opts.dataDir && !root) return
      await rm(join(await rootDir(), databaseId), {recursive: true, force: true})
      opts.log(`database ${databaseId}: local PostgreSQL stopped and its files removed`)
    },

    close() {
      closing ??= (async () => {
        await Promise.all([...starting.keys()].map(settled))
        await (await front?.catch(() => undefined))?.close()
        const servers = [...running.values()]
        running.clear()
        await Promise.all(servers.map((server) => stopChild(server.child)))
        if (!opts.dataDir && root) await rm(await root, {recursive: true, force: true})
      })()
      return closing
    },
  }
}
