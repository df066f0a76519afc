// What the CLI says, through the built binary against the emulator: next steps in the CLI's own
// words (its commands and flags, never the API's field names), an empty backups list that says how
// to take a backup, and usage numbers with their units in every format.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {Emulator, parseJson, removeDir, run, tempDir, tsv} from './harness.js'
import {Terminal} from './terminal.js'

interface CreatedProject {
  id: string
  database: {id: string}
}

describe('messages in the CLI\'s words', () => {
  let emulator: Emulator
  let home: string
  const env = () => emulator.env(home)

  async function createProject(name: string): Promise<CreatedProject> {
    const created = await emulator.call<{data: CreatedProject}>('POST', '/v1/projects', {name, region: 'eu-west-3'})
    assert.equal(created.status, 201, JSON.stringify(created.body))
    return created.body.data
  }

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
  })
  after(async () => {
    await emulator?.stop()
    if (home) await removeDir(home)
  })

  it('db delete of a project\'s default database: refused, and the next step names db create --default and projects delete', async () => {
    const project = await createProject('default-db')
    const result = await run(['db', 'delete', project.database.id, '--yes'], {env: env(), emulator})
    assert.equal(result.code, 3, result.stderr)
    const lines = result.stderr.trimEnd().split('\n')
    assert.equal(lines[0], `Error: Database ${project.database.id} is the default database of project ${project.id} and cannot be deleted.`)
    assert.equal(
      lines.at(-1),
      `It is its project's default database. Create the database to take its place with \`prisma-mgmt db create --project ${project.id} --default\`, then delete this one; or delete the whole project: \`prisma-mgmt projects delete ${project.id}\`.`,
    )
    // What the next step says works: a new default, then the old one goes.
    const replacement = await run(['db', 'create', '--project', project.id, '--default', '--name', 'replacement', '--json'], {env: env(), emulator})
    assert.equal(replacement.code, 0, replacement.stderr)
    const deleted = await run(['db', 'delete', project.database.id, '--yes'], {env: env(), emulator})
    assert.equal(deleted.code, 0, deleted.stderr)
  })

  it('a value the API refuses (400): the next step names the command\'s own --help', async () => {
    const project = await createProject('rename-me')
    const result = await run(['db', 'rename', project.database.id, 'x'.repeat(300)], {env: env(), emulator})
    assert.equal(result.code, 2, result.stderr)
    assert.ok(result.stderr.endsWith('Check the values you passed: `prisma-mgmt db rename --help` shows what each flag takes.\n'), result.stderr)
    assert.ok(!result.stderr.includes('<command>'), result.stderr)
  })

  it('an empty backups list against the emulator names how to take one, and that way works', async () => {
    const project = await createProject('no-backups')
    const piped = await run(['db', 'backups', 'list', project.database.id], {env: env(), emulator})
    assert.equal(piped.code, 0, piped.stderr)
    assert.equal(piped.stdout, 'ID\tTYPE\tSTATUS\tSIZE\tCREATED\n')
    const lines = piped.stderr.split('\n')
    assert.equal(lines[0], 'The emulator backs up only when asked. Take one now with')
    const command = /^ {2}curl -X POST --oauth2-bearer "\$PRISMA_SERVICE_TOKEN" (\S+)$/.exec(lines[1])
    assert.ok(command, `the second line is the command to run:\n${piped.stderr}`)
    assert.equal(command[1], `${emulator.url}/__emulator/databases/${project.database.id}/backups`)
    assert.equal(lines[2], 'or start it with `prisma-mgmt emulator start --backup-interval 3600` to back up every ready database every hour.')
    // The request that command sends: a POST with the token the environment holds.
    const taken = await fetch(command[1], {method: 'POST', headers: {authorization: `Bearer ${emulator.token}`}})
    assert.equal(taken.status, 201, await taken.text())
    const listed = await run(['db', 'backups', 'list', project.database.id, '--json'], {env: env(), emulator})
    assert.equal(parseJson<unknown[]>(listed).length, 1, 'the backup is listed')
    const again = await run(['db', 'backups', 'list', project.database.id], {env: env(), emulator})
    assert.equal(again.stderr, 'Backups are kept for 7 days.\n', 'with a backup there, nothing more is said')
  })

  it('db usage: a unit in every format, rounded on a terminal and exact elsewhere; JSON the API\'s object', async () => {
    const project = await createProject('usage')
    const json = await run(['db', 'usage', project.database.id, '--json'], {env: env(), emulator})
    assert.equal(json.code, 0, json.stderr)
    const usage = parseJson<{metrics: {operations: {used: number; unit: string}; storage: {used: number; unit: string}}}>(json)
    const {operations, storage} = usage.metrics
    // The emulator counts requests as operations: each call sees a few more; the units stay.
    const piped = await run(['db', 'usage', project.database.id, '--columns', 'operations,storage'], {env: env(), emulator})
    const [row] = tsv(piped.stdout)
    assert.match(row.OPERATIONS, new RegExp(`^\\d+ ${operations.unit}$`), piped.stdout)
    assert.match(row.STORAGE, new RegExp(`^\\d+(\\.\\d+)? ${storage.unit}$`), piped.stdout)
    const exact = Number(row.STORAGE.split(' ')[0])
    assert.ok(exact > 0, `storage used, exact: ${row.STORAGE}`)
    const csv = await run(['db', 'usage', project.database.id, '-o', 'csv', '--columns', 'storage'], {env: env(), emulator})
    assert.match(csv.stdout, new RegExp(`^STORAGE\r\n\\d+(\\.\\d+)? ${storage.unit}\r\n$`))

    const terminal = await Terminal.start(['db', 'usage', project.database.id, '--columns', 'storage'], {...(env() as Record<string, string>), NO_COLOR: '1'}, 80)
    try {
      assert.equal(await terminal.exitCode(), 0, await terminal.screen())
      const shown = /^│ STORAGE │ (\S+) (\S+) +│$/m.exec(await terminal.screen())
      assert.ok(shown, await terminal.screen())
      assert.equal(shown[2], storage.unit, 'the unit')
      // Rounded to three significant digits below 1 (three decimals above), never cut to fewer.
      const value = Number(shown[1].replaceAll(',', ''))
      const rounded = value < 1 ? Number(exact.toPrecision(3)) : Number(exact.toFixed(3))
      assert.ok(Math.abs(value - rounded) <= rounded * 0.05, `${shown[1]} is about ${exact} rounded (${rounded})`)
      assert.ok(shown[1].replace(/^0\.0*/, '').replaceAll(/[,.]/g, '').length <= (value < 1 ? 3 : 20), `at most three significant digits below 1: ${shown[1]}`)
    } finally {
      await terminal.close()
    }
  })
})
