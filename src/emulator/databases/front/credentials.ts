// Who may log in through the front: per connection its user name and SCRAM verifier (never the
// password), and per database the front's last ports, so connection strings survive a restart.
// Kept in memory, and with a data dir also in `<dataDir>/databases/local-front.json`, written
// atomically with mode 0600.

import {readFile} from 'node:fs/promises'

import {jsonFileWriter} from '../../../files/atomic-write.js'

export interface LoginRecord {
  databaseId: string
  user: string
  /** `SCRAM-SHA-256$<iterations>:<salt>$<storedKey>:<serverKey>`, as PostgreSQL stores it. */
  verifier: string
}

export interface FrontPorts {
  direct: number
  pooled: number
  /** The accelerate proxy's, where the database has one (absent in files of earlier versions). */
  accelerate?: number
}

interface FrontFile {
  version: 1
  connections: Record<string, LoginRecord>
  ports: Record<string, FrontPorts>
}

export interface FrontRecords {
  login(connectionId: string): LoginRecord | undefined
  /** The connection id and record of a user name, if a connection has it. */
  byUser(user: string): [string, LoginRecord] | undefined
  setLogin(connectionId: string, record: LoginRecord | undefined): Promise<void>
  /** Forgets every login and the ports of a database. */
  dropDatabase(databaseId: string): Promise<void>
  ports(databaseId: string): FrontPorts | undefined
  setPorts(databaseId: string, ports: FrontPorts): Promise<void>
}

function isFrontFile(value: unknown): value is FrontFile {
  const file = value as FrontFile | null
  return typeof file === 'object' && file !== null && file.version === 1 && typeof file.connections === 'object' && typeof file.ports === 'object'
}

export async function loadFrontRecords(file: string | undefined): Promise<FrontRecords> {
  let stored: FrontFile = {version: 1, connections: {}, ports: {}}
  if (file) {
    let text: string | undefined
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error
    }
    if (text !== undefined) {
      const parsed: unknown = JSON.parse(text)
      if (!isFrontFile(parsed)) throw new Error(`${file} is not in the expected format (version 1); move it away to start without local database logins`)
      stored = parsed
    }
  }
  const users = new Map<string, string>()
  for (const [connectionId, record] of Object.entries(stored.connections)) users.set(record.user, connectionId)
  const write = file ? jsonFileWriter(file) : undefined
  const persist = (): Promise<void> => write?.(stored) ?? Promise.resolve()

  return {
    login: (connectionId) => stored.connections[connectionId],
    byUser(user) {
      const connectionId = users.get(user)
      const record = connectionId === undefined ? undefined : stored.connections[connectionId]
      return connectionId !== undefined && record ? [connectionId, record] : undefined
    },
    setLogin(connectionId, record) {
      const previous = stored.connections[connectionId]
      if (previous) users.delete(previous.user)
      if (record) {
        stored.connections[connectionId] = record
        users.set(record.user, connectionId)
      } else {
        delete stored.connections[connectionId]
      }
      return persist()
    },
    dropDatabase(databaseId) {
      for (const [connectionId, record] of Object.entries(stored.connections)) {
        if (record.databaseId !== databaseId) continue
        users.delete(record.user)
        delete stored.connections[connectionId]
      }
      delete stored.ports[databaseId]
      return persist()
    },
    ports: (databaseId) => stored.ports[databaseId],
    setPorts(databaseId, ports) {
      stored.ports[databaseId] = ports
      return persist()
    },
  }
}
