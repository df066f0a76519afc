// Child process of the `local` backend: serves one emulated database with @prisma/dev (PGlite,
// PostgreSQL compiled to WebAssembly). One process per database, so dropping a database gives its
// few hundred MB back to the system and a crash stays inside it. The parent sets XDG_DATA_HOME so
// that @prisma/dev keeps its files in the database's own folder, never under the user's home.

import http from 'node:http'
import {syncBuiltinESMExports} from 'node:module'

import type {Server} from '@prisma/dev'

import type {LocalServerCommand, LocalServerConfig, LocalServerMessage} from './local-protocol.js'

const LOOPBACK = '127.0.0.1'

/** `RuntimeError: unreachable` says more than `unreachable` alone (PGlite's WebAssembly aborting). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message
}

function send(message: LocalServerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve()
    process.send(message, undefined, {}, () => resolve())
  })
}

// @prisma/dev's HTTP server listens without a host, that is on every interface; the database
// behind it needs no password, so keep it on loopback like the PostgreSQL socket next to it.
function keepHttpOnLoopback(): void {
  const createServer = http.createServer
  const loopbackCreateServer = (...args: unknown[]): http.Server => {
    const server = Reflect.apply(createServer, http, args) as http.Server
    const listen = server.listen.bind(server) as (...listenArgs: unknown[]) => http.Server
    const loopbackListen = (port: unknown, host: unknown, ...rest: unknown[]): http.Server =>
      typeof host === 'string' || host === undefined ? listen(port, host ?? LOOPBACK, ...rest) : listen(port, host, ...rest)
    server.listen = loopbackListen as typeof server.listen
    return server
  }
  http.createServer = loopbackCreateServer as typeof http.createServer
  // @prisma/dev imports createServer by name; this makes the ESM binding see the wrapper.
  syncBuiltinESMExports()
}

async function lastPorts(name: string): Promise<{port: number; databasePort: number; shadowDatabasePort: number} | undefined> {
  const {ServerState} = await import('@prisma/dev/internal/state')
  const last = await ServerState.fromServerDump({name}).catch(() => null)
  return last ? {port: last.port, databasePort: last.databasePort, shadowDatabasePort: last.shadowDatabasePort} : undefined
}

/** Nobody else will remove a temp dir once the emulator is gone; the last server out removes the root. */
async function removeTemporary(config: LocalServerConfig): Promise<void> {
  if (!config.temporary) return
  const {rm, rmdir} = await import('node:fs/promises')
  await rm(config.temporary.databaseDir, {recursive: true, force: true}).catch(() => undefined)
  await rmdir(config.temporary.rootDir).catch(() => undefined)
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as LocalServerConfig
  let server: Server | undefined
  let stopping: Promise<void> | undefined
  const stop = (orphaned = false): Promise<void> => {
    stopping ??= (server ? server.close() : Promise.resolve())
      .catch((error: unknown) => console.error(describe(error)))
      .then(() => (orphaned ? removeTemporary(config) : undefined))
      .then(() => process.exit(0))
    return stopping
  }
  process.on('message', (message: LocalServerCommand) => {
    if (message.type === 'stop') void stop()
  })
  // The parent went away without stopping us: stop rather than linger as an orphan.
  process.on('disconnect', () => void stop(true))
  process.on('SIGTERM', () => void stop())
  // Ctrl-C reaches the whole process group; the emulator stops us itself, in order, when it closes.
  process.on('SIGINT', () => {})

  keepHttpOnLoopback()
  const {registerOtelContextManager} = await import('./local-otel-context.js')
  registerOtelContextManager()
  const {startPrismaDevServer} = await import('@prisma/dev')
  try {
    server = await startPrismaDevServer({
      name: config.name,
      // Stateful keeps the data in files under XDG_DATA_HOME, so a restart finds its rows.
      persistenceMode: 'stateful',
      // Port 0 lets the kernel choose, so databases starting together never race for one port.
      ...((config.reusePorts && (await lastPorts(config.name))) || {port: 0, databasePort: 0, shadowDatabasePort: 0}),
    })
  } catch (error) {
    const portTaken = error instanceof Error && error.name === 'PortNotAvailableError'
    await send({type: 'failed', message: describe(error), portTaken})
    process.exit(1)
  }
  if (stopping || !process.connected) return stop()
  await send({type: 'ready', connectionString: server.database.connectionString, accelerateUrl: server.ppg.url})
}

main().catch(async (error: unknown) => {
  await send({type: 'failed', message: describe(error), portTaken: false})
  process.exit(1)
})
