// PostgreSQL as an application sees it, through the strings `emulator start` (its default mode,
// the built binary) hands out, with real clients: node-postgres, pg-copy-streams and psql. Each
// session is its own; locks, LISTEN/NOTIFY, COPY and concurrency are the server's; Prisma
// Migrate's statements work; the pooled endpoint runs transactions; each connection's credential
// opens its own database alone and is revoked by rotate and delete.
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {Readable, Writable} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {describe, it} from 'node:test'
import {promisify} from 'node:util'

import pg from 'pg'
import {from as copyFrom, to as copyTo} from 'pg-copy-streams'

import {eventually, localProject, parseJson} from './harness.js'
import {PSQL} from './postgres-cluster.js'
import {query} from './sql.js'

const exec = promisify(execFile)

interface Minted {
  id: string
  user: string
  pass: string
  endpoints: {direct: {port: number; connectionString: string}; pooled: {port: number; connectionString: string}}
}

interface CreatedProject {
  id: string
  database: {id: string; status: string; connections: Minted[]}
}

type Failure = Error & {code?: string}

/** A connected client whose server-side end (57P01 and the like) is recorded rather than thrown. */
async function client(url: string): Promise<pg.Client & {ended: Promise<Failure>}> {
  const connection = new pg.Client({connectionString: url, connectionTimeoutMillis: 20_000}) as pg.Client & {ended: Promise<Failure>}
  connection.ended = new Promise((resolve) => connection.on('error', (error) => resolve(error as Failure)))
  await connection.connect()
  return connection
}

async function refusal(url: string): Promise<Failure> {
  try {
    await query(url, 'select 1')
  } catch (error) {
    return error as Failure
  }
  assert.fail(`${new URL(url).username} got in`)
}

describe('PostgreSQL through the emulator\'s strings (default mode)', {timeout: 300_000}, () => {
  const local = localProject<CreatedProject, Minted>('clients')
  const direct = (): string => (local.project.database.connections[0] as Minted).endpoints.direct.connectionString
  const pooled = (): string => (local.project.database.connections[0] as Minted).endpoints.pooled.connectionString

  it('names its own database and role: current_database() is the string\'s, session_user the connection\'s role, acting as the database\'s owner', async () => {
    const url = new URL(direct())
    assert.equal(url.searchParams.get('sslmode'), 'disable')
    const [row] = await query(direct(), 'select current_database() as db, session_user as session, current_user as acting, pg_backend_pid() as pid')
    assert.equal(row.db, decodeURIComponent(url.pathname.slice(1)))
    assert.equal(row.session, decodeURIComponent(url.username))
    assert.equal(row.acting, `${row.db}_owner`)
    assert.ok(Number(row.pid) > 0)
    const [viaPooled] = await query(pooled(), 'select current_database() as db, session_user as session')
    assert.deepEqual(viaPooled, {db: row.db, session: row.session})
  })

  it('each session is its own: SET and RESET ALL, temporary tables and prepared statements do not reach another client', async () => {
    await query(direct(), 'create table "User" (id serial primary key, name text)')
    const [a, b] = await Promise.all([client(direct()), client(direct())])
    try {
      const pids = await Promise.all([a, b].map(async (c) => (await c.query('select pg_backend_pid() as pid')).rows[0].pid as number))
      assert.notEqual(pids[0], pids[1], 'two server sessions')
      // What pg_dump sends first, and what broke every later client when sessions were shared.
      await a.query("select set_config('search_path', '', false)")
      await a.query("set statement_timeout = '1s'")
      assert.deepEqual((await b.query('select count(*)::int as n from "User"')).rows, [{n: 0}], 'b still finds the table unqualified')
      assert.deepEqual((await b.query('show statement_timeout')).rows, [{statement_timeout: '0'}])
      await assert.rejects(a.query('select 1 from "User"'), /relation "User" does not exist/)
      await a.query('reset all')
      assert.deepEqual((await a.query('select count(*)::int as n from "User"')).rows, [{n: 0}], 'RESET ALL brings back the default search_path')
      assert.deepEqual((await a.query('select current_user as acting')).rows, (await b.query('select current_user as acting')).rows, 'and the role its sessions start with')

      await a.query('create temporary table scratch (n int)')
      await a.query('insert into scratch values (1)')
      assert.deepEqual((await b.query("select to_regclass('pg_temp.scratch') as t")).rows, [{t: null}], 'a temporary table is its session\'s')
      await b.query('create temporary table scratch (n int)')
      assert.deepEqual((await b.query('select count(*)::int as n from scratch')).rows, [{n: 0}])

      // The same statement name in two sessions: no 42P05 "already exists".
      await a.query('prepare twice as select 1 as n')
      await b.query('prepare twice as select 2 as n')
      assert.deepEqual((await a.query('execute twice')).rows, [{n: 1}])
      assert.deepEqual((await b.query('execute twice')).rows, [{n: 2}])
      const named = (text: string) => ({name: 'same-name', text})
      assert.deepEqual((await a.query(named('select 10 as n'))).rows, [{n: 10}])
      assert.deepEqual((await b.query(named('select 20 as n'))).rows, [{n: 20}])
    } finally {
      await Promise.all([a.end(), b.end()])
    }
  })

  it('advisory lock 72707369 (Prisma Migrate\'s) excludes a second session, and is released when its holder disconnects', async () => {
    const [holder, other] = await Promise.all([client(direct()), client(direct())])
    try {
      assert.deepEqual((await holder.query('select pg_try_advisory_lock(72707369) as got')).rows, [{got: true}])
      assert.deepEqual((await other.query('select pg_try_advisory_lock(72707369) as got')).rows, [{got: false}])
      // A second deployer waits for it (pg_advisory_lock blocks) rather than going on.
      const waiting = other.query('select pg_advisory_lock(72707369)')
      await eventually('the second deployer waiting on the lock', async () => {
        const {rows} = await holder.query("select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = 72707369 and not granted")
        return rows[0].n === 1
      })
      await holder.end()
      await waiting
      assert.deepEqual((await other.query("select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = 72707369 and granted and pid = pg_backend_pid()")).rows, [{n: 1}])
    } finally {
      await Promise.all([holder.end().catch(() => undefined), other.end()])
    }
  })

  it('LISTEN in one client hears NOTIFY from another', async () => {
    const [listener, notifier] = await Promise.all([client(direct()), client(pooled())])
    try {
      await listener.query('listen orders')
      const heard = new Promise<pg.Notification>((resolve) => listener.on('notification', resolve))
      await notifier.query("select pg_notify('orders', 'order 42 paid')")
      const notification = await heard
      assert.deepEqual({channel: notification.channel, payload: notification.payload}, {channel: 'orders', payload: 'order 42 paid'})
    } finally {
      await Promise.all([listener.end(), notifier.end()])
    }
  })

  it('COPY FROM STDIN and COPY TO STDOUT (pg-copy-streams)', async () => {
    const c = await client(direct())
    try {
      await c.query('create table copied (id int primary key, body text)')
      const rows = Array.from({length: 1000}, (_, i) => `${i}\tline ${i}\n`)
      await pipeline(Readable.from(rows), c.query(copyFrom('COPY copied FROM STDIN')))
      assert.deepEqual((await c.query('select count(*)::int as n, max(body) as last from copied')).rows, [{n: 1000, last: 'line 999'}])
      let out = ''
      await pipeline(
        c.query(copyTo('COPY (select * from copied where id < 3 order by id) TO STDOUT')),
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            out += chunk.toString('utf8')
            done()
          },
        }),
      )
      assert.equal(out, '0\tline 0\n1\tline 1\n2\tline 2\n')
      assert.deepEqual((await c.query('select 1 as still')).rows, [{still: 1}], 'the session goes on after COPY')
    } finally {
      await c.end()
    }
    if (PSQL) {
      const {stdout} = await exec(PSQL, [direct(), '-X', '-At', '-c', "\\copy (select id from copied where id in (7, 8) order by id) to stdout"])
      assert.equal(stdout, '7\n8\n')
    }
  })

  it('20 queries from 20 clients run at the same time: 20 server sessions, all inside their sleep at one instant', async () => {
    const clients = await Promise.all(Array.from({length: 20}, () => client(direct())))
    try {
      // Each says when, by the server's clock, its statement began and ended: they overlap if the last to begin began before the first to end ended.
      const answers = await Promise.all(
        clients.map(async (c) => (await c.query<{pid: number; began: Date; ended: Date}>('select pg_backend_pid() as pid, statement_timestamp() as began, pg_sleep(3), clock_timestamp() as ended')).rows[0]!),
      )
      assert.equal(new Set(answers.map((answer) => answer.pid)).size, 20, 'twenty server sessions')
      const lastBegan = Math.max(...answers.map((answer) => answer.began.getTime()))
      const firstEnded = Math.min(...answers.map((answer) => answer.ended.getTime()))
      assert.ok(lastBegan < firstEnded, `the last statement began (${new Date(lastBegan).toISOString()}) before the first ended (${new Date(firstEnded).toISOString()})`)
    } finally {
      await Promise.all(clients.map((c) => c.end()))
    }
  })

  it('Prisma Migrate\'s statements: the shadow database is made, entered with the same credentials and dropped; _prisma_migrations is shared', async () => {
    const main = await client(direct())
    const shadowName = `prisma_migrate_shadow_db_${randomUUID()}`
    try {
      await main.query(`create database "${shadowName}"`)
      const shadowUrl = new URL(direct())
      shadowUrl.pathname = `/${shadowName}`
      const shadow = await client(shadowUrl.toString())
      await shadow.query('create table "Post" (id serial primary key)')
      assert.deepEqual((await shadow.query('select current_database() as db')).rows, [{db: shadowName}])
      await shadow.end()
      // Another database's connection does not get into it.
      const other = parseJson<CreatedProject>(await local.run(['projects', 'create', '--name', 'other', '--json']))
      const otherUrl = new URL((other.database.connections[0] as Minted).endpoints.direct.connectionString)
      otherUrl.pathname = `/${shadowName}`
      const refused = await refusal(otherUrl.toString())
      assert.equal(refused.code, '42501', refused.message)
      await main.query(`drop database "${shadowName}"`)
      assert.deepEqual((await main.query('select count(*)::int as n from pg_database where datname = $1', [shadowName])).rows, [{n: 0}])
    } finally {
      await main.end()
    }
    // The migrations table as the schema engine makes it, written by one connection and altered by another.
    await query(
      direct(),
      'CREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)',
    )
    await query(direct(), `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, 'abc', '20260101000000_init')`, [randomUUID()])
    const second = (await local.mint()).endpoints.direct.connectionString
    await query(second, 'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1')
    await query(second, 'ALTER TABLE "_prisma_migrations" ADD COLUMN IF NOT EXISTS note text')
    assert.deepEqual(await query(direct(), 'select migration_name, applied_steps_count from "_prisma_migrations"'), [{migration_name: '20260101000000_init', applied_steps_count: 1}])
  })

  it('pooled: a transaction keeps one server session from BEGIN to COMMIT; many clients share a few server sessions', async () => {
    await query(pooled(), 'create table ledger (n int)')
    const c = await client(pooled())
    try {
      await c.query('begin')
      const first = (await c.query('select pg_backend_pid() as pid')).rows[0].pid as number
      await c.query('insert into ledger values (1)')
      await c.query("set local statement_timeout = '5s'")
      assert.deepEqual((await c.query('select pg_backend_pid() as pid')).rows, [{pid: first}], 'the same server session throughout the transaction')
      await c.query('rollback')
      assert.deepEqual((await c.query('select count(*)::int as n from ledger')).rows, [{n: 0}], 'rolled back')
      await c.query('begin')
      await c.query('insert into ledger values (2)')
      await c.query('commit')
    } finally {
      await c.end()
    }
    assert.deepEqual(await query(direct(), 'select n from ledger'), [{n: 2}])
    // 30 clients at once, each a statement: they share the pool's server sessions (at most 10 per connection).
    const clients = await Promise.all(Array.from({length: 30}, () => client(pooled())))
    try {
      const pids = await Promise.all(clients.map(async (each) => (await each.query('select pg_backend_pid() as pid, pg_sleep(0.05)')).rows[0].pid as number))
      assert.ok(new Set(pids).size <= 10, `${new Set(pids).size} server sessions for 30 clients`)
    } finally {
      await Promise.all(clients.map((each) => each.end()))
    }
  })

  it('a connection\'s credential opens its own database alone, directly or pooled', async () => {
    const other = parseJson<CreatedProject>(await local.run(['projects', 'create', '--name', 'neighbour', '--json']))
    const theirs = other.database.connections[0] as Minted
    for (const [endpoint, into] of [
      ['direct', new URL(theirs.endpoints.direct.connectionString)],
      ['pooled', new URL(theirs.endpoints.pooled.connectionString)],
    ] as const) {
      // Our user and password, their database.
      const mine = new URL(endpoint === 'direct' ? direct() : pooled())
      mine.pathname = into.pathname
      const refused = await refusal(mine.toString())
      assert.equal(refused.code, '42501', `${endpoint}: ${refused.message}`)
      assert.match(refused.message, /permission denied for database/)
    }
    // Nor a maintenance database.
    const maintenance = new URL(direct())
    maintenance.pathname = '/postgres'
    assert.equal((await refusal(maintenance.toString())).code, '42501')
  })

  it('rotate refuses the old string with 28P01 and ends its open sessions (direct and pooled); delete does the same', async () => {
    const minted = await local.mint()
    const sessions = await Promise.all([client(minted.endpoints.direct.connectionString), client(minted.endpoints.pooled.connectionString)])
    for (const session of sessions) await session.query('select 1')
    const rotated = await local.run(['db', 'connections', 'rotate', minted.id, '--yes', '--json'])
    assert.equal(rotated.code, 0, rotated.stderr)
    const fresh = parseJson<Minted>(rotated)
    for (const session of sessions) assert.equal((await session.ended).code, '57P01')
    for (const old of [minted.endpoints.direct.connectionString, minted.endpoints.pooled.connectionString]) {
      const refused = await refusal(old)
      assert.equal(refused.code, '28P01', refused.message)
      assert.match(refused.message, /password authentication failed/)
    }
    assert.deepEqual(await query(fresh.endpoints.direct.connectionString, 'select 1 as one'), [{one: 1}])
    assert.deepEqual(await query(fresh.endpoints.pooled.connectionString, 'select 1 as one'), [{one: 1}])

    const open = await Promise.all([client(fresh.endpoints.direct.connectionString), client(fresh.endpoints.pooled.connectionString)])
    for (const session of open) await session.query('select 1')
    const deleted = await local.run(['db', 'connections', 'delete', minted.id, '--yes'])
    assert.equal(deleted.code, 0, deleted.stderr)
    for (const session of open) assert.equal((await session.ended).code, '57P01')
    for (const gone of [fresh.endpoints.direct.connectionString, fresh.endpoints.pooled.connectionString]) assert.equal((await refusal(gone)).code, '28P01')
    assert.deepEqual(await query(direct(), 'select 1 as one'), [{one: 1}], 'the other connection is untouched')
  })

  it('`db credentials --name N --replace` rotates the named connection: the old string is refused with 28P01, the new one works, the count stays', async () => {
    const databaseId = local.project.database.id
    const count = async () => {
      const listed = await local.run(['db', 'connections', 'list', databaseId, '--json'])
      assert.equal(listed.code, 0, listed.stderr)
      return (JSON.parse(listed.stdout) as {name: string}[]).length
    }
    const first = await local.run(['db', 'credentials', databaseId, '--name', 'app-replaced', '-o', 'url'])
    assert.equal(first.code, 0, first.stderr)
    const oldUrl = first.stdout.trim()
    assert.deepEqual(await query(oldUrl, 'select 1 as one'), [{one: 1}])
    const before = await count()
    const refused = await local.run(['db', 'credentials', databaseId, '--name', 'app-replaced', '-o', 'url'])
    assert.equal(refused.code, 2, refused.stderr)
    assert.match(refused.stderr, /already has a connection named app-replaced .*; nothing was minted\.\nPass --replace/)
    const replaced = await local.run(['db', 'credentials', databaseId, '--name', 'app-replaced', '--replace', '-o', 'url'])
    assert.equal(replaced.code, 0, replaced.stderr)
    const newUrl = replaced.stdout.trim()
    assert.notEqual(newUrl, oldUrl)
    assert.equal(await count(), before, 'the database keeps as many connections')
    assert.equal((await refusal(oldUrl)).code, '28P01')
    assert.deepEqual(await query(newUrl, 'select 41 + 1 as answer'), [{answer: 42}])
  })
})
