import assert from 'node:assert/strict'
import {afterEach, beforeEach, describe, it} from 'node:test'

import {assertEndpointRow, CREATED_ENDPOINT_COLUMNS, Emulator, ENDPOINT_COLUMNS, eventually, parseJson, removeDir, run, tempDir, tsv, tsvHeader} from './harness.js'

interface DatabaseJson {
  id: string
  name: string
  status: string
  isDefault: boolean
  region: {id: string} | null
  project?: {id: string}
  createdAt: string
  connections?: {id: string; name: string; endpoints: Record<string, {host: string; port: number; connectionString?: string}>}[]
}

interface ConnectionJson {
  id: string
  name: string
  endpoints: Record<string, {host: string; port: number; connectionString?: string}>
}

interface RequestJson {
  method: string
  path: string
  body: unknown
  status: number
}

const DATABASE_COLUMNS = ['ID', 'NAME', 'PROJECT', 'REGION', 'STATUS', 'DEFAULT', 'CREATED']

/** A database as its tab-separated row shows it. */
const databaseRow = (d: DatabaseJson) => ({
  ID: d.id,
  NAME: d.name,
  PROJECT: d.project?.id ?? '',
  REGION: d.region?.id ?? '',
  STATUS: d.status,
  DEFAULT: String(d.isDefault),
  CREATED: d.createdAt,
})

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
    await emulator.call('DELETE', '/__emulator/requests')
    const human = await run(['db', 'create', '--project', projectId, '--name', 'analytics', '--region', 'eu-west-3'], {env: env(), emulator})
    assert.equal(human.code, 0, human.stderr)
    assert.equal(human.stderr, '', 'nothing on stderr off a terminal')
    // Piped: one tab-separated row per endpoint of the new database's connection.
    assert.deepEqual(tsvHeader(human.stdout), CREATED_ENDPOINT_COLUMNS, `header line: ${human.stdout}`)
    const rows = tsv(human.stdout)
    assert.ok(rows.length > 0, `no endpoint rows: ${human.stdout}`)
    const newId = rows[0].DATABASE
    assert.deepEqual(rows.map((row) => row.ENDPOINT).slice(0, 1), ['direct'], `endpoints: ${human.stdout}`)
    for (const row of rows) {
      assert.deepEqual([row.PROJECT, row.DATABASE, row.CONNECTION], [projectId, newId, rows[0].CONNECTION], `ids of the ${row.ENDPOINT} row: ${human.stdout}`)
      assertEndpointRow(row, human.stdout)
    }
    const shown = await emulator.call<{data: DatabaseJson}>('GET', `/v1/databases/${newId}`)
    assert.equal(shown.status, 200, `GET the new database ${newId}: ${shown.status}`)
    assert.deepEqual([shown.body.data.name, shown.body.data.region?.id, shown.body.data.status], ['analytics', 'eu-west-3', 'ready'], `the new database: ${JSON.stringify(shown.body.data)}`)
    const connections = (await emulator.call<{data: ConnectionJson[]}>('GET', `/v1/databases/${newId}/connections`)).body.data
    assert.deepEqual(connections.map((c) => c.id), [rows[0].CONNECTION], `connections of the new database: ${JSON.stringify(connections)}`)
    // It waited: after the POST, the database was read again until it was ready.
    const requests = (await emulator.call<{data: RequestJson[]}>('GET', '/__emulator/requests')).body.data
    const post = requests.findIndex((r) => r.method === 'POST' && r.path === `/v1/projects/${projectId}/databases`)
    assert.ok(post >= 0, `no POST of the database in: ${JSON.stringify(requests.map((r) => `${r.method} ${r.path}`))}`)
    assert.deepEqual(requests[post].body, {name: 'analytics', region: 'eu-west-3'}, 'the POST body')
    assert.ok(
      requests.slice(post + 1).some((r) => r.method === 'GET' && r.path === `/v1/databases/${newId}`),
      `no poll of the new database after the POST: ${JSON.stringify(requests.map((r) => `${r.method} ${r.path}`))}`,
    )

    const json = await run(['db', 'create', '--project', projectId, '--name', 'reports', '--json'], {env: env(), emulator})
    assert.equal(json.code, 0, json.stderr)
    const database = parseJson<DatabaseJson>(json)
    assert.equal(database.name, 'reports')
    assert.equal(database.status, 'ready')
    assert.match(database.connections![0].endpoints.direct.connectionString!, /^postgres/)

    const missingProject = await run(['db', 'create'], {env: env(), emulator})
    assert.equal(missingProject.code, 2, missingProject.stderr)
    assert.match(missingProject.stderr, /^Error: Missing required flag --project$/m)
    const unknownProject = await run(['db', 'create', '--project', 'nope'], {env: env(), emulator})
    assert.equal(unknownProject.code, 4, unknownProject.stderr)
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
    assert.deepEqual(tsvHeader(table.stdout), DATABASE_COLUMNS, `header line: ${table.stdout}`)
    const rows = tsv(table.stdout)
    assert.deepEqual(rows, mine.map(databaseRow), `rows: ${table.stdout}`)
    const byName = new Map(rows.map((row) => [row.NAME, row]))
    assert.deepEqual(byName.get('dbs'), {ID: defaultDb, NAME: 'dbs', PROJECT: projectId, REGION: 'us-east-1', STATUS: 'ready', DEFAULT: 'true', CREATED: byName.get('dbs')?.CREATED}, `dbs row: ${table.stdout}`)
    assert.match(byName.get('dbs')!.CREATED, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, `CREATED of dbs: ${table.stdout}`)
    assert.deepEqual([byName.get('analytics')?.PROJECT, byName.get('analytics')?.REGION, byName.get('analytics')?.STATUS, byName.get('analytics')?.DEFAULT], [projectId, 'eu-west-3', 'ready', 'false'], `analytics row: ${table.stdout}`)

    const columns = await run(['db', 'list', '--project', projectId, '--columns', 'name,id'], {env: env(), emulator})
    assert.equal(columns.code, 0, columns.stderr)
    assert.deepEqual(tsvHeader(columns.stdout), ['NAME', 'ID'], `header line with --columns name,id: ${columns.stdout}`)
    assert.deepEqual(tsv(columns.stdout), mine.map((d) => ({NAME: d.name, ID: d.id})), `rows with --columns name,id: ${columns.stdout}`)
    const unknownColumn = await run(['db', 'list', '--columns', 'name,size'], {env: env(), emulator})
    assert.equal(unknownColumn.code, 2, unknownColumn.stderr)
    assert.equal(unknownColumn.stdout, '', 'stdout with an unknown column')
    assert.equal(unknownColumn.stderr, 'Error: Unknown column for --columns: size.\nValid columns: id, name, project, region, status, default, created.\n', 'stderr with an unknown column')
  })

  it('db show prints one database; --project shows the default one', async () => {
    const shown = await run(['db', 'show', defaultDb], {env: env(), emulator})
    assert.equal(shown.code, 0, shown.stderr)
    const viaProject = parseJson<DatabaseJson>(await run(['db', 'show', '--project', projectId, '--json'], {env: env(), emulator}))
    assert.equal(viaProject.id, defaultDb, `db show --project --json: ${JSON.stringify(viaProject)}`)
    assert.deepEqual(tsvHeader(shown.stdout), DATABASE_COLUMNS, `header line: ${shown.stdout}`)
    assert.deepEqual(tsv(shown.stdout), [databaseRow(viaProject)], `the one row: ${shown.stdout}`)
    assert.equal(tsv(shown.stdout)[0].DEFAULT, 'true', `DEFAULT: ${shown.stdout}`)
    const missing = await run(['db', 'show'], {env: env(), emulator})
    assert.equal(missing.code, 2, missing.stderr)
    assert.match(missing.stderr, /db-id/)
    assert.equal((await run(['db', 'show', 'no-such-db'], {env: env(), emulator})).code, 4)
  })

  it('db connections list never shows secrets; rotate prints new details; delete needs consent', async () => {
    const minted = parseJson<ConnectionJson>(await run(['db', 'credentials', defaultDb, '--name', 'app', '--json'], {env: env(), emulator}))
    const oldSecret = minted.endpoints.direct.connectionString!
    const password = decodeURIComponent(new URL(oldSecret).password)

    const list = await run(['db', 'connections', 'list', defaultDb], {env: env(), emulator})
    assert.equal(list.code, 0, list.stderr)
    assert.deepEqual(tsvHeader(list.stdout), ['ID', 'NAME', 'KIND', 'ENDPOINTS', 'CREATED'], `header line: ${list.stdout}`)
    const listed = tsv(list.stdout).find((row) => row.ID === minted.id)
    assert.ok(listed, `no row for ${minted.id}: ${list.stdout}`)
    const endpoints = ['direct', 'pooled', 'accelerate'].filter((name) => minted.endpoints[name]).map((name) => `${name} ${minted.endpoints[name].host}:${minted.endpoints[name].port}`)
    assert.deepEqual([listed.NAME, listed.KIND, listed.ENDPOINTS], ['app', 'postgres', endpoints.join(' ')], `row of ${minted.id}: ${list.stdout}`)
    assert.match(listed.ENDPOINTS, /^direct 127\.0\.0\.1:\d+/, `ENDPOINTS of ${minted.id}: ${list.stdout}`)
    assert.match(listed.CREATED, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, `CREATED of ${minted.id}: ${list.stdout}`)
    assert.ok(!list.stdout.includes(password), 'no password in the list')
    const listJson = await run(['db', 'connections', 'list', defaultDb, '--json'], {env: env(), emulator})
    assert.ok(!listJson.stdout.includes(password))
    assert.ok(!listJson.stdout.includes('connectionString'))

    const rotated = await run(['db', 'connections', 'rotate', minted.id, '--yes'], {env: env(), emulator})
    assert.equal(rotated.code, 0, rotated.stderr)
    assert.equal(rotated.stderr, '', 'nothing on stderr')
    assert.deepEqual(tsvHeader(rotated.stdout), ENDPOINT_COLUMNS, `header line: ${rotated.stdout}`)
    const rotatedRows = tsv(rotated.stdout)
    assert.deepEqual(rotatedRows.map((row) => [row.CONNECTION, row.ENDPOINT]), Object.keys(minted.endpoints).map((name) => [minted.id, name]), `rows: ${rotated.stdout}`)
    for (const row of rotatedRows) {
      assertEndpointRow(row, rotated.stdout)
      assert.notEqual(row.PASSWORD, password, `the ${row.ENDPOINT} row still has the old password`)
    }
    assert.ok(!rotated.stdout.includes(password), 'the old password is gone')
    const rotatedUrl = await run(['db', 'connections', 'rotate', minted.id, '--yes', '--format', 'url', '--endpoint', 'direct'], {env: env(), emulator})
    assert.equal(rotatedUrl.code, 0, rotatedUrl.stderr)
    assert.match(rotatedUrl.stdout, /^postgres\S+\n$/, 'one connection string alone')
    const secondPassword = decodeURIComponent(new URL(rotatedUrl.stdout.trim()).password)
    assert.ok(![password, rotatedRows[0].PASSWORD].includes(secondPassword), `the second rotation gave a new password: ${rotatedUrl.stdout}`)

    const refused = await run(['db', 'connections', 'delete', minted.id], {env: env(), emulator})
    assert.equal(refused.code, 2, refused.stderr)
    assert.equal(refused.stderr, `Error: Refusing to delete connection ${minted.id} without confirmation.\nPass --yes to delete without a prompt.\n`)
    assert.equal((await emulator.call('GET', `/v1/connections/${minted.id}`)).status, 200)
    const deleted = await run(['db', 'connections', 'delete', minted.id, '--yes', '--json'], {env: env(), emulator})
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.deepEqual(parseJson(deleted), {id: minted.id, deleted: true})
    assert.equal((await emulator.call('GET', `/v1/connections/${minted.id}`)).status, 404)
    assert.equal((await run(['db', 'connections', 'rotate', minted.id, '--yes'], {env: env(), emulator})).code, 4)
  })

  it('db delete: refused off a terminal without --yes, gone with it', async () => {
    const extra = parseJson<DatabaseJson>(await run(['db', 'create', '--project', projectId, '--name', 'scratch', '--json'], {env: env(), emulator}))
    const refused = await run(['db', 'delete', extra.id], {env: env(), emulator})
    assert.equal(refused.code, 2, refused.stderr)
    assert.equal((await emulator.call('GET', `/v1/databases/${extra.id}`)).status, 200)
    const deleted = await run(['db', 'delete', extra.id, '--yes'], {env: env(), emulator})
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.equal(deleted.stdout, `Deleted database scratch (${extra.id}).\n`)
    assert.equal((await emulator.call('GET', `/v1/databases/${extra.id}`)).status, 404)
  })

  it('db backups list: the backups taken, newest first, none older than the database; --limit; 422 is a plain message, exit 0, [] in JSON', async () => {
    const none = await run(['db', 'backups', 'list', defaultDb, '--json'], {env: env(), emulator})
    assert.deepEqual(parseJson(none), [], 'no backup before one is taken')
    const taken: string[] = []
    for (let i = 0; i < 2; i++) taken.push((await emulator.call<{data: {id: string}}>('POST', `/__emulator/databases/${defaultDb}/backups`)).body.data.id)
    const table = await run(['db', 'backups', 'list', defaultDb], {env: env(), emulator})
    assert.equal(table.code, 0, table.stderr)
    assert.deepEqual(tsvHeader(table.stdout), ['ID', 'TYPE', 'STATUS', 'SIZE', 'CREATED'], `header line: ${table.stdout}`)
    const backups = parseJson<{id: string; backupType: string; status: string; size?: number; createdAt: string}[]>(
      await run(['db', 'backups', 'list', defaultDb, '--json'], {env: env(), emulator}),
    )
    const rows = tsv(table.stdout)
    assert.deepEqual(rows.map((row) => row.ID), [...taken].reverse(), `the two taken, newest first: ${table.stdout}`)
    const database = (await emulator.call<{data: {createdAt: string}}>('GET', `/v1/databases/${defaultDb}`)).body.data
    for (const backup of backups) assert.ok(Date.parse(backup.createdAt) >= Date.parse(database.createdAt), `backup ${backup.createdAt} predates its database ${database.createdAt}`)
    assert.deepEqual(rows, backups.map((b) => ({ID: b.id, TYPE: b.backupType, STATUS: b.status, SIZE: b.size === undefined ? '' : String(b.size), CREATED: b.createdAt})), `rows: ${table.stdout}`)
    for (const row of rows) {
      assert.match(row.TYPE, /^(full|incremental|differential)$/, `TYPE: ${table.stdout}`)
      assert.equal(row.STATUS, 'completed', `STATUS: ${table.stdout}`)
      // `none` mode holds no data, so no size; the real-database suites check sizes.
      assert.equal(row.SIZE, '', `SIZE: ${table.stdout}`)
    }
    // Beside tab-separated rows, the retention goes to stderr.
    assert.match(table.stderr, /^Backups are kept for \d+ days\.\n$/, 'stderr')
    const limited = parseJson<unknown[]>(await run(['db', 'backups', 'list', defaultDb, '--limit', '1', '--json'], {env: env(), emulator}))
    assert.equal(limited.length, 1, `--limit 1: ${JSON.stringify(limited)}`)

    await emulator.call('POST', '/__emulator/faults', [{path: `/v1/databases/${defaultDb}/backups`, status: 422, count: 2, message: 'Remote database backups are not supported'}])
    const plain = await run(['db', 'backups', 'list', defaultDb], {env: env(), emulator})
    assert.equal(plain.code, 0, plain.stderr)
    assert.equal(plain.stdout, 'ID\tTYPE\tSTATUS\tSIZE\tCREATED\n', 'stdout holds the header line alone')
    assert.equal(plain.stderr, `Backups are not available for database ${defaultDb}: Remote database backups are not supported\n`, 'stderr')
    const json = await run(['db', 'backups', 'list', defaultDb, '--json'], {env: env(), emulator})
    assert.equal(json.code, 0, json.stderr)
    assert.deepEqual(parseJson(json), [], `stdout: ${json.stdout}`)
    assert.equal(json.stderr, '', 'nothing on stderr with --json')
    const recovered = await run(['db', 'backups', 'list', defaultDb, '--json'], {env: env(), emulator})
    assert.notDeepEqual(parseJson(recovered), [], 'the fault was used up by the two runs above')
  })

  it('db usage: period, operations and storage with units; dates are checked before any request', async () => {
    const table = await run(['db', 'usage', defaultDb, '--from', '2026-11-01', '--to', '2026-11-27'], {env: env(), emulator})
    assert.equal(table.code, 0, table.stderr)
    assert.deepEqual(tsvHeader(table.stdout), ['START', 'END', 'OPERATIONS', 'STORAGE', 'GENERATED'], `header line: ${table.stdout}`)
    const [usage, ...more] = tsv(table.stdout)
    assert.equal(more.length, 0, `one row: ${table.stdout}`)
    assert.deepEqual([usage.START, usage.END], ['2026-11-01T00:00:00.000Z', '2026-11-27T23:59:59.999Z'], `the period: ${table.stdout}`)
    // Exact numbers with the units --json names.
    assert.match(usage.OPERATIONS, /^\d+ ops$/, `OPERATIONS: ${table.stdout}`)
    assert.match(usage.STORAGE, /^\d+(\.\d+)? GiB$/, `STORAGE: ${table.stdout}`)
    assert.match(usage.GENERATED, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, `GENERATED: ${table.stdout}`)
    const json = parseJson<{period: {start: string}; metrics: {operations: {unit: string}; storage: {unit: string}}}>(await run(['db', 'usage', defaultDb, '--json'], {env: env(), emulator}))
    assert.deepEqual([json.metrics.operations.unit, json.metrics.storage.unit], ['ops', 'GiB'], `units: ${JSON.stringify(json)}`)
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
