// The Management API's endpoints, typed from the official contract. Commands call these and
// nothing lower; loaded lazily because the transport pulls in undici.
import type {
  BackupList,
  Connection,
  CreateConnectionInput,
  CreateDatabaseInput,
  CreateProjectInput,
  CreatedConnection,
  CreatedDatabase,
  CreatedProject,
  Database,
  FetchedConnection,
  ListedDatabase,
  Me,
  PostgresRegion,
  Project,
  ProjectDatabase,
  Region,
  RenamedProject,
  RotatedConnection,
  Usage,
  UsageQuery,
  Workspace,
} from './contract.js'
import {InvalidResponseError} from './errors.js'
import {apiPath} from './path.js'
import {Transport, type TransportOptions} from './transport.js'

export interface ListOptions {
  /** Stop after this many items (all pages otherwise). */
  limit?: number
}

export class ManagementApi {
  readonly transport: Transport

  constructor(options: TransportOptions) {
    this.transport = new Transport(options)
  }

  close(): Promise<void> {
    return this.transport.close()
  }

  getMe(): Promise<Me> {
    return this.data<Me>('GET', '/v1/me')
  }

  listWorkspaces(options: ListOptions = {}): AsyncGenerator<Workspace> {
    return this.transport.paginate<Workspace>('/v1/workspaces', {}, options)
  }

  listPostgresRegions(): Promise<PostgresRegion[]> {
    return this.data<PostgresRegion[]>('GET', '/v1/regions/postgres')
  }

  listRegions(): Promise<Region[]> {
    return this.data<Region[]>('GET', '/v1/regions')
  }

  listProjects(options: ListOptions = {}): AsyncGenerator<Project> {
    return this.transport.paginate<Project>('/v1/projects', {}, options)
  }

  createProject(input: CreateProjectInput): Promise<CreatedProject> {
    return this.data<CreatedProject>('POST', '/v1/projects', input)
  }

  getProject(id: string): Promise<Project> {
    return this.data<Project>('GET', apiPath`/v1/projects/${id}`)
  }

  renameProject(id: string, name: string): Promise<RenamedProject> {
    return this.data<RenamedProject>('PATCH', apiPath`/v1/projects/${id}`, {name})
  }

  async deleteProject(id: string): Promise<void> {
    await this.transport.request<undefined>('DELETE', apiPath`/v1/projects/${id}`)
  }

  listDatabases(options: ListOptions & {projectId?: string} = {}): AsyncGenerator<ListedDatabase | ProjectDatabase> {
    const {projectId, limit} = options
    if (projectId !== undefined) {
      return this.transport.paginate<ProjectDatabase>(apiPath`/v1/projects/${projectId}/databases`, {}, {limit})
    }
    return this.transport.paginate<ListedDatabase>('/v1/databases', {}, {limit})
  }

  getDatabase(id: string, options: {signal?: AbortSignal} = {}): Promise<Database> {
    return this.data<Database>('GET', apiPath`/v1/databases/${id}`, undefined, options.signal)
  }

  createDatabase(projectId: string, input: CreateDatabaseInput): Promise<CreatedDatabase> {
    return this.data<CreatedDatabase>('POST', apiPath`/v1/projects/${projectId}/databases`, input)
  }

  async deleteDatabase(id: string): Promise<void> {
    await this.transport.request<undefined>('DELETE', apiPath`/v1/databases/${id}`)
  }

  listConnections(databaseId: string, options: ListOptions = {}): AsyncGenerator<Connection> {
    return this.transport.paginate<Connection>(apiPath`/v1/databases/${databaseId}/connections`, {}, options)
  }

  getConnection(id: string): Promise<FetchedConnection> {
    return this.data<FetchedConnection>('GET', apiPath`/v1/connections/${id}`)
  }

  createConnection(databaseId: string, input: CreateConnectionInput): Promise<CreatedConnection> {
    return this.data<CreatedConnection>('POST', apiPath`/v1/databases/${databaseId}/connections`, input)
  }

  rotateConnection(id: string): Promise<RotatedConnection> {
    return this.data<RotatedConnection>('POST', apiPath`/v1/connections/${id}/rotate`)
  }

  async deleteConnection(id: string): Promise<void> {
    await this.transport.request<undefined>('DELETE', apiPath`/v1/connections/${id}`)
  }

  /** The whole body: backups have `meta.backupRetentionDays` and a pagination without cursors. */
  async listBackups(databaseId: string, options: ListOptions = {}): Promise<BackupList> {
    const path = apiPath`/v1/databases/${databaseId}/backups`
    const body = await this.transport.request<BackupList | undefined>('GET', path, {query: {limit: options.limit}})
    if (!body || !Array.isArray(body.data)) throw new InvalidResponseError(`GET ${path} answered without a "data" list.`)
    return body
  }

  /** The whole body: usage has no `data` wrapper. */
  async getUsage(databaseId: string, query: UsageQuery = {}): Promise<Usage> {
    const path = apiPath`/v1/databases/${databaseId}/usage`
    const body = await this.transport.request<Usage | undefined>('GET', path, {query: {startDate: query.startDate, endDate: query.endDate}})
    if (!body || typeof body !== 'object') throw new InvalidResponseError(`GET ${path} answered without a body.`)
    return body
  }

  /** Single-resource answers are `{data: ...}`; anything else is not the API talking. */
  private async data<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const answer = await this.transport.request<{data?: T} | undefined>(method, path, {body, signal})
    if (!answer || typeof answer !== 'object' || answer.data === undefined) {
      throw new InvalidResponseError(`${method} ${path} answered without a "data" field.`)
    }
    return answer.data
  }
}
