import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import DbList from '../../../src/commands/db/list.js'
import DbShow from '../../../src/commands/db/show.js'
import type {Choice} from '../../../src/io/prompts.js'
import {database, databaseDetail, page, project} from '../fixtures.js'
import {apiError, fixJitter, parseJson, reply, runCommand} from '../run-command.js'

type Api = Parameters<typeof reply>[0]

const NOT_FOUND = 'Error: Database not found.\nCheck the id; the `list` commands show what exists.\n'
const UNAVAILABLE = 'Error: Service unavailable.\nThe API is unavailable or busy; try again in a moment.\n'
const MISSING_ID = 'Error: Missing the database id argument (db-id).\nPass a database id (see `prisma-mgmt db list`), or --project <id> for its default database.\n'

const listed = [database(1), {...database(2, 'proj_2'), status: 'provisioning'}]

describe('db list in process', () => {
  const stub = (api: Api) => reply(api, 'GET', '/v1/databases?limit=100', page(listed))

  it('on a wide terminal: a region the same on every row is said once above; default as yes/no, short UTC times', async () => {
    const result = await runCommand(DbList, [], {stub, tty: true, columns: 120, env: {NO_COLOR: '1'}})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        'Region: eu-west-3',
        '┌──────┬──────┬─────────┬──────────────┬─────────┬──────────────────┐',
        '│ ID   │ NAME │ PROJECT │ STATUS       │ DEFAULT │ CREATED          │',
        '├──────┼──────┼─────────┼──────────────┼─────────┼──────────────────┤',
        '│ db_1 │ db-1 │ proj_1  │ ready        │ yes     │ 2026-11-28 09:58 │',
        '│ db_2 │ db-2 │ proj_2  │ provisioning │ no      │ 2026-11-28 09:58 │',
        '└──────┴──────┴─────────┴──────────────┴─────────┴──────────────────┘',
        '',
      ].join('\n'),
    )
    assert.equal(result.stderr, '')
  })

  // Ids as long as the API's (25 characters), names people type back, two projects and two regions.
  const realistic = [
    {...database(1, 'cmxdxule5041wb3o1afc93mya'), id: 'cmxdxule505aswzzpksmkieyd', name: 'billing-prod'},
    {...database(2, 'cmxdxulky07xguvzn3w8tps3y'), id: 'cmxdxulkz08aglvcjk4ehrzo0', name: 'marketing-website', region: {id: 'eu-central-1', name: 'Europe (Frankfurt)'}, status: 'provisioning'},
  ]
  const realisticStub = (api: Api) => reply(api, 'GET', '/v1/databases?limit=100', page(realistic))

  it('on an 80-column terminal: ids and names whole; created, default and project go before status and region, and are named', async () => {
    const result = await runCommand(DbList, [], {stub: realisticStub, tty: true, columns: 80, env: {NO_COLOR: '1'}})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        '┌───────────────────────────┬───────────────────┬──────────────┬──────────────┐',
        '│ ID                        │ NAME              │ REGION       │ STATUS       │',
        '├───────────────────────────┼───────────────────┼──────────────┼──────────────┤',
        '│ cmxdxule505aswzzpksmkieyd │ billing-prod      │ eu-west-3    │ ready        │',
        '│ cmxdxulkz08aglvcjk4ehrzo0 │ marketing-website │ eu-central-1 │ provisioning │',
        '└───────────────────────────┴───────────────────┴──────────────┴──────────────┘',
        // The project ids went (25 characters each); the region, which went after them, came back in their room.
        'Left out to fit: project, default, created (see --columns).',
        '',
      ].join('\n'),
    )
  })

  it('on an 80-column terminal, one project: said once above, and its region, created and status fit', async () => {
    const one = realistic.map((d) => ({...d, project: realistic[0].project, region: realistic[0].region}))
    const result = await runCommand(DbList, ['--project', 'cmxdxule5041wb3o1afc93mya'], {
      stub: (api) => reply(api, 'GET', '/v1/projects/cmxdxule5041wb3o1afc93mya/databases?limit=100', page(one)),
      tty: true,
      columns: 80,
      env: {NO_COLOR: '1'},
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        'Project: cmxdxule5041wb3o1afc93mya',
        'Region: eu-west-3',
        '┌───────────────────────────┬───────────────────┬──────────────┬─────────┐',
        '│ ID                        │ NAME              │ STATUS       │ DEFAULT │',
        '├───────────────────────────┼───────────────────┼──────────────┼─────────┤',
        '│ cmxdxule505aswzzpksmkieyd │ billing-prod      │ ready        │ yes     │',
        '│ cmxdxulkz08aglvcjk4ehrzo0 │ marketing-website │ provisioning │ no      │',
        '└───────────────────────────┴───────────────────┴──────────────┴─────────┘',
        'Left out to fit: created (see --columns).',
        '',
      ].join('\n'),
    )
  })

  it('on a 52-column terminal: status is the last column to go; a name too long for the room wraps, every character kept', async () => {
    const long = [{...realistic[0], name: 'billing-production-eu-replica'}]
    const result = await runCommand(DbList, [], {stub: (api) => reply(api, 'GET', '/v1/databases?limit=100', page(long)), tty: true, columns: 52, env: {NO_COLOR: '1'}})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        'Project: cmxdxule5041wb3o1afc93mya',
        'Region: eu-west-3',
        '┌───────────────────────────┬─────────────┬────────┐',
        '│ ID                        │ NAME        │ STATUS │',
        '├───────────────────────────┼─────────────┼────────┤',
        '│ cmxdxule505aswzzpksmkieyd │ billing-    │ ready  │',
        '│                           │ production- │        │',
        '│                           │ eu-replica  │        │',
        '└───────────────────────────┴─────────────┴────────┘',
        'Left out to fit: default, created (see --columns).',
        '',
      ].join('\n'),
    )
    const narrower = await runCommand(DbList, [], {stub: (api) => reply(api, 'GET', '/v1/databases?limit=100', page(long)), tty: true, columns: 50, env: {NO_COLOR: '1'}})
    assert.match(narrower.stdout, /^│ ID +│ NAME +│$/m, `two columns too many for 50: status went last\n${narrower.stdout}`)
    assert.match(narrower.stdout, /^Left out to fit: status, default, created \(see --columns\)\.$/m, narrower.stdout)
  })

  it('--columns keeps every column asked for, even one the same on every row', async () => {
    const result = await runCommand(DbList, ['--columns', 'name,region'], {stub, tty: true, columns: 80, env: {NO_COLOR: '1'}})
    assert.equal(
      result.stdout,
      ['┌──────┬───────────┐', '│ NAME │ REGION    │', '├──────┼───────────┤', '│ db-1 │ eu-west-3 │', '│ db-2 │ eu-west-3 │', '└──────┴───────────┘', ''].join('\n'),
    )
  })

  it('piped: tab-separated rows, default as true/false', async () => {
    const result = await runCommand(DbList, [], {stub})
    assert.equal(
      result.stdout,
      'ID\tNAME\tPROJECT\tREGION\tSTATUS\tDEFAULT\tCREATED\n' +
        'db_1\tdb-1\tproj_1\teu-west-3\tready\ttrue\t2026-11-28T09:58:12.345Z\n' +
        'db_2\tdb-2\tproj_2\teu-west-3\tprovisioning\tfalse\t2026-11-28T09:58:12.345Z\n',
    )
  })

  it('--project lists that project\'s databases; --limit asks for no more', async () => {
    const result = await runCommand(DbList, ['--project', 'proj_1', '--limit', '1', '--columns', 'id,default'], {
      stub: (api) => reply(api, 'GET', '/v1/projects/proj_1/databases?limit=1', page([database(1)], 'next')),
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, 'ID\tDEFAULT\ndb_1\ttrue\n')
  })

  it('--json, -o yaml and -o csv', async () => {
    const json = await runCommand(DbList, ['--json'], {stub})
    assert.deepEqual(parseJson(json.stdout), listed)
    const yaml = await runCommand(DbList, ['-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), listed)
    const csv = await runCommand(DbList, ['-o', 'csv', '--columns', 'name,status,default'], {stub})
    assert.equal(csv.stdout, 'NAME,STATUS,DEFAULT\r\ndb-1,ready,true\r\ndb-2,provisioning,false\r\n')
  })

  it('none on a terminal: a sentence', async () => {
    const result = await runCommand(DbList, [], {stub: (api) => reply(api, 'GET', '/v1/databases?limit=100', page([])), tty: true, env: {NO_COLOR: '1'}})
    assert.equal(result.stdout, 'No databases.\n')
  })

  it('an unknown --project is exit 4; 401 is exit 3; 503 after retries is exit 6', async (t) => {
    fixJitter(t)
    const denied = await runCommand(DbList, [], {stub: (api) => reply(api, 'GET', '/v1/databases?limit=100', apiError('unauthorized', 'Invalid token.'), {status: 401})})
    assert.equal(denied.code, 3, denied.stderr)
    assert.equal(denied.stderr, 'Error: Invalid token.\nCheck the token: run `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN.\n')
    const missing = await runCommand(DbList, ['--project', 'proj_404'], {
      stub: (api) => reply(api, 'GET', '/v1/projects/proj_404/databases?limit=100', apiError('not-found', 'Project not found.'), {status: 404}),
    })
    assert.equal(missing.code, 4, missing.stderr)
    assert.equal(missing.stderr, 'Error: Project not found.\nCheck the id; the `list` commands show what exists.\n')
    const down = await runCommand(DbList, ['-o', 'yaml'], {
      stub: (api) => reply(api, 'GET', '/v1/databases?limit=100', apiError('unavailable', 'Service unavailable.'), {status: 503, times: 5}),
    })
    assert.equal(down.code, 6, down.stderr)
    assert.equal(down.stderr, UNAVAILABLE)
    assert.deepEqual(parseYaml(down.stdout), {error: {code: 'unavailable', message: 'Service unavailable.', status: 503}}, 'the error as a YAML document')
  })

  it('usage errors: an unknown column, an unknown -o, --json with -o yaml (no request)', async () => {
    const column = await runCommand(DbList, ['--columns', 'id,size'])
    assert.equal(column.code, 2, column.stderr)
    assert.equal(column.stderr, 'Error: Unknown column for --columns: size.\nValid columns: id, name, project, region, status, default, created.\n')
    const output = await runCommand(DbList, ['-o', 'xml'])
    assert.equal(output.code, 2, output.stderr)
    assert.match(output.stderr, /^Error: Expected --output=xml to be one of: table, json, yaml, csv\n/, output.stderr)
    const formats = await runCommand(DbList, ['--json', '-o', 'yaml'])
    assert.equal(formats.code, 2, formats.stderr)
    assert.equal(formats.stderr, 'Error: --json and --output yaml ask for different formats.\nPass one of them.\n')
  })
})

describe('db show in process', () => {
  const stub = (api: Api) => reply(api, 'GET', '/v1/databases/db_1', {data: databaseDetail(1)})

  it('on a terminal: a label/value table', async () => {
    const result = await runCommand(DbShow, ['db_1'], {stub, tty: true, env: {NO_COLOR: '1'}})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        '┌─────────┬──────────────────┐',
        '│ ID      │ db_1             │',
        '│ NAME    │ db-1             │',
        '│ PROJECT │ proj_1           │',
        '│ REGION  │ eu-west-3        │',
        '│ STATUS  │ ready            │',
        '│ DEFAULT │ yes              │',
        '│ CREATED │ 2026-11-28 09:58 │',
        '└─────────┴──────────────────┘',
        '',
      ].join('\n'),
    )
  })

  it('piped: one tab-separated row', async () => {
    const result = await runCommand(DbShow, ['db_1'], {stub})
    assert.equal(result.stdout, 'ID\tNAME\tPROJECT\tREGION\tSTATUS\tDEFAULT\tCREATED\ndb_1\tdb-1\tproj_1\teu-west-3\tready\ttrue\t2026-11-28T09:58:12.345Z\n')
  })

  it('--json, -o yaml and -o csv', async () => {
    const json = await runCommand(DbShow, ['db_1', '--json'], {stub})
    assert.deepEqual(parseJson(json.stdout), databaseDetail(1))
    const yaml = await runCommand(DbShow, ['db_1', '-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), databaseDetail(1))
    const csv = await runCommand(DbShow, ['db_1', '-o', 'csv', '--columns', 'id,region'], {stub})
    assert.equal(csv.stdout, 'ID,REGION\r\ndb_1,eu-west-3\r\n')
  })

  it('--project shows that project\'s default database', async () => {
    const result = await runCommand(DbShow, ['--project', 'proj_1', '--columns', 'id,name'], {
      stub(api) {
        reply(api, 'GET', '/v1/projects/proj_1/databases?limit=100', page([database(2), database(1)]))
        reply(api, 'GET', '/v1/databases/db_1', {data: databaseDetail(1)})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, 'ID\tNAME\ndb_1\tdb-1\n')
  })

  it('--project without a default, or without databases, is exit 2 naming what to pass', async () => {
    const noDefault = await runCommand(DbShow, ['--project', 'proj_1'], {
      stub: (api) => reply(api, 'GET', '/v1/projects/proj_1/databases?limit=100', page([database(2), database(3)])),
    })
    assert.equal(noDefault.code, 2, noDefault.stderr)
    assert.equal(noDefault.stderr, 'Error: Project proj_1 has no default database.\nPass the database id (see `prisma-mgmt db list --project proj_1`).\n')
    const none = await runCommand(DbShow, ['--project', 'proj_1'], {stub: (api) => reply(api, 'GET', '/v1/projects/proj_1/databases?limit=100', page([]))})
    assert.equal(none.code, 2, none.stderr)
    assert.equal(none.stderr, 'Error: Project proj_1 has no database.\nCreate one with `prisma-mgmt db create --project proj_1`.\n')
  })

  it('on a terminal without an id: choose a project, then a database', async () => {
    const offered: string[][] = []
    const pick = (index: number) => (choices: readonly Choice<unknown>[]) => {
      offered.push(choices.map((c) => c.name))
      return choices[index].value
    }
    const result = await runCommand(DbShow, ['--columns', 'id'], {
      tty: true,
      env: {NO_COLOR: '1'},
      answers: {choose: [pick(1), pick(0)]},
      stub(api) {
        reply(api, 'GET', '/v1/projects?limit=100', page([project(1), project(2, 'billing')]))
        reply(api, 'GET', '/v1/projects/proj_2/databases?limit=100', page([database(3, 'proj_2'), database(1, 'proj_2')]))
        reply(api, 'GET', '/v1/databases/db_3', {data: databaseDetail(3, 'ready', 'proj_2')})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(result.asked, ['Project', 'Database'])
    assert.deepEqual(offered, [
      ['shop-1   proj_1  us-east-1', 'billing  proj_2  us-east-1'],
      ['db-3  db_3  eu-west-3  ready', 'db-1  db_1  eu-west-3  ready  (default)'],
    ])
    assert.equal(result.stdout, '┌────┬──────┐\n│ ID │ db_3 │\n└────┴──────┘\n')
  })

  it('one project with one database: no question', async () => {
    const result = await runCommand(DbShow, ['--columns', 'name'], {
      tty: true,
      env: {NO_COLOR: '1'},
      stub(api) {
        reply(api, 'GET', '/v1/projects?limit=100', page([project(1)]))
        reply(api, 'GET', '/v1/projects/proj_1/databases?limit=100', page([database(1)]))
        reply(api, 'GET', '/v1/databases/db_1', {data: databaseDetail(1)})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(result.asked, [])
    assert.equal(result.stdout, '┌──────┬──────┐\n│ NAME │ db-1 │\n└──────┴──────┘\n')
  })

  it('without an id off a terminal, in CI, or with --json: exit 2, no request', async () => {
    const piped = await runCommand(DbShow, [])
    assert.equal(piped.code, 2, piped.stderr)
    assert.equal(piped.stderr, MISSING_ID)
    const ci = await runCommand(DbShow, [], {tty: true, env: {NO_COLOR: '1', CI: 'true'}})
    assert.equal(ci.code, 2, ci.stderr)
    assert.equal(ci.stderr, MISSING_ID)
    const json = await runCommand(DbShow, ['--json'], {tty: true})
    assert.equal(json.code, 2, json.stderr)
    assert.equal(json.stderr, MISSING_ID)
    assert.deepEqual(parseJson(json.stdout), {error: {code: 'usage', message: 'Missing the database id argument (db-id).'}})
  })

  it('404 is exit 4; 503 after retries is exit 6; 401 is exit 3', async (t) => {
    fixJitter(t)
    const missing = await runCommand(DbShow, ['db_404', '--json'], {
      stub: (api) => reply(api, 'GET', '/v1/databases/db_404', apiError('not-found', 'Database not found.'), {status: 404}),
    })
    assert.equal(missing.code, 4, missing.stderr)
    assert.equal(missing.stderr, NOT_FOUND)
    assert.deepEqual(parseJson(missing.stdout), {error: {code: 'not-found', message: 'Database not found.', status: 404}})
    const down = await runCommand(DbShow, ['db_1'], {
      stub: (api) => reply(api, 'GET', '/v1/databases/db_1', apiError('unavailable', 'Service unavailable.'), {status: 503, times: 5}),
    })
    assert.equal(down.code, 6, down.stderr)
    assert.equal(down.stderr, UNAVAILABLE)
    const denied = await runCommand(DbShow, ['db_1'], {stub: (api) => reply(api, 'GET', '/v1/databases/db_1', apiError('unauthorized', 'Invalid token.'), {status: 401})})
    assert.equal(denied.code, 3, denied.stderr)
    assert.equal(denied.stderr, 'Error: Invalid token.\nCheck the token: run `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN.\n')
  })

  it('usage errors: a bad id, an unknown column (no request)', async () => {
    const bad = await runCommand(DbShow, ['..'])
    assert.equal(bad.code, 2, bad.stderr)
    assert.equal(bad.stderr, 'Error: Invalid db-id argument "..": an id is never empty, blank, "." or "..".\nPass an id as the `list` commands show it.\n')
    const column = await runCommand(DbShow, ['db_1', '--columns', 'id,,host'])
    assert.equal(column.code, 2, column.stderr)
    assert.equal(column.stderr, 'Error: Unknown column for --columns: host.\nValid columns: id, name, project, region, status, default, created.\n')
  })
})
