// Records turned into the API's shapes. Secrets enter only through `Minted`, which exists only
// while answering a create or rotate request: no other view can carry a password.
import type {
  Bucket,
  BucketKey,
  Connection,
  CreatedBucketKey,
  CreatedConnection,
  CreatedDatabase,
  CreatedProjectDatabase,
  Database,
  Project,
  ResponseBody,
  Workspace,
} from '../api/contract.js'
import {ENDPOINT_ORDER} from '../api/contract.js'
import {hostInUrl} from '../api/url-host.js'
import type {Credential, DatabaseEndpoints} from './databases/backend.js'
import {OBJECTS_PATH} from './objects/path.js'
import type {BackupRecord, BucketKeyRecord, BucketRecord, ConnectionRecord, DatabaseRecord, ProjectRecord, ServiceTokenRecord, WorkspaceRecord} from './records.js'
import {regionName} from './regions.js'

export interface ViewContext {
  /** The emulator's URL, no trailing slash; resource `url` fields are absolute under it. */
  baseUrl: string
  workspace(id: string): WorkspaceRecord | undefined
  project(id: string): ProjectRecord | undefined
  database(id: string): DatabaseRecord | undefined
  connectionsOf(databaseId: string): readonly ConnectionRecord[]
}

/** A connection's credential, known only in the answer that created or rotated it. */
export interface Minted {
  connection: ConnectionRecord
  credential: Credential
}

type PublicEndpoints = Connection['endpoints']
type SecretEndpoints = CreatedConnection['endpoints']
type LegacyDirect = {host: string; user: string; pass: string}

function resourceUrl(context: ViewContext, collection: string, id: string): string {
  return `${context.baseUrl}/v1/${collection}/${encodeURIComponent(id)}`
}

export function postgresUrl(credential: Credential, endpoint: {host: string; port: number; database: string}): string {
  const user = encodeURIComponent(credential.user)
  const password = encodeURIComponent(credential.password)
  return `postgres://${user}:${password}@${hostInUrl(endpoint.host)}:${endpoint.port}/${encodeURIComponent(endpoint.database)}?sslmode=disable`
}

export function workspaceView(context: ViewContext, workspace: WorkspaceRecord): Workspace {
  return {id: workspace.id, type: 'workspace', url: resourceUrl(context, 'workspaces', workspace.id), name: workspace.name, createdAt: workspace.createdAt}
}

export function projectView(context: ViewContext, project: ProjectRecord): Project {
  // The store refuses a project of an unknown workspace, so the lookup always finds one.
  const workspace = context.workspace(project.workspaceId) ?? {id: project.workspaceId, name: ''}
  return {
    id: project.id,
    type: 'project',
    url: resourceUrl(context, 'projects', project.id),
    name: project.name,
    logicalId: project.logicalId,
    createdAt: project.createdAt,
    defaultRegion: project.defaultRegion,
    workspace: {id: workspace.id, url: resourceUrl(context, 'workspaces', workspace.id), name: workspace.name},
  }
}

function publicEndpoints(endpoints: DatabaseEndpoints | undefined): PublicEndpoints {
  const shown: PublicEndpoints = {}
  for (const name of ENDPOINT_ORDER) {
    const endpoint = endpoints?.[name]
    if (endpoint) shown[name] = {host: endpoint.host, port: endpoint.port}
  }
  return shown
}

/** A PostgreSQL endpoint with the credential's connection string. */
function withSecret(endpoint: DatabaseEndpoints['direct'], credential: Credential) {
  return {host: endpoint.host, port: endpoint.port, connectionString: postgresUrl(credential, endpoint)}
}

/** Endpoints of a database that has started; minting a credential needs them. */
function secretEndpoints(endpoints: DatabaseEndpoints, credential: Credential): SecretEndpoints & {direct: {connectionString: string}} {
  const shown: SecretEndpoints & {direct: {connectionString: string}} = {direct: withSecret(endpoints.direct, credential)}
  for (const name of ENDPOINT_ORDER) {
    const endpoint = endpoints[name]
    if (!endpoint) continue
    if (!('database' in endpoint)) {
      // The accelerate endpoint: the connection's own URL (its key is made with its password), else none shown.
      if (credential.accelerateUrl) shown[name] = {host: endpoint.host, port: endpoint.port, connectionString: credential.accelerateUrl}
      continue
    }
    shown[name] = withSecret(endpoint, credential)
  }
  return shown
}

function legacyDirect(endpoints: DatabaseEndpoints, credential: Credential): LegacyDirect {
  return {host: `${hostInUrl(endpoints.direct.host)}:${endpoints.direct.port}`, user: credential.user, pass: credential.password}
}

function databaseReference(context: ViewContext, database: DatabaseRecord): Connection['database'] {
  return {id: database.id, url: resourceUrl(context, 'databases', database.id), name: database.name}
}

/** A connection as lists and GETs show it: hosts and ports, never a secret. */
export function connectionView(context: ViewContext, connection: ConnectionRecord, database: DatabaseRecord): Connection {
  return {
    id: connection.id,
    type: 'connection',
    url: resourceUrl(context, 'connections', connection.id),
    name: connection.name,
    createdAt: connection.createdAt,
    kind: 'postgres',
    endpoints: publicEndpoints(database.endpoints),
    directConnection: null,
    database: databaseReference(context, database),
  }
}

/** A connection with its secrets, for the answers of creating and rotating it. */
export function mintedConnectionView(context: ViewContext, minted: Minted, database: DatabaseRecord, endpoints: DatabaseEndpoints): CreatedConnection {
  const {connection, credential} = minted
  const withSecrets = secretEndpoints(endpoints, credential)
  const direct = legacyDirect(endpoints, credential)
  return {
    ...connectionView(context, connection, database),
    endpoints: withSecrets,
    connectionString: withSecrets.direct.connectionString,
    directConnection: direct,
    host: direct.host,
    user: credential.user,
    pass: credential.password,
  }
}

function databaseCommon(context: ViewContext, database: DatabaseRecord) {
  return {
    id: database.id,
    type: 'database' as const,
    url: resourceUrl(context, 'databases', database.id),
    name: database.name,
    createdAt: database.createdAt,
    isDefault: database.isDefault,
    defaultConnectionId: database.defaultConnectionId,
    region: {id: database.region, name: regionName(database.region)},
    source: database.source ?? {type: 'empty' as const},
    branchId: null,
    logicalId: database.logicalId,
  }
}

function projectReference(context: ViewContext, database: DatabaseRecord): Database['project'] {
  const project = context.project(database.projectId)
  return {id: database.projectId, url: resourceUrl(context, 'projects', database.projectId), name: project?.name ?? ''}
}

/** A database as lists and GETs show it; its connections carry no secrets. */
export function databaseView(context: ViewContext, database: DatabaseRecord): Database {
  return {
    ...databaseCommon(context, database),
    status: database.status,
    connections: context.connectionsOf(database.id).map((connection) => connectionView(context, connection, database)),
    project: projectReference(context, database),
  }
}

/**
 * A database in the answer that created it: the minted default connection with its secrets
 * and the deprecated fields (`apiKeys`, `connectionString`, `directConnection`) filled alike.
 * Without `minted` (the database failed to start) there is nothing secret to show.
 */
export function createdProjectDatabaseView(context: ViewContext, database: DatabaseRecord, minted: Minted | undefined): CreatedProjectDatabase {
  // The create answers know only these two states; a failure shows on the next GET.
  const status = database.status === 'ready' ? 'ready' : 'provisioning'
  if (!minted || !database.endpoints) {
    return {...databaseCommon(context, database), status, connections: [], apiKeys: [], connectionString: null, directConnection: null}
  }
  const {connection, credential} = minted
  const endpoints = secretEndpoints(database.endpoints, credential)
  const directConnection = legacyDirect(database.endpoints, credential)
  const connectionString = endpoints.direct.connectionString
  const shown = {...connectionView(context, connection, database), endpoints, directConnection}
  const apiKey = {
    id: connection.id,
    type: 'connection' as const,
    url: shown.url,
    name: connection.name,
    createdAt: connection.createdAt,
    kind: 'postgres' as const,
    endpoints: publicEndpoints(database.endpoints),
    connectionString,
    directConnection,
  }
  return {
    ...databaseCommon(context, database),
    status,
    connections: [shown],
    apiKeys: [apiKey],
    connectionString,
    directConnection,
  }
}

export function createdDatabaseView(context: ViewContext, database: DatabaseRecord, minted: Minted | undefined): CreatedDatabase {
  return {...createdProjectDatabaseView(context, database, minted), project: projectReference(context, database)}
}

/** A backup as the list shows it: every one the emulator takes is a full copy. */
export function backupView(backup: BackupRecord): ResponseBody<'getV1DatabasesByDatabaseIdBackups', 200>['data'][number] {
  return {
    id: backup.id,
    type: 'backup',
    backupType: 'full',
    createdAt: backup.createdAt,
    ...(backup.size === undefined ? {} : {size: backup.size}),
    status: backup.status,
  }
}

type ListedServiceToken = ResponseBody<'getV1WorkspacesByWorkspaceIdService-tokens', 200>['data'][number]
type CreatedServiceToken = ResponseBody<'postV1WorkspacesByWorkspaceIdService-tokens', 201>['data']

/** What the API shows of a token's value: its first and last four characters, or nothing of a short one. */
export function valueHint(value: string): string {
  return value.length >= 16 ? `${value.slice(0, 4)}…${value.slice(-4)}` : '…'
}

/** A service token as lists show it: never its value, which is not even kept. */
export function serviceTokenView(token: Pick<ServiceTokenRecord, 'id' | 'name' | 'valueHint' | 'createdAt' | 'expiresAt'>): ListedServiceToken {
  return {id: token.id, type: 'serviceToken', name: token.name, valueHint: token.valueHint, createdAt: token.createdAt, expiresAt: token.expiresAt}
}

/** The one answer that carries a token's value: the one that created it. */
export function createdServiceTokenView(token: ServiceTokenRecord, value: string): CreatedServiceToken {
  return {...serviceTokenView(token), value}
}

/** The S3 endpoint every bucket key is used against (path-style addressing). */
export function objectsEndpoint(context: ViewContext): string {
  return `${context.baseUrl}${OBJECTS_PATH}`
}

export function bucketView(context: ViewContext, bucket: BucketRecord): Bucket {
  const project = context.project(bucket.projectId)
  return {
    id: bucket.id,
    type: 'bucket',
    url: resourceUrl(context, 'buckets', bucket.id),
    name: bucket.name,
    providerName: bucket.providerName,
    status: 'ready',
    createdAt: bucket.createdAt,
    project: {id: bucket.projectId, url: resourceUrl(context, 'projects', bucket.projectId), name: project?.name ?? ''},
    branchId: bucket.branchId,
    logicalId: bucket.logicalId,
  }
}

/** A bucket key as lists show it: never its secret nor its access key id, only the hint. */
export function bucketKeyView(key: BucketKeyRecord): BucketKey {
  return {id: key.id, type: 'bucketKey', name: key.name, valueHint: key.valueHint, role: key.role, createdAt: key.createdAt}
}

/** The one answer that carries a key's secret: the one that created it. */
export function createdBucketKeyView(context: ViewContext, key: BucketKeyRecord, bucket: BucketRecord): CreatedBucketKey {
  return {
    ...bucketKeyView(key),
    secretAccessKey: key.secretAccessKey,
    accessKeyId: key.accessKeyId,
    endpoint: objectsEndpoint(context),
    bucketName: bucket.providerName,
  }
}
