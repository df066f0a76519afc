// What every handler works with: the state, the database lifecycle, the views' context and the
// token. Built once by startEmulator(); handlers get it through `Call`.
import type {DatabaseMode} from './databases/backend.js'
import {notFound} from './problems.js'
import type {Provisioning} from './provisioning.js'
import type {ConnectionRecord, DatabaseRecord, ProjectRecord} from './records.js'
import type {Store} from './store.js'
import type {ViewContext} from './views.js'

export interface EmulatorCore {
  store: Store
  provisioning: Provisioning
  views: ViewContext
  token: string
  databases: DatabaseMode
  log: (line: string) => void
}

/** One API request, as a handler sees it. Path parameters are already percent-decoded. */
export interface Call {
  core: EmulatorCore
  method: string
  params: Record<string, string>
  query: URLSearchParams
  body: unknown
}

export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export type Handler = (call: Call) => Reply | Promise<Reply>

export function requireProject(core: EmulatorCore, id: string): ProjectRecord {
  const project = core.store.projects.get(id)
  if (!project) throw notFound('Project', id)
  return project
}

/** The database, counted as one operation for its usage metrics. */
export function requireDatabase(core: EmulatorCore, id: string): DatabaseRecord {
  const database = core.store.databases.get(id)
  if (!database) throw notFound('Database', id)
  countOperation(core, database)
  return database
}

export function requireConnection(core: EmulatorCore, id: string): {connection: ConnectionRecord; database: DatabaseRecord} {
  const connection = core.store.connections.get(id)
  const database = connection && core.store.databases.get(connection.databaseId)
  if (!connection || !database) throw notFound('Connection', id)
  countOperation(core, database)
  return {connection, database}
}

/** One API request about the database, on today's (UTC) tally. */
export function countOperation(core: EmulatorCore, database: DatabaseRecord): void {
  const day = new Date().toISOString().slice(0, 10)
  database.operations[day] = (database.operations[day] ?? 0) + 1
  core.store.changed()
}
