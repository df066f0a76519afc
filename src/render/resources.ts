// One declaration per resource: its table columns (and, read sideways, its `show` view).
// `--json` prints the API objects themselves, so fields the API adds later pass through.
import type {Backup, Connection, ListedDatabase, Me, PostgresRegion, Project, Workspace} from '../api/contract.js'
import {formatBytes, formatTime, orDash} from './format.js'
import type {Column} from './table.js'

export const projectColumns: Column<Project>[] = [
  {header: 'ID', value: (p) => p.id},
  {header: 'NAME', value: (p) => p.name},
  {header: 'WORKSPACE', value: (p) => p.workspace.name},
  {header: 'REGION', value: (p) => orDash(p.defaultRegion)},
  {header: 'CREATED', value: (p) => formatTime(p.createdAt)},
]

/** Databases as lists answer them; single GETs share these fields. */
type DatabaseRow = Pick<ListedDatabase, 'id' | 'name' | 'status' | 'isDefault' | 'createdAt'> & {
  region?: {id: string; name?: string} | null
  project?: {id: string; name?: string} | null
}

export const databaseColumns: Column<DatabaseRow>[] = [
  {header: 'ID', value: (d) => d.id},
  {header: 'NAME', value: (d) => d.name},
  {header: 'PROJECT', value: (d) => orDash(d.project?.id)},
  {header: 'REGION', value: (d) => orDash(d.region?.id)},
  {header: 'STATUS', value: (d) => d.status},
  {header: 'DEFAULT', value: (d) => (d.isDefault ? 'yes' : 'no')},
  {header: 'CREATED', value: (d) => formatTime(d.createdAt)},
]

export const connectionColumns: Column<Connection>[] = [
  {header: 'ID', value: (c) => c.id},
  {header: 'NAME', value: (c) => c.name},
  {header: 'KIND', value: (c) => c.kind},
  {header: 'ENDPOINTS', value: (c) => endpointSummary(c.endpoints)},
  {header: 'CREATED', value: (c) => formatTime(c.createdAt)},
]

function endpointSummary(endpoints: Connection['endpoints']): string {
  const parts: string[] = []
  for (const name of ['direct', 'pooled', 'accelerate'] as const) {
    const endpoint = endpoints[name]
    if (endpoint) parts.push(`${name} ${endpoint.host}:${endpoint.port}`)
  }
  return parts.length > 0 ? parts.join('\n') : '-'
}

export const workspaceColumns: Column<Workspace>[] = [
  {header: 'ID', value: (w) => w.id},
  {header: 'NAME', value: (w) => w.name},
  {header: 'CREATED', value: (w) => formatTime(w.createdAt)},
]

export const regionColumns: Column<PostgresRegion>[] = [
  {header: 'ID', value: (r) => r.id},
  {header: 'NAME', value: (r) => r.name},
  {header: 'STATUS', value: (r) => r.status},
]

export const backupColumns: Column<Backup>[] = [
  {header: 'ID', value: (b) => b.id},
  {header: 'TYPE', value: (b) => b.backupType},
  {header: 'STATUS', value: (b) => b.status},
  {header: 'SIZE', value: (b) => formatBytes(b.size)},
  {header: 'CREATED', value: (b) => formatTime(b.createdAt)},
]

export interface WhoAmI {
  me: Me
  apiUrl: string
  tokenSource: string
  profile: string
}

export const whoamiColumns: Column<WhoAmI>[] = [
  {header: 'Workspace', value: (w) => (w.me.workspace ? `${w.me.workspace.name} (${w.me.workspace.id})` : '-')},
  {header: 'User', value: (w) => (w.me.user ? `${w.me.user.name ?? w.me.user.email} <${w.me.user.email}>` : '- (service token)')},
  {header: 'Credential', value: (w) => [w.me.credential.type, w.me.credential.name].filter(Boolean).join(' · ')},
  {header: 'API URL', value: (w) => w.apiUrl},
  {header: 'Token from', value: (w) => w.tokenSource},
  {header: 'Profile', value: (w) => w.profile},
]
