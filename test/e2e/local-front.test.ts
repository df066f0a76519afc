// The front of `local` databases through the built binary, in `emulator start`'s default mode:
// each connection its own secret, rotation and deletion that revoke (PostgreSQL's 28P01) and end
// open sessions, concurrent clients served by the one-session PGlite, and Prisma ORM 7 on the
// `direct` string.
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdir, symlink, writeFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {pathToFileURL} from 'node:url'
import {promisify} from 'node:util'

import pg from 'pg'

import {localProject, removeDir, tempDir} from './harness.js'
import {query} from './sql.js'

const exec = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '..', '..')
const hasPsql = await exec('psql', ['--version']).then(
  () => true,
  () => false,
)

interface Minted {
  id: string
  user: string
  pass: string
  endpoints: {direct: {port: number; connectionString: string}; pooled?: {port: number; connectionString: string}}
}

interface CreatedProject {
  id: string
  database: {id: string; status: string; connections: Minted[]}
}

/** psql's output of one statement, or its failure's stderr. */
async function psql(url: string, sql: string): Promise<{ok: boolean; out: string}> {
  try {
    const {stdout, stderr} = await exec('psql', [url, '-X', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql], {env: {...process.env, PGCONNECT_TIMEOUT: '20'}})
    return {ok: true, out: stdout + stderr}
  } catch (error) {
    return {ok: false, out: String((error as {stderr?: string}).stderr ?? error)}
  }
}

const refusedWith28P01 = (error: unknown): boolean => (error as {code?: string}).code === '28P01' && /password authentication failed/.test((error as Error).message)

describe('local databases: the authenticating front (default mode)', {timeout: 300_000}, () => {
  const local = localProject<CreatedProject, Minted>('front')
  let scratch = ''

  before(async () => {
    scratch = await tempDir()
  })
  after(async () => {
    await removeDir(scratch)
  })

  it('two connections of one database have their own user and password, and each works with pg and psql', async () => {
    const first = local.project.database.connections[0] as Minted
    const second = await local.mint()
    assert.notEqual(first.pass, second.pass)
    assert.notEqual(first.user, second.user)
    for (const minted of [first, second]) {
      const url = new URL(minted.endpoints.direct.connectionString)
      assert.equal(url.pathname, '/postgres', 'the database name Prisma Postgres uses')
      assert.equal(url.searchParams.get('sslmode'), 'disable')
      assert.ok(minted.endpoints.pooled, 'a pooled endpoint as Prisma Postgres has')
      assert.notEqual(minted.endpoints.pooled.port, minted.endpoints.direct.port)
    }
    await query(first.endpoints.direct.connectionString, 'create table shared (id serial primary key, body text not null)')
    await query(second.endpoints.pooled!.connectionString, 'insert into shared (body) values ($1)', ['from the second'])
    assert.deepEqual(await query(first.endpoints.direct.connectionString, 'select body from shared'), [{body: 'from the second'}])
    // A password of one connection does not open the other's user.
    const crossed = new URL(first.endpoints.direct.connectionString)
    crossed.password = second.pass
    await assert.rejects(query(crossed.toString(), 'select 1'), refusedWith28P01)
    if (hasPsql) {
      const viaPsql = await psql(second.endpoints.direct.connectionString, 'select count(*) from shared')
      assert.deepEqual(viaPsql, {ok: true, out: '1\n'})
      // CREATE TABLE with a serial column: PostgreSQL's default client_min_messages shows no DEBUG lines.
      const created = await psql(first.endpoints.direct.connectionString, 'create table quiet (id serial primary key)')
      assert.deepEqual(created, {ok: true, out: 'CREATE TABLE\n'})
    }
  })

  it('after `db connections rotate` the old string is refused with 28P01, an open session is ended, the new string works', async () => {
    const minted = await local.mint()
    const oldUrl = minted.endpoints.direct.connectionString
    const open = new pg.Client({connectionString: oldUrl})
    const ended = new Promise<Error & {code?: string}>((resolve) => open.on('error', (error) => resolve(error as Error & {code?: string})))
    await open.connect()
    assert.deepEqual((await open.query('select 1 as one')).rows, [{one: 1}])
    const rotated = await local.run(['db', 'connections', 'rotate', minted.id, '--yes', '--output', 'url'])
    assert.equal(rotated.code, 0, rotated.stderr)
    const newUrl = rotated.stdout.trim()
    assert.notEqual(newUrl, oldUrl)
    assert.equal(new URL(newUrl).username, minted.user, 'the same user, a new password')
    assert.equal((await ended).code, '57P01')
    await open.end().catch(() => undefined)
    await assert.rejects(query(oldUrl, 'select 1'), refusedWith28P01)
    if (hasPsql) {
      const refused = await psql(oldUrl, 'select 1')
      assert.equal(refused.ok, false)
      assert.match(refused.out, /FATAL: {2}password authentication failed for user "u_/)
      assert.deepEqual(await psql(newUrl, 'select 41 + 1'), {ok: true, out: '42\n'})
    }
    assert.deepEqual(await query(newUrl, 'select 1 as one'), [{one: 1}])
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
    await assert.rejects(query(oldUrl, 'select 1'), refusedWith28P01)
    assert.deepEqual(await query(newUrl, 'select 41 + 1 as answer'), [{answer: 42}])
  })

  it('after `db connections delete` the string is refused with 28P01 and an open session is ended', async () => {
    const minted = await local.mint()
    const url = minted.endpoints.direct.connectionString
    const open = new pg.Client({connectionString: url})
    const ended = new Promise<Error & {code?: string}>((resolve) => open.on('error', (error) => resolve(error as Error & {code?: string})))
    await open.connect()
    await open.query('select 1')
    const deleted = await local.run(['db', 'connections', 'delete', minted.id, '--yes'])
    assert.equal(deleted.code, 0, deleted.stderr)
    const error = await ended
    assert.equal(error.code, '57P01')
    assert.match(String(error.message), /terminating connection due to administrator command/)
    await open.end().catch(() => undefined)
    await assert.rejects(query(url, 'select 1'), refusedWith28P01)
    await assert.rejects(query(minted.endpoints.pooled!.connectionString, 'select 1'), refusedWith28P01)
  })

  it('5 concurrent clients (a pg Pool of 5, plain clients, psql) each run their queries', async () => {
    const url = (await local.mint()).endpoints.pooled!.connectionString
    const pool = new pg.Pool({connectionString: url, max: 5})
    try {
      // Each holds its session open while the others query: PGlite's one session is lent a transaction at a time.
      const sessions = await Promise.all(Array.from({length: 5}, () => pool.connect()))
      const answers = await Promise.all(sessions.map((client, i) => client.query('select $1::int as n, pg_sleep(0.05)', [i])))
      assert.deepEqual(answers.map((answer) => answer.rows[0].n), [0, 1, 2, 3, 4])
      // One of them in a transaction: the others wait for its commit rather than fail or deadlock.
      const [inTransaction, ...others] = sessions as [pg.PoolClient, ...pg.PoolClient[]]
      await inTransaction.query('begin')
      await inTransaction.query('create table counted (n int)')
      const waiting = Promise.all(others.map((client, i) => client.query('insert into counted values ($1)', [i])))
      await inTransaction.query('insert into counted values (99)')
      await inTransaction.query('commit')
      await waiting
      for (const client of sessions) client.release()
      const clients = Array.from({length: 5}, () => query(url, 'select count(*)::int as n from counted'))
      const viaPsql = hasPsql ? [psql(url, 'select count(*) from counted')] : []
      const [counts, psqlCounts] = await Promise.all([Promise.all(clients), Promise.all(viaPsql)])
      assert.deepEqual(counts, Array.from({length: 5}, () => [{n: 5}]))
      for (const result of psqlCounts) assert.deepEqual(result, {ok: true, out: '5\n'})
    } finally {
      await pool.end()
    }
  })

  it('a client that leaves inside a transaction has its work rolled back, and others go on', async () => {
    const url = (await local.mint()).endpoints.direct.connectionString
    await query(url, 'create table left_behind (n int)')
    const leaving = new pg.Client({connectionString: url})
    leaving.on('error', () => undefined)
    await leaving.connect()
    await leaving.query('begin')
    await leaving.query('insert into left_behind values (1)')
    const waiting = query(url, 'select count(*)::int as n from left_behind')
    ;(leaving as unknown as {connection: {stream: {destroy(): void}}}).connection.stream.destroy()
    assert.deepEqual(await waiting, [{n: 0}])
  })

  it('Prisma Client 7 with @prisma/adapter-pg reads and writes through the direct string', async () => {
    const url = (await local.mint()).endpoints.direct.connectionString
    const dir = join(scratch, 'prisma-app')
    await mkdir(join(dir, 'prisma'), {recursive: true})
    // The generated client resolves @prisma/client and the adapter from the project's own node_modules.
    if (!existsSync(join(dir, 'node_modules'))) await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
    await writeFile(
      join(dir, 'prisma', 'schema.prisma'),
      'generator client {\n  provider = "prisma-client"\n  output = "../generated"\n  engineType = "client"\n}\n' +
        'datasource db {\n  provider = "postgresql"\n}\n' +
        'model Note {\n  id Int @id @default(autoincrement())\n  body String\n}\n',
    )
    await writeFile(join(dir, 'prisma.config.ts'), `import {defineConfig} from 'prisma/config'\nexport default defineConfig({schema: 'prisma/schema.prisma', datasource: {url: ${JSON.stringify(url)}}})\n`)
    // Generating needs no engine: the stand-in schema engine path stops the CLI from downloading one.
    const generate = await exec(process.execPath, [join(ROOT, 'node_modules', 'prisma', 'build', 'index.js'), 'generate'], {
      cwd: dir,
      env: {...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false', PRISMA_ENGINES_MIRROR: 'http://127.0.0.1:9', CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1'},
    })
    assert.match(generate.stdout + generate.stderr, /Generated Prisma Client \(7\./)
    await query(url, 'create table "Note" (id serial primary key, body text not null)')

    const {PrismaClient} = (await import(pathToFileURL(join(dir, 'generated', 'client.ts')).href)) as {PrismaClient: new (options: unknown) => PrismaLike}
    const {PrismaPg} = await import('@prisma/adapter-pg')
    const prisma = new PrismaClient({adapter: new PrismaPg({connectionString: url})})
    try {
      const created = await prisma.note.create({data: {body: 'written by Prisma ORM'}})
      assert.equal(created.body, 'written by Prisma ORM')
      await prisma.$transaction([prisma.note.create({data: {body: 'second'}}), prisma.note.create({data: {body: 'third'}})])
      const notes = await prisma.note.findMany({orderBy: {id: 'asc'}})
      assert.deepEqual(notes.map((note) => note.body), ['written by Prisma ORM', 'second', 'third'])
    } finally {
      await prisma.$disconnect()
    }
    assert.deepEqual(await query(url, 'select count(*)::int as n from "Note"'), [{n: 3}])
  })
})

interface PrismaLike {
  note: {
    create(args: {data: {body: string}}): Promise<{id: number; body: string}>
    findMany(args: {orderBy: {id: 'asc'}}): Promise<{id: number; body: string}[]>
  }
  $transaction(operations: Promise<unknown>[]): Promise<unknown[]>
  $disconnect(): Promise<void>
}
