// The `postgres` backend: each emulated database is a database on a real PostgreSQL server
// (--postgres-url) and each connection a LOGIN role with its own password, so rotating or deleting
// a connection really revokes the old credential. It touches only what it made itself: names start
// with `pmgmt_` and are in its records (postgres-records.ts); anything else is left alone.
//
// Per database `pmgmt_<db>`: a NOLOGIN owner role `pmgmt_<db>_owner` owns it, CONNECT is revoked
// from PUBLIC and granted to the owner, and each connection role `pmgmt_<connection>` is a member
// that starts its sessions as the owner (ALTER ROLE ... IN DATABASE ... SET role), so whatever one
// connection creates, every other connection of that database can use, and deleting a connection
// leaves the data in place.

import {createHash} from 'node:crypto'
import {join} from 'node:path'

import type pgModule from 'pg'

import {hostWithoutBrackets} from '../../api/url-host.js'
import {checkIds, newPassword} from '../ids.js'
import type {BackendOptions, Credential, DatabaseBackend, DatabaseEndpoints} from './backend.js'
import {loadPostgresRecords} from './postgres-records.js'
import type {DatabaseRecord, PostgresRecords} from './postgres-records.js'
import {scramVerifier} from './postgres-scram.js'

type Pg = typeof pgModule

const PREFIX = 'pmgmt_'
/** Longer identifiers are truncated by PostgreSQL without an error, which could merge two names. */
const MAX_IDENTIFIER_LENGTH = 63
/** How long to wait for a terminated session to be gone (PostgreSQL 14+ can wait). */
const TERMINATE_WAIT_MS = 5000

interface Connected {
  pg: Pg
  pool: pgModule.Pool
  records: PostgresRecords
  /** server_version_num, e.g. 150004. */
  version: number
}

/** `pmgmt_<id><suffix>`, with a hash in place of the id's tail when it would be too long. */
function serverName(id: string, suffix = ''): string {
  const name = `${PREFIX}${id}${suffix}`
  if (name.length <= MAX_IDENTIFIER_LENGTH) return name
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 12)
  return `${PREFIX}${id.slice(0, MAX_IDENTIFIER_LENGTH - PREFIX.length - suffix.length - hash.length - 1)}_${hash}${suffix}`
}

function message(error: unknown): string {
  // Node's dual-stack connect (e.g. to `localhost`) fails with an AggregateError that has no message of its own.
  if (error instanceof AggregateError && !error.message) return error.errors.map(message).join('; ')
  return error instanceof Error ? error.message : String(error)
}

export function createPostgresBackend(opts: BackendOptions): DatabaseBackend {
  if (!opts.postgresUrl) throw new Error('the postgres database backend needs --postgres-url, the admin URL of a PostgreSQL server')
  const adminUrl = new URL(opts.postgresUrl)
  if (adminUrl.protocol !== 'postgres:' && adminUrl.protocol !== 'postgresql:') {
    throw new Error(`--postgres-url must be a postgres:// URL, got ${adminUrl.protocol}//...`)
  }
  const host = hostWithoutBrackets(adminUrl.hostname)
  const port = Number(adminUrl.port || 5432)
  const server = `${host}:${port}`
  const recordsFile = opts.dataDir ? join(opts.dataDir, 'databases', 'postgres.json') : undefined

  let connected: Promise<Connected> | undefined
  let closing: Promise<void> | undefined
  /** Operations on one database run one after another; different databases run side by side. */
  const queues = new Map<string, Promise<unknown>>()

  const connect = (): Promise<Connected> => {
    connected ??= (async () => {
      const {default: pg} = await import('pg')
      const pool = new pg.Pool({connectionString: opts.postgresUrl, max: 4})
      // An idle admin connection the server closes must not take the emulator down.
      pool.on('error', (error) => opts.log(`postgres backend: admin connection lost: ${error.message}`))
      try {
        const {rows} = await pool.query<{server_version_num: string}>('SHOW server_version_num')
        const version = Number(rows[0]?.server_version_num)
        const records = await loadPostgresRecords(recordsFile, server)
        return {pg, pool, records, version}
      } catch (error) {
        await pool.end().catch(() => undefined)
        throw error
      }
    })()
    // A server that was down may be up on the next call.
    connected.catch(() => {
      connected = undefined
    })
    return connected
  }

  const serialized = <T>(databaseId: string, work: (c: Connected) => Promise<T>): Promise<T> => {
    if (closing) return Promise.reject(new Error('the postgres database backend is closed'))
    const previous = queues.get(databaseId) ?? Promise.resolve()
    const result = previous.then(async () => work(await connect()))
    const tail = result.catch(() => undefined)
    queues.set(databaseId, tail)
    void tail.then(() => {
      if (queues.get(databaseId) === tail) queues.delete(databaseId)
    })
    return result
  }

  const ident = (c: Connected, name: string): string => c.pg.escapeIdentifier(name)
  const literal = (c: Connected, value: string): string => c.pg.escapeLiteral(value)

  const exists = async (c: Connected, kind: 'database' | 'role', name: string): Promise<boolean> => {
    const sql = kind === 'database' ? 'SELECT 1 FROM pg_database WHERE datname = $1' : 'SELECT 1 FROM pg_roles WHERE rolname = $1'
    return ((await c.pool.query(sql, [name])).rowCount ?? 0) > 0
  }

  const terminateSessions = async (c: Connected, column: 'usename' | 'datname', name: string): Promise<void> => {
    const terminate = c.version >= 140000 ? `pg_terminate_backend(pid, ${TERMINATE_WAIT_MS})` : 'pg_terminate_backend(pid)'
    await c.pool.query(`SELECT ${terminate} FROM pg_stat_activity WHERE ${column} = $1 AND pid <> pg_backend_pid()`, [name])
  }

  /** Run `work` connected as the admin to one of our databases (some statements act per database). */
  const inDatabase = async (c: Connected, database: string, work: (client: pgModule.Client) => Promise<void>): Promise<void> => {
    const url = new URL(adminUrl)
    url.pathname = `/${encodeURIComponent(database)}`
    const client = new c.pg.Client({connectionString: url.toString()})
    client.on('error', () => undefined)
    await client.connect()
    try {
      await work(client)
    } finally {
      await client.end().catch(() => undefined)
    }
  }

  /** Make the role start its sessions in `database` as the owner, so what it creates is the database's. */
  const actAsOwner = async (c: Connected, role: string, record: DatabaseRecord): Promise<void> => {
    await c.pool.query(`ALTER ROLE ${ident(c, role)} IN DATABASE ${ident(c, record.database)} SET role = ${literal(c, record.owner)}`)
  }

  const provision = async (c: Connected, databaseId: string): Promise<DatabaseRecord> => {
    const database = serverName(databaseId)
    const owner = serverName(databaseId, '_owner')
    let record = c.records.get(databaseId)
    const present = await exists(c, 'database', database)
    if (present && record) return record
    if (present) throw new Error(`database ${database} already exists on ${server} and this emulator did not create it; it is left alone`)
    if (!record) {
      if (await exists(c, 'role', owner)) throw new Error(`role ${owner} already exists on ${server} and this emulator did not create it; it is left alone`)
      record = {database, owner, roles: {}}
      // Recorded before it is made, so a crash in between never leaves something unrecorded.
      await c.records.set(databaseId, record)
    }
    if (!(await exists(c, 'role', owner))) await c.pool.query(`CREATE ROLE ${ident(c, owner)} NOLOGIN`)
    // template0: nothing anyone added to template1 comes along.
    await c.pool.query(`CREATE DATABASE ${ident(c, database)} OWNER ${ident(c, owner)} TEMPLATE template0`)
    await c.pool.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${ident(c, database)} FROM PUBLIC`)
    await c.pool.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(c, database)} TO ${ident(c, owner)}`)
    await c.pool.query(`COMMENT ON DATABASE ${ident(c, database)} IS ${literal(c, `prisma-mgmt emulator database ${databaseId}`)}`)
    await inDatabase(c, database, async (client) => {
      // Before PostgreSQL 15 the public schema belongs to the bootstrap superuser.
      await client.query(`ALTER SCHEMA public OWNER TO ${ident(c, owner)}`)
    })
    // The database was recreated under roles that survived it: their per-database setting went with it.
    for (const [connectionId, role] of Object.entries(record.roles)) {
      if (await exists(c, 'role', role)) await actAsOwner(c, role, record)
      else delete record.roles[connectionId]
    }
    await c.records.set(databaseId, record)
    opts.log(`database ${databaseId}: created ${database} on ${server}`)
    return record
  }

  const createCredential = async (c: Connected, databaseId: string, connectionId: string): Promise<Credential> => {
    const record = await provision(c, databaseId)
    const role = serverName(connectionId)
    const recorded = record.roles[connectionId] === role
    const present = await exists(c, 'role', role)
    if (present && !recorded) throw new Error(`role ${role} already exists on ${server} and this emulator did not create it; it is left alone`)
    if (!recorded) {
      record.roles[connectionId] = role
      await c.records.set(databaseId, record)
    }
    const password = newPassword()
    const verifier = literal(c, scramVerifier(password))
    if (present) await c.pool.query(`ALTER ROLE ${ident(c, role)} LOGIN PASSWORD ${verifier}`)
    else await c.pool.query(`CREATE ROLE ${ident(c, role)} LOGIN INHERIT PASSWORD ${verifier} IN ROLE ${ident(c, record.owner)}`)
    await actAsOwner(c, role, record)
    await c.pool.query(`COMMENT ON ROLE ${ident(c, role)} IS ${literal(c, `prisma-mgmt emulator connection ${connectionId} of database ${databaseId}`)}`)
    return {user: role, password}
  }

  const rotateCredential = async (c: Connected, databaseId: string, connectionId: string): Promise<Credential> => {
    const role = c.records.get(databaseId)?.roles[connectionId]
    if (!role) throw new Error(`connection ${connectionId} has no credential on database ${databaseId}`)
    if (!(await exists(c, 'role', role))) return createCredential(c, databaseId, connectionId)
    const password = newPassword()
    await c.pool.query(`ALTER ROLE ${ident(c, role)} PASSWORD ${literal(c, scramVerifier(password))}`)
    // The new password stops new sessions with the old one; these end the sessions already open.
    await terminateSessions(c, 'usename', role)
    return {user: role, password}
  }

  const dropRole = async (c: Connected, role: string, record: DatabaseRecord, databasePresent: boolean): Promise<void> => {
    if (!(await exists(c, 'role', role))) return
    await c.pool.query(`ALTER ROLE ${ident(c, role)} NOLOGIN`)
    await terminateSessions(c, 'usename', role)
    if (databasePresent) {
      await inDatabase(c, record.database, async (client) => {
        // Anything it made as itself (after RESET ROLE) stays with the database.
        await client.query(`REASSIGN OWNED BY ${ident(c, role)} TO ${ident(c, record.owner)}`)
        await client.query(`DROP OWNED BY ${ident(c, role)}`)
      })
    }
    // Grants to it elsewhere on the server (it is our role, so they are ours too).
    await c.pool.query(`DROP OWNED BY ${ident(c, role)}`)
    await c.pool.query(`DROP ROLE ${ident(c, role)}`)
  }

  const dropCredential = async (c: Connected, databaseId: string, connectionId: string): Promise<void> => {
    const record = c.records.get(databaseId)
    const role = record?.roles[connectionId]
    if (!record || !role) return
    await dropRole(c, role, record, await exists(c, 'database', record.database))
    delete record.roles[connectionId]
    await c.records.set(databaseId, record)
  }

  const drop = async (c: Connected, databaseId: string): Promise<void> => {
    const record = c.records.get(databaseId)
    if (!record) return
    const roles = Object.values(record.roles)
    // No new sessions while the database goes away.
    for (const role of roles) {
      if (await exists(c, 'role', role)) await c.pool.query(`ALTER ROLE ${ident(c, role)} NOLOGIN`)
    }
    if (await exists(c, 'database', record.database)) {
      await terminateSessions(c, 'datname', record.database)
      const force = c.version >= 130000 ? ' WITH (FORCE)' : ''
      await c.pool.query(`DROP DATABASE ${ident(c, record.database)}${force}`)
    }
    for (const role of roles) await dropRole(c, role, record, false)
    if (await exists(c, 'role', record.owner)) {
      await c.pool.query(`DROP OWNED BY ${ident(c, record.owner)}`)
      await c.pool.query(`DROP ROLE ${ident(c, record.owner)}`)
    }
    await c.records.set(databaseId, undefined)
    opts.log(`database ${databaseId}: dropped ${record.database} and its roles on ${server}`)
  }

  // Backups and copies. A backup is a database of its own, `pmgmt_<backupId>`, owned by its own
  // NOLOGIN role and recorded like a database (keyed by the backup's id), that no one may connect
  // to; CREATE DATABASE ... TEMPLATE copies it at file level, which needs the template to have no
  // session: a live database refuses new sessions and ends open ones for the moment of the copy.

  /** CREATE DATABASE `name` as a copy of `template`; a few tries, since a session may slip in on old servers. */
  const copyDatabase = async (c: Connected, template: string, name: string, owner: string, live: boolean): Promise<void> => {
    if (live) await c.pool.query(`ALTER DATABASE ${ident(c, template)} ALLOW_CONNECTIONS false`)
    try {
      for (let attempt = 1; ; attempt++) {
        if (live) await terminateSessions(c, 'datname', template)
        try {
          await c.pool.query(`CREATE DATABASE ${ident(c, name)} OWNER ${ident(c, owner)} TEMPLATE ${ident(c, template)}`)
          return
        } catch (error) {
          // 55006 object_in_use: "source database is being accessed by other users".
          if (!(live && attempt < 5 && (error as {code?: string}).code === '55006')) throw error
          await new Promise((resolve) => setTimeout(resolve, 200 * attempt))
        }
      }
    } finally {
      if (live) await c.pool.query(`ALTER DATABASE ${ident(c, template)} ALLOW_CONNECTIONS true`)
    }
  }

  /** The roles that may own objects in a database: its owner and, for what they made after RESET ROLE, its connection roles. */
  const possibleOwners = async (c: Connected, record: DatabaseRecord): Promise<string[]> => {
    const roles: string[] = []
    for (const role of [record.owner, ...Object.values(record.roles)]) if (await exists(c, 'role', role)) roles.push(role)
    return roles
  }

  /**
   * In the copy, everything the source's roles owned becomes the new owner's, so the source's roles
   * can go. REASSIGN OWNED moves the databases those roles own too (shared objects): they are given back.
   */
  const reassign = async (c: Connected, database: string, from: readonly string[], to: string): Promise<void> => {
    if (from.length === 0) return
    await inDatabase(c, database, async (client) => {
      await client.query(`REASSIGN OWNED BY ${from.map((role) => ident(c, role)).join(', ')} TO ${ident(c, to)}`)
    })
    for (const [, record] of c.records.all()) {
      if (record.database === database || !from.includes(record.owner) || !(await exists(c, 'database', record.database))) continue
      await c.pool.query(`ALTER DATABASE ${ident(c, record.database)} OWNER TO ${ident(c, record.owner)}`)
    }
  }

  const recordOf = async (c: Connected, id: string, what: string): Promise<DatabaseRecord> => {
    const record = c.records.get(id)
    if (!record || !(await exists(c, 'database', record.database))) throw new Error(`${what} ${id} has no database on ${server}`)
    return record
  }

  const backup = async (c: Connected, databaseId: string, backupId: string): Promise<{size?: number}> => {
    const source = await recordOf(c, databaseId, 'database')
    const record: DatabaseRecord = {database: serverName(backupId), owner: serverName(backupId, '_owner'), roles: {}}
    for (const [kind, name] of [['database', record.database], ['role', record.owner]] as const) {
      if (await exists(c, kind, name)) throw new Error(`${kind} ${name} already exists on ${server}; it is left alone`)
    }
    await c.records.set(backupId, record)
    await c.pool.query(`CREATE ROLE ${ident(c, record.owner)} NOLOGIN`)
    await copyDatabase(c, source.database, record.database, record.owner, true)
    await reassign(c, record.database, await possibleOwners(c, source), record.owner)
    await c.pool.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${ident(c, record.database)} FROM PUBLIC`)
    await c.pool.query(`COMMENT ON DATABASE ${ident(c, record.database)} IS ${literal(c, `prisma-mgmt emulator backup ${backupId} of database ${databaseId}`)}`)
    const {rows} = await c.pool.query<{size: string}>('SELECT pg_database_size($1) AS size', [record.database])
    opts.log(`database ${databaseId}: backup ${backupId} taken as ${record.database} on ${server}`)
    return {size: Number(rows[0]?.size)}
  }

  /** Replaces the target's database with a copy of `template`, built aside and renamed into place. */
  const replaceWith = async (c: Connected, targetId: string, template: DatabaseRecord, live: boolean): Promise<void> => {
    const target = await recordOf(c, targetId, 'database')
    const building = serverName(targetId, '_copy')
    if (await exists(c, 'database', building)) await c.pool.query(`DROP DATABASE ${ident(c, building)}`)
    await copyDatabase(c, template.database, building, target.owner, live)
    await reassign(c, building, await possibleOwners(c, template), target.owner)
    await c.pool.query(`ALTER DATABASE ${ident(c, target.database)} ALLOW_CONNECTIONS false`)
    await terminateSessions(c, 'datname', target.database)
    const force = c.version >= 130000 ? ' WITH (FORCE)' : ''
    await c.pool.query(`DROP DATABASE ${ident(c, target.database)}${force}`)
    await c.pool.query(`ALTER DATABASE ${ident(c, building)} RENAME TO ${ident(c, target.database)}`)
    await c.pool.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${ident(c, target.database)} FROM PUBLIC`)
    await c.pool.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(c, target.database)} TO ${ident(c, target.owner)}`)
    await c.pool.query(`COMMENT ON DATABASE ${ident(c, target.database)} IS ${literal(c, `prisma-mgmt emulator database ${targetId}`)}`)
    // Per-database role settings went with the old database.
    for (const role of Object.values(target.roles)) if (await exists(c, 'role', role)) await actAsOwner(c, role, target)
  }

  /** Every operation: its ids checked, run in its database's queue, its errors naming it and the server. */
  const operate = <T>(what: string, ids: {database: string; connection?: string}, work: (c: Connected) => Promise<T>): Promise<T> => {
    checkIds('postgres', ids)
    return serialized(ids.database, work).catch((error: unknown) => {
      throw new Error(`${what} on ${server}: ${message(error)}`, {cause: error})
    })
  }

  return {
    mode: 'postgres',

    async provision(databaseId): Promise<DatabaseEndpoints> {
      const record = await operate(`cannot provision database ${databaseId}`, {database: databaseId}, (c) => provision(c, databaseId))
      return {direct: {host, port, database: record.database}}
    },

    async createCredential(databaseId, connectionId) {
      return operate(`cannot create a credential for connection ${connectionId}`, {database: databaseId, connection: connectionId}, (c) => createCredential(c, databaseId, connectionId))
    },

    async rotateCredential(databaseId, connectionId) {
      return operate(`cannot rotate the credential of connection ${connectionId}`, {database: databaseId, connection: connectionId}, (c) => rotateCredential(c, databaseId, connectionId))
    },

    async dropCredential(databaseId, connectionId) {
      return operate(`cannot drop the credential of connection ${connectionId}`, {database: databaseId, connection: connectionId}, (c) => dropCredential(c, databaseId, connectionId))
    },

    async backup(databaseId, backupId) {
      checkIds('postgres', {database: backupId})
      return operate(`cannot back up database ${databaseId}`, {database: databaseId}, (c) => backup(c, databaseId, backupId))
    },

    async restore(databaseId, backupId) {
      checkIds('postgres', {database: backupId})
      return operate(`cannot restore database ${databaseId} from backup ${backupId}`, {database: databaseId}, async (c) =>
        replaceWith(c, databaseId, await recordOf(c, backupId, 'backup'), false),
      )
    },

    async cloneFrom(databaseId, sourceId) {
      checkIds('postgres', {database: sourceId})
      return operate(`cannot copy database ${sourceId} into ${databaseId}`, {database: databaseId}, async (c) =>
        replaceWith(c, databaseId, await recordOf(c, sourceId, 'database'), true),
      )
    },

    async dropBackup(backupId) {
      return operate(`cannot drop backup ${backupId}`, {database: backupId}, (c) => drop(c, backupId))
    },

    async drop(databaseId) {
      return operate(`cannot drop database ${databaseId}`, {database: databaseId}, (c) => drop(c, databaseId))
    },

    close() {
      closing ??= (async () => {
        await Promise.all(queues.values())
        const c = await connected?.catch(() => undefined)
        if (!c) return
        try {
          // Without a data dir nothing remembers these databases: leave the server as we found it.
          if (!opts.dataDir) {
            for (const [databaseId] of c.records.all()) {
              await drop(c, databaseId).catch((error: unknown) => opts.log(`postgres backend: could not drop database ${databaseId}: ${message(error)}`))
            }
          }
        } finally {
          await c.pool.end()
        }
      })()
      return closing
    },
  }
}
