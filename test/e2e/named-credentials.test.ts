// Named credentials on request and rotations that ask first, through the built binary against the
// emulator: `db credentials --name N` refuses a name the database has (exit 2, nothing minted) unless
// --replace, which rotates that connection in every format and into --env-file, keeping the count;
// `db connections rotate` asks on a terminal and, elsewhere, sends nothing without --yes.
import assert from 'node:assert/strict'
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, afterEach, before, beforeEach, describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import {ENDPOINT_COLUMNS, Emulator, parseJson, removeDir, run, tempDir, tsv, tsvHeader} from './harness.js'
import {Terminal} from './terminal.js'

interface ConnectionJson {
  id: string
  name: string
  endpoints: Record<string, {connectionString?: string} | undefined>
}

describe('named credentials and confirmed rotations (built binary)', () => {
  let emulator: Emulator
  let home: string
  let databaseId: string
  const terminals: Terminal[] = []
  const cli = (args: string[]) => run(args, {env: emulator.env(home), emulator})
  const requests = () => emulator.requests()
  const changes = async () => (await requests()).filter((r) => r.method !== 'GET')
  const connections = async () => (await emulator.call<{data: {id: string; name: string}[]}>('GET', `/v1/databases/${databaseId}/connections`)).body.data
  const directOf = (connection: ConnectionJson) => connection.endpoints.direct?.connectionString ?? ''

  before(async () => {
    emulator = await Emulator.start(['--databases', 'none'])
    home = await tempDir()
    const created = await cli(['projects', 'create', '--name', 'named', '--json'])
    assert.equal(created.code, 0, created.stderr)
    databaseId = parseJson<{database: {id: string}}>(created).database.id
  })
  beforeEach(async () => {
    await emulator.call('DELETE', '/__emulator/requests')
  })
  afterEach(async () => {
    for (const terminal of terminals.splice(0)) await terminal.close()
  })
  after(async () => {
    await emulator.stop()
    await removeDir(home)
  })

  describe('db credentials --name', () => {
    let app: ConnectionJson
    before(async () => {
      const minted = await cli(['db', 'credentials', databaseId, '--name', 'app', '--json'])
      assert.equal(minted.code, 0, minted.stderr)
      app = parseJson<ConnectionJson>(minted)
    })

    it('a name the database has, without --replace, in every format: exit 2 naming --replace, nothing minted, no file written', async () => {
      const count = (await connections()).length
      const file = join(home, 'refused.env')
      for (const args of [[], ['--json'], ['-o', 'yaml'], ['-o', 'csv'], ['-o', 'url'], ['-o', 'env'], ['--env-file', file]]) {
        const result = await cli(['db', 'credentials', databaseId, '--name', 'app', ...args])
        assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`)
        assert.equal(
          result.stderr,
          `Error: Database ${databaseId} already has a connection named app (${app.id}); nothing was minted.\nPass --replace to rotate it (its old password stops working), or choose another --name.\n`,
          args.join(' '),
        )
        if (args[0] === '--json') assert.equal(parseJson<{error: {code: string}}>(result).error.code, 'usage')
        else if (args[1] === 'yaml') assert.equal((parseYaml(result.stdout) as {error: {code: string}}).error.code, 'usage')
        else assert.equal(result.stdout, '', args.join(' '))
      }
      assert.equal((await connections()).length, count, 'nothing minted')
      assert.deepEqual(await changes(), [], 'only reads reached the API')
      await assert.rejects(readFile(file), /ENOENT/)
    })

    it('--replace rotates it in every format and into --env-file: a new password each time, the same connection, the same count', async () => {
      const count = (await connections()).length
      const seen = new Set([directOf(app)])
      const fresh = (url: string, what: string) => {
        assert.match(url, /^postgres(ql)?:\/\/[^:]+:[^@]+@/, `${what}: a connection string: ${url}`)
        assert.ok(!seen.has(url), `${what}: the password did not change`)
        seen.add(url)
      }
      const replace = (...args: string[]) => cli(['db', 'credentials', databaseId, '--name', 'app', '--replace', ...args])

      const asJson = await replace('--json')
      assert.equal(asJson.code, 0, asJson.stderr)
      const rotated = parseJson<ConnectionJson>(asJson)
      assert.deepEqual([rotated.id, rotated.name], [app.id, 'app'], 'the same connection')
      fresh(directOf(rotated), '--json')

      const asYaml = await replace('-o', 'yaml')
      assert.equal(asYaml.code, 0, asYaml.stderr)
      fresh(directOf(parseYaml(asYaml.stdout) as ConnectionJson), '-o yaml')

      const url = await replace('-o', 'url')
      assert.equal(url.code, 0, url.stderr)
      fresh(url.stdout.trim(), '-o url')

      const env = await replace('-o', 'env')
      assert.equal(env.code, 0, env.stderr)
      fresh(/^DATABASE_URL='(.+)'\n$/.exec(env.stdout)?.[1] ?? '', '-o env')

      const piped = await replace()
      assert.equal(piped.code, 0, piped.stderr)
      assert.deepEqual(tsvHeader(piped.stdout), ENDPOINT_COLUMNS)
      const [row] = tsv(piped.stdout)
      assert.equal(row.CONNECTION, app.id)
      fresh(row['CONNECTION STRING'], 'piped')
      assert.equal(
        piped.stderr,
        `Rotated connection app (${app.id}): its old password no longer works; database ${databaseId} still has ${count} connection${count === 1 ? '' : 's'}. ` +
          `List them with \`prisma-mgmt db connections list ${databaseId}\`; delete this one with \`prisma-mgmt db connections delete ${app.id}\`.\n`,
      )

      const file = join(home, 'app.env')
      await writeFile(file, 'FIRST=1\nDATABASE_URL=old\n# a comment\n')
      const written = await replace('--env-file', file)
      assert.equal(written.code, 0, written.stderr)
      assert.equal(written.stdout, `Updated ${file}: DATABASE_URL set to the direct endpoint of connection app (${app.id}).\n`)
      const lines = (await readFile(file, 'utf8')).split('\n')
      assert.deepEqual([lines[0], lines[2]], ['FIRST=1', '# a comment'], 'the other lines are kept')
      fresh(/^DATABASE_URL='(.+)'$/.exec(lines[1])?.[1] ?? '', '--env-file')

      assert.equal((await connections()).length, count, 'the database keeps as many connections')
      const posts = (await changes()).map((r) => `${r.method} ${r.path}`)
      assert.deepEqual(posts, Array(6).fill(`POST /v1/connections/${app.id}/rotate`), 'six rotations, no new connection')
    })

    it('--replace with no connection of that name creates one', async () => {
      const count = (await connections()).length
      const result = await cli(['db', 'credentials', databaseId, '--name', 'fresh-name', '--replace', '--json'])
      assert.equal(result.code, 0, result.stderr)
      assert.equal(parseJson<ConnectionJson>(result).name, 'fresh-name')
      assert.equal((await connections()).length, count + 1)
      assert.deepEqual((await changes()).map((r) => `${r.method} ${r.path}`), [`POST /v1/databases/${databaseId}/connections`])
    })

    it('without --name, every call mints as before; --replace without --name is exit 2', async () => {
      const count = (await connections()).length
      for (let i = 0; i < 2; i++) assert.equal((await cli(['db', 'credentials', databaseId, '-o', 'url'])).code, 0)
      assert.equal((await connections()).length, count + 2)
      const alone = await cli(['db', 'credentials', databaseId, '--replace'])
      assert.equal(alone.code, 2, alone.stderr)
      assert.match(alone.stderr, /^Error: All of the following must be provided when using --replace: --name\n/)
    })
  })

  describe('db connections rotate asks first', () => {
    let target: ConnectionJson
    beforeEach(async () => {
      const minted = await cli(['db', 'credentials', databaseId, '--json'])
      assert.equal(minted.code, 0, minted.stderr)
      target = parseJson<ConnectionJson>(minted)
      await emulator.call('DELETE', '/__emulator/requests')
    })

    it('off a terminal without --yes, in every format: exit 2 and nothing sent at all', async () => {
      for (const args of [[], ['--json'], ['-o', 'yaml'], ['-o', 'url'], ['-o', 'env'], ['--env-file', join(home, 'rotate.env')]]) {
        const result = await cli(['db', 'connections', 'rotate', target.id, ...args])
        assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`)
        assert.equal(result.stderr, `Error: Refusing to rotate connection ${target.id} without confirmation: its old password stops working.\nPass --yes to rotate without a prompt.\n`)
      }
      assert.deepEqual(await requests(), [], 'no request reached the API')
    })

    it('on a terminal: typing the name rotates and shows the new details', async () => {
      const terminal = await Terminal.start(['db', 'connections', 'rotate', target.id], emulator.env(home) as Record<string, string>)
      terminals.push(terminal)
      await terminal.waitFor(/a new password; the old one stops working at once\. Type its name to confirm:/)
      assert.deepEqual(await changes(), [], 'nothing is sent before the answer')
      await terminal.type(target.name)
      await terminal.press('Enter')
      assert.equal(await terminal.exitCode(), 0, await terminal.screen())
      const screen = await terminal.screen()
      assert.ok(screen.includes(`Connection ${target.name} (${target.id})`), `the new details:\n${screen}`)
      assert.deepEqual((await changes()).map((r) => `${r.method} ${r.path}`), [`POST /v1/connections/${target.id}/rotate`])
    })

    it('on a terminal: another name, or Ctrl-C, rotates nothing (exit 2, 130)', async () => {
      for (const [answer, code] of [['not-its-name', 2], [undefined, 130]] as const) {
        const terminal = await Terminal.start(['db', 'connections', 'rotate', target.id], emulator.env(home) as Record<string, string>)
        terminals.push(terminal)
        await terminal.waitFor(/Type its name to confirm:/)
        if (answer) {
          await terminal.type(answer)
          await terminal.press('Enter')
        } else await terminal.press('C-c')
        assert.equal(await terminal.exitCode(), code, await terminal.screen())
        if (answer) assert.match(await terminal.screen(), new RegExp(`Error: The name did not match; connection ${target.id} was not rotated\\.`))
      }
      assert.deepEqual(await changes(), [], 'nothing was rotated')
    })
  })
})
