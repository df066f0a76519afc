// The front of local databases in process, in front of a stand-in for PGlite's socket that
// answers every statement at once: logins, refusals, and how sessions share the one upstream
// session. Real PGlite behind it is covered by databases-local.test.ts and test/e2e/local-front.test.ts.
import assert from 'node:assert/strict'
import net from 'node:net'
import type {AddressInfo} from 'node:net'
import {afterEach, beforeEach, describe, it} from 'node:test'

import pg from 'pg'

import {loadFrontRecords} from '../../src/emulator/databases/front/credentials.js'
import {Front} from '../../src/emulator/databases/front/front.js'
import {backend as reply, FrameReader} from '../../src/emulator/databases/front/wire.js'

/** What the stand-in saw: every simple query, in order, across all its sessions. */
interface StandIn {
  port: number
  queries: string[]
  sessions: number
  close(): Promise<void>
}

function commandComplete(tag: string): Buffer {
  const body = Buffer.from(`${tag}\0`)
  const header = Buffer.alloc(5)
  header.write('C')
  header.writeInt32BE(body.length + 4, 1)
  return Buffer.concat([header, body])
}

/** One upstream session at a time, like PGlite; BEGIN/COMMIT/ROLLBACK move its transaction status. */
async function standIn(): Promise<StandIn> {
  const seen: StandIn = {port: 0, queries: [], sessions: 0, close: async () => undefined}
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    seen.sessions++
    const reader = new FrameReader()
    let started = false
    let status: 'I' | 'T' = 'I'
    socket.on('close', () => sockets.delete(socket))
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk)
      if (!started && reader.startup()) {
        started = true
        socket.write(Buffer.concat([reply.authOk(), reply.parameterStatus('server_version', '17.5'), reply.parameterStatus('client_encoding', 'UTF8'), reply.readyForQuery('I')]))
      }
      for (let frame = reader.next(); frame; frame = reader.next()) {
        if (frame.type === 'X') return void socket.end()
        if (frame.type === 'S') socket.write(reply.readyForQuery(status))
        if (frame.type !== 'Q') continue
        const sql = frame.body.subarray(0, frame.body.length - 1).toString('utf8')
        seen.queries.push(sql)
        if (/^begin/i.test(sql)) status = 'T'
        if (/^(commit|rollback)/i.test(sql)) status = 'I'
        socket.write(Buffer.concat([commandComplete(sql.split(' ')[0]!.toUpperCase()), reply.readyForQuery(status)]))
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  seen.port = (server.address() as AddressInfo).port
  seen.close = async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
  }
  return seen
}

describe('the front of local databases (against a stand-in database)', () => {
  let upstream: StandIn
  let front: Front
  let clients: pg.Client[] = []
  const logs: string[] = []

  const open = async (url: string): Promise<pg.Client> => {
    const client = new pg.Client({connectionString: url})
    client.on('error', () => undefined)
    clients.push(client)
    await client.connect()
    return client
  }

  beforeEach(async () => {
    upstream = await standIn()
    front = new Front({
      records: await loadFrontRecords(undefined),
      log: (line) => logs.push(line),
      upstreamOf: (databaseId) => (databaseId === 'db1' || databaseId === 'db2' ? {host: '127.0.0.1', port: upstream.port} : undefined),
      queueTimeoutMs: 300,
    })
    clients = []
    logs.length = 0
  })

  afterEach(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)))
    await front.close()
    await upstream.close()
  })

  const urlFor = async (databaseId: string, connectionId: string): Promise<string> => {
    const {direct} = await front.open(databaseId)
    const {user, password} = await front.createLogin(databaseId, connectionId)
    return `postgres://${user}:${password}@127.0.0.1:${direct}/postgres?sslmode=disable`
  }

  it('logs a client in with SCRAM-SHA-256 and relays its statements; unknown users and wrong passwords get 28P01', async () => {
    const url = await urlFor('db1', 'c1')
    const client = await open(url)
    assert.equal((await client.query('select 1')).command, 'SELECT')
    assert.equal(client.user, 'u_c1')
    const wrong = new URL(url)
    wrong.password = 'not-the-password'
    await assert.rejects(open(wrong.toString()), {code: '28P01', message: 'password authentication failed for user "u_c1"'})
    const unknown = new URL(url)
    unknown.username = 'postgres'
    await assert.rejects(open(unknown.toString()), {code: '28P01', message: 'password authentication failed for user "postgres"'})
    const otherDatabase = new URL(url)
    otherDatabase.pathname = '/template1'
    await assert.rejects(open(otherDatabase.toString()), {code: '3D000', message: 'database "template1" does not exist'})
  })

  it('a login of one database is refused by the front of another', async () => {
    const url = await urlFor('db1', 'c1')
    const {direct} = await front.open('db2')
    const elsewhere = new URL(url)
    elsewhere.port = String(direct)
    await assert.rejects(open(elsewhere.toString()), {code: '28P01'})
  })

  it('answers a startup with SCRAM-SHA-256 alone, never a cleartext password request', async () => {
    const {direct} = await front.open('db1')
    const socket = net.connect({host: '127.0.0.1', port: direct})
    const startup = Buffer.from('\0\x03\0\0user\0u_c1\0database\0postgres\0\0')
    const length = Buffer.alloc(4)
    length.writeInt32BE(startup.length + 4)
    socket.write(Buffer.concat([length, startup]))
    const first = await new Promise<Buffer>((resolve) => socket.once('data', resolve))
    socket.destroy()
    // 'R', then the length, then 10: AuthenticationSASL, naming SCRAM-SHA-256 alone.
    assert.equal(String.fromCharCode(first[0]!), 'R')
    assert.equal(first.readInt32BE(5), 10)
    assert.equal(first.subarray(9).toString('latin1'), 'SCRAM-SHA-256\0\0')
  })

  it('sessions share the one upstream session a transaction at a time; a waiter past the queue timeout gets 53300', async () => {
    const url = await urlFor('db1', 'c1')
    const [holder, waiter] = [await open(url), await open(url)]
    await holder.query('begin')
    await assert.rejects(waiter.query('select 2'), {code: '53300'})
    await holder.query('commit')
    const after = await open(url)
    await after.query('select 3')
    assert.deepEqual(
      upstream.queries.filter((sql) => !sql.startsWith('SET ')),
      ['begin', 'commit', 'select 3'],
      'the waiter\'s statement never reached the database',
    )
    assert.equal(upstream.sessions, 1, 'one session, shared by all clients')
  })

  it('applies the PostgreSQL default for notices and each client\'s application_name on the shared session', async () => {
    const url = await urlFor('db1', 'c1')
    const psqlLike = new pg.Client({connectionString: url, application_name: 'psql'})
    clients.push(psqlLike)
    await psqlLike.connect()
    await psqlLike.query('select 1')
    const other = await open(url)
    await other.query('select 2')
    assert.deepEqual(upstream.queries, [
      'SET client_min_messages TO notice',
      "SET application_name TO 'psql'",
      "SET client_encoding TO 'UTF8'",
      'select 1',
      "SET application_name TO ''",
      'select 2',
    ])
  })

  it('rotating ends the connection\'s sessions with 57P01 and refuses the old password; dropping refuses the new one', async () => {
    const url = await urlFor('db1', 'c1')
    const bystander = await open(await urlFor('db1', 'c2'))
    const client = await open(url)
    const ended = new Promise<Error & {code?: string}>((resolve) => client.once('error', (error) => resolve(error as Error & {code?: string})))
    const rotated = await front.rotateLogin('db1', 'c1')
    assert.equal((await ended).code, '57P01')
    await assert.rejects(open(url), {code: '28P01'})
    const fresh = new URL(url)
    fresh.password = rotated.password
    await (await open(fresh.toString())).query('select 1')
    await front.dropLogin('db1', 'c1')
    await assert.rejects(open(fresh.toString()), {code: '28P01'})
    assert.equal((await bystander.query('select 2')).command, 'SELECT', 'another connection\'s session goes on')
  })

  it('a client that leaves inside a transaction is rolled back before the next one is served', async () => {
    const url = await urlFor('db1', 'c1')
    const leaving = await open(url)
    await leaving.query('begin')
    await leaving.query('insert 1')
    ;(leaving as unknown as {connection: {stream: net.Socket}}).connection.stream.destroy()
    const next = await open(url)
    await next.query('select 1')
    const seen = upstream.queries.filter((sql) => !sql.startsWith('SET '))
    assert.deepEqual(seen, ['begin', 'insert 1', 'ROLLBACK', 'select 1'])
  })

  it('a database that is not running refuses a login with 57P03 after checking the password', async () => {
    const url = await urlFor('stopped', 'c1')
    await assert.rejects(open(url), {code: '57P03', message: /the database behind the emulator's front is not available: the database is not running/})
    const wrong = new URL(url)
    wrong.password = 'not-the-password'
    await assert.rejects(open(wrong.toString()), {code: '28P01'})
  })

  it('closing a database\'s front ends its sessions and frees its ports', async () => {
    const url = await urlFor('db1', 'c1')
    const client = await open(url)
    const ended = new Promise<Error & {code?: string}>((resolve) => client.once('error', (error) => resolve(error as Error & {code?: string})))
    await front.closeDatabase('db1', true)
    assert.equal((await ended).code, '57P01')
    await assert.rejects(open(url), /ECONNREFUSED/)
  })
})
