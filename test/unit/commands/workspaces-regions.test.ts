import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import RegionsList from '../../../src/commands/regions/list.js'
import WorkspacesList from '../../../src/commands/workspaces/list.js'
import {page, regions, workspaces} from '../fixtures.js'
import {apiError, fixJitter, parseJson, reply, runCommand} from '../run-command.js'

type Api = Parameters<typeof reply>[0]

const UNAVAILABLE = 'Error: Service unavailable.\nThe API is unavailable or busy; try again in a moment.\n'

describe('workspaces list in process', () => {
  const stub = (api: Api) => reply(api, 'GET', '/v1/workspaces?limit=100', page(workspaces))

  it('on a terminal: a boxed table with short UTC times', async () => {
    const result = await runCommand(WorkspacesList, [], {stub, tty: true, env: {NO_COLOR: '1'}})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        '┌──────┬──────────────┬──────────────────┐',
        '│ ID   │ NAME         │ CREATED          │',
        '├──────┼──────────────┼──────────────────┤',
        '│ ws_1 │ Acme         │ 2026-11-28 09:58 │',
        '│ ws_2 │ Side project │ 2026-10-01 08:00 │',
        '└──────┴──────────────┴──────────────────┘',
        '',
      ].join('\n'),
    )
    assert.equal(result.stderr, '')
  })

  it('piped: tab-separated rows of every page, ISO times', async () => {
    let second: ReturnType<typeof reply> = []
    const result = await runCommand(WorkspacesList, [], {
      stub(api) {
        reply(api, 'GET', '/v1/workspaces?limit=100', page([workspaces[0]], 'c2'))
        second = reply(api, 'GET', '/v1/workspaces?cursor=c2&limit=100', page([workspaces[1]]))
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, 'ID\tNAME\tCREATED\nws_1\tAcme\t2026-11-28T09:58:12.345Z\nws_2\tSide project\t2026-10-01T08:00:00.000Z\n')
    assert.equal(second.length, 1, 'the second page was fetched with the cursor')
  })

  it('--limit 1 asks for one and prints one', async () => {
    const result = await runCommand(WorkspacesList, ['--limit', '1', '--columns', 'name'], {
      stub: (api) => reply(api, 'GET', '/v1/workspaces?limit=1', page([workspaces[0]], 'c2')),
    })
    assert.equal(result.stdout, 'NAME\nAcme\n')
  })

  it('--json, -o yaml and -o csv', async () => {
    const json = await runCommand(WorkspacesList, ['--json'], {stub})
    assert.deepEqual(parseJson(json.stdout), workspaces)
    const yaml = await runCommand(WorkspacesList, ['-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), workspaces)
    const csv = await runCommand(WorkspacesList, ['-o', 'csv'], {stub})
    assert.equal(csv.stdout, 'ID,NAME,CREATED\r\nws_1,Acme,2026-11-28T09:58:12.345Z\r\nws_2,Side project,2026-10-01T08:00:00.000Z\r\n')
  })

  it('none on a terminal: a sentence; piped: the header alone; --json: []', async () => {
    const empty = (api: Api) => reply(api, 'GET', '/v1/workspaces?limit=100', page([]))
    const tty = await runCommand(WorkspacesList, [], {stub: empty, tty: true, env: {NO_COLOR: '1'}})
    assert.equal(tty.stdout, 'No workspaces.\n')
    const piped = await runCommand(WorkspacesList, [], {stub: empty})
    assert.equal(piped.stdout, 'ID\tNAME\tCREATED\n')
    const json = await runCommand(WorkspacesList, ['--json'], {stub: empty})
    assert.equal(json.stdout, '[]\n')
  })

  it('401 is exit 3; 503 after retries is exit 6', async (t) => {
    fixJitter(t)
    const denied = await runCommand(WorkspacesList, [], {
      stub: (api) => reply(api, 'GET', '/v1/workspaces?limit=100', apiError('unauthorized', 'Token revoked.', 'Create a new service token.'), {status: 401}),
    })
    assert.equal(denied.code, 3, denied.stderr)
    assert.equal(denied.stderr, 'Error: Token revoked.\nHint: Create a new service token.\nCheck the token: run `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN.\n')
    const down = await runCommand(WorkspacesList, ['--json'], {
      stub: (api) => reply(api, 'GET', '/v1/workspaces?limit=100', apiError('unavailable', 'Service unavailable.'), {status: 503, times: 5}),
    })
    assert.equal(down.code, 6, down.stderr)
    assert.equal(down.stderr, UNAVAILABLE)
    assert.deepEqual(parseJson(down.stdout), {error: {code: 'unavailable', message: 'Service unavailable.', status: 503}})
  })

  it('usage errors: an unknown column, --limit 0, --json with -o yaml (no request)', async () => {
    const column = await runCommand(WorkspacesList, ['--columns', 'id,owner'])
    assert.equal(column.code, 2, column.stderr)
    assert.equal(column.stderr, 'Error: Unknown column for --columns: owner.\nValid columns: id, name, created.\n')
    const limit = await runCommand(WorkspacesList, ['--limit', '0'])
    assert.equal(limit.code, 2, limit.stderr)
    assert.equal(limit.stderr, 'Error: Parsing --limit \nExpected an integer greater than or equal to 1 but received: 0\nSee more help with --help\n')
    const formats = await runCommand(WorkspacesList, ['--json', '-o', 'yaml'])
    assert.equal(formats.code, 2, formats.stderr)
    assert.equal(formats.stderr, 'Error: --json and --output yaml ask for different formats.\nPass one of them.\n')
  })
})

describe('regions list in process', () => {
  const all = [...regions, {id: 'ap-southeast-1', type: 'region', name: 'Asia Pacific (Singapore)', status: 'unavailable'}]
  const stub = (api: Api) => reply(api, 'GET', '/v1/regions/postgres', {data: all})

  it('on a terminal: ID, NAME, STATUS', async () => {
    const result = await runCommand(RegionsList, [], {stub, tty: true, env: {NO_COLOR: '1'}})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        '┌────────────────┬──────────────────────────┬─────────────┐',
        '│ ID             │ NAME                     │ STATUS      │',
        '├────────────────┼──────────────────────────┼─────────────┤',
        '│ us-east-1      │ US East (N. Virginia)    │ available   │',
        '│ eu-west-3      │ Europe (Paris)           │ available   │',
        '│ ap-southeast-1 │ Asia Pacific (Singapore) │ unavailable │',
        '└────────────────┴──────────────────────────┴─────────────┘',
        '',
      ].join('\n'),
    )
  })

  it('piped: tab-separated rows', async () => {
    const result = await runCommand(RegionsList, [], {stub})
    assert.equal(
      result.stdout,
      'ID\tNAME\tSTATUS\nus-east-1\tUS East (N. Virginia)\tavailable\neu-west-3\tEurope (Paris)\tavailable\nap-southeast-1\tAsia Pacific (Singapore)\tunavailable\n',
    )
    assert.equal(result.stderr, '')
  })

  it('--json, -o json, -o yaml and -o csv with --columns', async () => {
    for (const argv of [['--json'], ['-o', 'json']]) {
      const json = await runCommand(RegionsList, argv, {stub})
      assert.deepEqual(parseJson(json.stdout), all, argv.join(' '))
    }
    const yaml = await runCommand(RegionsList, ['-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), all)
    const csv = await runCommand(RegionsList, ['-o', 'csv', '--columns', 'status,id'], {stub})
    assert.equal(csv.stdout, 'STATUS,ID\r\navailable,us-east-1\r\navailable,eu-west-3\r\nunavailable,ap-southeast-1\r\n')
  })

  it('401 is exit 3; 503 after retries is exit 6; an answer that is not a region list is exit 6', async (t) => {
    fixJitter(t)
    const denied = await runCommand(RegionsList, [], {stub: (api) => reply(api, 'GET', '/v1/regions/postgres', apiError('unauthorized', 'Invalid token.'), {status: 401})})
    assert.equal(denied.code, 3, denied.stderr)
    assert.equal(denied.stderr, 'Error: Invalid token.\nCheck the token: run `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN.\n')
    const down = await runCommand(RegionsList, [], {
      stub: (api) => reply(api, 'GET', '/v1/regions/postgres', apiError('unavailable', 'Service unavailable.'), {status: 503, times: 5}),
    })
    assert.equal(down.code, 6, down.stderr)
    assert.equal(down.stderr, UNAVAILABLE)
    const odd = await runCommand(RegionsList, [], {stub: (api) => reply(api, 'GET', '/v1/regions/postgres', {data: [{id: 'x'}]})})
    assert.equal(odd.code, 6, odd.stderr)
    assert.match(
      odd.stderr,
      /^Error: GET \/v1\/regions\/postgres: the API answered with something that is not a region list \(data\[0\]\.name is missing\)\.\nIs --api-url the Management API\?/,
      odd.stderr,
    )
  })

  it('an unknown column and a mistyped flag are exit 2 with no request', async () => {
    const column = await runCommand(RegionsList, ['--columns', 'country'])
    assert.equal(column.code, 2, column.stderr)
    assert.equal(column.stderr, 'Error: Unknown column for --columns: country.\nValid columns: id, name, status.\n')
    const flag = await runCommand(RegionsList, ['--colums', 'id'])
    assert.equal(flag.code, 2, flag.stderr)
    assert.match(flag.stderr, /^Error: Nonexistent flag: --colums\nDid you mean --columns\?/, flag.stderr)
  })
})

describe('regions list --product in process', () => {
  const accelerate = [
    {id: 'us-east-1', type: 'region', name: 'US East (N. Virginia)'},
    {id: 'eu-central-1', type: 'region', name: 'Europe (Frankfurt)'},
  ]
  const everyProduct = [
    {id: 'us-east-1', type: 'region', name: 'US East (N. Virginia)', product: 'postgres', status: 'available'},
    {id: 'us-east-1', type: 'region', name: 'US East (N. Virginia)', product: 'accelerate'},
  ]

  it('accelerate: GET /v1/regions/accelerate, ID and NAME (Accelerate regions have no status)', async () => {
    const stub = (api: Api) => reply(api, 'GET', '/v1/regions/accelerate', {data: accelerate})
    const tsv = await runCommand(RegionsList, ['--product', 'accelerate'], {stub})
    assert.equal(tsv.code, 0, tsv.stderr)
    assert.equal(tsv.stdout, 'ID\tNAME\nus-east-1\tUS East (N. Virginia)\neu-central-1\tEurope (Frankfurt)\n')
    const csv = await runCommand(RegionsList, ['--product', 'accelerate', '--columns', 'name', '-o', 'csv'], {stub})
    assert.equal(csv.stdout, 'NAME\r\nUS East (N. Virginia)\r\nEurope (Frankfurt)\r\n')
    const json = await runCommand(RegionsList, ['--product', 'accelerate', '--json'], {stub})
    assert.deepEqual(parseJson(json.stdout), accelerate, 'the API objects untouched')
    const tty = await runCommand(RegionsList, ['--product', 'accelerate'], {stub, tty: true, env: {NO_COLOR: '1'}})
    assert.match(tty.stdout.split('\n')[1], /^│ ID +│ NAME +│$/)
    const status = await runCommand(RegionsList, ['--product', 'accelerate', '--columns', 'id,status'])
    assert.equal(status.code, 2, 'no status column: exit 2 before any request')
    assert.equal(status.stderr, 'Error: Unknown column for --columns: status.\nValid columns: id, name.\n')
  })

  it('all: GET /v1/regions, with the PRODUCT column the API fills in', async () => {
    const stub = (api: Api) => reply(api, 'GET', '/v1/regions', {data: everyProduct})
    const tsv = await runCommand(RegionsList, ['--product', 'all'], {stub})
    assert.equal(tsv.code, 0, tsv.stderr)
    assert.equal(tsv.stdout, 'ID\tNAME\tPRODUCT\tSTATUS\nus-east-1\tUS East (N. Virginia)\tpostgres\tavailable\nus-east-1\tUS East (N. Virginia)\taccelerate\t\n')
    const tty = await runCommand(RegionsList, ['--product', 'all'], {stub, tty: true, env: {NO_COLOR: '1'}})
    assert.match(tty.stdout, /│ us-east-1 │ US East \(N\. Virginia\) │ accelerate │ - +│/, 'no status: a dash')
    const yaml = await runCommand(RegionsList, ['--product', 'all', '-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), everyProduct)
  })

  it('postgres is the default and its own columns stay ID, NAME, STATUS; an unknown product is exit 2 naming the choices', async () => {
    const stub = (api: Api) => reply(api, 'GET', '/v1/regions/postgres', {data: regions})
    const named = await runCommand(RegionsList, ['--product', 'postgres', '--columns', 'status,id'], {stub})
    assert.equal(named.stdout, 'STATUS\tID\navailable\tus-east-1\navailable\teu-west-3\n')
    const product = await runCommand(RegionsList, ['--columns', 'product'])
    assert.equal(product.code, 2, 'one product\'s list has no PRODUCT column')
    const all = await runCommand(RegionsList, ['--product', 'all', '--columns', 'product,id', '-o', 'csv'], {
      stub: (api) => reply(api, 'GET', '/v1/regions', {data: everyProduct}),
    })
    assert.equal(all.stdout, 'PRODUCT,ID\r\npostgres,us-east-1\r\naccelerate,us-east-1\r\n')
    const wrong = await runCommand(RegionsList, ['--product', 'mysql'])
    assert.equal(wrong.code, 2, wrong.stderr)
    assert.match(wrong.stderr, /postgres, accelerate, all/)
    const odd = await runCommand(RegionsList, ['--product', 'all'], {stub: (api) => reply(api, 'GET', '/v1/regions', {data: [{id: 'x', name: 'X'}]})})
    assert.equal(odd.code, 6, odd.stderr)
    assert.match(odd.stderr, /not a region list \(data\[0\]\.product is missing\)/)
  })
})
