// What every handler works with: the state, the database lifecycle, the views' context and the
// token. Built once by startEmulator(); handlers get it through `Call`, with who is calling.
import type {DatabaseMode} from './databases/backend.js'
import type {GithubActionsIssuer} from './github-actions.js'
import type {AuthorizationServer} from './oauth/authorization-server.js'
import {notFound} from './problems.js'
import type {Provisioning} from './provisioning.js'
import type {ConnectionRecord, DatabaseRecord, ProjectRecord, WorkspaceRecord} from './records.js'
import type {Store} from './store.js'
import type {ViewContext} from './views.js'

export interface EmulatorCore {
  store: Store
  provisioning: Provisioning
  views: ViewContext
  token: string
  databases: DatabaseMode
  log: (line: string) => void
  /** Who a bare token authenticates as for the API (a transfer's recipient token), or undefined. */
  authenticate: (token: string) => Principal | undefined
  /** The authorization server's logins, which the API shows as integrations of their workspace. */
  oauth: Pick<AuthorizationServer, 'clientId' | 'liveAuthorizations' | 'revokeClient'>
  /** What POST /v1/auth/github-actions/token checks OIDC tokens against. */
  githubActions?: GithubActionsIssuer
}

/** Who sent a request: the service token, or an OAuth access token; each sees one workspace. */
export type Principal =
  | {kind: 'service_token'; workspace: WorkspaceRecord; tokenId: string; tokenName: string}
  | {kind: 'oauth'; workspace: WorkspaceRecord; authorizationId: string; clientId: string}

/** One API request, as a handler sees it. Path parameters are already percent-decoded. */
export interface Call {
  core: EmulatorCore
  principal: Principal
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

/** What a lookup needs: the state and the caller, whose workspace bounds what exists. */
export type Scope = Pick<Call, 'core' | 'principal'>

/** The project, when it is in the caller's workspace: any other does not exist for the caller. */
export function findProject({core, principal}: Scope, id: string): ProjectRecord | undefined {
  const project = core.store.projects.get(id)
  return project?.workspaceId === principal.workspace.id ? project : undefined
}

export function findDatabase({core, principal}: Scope, id: string): DatabaseRecord | undefined {
  const database = core.store.databases.get(id)
  return database && core.store.workspaceIdOf(database) === principal.workspace.id ? database : undefined
}

export function requireProject(scope: Scope, id: string): ProjectRecord {
  const project = findProject(scope, id)
  if (!project) throw notFound('Project', id)
  return project
}

/** The database, counted as one operation for its usage metrics. */
export function requireDatabase(scope: Scope, id: string): DatabaseRecord {
  const database = findDatabase(scope, id)
  if (!database) throw notFound('Database', id)
  countOperation(scope.core, database)
  return database
}

export function requireConnection(scope: Scope, id: string): {connection: ConnectionRecord; database: DatabaseRecord} {
  const connection = scope.core.store.connections.get(id)
  const database = connection && findDatabase(scope, connection.databaseId)
  if (!connection || !database) throw notFound('Connection', id)
  countOperation(scope.core, database)
  return {connection, database}
}

/** One API request about the database, on today's (UTC) tally. */
export function countOperation(core: EmulatorCore, database: DatabaseRecord): void {
  const day = new Date().toISOString().slice(0, 10)
  database.operations[day] = (database.operations[day] ?? 0) + 1
  core.store.changed()
}
