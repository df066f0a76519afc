// The `local` and `postgres` backends: each emulated database is a database on a real PostgreSQL
// server and each connection a LOGIN role with its own password (a SCRAM verifier made here), so
// rotating or deleting a connection really revokes the old credential. One code for both: the
// server is the emulator's own (`local`, server/managed.ts) or one the user runs (`postgres`,
// --postgres-url). It touches only what it made itself: names start with `pmgmt_` and are in its
// records (postgres-records.ts); anything else is left alone.
//
// Per database `pmgmt_<db>`: a NOLOGIN owner role `pmgmt_<db>_owner` (CREATEDB, for Prisma
// Migrate's shadow database) owns it, CONNECT is revoked from PUBLIC and granted to the owner, and
// each connection role `pmgmt_<connection>` is a member that starts its sessions there as the owner
// (ALTER ROLE ... IN DATABASE ... SET role), so whatever one connection creates, every other
// connection of that database can read, write and alter, and deleting a connection leaves the data.
//
// In front of the server: the pooler (the `pooled` endpoint, pooler/) and the accelerate endpoint
// (accelerate/), one loopback listener each for every database.

import {createHash} from 'node:crypto'
import {stat} from 'node:fs/promises'
import {join} from 'node:path'

import type pgModule from 'pg'

import {hostInUrl} from '../../api/url-host.js'
import {checkIds, newPassword} from '../ids.js'
import {AccelerateProxy, accelerateUrl} from './accelerate/proxy.js'
import type {BackendOptions, Credential, DatabaseBackend, DatabaseEndpoints, DatabaseMode} from './backend.js'
import {Pooler} from './pooler/pooler.js'
import {scramVerifier} from './pooler/verifier.js'
import {loadPostgresRecords} from './postgres-records.js'
import type {DatabaseRecord, PostgresRecords} from './postgres-records.js'
import {EngineError} from './server/binaries.js'
import {managedServer} from './server/managed.js'
import {externalServer} from './server/source.js'
import type {ServerSource} from './server/source.js'

type Pg = typeof pgModule

const PREFIX = 'pmgmt_'
const LOOPBACK = '127.0.0.1'
/** Longer identifiers are truncated by PostgreSQL without an error, which could merge two names. */
const MAX_IDENTIFIER_LENGTH = 63
/** How long to wait for a terminated session to be gone (PostgreSQL 14+ can wait). */
const TERMINATE_WAIT_MS = 5000
/** How often a server the user runs is asked whether it still answers, while it has databases. */
const PROBE_INTERVAL_MS = 3000
const PROBE_TIMEOUT_MS = 5000

interface Connected {
  pg: Pg
  pool: pgModule.Pool
  records: PostgresRecords
  /** server_version_num, e.g. 170010. */
  version: number
}

interface Front {
  pooler: Pooler
  poolerPort: number
  accelerate: AccelerateProxy
  acceleratePort: number
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

function directString(credential: {user: string; password: string}, endpoint: {host: string; port: number; database: string}): string {
  return `postgres://${encodeURIComponent(credential.user)}:${encodeURIComponent(credential.password)}@${hostInUrl(endpoint.host)}:${endpoint.port}/${encodeURIComponent(endpoint.database)}?sslmode=disable`
}

/** A data dir from before the `local` engine was a PostgreSQL server holds PGlite databases this one cannot read. */
export async function checkDataDir(dataDir: string | undefined): Promise<void> {
  if (!dataDir) return
  const earlier = join(dataDir, 'databases', 'local-front.json')
  if (await stat(earlier).then(() => true, () => false)) {
    throw new EngineError(
      `${dataDir} holds databases of the emulator's earlier PGlite engine (${earlier}), which its PostgreSQL server cannot read; they are left as they are. Start with another --data-dir, or with --databases none to keep this one's projects without their data.`,
    )
  }
}

export function createPostgresBackend(opts: BackendOptions, mode: Exclude<DatabaseMode, 'none'> = opts.postgresUrl ? 'postgres' : 'local'): DatabaseBackend {
  if (mode === 'postgres' && !opts.postgresUrl) throw new Error('the postgres database backend needs --postgres-url, the admin URL of a PostgreSQL server')
  const source: ServerSource =
    mode === 'postgres'
      ? externalServer(opts.postgresUrl as string)
      : managedServer({dataDir: opts.dataDir, tempDir: opts.tempDir, binDir: opts.postgresBin, cacheDir: opts.cacheDir, log: opts.log})
  const server = source.name
  const recordsFile = opts.dataDir ? join(opts.dataDir, 'databases', 'postgres.json') : undefined

  let records: Promise<PostgresRecords> | undefined
  let connected: Promise<Connected> | undefined
  let front: Promise<Front> | undefined
  let closing: Promise<void> | undefined
  let probe: NodeJS.Timeout | undefined
  let serverFailed: string | undefined
  /** Databases made (or found) on the server during this run: credentials then apply at once. */
  const provisioned = new Set<string>()
  /** Operations on one database run one after another; different databases run side by side. */
  const queues = new Map<string, Promise<unknown>>()

  const recordsOf = (): Promise<PostgresRecords> => {
    records ??= loadPostgresRecords(recordsFile, source.managed ? 'emulator' : server)
    return records
  }

  source.onHealth = (health) => {
    if (health.state === 'failed') serverFailed = health.reason
    if (health.state === 'up') serverFailed = undefined
    opts.onHealth?.(health)
  }

  const connect = async (): Promise<Connected> => {
    // The server first, every time: one that was given up on is started again here.
    await source.ready()
    connected ??= (async () => {
      const [url, {default: pg}, loaded] = await Promise.all([source.ready(), import('pg'), recordsOf()])
      const pool = new pg.Pool({connectionString: url, max: 4})
      // An idle admin connection the server closes must not take the emulator down.
      pool.on('error', (error) => opts.log(`database server: admin connection lost: ${error.message}`))
      try {
        const {rows} = await pool.query<{server_version_num: string}>('SHOW server_version_num')
        return {pg, pool, records: loaded, version: Number(rows[0]?.server_version_num)}
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

  const frontOf = (): Promise<Front> => {
    front ??= (async () => {
      const loaded = await recordsOf()
      const lookup = (role: string) => {
        const found = loaded.byRole(role)
        return found && {connectionId: found.connectionId, databaseId: found.databaseId, database: found.record.database, verifier: found.verifier}
      }
      const pooler = new Pooler({
        lookup,
        knownDatabase: (name) => loaded.all().some(([, record]) => record.database === name),
        server: async () => {
          await source.ready()
          return source.address()
        },
        authenticationTimeoutMs: opts.authenticationTimeoutMs,
        log: opts.log,
      })
      const accelerate = new AccelerateProxy({
        lookup,
        executor: async (directUrl) => {
          await source.ready()
          const {createExecutor} = await import('./accelerate/executor.js')
          return createExecutor(directUrl)
        },
        log: opts.log,
      })
      const last = loaded.ports()
      const poolerPort = await pooler.listen(last.pooler)
      const acceleratePort = await accelerate.listen(last.accelerate)
      if (poolerPort !== last.pooler || acceleratePort !== last.accelerate) await loaded.setPorts({pooler: poolerPort, accelerate: acceleratePort})
      return {pooler, poolerPort, accelerate, acceleratePort}
    })()
    front.catch(() => {
      front = undefined
    })
    return front
  }

  const serialized = <T>(databaseId: string, work: () => Promise<T>): Promise<T> => {
    if (closing) return Promise.reject(new Error('the database backend is closed'))
    const previous = queues.get(databaseId) ?? Promise.resolve()
    const result = previous.then(work)
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
    const url = new URL(await source.ready())
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

  /** The record of a database, made (and persisted) before anything is made on the server. */
  const recordFor = async (databaseId: string): Promise<DatabaseRecord> => {
    const loaded = await recordsOf()
    let record = loaded.get(databaseId)
    if (!record) {
      record = {database: serverName(databaseId), owner: serverName(databaseId, '_owner'), roles: {}}
      await loaded.set(databaseId, record)
    }
    return record
  }

  /** The role exists with its recorded password, a member of the owner acting as it in the database. */
  const applyRole = async (c: Connected, connectionId: string, record: DatabaseRecord): Promise<void> => {
    const entry = record.roles[connectionId]
    if (!entry) return
    const password = entry.verifier ? ` PASSWORD ${literal(c, entry.verifier)}` : ''
    if (await exists(c, 'role', entry.role)) await c.pool.query(`ALTER ROLE ${ident(c, entry.role)} LOGIN${password}`)
    else await c.pool.query(`CREATE ROLE ${ident(c, entry.role)} LOGIN INHERIT${password} IN ROLE ${ident(c, record.owner)}`)
    await actAsOwner(c, entry.role, record)
    await c.pool.query(`COMMENT ON ROLE ${ident(c, entry.role)} IS ${literal(c, `prisma-mgmt emulator connection ${connectionId}`)}`)
  }

  const createOwner = async (c: Connected, owner: string): Promise<void> => {
    try {
      await c.pool.query(`CREATE ROLE ${ident(c, owner)} NOLOGIN CREATEDB`)
    } catch (error) {
      // An admin without CREATEDB cannot give it: connections then cannot make a shadow database.
      if ((error as {code?: string}).code !== '42501') throw error
      opts.log(`database server ${server}: role ${owner} made without CREATEDB (${message(error)}): Prisma Migrate's shadow database will be refused`)
      await c.pool.query(`CREATE ROLE ${ident(c, owner)} NOLOGIN`)
    }
  }

  const provision = async (c: Connected, databaseId: string): Promise<void> => {
    const record = await recordFor(databaseId)
    const present = await exists(c, 'database', record.database)
    if (present && !record.created) throw new Error(`database ${record.database} already exists on ${server} and this emulator did not create it; it is left alone`)
    if (!present) {
      if (!record.created && (await exists(c, 'role', record.owner))) throw new Error(`role ${record.owner} already exists on ${server} and this emulator did not create it; it is left alone`)
      if (!(await exists(c, 'role', record.owner))) await createOwner(c, record.owner)
      // template0: nothing anyone added to template1 comes along.
      await c.pool.query(`CREATE DATABASE ${ident(c, record.database)} OWNER ${ident(c, record.owner)} TEMPLATE template0`)
      record.created = true
      await c.records.set(databaseId, record)
      await c.pool.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${ident(c, record.database)} FROM PUBLIC`)
      await c.pool.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(c, record.database)} TO ${ident(c, record.owner)}`)
      await c.pool.query(`COMMENT ON DATABASE ${ident(c, record.database)} IS ${literal(c, `prisma-mgmt emulator database ${databaseId}`)}`)
      await inDatabase(c, record.database, async (client) => {
        // Before PostgreSQL 15 the public schema belongs to the bootstrap superuser.
        await client.query(`ALTER SCHEMA public OWNER TO ${ident(c, record.owner)}`)
      })
      opts.log(`database ${databaseId}: created ${record.database} on ${server}`)
    }
    // Credentials made while it was being created, and (after a restart) those that were there: all as recorded.
    for (const connectionId of Object.keys(record.roles)) await applyRole(c, connectionId, record)
    provisioned.add(databaseId)
    startProbe()
  }

  const mint = async (databaseId: string, connectionId: string, role: string): Promise<Credential> => {
    const password = newPassword()
    const record = await recordFor(databaseId)
    record.roles[connectionId] = {role, verifier: scramVerifier(password)}
    await (await recordsOf()).set(databaseId, record)
    const [endpoints, {acceleratePort}] = await Promise.all([endpointsOf(databaseId), frontOf()])
    return {user: role, password, accelerateUrl: accelerateUrl(acceleratePort, directString({user: role, password}, endpoints.direct), databaseId)}
  }

  const createCredential = async (databaseId: string, connectionId: string): Promise<Credential> => {
    const role = serverName(connectionId)
    if (!provisioned.has(databaseId)) return mint(databaseId, connectionId, role)
    const c = await connect()
    const recorded = c.records.get(databaseId)?.roles[connectionId]?.role === role
    if (!recorded && (await exists(c, 'role', role))) throw new Error(`role ${role} already exists on ${server} and this emulator did not create it; it is left alone`)
    const credential = await mint(databaseId, connectionId, role)
    await applyRole(c, connectionId, await recordFor(databaseId))
    return credential
  }

  const endSessions = async (role: string, connectionId: string): Promise<void> => {
    const {pooler, accelerate} = await frontOf()
    pooler.endSessionsOf(role)
    accelerate.forget((id) => id === connectionId)
  }

  const rotateCredential = async (databaseId: string, connectionId: string): Promise<Credential> => {
    const role = (await recordsOf()).get(databaseId)?.roles[connectionId]?.role
    if (!role) throw new Error(`connection ${connectionId} has no credential on database ${databaseId}`)
    const credential = await mint(databaseId, connectionId, role)
    await endSessions(role, connectionId)
    if (provisioned.has(databaseId)) {
      const c = await connect()
      await applyRole(c, connectionId, await recordFor(databaseId))
      // The new password stops new sessions with the old one; these end the sessions already open.
      await terminateSessions(c, 'usename', role)
    }
    return credential
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

  const dropCredential = async (databaseId: string, connectionId: string): Promise<void> => {
    const loaded = await recordsOf()
    const record = loaded.get(databaseId)
    const entry = record?.roles[connectionId]
    if (!record || !entry) return
    await endSessions(entry.role, connectionId)
    if (provisioned.has(databaseId) || record.created) {
      const c = await connect()
      await dropRole(c, entry.role, record, await exists(c, 'database', record.database))
    }
    delete record.roles[connectionId]
    await loaded.set(databaseId, record)
  }

  const drop = async (databaseId: string): Promise<void> => {
    const loaded = await recordsOf()
    const record = loaded.get(databaseId)
    if (!record) return
    const roles = Object.values(record.roles).map((entry) => entry.role)
    for (const [connectionId, entry] of Object.entries(record.roles)) await endSessions(entry.role, connectionId)
    if (record.created) {
      const c = await connect()
      // No new sessions while the database goes away.
      for (const role of roles) if (await exists(c, 'role', role)) await c.pool.query(`ALTER ROLE ${ident(c, role)} NOLOGIN`)
      if (await exists(c, 'database', record.database)) {
        await terminateSessions(c, 'datname', record.database)
        const force = c.version >= 130000 ? ' WITH (FORCE)' : ''
        await c.pool.query(`DROP DATABASE ${ident(c, record.database)}${force}`)
      }
      for (const role of roles) await dropRole(c, role, record, false)
      if (await exists(c, 'role', record.owner)) {
        // Shadow databases a connection left behind belong to the owner: they go with it.
        const {rows} = await c.pool.query<{datname: string}>('SELECT datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = $1', [record.owner])
        for (const {datname} of rows) await c.pool.query(`DROP DATABASE ${ident(c, datname)}${c.version >= 130000 ? ' WITH (FORCE)' : ''}`)
        await c.pool.query(`DROP OWNED BY ${ident(c, record.owner)}`)
        await c.pool.query(`DROP ROLE ${ident(c, record.owner)}`)
      }
      opts.log(`database ${databaseId}: dropped ${record.database} and its roles on ${server}`)
    }
    provisioned.delete(databaseId)
    await loaded.set(databaseId, undefined)
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
    for (const role of [record.owner, ...Object.values(record.roles).map((entry) => entry.role)]) if (await exists(c, 'role', role)) roles.push(role)
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
    record.created = true
    await c.records.set(backupId, record)
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
    for (const {role} of Object.values(target.roles)) if (await exists(c, 'role', role)) await actAsOwner(c, role, target)
  }

  /** A server the user runs is asked now and then whether it answers; its databases turn `failure` while it does not. */
  const startProbe = (): void => {
    if (source.managed || probe || closing) return
    probe = setInterval(() => {
      void (async () => {
        const c = await connected?.catch(() => undefined)
        if (!c) return
        const answered = await Promise.race([
          c.pool.query('SELECT 1').then(
            () => undefined,
            (error: unknown) => message(error),
          ),
          new Promise<string>((resolve) => setTimeout(() => resolve(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`), PROBE_TIMEOUT_MS).unref()),
        ])
        if (closing) return
        if (answered !== undefined && serverFailed === undefined) source.onHealth({state: 'failed', reason: `the PostgreSQL server at ${server} does not answer: ${answered}`})
        if (answered === undefined && serverFailed !== undefined) source.onHealth({state: 'up'})
      })()
    }, PROBE_INTERVAL_MS)
    probe.unref()
  }

  const endpointsOf = async (databaseId: string): Promise<DatabaseEndpoints> => {
    const [address, {poolerPort, acceleratePort}] = await Promise.all([source.address(), frontOf()])
    const database = serverName(databaseId)
    const host = source.managed ? LOOPBACK : address.host
    return {
      direct: {host, port: address.port, database},
      pooled: {host: LOOPBACK, port: poolerPort, database},
      accelerate: {host: LOOPBACK, port: acceleratePort},
    }
  }

  /** Every operation: its ids checked, run in its database's queue, its errors naming it and the server. */
  const operate = async <T>(what: string, ids: {database: string; connection?: string}, work: () => Promise<T>): Promise<T> => {
    checkIds(mode, ids)
    return serialized(ids.database, work).catch((error: unknown) => {
      if (error instanceof EngineError) throw error
      throw new Error(`${what} on ${server}: ${message(error)}`, {cause: error})
    })
  }

  return {
    mode,

    async endpoints(databaseId) {
      checkIds(mode, {database: databaseId})
      if (closing) throw new Error('the database backend is closed')
      return endpointsOf(databaseId)
    },

    provision(databaseId) {
      return operate(`cannot provision database ${databaseId}`, {database: databaseId}, async () => provision(await connect(), databaseId))
    },

    createCredential(databaseId, connectionId) {
      return operate(`cannot create a credential for connection ${connectionId}`, {database: databaseId, connection: connectionId}, () => createCredential(databaseId, connectionId))
    },

    rotateCredential(databaseId, connectionId) {
      return operate(`cannot rotate the credential of connection ${connectionId}`, {database: databaseId, connection: connectionId}, () => rotateCredential(databaseId, connectionId))
    },

    dropCredential(databaseId, connectionId) {
      return operate(`cannot drop the credential of connection ${connectionId}`, {database: databaseId, connection: connectionId}, () => dropCredential(databaseId, connectionId))
    },

    async backup(databaseId, backupId) {
      checkIds(mode, {database: backupId})
      return operate(`cannot back up database ${databaseId}`, {database: databaseId}, async () => backup(await connect(), databaseId, backupId))
    },

    async restore(databaseId, backupId) {
      checkIds(mode, {database: backupId})
      return operate(`cannot restore database ${databaseId} from backup ${backupId}`, {database: databaseId}, async () => {
        const c = await connect()
        await replaceWith(c, databaseId, await recordOf(c, backupId, 'backup'), false)
      })
    },

    async cloneFrom(databaseId, sourceId) {
      checkIds(mode, {database: sourceId})
      return operate(`cannot copy database ${sourceId} into ${databaseId}`, {database: databaseId}, async () => {
        const c = await connect()
        await replaceWith(c, databaseId, await recordOf(c, sourceId, 'database'), true)
      })
    },

    dropBackup(backupId) {
      return operate(`cannot drop backup ${backupId}`, {database: backupId}, () => drop(backupId))
    },

    drop(databaseId) {
      return operate(`cannot drop database ${databaseId}`, {database: databaseId}, () => drop(databaseId))
    },

    close() {
      closing ??= (async () => {
        if (probe) clearInterval(probe)
        await Promise.all(queues.values())
        const opened = await front?.catch(() => undefined)
        await Promise.all([opened?.pooler.close(), opened?.accelerate.close()])
        const c = await connected?.catch(() => undefined)
        try {
          // Without a data dir nothing remembers these databases: leave a server the user runs as we found it.
          if (c && !opts.dataDir && !source.managed) {
            for (const [databaseId] of c.records.all()) {
              await drop(databaseId).catch((error: unknown) => opts.log(`database server ${server}: could not drop database ${databaseId}: ${message(error)}`))
            }
          }
        } finally {
          await c?.pool.end()
          await source.close()
        }
      })()
      return closing
    },
  }
}
