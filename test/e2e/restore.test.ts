// db restore and db create --from-backup / --clone: the built binary against `emulator start`
// (none mode: the API's side; test/e2e/real-databases-restore.test.ts proves the rows).
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {Emulator, parseJson, removeDir, run, tempDir, tsv} from './harness.js'
import {Terminal} from './terminal.js'

interface DatabaseJson {
  id: string
  name: string
  status: string
  source: unknown
  project: {id: string}
}
interface Request {
  method: string
  path: string
  body?: unknown
}

describe('db restore, db create --from-backup and --clone (built binary, emulator)', () => {
  let emulator: Emulator
  let home: string
  let projectId: string
  let databaseId: string
  let otherId: string
  const terminals: Terminal[] = []
  const env = () => emulator.env(home)
  const backup = async (id: string): Promise<string> => {
    const taken = await emulator.call<{data: {id: string}}>('POST', `/__emulator/databases/${id}/backups`)
    assert.equal(taken.status, 201)
    return taken.body.data.id
  }
  const posts = async (path: string): Promise<Request[]> =>
    (await emulator.call<{data: Request[]}>('GET', '/__emulator/requests')).body.data.filter((r) => r.method === 'POST' && r.path === path)

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
    const project = await emulator.call<{data: {id: string; database: {id: string}}}>('POST', '/v1/projects', {name: 'shop'})
    projectId = project.body.data.id
    databaseId = project.body.data.database.id
    otherId = (await emulator.call<{data: {id: string}}>('POST', `/v1/projects/${projectId}/databases`, {name: 'reports'})).body.data.id
  })
  after(async () => {
    await Promise.all(terminals.map((t) => t.close()))
    await emulator.stop()
    await removeDir(home)
  })

  it('--yes off a terminal: the backup\'s database found, the POST the emulator received, a row with ready', async () => {
    const backupId = await backup(otherId)
    await emulator.call('DELETE', '/__emulator/requests')
    const result = await run(['db', 'restore', databaseId, '--backup', backupId, '--yes'], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stderr, '')
    const [row] = tsv(result.stdout)
    assert.equal(row.ID, databaseId)
    assert.equal(row.NAME, 'shop')
    assert.equal(row.STATUS, 'ready')
    const received = await posts(`/v1/databases/${databaseId}/restore`)
    assert.equal(received.length, 1)
    assert.deepEqual(received[0].body, {source: {type: 'backup', databaseId: otherId, backupId}}, 'the backup of the other database, found by the CLI')
  })

  it('--json: one document, the API object with its source and the status waited for', async () => {
    const backupId = await backup(databaseId)
    const result = await run(['db', 'restore', databaseId, '--backup', backupId, '--from', databaseId, '--yes', '--json'], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stderr, '')
    const restored = parseJson<DatabaseJson>(result)
    assert.equal(restored.id, databaseId)
    assert.equal(restored.status, 'ready')
    assert.deepEqual(restored.source, {type: 'backup', databaseId, backupId})
  })

  it('off a terminal without --yes: exit 2, a clear message, no POST', async () => {
    const backupId = await backup(databaseId)
    await emulator.call('DELETE', '/__emulator/requests')
    const result = await run(['db', 'restore', databaseId, '--backup', backupId], {env: env(), emulator})
    assert.equal(result.code, 2, result.stderr)
    assert.equal(result.stdout, '')
    assert.equal(result.stderr, `Error: Refusing to restore database ${databaseId} without confirmation: it overwrites all its data.\nPass --yes to restore without a prompt.\n`)
    assert.deepEqual(await posts(`/v1/databases/${databaseId}/restore`), [])
  })

  it('bad ids: an unknown target is exit 4; an unknown backup is exit 4 naming --from; a wrong --from is the API\'s 404', async () => {
    const backupId = await backup(databaseId)
    const target = await run(['db', 'restore', 'cnope', '--backup', backupId, '--yes'], {env: env(), emulator})
    assert.equal(target.code, 4, target.stderr)
    assert.equal(target.stderr, 'Error: Database "cnope" was not found.\nCheck the id; the `list` commands show what exists.\n')
    const unknown = await run(['db', 'restore', databaseId, '--backup', 'cnobackup', '--yes', '--json'], {env: env(), emulator})
    assert.equal(unknown.code, 4, unknown.stderr)
    assert.deepEqual(parseJson(unknown), {error: {code: 'not-found', message: `Backup cnobackup is not among the backups of the 2 databases of project ${projectId}.`}})
    const wrongFrom = await run(['db', 'restore', databaseId, '--backup', backupId, '--from', otherId, '--yes'], {env: env(), emulator})
    assert.equal(wrongFrom.code, 4, wrongFrom.stderr)
    assert.match(wrongFrom.stderr, new RegExp(`^Error: Backup "${backupId}" of database ${otherId} was not found\\.\\nHint: Pick one of the backups listed for database ${otherId}\\.\\n`))
  })

  it('on a real terminal: a wrong name restores nothing (exit 2), the right name restores', async () => {
    const backupId = await backup(databaseId)
    await emulator.call('DELETE', '/__emulator/requests')
    const termEnv = {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url, PRISMA_SERVICE_TOKEN: emulator.token}
    const question = new RegExp(`This overwrites every row of database shop \\(${databaseId}\\) with backup ${backupId}\\. Type its name to confirm:`)
    const wrong = await Terminal.start(['db', 'restore', databaseId, '--backup', backupId], termEnv)
    terminals.push(wrong)
    await wrong.waitFor(question)
    await wrong.type('shop-typo')
    await wrong.press('Enter')
    assert.equal(await wrong.exitCode(), 2, await wrong.screen())
    assert.match(await wrong.screen(), new RegExp(`The name did not match; database ${databaseId} was not restored\\.`))
    assert.deepEqual(await posts(`/v1/databases/${databaseId}/restore`), [])

    const right = await Terminal.start(['db', 'restore', databaseId, '--backup', backupId], termEnv)
    terminals.push(right)
    await right.waitFor(question)
    await right.type('shop')
    await right.press('Enter')
    assert.equal(await right.exitCode(), 0, await right.screen())
    const screen = await right.screen()
    assert.match(screen, new RegExp(`Restored database shop \\(${databaseId}\\) from backup ${backupId}; ready`))
    assert.match(screen, /│ STATUS +│ ready +│/)
    assert.equal((await posts(`/v1/databases/${databaseId}/restore`)).length, 1)
  })

  it('db create --from-backup finds the backup\'s database; --clone sends the database; both record their source', async () => {
    const backupId = await backup(otherId)
    await emulator.call('DELETE', '/__emulator/requests')
    const fromBackup = await run(['db', 'create', '--project', projectId, '--name', 'yesterday', '--from-backup', backupId, '--json'], {env: env(), emulator})
    assert.equal(fromBackup.code, 0, fromBackup.stderr)
    const created = parseJson<DatabaseJson>(fromBackup)
    assert.equal(created.status, 'ready')
    assert.deepEqual(created.source, {type: 'backup', databaseId: otherId, backupId})
    const clone = await run(['db', 'create', '--project', projectId, '--name', 'staging', '--clone', databaseId, '--json'], {env: env(), emulator})
    assert.equal(clone.code, 0, clone.stderr)
    assert.deepEqual(parseJson<DatabaseJson>(clone).source, {type: 'database', databaseId})
    const received = await posts(`/v1/projects/${projectId}/databases`)
    assert.deepEqual(
      received.map((r) => r.body),
      [
        {name: 'yesterday', source: {type: 'backup', databaseId: otherId, backupId}},
        {name: 'staging', source: {type: 'database', databaseId}},
      ],
    )
    const shown = parseJson<DatabaseJson>(await run(['db', 'show', created.id, '--json'], {env: env(), emulator}))
    assert.deepEqual(shown.source, {type: 'backup', databaseId: otherId, backupId})
  })

  it('db create: --clone with --from-backup is exit 2; a clone of an unknown database is the API\'s 404, exit 4', async () => {
    const both = await run(['db', 'create', '--project', projectId, '--clone', databaseId, '--from-backup', 'x'], {env: env(), emulator})
    assert.equal(both.code, 2, both.stderr)
    assert.match(both.stderr, /cannot also be provided when using/)
    const unknown = await run(['db', 'create', '--project', projectId, '--clone', 'cnope'], {env: env(), emulator})
    assert.equal(unknown.code, 4, unknown.stderr)
    assert.equal(unknown.stderr, 'Error: Source database "cnope" was not found.\nCheck the id; the `list` commands show what exists.\n')
  })
})
