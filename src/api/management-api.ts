// The Management API's endpoints, typed from the official contract. Commands call these and
// nothing lower; loaded lazily because the transport pulls in undici and the schemas valibot.
// Every answer is checked against its schema before it is returned (schemas.ts).
import type {
  AccelerateRegion,
  BackupList,
  Bucket,
  BucketKey,
  CreateBucketInput,
  CreateBucketKeyInput,
  CreatedBucket,
  CreatedBucketKey,
  Integration,
  ListedBucket,
  WorkspaceIntegration,
  RegionProduct,
  UpdatedBucket,
  UpdateBucketInput,
  WorkspaceDetails,
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
  RenamedDatabase,
  RenamedProject,
  RestoredDatabase,
  RotatedConnection,
  Subscription,
  CreatedServiceToken,
  GithubActionsToken,
  GithubActionsTokenInput,
  ServiceToken,
  Usage,
  UsageQuery,
  Workspace,
} from './contract.js'
import {InvalidResponseError} from './errors.js'
import {apiPath} from './path.js'
import {check, expected, type Expected} from './schemas.js'
import {MAX_PAGE_SIZE, Transport, type Page, type RequestOptions, type TransportOptions} from './transport.js'

export interface ListOptions {
  /** Stop after this many items (all pages otherwise). */
  limit?: number
}

/** One page of a list, for callers that page themselves (the MCP tools). */
export interface PageOptions {
  /** The `nextCursor` of the previous page; absent for the first. */
  cursor?: string
  /** At most this many items (the API's own bound applies too). */
  limit?: number
}

export interface OnePage<T> {
  data: T[]
  /** The cursor of the next page, or null when this was the last. */
  nextCursor: string | null
}

export class ManagementApi {
  readonly transport: Transport

  constructor(options: TransportOptions) {
    this.transport = new Transport(options)
  }

  close(): Promise<void> {
    return this.transport.close()
  }

  getMe(options: {signal?: AbortSignal} = {}): Promise<Me> {
    return this.data('GET', '/v1/me', expected.me, {signal: options.signal})
  }

  listWorkspaces(options: ListOptions = {}): AsyncGenerator<Workspace> {
    return this.paginate('/v1/workspaces', expected.workspaces, options)
  }

  workspacesPage(options: PageOptions = {}): Promise<OnePage<Workspace>> {
    return this.onePage('/v1/workspaces', expected.workspaces, options)
  }

  getWorkspace(id: string): Promise<WorkspaceDetails> {
    return this.data('GET', apiPath`/v1/workspaces/${id}`, expected.workspace)
  }

  listPostgresRegions(): Promise<PostgresRegion[]> {
    return this.data('GET', '/v1/regions/postgres', expected.postgresRegions)
  }

  listAccelerateRegions(): Promise<AccelerateRegion[]> {
    return this.data('GET', '/v1/regions/accelerate', expected.accelerateRegions)
  }

  /** Every product's regions, each naming its product; `product` narrows them to one. */
  listRegions(product?: RegionProduct): Promise<Region[]> {
    return this.data('GET', '/v1/regions', expected.regions, {query: {product}})
  }

  listProjects(options: ListOptions = {}): AsyncGenerator<Project> {
    return this.paginate('/v1/projects', expected.projects, options)
  }

  projectsPage(options: PageOptions = {}): Promise<OnePage<Project>> {
    return this.onePage('/v1/projects', expected.projects, options)
  }

  createProject(input: CreateProjectInput): Promise<CreatedProject> {
    return this.data('POST', '/v1/projects', expected.createdProject, {body: input})
  }

  getProject(id: string, options: {signal?: AbortSignal} = {}): Promise<Project> {
    return this.data('GET', apiPath`/v1/projects/${id}`, expected.project, {signal: options.signal})
  }

  renameProject(id: string, name: string): Promise<RenamedProject> {
    return this.data('PATCH', apiPath`/v1/projects/${id}`, expected.renamedProject, {body: {name}})
  }

  /** Moves the project to the workspace `recipientAccessToken` belongs to; the API answers 204. */
  async transferProject(id: string, recipientAccessToken: string): Promise<void> {
    await this.transport.request<undefined>('POST', apiPath`/v1/projects/${id}/transfer`, {body: {recipientAccessToken}})
  }

  async deleteProject(id: string): Promise<void> {
    await this.transport.request<undefined>('DELETE', apiPath`/v1/projects/${id}`)
  }

  listDatabases(options: ListOptions & {projectId?: string} = {}): AsyncGenerator<ListedDatabase | ProjectDatabase> {
    const {projectId, limit} = options
    if (projectId !== undefined) return this.paginate(apiPath`/v1/projects/${projectId}/databases`, expected.projectDatabases, {limit})
    return this.paginate('/v1/databases', expected.databases, {limit})
  }

  databasesPage(options: PageOptions & {projectId?: string} = {}): Promise<OnePage<ListedDatabase | ProjectDatabase>> {
    const {projectId, ...page} = options
    if (projectId !== undefined) return this.onePage(apiPath`/v1/projects/${projectId}/databases`, expected.projectDatabases, page)
    return this.onePage('/v1/databases', expected.databases, page)
  }

  getDatabase(id: string, options: {signal?: AbortSignal} = {}): Promise<Database> {
    return this.data('GET', apiPath`/v1/databases/${id}`, expected.database, {signal: options.signal})
  }

  createDatabase(projectId: string, input: CreateDatabaseInput): Promise<CreatedDatabase> {
    return this.data('POST', apiPath`/v1/projects/${projectId}/databases`, expected.createdDatabase, {body: input})
  }

  renameDatabase(id: string, name: string): Promise<RenamedDatabase> {
    return this.data('PATCH', apiPath`/v1/databases/${id}`, expected.renamedDatabase, {body: {name}})
  }

  /** Overwrites the target's data with the backup's; the answer has the target `recovering` until it is done. */
  restoreDatabase(targetDatabaseId: string, source: {type: 'backup'; databaseId: string; backupId: string}): Promise<RestoredDatabase> {
    return this.data('POST', apiPath`/v1/databases/${targetDatabaseId}/restore`, expected.restoredDatabase, {body: {source}})
  }

  async deleteDatabase(id: string): Promise<void> {
    await this.transport.request<undefined>('DELETE', apiPath`/v1/databases/${id}`)
  }

  listConnections(databaseId: string, options: ListOptions = {}): AsyncGenerator<Connection> {
    return this.paginate(apiPath`/v1/databases/${databaseId}/connections`, expected.connections, options)
  }

  connectionsPage(databaseId: string, options: PageOptions = {}): Promise<OnePage<Connection>> {
    return this.onePage(apiPath`/v1/databases/${databaseId}/connections`, expected.connections, options)
  }

  getConnection(id: string): Promise<FetchedConnection> {
    return this.data('GET', apiPath`/v1/connections/${id}`, expected.connection)
  }

  createConnection(databaseId: string, input: CreateConnectionInput): Promise<CreatedConnection> {
    return this.data('POST', apiPath`/v1/databases/${databaseId}/connections`, expected.createdConnection, {body: input})
  }

  rotateConnection(id: string): Promise<RotatedConnection> {
    return this.data('POST', apiPath`/v1/connections/${id}/rotate`, expected.rotatedConnection)
  }

  async deleteConnection(id: string): Promise<void> {
    await this.transport.request<undefined>('DELETE', apiPath`/v1/connections/${id}`)
  }

  /** Newest first, as the API serves them; never their values. */
  listServiceTokens(workspaceId: string, options: ListOptions = {}): AsyncGenerator<ServiceToken> {
    return this.paginate(apiPath`/v1/workspaces/${workspaceId}/service-tokens`, expected.serviceTokens, options)
  }

  /** The answer holds the token's value, which the API never shows again. */
  createServiceToken(workspaceId: string, name: string): Promise<CreatedServiceToken> {
    return this.data('POST', apiPath`/v1/workspaces/${workspaceId}/service-tokens`, expected.createdServiceToken, {body: {name}})
  }

  async deleteServiceToken(workspaceId: string, id: string): Promise<void> {
    await this.transport.request<undefined>('DELETE', apiPath`/v1/workspaces/${workspaceId}/service-tokens/${id}`)
  }

  /** The workspace's plan, whether its usage is blocked, and where to upgrade it. */
  getSubscription(workspaceId: string, options: {signal?: AbortSignal} = {}): Promise<Subscription> {
    return this.data('GET', apiPath`/v1/workspaces/${workspaceId}/subscription`, expected.subscription, {signal: options.signal})
  }

  /** Exchanges a GitHub Actions OIDC token for a short-lived service token; sent without one of ours (build this client with the empty token). */
  exchangeGithubActionsToken(input: GithubActionsTokenInput): Promise<GithubActionsToken> {
    return this.data('POST', '/v1/auth/github-actions/token', expected.githubActionsToken, {body: input})
  }

  listBuckets(options: ListOptions & {projectId?: string} = {}): AsyncGenerator<ListedBucket> {
    return this.paginate('/v1/buckets', expected.buckets, options, {projectId: options.projectId})
  }

  bucketsPage(options: PageOptions & {projectId?: string} = {}): Promise<OnePage<ListedBucket>> {
    return this.onePage('/v1/buckets', expected.buckets, options, {projectId: options.projectId})
  }

  getBucket(id: string): Promise<Bucket> {
    return this.data('GET', apiPath`/v1/buckets/${id}`, expected.bucket)
  }

  createBucket(input: CreateBucketInput): Promise<CreatedBucket> {
    return this.data('POST', '/v1/buckets', expected.createdBucket, {body: input})
  }

  /** Changes the display name (a label: the bucket's name at the S3 endpoint stays), branch or logical id. */
  updateBucket(id: string, input: UpdateBucketInput): Promise<UpdatedBucket> {
    return this.data('PATCH', apiPath`/v1/buckets/${id}`, expected.updatedBucket, {body: input})
  }

  /** Deletes the bucket, every object in it and every key of it. */
  async deleteBucket(id: string): Promise<void> {
    await this.transport.request<undefined>('DELETE', apiPath`/v1/buckets/${id}`)
  }

  /** Never their secrets: only a hint of each. */
  listBucketKeys(bucketId: string, options: ListOptions = {}): AsyncGenerator<BucketKey> {
    return this.paginate(apiPath`/v1/buckets/${bucketId}/keys`, expected.bucketKeys, options)
  }

  bucketKeysPage(bucketId: string, options: PageOptions = {}): Promise<OnePage<BucketKey>> {
    return this.onePage(apiPath`/v1/buckets/${bucketId}/keys`, expected.bucketKeys, options)
  }

  /** The answer holds the key's secretAccessKey, which the API never shows again. */
  createBucketKey(bucketId: string, input: CreateBucketKeyInput): Promise<CreatedBucketKey> {
    return this.data('POST', apiPath`/v1/buckets/${bucketId}/keys`, expected.createdBucketKey, {body: input})
  }

  async deleteBucketKey(bucketId: string, keyId: string): Promise<void> {
    await this.transport.request<undefined>('DELETE', apiPath`/v1/buckets/${bucketId}/keys/${keyId}`)
  }

  /** The OAuth applications with access to the workspace (a 404 when there is no such workspace). */
  listIntegrations(workspaceId: string, options: ListOptions = {}): AsyncGenerator<WorkspaceIntegration> {
    return this.paginate(apiPath`/v1/workspaces/${workspaceId}/integrations`, expected.integrations, options)
  }

  integrationsPage(workspaceId: string, options: PageOptions = {}): Promise<OnePage<WorkspaceIntegration>> {
    return this.onePage(apiPath`/v1/workspaces/${workspaceId}/integrations`, expected.integrations, options)
  }

  getIntegration(id: string): Promise<Integration> {
    return this.data('GET', apiPath`/v1/integrations/${id}`, expected.integration)
  }

  /** Revokes the integration's tokens: the application loses its access to the workspace. */
  async revokeIntegration(id: string): Promise<void> {
    await this.transport.request<undefined>('DELETE', apiPath`/v1/integrations/${id}`)
  }

  /** Revokes the tokens of every login of the OAuth application `clientId` to the workspace. */
  async revokeWorkspaceIntegration(workspaceId: string, clientId: string): Promise<void> {
    await this.transport.request<undefined>('DELETE', apiPath`/v1/workspaces/${workspaceId}/integrations/${clientId}`)
  }

  /** The whole body: backups have `meta.backupRetentionDays` and a pagination without cursors. */
  listBackups(databaseId: string, options: ListOptions = {}): Promise<BackupList> {
    return this.data('GET', apiPath`/v1/databases/${databaseId}/backups`, expected.backups, {query: {limit: options.limit}})
  }

  /** The whole body: usage has no `data` wrapper. */
  getUsage(databaseId: string, query: UsageQuery = {}): Promise<Usage> {
    const {startDate, endDate} = query
    return this.data('GET', apiPath`/v1/databases/${databaseId}/usage`, expected.usage, {query: {startDate, endDate}})
  }

  /** One request whose answer must be what `shape` describes; anything else is not the API talking. */
  private async data<T>(method: 'GET' | 'POST' | 'PATCH', path: string, shape: Expected<T>, options: RequestOptions = {}): Promise<T> {
    const answer = await this.transport.request<unknown>(method, path, options)
    return check(shape, answer, `${method} ${path}`)
  }

  /** One page; a page that says more follow must name the cursor to fetch them. */
  private async onePage<T>(path: string, shape: Expected<Page<T>>, options: PageOptions, filter: RequestOptions['query'] = {}): Promise<OnePage<T>> {
    const request = `GET ${path}`
    const limit = Math.min(MAX_PAGE_SIZE, options.limit ?? MAX_PAGE_SIZE)
    // Stryker disable next-line StringLiteral: undici sends GET when the method is empty
    const page = check(shape, await this.transport.request<unknown>('GET', path, {query: {...filter, cursor: options.cursor, limit}}), request)
    if (!page.pagination?.hasMore) return {data: page.data, nextCursor: null}
    const next = page.pagination.nextCursor
    if (typeof next !== 'string' || next === '') throw new InvalidResponseError(`${request}: the API says more follow (hasMore) but gave no cursor to fetch them.`)
    return {data: page.data, nextCursor: next}
  }

  private paginate<T>(path: string, shape: Expected<Page<T>>, options: ListOptions, filter: RequestOptions['query'] = {}): AsyncGenerator<T> {
    return this.transport.paginate(path, (body, request) => check(shape, body, request), {query: filter, limit: options.limit})
  }
}
