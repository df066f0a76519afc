// Objects as the Management API answers them, complete per the contract (each `satisfies` its
// type), for tests that serve them from a local server and then spoil one field at a time.
import type {
  BackupList,
  Connection,
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

/** A last page of a list. */
export function lastPage<T>(data: T[]): {data: T[]; pagination: {nextCursor: null; hasMore: false}} {
  return {data, pagination: {nextCursor: null, hasMore: false}}
}
