// Contract-shaped API objects for in-process command tests.
import type {
  BackupList,
  BucketKey,
  Connection,
  CreatedBucketKey,
  CreatedConnection,
  CreatedDatabase,
  CreatedProject,
  Integration,
  ListedBucket,
  ListedDatabase,
  Me,
  PostgresRegion,
  Project,
  Usage,
  Workspace,
} from '../../src/api/contract.js'

const at = '2026-11-28T09:58:12.345Z'
export const workspace: Workspace = {id: 'ws_1', type: 'workspace', url: 'https://api.example.test/v1/workspaces/ws_1', name: 'Acme', createdAt: at} as Workspace

export function project(i: number, name = `shop-${i}`): Project {
  return {
    id: `proj_${i}`,
    type: 'project',
    url: `https://api.example.test/v1/projects/proj_${i}`,
    name,
    logicalId: null,
    createdAt: at,
    defaultRegion: 'us-east-1',
    workspace: {id: 'ws_1', url: 'https://api.example.test/v1/workspaces/ws_1', name: 'Acme'},
  }
}

export function database(i: number, projectId = 'proj_1'): ListedDatabase {
  return {
    id: `db_${i}`,
    type: 'database',
    url: `https://api.example.test/v1/databases/db_${i}`,
    name: `db-${i}`,
    createdAt: at,
    isDefault: i === 1,
    defaultConnectionId: null,
    region: {id: 'eu-west-3', name: 'Europe (Paris)'},
    source: {type: 'empty'},
    branchId: null,
    logicalId: null,
    status: 'ready',
    connections: [],
    project: {id: projectId, url: `https://api.example.test/v1/projects/${projectId}`, name: 'shop'},
  } as unknown as ListedDatabase
}

export const me: Me = {user: null, workspace: {id: 'ws_1', name: 'Acme'}, credential: {type: 'service_token', id: 'tok_1', name: 'CI token'}} as Me

export const regions: PostgresRegion[] = [
  {id: 'us-east-1', type: 'region', name: 'US East (N. Virginia)', status: 'available'},
  {id: 'eu-west-3', type: 'region', name: 'Europe (Paris)', status: 'available'},
] as PostgresRegion[]

export function connection(i: number): Connection {
  return {
    id: `conn_${i}`,
    type: 'connection',
    url: `https://api.example.test/v1/connections/conn_${i}`,
    name: `app-${i}`,
    createdAt: at,
    kind: 'postgres',
    endpoints: {direct: {host: 'db.example.test', port: 5432}, pooled: {host: 'pool.example.test', port: 6543}},
  } as unknown as Connection
}

/** The connection strings createdConnection(…, password) carries. */
export const directUrl = (password: string) => `postgres://u_9:${password}@db.example.test:5432/postgres?sslmode=require`
export const pooledUrl = (password: string) => `postgres://u_9:${password}@pool.example.test:6543/postgres?sslmode=require`

export function createdConnection(name: string, password = 's3cret-pass'): CreatedConnection {
  return {
    ...connection(9),
    name,
    endpoints: {
      direct: {host: 'db.example.test', port: 5432, connectionString: directUrl(password)},
      pooled: {host: 'pool.example.test', port: 6543, connectionString: pooledUrl(password)},
    },
  } as unknown as CreatedConnection
}

export const page = <T>(data: T[], nextCursor: string | null = null) => ({data, pagination: {nextCursor, hasMore: nextCursor !== null}})

/** A database as `GET /v1/databases/{id}` answers it. */
export function databaseDetail(i: number, status = 'ready', projectId = 'proj_1'): ListedDatabase {
  return {...database(i, projectId), status} as ListedDatabase
}

/** A database in the answer that created it: its default connection with the secrets, shown once. */
export function createdDatabase(status: 'provisioning' | 'ready' = 'provisioning', projectId = 'proj_9'): CreatedDatabase {
  const secret = createdConnection('default', 'first-pass')
  return {
    ...database(9, projectId),
    name: 'main',
    isDefault: true,
    defaultConnectionId: 'conn_9',
    region: {id: 'us-east-1', name: 'US East (N. Virginia)'},
    status,
    connections: [{...secret, id: 'conn_9'}],
    apiKeys: [],
    connectionString: null,
    directConnection: null,
  } as unknown as CreatedDatabase
}

/** A project in the answer that created it, with its first database. */
export function createdProject(status: 'provisioning' | 'ready' = 'provisioning', name = 'project-20261129-102030'): CreatedProject {
  const {project: _project, ...first} = createdDatabase(status) as CreatedDatabase & {project?: unknown}
  return {...project(9, name), database: first} as unknown as CreatedProject
}

export const backups: BackupList = {
  data: [
    {id: 'bk_1', type: 'backup', backupType: 'full', status: 'completed', size: 5_242_880, createdAt: at},
    {id: 'bk_2', type: 'backup', backupType: 'incremental', status: 'running', createdAt: '2026-11-29T01:00:00.000Z'},
  ],
  meta: {backupRetentionDays: 7},
  pagination: {hasMore: false, limit: 25},
} as unknown as BackupList

export const usage: Usage = {
  period: {start: '2026-11-01T00:00:00.000Z', end: '2026-11-28T00:00:00.000Z'},
  metrics: {operations: {used: 1_234_567, unit: 'ops'}, storage: {used: 0.25, unit: 'GiB'}},
  generatedAt: '2026-11-29T10:00:00.000Z',
} as Usage

export const workspaces: Workspace[] = [workspace, {...workspace, id: 'ws_2', url: 'https://api.example.test/v1/workspaces/ws_2', name: 'Side project', createdAt: '2026-10-01T08:00:00.000Z'}]

/** What a terminal (80 columns, no colour) shows for its two endpoints: each string, too wide for a row, stands above its table. */
export function endpointTables(password: string): string[] {
  const table = (host: string, url: string) => {
    const width = host.length
    const row = (label: string, value: string) => `│ ${label.padEnd(8)} │ ${value.padEnd(width)} │`
    return [
      'Connection string:',
      url,
      `┌──────────┬${'─'.repeat(width + 2)}┐`,
      row('Host', host),
      row('Port', host.startsWith('db') ? '5432' : '6543'),
      row('User', 'u_9'),
      row('Password', password),
      row('Database', 'postgres'),
      `└──────────┴${'─'.repeat(width + 2)}┘`,
    ]
  }
  return ['Direct connection', ...table('db.example.test', directUrl(password)), '', 'Pooled connection', ...table('pool.example.test', pooledUrl(password))]
}

export function bucket(i: number, projectId = 'proj_1'): ListedBucket {
  return {
    id: `bkt_${i}`,
    type: 'bucket',
    url: `https://api.example.test/v1/buckets/bkt_${i}`,
    name: `files-${i}`,
    providerName: `prisma-bkt-${i}`,
    status: 'ready',
    createdAt: at,
    project: {id: projectId, url: `https://api.example.test/v1/projects/${projectId}`, name: 'shop'},
    branchId: null,
    logicalId: null,
  }
}

export function bucketKey(i: number, role: BucketKey['role'] = 'read'): BucketKey {
  return {id: `key_${i}`, type: 'bucketKey', name: `reader-${i}`, valueHint: `AKIA…00${i}`, role, createdAt: at}
}

/** The secret access key createdBucketKey carries. */
export const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY'

export function createdBucketKey(role: BucketKey['role'] = 'read_write', secret = SECRET_ACCESS_KEY): CreatedBucketKey {
  return {
    ...bucketKey(9, role),
    name: 'uploader',
    secretAccessKey: secret,
    accessKeyId: 'AKIAEXAMPLE009',
    endpoint: 'https://s3.example.test',
    bucketName: 'prisma-bkt-1',
  }
}

export function integration(i: number): Integration {
  return {
    id: `int_${i}`,
    url: `https://api.example.test/v1/integrations/int_${i}`,
    createdAt: at,
    scopes: ['workspace:read', 'project:write'],
    client: {id: `client_${i}`, name: `Deploy bot ${i}`, createdAt: at},
    createdByUser: {id: 'user_1', email: 'ada@example.test', displayName: 'Ada'},
  }
}
