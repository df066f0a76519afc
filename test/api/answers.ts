// Objects as the Management API answers them, complete per the contract (each `satisfies` its
// type), for tests that serve them from a local server and then spoil one field at a time.
import type {
  BackupList,
  Bucket,
  BucketKey,
  Connection,
  CreatedBucketKey,
  Integration,
  CreatedConnection,
  CreatedDatabase,
  CreatedProject,
  Database,
  Me,
  PostgresRegion,
  Project,
  Usage,
  Workspace,
} from '../../src/api/contract.js'

const CREATED_AT = '2026-11-28T09:58:12.345Z'

export function workspace(id = 'ws_1'): Workspace {
  return {id, type: 'workspace', url: `https://api.prisma.io/v1/workspaces/${id}`, name: 'Acme', createdAt: CREATED_AT} satisfies Workspace
}

export function project(id = 'proj_1', name = `project ${id}`): Project {
  return {
    id,
    type: 'project',
    url: `https://api.prisma.io/v1/projects/${id}`,
    name,
    logicalId: null,
    createdAt: CREATED_AT,
    defaultRegion: 'us-east-1',
    workspace: {id: 'ws_1', url: 'https://api.prisma.io/v1/workspaces/ws_1', name: 'Acme'},
  } satisfies Project
}

export function connection(id = 'con_1'): Connection {
  return {
    id,
    type: 'connection',
    url: `https://api.prisma.io/v1/connections/${id}`,
    name: 'ci',
    createdAt: CREATED_AT,
    kind: 'postgres',
    endpoints: {direct: {host: 'db.prisma.io', port: 5432}, pooled: {host: 'pooled.db.prisma.io', port: 5432}},
    database: {id: 'db_1', url: 'https://api.prisma.io/v1/databases/db_1', name: 'main'},
  } satisfies Connection
}

export function createdConnection(id = 'con_2'): CreatedConnection {
  const direct = `postgres://u_${id}:secret@db.prisma.io:5432/postgres?sslmode=require`
  return {
    ...connection(id),
    endpoints: {direct: {host: 'db.prisma.io', port: 5432, connectionString: direct}},
    connectionString: direct,
    host: 'db.prisma.io:5432',
    user: `u_${id}`,
    pass: 'secret',
  } satisfies CreatedConnection
}

export function database(id = 'db_1', status: Database['status'] = 'ready'): Database {
  return {
    id,
    type: 'database',
    url: `https://api.prisma.io/v1/databases/${id}`,
    name: 'main',
    status,
    createdAt: CREATED_AT,
    isDefault: true,
    defaultConnectionId: 'con_1',
    connections: [connection()],
    project: {id: 'proj_1', url: 'https://api.prisma.io/v1/projects/proj_1', name: 'project proj_1'},
    region: {id: 'us-east-1', name: 'US East (N. Virginia)'},
    source: null,
    branchId: null,
    logicalId: null,
  } satisfies Database
}

export function createdDatabase(id = 'db_2'): CreatedDatabase {
  const secret = createdConnection('con_9')
  return {
    ...database(id),
    status: 'ready',
    connections: [{...secret, endpoints: secret.endpoints}],
    region: {id: 'us-east-1', name: 'US East (N. Virginia)'},
    apiKeys: [],
    connectionString: null,
    directConnection: null,
  } satisfies CreatedDatabase
}

export function createdProject(id = 'proj_9'): CreatedProject {
  const {project: _project, ...created} = createdDatabase('db_9')
  return {...project(id), database: created} satisfies CreatedProject
}

export function me(): Me {
  return {
    user: null,
    workspace: {id: 'ws_1', name: 'Acme'},
    credential: {type: 'service_token', id: 'tok_1', name: 'ci'},
  } satisfies Me
}

export function postgresRegion(id: PostgresRegion['id'] = 'us-east-1'): PostgresRegion {
  return {id, type: 'region', name: 'US East (N. Virginia)', status: 'available'} satisfies PostgresRegion
}

export function backupList(): BackupList {
  return {
    data: [{id: 'bak_1', backupType: 'full', createdAt: CREATED_AT, size: 1024, status: 'completed', type: 'backup'}],
    meta: {backupRetentionDays: 7},
    pagination: {hasMore: false, limit: null},
  } satisfies BackupList
}

export function usage(): Usage {
  return {
    period: {start: '2026-11-01T00:00:00.000Z', end: '2026-11-28T00:00:00.000Z'},
    metrics: {operations: {used: 1234, unit: 'ops'}, storage: {used: 0.25, unit: 'GiB'}},
    generatedAt: CREATED_AT,
  } satisfies Usage
}

export function bucket(id = 'bkt_1'): Bucket {
  return {
    id,
    type: 'bucket',
    url: `https://api.prisma.io/v1/buckets/${id}`,
    name: 'uploads',
    providerName: `prisma-${id}`,
    status: 'ready',
    createdAt: CREATED_AT,
    project: {id: 'proj_1', url: 'https://api.prisma.io/v1/projects/proj_1', name: 'shop'},
    branchId: null,
    logicalId: null,
  } satisfies Bucket
}

export function bucketKey(id = 'key_1'): BucketKey {
  return {id, type: 'bucketKey', name: 'reader', valueHint: 'AKIA…0001', role: 'read', createdAt: CREATED_AT} satisfies BucketKey
}

export function createdBucketKey(id = 'key_2'): CreatedBucketKey {
  return {
    ...bucketKey(id),
    role: 'read_write',
    secretAccessKey: 'secret/Value+2',
    accessKeyId: 'AKIA0002',
    endpoint: 'https://s3.prisma.io',
    bucketName: 'prisma-bkt_1',
  } satisfies CreatedBucketKey
}

export function integration(id = 'int_1'): Integration {
  return {
    id,
    url: `https://api.prisma.io/v1/integrations/${id}`,
    createdAt: CREATED_AT,
    scopes: ['workspace:admin'],
    client: {id: 'client_1', name: 'Deploy bot', createdAt: CREATED_AT},
    createdByUser: {id: 'user_1', email: 'ada@example.com', displayName: null},
  } satisfies Integration
}

/** A last page of a list. */
export function lastPage<T>(data: T[]): {data: T[]; pagination: {nextCursor: null; hasMore: false}} {
  return {data, pagination: {nextCursor: null, hasMore: false}}
}
