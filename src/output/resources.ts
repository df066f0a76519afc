// The field spec of every resource the CLI prints. A table, TSV, CSV and the names --columns
// accepts all come from here; JSON and YAML print the API objects themselves.
import type {
  Backup,
  Bucket,
  BucketKey,
  Connection,
  CreatedBucketKey,
  CreatedServiceToken,
  Integration,
  ListedDatabase,
  Me,
  PostgresRegion,
  Project,
  ServiceToken,
  Usage,
  Workspace,
} from '../api/contract.js'
import {grouped} from '../api/digits.js'
import {ENDPOINT_ORDER, type ConnectionDetails, type EndpointDetails} from '../api/connection-details.js'
import type {Field, FieldSpec} from './fields.js'

/** On a terminal, to the minute in UTC: `2026-11-28T09:58:12.345Z` → `2026-11-28 09:58`; anything unparsable is shown as given. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '-'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return date.toISOString().slice(0, 16).replace('T', ' ')
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

export function humanBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '-'
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`
}

export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '-' : String(value)
}

const plainOrEmpty = (value: string | number | boolean | null | undefined) => (value === null || value === undefined ? '' : String(value))

/** When it was created: short on a terminal (never cut: left out whole when there is no room), ISO 8601 in TSV and CSV. */
function createdField<T extends {createdAt: string}>(leaveOut: number): Field<T> {
  return {name: 'created', header: 'CREATED', text: (row) => shortTime(row.createdAt), plain: (row) => row.createdAt, whole: true, leaveOut}
}

export const projectFields: FieldSpec<Project> = [
  {name: 'id', header: 'ID', text: (p) => p.id, whole: true},
  {name: 'name', header: 'NAME', text: (p) => p.name, wrap: true},
  {name: 'workspace', header: 'WORKSPACE', text: (p) => p.workspace.name, sayOnce: 'Workspace', leaveOut: 3},
  {name: 'region', header: 'REGION', text: (p) => orDash(p.defaultRegion), plain: (p) => plainOrEmpty(p.defaultRegion), whole: true, sayOnce: 'Region', leaveOut: 2},
  createdField(1),
]

/** Databases as lists answer them; single GETs share these fields. */
export type DatabaseRow = Pick<ListedDatabase, 'id' | 'name' | 'status' | 'isDefault' | 'createdAt'> & {
  region?: {id: string; name?: string} | null
  project?: {id: string; name?: string} | null
}

export const databaseFields: FieldSpec<DatabaseRow> = [
  {name: 'id', header: 'ID', text: (d) => d.id, whole: true},
  {name: 'name', header: 'NAME', text: (d) => d.name, wrap: true},
  {name: 'project', header: 'PROJECT', text: (d) => orDash(d.project?.id), plain: (d) => plainOrEmpty(d.project?.id), whole: true, sayOnce: 'Project', leaveOut: 4},
  {name: 'region', header: 'REGION', text: (d) => orDash(d.region?.id), plain: (d) => plainOrEmpty(d.region?.id), whole: true, sayOnce: 'Region', leaveOut: 3},
  {name: 'status', header: 'STATUS', text: (d) => d.status, whole: true, leaveOut: 5},
  {name: 'default', header: 'DEFAULT', text: (d) => (d.isDefault ? 'yes' : 'no'), plain: (d) => String(d.isDefault), whole: true, leaveOut: 2},
  createdField(1),
]

function endpointSummary(endpoints: Connection['endpoints'], separator: string): string {
  const parts: string[] = []
  for (const name of ENDPOINT_ORDER) {
    const endpoint = endpoints[name]
    if (endpoint) parts.push(`${name} ${endpoint.host}:${endpoint.port}`)
  }
  return parts.join(separator)
}

export const connectionFields: FieldSpec<Connection> = [
  {name: 'id', header: 'ID', text: (c) => c.id, whole: true},
  {name: 'name', header: 'NAME', text: (c) => c.name, wrap: true},
  {name: 'kind', header: 'KIND', text: (c) => c.kind, whole: true, leaveOut: 2},
  {name: 'endpoints', header: 'ENDPOINTS', text: (c) => endpointSummary(c.endpoints, '\n') || '-', plain: (c) => endpointSummary(c.endpoints, ' '), leaveOut: 3},
  createdField(1),
]

export const workspaceFields: FieldSpec<Workspace> = [
  {name: 'id', header: 'ID', text: (w) => w.id, whole: true},
  {name: 'name', header: 'NAME', text: (w) => w.name, wrap: true},
  createdField(1),
]

export const regionFields: FieldSpec<PostgresRegion> = [
  {name: 'id', header: 'ID', text: (r) => r.id, whole: true},
  {name: 'name', header: 'NAME', text: (r) => r.name, wrap: true},
  {name: 'status', header: 'STATUS', text: (r) => r.status, whole: true, leaveOut: 1},
]

/** A region of any product: Postgres regions have a status; GET /v1/regions names each one's product. */
export interface AnyRegion {
  id: string
  name: string
  status?: string
  product?: string
}

/** Regions of any product: ID, NAME, PRODUCT (GET /v1/regions names it), STATUS (where the product has one). */
export function anyRegionFields(): FieldSpec<AnyRegion> {
  return [
    {name: 'id', header: 'ID', text: (r) => r.id, whole: true},
    {name: 'name', header: 'NAME', text: (r) => r.name, wrap: true},
    {name: 'product', header: 'PRODUCT', text: (r) => orDash(r.product), plain: (r) => plainOrEmpty(r.product), whole: true, leaveOut: 1},
    {name: 'status', header: 'STATUS', text: (r) => orDash(r.status), plain: (r) => plainOrEmpty(r.status), whole: true, leaveOut: 2},
  ]
}

export const backupFields: FieldSpec<Backup> = [
  {name: 'id', header: 'ID', text: (b) => b.id, whole: true},
  {name: 'type', header: 'TYPE', text: (b) => b.backupType, whole: true, leaveOut: 1},
  {name: 'status', header: 'STATUS', text: (b) => b.status, whole: true, leaveOut: 4},
  {name: 'size', header: 'SIZE', text: (b) => humanBytes(b.size), plain: (b) => plainOrEmpty(b.size), whole: true, leaveOut: 2},
  // Which backup to restore is read from when it was taken: it goes after the type and size.
  createdField(3),
]

/** A used amount and its unit: rounded on a terminal (`0.00787 GiB`), exact elsewhere (`0.007865 GiB`). */
function amountField(name: 'operations' | 'storage', header: string, leaveOut: number): Field<Usage> {
  return {
    name,
    header,
    text: (u) => `${grouped(u.metrics[name].used)} ${u.metrics[name].unit}`,
    plain: (u) => `${u.metrics[name].used} ${u.metrics[name].unit}`,
    whole: true,
    leaveOut,
  }
}

export const usageFields: FieldSpec<Usage> = [
  {name: 'start', header: 'START', text: (u) => shortTime(u.period.start), plain: (u) => u.period.start, whole: true, leaveOut: 2},
  {name: 'end', header: 'END', text: (u) => shortTime(u.period.end), plain: (u) => u.period.end, whole: true, leaveOut: 3},
  amountField('operations', 'OPERATIONS', 4),
  amountField('storage', 'STORAGE', 5),
  {name: 'generated', header: 'GENERATED', text: (u) => shortTime(u.generatedAt), plain: (u) => u.generatedAt, whole: true, leaveOut: 1},
]

/** How the CLI authenticates, as people call it. */
export type CredentialKind = 'oauth' | 'service token' | 'github-actions'

/** `whoami`: the API's answer and where the CLI's settings came from. */
export interface WhoAmI {
  me: Me
  credential: CredentialKind
  /** When the OAuth access token (renewed on its own) or the GitHub Actions token expires; none for a service token. */
  expiresAt?: string
  apiUrl: string
  tokenSource: string
  profile: string
}

export const whoamiFields: FieldSpec<WhoAmI> = [
  {name: 'workspace', header: 'WORKSPACE', text: (w) => (w.me.workspace ? `${w.me.workspace.name} (${w.me.workspace.id})` : '-')},
  {name: 'user', header: 'USER', text: (w) => (w.me.user ? `${w.me.user.name ?? w.me.user.email} <${w.me.user.email}>` : w.credential === 'service token' ? '- (service token)' : '-')},
  {name: 'credential', header: 'CREDENTIAL', text: (w) => [w.credential, w.me.credential.name].filter(Boolean).join(' · '), plain: (w) => w.credential},
  {
    name: 'expires',
    header: 'EXPIRES',
    // A GitHub Actions token is minted again only where the runner is there to ask.
    text: (w) => (w.expiresAt ? `${shortTime(w.expiresAt)} (${w.credential === 'github-actions' ? 'minted again in a GitHub Actions job' : 'renewed automatically'})` : '-'),
    plain: (w) => plainOrEmpty(w.expiresAt),
  },
  {name: 'api-url', header: 'API URL', text: (w) => w.apiUrl},
  {name: 'token-from', header: 'TOKEN FROM', text: (w) => w.tokenSource},
  {name: 'profile', header: 'PROFILE', text: (w) => w.profile},
]

/** One endpoint of a connection just minted or rotated, with the ids it belongs to (tab-separated and csv output). */
export interface EndpointRow {
  project?: string
  database?: string
  connection: ConnectionDetails
  endpoint: EndpointDetails
}

export const endpointFields: FieldSpec<EndpointRow> = [
  {name: 'connection', header: 'CONNECTION', text: (r) => r.connection.id, whole: true},
  {name: 'endpoint', header: 'ENDPOINT', text: (r) => r.endpoint.endpoint},
  {name: 'url', header: 'CONNECTION STRING', text: (r) => r.endpoint.connectionString ?? '', whole: true},
  {name: 'host', header: 'HOST', text: (r) => r.endpoint.host, whole: true},
  {name: 'port', header: 'PORT', text: (r) => String(r.endpoint.port)},
  {name: 'user', header: 'USER', text: (r) => r.endpoint.user ?? '', whole: true},
  {name: 'password', header: 'PASSWORD', text: (r) => r.endpoint.password ?? '', whole: true},
  {name: 'database-name', header: 'DATABASE NAME', text: (r) => r.endpoint.database ?? ''},
]

/** The same, led by the project and database ids, for what `projects create` and `db create` made. */
export const createdEndpointFields: FieldSpec<EndpointRow> = [
  {name: 'project', header: 'PROJECT', text: (r) => r.project ?? '', whole: true},
  {name: 'database', header: 'DATABASE', text: (r) => r.database ?? '', whole: true},
  ...endpointFields,
]

export function endpointRows(connections: readonly ConnectionDetails[], ids: {project?: string; database?: string} = {}): EndpointRow[] {
  return connections.flatMap((connection) => connection.endpoints.map((endpoint) => ({...ids, connection, endpoint})))
}

/** A stored profile as `profiles list` shows it: never a token. */
export interface ProfileRow {
  name: string
  credential: CredentialKind | 'none'
  workspace: {id: string; name: string} | null
  apiUrl: string
  authUrl: string | null
  clientId: string | null
  /** The OAuth access token's expiry (it is renewed on its own). */
  expiresAt: string | null
  savedAt: string | null
  current: boolean
}

export const profileFields: FieldSpec<ProfileRow> = [
  {name: 'name', header: 'NAME', text: (p) => p.name, whole: true},
  {name: 'credential', header: 'CREDENTIAL', text: (p) => p.credential, whole: true, leaveOut: 2},
  {name: 'workspace', header: 'WORKSPACE', text: (p) => orDash(p.workspace?.name), plain: (p) => plainOrEmpty(p.workspace?.name), leaveOut: 3},
  {name: 'api-url', header: 'API URL', text: (p) => p.apiUrl, whole: true, sayOnce: 'API URL', leaveOut: 1},
  {name: 'current', header: 'CURRENT', text: (p) => (p.current ? '*' : ''), plain: (p) => (p.current ? '*' : ''), whole: true, leaveOut: 4},
]

/** A service token as lists show it: the API's hint of its value, never the value. */
export const serviceTokenFields: FieldSpec<ServiceToken> = [
  {name: 'id', header: 'ID', text: (t) => t.id, whole: true},
  {name: 'name', header: 'NAME', text: (t) => t.name, wrap: true},
  {name: 'hint', header: 'HINT', text: (t) => t.valueHint, whole: true, leaveOut: 2},
  createdField(1),
  {name: 'expires', header: 'EXPIRES', text: (t) => (t.expiresAt ? shortTime(t.expiresAt) : 'never'), plain: (t) => plainOrEmpty(t.expiresAt), whole: true, leaveOut: 3},
]

/** A service token just created: its value, which the API shows this once. */
export const createdServiceTokenFields: FieldSpec<CreatedServiceToken> = [
  {name: 'id', header: 'ID', text: (t) => t.id, whole: true},
  {name: 'name', header: 'NAME', text: (t) => t.name, wrap: true},
  {name: 'value', header: 'VALUE', text: (t) => t.value, whole: true},
  createdField(1),
  {name: 'expires', header: 'EXPIRES', text: (t) => (t.expiresAt ? shortTime(t.expiresAt) : 'never'), plain: (t) => plainOrEmpty(t.expiresAt), whole: true, leaveOut: 2},
]

/** A bucket: NAME is a label; PROVIDER NAME is the bucket's name at the S3 endpoint. */
export const bucketFields: FieldSpec<Bucket> = [
  {name: 'id', header: 'ID', text: (b) => b.id, whole: true},
  {name: 'name', header: 'NAME', text: (b) => b.name, wrap: true},
  // What S3 clients are given: it goes only after the project it belongs to.
  {name: 'provider-name', header: 'PROVIDER NAME', text: (b) => b.providerName, whole: true, leaveOut: 4},
  {name: 'project', header: 'PROJECT', text: (b) => b.project.id, whole: true, sayOnce: 'Project', leaveOut: 3},
  {name: 'branch', header: 'BRANCH', text: (b) => orDash(b.branchId), plain: (b) => plainOrEmpty(b.branchId), whole: true, leaveOut: 2},
  {name: 'status', header: 'STATUS', text: (b) => b.status, whole: true, leaveOut: 5},
  createdField(1),
]

/** A bucket key as lists show it: the API's hint of its secret, never the secret. */
export const bucketKeyFields: FieldSpec<BucketKey> = [
  {name: 'id', header: 'ID', text: (k) => k.id, whole: true},
  {name: 'name', header: 'NAME', text: (k) => k.name, wrap: true},
  {name: 'role', header: 'ROLE', text: (k) => k.role, whole: true, leaveOut: 3},
  {name: 'hint', header: 'HINT', text: (k) => k.valueHint, whole: true, leaveOut: 2},
  createdField(1),
]

/** A bucket key just created: everything an S3 client needs, the secret included, which the API shows this once. */
export const createdBucketKeyFields: FieldSpec<CreatedBucketKey> = [
  {name: 'id', header: 'ID', text: (k) => k.id, whole: true},
  {name: 'name', header: 'NAME', text: (k) => k.name, wrap: true},
  {name: 'role', header: 'ROLE', text: (k) => k.role, whole: true, leaveOut: 2},
  {name: 'bucket', header: 'BUCKET', text: (k) => k.bucketName, whole: true},
  {name: 'endpoint', header: 'ENDPOINT', text: (k) => k.endpoint, whole: true},
  {name: 'access-key-id', header: 'ACCESS KEY ID', text: (k) => k.accessKeyId, whole: true},
  {name: 'secret-access-key', header: 'SECRET ACCESS KEY', text: (k) => k.secretAccessKey, whole: true},
  // The secret and what reaches the bucket with it are never left out.
  createdField(1),
]

/** An OAuth application with access to a workspace, and who let it in. */
export const integrationFields: FieldSpec<Integration> = [
  {name: 'id', header: 'ID', text: (i) => i.id, whole: true},
  {name: 'app', header: 'APP', text: (i) => i.client.name, wrap: true},
  // `integrations revoke --client` takes it.
  {name: 'client', header: 'CLIENT ID', text: (i) => i.client.id, whole: true, leaveOut: 4},
  {name: 'scopes', header: 'SCOPES', text: (i) => i.scopes.join(' ') || '-', plain: (i) => i.scopes.join(' '), leaveOut: 2},
  {name: 'user', header: 'AUTHORIZED BY', text: (i) => i.createdByUser.email, whole: true, leaveOut: 3},
  createdField(1),
]
