// `db psql` through the built binary against the emulator's real PostgreSQL (a throwaway cluster):
// psql's output and exit code, a password no process's command line shows, and a connection
// that is gone afterwards however psql ended. Runs in the integration tier.
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {chmod, readFile, writeFile} from 'node:fs/promises'
import {basename, join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import pg from 'pg'

import {Emulator, eventually, parseJson, removeDir, run, start, tempDir} from './harness.js'
import {PSQL, startCluster, type Cluster} from './postgres-cluster.js'


/** Every process's command line, NUL-separated arguments as /proc has them. */
function commandLines(): {pid: string; argv: string[]; raw: string}[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const raw = readFileSync(`/proc/${pid}/cmdline`, 'latin1')
        return [{pid, argv: raw.split('\0').filter(Boolean), raw}]
      } catch {
        return []
      }
    })
}

/** The psql process itself (Debian's /usr/bin/psql is a wrapper that execs /usr/lib/postgresql/N/bin/psql). */
function isPsql(p: {argv: string[]}): boolean {
  return basename(p.argv[0] ?? '') === 'psql'
}

/** What the psql wrapper saw in its environment. */
type Seen = Record<'PGHOST' | 'PGPORT' | 'PGUSER' | 'PGDATABASE' | 'PGPASSWORD' | 'PGSSLMODE', string>

async function seenBy(file: string): Promise<Seen> {
  return JSON.parse(await readFile(file, 'utf8')) as Seen
}

async function connect(seen: Seen): Promise<void> {
  const client = new pg.Client({host: seen.PGHOST, port: Number(seen.PGPORT), user: seen.PGUSER, database: seen.PGDATABASE, password: seen.PGPASSWORD, connectionTimeoutMillis: 20_000})
  await client.connect()
  await client.end()
}

describe('db psql against a real PostgreSQL', {skip: PSQL ? false : 'psql is not installed (apt-get install postgresql-client)', timeout: 240_000}, () => {
  let cluster: Cluster | undefined
  let adminUrl: string
  let emulator: Emulator
  let home: string
  let scratch: string
  let wrapper: string
  let dbId: string
  let counter = 0

  /** A fresh file for the wrapper to record psql's environment in. */
  const nextRecord = () => join(scratch, `seen-${++counter}.json`)
  const env = (record: string) => emulator.env(home, {PSQL: wrapper, PSQL_SEEN: record, PSQLRC: '/dev/null', USER: 'e2e'})

  async function psqlConnections(): Promise<{id: string; name: string}[]> {
    const listed = await run(['db', 'connections', 'list', dbId, '--json'], {env: emulator.env(home), emulator})
    assert.equal(listed.code, 0, listed.stderr)
    return parseJson<{id: string; name: string}[]>(listed).filter((c) => c.name.startsWith('psql-'))
  }

  /** The session's connection is deleted: none left in the list, and its password refused by the server. */
  async function assertGone(seen: Seen, what: string): Promise<void> {
    assert.deepEqual(await psqlConnections(), [], `no psql connection is left after ${what}`)
    await assert.rejects(connect(seen), /password authentication failed|does not exist/, `the session's password is refused after ${what}`)
  }

  before(async () => {
    cluster = await startCluster()
    adminUrl = cluster.adminUrl
    home = await tempDir()
    scratch = await tempDir('prisma-mgmt-psql-')
    // A psql that records the environment it was given (to learn the password), then becomes the real psql.
    wrapper = join(scratch, 'psql')
    await writeFile(
      wrapper,
      `#!/bin/sh\nnode -e 'const e = process.env; require("fs").writeFileSync(e.PSQL_SEEN, JSON.stringify({PGHOST: e.PGHOST, PGPORT: e.PGPORT, PGUSER: e.PGUSER, PGDATABASE: e.PGDATABASE, PGPASSWORD: e.PGPASSWORD, PGSSLMODE: e.PGSSLMODE}))'\nexec ${PSQL} "$@"\n`,
    )
    await chmod(wrapper, 0o755)
    emulator = await Emulator.start(['--databases', 'postgres', '--postgres-url', adminUrl])
    const created = await run(['projects', 'create', '--name', 'pg-psql', '--json'], {env: emulator.env(home), emulator, timeoutMs: 60_000})
    assert.equal(created.code, 0, created.stderr)
    dbId = parseJson<{database: {id: string}}>(created).database.id
  })
  after(async () => {
    await emulator?.stop()
    await cluster?.stop()
    await removeDir(home)
    await removeDir(scratch)
  })

  it('-c \'select 1\': psql\'s output on stdout, exit 0, and the connection deleted', async () => {
    const record = nextRecord()
    const result = await run(['db', 'psql', dbId, '--', '-c', 'select 1 as one'], {env: env(record), emulator})
    assert.equal(result.code, 0, `exit code; stderr:\n${result.stderr}`)
    assert.match(result.stdout, /^ one \n-----\n {3}1\n\(1 row\)\n/, `psql's own output on stdout:\n${result.stdout}`)
    assert.match(result.stderr, /Deleted connection psql-e2e-\d{8}-\d{6} \(\w+\)\./, `says it deleted the connection:\n${result.stderr}`)
    const seen = await seenBy(record)
    assert.ok(seen.PGPASSWORD, 'psql got a password in PGPASSWORD')
    assert.ok(!result.stdout.includes(seen.PGPASSWORD) && !result.stderr.includes(seen.PGPASSWORD), 'the password is never printed')
    await assertGone(seen, 'a successful query')
  })

  it('a failing script: psql\'s own exit code (3 with ON_ERROR_STOP), and the connection deleted', async () => {
    const record = nextRecord()
    const result = await run(['db', 'psql', dbId, '--', '-v', 'ON_ERROR_STOP=1', '-f', '-'], {env: env(record), emulator, input: 'select 1;\nselect 1/0;\nselect 2;\n'})
    assert.equal(result.code, 3, `psql's exit code for a script stopped by an error; stderr:\n${result.stderr}`)
    assert.match(result.stderr, /division by zero/, `psql's error on stderr:\n${result.stderr}`)
    await assertGone(await seenBy(record), 'a failed script')
  })

  it('while psql runs, no process\'s command line holds the password; it works meanwhile and is refused afterwards', async () => {
    const record = nextRecord()
    const session = start(['db', 'psql', dbId, '--', '-c', 'select pg_sleep(2)'], {env: env(record), emulator})
    try {
      const running = await eventually('psql running the query', () => commandLines().find((p) => isPsql(p) && p.argv.includes('select pg_sleep(2)')))
      const seen = await seenBy(record)
      const leaks = commandLines().filter((p) => p.raw.includes(seen.PGPASSWORD))
      assert.deepEqual(leaks.map((p) => p.pid), [], 'the password appears in the command line of a process')
      await connect(seen)
      assert.ok(!running.raw.includes(seen.PGPASSWORD), 'psql\'s own command line has no password')
      const result = await session.done
      assert.equal(result.code, 0, `exit code; stderr:\n${result.stderr}`)
      await assertGone(seen, 'the session')
    } finally {
      if (session.child.exitCode === null) session.child.kill('SIGKILL')
    }
  })

  it('Ctrl-C (SIGINT to the CLI and psql, as a terminal sends it): psql cancels, the CLI outlives it and deletes the connection', async () => {
    const record = nextRecord()
    const session = start(['db', 'psql', dbId, '--', '-c', 'select pg_sleep(60)'], {env: env(record), emulator})
    try {
      const psql = await eventually('psql running the query', () => commandLines().find((p) => isPsql(p) && p.argv.includes('select pg_sleep(60)')))
      await eventually('the query on the server', async () => {
        const client = new pg.Client({connectionString: adminUrl})
        await client.connect()
        try {
          const {rows} = await client.query("select 1 from pg_stat_activity where state = 'active' and query = 'select pg_sleep(60)'")
          return rows.length > 0
        } finally {
          await client.end()
        }
      })
      session.child.kill('SIGINT')
      process.kill(Number(psql.pid), 'SIGINT')
      const result = await session.done
      assert.equal(result.code, 1, `psql's exit code after a cancelled query; stderr:\n${result.stderr}`)
      assert.match(result.stderr, /canceling statement due to user request/, `psql cancelled the query:\n${result.stderr}`)
      assert.match(result.stderr, /Deleted connection/, `the CLI deleted the connection:\n${result.stderr}`)
      await assertGone(await seenBy(record), 'Ctrl-C')
    } finally {
      if (session.child.exitCode === null) session.child.kill('SIGKILL')
    }
  })

  it('SIGTERM to the CLI alone is passed on to psql: exit 143, and the connection deleted', async () => {
    const record = nextRecord()
    const session = start(['db', 'psql', dbId, '--', '-c', 'select pg_sleep(60)'], {env: env(record), emulator})
    try {
      await eventually('psql running the query', () => commandLines().find((p) => isPsql(p) && p.argv.includes('select pg_sleep(60)')))
      session.child.kill('SIGTERM')
      const result = await session.done
      assert.equal(result.code, 143, `128 + SIGTERM, from psql; stderr:\n${result.stderr}`)
      assert.match(result.stderr, /Deleted connection/, `the CLI deleted the connection:\n${result.stderr}`)
      await assertGone(await seenBy(record), 'SIGTERM')
    } finally {
      if (session.child.exitCode === null) session.child.kill('SIGKILL')
    }
  })
})
