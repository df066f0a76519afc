// Turns the API's connection objects (current and deprecated shapes) into one flat list of
// endpoints that renderers print as they are. Pure, no I/O, cheap to import.
import {hostWithoutBrackets} from './url-host.js'
import type {
  Connection,
  CreatedConnection,
  CreatedDatabase,
  CreatedProjectConnection,
  CreatedProjectDatabase,
  Database,
  DatabaseConnection,
  EndpointName,
  FetchedConnection,
  LegacyApiKey,
  ListedDatabase,
  ProjectDatabase,
  RotatedConnection,
} from './contract.js'
import {ENDPOINT_ORDER} from './contract.js'

// Re-exported so that code about connection details finds them where it looks.
export {ENDPOINT_ORDER}
export type {EndpointName}

export interface EndpointDetails {
  endpoint: EndpointName
  connectionString?: string
  host: string
  port: number
  user?: string
  password?: string
  database?: string
}

export interface ConnectionDetails {
  /**
   * The connection's id and name; when only deprecated database-level fields carried the
   * secret, the database's default connection id (or the database's id) and its name.
   */
  id: string
  name: string
  endpoints: EndpointDetails[]
}

/** Anything the API calls a connection; only created and rotated ones carry secrets. */
export type AnyConnection =
  | CreatedConnection
  | RotatedConnection
  | DatabaseConnection
  | CreatedProjectConnection
  | LegacyApiKey
  | Connection
  | FetchedConnection

export type AnyDatabase = CreatedDatabase | CreatedProjectDatabase | Database | ListedDatabase | ProjectDatabase

type LegacyDirect = {host: string; user: string; pass: string}
type Draft = Map<EndpointName, EndpointDetails>

interface EndpointFields {
  host?: string
  port?: number
  connectionString?: string
  user?: string
  password?: string
}

interface ParsedConnectionString {
  protocol?: string
  host?: string
  port?: number
  user?: string
  password?: string
  database?: string
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Reads user, password, database, host and port out of a postgres:// or prisma+postgres:// string. */
export function parseConnectionString(connectionString: string): ParsedConnectionString {
  let url: URL
  try {
    url = new URL(connectionString)
  } catch {
    return {}
  }
  const parsed: ParsedConnectionString = {protocol: url.protocol}
  if (url.hostname !== '') parsed.host = hostWithoutBrackets(url.hostname)
  if (url.port !== '') parsed.port = Number(url.port)
  if (url.username !== '') parsed.user = decode(url.username)
  if (url.password !== '') parsed.password = decode(url.password)
  const database = decode(url.pathname.replace(/^\//, ''))
  if (database !== '') parsed.database = database
  return parsed
}

/** The deprecated `host` fields may carry a port (`db.prisma.io:5432`). */
function splitHostPort(host: string): {host: string; port?: number} {
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(host)
  return match ? {host: hostWithoutBrackets(match[1]), port: Number(match[2])} : {host: hostWithoutBrackets(host)}
}

function defaultPort(endpoint: EndpointName, protocol: string | undefined): number {
  return endpoint === 'accelerate' || protocol === 'prisma+postgres:' ? 443 : 5432
}

/** Adds an endpoint, or fills only the fields a better source left empty. */
function fill(draft: Draft, endpoint: EndpointName, fields: EndpointFields): void {
  const existing = draft.get(endpoint)
  // An endpoint that has its connection string is complete; mixing in another source's user would mislead.
  if (existing?.connectionString !== undefined) return
  const parsed = fields.connectionString ? parseConnectionString(fields.connectionString) : {}
  const host = existing?.host ?? fields.host ?? parsed.host
  if (host === undefined) return
  const details: EndpointDetails = {
    endpoint,
    connectionString: fields.connectionString,
    host,
    port: existing?.port ?? fields.port ?? parsed.port ?? defaultPort(endpoint, parsed.protocol),
    user: existing?.user ?? fields.user ?? parsed.user,
    password: existing?.password ?? fields.password ?? parsed.password,
    database: existing?.database ?? parsed.database,
  }
  draft.set(endpoint, details)
}

/** Which endpoint a deprecated connection string belongs to: by its host, else by its scheme. */
function classify(connectionString: string, draft: Draft): EndpointName {
  const parsed = parseConnectionString(connectionString)
  if (parsed.protocol === 'prisma+postgres:') return 'accelerate'
  for (const endpoint of ENDPOINT_ORDER) {
    const known = draft.get(endpoint)
    if (known && known.host === parsed.host && (parsed.port === undefined || parsed.port === known.port)) return endpoint
  }
  return 'direct'
}

function fillLegacy(draft: Draft, connectionString: string | null | undefined, direct: LegacyDirect | null | undefined): void {
  if (direct) fill(draft, 'direct', {...splitHostPort(direct.host), user: direct.user, password: direct.pass})
  if (connectionString) fill(draft, classify(connectionString, draft), {connectionString})
}

function collect(connection: AnyConnection, draft: Draft): void {
  for (const endpoint of ENDPOINT_ORDER) {
    const given = connection.endpoints?.[endpoint]
    if (!given) continue
    const connectionString = 'connectionString' in given ? given.connectionString : undefined
    fill(draft, endpoint, {host: given.host, port: given.port, connectionString})
  }
  // Older answers put the secrets beside the endpoints instead of inside them.
  const connectionString = 'connectionString' in connection ? connection.connectionString : undefined
  let direct: LegacyDirect | null | undefined = connection.directConnection
  if (!direct && 'pass' in connection && connection.host && connection.user && connection.pass) {
    direct = {host: connection.host, user: connection.user, pass: connection.pass}
  }
  fillLegacy(draft, connectionString, direct)
}

function finish(id: string, name: string, draft: Draft): ConnectionDetails {
  const endpoints = ENDPOINT_ORDER.flatMap((endpoint) => {
    const details = draft.get(endpoint)
    if (!details) return []
    // Drop empty optional fields so the JSON and the tables see the same keys.
    const clean = Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined)) as EndpointDetails
    return [clean]
  })
  return {id, name, endpoints}
}

/** The endpoints of one connection in the order direct, pooled, accelerate. */
export function connectionDetails(connection: AnyConnection): ConnectionDetails {
  const draft: Draft = new Map()
  collect(connection, draft)
  return finish(connection.id, connection.name, draft)
}

/** The details of every connection of a database, with its deprecated fields filling gaps. */
export function databaseConnectionDetails(database: AnyDatabase): ConnectionDetails[] {
  const entries: {id: string; name: string; draft: Draft}[] = []
  for (const connection of database.connections ?? []) {
    const draft: Draft = new Map()
    collect(connection, draft)
    entries.push({id: connection.id, name: connection.name, draft})
  }

  if ('apiKeys' in database && Array.isArray(database.apiKeys)) {
    for (const apiKey of database.apiKeys) {
      const same = entries.find((entry) => entry.id === apiKey.id)
      if (same) {
        collect(apiKey, same.draft)
      } else {
        const draft: Draft = new Map()
        collect(apiKey, draft)
        entries.push({id: apiKey.id, name: apiKey.name, draft})
      }
    }
  }

  const connectionString = 'connectionString' in database ? database.connectionString : undefined
  const direct = 'directConnection' in database ? database.directConnection : undefined
  if (connectionString || direct) {
    // Database-level secrets belong to its default connection, which is usually the first.
    let target = entries.find((entry) => entry.id === database.defaultConnectionId) ?? entries[0]
    if (!target) {
      target = {id: database.defaultConnectionId ?? database.id, name: database.name, draft: new Map()}
      entries.push(target)
    }
    fillLegacy(target.draft, connectionString, direct)
  }

  return entries.map((entry) => finish(entry.id, entry.name, entry.draft))
}
