// The `postgres` backend against a real, throwaway PostgreSQL server that stands for one a user runs
// (test/e2e/postgres-cluster.ts).

import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {existsSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import pg from 'pg'

import type {Credential, DatabaseBackend, DatabaseEndpoints} from '../../src/emulator/databases/backend.js'
import {createPostgresBackend} from '../../src/emulator/databases/postgres.js'
import {startCluster} from '../e2e/postgres-cluster.js'
import type {Cluster} from '../e2e/postgres-cluster.js'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** A fresh id, so tests never share a database or a role. */
const newId = (prefix: string): string => `${prefix}${randomBytes(5).toString('hex')}`

/** Makes the database and answers its endpoints. */
async function provisioned(backend: DatabaseBackend, databaseId: string): Promise<DatabaseEndpoints> {
  await backend.provision(databaseId)
  return backend.endpoints(databaseId)
}

/** The string a user would paste, exactly as the brief promises it works. */
function connectionString(credential: Credential, endpoints: DatabaseEndpoints): string {
  const {host, port, database} = endpoints.direct
  return `postgres://${credential.user}:${credential.password}@${host}:${port}/${database}?sslmode=disable`
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({connectionString: url, connectionTimeoutMillis: 5000})
  // A terminated session reports through 'error' too; the failing query is what the tests check.
  client.on('error', () => undefined)
  await client.connect()
  return client
}

async function canConnect(url: string): Promise<boolean> {
  try {
    const client = await connect(url)
    await client.query('SELECT 1')
    await client.end()
    return true
  } catch {
    return false
  }
}

describe('postgres database backend', () => {
  let cluster: Cluster | undefined
  let adminUrl = ''
  let admin: pg.Client
  let backend: DatabaseBackend
  const logs: string[] = []

  const serverObjects = async (): Promise<{databases: string[]; roles: string[]}> => {
    const databases = await admin.query<{datname: string}>('SELECT datname FROM pg_database ORDER BY 1')
    const roles = await admin.query<{rolname: string}>("SELECT rolname FROM pg_roles WHERE rolname NOT LIKE 'pg\\_%' ORDER BY 1")
    return {databases: databases.rows.map((row) => row.datname), roles: roles.rows.map((row) => row.rolname)}
  }
  let foreign: {databases: string[]; roles: string[]}

  before(async () => {
    cluster = await startCluster()
    adminUrl = cluster.adminUrl
    admin = await connect(adminUrl)
    // Things the emulator did not make, some wearing its prefix: they must survive everything below.
    await admin.query('CREATE DATABASE other_app')
    await admin.query('CREATE ROLE pmgmt_foreign LOGIN')
    await admin.query('CREATE DATABASE pmgmt_squatter')
    await admin.query('CREATE ROLE pmgmt_squatter_owner')
    foreign = await serverObjects()
    backend = createPostgresBackend({host: '127.0.0.1', postgresUrl: adminUrl, log: (line) => logs.push(line)})
  })

  after(async () => {
    await backend?.close()
    await admin?.end()
    await cluster?.stop()
  })

  it('the server checks passwords over TCP', async () => {
    const wrong = new URL(adminUrl)
    wrong.password = 'not-the-password'
    assert.equal(await canConnect(wrong.toString()), false)
    assert.equal(await canConnect(adminUrl), true)
  })

  it('provisions a real database that a credential can use: tables, rows', async () => {
    const databaseId = newId('db')
    const endpoints = await provisioned(backend, databaseId)
    const url = new URL(adminUrl)
    assert.deepEqual(endpoints.direct, {host: url.hostname, port: Number(url.port), database: `pmgmt_${databaseId}`})
    // The pooler and the accelerate endpoint are the emulator's own, on loopback, in front of that server.
    assert.equal(endpoints.pooled?.host, '127.0.0.1')
    assert.equal(endpoints.pooled?.database, `pmgmt_${databaseId}`)
    assert.notEqual(endpoints.pooled?.port, Number(url.port))
    assert.equal(endpoints.accelerate?.host, '127.0.0.1')

    const credential = await backend.createCredential(databaseId, newId('con'))
    assert.match(credential.user, /^pmgmt_con/)
    const client = await connect(connectionString(credential, endpoints))
    await client.query('CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)')
    await client.query("INSERT INTO notes (body) VALUES ('one'), ('two')")
    const {rows} = await client.query<{body: string}>('SELECT body FROM notes ORDER BY id')
    assert.deepEqual(rows, [{body: 'one'}, {body: 'two'}])
    await client.end()

    // Provisioning again is a no-op that answers the same endpoints.
    assert.deepEqual(await provisioned(backend, databaseId), endpoints)
  })

  it('lets every connection of a database use what another made, and keeps it when that one is deleted', async () => {
    const databaseId = newId('db')
    const endpoints = await provisioned(backend, databaseId)
    const first = newId('con')
    const a = await backend.createCredential(databaseId, first)
    const b = await backend.createCredential(databaseId, newId('con'))
    assert.notEqual(a.password, b.password)

    const clientA = await connect(connectionString(a, endpoints))
    await clientA.query('CREATE TABLE shared (n int)')
    await clientA.query('INSERT INTO shared VALUES (1)')
    await clientA.end()

    await backend.dropCredential(databaseId, first)
    const clientB = await connect(connectionString(b, endpoints))
    await clientB.query('INSERT INTO shared VALUES (2)')
    const {rows} = await clientB.query<{total: number}>('SELECT sum(n)::int AS total FROM shared')
    assert.deepEqual(rows, [{total: 3}])
    await clientB.end()
  })

  it('rotation: the old password is refused, the new one works, open sessions of the old one end', async () => {
    const databaseId = newId('db')
    const connectionId = newId('con')
    const endpoints = await provisioned(backend, databaseId)
    const old = await backend.createCredential(databaseId, connectionId)
    const openSession = await connect(connectionString(old, endpoints))
    await openSession.query('SELECT 1')

    const rotated = await backend.rotateCredential(databaseId, connectionId)
    assert.equal(rotated.user, old.user)
    assert.notEqual(rotated.password, old.password)

    await assert.rejects(openSession.query('SELECT 1'))
    await openSession.end().catch(() => undefined)
    await assert.rejects(connect(connectionString(old, endpoints)), /password authentication failed/)
    assert.equal(await canConnect(connectionString(rotated, endpoints)), true)
  })

  it('a deleted credential is refused and its role is gone', async () => {
    const databaseId = newId('db')
    const connectionId = newId('con')
    const endpoints = await provisioned(backend, databaseId)
    const credential = await backend.createCredential(databaseId, connectionId)
    const openSession = await connect(connectionString(credential, endpoints))

    await backend.dropCredential(databaseId, connectionId)
    await assert.rejects(openSession.query('SELECT 1'))
    await openSession.end().catch(() => undefined)
    assert.equal(await canConnect(connectionString(credential, endpoints)), false)
    const {rowCount} = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [credential.user])
    assert.equal(rowCount, 0)
    // Dropping it again is harmless.
    await backend.dropCredential(databaseId, connectionId)
  })

  it('a credential reaches its own database only', async () => {
    const mine = newId('db')
    const theirs = newId('db')
    const myEndpoints = await provisioned(backend, mine)
    const theirEndpoints = await provisioned(backend, theirs)
    const credential = await backend.createCredential(mine, newId('con'))

    assert.equal(await canConnect(connectionString(credential, myEndpoints)), true)
    await assert.rejects(connect(connectionString(credential, theirEndpoints)), /permission denied for database/)
    // The server keeps ordinary roles out of the maintenance databases. (A database someone
    // else made with the default CONNECT for PUBLIC is open to every role; that is theirs to close.)
    const maintenance = {...myEndpoints, direct: {...myEndpoints.direct, database: 'postgres'}}
    assert.equal(await canConnect(connectionString(credential, maintenance)), false)
  })

  it('drop removes the database and its roles', async () => {
    const databaseId = newId('db')
    const endpoints = await provisioned(backend, databaseId)
    const credential = await backend.createCredential(databaseId, newId('con'))
    const openSession = await connect(connectionString(credential, endpoints))

    await backend.drop(databaseId)
    await assert.rejects(openSession.query('SELECT 1'))
    await openSession.end().catch(() => undefined)
    assert.equal(await canConnect(connectionString(credential, endpoints)), false)
    const {databases, roles} = await serverObjects()
    assert.ok(!databases.includes(endpoints.direct.database), `${endpoints.direct.database} still in ${JSON.stringify(databases)}`)
    assert.ok(!roles.includes(credential.user), `${credential.user} still in ${JSON.stringify(roles)}`)
    assert.ok(!roles.includes(`pmgmt_${databaseId}_owner`), `pmgmt_${databaseId}_owner still in ${JSON.stringify(roles)}`)
    // A second drop, and dropping an id it never made, do nothing.
    await backend.drop(databaseId)
    await backend.drop('never_made')
  })

  it('refuses to adopt a database or role it did not create', async () => {
    await assert.rejects(backend.provision('squatter'), /pmgmt_squatter already exists .* did not create it/)
    await backend.drop('squatter')
    const {databases, roles} = await serverObjects()
    assert.ok(databases.includes('pmgmt_squatter'), `pmgmt_squatter not in ${JSON.stringify(databases)}`)
    assert.ok(roles.includes('pmgmt_squatter_owner'), `pmgmt_squatter_owner not in ${JSON.stringify(roles)}`)

    const databaseId = newId('db')
    await backend.provision(databaseId)
    await assert.rejects(backend.createCredential(databaseId, 'foreign'), /pmgmt_foreign already exists .* did not create it/)
    await backend.dropCredential(databaseId, 'foreign')
    const {roles: rolesAfter} = await serverObjects()
    assert.ok(rolesAfter.includes('pmgmt_foreign'), `pmgmt_foreign not in ${JSON.stringify(rolesAfter)}`)
  })

  it('rejects bad ids before they reach SQL', async () => {
    await assert.rejects(backend.provision('x"; DROP DATABASE other_app; --'), /invalid database id/)
    await assert.rejects(backend.createCredential('ok', '../x'), /invalid connection id/)
  })

  it('with a data dir, a restart reuses the databases and their credentials', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pmgmt-pg-data-'))
    try {
      const databaseId = newId('db')
      const connectionId = newId('con')
      const first = createPostgresBackend({host: '127.0.0.1', postgresUrl: adminUrl, dataDir, log: () => undefined})
      const endpoints = await provisioned(first, databaseId)
      const credential = await first.createCredential(databaseId, connectionId)
      const client = await connect(connectionString(credential, endpoints))
      await client.query('CREATE TABLE kept (v text)')
      await client.query("INSERT INTO kept VALUES ('still here')")
      await client.end()
      await first.close()
      assert.equal(existsSync(join(dataDir, 'databases', 'postgres.json')), true)

      const second = createPostgresBackend({host: '127.0.0.1', postgresUrl: adminUrl, dataDir, log: () => undefined})
      assert.deepEqual(await provisioned(second, databaseId), endpoints)
      const again = await connect(connectionString(credential, endpoints))
      assert.deepEqual((await again.query('SELECT v FROM kept')).rows, [{v: 'still here'}])
      await again.end()
      // Its records say the role is its own, so it may rotate and drop it.
      const rotated = await second.rotateCredential(databaseId, connectionId)
      assert.equal(await canConnect(connectionString(rotated, endpoints)), true)
      await second.drop(databaseId)
      await second.close()
      const {databases} = await serverObjects()
      assert.ok(!databases.includes(endpoints.direct.database), `${endpoints.direct.database} still in ${JSON.stringify(databases)}`)
    } finally {
      await rm(dataDir, {recursive: true, force: true})
    }
  })

  it('backup, restore and clone copy real rows; a session open during a copy ends; dropBackup removes the copy', async () => {
    const databaseId = newId('db')
    const endpoints = await provisioned(backend, databaseId)
    const credential = await backend.createCredential(databaseId, newId('con'))
    const url = connectionString(credential, endpoints)
    const client = await connect(url)
    await client.query('CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)')
    await client.query("INSERT INTO notes (body) VALUES ('before the backup')")
    // Still connected while the backup is taken: the copy ends this session, not the other way round.
    const backupId = newId('bk')
    const {size} = await backend.backup(databaseId, backupId)
    assert.ok(size !== undefined && size > 1_000_000, `size of a real database copy: ${size}`)
    await assert.rejects(client.query('SELECT 1'))
    await client.end().catch(() => undefined)

    const writer = await connect(url)
    await writer.query('DELETE FROM notes')
    await writer.query("INSERT INTO notes (body) VALUES ('after the backup')")
    await writer.end()
    await backend.restore(databaseId, backupId)
    // The same credential, the same string: the data is the backup's.
    const reader = await connect(url)
    assert.deepEqual((await reader.query('SELECT body FROM notes ORDER BY id')).rows, [{body: 'before the backup'}])
    // What the backup brought in is the database's own: the connection can still write to it.
    await reader.query("INSERT INTO notes (body) VALUES ('written after the restore')")
    await reader.end()

    const cloneId = newId('db')
    const cloneEndpoints = await provisioned(backend, cloneId)
    const cloneCredential = await backend.createCredential(cloneId, newId('con'))
    await backend.cloneFrom(cloneId, databaseId)
    const clone = await connect(connectionString(cloneCredential, cloneEndpoints))
    assert.deepEqual((await clone.query('SELECT body FROM notes ORDER BY id')).rows, [{body: 'before the backup'}, {body: 'written after the restore'}])
    await clone.query("INSERT INTO notes (body) VALUES ('only in the clone')")
    await clone.end()
    const source = await connect(url)
    assert.equal((await source.query('SELECT count(*)::int AS n FROM notes')).rows[0].n, 2, 'the clone is a copy, not the same database')
    await source.end()

    assert.ok((await serverObjects()).databases.includes(`pmgmt_${backupId}`))
    await backend.dropBackup(backupId)
    const {databases, roles} = await serverObjects()
    assert.ok(!databases.includes(`pmgmt_${backupId}`), `pmgmt_${backupId} still in ${JSON.stringify(databases)}`)
    assert.ok(!roles.includes(`pmgmt_${backupId}_owner`), `pmgmt_${backupId}_owner still in ${JSON.stringify(roles)}`)
    await assert.rejects(backend.restore(databaseId, backupId), /backup .* has no database/)
    await backend.drop(cloneId)
    await backend.drop(databaseId)
  })

  it('without a data dir, close() drops what this run created and nothing else', async () => {
    const scratch = createPostgresBackend({host: '127.0.0.1', postgresUrl: adminUrl, log: () => undefined})
    const ids = [newId('db'), newId('db')]
    for (const databaseId of ids) {
      await scratch.provision(databaseId)
      await scratch.createCredential(databaseId, newId('con'))
    }
    await scratch.close()
    await scratch.close()
    await assert.rejects(scratch.provision(newId('db')), /closed/)

    await backend.close()
    assert.deepEqual(await serverObjects(), foreign)
  })

  it('reports an unreachable server readably', async () => {
    const port = await freePort()
    const nowhere = createPostgresBackend({host: '127.0.0.1', postgresUrl: `postgres://postgres:x@127.0.0.1:${port}/postgres`, log: () => undefined})
    await assert.rejects(nowhere.provision('db1'), new RegExp(`cannot provision database db1 on 127.0.0.1:${port}: .*ECONNREFUSED`))
    await nowhere.close()
    assert.throws(() => createPostgresBackend({host: '127.0.0.1', log: () => undefined}, 'postgres'), /needs --postgres-url/)
  })
})
