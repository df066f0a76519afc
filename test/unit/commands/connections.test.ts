import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import DbConnectionsDelete from '../../../src/commands/db/connections/delete.js'
import DbConnectionsList from '../../../src/commands/db/connections/list.js'
import DbConnectionsRotate from '../../../src/commands/db/connections/rotate.js'
import type {Choice} from '../../../src/io/prompts.js'
import {connection, createdConnection, database, directUrl, endpointTables, page, pooledUrl, project} from '../fixtures.js'
import {apiError, fixJitter, parseJson, reply, runCommand} from '../run-command.js'

type Api = Parameters<typeof reply>[0]

const UNAVAILABLE = 'Error: Service unavailable.\nThe API is unavailable or busy; try again in a moment.\n'
const DIRECT = directUrl('n3w-pass')
const POOLED = pooledUrl('n3w-pass')

describe('db connections list in process', () => {
  const two = [connection(1), connection(2)]
  const stub = (api: Api) => reply(api, 'GET', '/v1/databases/db_1/connections?limit=100', page(two))

  it('on a terminal: one line per endpoint in a cell; never a secret', async () => {
    const result = await runCommand(DbConnectionsList, ['db_1'], {stub, tty: true, columns: 100, env: {NO_COLOR: '1'}})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        '┌────────┬───────┬──────────┬───────────────────────────────┬──────────────────┐',
        '│ ID     │ NAME  │ KIND     │ ENDPOINTS                     │ CREATED          │',
        '├────────┼───────┼──────────┼───────────────────────────────┼──────────────────┤',
        '│ conn_1 │ app-1 │ postgres │ direct db.example.test:5432   │ 2026-11-28 09:58 │',
        '│        │       │          │ pooled pool.example.test:6543 │                  │',
        '│ conn_2 │ app-2 │ postgres │ direct db.example.test:5432   │ 2026-11-28 09:58 │',
        '│        │       │          │ pooled pool.example.test:6543 │                  │',
        '└────────┴───────┴──────────┴───────────────────────────────┴──────────────────┘',
        '',
      ].join('\n'),
    )
    assert.equal(result.stderr, '')
  })

  it('piped: endpoints on one line per row', async () => {
    const result = await runCommand(DbConnectionsList, ['db_1'], {stub})
    assert.equal(
      result.stdout,
      'ID\tNAME\tKIND\tENDPOINTS\tCREATED\n' +
        'conn_1\tapp-1\tpostgres\tdirect db.example.test:5432 pooled pool.example.test:6543\t2026-11-28T09:58:12.345Z\n' +
        'conn_2\tapp-2\tpostgres\tdirect db.example.test:5432 pooled pool.example.test:6543\t2026-11-28T09:58:12.345Z\n',
    )
  })

  it('--json, -o yaml, -o csv and --limit', async () => {
    const json = await runCommand(DbConnectionsList, ['db_1', '--json'], {stub})
    assert.deepEqual(parseJson(json.stdout), two)
    const yaml = await runCommand(DbConnectionsList, ['db_1', '-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), two)
    const csv = await runCommand(DbConnectionsList, ['db_1', '-o', 'csv', '--limit', '1', '--columns', 'id,name'], {
      stub: (api) => reply(api, 'GET', '/v1/databases/db_1/connections?limit=1', page([connection(1)], 'more')),
    })
    assert.equal(csv.stdout, 'ID,NAME\r\nconn_1,app-1\r\n')
  })

  it('none on a terminal: a sentence naming the database', async () => {
    const result = await runCommand(DbConnectionsList, ['db_1'], {
      tty: true,
      env: {NO_COLOR: '1'},
      stub: (api) => reply(api, 'GET', '/v1/databases/db_1/connections?limit=100', page([])),
    })
    assert.equal(result.stdout, 'Database db_1 has no connections.\n')
  })

  it('--project takes its default database; on a terminal without either, a choice', async () => {
    const byProject = await runCommand(DbConnectionsList, ['--project', 'proj_1', '--columns', 'id'], {
      stub(api) {
        reply(api, 'GET', '/v1/projects/proj_1/databases?limit=100', page([database(1)]))
        reply(api, 'GET', '/v1/databases/db_1/connections?limit=100', page([connection(1)]))
      },
    })
    assert.equal(byProject.stdout, 'ID\nconn_1\n')

    let offered: string[] = []
    const chosen = await runCommand(DbConnectionsList, ['--columns', 'id'], {
      tty: true,
      env: {NO_COLOR: '1'},
      answers: {
        choose: [
          (choices: readonly Choice<unknown>[]) => {
            offered = choices.map((c) => c.name)
            return choices[1].value
          },
        ],
      },
      stub(api) {
        reply(api, 'GET', '/v1/projects?limit=100', page([project(1)]))
        reply(api, 'GET', '/v1/projects/proj_1/databases?limit=100', page([database(1), database(2)]))
        reply(api, 'GET', '/v1/databases/db_2/connections?limit=100', page([connection(2)]))
      },
    })
    assert.equal(chosen.code, 0, chosen.stderr)
    assert.deepEqual(chosen.asked, ['Database'], 'one project: only the database is asked')
    assert.deepEqual(offered, ['db-1  db_1  eu-west-3  ready  (default)', 'db-2  db_2  eu-west-3  ready'])
    assert.equal(chosen.stdout, '┌────────┐\n│ ID     │\n├────────┤\n│ conn_2 │\n└────────┘\n')
  })

  it('without a database off a terminal: exit 2; 404 is exit 4; 401 is exit 3; 503 after retries is exit 6', async (t) => {
    fixJitter(t)
    const denied = await runCommand(DbConnectionsList, ['db_1'], {
      stub: (api) => reply(api, 'GET', '/v1/databases/db_1/connections?limit=100', apiError('unauthorized', 'Invalid token.'), {status: 401}),
    })
    assert.equal(denied.code, 3, denied.stderr)
    assert.equal(denied.stderr, 'Error: Invalid token.\nCheck the token: run `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN.\n')
    const missing = await runCommand(DbConnectionsList, [])
    assert.equal(missing.code, 2, missing.stderr)
    assert.equal(missing.stderr, 'Error: Missing the database id argument (db-id).\nPass a database id (see `prisma-mgmt db list`), or --project <id> for its default database.\n')
    const notFound = await runCommand(DbConnectionsList, ['db_404'], {
      stub: (api) => reply(api, 'GET', '/v1/databases/db_404/connections?limit=100', apiError('not-found', 'Database not found.'), {status: 404}),
    })
    assert.equal(notFound.code, 4, notFound.stderr)
    assert.equal(notFound.stderr, 'Error: Database not found.\nCheck the id; the `list` commands show what exists.\n')
    const down = await runCommand(DbConnectionsList, ['db_1'], {
      stub: (api) => reply(api, 'GET', '/v1/databases/db_1/connections?limit=100', apiError('unavailable', 'Service unavailable.'), {status: 503, times: 5}),
    })
    assert.equal(down.code, 6, down.stderr)
    assert.equal(down.stderr, UNAVAILABLE)
  })

  it('usage errors: an unknown column, --json with -o yaml (no request)', async () => {
    const column = await runCommand(DbConnectionsList, ['db_1', '--columns', 'password'])
    assert.equal(column.code, 2, column.stderr)
    assert.equal(column.stderr, 'Error: Unknown column for --columns: password.\nValid columns: id, name, kind, endpoints, created.\n')
    const formats = await runCommand(DbConnectionsList, ['db_1', '--json', '-o', 'yaml'])
    assert.equal(formats.code, 2, formats.stderr)
    assert.equal(formats.stderr, 'Error: --json and --output yaml ask for different formats.\nPass one of them.\n')
  })
})

describe('db connections rotate in process', () => {
  const rotated = {...createdConnection('app-1', 'n3w-pass'), id: 'conn_1'}
  const stub = (api: Api) => reply(api, 'POST', '/v1/connections/conn_1/rotate', {data: rotated})

  const QUESTION = 'This gives connection app-1 (conn_1) a new password; the old one stops working at once. Type its name to confirm:'
  const get = (api: Api) => reply(api, 'GET', '/v1/connections/conn_1', {data: connection(1)})

  it('on a terminal: asks for the name, then every endpoint\'s new details; a string too wide stands whole on its own line', async () => {
    const result = await runCommand(DbConnectionsRotate, ['conn_1'], {
      stub(api) {
        get(api)
        stub(api)
      },
      tty: true,
      env: {NO_COLOR: '1'},
      answers: {confirmName: ['app-1']},
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(result.asked, [QUESTION])
    assert.equal(
      result.stdout,
      [
        'Connection app-1 (conn_1)',
        '',
        ...endpointTables('n3w-pass'),
        '',
      ].join('\n'),
    )
    assert.equal(result.stderr, '')
  })

  it('on a terminal, a name that does not match: exit 2, nothing rotated', async () => {
    const result = await runCommand(DbConnectionsRotate, ['conn_1'], {stub: get, tty: true, answers: {confirmName: ['app-2']}})
    assert.equal(result.code, 2, result.stderr)
    assert.equal(result.stdout, '')
    assert.equal(result.stderr, 'Error: The name did not match; connection conn_1 was not rotated.\n')
  })

  it('off a terminal without --yes, in every format: exit 2 and nothing sent (not even the lookup)', async () => {
    for (const argv of [[], ['--json'], ['-o', 'yaml'], ['-o', 'url'], ['--env-file', '.env']]) {
      const result = await runCommand(DbConnectionsRotate, ['conn_1', ...argv])
      assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`)
      assert.equal(
        result.stderr,
        'Error: Refusing to rotate connection conn_1 without confirmation: its old password stops working.\nPass --yes to rotate without a prompt.\n',
        argv.join(' '),
      )
      if (argv[0] === '--json') {
        assert.deepEqual(parseJson(result.stdout), {error: {code: 'usage', message: 'Refusing to rotate connection conn_1 without confirmation: its old password stops working.'}})
      } else if (argv[0] !== '-o') assert.equal(result.stdout, '', argv.join(' '))
    }
  })

  it('piped: one tab-separated row per endpoint', async () => {
    const result = await runCommand(DbConnectionsRotate, ['conn_1', '--yes'], {stub})
    assert.equal(
      result.stdout,
      'CONNECTION\tENDPOINT\tCONNECTION STRING\tHOST\tPORT\tUSER\tPASSWORD\tDATABASE NAME\n' +
        `conn_1\tdirect\t${DIRECT}\tdb.example.test\t5432\tu_9\tn3w-pass\tpostgres\n` +
        `conn_1\tpooled\t${POOLED}\tpool.example.test\t6543\tu_9\tn3w-pass\tpostgres\n`,
    )
  })

  it('--json and -o yaml: the API\'s object with its secrets; -o csv: a row per endpoint', async () => {
    const json = await runCommand(DbConnectionsRotate, ['conn_1', '--yes', '--json'], {stub})
    assert.equal(json.code, 0, json.stderr)
    assert.deepEqual(parseJson(json.stdout), rotated)
    assert.equal(json.stderr, '')
    const yaml = await runCommand(DbConnectionsRotate, ['conn_1', '--yes', '-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), rotated)
    const csv = await runCommand(DbConnectionsRotate, ['conn_1', '--yes', '-o', 'csv'], {stub})
    assert.equal(
      csv.stdout,
      'CONNECTION,ENDPOINT,CONNECTION STRING,HOST,PORT,USER,PASSWORD,DATABASE NAME\r\n' +
        `conn_1,direct,${DIRECT},db.example.test,5432,u_9,n3w-pass,postgres\r\n` +
        `conn_1,pooled,${POOLED},pool.example.test,6543,u_9,n3w-pass,postgres\r\n`,
    )
  })

  it('-o url and --format url: the first string alone; --endpoint pooled picks that one; -o env: a DATABASE_URL line', async () => {
    for (const argv of [['-o', 'url'], ['--format', 'url']]) {
      const url = await runCommand(DbConnectionsRotate, ['conn_1', '--yes', ...argv], {stub})
      assert.equal(url.code, 0, url.stderr)
      assert.equal(url.stdout, `${DIRECT}\n`, argv.join(' '))
      assert.equal(url.stderr, '')
    }
    const pooled = await runCommand(DbConnectionsRotate, ['conn_1', '--yes', '-o', 'url', '--endpoint', 'pooled'], {stub})
    assert.equal(pooled.stdout, `${POOLED}\n`)
    const env = await runCommand(DbConnectionsRotate, ['conn_1', '--yes', '-o', 'env', '--endpoint', 'pooled'], {stub})
    assert.equal(env.stdout, `DATABASE_URL='${POOLED}'\n`)
  })

  it('an endpoint the API did not return: exit 2, and the new details are printed all the same (the old password is gone)', async () => {
    const url = await runCommand(DbConnectionsRotate, ['conn_1', '--yes', '-o', 'url', '--endpoint', 'accelerate'], {stub})
    assert.equal(url.code, 2, url.stderr)
    assert.equal(
      url.stderr,
      'Error: The API returned no accelerate connection string for connection conn_1 (it returned: direct, pooled). ' +
        'Connection app-1 (conn_1) WAS rotated (the old password no longer works); its connection details are printed above, and the API will not show this password again.\n' +
        'Choose one of the returned endpoints with --endpoint.\n',
    )
    assert.ok(url.stdout.includes(`conn_1\tdirect\t${DIRECT}\t`) && url.stdout.includes('\tn3w-pass\t'), `the new password reached stdout: ${JSON.stringify(url.stdout)}`)
    const json = await runCommand(DbConnectionsRotate, ['conn_1', '--yes', '--json', '--env-file', '/nonexistent-folder/.env'])
    assert.equal(json.code, 2, 'a bad --env-file is refused before the rotation')
    assert.match(json.stderr, /^Error: Cannot write --env-file \/nonexistent-folder\/\.env: the folder \/nonexistent-folder does not exist\.\n/, json.stderr)
  })

  it('404 is exit 4; 401 is exit 3; 409 is exit 5; a 503 on the POST is not repeated: exit 6 after one request', async () => {
    const denied = await runCommand(DbConnectionsRotate, ['conn_1', '--yes'], {
      stub: (api) => reply(api, 'POST', '/v1/connections/conn_1/rotate', apiError('unauthorized', 'Invalid token.'), {status: 401}),
    })
    assert.equal(denied.code, 3, denied.stderr)
    assert.equal(denied.stderr, 'Error: Invalid token.\nCheck the token: run `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN.\n')
    const missing = await runCommand(DbConnectionsRotate, ['conn_404', '--yes', '-o', 'url'], {
      stub: (api) => reply(api, 'POST', '/v1/connections/conn_404/rotate', apiError('not-found', 'Connection not found.'), {status: 404}),
    })
    assert.equal(missing.code, 4, missing.stderr)
    assert.equal(missing.stdout, '')
    assert.equal(missing.stderr, 'Error: Connection not found.\nCheck the id; the `list` commands show what exists.\n')
    const busy = await runCommand(DbConnectionsRotate, ['conn_1', '--yes', '--json'], {
      stub: (api) => reply(api, 'POST', '/v1/connections/conn_1/rotate', apiError('conflict', 'A rotation is already in progress.'), {status: 409}),
    })
    assert.equal(busy.code, 5, busy.stderr)
    assert.equal(busy.stderr, 'Error: A rotation is already in progress.\n')
    assert.deepEqual(parseJson(busy.stdout), {error: {code: 'conflict', message: 'A rotation is already in progress.', status: 409}})
    let sent: ReturnType<typeof reply> = []
    const down = await runCommand(DbConnectionsRotate, ['conn_1', '--yes'], {
      stub(api) {
        sent = reply(api, 'POST', '/v1/connections/conn_1/rotate', apiError('unavailable', 'Service unavailable.'), {status: 503})
      },
    })
    assert.equal(down.code, 6, down.stderr)
    assert.equal(down.stderr, UNAVAILABLE)
    assert.equal(sent.length, 1, 'one POST')
  })

  it('usage errors: no connection id, an unknown -o, an unknown --endpoint, --json with -o yaml (no request)', async () => {
    const missing = await runCommand(DbConnectionsRotate, [])
    assert.equal(missing.code, 2, missing.stderr)
    assert.match(missing.stderr, /^Error: Missing 1 required arg:\nconn-id {2}Connection id \(see `db connections list`\)\n/, missing.stderr)
    const output = await runCommand(DbConnectionsRotate, ['conn_1', '--yes', '-o', 'dotenv'])
    assert.equal(output.code, 2, output.stderr)
    assert.match(output.stderr, /^Error: Expected --output=dotenv to be one of: table, json, yaml, csv, url, env\n/, output.stderr)
    const endpoint = await runCommand(DbConnectionsRotate, ['conn_1', '--yes', '--endpoint', 'replica'])
    assert.equal(endpoint.code, 2, endpoint.stderr)
    assert.match(endpoint.stderr, /^Error: Expected --endpoint=replica to be one of: direct, pooled, accelerate\n/, endpoint.stderr)
    const formats = await runCommand(DbConnectionsRotate, ['conn_1', '--yes', '--json', '-o', 'yaml'])
    assert.equal(formats.code, 2, formats.stderr)
    assert.equal(formats.stderr, 'Error: --json and --output yaml ask for different formats.\nPass one of them.\n')
  })
})

describe('db connections delete in process', () => {
  const get = (api: Api) => reply(api, 'GET', '/v1/connections/conn_1', {data: connection(1)})
  const QUESTION = 'This deletes connection app-1 (conn_1) for good. Type its name to confirm:'

  it('--yes deletes at once', async () => {
    let deleted: ReturnType<typeof reply> = []
    const result = await runCommand(DbConnectionsDelete, ['conn_1', '--yes'], {
      stub(api) {
        get(api)
        deleted = reply(api, 'DELETE', '/v1/connections/conn_1', undefined, {status: 204})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, 'Deleted connection app-1 (conn_1).\n')
    assert.equal(deleted.length, 1, 'one DELETE')
  })

  it('on a terminal: the right name deletes; -y --json says what was deleted', async () => {
    const asked = await runCommand(DbConnectionsDelete, ['conn_1'], {
      tty: true,
      env: {NO_COLOR: '1'},
      answers: {confirmName: ['app-1']},
      stub(api) {
        get(api)
        reply(api, 'DELETE', '/v1/connections/conn_1', undefined, {status: 204})
      },
    })
    assert.equal(asked.code, 0, asked.stderr)
    assert.deepEqual(asked.asked, [QUESTION])
    assert.equal(asked.stdout, 'Deleted connection app-1 (conn_1).\n')
    const json = await runCommand(DbConnectionsDelete, ['conn_1', '-y', '--json'], {
      stub(api) {
        get(api)
        reply(api, 'DELETE', '/v1/connections/conn_1', undefined, {status: 204})
      },
    })
    assert.deepEqual(parseJson(json.stdout), {id: 'conn_1', deleted: true})
  })

  it('a wrong name, or no terminal without --yes: exit 2 and no DELETE is sent', async () => {
    const wrong = await runCommand(DbConnectionsDelete, ['conn_1'], {tty: true, env: {NO_COLOR: '1'}, answers: {confirmName: ['app-2']}, stub: get})
    assert.equal(wrong.code, 2, wrong.stderr)
    assert.deepEqual(wrong.asked, [QUESTION])
    assert.equal(wrong.stderr, 'Error: The name did not match; connection conn_1 was not deleted.\n')
    assert.equal(wrong.stdout, '')
    const piped = await runCommand(DbConnectionsDelete, ['conn_1', '--json'], {stub: get})
    assert.equal(piped.code, 2, piped.stderr)
    assert.equal(piped.stderr, 'Error: Refusing to delete connection conn_1 without confirmation.\nPass --yes to delete without a prompt.\n')
    assert.deepEqual(parseJson(piped.stdout), {error: {code: 'usage', message: 'Refusing to delete connection conn_1 without confirmation.'}})
  })

  it('404 is exit 4 before any question; 401 is exit 3; 409 is exit 5; 503 after retries is exit 6', async (t) => {
    fixJitter(t)
    const denied = await runCommand(DbConnectionsDelete, ['conn_1', '--yes'], {
      stub: (api) => reply(api, 'GET', '/v1/connections/conn_1', apiError('unauthorized', 'Invalid token.'), {status: 401}),
    })
    assert.equal(denied.code, 3, denied.stderr)
    assert.equal(denied.stderr, 'Error: Invalid token.\nCheck the token: run `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN.\n')
    const missing = await runCommand(DbConnectionsDelete, ['conn_404'], {
      tty: true,
      env: {NO_COLOR: '1'},
      stub: (api) => reply(api, 'GET', '/v1/connections/conn_404', apiError('not-found', 'Connection not found.'), {status: 404}),
    })
    assert.equal(missing.code, 4, missing.stderr)
    assert.deepEqual(missing.asked, [], 'nothing asked')
    assert.equal(missing.stderr, 'Error: Connection not found.\nCheck the id; the `list` commands show what exists.\n')
    const conflict = await runCommand(DbConnectionsDelete, ['conn_1', '--yes'], {
      stub(api) {
        get(api)
        reply(api, 'DELETE', '/v1/connections/conn_1', apiError('conflict', 'The default connection cannot be deleted.', 'Make another connection the default first.'), {status: 409})
      },
    })
    assert.equal(conflict.code, 5, conflict.stderr)
    assert.equal(conflict.stderr, 'Error: The default connection cannot be deleted.\nHint: Make another connection the default first.\n')
    const down = await runCommand(DbConnectionsDelete, ['conn_1', '--yes'], {
      stub(api) {
        get(api)
        reply(api, 'DELETE', '/v1/connections/conn_1', apiError('unavailable', 'Service unavailable.'), {status: 503, times: 5})
      },
    })
    assert.equal(down.code, 6, down.stderr)
    assert.equal(down.stderr, UNAVAILABLE)
  })

  it('usage errors: no connection id, a bad id (no request)', async () => {
    const missing = await runCommand(DbConnectionsDelete, ['--yes'])
    assert.equal(missing.code, 2, missing.stderr)
    assert.match(missing.stderr, /^Error: Missing 1 required arg:\nconn-id {2}Connection id \(see `db connections list`\)\n/, missing.stderr)
    const bad = await runCommand(DbConnectionsDelete, [' ', '--yes'])
    assert.equal(bad.code, 2, bad.stderr)
    assert.equal(bad.stderr, 'Error: Invalid conn-id argument " ": an id is never empty, blank, "." or "..".\nPass an id as the `list` commands show it.\n')
  })
})
