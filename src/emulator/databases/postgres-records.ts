// What the `local` and `postgres` backends made on their server, so they touch only their own
// databases and roles, with each connection role's SCRAM verifier (never its password: the
// pooler and the accelerate endpoint check logins against it) and the ports of the pooler and the
// accelerate endpoint. Kept in memory, and with a data dir in `<dataDir>/databases/postgres.json`
// (written atomically, mode 0600) so that a restart knows what is its own and keeps its ports.

import {readFile} from 'node:fs/promises'

import {jsonFileWriter} from '../../files/atomic-write.js'

export interface RoleRecord {
  /** The LOGIN role's name. */
  role: string
  /** `SCRAM-SHA-256$<iterations>:<salt>$<storedKey>:<serverKey>`, as the server stores it. */
  verifier: string
}

export interface DatabaseRecord {
  /** Name of the database on the server. */
  database: string
  /** NOLOGIN role that owns the database and its objects; connection roles are its members. */
  owner: string
  /** Connection id to its LOGIN role. */
  roles: Record<string, RoleRecord>
  /** Made on the server (a record is written first, so a crash in between leaves nothing unrecorded). */
  created?: boolean
}

export interface FrontPorts {
  pooler?: number
  accelerate?: number
}

interface RecordsFile {
  version: 2
  /** Keyed by the server (`host:port`, or `emulator` for its own), so pointing a data dir at another server claims nothing there. */
  servers: Record<string, {databases: Record<string, DatabaseRecord>}>
  ports: FrontPorts
}

export interface PostgresRecords {
  get(databaseId: string): DatabaseRecord | undefined
  all(): Array<[string, DatabaseRecord]>
  /** Store (or with `undefined`, forget) a database's record and persist it before returning. */
  set(databaseId: string, record: DatabaseRecord | undefined): Promise<void>
  /** The connection, database and verifier of a role name. */
  byRole(role: string): {databaseId: string; connectionId: string; record: DatabaseRecord; verifier: string} | undefined
  ports(): FrontPorts
  setPorts(ports: FrontPorts): Promise<void>
}

/** Version 1 kept role names alone (no verifier): such a role logs in directly only, until rotated. */
function upgrade(parsed: unknown, file: string): RecordsFile {
  const stored = parsed as {version?: number; servers?: Record<string, {databases: Record<string, unknown>}>; ports?: FrontPorts}
  if ((stored.version !== 1 && stored.version !== 2) || typeof stored.servers !== 'object' || stored.servers === null) {
    throw new Error(`${file} is not in a format this emulator knows (version 1 or 2); move it away to start without its databases`)
  }
  for (const server of Object.values(stored.servers)) {
    for (const record of Object.values(server.databases) as DatabaseRecord[]) {
      // Version 1 recorded a database once it was being made.
      if (stored.version === 1) record.created = true
      for (const [connectionId, role] of Object.entries(record.roles as Record<string, RoleRecord | string>)) if (typeof role === 'string') record.roles[connectionId] = {role, verifier: ''}
    }
  }
  return {version: 2, servers: stored.servers as RecordsFile['servers'], ports: stored.ports ?? {}}
}

export async function loadPostgresRecords(file: string | undefined, server: string): Promise<PostgresRecords> {
  let stored: RecordsFile = {version: 2, servers: {}, ports: {}}
  if (file) {
    let text: string | undefined
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) {
        throw new Error(`cannot read the database records in ${file}: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    if (text !== undefined) stored = upgrade(JSON.parse(text), file)
  }
  stored.servers[server] ??= {databases: {}}
  const databases = stored.servers[server].databases
  const write = file ? jsonFileWriter(file) : undefined
  const persist = (): Promise<void> => write?.(stored) ?? Promise.resolve()
  /** role name → [databaseId, connectionId], rebuilt on every change (a handful of entries). */
  let roles = new Map<string, [string, string]>()
  const index = (): void => {
    roles = new Map()
    for (const [databaseId, record] of Object.entries(databases)) for (const [connectionId, {role}] of Object.entries(record.roles)) roles.set(role, [databaseId, connectionId])
  }
  index()

  return {
    get: (databaseId) => databases[databaseId],
    all: () => Object.entries(databases),
    set(databaseId, record) {
      if (record) databases[databaseId] = record
      else delete databases[databaseId]
      index()
      return persist()
    },
    byRole(role) {
      const found = roles.get(role)
      const record = found && databases[found[0]]
      const entry = found && record?.roles[found[1]]
      return found && record && entry ? {databaseId: found[0], connectionId: found[1], record, verifier: entry.verifier} : undefined
    },
    ports: () => stored.ports,
    setPorts(ports) {
      stored.ports = {...stored.ports, ...ports}
      return persist()
    },
  }
}
