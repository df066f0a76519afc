// `db psql` in process, with a fake psql: a shell script first on PATH that records its argv and
// the PG* variables it was given, then exits with the code the test chooses (or dies of a signal).
import assert from 'node:assert/strict'
import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import DbPsql from '../../../src/commands/db/psql.js'
import {connection, createdConnection, database, page} from '../fixtures.js'
import {apiError, reply, runCommand} from '../run-command.js'

type Api = Parameters<typeof reply>[0]

const NAME = 'psql-tester-20261129-102030'
const PASSWORD = 's3cret-pass'
const LIST = '/v1/databases/db_1/connections?limit=100'
const POST = '/v1/databases/db_1/connections'
const DELETE = '/v1/connections/conn_9'

const FAKE_PSQL = `#!/bin/sh
{
  for arg in "$@"; do printf 'ARG=%s\\n' "$arg"; done
  printf 'PGHOST=%s\\nPGPORT=%s\\nPGUSER=%s\\nPGDATABASE=%s\\nPGPASSWORD=%s\\nPGSSLMODE=%s\\n' "$PGHOST" "$PGPORT" "$PGUSER" "$PGDATABASE" "$PGPASSWORD" "$PGSSLMODE"
  printf 'ARGV0=%s\\n' "$0"
} > "$FAKE_PSQL_LOG"
if [ -n "$FAKE_PSQL_SIGNAL" ]; then kill -"$FAKE_PSQL_SIGNAL" $$; fi
exit "\${FAKE_PSQL_EXIT:-0}"
`

let folder: string
let fakeBin: string
let emptyBin: string
let log: string

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'prisma-mgmt-psql-'))
  fakeBin = join(folder, 'bin')
  emptyBin = join(folder, 'empty')
  log = join(folder, 'psql.log')
  await mkdir(fakeBin)
  await mkdir(emptyBin)
  await writeFile(join(fakeBin, 'psql'), FAKE_PSQL)
  await chmod(join(fakeBin, 'psql'), 0o755)
})
after(async () => {
  await rm(folder, {recursive: true, force: true})
})

/** The environment of a run whose PATH finds the fake psql first. */
const withFake = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({PATH: `${fakeBin}:/usr/bin:/bin`, USER: 'Tester', FAKE_PSQL_LOG: log, ...extra})

/** What the fake psql recorded: its arguments, and its PG* variables. */
async function recorded(): Promise<{args: string[]; env: Record<string, string>; text: string}> {
  const text = await readFile(log, 'utf8')
  const args: string[] = []
  const env: Record<string, string> = {}
  for (const line of text.split('\n').filter(Boolean)) {
    const [key, ...rest] = line.split('=')
    if (key === 'ARG') args.push(rest.join('='))
    else env[key] = rest.join('=')
  }
  return {args, env, text}
}

/** Stubs the list, the POST and (unless kept) the DELETE; returns what they received. */
function session({existing = [] as ReturnType<typeof connection>[], name = NAME, deleteStatus = 204, remove = true} = {}) {
  const seen: {posts: ReturnType<typeof reply>; deletes: ReturnType<typeof reply>} = {posts: [], deletes: []}
  const stub = (api: Api) => {
    reply(api, 'GET', LIST, page(existing))
    seen.posts = reply(api, 'POST', POST, {data: createdConnection(name, PASSWORD)})
    if (remove) seen.deletes = reply(api, 'DELETE', DELETE, deleteStatus === 204 ? undefined : apiError('forbidden', 'Not allowed'), {status: deleteStatus})
  }
  return {stub, seen}
}

describe('db psql in process', () => {
  it('without psql on PATH: a usage error that says how to install it, and no request at all', async () => {
    await rm(log, {force: true})
    // No stubs: the MockAgent refuses any request, so a mint would fail the run differently.
    const result = await runCommand(DbPsql, ['db_1'], {env: {PATH: emptyBin, USER: 'tester'}})
    assert.equal(result.code, 2, `exit code: ${result.stderr}`)
    assert.match(result.stderr, /psql, the PostgreSQL client, was not found on PATH; no connection was created/, 'the error names what is missing')
    assert.match(result.stderr, /apt-get install postgresql-client/, 'the error says how to install psql on Debian')
    assert.match(result.stderr, /brew install libpq/, 'the error says how to install psql on macOS')
    assert.equal(result.stdout, '', 'nothing on stdout')
  })

  it('PSQL pointing at a missing file: a usage error naming PSQL, and no request', async () => {
    const result = await runCommand(DbPsql, ['db_1'], {env: {PATH: fakeBin, PSQL: join(emptyBin, 'nope')}})
    assert.equal(result.code, 2, `exit code: ${result.stderr}`)
    assert.match(result.stderr, /PSQL is set to ".*nope", which is not an executable file/, 'the error names PSQL')
  })

  it('-o json is refused before anything is minted', async () => {
    const result = await runCommand(DbPsql, ['db_1', '-o', 'json'], {env: withFake()})
    assert.equal(result.code, 2, `exit code: ${result.stderr}`)
    assert.match(result.stderr, /-o json is not available/, 'the error says why')
    assert.ok(result.stderr.includes("Pass psql's options after -- instead, e.g. `-- --csv -c 'select ...'` or `-- -A -t -c 'select ...'`."), `what to do instead:\n${result.stderr}`)
  })

  it('runs psql with the password only in PGPASSWORD, forwards the extra arguments and the exit code, then deletes the connection', async () => {
    await rm(log, {force: true})
    const {stub, seen} = session({existing: [{...connection(1), name: NAME}], name: `${NAME}-2`})
    const result = await runCommand(DbPsql, ['db_1', '--', '-c', 'select 1', '-v', 'ON_ERROR_STOP=1'], {stub, env: withFake({FAKE_PSQL_EXIT: '3'})})
    assert.equal(result.code, 3, `psql's exit code is the command's: ${result.stderr}`)
    assert.deepEqual(seen.posts[0].body, {name: `${NAME}-2`}, 'the default name is the session\'s, unique among the database\'s connections')
    const {args, env, text} = await recorded()
    assert.deepEqual(args, ['-c', 'select 1', '-v', 'ON_ERROR_STOP=1'], 'the arguments after -- reach psql as they were, and nothing else')
    assert.ok(!args.some((arg) => arg.includes(PASSWORD)), `the password is in psql's argv:\n${text}`)
    assert.deepEqual(
      env,
      {PGHOST: 'db.example.test', PGPORT: '5432', PGUSER: 'u_9', PGDATABASE: 'postgres', PGPASSWORD: PASSWORD, PGSSLMODE: 'require', ARGV0: join(fakeBin, 'psql')},
      'psql gets the direct endpoint through PG* variables, the password in PGPASSWORD',
    )
    assert.equal(seen.deletes.length, 1, 'the connection was deleted after psql exited')
    assert.equal(result.stdout, '', 'the CLI itself prints nothing on stdout')
    assert.match(result.stderr, new RegExp(`Connecting to database db_1 as ${NAME}-2 \\(conn_9\\), direct endpoint db\\.example\\.test:5432\\.`), 'says what it connects to')
    assert.match(result.stderr, new RegExp(`Deleted connection ${NAME}-2 \\(conn_9\\)\\.`), 'says the connection is gone')
    assert.ok(!result.stderr.includes(PASSWORD), 'the password is never printed')
  })

  it('--endpoint pooled connects to the pooled endpoint', async () => {
    await rm(log, {force: true})
    const {stub, seen} = session()
    const result = await runCommand(DbPsql, ['db_1', '--endpoint', 'pooled'], {stub, env: withFake()})
    assert.equal(result.code, 0, result.stderr)
    const {args, env} = await recorded()
    assert.deepEqual(args, [], 'no arguments without --')
    assert.deepEqual([env.PGHOST, env.PGPORT], ['pool.example.test', '6543'], 'the pooled host and port')
    assert.equal(seen.deletes.length, 1, 'the connection was deleted')
  })

  it('psql ended by a signal: exit 128+n, and the connection is still deleted', async () => {
    const {stub, seen} = session()
    const result = await runCommand(DbPsql, ['db_1'], {stub, env: withFake({FAKE_PSQL_SIGNAL: 'TERM'})})
    assert.equal(result.code, 143, `SIGTERM is 128+15: ${result.stderr}`)
    assert.equal(seen.deletes.length, 1, 'the connection was deleted')
  })

  it('--keep sends no DELETE and says how to delete the connection', async () => {
    const {stub} = session({remove: false})
    const result = await runCommand(DbPsql, ['db_1', '--keep'], {stub, env: withFake()})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stderr, new RegExp(`Kept connection ${NAME} \\(conn_9\\); delete it with \`prisma-mgmt db connections delete conn_9 --yes\`\\.`), 'names the kept connection and its delete command')
  })

  it('a failed deletion is a warning naming the connection and the delete command; the exit code stays psql\'s', async () => {
    const {stub, seen} = session({deleteStatus: 403})
    const result = await runCommand(DbPsql, ['db_1'], {stub, env: withFake()})
    assert.equal(result.code, 0, `psql's exit code: ${result.stderr}`)
    assert.equal(seen.deletes.length, 1, 'the deletion was tried')
    assert.match(result.stderr, /Warning: connection psql-tester-\S+ \(conn_9\) could not be deleted/, 'the warning names the connection')
    assert.match(result.stderr, /prisma-mgmt db connections delete conn_9 --yes/, 'the warning gives the delete command')
  })

  it('psql that cannot be started: exit 1, and the connection is deleted', async () => {
    const broken = join(folder, 'broken-psql')
    await writeFile(broken, '#!/nonexistent/interpreter\n')
    await chmod(broken, 0o755)
    const {stub, seen} = session()
    const result = await runCommand(DbPsql, ['db_1'], {stub, env: withFake({PSQL: broken})})
    assert.equal(result.code, 1, `exit code: ${result.stderr}`)
    assert.match(result.stderr, /psql \(.*broken-psql\) could not be started/, 'the error names the psql it tried')
    assert.ok(result.stderr.includes('Check that it runs, or set PSQL to another psql.'), `what to do:\n${result.stderr}`)
    assert.equal(seen.deletes.length, 1, 'the connection was deleted')
  })

  it('--project without a database id: its default database, then psql as usual; no signal listener is left', async () => {
    const listeners = () => ['SIGINT', 'SIGTERM', 'SIGHUP'].map((signal) => process.listenerCount(signal))
    const before = listeners()
    const {stub, seen} = session()
    const result = await runCommand(DbPsql, ['--project', 'proj_1'], {
      stub: (api) => {
        reply(api, 'GET', '/v1/projects/proj_1/databases?limit=100', page([database(2), database(1)]))
        stub(api)
      },
      env: withFake(),
    })
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stderr, /Connecting to database db_1 as /)
    assert.equal(seen.deletes.length, 1)
    assert.deepEqual(listeners(), before)
  })

  it('a signal before psql starts: psql never runs, the connection is deleted, exit 143', async () => {
    await rm(log, {force: true})
    const seen: {deletes: ReturnType<typeof reply>} = {deletes: []}
    const result = await runCommand(DbPsql, ['db_1'], {
      stub: (api) => {
        reply(api, 'GET', LIST, page([]))
        api
          .intercept({method: 'POST', path: POST})
          .reply(200, () => {
            process.emit('SIGTERM', 'SIGTERM')
            return {data: createdConnection(NAME, PASSWORD)}
          })
        seen.deletes = reply(api, 'DELETE', DELETE, undefined, {status: 204})
      },
      env: withFake(),
    })
    assert.equal(result.code, 143, result.stderr)
    assert.match(result.stderr, /Terminated before psql started\./)
    assert.equal(seen.deletes.length, 1, 'the connection was deleted')
    await assert.rejects(readFile(log), {code: 'ENOENT'}, 'psql never ran')
  })
})
