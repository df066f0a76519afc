// Contract-shaped API objects for in-process command tests.
import type {Connection, CreatedConnection, ListedDatabase, Me, PostgresRegion, Project, Workspace} from '../../src/api/contract.js'

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

export function createdConnection(name: string, password = 's3cret-pass'): CreatedConnection {
  return {
    ...connection(9),
    name,
    endpoints: {
      direct: {host: 'db.example.test', port: 5432, connectionString: `postgres://u_9:${password}@db.example.test:5432/postgres?sslmode=require`},
      pooled: {host: 'pool.example.test', port: 6543, connectionString: `postgres://u_9:${password}@pool.example.test:6543/postgres?sslmode=require`},
    },
  } as unknown as CreatedConnection
}

export const page = <T>(data: T[], nextCursor: string | null = null) => ({data, pagination: {nextCursor, hasMore: nextCursor !== null}})
