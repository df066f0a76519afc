// --env-file against an API whose connection strings hold shell syntax, and against targets
// that cannot be written: the built binary, a local API that counts what it receives.
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {lstat, mkdir, readdir, readFile, readlink, rm, stat, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, before, beforeEach, describe, it} from 'node:test'
import {promisify} from 'node:util'

import dotenv from 'dotenv'

import {json, startServer, TOKEN} from '../api/local-server.js'
import type {LocalServer} from '../api/local-server.js'
import {parseJson, removeDir, run, tempDir, tsv} from './harness.js'

const exec = promisify(execFile)
const escape = (text: string) => text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')

const DATABASE_ID = 'db_hostile1'
const CONNECTION_ID = 'con_hostile1'

describe('--env-file under hostile input and failure', () => {
  let server: LocalServer
  let home: string
  let work: string
  let marker: string
  /** The connection string the API hands out; each test may change it. */
  let connectionString: string
  /** Runs while a POST is being answered, before the answer leaves. */
  let duringPost: () => Promise<void>

  const hostileString = () => `postgres://u_hostile:p$(touch ${marker})\`touch ${marker}\`"q"\\@db.example.test:5432/app?note=$HOME #x %25 ünï`

  const connection = () => ({
    id: CONNECTION_ID,
    type: 'connection',
    url: `${server.url}/v1/connections/${CONNECTION_ID}`,
    name: 'hostile',
    createdAt: '2025-01-01T00:00:00.000Z',
    kind: 'postgres',
    endpoints: {direct: {host: 'db.example.test', port: 5432, connectionString}},
    directConnection: null,
    database: {id: DATABASE_ID, url: `${server.url}/v1/databases/${DATABASE_ID}`, name: 'app'},
    connectionString,
  })

  const posts = () => server.received.filter((request) => request.method === 'POST').map((request) => request.url)
  const env = () => ({XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: server.url, PRISMA_SERVICE_TOKEN: TOKEN, NO_COLOR: '1'})
  const cli = (args: string[]) => run(args, {env: env(), secrets: [TOKEN]})
  const credentials = (...args: string[]) => cli(['db', 'credentials', DATABASE_ID, ...args])
  const rotate = (...args: string[]) => cli(['db', 'connections', 'rotate', CONNECTION_ID, '--yes', ...args])

  /** True when stdout carries the connection string whole: alone, or in the direct endpoint's tab-separated row. */
  const printed = (stdout: string) =>
    stdout === `${connectionString}\n` ||
    (stdout.startsWith('CONNECTION\t') && tsv(stdout).some((row) => row.ENDPOINT === 'direct' && row['CONNECTION STRING'] === connectionString))
  /** The line `db credentials` adds on stderr when stdout does not take it. */
  const minted = `Minted a new connection, hostile (${CONNECTION_ID}); database ${DATABASE_ID} now has 1 connection. List them with \`prisma-mgmt db connections list ${DATABASE_ID}\`; delete this one with \`prisma-mgmt db connections delete ${CONNECTION_ID}\`.\n`

  before(async () => {
    home = await tempDir()
    work = await tempDir()
    marker = join(work, 'executed')
    server = await startServer(async (request, response) => {
      // The database has no connections yet: the default name is free.
      if (request.method === 'GET' && new URL(request.url ?? '', 'http://x').pathname === `/v1/databases/${DATABASE_ID}/connections`) {
        return json(response, 200, {data: [], pagination: {hasMore: false, nextCursor: null}})
      }
      if (request.method === 'POST' && request.url === `/v1/databases/${DATABASE_ID}/connections`) {
        await duringPost()
        return json(response, 201, {data: connection()})
      }
      if (request.method === 'POST' && request.url === `/v1/connections/${CONNECTION_ID}/rotate`) {
        await duringPost()
        return json(response, 200, {data: connection()})
      }
      json(response, 404, {error: {code: 'not-found', message: `No route ${request.method} ${request.url}`}})
    })
  })
  beforeEach(() => {
    server.received.length = 0
    connectionString = hostileString()
    duringPost = async () => {}
  })
  after(async () => {
    await server.close()
    await removeDir(home)
    await removeDir(work)
  })

  describe('a bad target is a usage error and no request is sent', () => {
    let plainFile: string
    let fifo: string
    before(async () => {
      plainFile = join(work, 'plain-file')
      await writeFile(plainFile, 'not a folder\n')
      // A FIFO of our own stands for devices: were the check to regress, /dev/null must not be replaced.
      fifo = join(work, 'fifo')
      await exec('mkfifo', [fifo])
    })

    const targets: [string, () => string, RegExp][] = [
      ['a folder that does not exist', () => join(work, 'missing', '.env'), /the folder \S+\/missing does not exist/],
      ['a folder', () => work, /it is a folder, not a file/],
      // Tests run as root, which ignores mode bits: a path under a file (ENOTDIR) and /proc stand for unwritable folders.
      ['a path under a file', () => join(plainFile, '.env'), /a part of the path is a file, not a folder \(ENOTDIR\)/],
      ['a folder that takes no new files (/proc)', () => '/proc/prisma-mgmt.env', /files cannot be created in the folder \/proc: /],
      ['a FIFO', () => fifo, /it is not a regular file/],
    ]
    for (const [what, target, reason] of targets) {
      for (const command of ['credentials', 'rotate'] as const) {
        it(`${command} --env-file <${what}>: exit 2 naming the path, nothing sent`, async () => {
          const path = target()
          const result = command === 'credentials' ? await credentials('--env-file', path) : await rotate('--env-file', path)
          assert.equal(result.code, 2, `exit code was ${result.code}; stderr: ${result.stderr}`)
          assert.equal(result.stdout, '', 'stdout should be empty for a refused target')
          const [first, next] = result.stderr.split('\n')
          assert.match(first, new RegExp(`^Error: Cannot write --env-file ${escape(path)}: `), `first stderr line: ${first}`)
          assert.match(first, reason, `first stderr line: ${first}`)
          assert.match(next, /nothing was sent to the API\.$/, `second stderr line: ${next}`)
          assert.deepEqual(server.received.map((r) => `${r.method} ${r.url}`), [], 'the API received requests although the target was bad')
        })
      }
    }

    it('--json with a bad target: one JSON error document, nothing sent', async () => {
      const result = await rotate('--env-file', work, '--json')
      assert.equal(result.code, 2, `exit code was ${result.code}; stderr: ${result.stderr}`)
      const body = parseJson<{error: {code: string; message: string}}>(result)
      assert.deepEqual(Object.keys(body), ['error'], `the document has keys ${Object.keys(body).join(', ')}`)
      assert.equal(body.error.code, 'usage', `error code was ${body.error.code}`)
      assert.match(body.error.message, /it is a folder, not a file/, `error message was: ${body.error.message}`)
      assert.deepEqual(posts(), [], 'a rotation was sent although the target was bad')
    })
  })

  it('the written file, sourced by bash, runs nothing and yields the exact string; dotenv and node agree', async () => {
    const dir = join(work, 'fresh')
    await mkdir(dir)
    const file = join(dir, '.env')
    const result = await credentials('--env-file', file)
    assert.equal(result.code, 0, `exit code was ${result.code}; stderr: ${result.stderr}`)
    assert.equal(result.stdout, `Created ${file}: DATABASE_URL set to the direct endpoint of connection hostile (${CONNECTION_ID}).\n`, 'stdout should hold only the confirmation')
    assert.equal(result.stderr, minted, 'stderr should hold only the minted line')
    assert.deepEqual(posts(), [`/v1/databases/${DATABASE_ID}/connections`], 'exactly one connection should be minted')
    assert.equal((await stat(file)).mode & 0o777, 0o600, 'a new env file should have mode 0600')
    assert.equal(await readFile(file, 'utf8'), `DATABASE_URL='${connectionString}'\n`, 'the file should hold one single-quoted line')
    const bash = await exec('bash', ['-c', 'set -a; . ./.env; printf %s "$DATABASE_URL"'], {cwd: dir, encoding: 'utf8'})
    assert.ok(bash.stdout === connectionString, 'bash read back a different string than the API sent')
    assert.equal(existsSync(marker), false, `sourcing the file ran a command: ${marker} exists`)
    const node = await exec(process.execPath, ['--env-file=.env', '-e', 'process.stdout.write(process.env.DATABASE_URL ?? "")'], {cwd: dir, encoding: 'utf8'})
    assert.ok(node.stdout === connectionString, 'node --env-file read back a different string than the API sent')
    assert.ok(dotenv.parse(await readFile(file, 'utf8')).DATABASE_URL === connectionString, 'dotenv read back a different string than the API sent')
  })

  it('--format env prints a line that, sourced, runs nothing and yields the exact string', async () => {
    const result = await rotate('--format', 'env')
    assert.equal(result.code, 0, `exit code was ${result.code}; stderr: ${result.stderr}`)
    assert.ok(result.stdout === `DATABASE_URL='${connectionString}'\n`, 'stdout should be one single-quoted DATABASE_URL line')
    const bash = await exec('bash', ['-c', 'set -a; eval "$LINE"; printf %s "$DATABASE_URL"'], {encoding: 'utf8', env: {...process.env, LINE: result.stdout}})
    assert.ok(bash.stdout === connectionString, 'bash read back a different string than the API sent')
    assert.equal(existsSync(marker), false, `evaluating the line ran a command: ${marker} exists`)
  })

  it('a symlinked --env-file: the file it points to is updated in place and the link is kept', async () => {
    const real = join(work, 'real')
    await mkdir(real)
    const original = '# kept\r\nPORT=3000\nDATABASE_URL="postgres://old"\r\nLOG=debug'
    await writeFile(join(real, 'app.env'), original, {mode: 0o640})
    const link = join(work, 'linked.env')
    await symlink('real/app.env', link)
    const result = await credentials('--env-file', link)
    assert.equal(result.code, 0, `exit code was ${result.code}; stderr: ${result.stderr}`)
    assert.equal(result.stdout, `Updated ${link}: DATABASE_URL set to the direct endpoint of connection hostile (${CONNECTION_ID}).\n`, 'stdout should hold only the confirmation')
    assert.ok((await lstat(link)).isSymbolicLink(), 'the symlink was replaced by a regular file')
    assert.equal(await readlink(link), 'real/app.env', 'the symlink points somewhere else now')
    assert.ok(
      (await readFile(join(real, 'app.env'), 'utf8')) === original.replace('DATABASE_URL="postgres://old"', `DATABASE_URL='${connectionString}'`),
      'the target file should differ from the original only in its DATABASE_URL line, endings kept',
    )
    assert.equal((await stat(join(real, 'app.env'))).mode & 0o777, 0o640, 'the target file should keep its mode')
    assert.deepEqual(await readdir(real), ['app.env'], 'a temp file was left beside the target')
  })

  describe('a write that fails after the POST still delivers the secret', () => {
    it('rotate: the folder vanishes while the API answers; the new secret is on stdout, the error on stderr, exit 1', async () => {
      const dir = join(work, 'vanishing')
      await mkdir(dir)
      duringPost = () => rm(dir, {recursive: true, force: true})
      const file = join(dir, '.env')
      const result = await rotate('--env-file', file)
      assert.equal(result.code, 1, `exit code was ${result.code}; stderr: ${result.stderr}`)
      assert.deepEqual(posts(), [`/v1/connections/${CONNECTION_ID}/rotate`], 'exactly one rotation should be sent')
      assert.ok(printed(result.stdout), `stdout should hold the new connection string whole: ${result.stdout}`)
      assert.deepEqual(tsv(result.stdout).map((row) => [row.CONNECTION, row.ENDPOINT]), [[CONNECTION_ID, 'direct']], `stdout should hold the connection's endpoint rows: ${result.stdout}`)
      const lines = result.stderr.trimEnd().split('\n')
      assert.equal(
        lines[0],
        `Error: Could not write ${file}: no such file or folder (ENOENT). Connection hostile (${CONNECTION_ID}) WAS rotated (the old password no longer works); its connection details are printed above, and the API will not show this password again.`,
        `first stderr line: ${lines[0]}`,
      )
      assert.match(lines[1], /^Fix .*\.env \(its folder must exist and be writable\), then set DATABASE_URL in it by hand/, `second stderr line: ${lines[1]}`)
      assert.equal(lines.length, 2, `stderr has ${lines.length} lines: ${result.stderr}`)
      assert.doesNotMatch(result.stderr, /Unexpected error|bug/, `stderr: ${result.stderr}`)
      assert.ok(!result.stderr.includes(connectionString), 'the connection string leaked into stderr')
    })

    it('rotate --json: one JSON document with the new connection and an error member, exit 1', async () => {
      const dir = join(work, 'vanishing-json')
      await mkdir(dir)
      duringPost = () => rm(dir, {recursive: true, force: true})
      const result = await rotate('--env-file', join(dir, '.env'), '--json')
      assert.equal(result.code, 1, `exit code was ${result.code}; stderr: ${result.stderr}`)
      const body = parseJson<{id: string; endpoints: {direct: {connectionString: string}}; error: Record<string, unknown>}>(result)
      assert.equal(body.id, CONNECTION_ID, `the document's id was ${body.id}`)
      assert.ok(body.endpoints.direct.connectionString === connectionString, 'the JSON document should carry the new connection string')
      assert.deepEqual(Object.keys(body.error), ['code', 'message'], `the error member has keys ${Object.keys(body.error).join(', ')}`)
      assert.equal(body.error.code, 'env-file', `error code was ${String(body.error.code)}`)
      assert.match(String(body.error.message), /WAS rotated \(the old password no longer works\); its connection details are in the JSON document on stdout/, `error message was: ${String(body.error.message)}`)
      assert.match(result.stderr, /^Error: Could not write /, `stderr: ${result.stderr}`)
    })

    it('credentials: a connection string no quoting carries is printed, not written; exit 2 and the file untouched', async () => {
      connectionString = `postgres://u:it's$(touch ${marker})@db.example.test:5432/app`
      const dir = join(work, 'unquotable')
      await mkdir(dir)
      const file = join(dir, '.env')
      await writeFile(file, 'A=1\nDATABASE_URL=\'old\'\n')
      const result = await credentials('--env-file', file)
      assert.equal(result.code, 2, `exit code was ${result.code}; stderr: ${result.stderr}`)
      assert.deepEqual(posts(), [`/v1/databases/${DATABASE_ID}/connections`], 'exactly one connection should be minted')
      assert.ok(printed(result.stdout), `stdout should hold the connection string whole: ${result.stdout}`)
      assert.deepEqual(tsv(result.stdout).map((row) => [row.CONNECTION, row.ENDPOINT]), [[CONNECTION_ID, 'direct']], `stdout should hold the connection's endpoint rows: ${result.stdout}`)
      assert.equal(
        result.stderr.split('\n')[0],
        `Error: Did not write ${file}: the direct connection string holds a single quote together with one of $ \` " \\, which bash, dotenv and Node's --env-file would not read back alike. Connection hostile (${CONNECTION_ID}) WAS created; its connection details are printed above, and the API will not show this password again.`,
        `first stderr line: ${result.stderr.split('\n')[0]}`,
      )
      assert.equal(await readFile(file, 'utf8'), 'A=1\nDATABASE_URL=\'old\'\n', 'the env file changed although the value was refused')
      assert.deepEqual(await readdir(dir), ['.env'], 'a temp file was left behind')
      assert.equal(existsSync(marker), false, `${marker} exists`)
    })

    it('--format env with such a string prints it alone and exits 2; --json carries it with a usage error', async () => {
      connectionString = `postgres://u:it's$(touch ${marker})@db.example.test:5432/app`
      const env = await rotate('--format', 'env')
      assert.equal(env.code, 2, `exit code was ${env.code}; stderr: ${env.stderr}`)
      assert.ok(env.stdout === `${connectionString}\n`, 'stdout should hold the connection string alone')
      assert.match(env.stderr, /^Error: Cannot print a DATABASE_URL line: the direct connection string holds a single quote/, `stderr: ${env.stderr}`)

      const dir = join(work, 'unquotable-json')
      await mkdir(dir)
      const asJson = await credentials('--env-file', join(dir, '.env'), '--json')
      assert.equal(asJson.code, 2, `exit code was ${asJson.code}; stderr: ${asJson.stderr}`)
      const body = parseJson<{id: string; connectionString: string; error: {code: string; message: string}}>(asJson)
      assert.ok(body.connectionString === connectionString, 'the JSON document should carry the connection string')
      assert.equal(body.error.code, 'usage', `error code was ${body.error.code}`)
      assert.match(body.error.message, /^Did not write .*WAS created; its connection details are in the JSON document on stdout/, `error message was: ${body.error.message}`)
      assert.deepEqual(await readdir(dir), [], 'a file was written although the value was refused')
    })
  })
})
