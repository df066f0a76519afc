// tokens create, list and delete through the built binary against `emulator start`: the value
// printed once works as PRISMA_SERVICE_TOKEN until the token is deleted, and never reaches stderr.
import assert from 'node:assert/strict'
import {readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {Emulator, parseJson, removeDir, run, tempDir, tsv} from './harness.js'

interface TokenJson {
  id: string
  name: string
  valueHint: string
  value?: string
}

describe('tokens', () => {
  let emulator: Emulator
  let home: string
  const env = (extra: Record<string, string | undefined> = {}) => emulator.env(home, extra)

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
  })
  after(async () => {
    await emulator?.stop()
    if (home) await removeDir(home)
  })

  it('create prints a value that works as PRISMA_SERVICE_TOKEN until delete --yes; then it is exit 3', async () => {
    const created = await run(['tokens', 'create', '--name', 'e2e-ci'], {emulator, env: env()})
    assert.equal(created.code, 0, created.stderr)
    const [row] = tsv(created.stdout)
    const value = row.VALUE
    assert.match(value, /^emu_/, 'the value is printed')
    assert.match(created.stderr, /will not show it again/, 'the note on stderr when piped')
    assert.ok(!created.stderr.includes(value), 'the value is never on stderr')

    const projects = await run(['projects', 'list', '--json'], {emulator, env: env({PRISMA_SERVICE_TOKEN: value}), secrets: [value]})
    assert.equal(projects.code, 0, `the minted token authenticates: ${projects.stderr}`)
    assert.ok(Array.isArray(parseJson(projects)), 'a project list')

    const listed = await run(['tokens', 'list', '--json'], {emulator, env: env(), secrets: [value]})
    const tokens = parseJson<TokenJson[]>(listed)
    assert.deepEqual(tokens.map((t) => t.name), ['e2e-ci', 'Emulator service token'], "newest first, the emulator's own token last")
    assert.ok(tokens.every((t) => t.value === undefined), 'no value in the list')

    const refused = await run(['tokens', 'delete', row.ID], {emulator, env: env(), secrets: [value]})
    assert.equal(refused.code, 2, 'off a terminal --yes is needed')
    const deleted = await run(['tokens', 'delete', row.ID, '--yes'], {emulator, env: env(), secrets: [value]})
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.equal(deleted.stdout, `Deleted service token e2e-ci (${row.ID}).\n`, 'a confirmation')

    const after = await run(['projects', 'list'], {emulator, env: env({PRISMA_SERVICE_TOKEN: value}), secrets: [value]})
    assert.equal(after.code, 3, 'a deleted token is an auth failure')
    const again = await run(['tokens', 'delete', row.ID, '--yes'], {emulator, env: env(), secrets: [value]})
    assert.equal(again.code, 4, 'a deleted token is not found')
  })

  it('--env-file writes PRISMA_SERVICE_TOKEN with single quotes and mode 0600, keeping other lines', async () => {
    const dir = await tempDir()
    try {
      const file = join(dir, '.env')
      await writeFile(file, '# app\nDATABASE_URL=postgres://x\n', {mode: 0o600})
      const result = await run(['tokens', 'create', '--name', 'e2e-env', '--env-file', file], {emulator, env: env()})
      assert.equal(result.code, 0, result.stderr)
      const text = await readFile(file, 'utf8')
      const match = /^PRISMA_SERVICE_TOKEN='(emu_[\w-]+)'$/m.exec(text)
      assert.ok(match, `a single-quoted line in:\n${text}`)
      assert.ok(text.startsWith('# app\nDATABASE_URL=postgres://x\n'), 'the other lines are kept')
      assert.equal((await stat(file)).mode & 0o777, 0o600, 'the file stays 0600')
      assert.ok(!result.stdout.includes(match[1]) && !result.stderr.includes(match[1]), 'the value is only in the file')

      const fresh = join(dir, 'fresh.env')
      const json = await run(['tokens', 'create', '--name', 'e2e-env2', '--env-file', fresh, '--json'], {emulator, env: env()})
      assert.equal(json.code, 0, json.stderr)
      const token = parseJson<TokenJson>(json)
      assert.equal(await readFile(fresh, 'utf8'), `PRISMA_SERVICE_TOKEN='${token.value}'\n`, 'the same value in the file and the document')
      assert.equal((await stat(fresh)).mode & 0o777, 0o600, 'a new file is 0600')
      assert.ok(!json.stderr.includes(token.value!), 'the value is never on stderr')

      const before = (await run(['tokens', 'list', '--json'], {emulator, env: env()})).stdout
      const refused = await run(['tokens', 'create', '--name', 'never', '--env-file', join(dir, 'missing', '.env')], {emulator, env: env()})
      assert.equal(refused.code, 2, 'an env file that cannot be written is a usage error')
      const afterList = (await run(['tokens', 'list', '--json'], {emulator, env: env()})).stdout
      assert.equal(afterList, before, 'and no token was created')
    } finally {
      await removeDir(dir)
    }
  })

  it('-o env prints one line; with DEBUG the value is delivered on stdout and never traced on stderr', async () => {
    const result = await run(['tokens', 'create', '--name', 'e2e-debug', '-o', 'env'], {emulator, env: env({DEBUG: 'prisma-mgmt:http'})})
    assert.equal(result.code, 0, result.stderr)
    const match = /^PRISMA_SERVICE_TOKEN='(emu_[\w-]+)'\n$/.exec(result.stdout)
    assert.ok(match, `one dotenv line on stdout:\n${result.stdout}`)
    assert.ok(result.stderr.includes('service-tokens'), 'the trace shows the request')
    assert.ok(!result.stderr.includes(match[1]), 'the value is not in the trace')
  })
})
