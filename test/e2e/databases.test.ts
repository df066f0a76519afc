import assert from 'node:assert/strict'
import {afterEach, beforeEach, describe, it} from 'node:test'

import {Emulator, eventually, parseJson, removeDir, run, tempDir} from './harness.js'

interface DatabaseJson {
  id: string
  name: string
  status: string
  isDefault: boolean
  region: {id: string} | null
  project?: {id: string}
  connections?: {id: string; name: string; endpoints: Record<string, {host: string; port: number; connectionString?: string}>}[]
}

interface ConnectionJson {
  id: string
  name: string
  endpoints: Record<string, {host: string; port: number; connectionString?: string}>
}

describe('databases, connections, backups, usage', () => {
  let emulator: Emulator
  let home: string
  let projectId: string
  let defaultDb: string
  const env = () => emulator.env(home)

  // A fresh emulator and project per test: none depends on what another created.
  beforeEach(async () => {
    emulator = await Emulator.start(['--databases', 'none', '--provision-delay-ms', '200'])
    home = await tempDir()
    const created = await emulator.call<{data: {id: string; database: {id: string}}}>('POST', '/v1/projects', {name: 'dbs', region: 'us-east-1'})
    projectId = created.body.data.id
    defaultDb = created.body.data.database.id
    await eventually('the default database to be ready', async () => (await emulator.call<{data: {status: string}}>('GET', `/v1/databases/${defaultDb}`)).body.data.status === 'ready')
  })
  afterEach(async () => {
    await emulator.stop()
    await removeDir(home)
  })

  it('db create waits for ready, prints the connection details; --json has the secrets', async () => {
    const human = await run(['db', 'create', '--project', projectId, '--name', 'analytics', '--region', 'eu-west-3'], {env: env(), emulator})
    assert.equal(human.code, 0, human.stderr)
    assert.match(human.stdout, /^Database analytics \(\S+\) in eu-west-3: ready\n/)
    assert.match(human.stdout, /│ Connection string │ postgres/)
    assert.match(human.stdout, /│ Password +│ \S+/)

    const json = await run(['db', 'create', '--project', projectId, '--name', 'reports', '--json'], {env: env(), emulator})
    assert.equal(json.code, 0, json.stderr)
    const database = parseJson<DatabaseJson>(json)
    assert.equal(database.name, 'reports')
    assert.equal(database.status, 'ready')
    assert.match(database.connections![0].endpoints.direct.connectionString!, /^postgres/)

    const missingProject = await run(['db', 'create'], {env: env(), emulator})
    assert.equal(missingProject.code, 2)
    assert.match(missingProject.stderr, /^Error: Missing required flag --project$/m)
    const unknownProject = await run(['db', 'create', '--project', 'nope'], {env: env(), emulator})
    assert.equal(unknownProject.code, 4)
  })

  it('db list shows every database, --project narrows it; columns as the contract says', async () => {
    for (const extra of [['--name', 'analytics', '--region', 'eu-west-3'], ['--name', 'reports']]) {
      const created = await run(['db', 'create', '--project', projectId, ...extra, '--json'], {env: env(), emulator})
      assert.equal(created.code, 0, created.stderr)
    }
    await emulator.call('POST', '/v1/projects', {name: 'other', region: 'ap-northeast-1'})
    const all = parseJson<DatabaseJson[]>(await run(['db', 'list', '--json'], {env: env(), emulator}))
    const mine = parseJson<DatabaseJson[]>(await run(['db', 'list', '--project', projectId, '--json'], {env: env(), emulator}))
    assert.ok(all.length > mine.length)
    assert.deepEqual(new Set(mine.map((d) => d.name)), new Set(['dbs', 'analytics', 'reports']))
    const table = await run(['db', 'list', '--project', projectId], {env: env(), emulator})
    assert.equal(table.code, 0, table.stderr)
    assert.match(table.stdout.split('\n')[1], /^│ ID +│ NAME +│ PROJECT +│ REGION +│ STATUS +│ DEFAULT +│ CREATED +│$/)
    assert.match(table.stdout, new RegExp(`│ ${defaultDb} +│ dbs +│ ${projectId} +│ us-east-1 +│ ready +│ yes +│`))
    assert.match(table.stdout, /│ analytics +│ \S+ +│ eu-west-3 +│ ready +│ no +│/)
  })

  it('db show prints one database; --project shows the default one', async () => {
    const shown = await run(['db', 'show', defaultDb], {env: env(), emulator})
    assert.equal(shown.code, 0, shown.stderr)
    assert.match(shown.stdout, new RegExp(`│ ID +│ ${defaultDb} +│`))
    assert.match(shown.stdout, /│ DEFAULT +│ yes +│/)
    const viaProject = parseJson<DatabaseJson>(await run(['db', 'show', '--project', projectId, '--json'], {env: env(), emulator}))
    assert.equal(viaProject.id, defaultDb)
    const missing = await run(['db', 'show'], {env: env(), emulator})
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /db-id/)
    assert.equal((await run(['db', 'show', 'no-such-db'], {env: env(), emulator})).code, 4)
  })

  it('db connections list never shows secrets; rotate prints new details; delete needs consent', async () => {
    const minted = parseJson<ConnectionJson>(await run(['db', 'credentials', defaultDb, '--name', 'app', '--json'], {env: env(), emulator}))
    const oldSecret = minted.endpoints.direct.connectionString!
    const password = decodeURIComponent(new URL(oldSecret).password)

    const list = await run(['db', 'connections', 'list', defaultDb], {env: env(), emulator})
    assert.equal(list.code, 0, list.stderr)
    assert.match(list.stdout.split('\n')[1], /^│ ID +│ NAME +│ KIND +│ ENDPOINTS +│ CREATED +│$/)
    assert.match(list.stdout, new RegExp(`│ ${minted.id} +│ app +│ postgres +│ direct 127\\.0\\.0\\.1:\\d+`))
    assert.ok(!list.stdout.includes(password), 'no password in the list')
    const listJson = await run(['db', 'connections', 'list', defaultDb, '--json'], {env: env(), emulator})
    assert.ok(!listJson.stdout.includes(password))
    assert.ok(!listJson.stdout.includes('connectionString'))

    const rotated = await run(['db', 'connections', 'rotate', minted.id], {env: env(), emulator})
    assert.equal(rotated.code, 0, rotated.stderr)
    assert.match(rotated.stdout, new RegExp(`^Connection app \\(${minted.id}\\)\\n`))
    assert.match(rotated.stdout, /│ Connection string │ postgres/)
    assert.ok(!rotated.stdout.includes(password), 'the old password is gone')
    const rotatedUrl = await run(['db', 'connections', 'rotate', minted.id, '--format', 'url', '--endpoint', 'direct'], {env: env(), emulator})
    assert.match(rotatedUrl.stdout, /^postgres\S+\n$/)

    const refused = await run(['db', 'connections', 'delete', minted.id], {env: env(), emulator})
    assert.equal(refused.code, 2)
    assert.equal(refused.stderr, `Error: Refusing to delete connection ${minted.id} without confirmation.\nPass --yes to delete without a prompt.\n`)
    assert.equal((await emulator.call('GET', `/v1/connections/${minted.id}`)).status, 200)
    const deleted = await run(['db', 'connections', 'delete', minted.id, '--yes', '--json'], {env: env(), emulator})
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.deepEqual(parseJson(deleted), {id: minted.id, deleted: true})
    assert.equal((await emulator.call('GET', `/v1/connections/${minted.id}`)).status, 404)
    assert.equal((await run(['db', 'connections', 'rotate', minted.id], {env: env(), emulator})).code, 4)
  })

  it('db delete: refused off a terminal without --yes, gone with it', async () => {
    const extra = parseJson<DatabaseJson>(await run(['db', 'create', '--project', projectId, '--name', 'scratch', '--json'], {env: env(), emulator}))
    const refused = await run(['db', 'delete', extra.id], {env: env(), emulator})
    assert.equal(refused.code, 2)
    assert.equal((await emulator.call('GET', `/v1/databases/${extra.id}`)).status, 200)
    const deleted = await run(['db', 'delete', extra.id, '--yes'], {env: env(), emulator})
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.equal(deleted.stdout, `Deleted database scratch (${extra.id}).\n`)
    assert.equal((await emulator.call('GET', `/v1/databases/${extra.id}`)).status, 404)
  })

  it('db backups list: a table with sizes and retention; --limit; 422 is a plain message, exit 0, [] in JSON', async () => {
    const table = await run(['db', 'backups', 'list', defaultDb], {env: env(), emulator})
    assert.equal(table.code, 0, table.stderr)
    assert.match(table.stdout.split('\n')[1], /^│ ID +│ TYPE +│ STATUS +│ SIZE +│ CREATED +│$/)
    assert.match(table.stdout, /│ (full|incremental|differential) +│ completed +│ [\d.]+ (B|KiB|MiB|GiB) +│/)
    assert.match(table.stdout, /^Backups are kept for \d+ days\.$/m)
    const limited = parseJson<unknown[]>(await run(['db', 'backups', 'list', defaultDb, '--limit', '1', '--json'], {env: env(), emulator}))
    assert.equal(limited.length, 1)

    await emulator.call('POST', '/__emulator/faults', [{path: `/v1/databases/${defaultDb}/backups`, status: 422, count: 2, message: 'Remote database backups are not supported'}])
    const plain = await run(['db', 'backups', 'list', defaultDb], {env: env(), emulator})
    assert.equal(plain.code, 0, plain.stderr)
    assert.equal(plain.stdout, `Backups are not available for database ${defaultDb}: Remote database backups are not supported\n`)
    assert.equal(plain.stderr, '')
    const json = await run(['db', 'backups', 'list', defaultDb, '--json'], {env: env(), emulator})
    assert.equal(json.code, 0)
    assert.deepEqual(parseJson(json), [])
  })

  it('db usage: period, operations and storage with units; dates are checked before any request', async () => {
    const table = await run(['db', 'usage', defaultDb, '--from', '2026-11-01', '--to', '2026-11-27'], {env: env(), emulator})
    assert.equal(table.code, 0, table.stderr)
    assert.match(table.stdout, /│ Period +│ 2026-11-01 00:00 UTC → 2026-11-27 23:59 UTC │/)
    assert.match(table.stdout, /│ Operations +│ [\d,]+ ops +│/)
    assert.match(table.stdout, /│ Storage +│ [\d.,]+ GiB +│/)
    const json = parseJson<{period: {start: string}; metrics: {operations: {unit: string}}}>(await run(['db', 'usage', defaultDb, '--json'], {env: env(), emulator}))
    assert.equal(json.metrics.operations.unit, 'ops')
    await emulator.call('DELETE', '/__emulator/requests')
    for (const bad of [['--from', '2026-13-01'], ['--to', 'yesterday'], ['--from', '2026-02-30'], ['--from', '2026-11-10', '--to', '2026-11-01']]) {
      const result = await run(['db', 'usage', defaultDb, ...bad], {env: env(), emulator})
      assert.equal(result.code, 2, bad.join(' '))
      assert.match(result.stderr, /^Error: --(from|to) /)
    }
    const requests = (await emulator.call<{data: unknown[]}>('GET', '/__emulator/requests')).body.data
    assert.equal(requests.length, 0, 'a bad date never reaches the API')
  })
})
