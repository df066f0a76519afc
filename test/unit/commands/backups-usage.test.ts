import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {parse as parseYaml} from 'yaml'

import DbBackupsList from '../../../src/commands/db/backups/list.js'
import DbUsage from '../../../src/commands/db/usage.js'
import {backups, usage} from '../fixtures.js'
import {apiError, fixJitter, parseJson, reply, runCommand} from '../run-command.js'

type Api = Parameters<typeof reply>[0]

/** A config folder holding these profiles. */
async function profileWith(profiles: object): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-backups-'))
  await writeFile(join(dir, 'config.json'), JSON.stringify({profiles}))
  return dir
}

const NOT_FOUND = 'Error: Database not found.\nCheck the id; the `list` commands show what exists.\n'
const UNAVAILABLE = 'Error: Service unavailable.\nThe API is unavailable or busy; try again in a moment.\n'

describe('db backups list in process', () => {
  const stub = (api: Api) => reply(api, 'GET', '/v1/databases/db_1/backups', backups)
  const unsupported = (api: Api) =>
    reply(api, 'GET', '/v1/databases/db_1/backups', apiError('backups-not-supported', 'Backups are not supported on this plan.'), {status: 422})

  it('on a terminal: a table with sizes people read, then the retention', async () => {
    const result = await runCommand(DbBackupsList, ['db_1'], {stub, tty: true, env: {NO_COLOR: '1'}})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        '┌──────┬─────────────┬───────────┬─────────┬──────────────────┐',
        '│ ID   │ TYPE        │ STATUS    │ SIZE    │ CREATED          │',
        '├──────┼─────────────┼───────────┼─────────┼──────────────────┤',
        '│ bk_1 │ full        │ completed │ 5.0 MiB │ 2026-11-28 09:58 │',
        '│ bk_2 │ incremental │ running   │ -       │ 2026-11-29 01:00 │',
        '└──────┴─────────────┴───────────┴─────────┴──────────────────┘',
        'Backups are kept for 7 days.',
        '',
      ].join('\n'),
    )
    assert.equal(result.stderr, '')
  })

  it('piped: tab-separated rows with exact sizes; the retention goes to stderr', async () => {
    const result = await runCommand(DbBackupsList, ['db_1'], {stub})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      'ID\tTYPE\tSTATUS\tSIZE\tCREATED\nbk_1\tfull\tcompleted\t5242880\t2026-11-28T09:58:12.345Z\nbk_2\tincremental\trunning\t\t2026-11-29T01:00:00.000Z\n',
    )
    assert.equal(result.stderr, 'Backups are kept for 7 days.\n')
  })

  it('--limit is sent; --json, -o yaml and -o csv print the backups alone', async () => {
    const limited = (api: Api) => reply(api, 'GET', '/v1/databases/db_1/backups?limit=5', backups)
    const json = await runCommand(DbBackupsList, ['db_1', '--limit', '5', '--json'], {stub: limited})
    assert.equal(json.code, 0, json.stderr)
    assert.deepEqual(parseJson(json.stdout), backups.data)
    assert.equal(json.stderr, '', 'nothing beside the JSON document')
    const yaml = await runCommand(DbBackupsList, ['db_1', '-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), backups.data)
    const csv = await runCommand(DbBackupsList, ['db_1', '-o', 'csv', '--columns', 'id,size'], {stub})
    assert.equal(csv.stdout, 'ID,SIZE\r\nbk_1,5242880\r\nbk_2,\r\n')
    assert.equal(csv.stderr, 'Backups are kept for 7 days.\n')
  })

  it('none against Prisma\'s API: a sentence on a terminal, the header line when piped, [] with --json', async () => {
    const empty = (api: Api) => reply(api, 'GET', '/v1/databases/db_1/backups', {...backups, data: []})
    const tty = await runCommand(DbBackupsList, ['db_1'], {stub: empty, tty: true, env: {NO_COLOR: '1'}})
    assert.equal(tty.code, 0, tty.stderr)
    assert.equal(tty.stdout, 'No backups yet.\nBackups are kept for 7 days.\n')
    const piped = await runCommand(DbBackupsList, ['db_1'], {stub: empty})
    assert.equal(piped.stdout, 'ID\tTYPE\tSTATUS\tSIZE\tCREATED\n')
    assert.equal(piped.stderr, 'Backups are kept for 7 days.\n')
  })

  it('none against the emulator (an API on this machine): it names how to take one', async () => {
    const emulator = 'http://127.0.0.1:7466'
    const empty = (api: Api) => reply(api, 'GET', '/v1/databases/db_1/backups', {...backups, data: []})
    const how = (token: string) =>
      'The emulator backs up only when asked. Take one now with\n' +
      `  curl -X POST --oauth2-bearer ${token} http://127.0.0.1:7466/__emulator/databases/db_1/backups\n` +
      'or start it with `prisma-mgmt emulator start --backup-interval 3600` to back up every ready database every hour.\n'
    const tty = await runCommand(DbBackupsList, ['db_1'], {stub: empty, tty: true, env: {NO_COLOR: '1', PRISMA_MANAGEMENT_API_URL: `${emulator}/v1/`}})
    assert.equal(tty.code, 0, tty.stderr)
    assert.equal(tty.stdout, `No backups yet.\n${how('"$PRISMA_SERVICE_TOKEN"')}Backups are kept for 7 days.\n`)
    const piped = await runCommand(DbBackupsList, ['db_1', '--profile', 'local'], {
      stub: empty,
      env: {PRISMA_SERVICE_TOKEN: undefined, PRISMA_MANAGEMENT_API_URL: emulator},
      configDir: await profileWith({local: {token: 'sk_local_emulator_1', apiUrl: emulator}}),
    })
    assert.equal(piped.code, 0, piped.stderr)
    assert.equal(piped.stdout, 'ID\tTYPE\tSTATUS\tSIZE\tCREATED\n')
    assert.equal(piped.stderr, `${how("<the emulator's token>")}Backups are kept for 7 days.\n`, 'no token is printed: it names the one to use')
    const json = await runCommand(DbBackupsList, ['db_1', '--json'], {stub: empty, env: {PRISMA_MANAGEMENT_API_URL: emulator}})
    assert.equal(json.stdout, '[]\n')
    assert.equal(json.stderr, '', 'nothing beside the JSON document')
  })

  it('422 (not supported) is a plain message and exit 0; [] with --json; a header line when piped', async () => {
    const tty = await runCommand(DbBackupsList, ['db_1'], {stub: unsupported, tty: true, env: {NO_COLOR: '1'}})
    assert.equal(tty.code, 0, tty.stderr)
    assert.equal(tty.stdout, 'Backups are not available for database db_1: Backups are not supported on this plan.\n')
    assert.equal(tty.stderr, '')
    const json = await runCommand(DbBackupsList, ['db_1', '--json'], {stub: unsupported})
    assert.equal(json.code, 0, json.stderr)
    assert.equal(json.stdout, '[]\n')
    assert.equal(json.stderr, '')
    const piped = await runCommand(DbBackupsList, ['db_1'], {stub: unsupported})
    assert.equal(piped.code, 0, piped.stderr)
    assert.equal(piped.stdout, 'ID\tTYPE\tSTATUS\tSIZE\tCREATED\n')
    assert.equal(piped.stderr, 'Backups are not available for database db_1: Backups are not supported on this plan.\n')
  })

  it('404 is exit 4; 401 is exit 3; 503 after retries is exit 6', async (t) => {
    fixJitter(t)
    const denied = await runCommand(DbBackupsList, ['db_1'], {
      stub: (api) => reply(api, 'GET', '/v1/databases/db_1/backups', apiError('unauthorized', 'Invalid token.'), {status: 401}),
    })
    assert.equal(denied.code, 3, denied.stderr)
    assert.equal(denied.stderr, 'Error: Invalid token.\nCheck the token: run `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN.\n')
    const missing = await runCommand(DbBackupsList, ['db_404', '--json'], {
      stub: (api) => reply(api, 'GET', '/v1/databases/db_404/backups', apiError('not-found', 'Database not found.'), {status: 404}),
    })
    assert.equal(missing.code, 4, missing.stderr)
    assert.equal(missing.stderr, NOT_FOUND)
    assert.deepEqual(parseJson(missing.stdout), {error: {code: 'not-found', message: 'Database not found.', status: 404}})
    const down = await runCommand(DbBackupsList, ['db_1'], {
      stub: (api) => reply(api, 'GET', '/v1/databases/db_1/backups', apiError('unavailable', 'Service unavailable.'), {status: 503, times: 5}),
    })
    assert.equal(down.code, 6, down.stderr)
    assert.equal(down.stderr, UNAVAILABLE)
    assert.equal(down.stdout, '')
  })

  it('usage errors: no database id, a bad id, an unknown column, --json with -o yaml (no request)', async () => {
    const missing = await runCommand(DbBackupsList, [])
    assert.equal(missing.code, 2, missing.stderr)
    assert.match(missing.stderr, /^Error: Missing 1 required arg:\ndb-id {2}Database id\n/, missing.stderr)
    const bad = await runCommand(DbBackupsList, ['.'])
    assert.equal(bad.code, 2, bad.stderr)
    assert.equal(bad.stderr, 'Error: Invalid db-id argument ".": an id is never empty, blank, "." or "..".\nPass an id as the `list` commands show it.\n')
    const column = await runCommand(DbBackupsList, ['db_1', '--columns', 'id,kind'])
    assert.equal(column.code, 2, column.stderr)
    assert.equal(column.stderr, 'Error: Unknown column for --columns: kind.\nValid columns: id, type, status, size, created.\n')
    const formats = await runCommand(DbBackupsList, ['db_1', '--json', '-o', 'yaml'])
    assert.equal(formats.code, 2, formats.stderr)
    assert.equal(formats.stderr, 'Error: --json and --output yaml ask for different formats.\nPass one of them.\n')
  })
})

describe('db usage in process', () => {
  const stub = (api: Api) => reply(api, 'GET', '/v1/databases/db_1/usage', usage)

  it('on a terminal: the period, grouped numbers with units', async () => {
    const result = await runCommand(DbUsage, ['db_1'], {stub, tty: true, env: {NO_COLOR: '1'}})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        '┌────────────┬──────────────────┐',
        '│ START      │ 2026-11-01 00:00 │',
        '│ END        │ 2026-11-28 00:00 │',
        '│ OPERATIONS │ 1,234,567 ops    │',
        '│ STORAGE    │ 0.25 GiB         │',
        '│ GENERATED  │ 2026-11-29 10:00 │',
        '└────────────┴──────────────────┘',
        '',
      ].join('\n'),
    )
  })

  it('piped: one tab-separated row of exact numbers with their units and ISO times', async () => {
    const result = await runCommand(DbUsage, ['db_1'], {stub})
    assert.equal(result.stdout, 'START\tEND\tOPERATIONS\tSTORAGE\tGENERATED\n2026-11-01T00:00:00.000Z\t2026-11-28T00:00:00.000Z\t1234567 ops\t0.25 GiB\t2026-11-29T10:00:00.000Z\n')
    assert.equal(result.stderr, '')
  })

  it('a unit in every format; rounded on a terminal, never cut; exact elsewhere; JSON the API\'s object untouched', async () => {
    const small = {...usage, metrics: {operations: {used: 1234.5678, unit: 'ops'}, storage: {used: 0.007865, unit: 'GiB'}}} as typeof usage
    const stub = (api: Api) => reply(api, 'GET', '/v1/databases/db_1/usage', small)
    const tty = await runCommand(DbUsage, ['db_1', '--columns', 'operations,storage'], {stub, tty: true, env: {NO_COLOR: '1'}})
    assert.equal(tty.stdout, ['┌────────────┬───────────────┐', '│ OPERATIONS │ 1,234.568 ops │', '│ STORAGE    │ 0.00787 GiB   │', '└────────────┴───────────────┘', ''].join('\n'))
    const piped = await runCommand(DbUsage, ['db_1', '--columns', 'storage,operations'], {stub})
    assert.equal(piped.stdout, 'STORAGE\tOPERATIONS\n0.007865 GiB\t1234.5678 ops\n')
    const csv = await runCommand(DbUsage, ['db_1', '-o', 'csv', '--columns', 'storage'], {stub})
    assert.equal(csv.stdout, 'STORAGE\r\n0.007865 GiB\r\n')
    const json = await runCommand(DbUsage, ['db_1', '--json'], {stub})
    assert.deepEqual(parseJson(json.stdout), small)
    const yaml = await runCommand(DbUsage, ['db_1', '-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), small)
  })

  it('--from and --to are sent as startDate and endDate; --json, -o yaml and -o csv', async () => {
    const ranged = (api: Api) => reply(api, 'GET', '/v1/databases/db_1/usage?startDate=2026-11-01&endDate=2026-11-28', usage)
    const json = await runCommand(DbUsage, ['db_1', '--from', '2026-11-01', '--to', '2026-11-28', '--json'], {stub: ranged})
    assert.equal(json.code, 0, json.stderr)
    assert.deepEqual(parseJson(json.stdout), usage)
    const yaml = await runCommand(DbUsage, ['db_1', '-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), usage)
    const csv = await runCommand(DbUsage, ['db_1', '-o', 'csv', '--columns', 'operations,storage'], {stub})
    assert.equal(csv.stdout, 'OPERATIONS,STORAGE\r\n1234567 ops,0.25 GiB\r\n')
  })

  it('dates that are not real days, or a --from after --to, are exit 2 before any request', async () => {
    const invalid = await runCommand(DbUsage, ['db_1', '--from', '2026-02-30'])
    assert.equal(invalid.code, 2, invalid.stderr)
    assert.equal(invalid.stderr, 'Error: --from must be a date as YYYY-MM-DD, got "2026-02-30".\nFor example: --from 2026-11-01\n')
    const shape = await runCommand(DbUsage, ['db_1', '--to', '28/11/2026', '--json'])
    assert.equal(shape.code, 2, shape.stderr)
    assert.deepEqual(parseJson(shape.stdout), {error: {code: 'usage', message: '--to must be a date as YYYY-MM-DD, got "28/11/2026".'}})
    const reversed = await runCommand(DbUsage, ['db_1', '--from', '2026-11-28', '--to', '2026-11-01'])
    assert.equal(reversed.code, 2, reversed.stderr)
    assert.equal(reversed.stderr, 'Error: --from 2026-11-28 is after --to 2026-11-01.\n')
  })

  it('404 is exit 4; 401 is exit 3; 503 after retries is exit 6', async (t) => {
    fixJitter(t)
    const missing = await runCommand(DbUsage, ['db_404'], {
      stub: (api) => reply(api, 'GET', '/v1/databases/db_404/usage', apiError('not-found', 'Database not found.'), {status: 404}),
    })
    assert.equal(missing.code, 4, missing.stderr)
    assert.equal(missing.stderr, NOT_FOUND)
    const denied = await runCommand(DbUsage, ['db_1'], {stub: (api) => reply(api, 'GET', '/v1/databases/db_1/usage', apiError('forbidden', 'Not your database.'), {status: 403})})
    assert.equal(denied.code, 3, denied.stderr)
    assert.equal(denied.stderr, 'Error: Not your database.\nThe token is valid but not allowed to do this; check its workspace and role.\n')
    const down = await runCommand(DbUsage, ['db_1'], {
      stub: (api) => reply(api, 'GET', '/v1/databases/db_1/usage', apiError('unavailable', 'Service unavailable.'), {status: 503, times: 5}),
    })
    assert.equal(down.code, 6, down.stderr)
    assert.equal(down.stderr, UNAVAILABLE)
  })

  it('usage errors: no database id, an unknown column (no request)', async () => {
    const missing = await runCommand(DbUsage, [])
    assert.equal(missing.code, 2, missing.stderr)
    assert.match(missing.stderr, /^Error: Missing 1 required arg:\ndb-id {2}Database id\n/, missing.stderr)
    const column = await runCommand(DbUsage, ['db_1', '--columns', 'cost'])
    assert.equal(column.code, 2, column.stderr)
    assert.equal(column.stderr, 'Error: Unknown column for --columns: cost.\nValid columns: start, end, operations, storage, generated.\n')
  })
})
