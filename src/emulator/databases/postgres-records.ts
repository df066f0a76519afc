// What the `postgres` backend created on a server, so it drops only its own databases and roles.
// Kept in memory, and with a data dir also in `<dataDir>/databases/postgres.json` (written
// atomically) so that a restart still knows what is its own.

import {readFile} from 'node:fs/promises'

import {jsonFileWriter} from '../../files/atomic-write.js'

export interface DatabaseRecord {
  /** Name of the database on the server. */
  database: string
  /** NOLOGIN role that owns the database and its objects; connection roles are its members. */
  owner: string
  /** Connection id to its LOGIN role. */
  roles: Record<string, string>
}

interface RecordsFile {
  version: 1
  /** Keyed by the server's `host:port`, so pointing a data dir at another server claims nothing there. */
  servers: Record<string, {databases: Record<string, DatabaseRecord>}>
}

export interface PostgresRecords {
  get(databaseId: string): DatabaseRecord | undefined
  all(): Array<[string, DatabaseRecord]>
  /** Store (or with `undefined`, forget) a database's record and persist it before returning. */
  set(databaseId: string, record: DatabaseRecord | undefined): Promise<void>
}

export async function loadPostgresRecords(file: string | undefined, server: string): Promise<PostgresRecords> {
  let stored: RecordsFile = {version: 1, servers: {}}
  if (file) {
    try {
      stored = JSON.parse(await readFile(file, 'utf8')) as RecordsFile
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) {
        throw new Error(`cannot read the postgres backend's records in ${file}: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
  }
  stored.servers[server] ??= {databases: {}}
  const databases = stored.servers[server].databases
  const write = file ? jsonFileWriter(file) : undefined
  const persist = (): Promise<void> => write?.(stored) ?? Promise.resolve()

  return {
    get: (databaseId) => databases[databaseId],
    all: () => Object.entries(databases),
    set(databaseId, record) {
      if (record) databases[databaseId] = record
      else delete databases[databaseId]
      return persist()
    },
  }
}
