import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import DbCreate from '../../../src/commands/db/create.js'
import ProjectsCreate from '../../../src/commands/projects/create.js'
import type {Choice} from '../../../src/io/prompts.js'
import {createdDatabase, createdProject, directUrl, endpointTables, pooledUrl, regions} from '../fixtures.js'
import {apiError, fixJitter, parseJson, reply, runCommand} from '../run-command.js'

type Api = Parameters<typeof reply>[0]

const NAME = 'project-20261129-102030'
const DIRECT = directUrl('first-pass')
const POOLED = pooledUrl('first-pass')
const ENDPOINT_HEADER = 'PROJECT\tDATABASE\tCONNECTION\tENDPOINT\tCONNECTION STRING\tHOST\tPORT\tUSER\tPASSWORD\tDATABASE NAME\n'
const ENDPOINT_ROWS =
  `proj_9\tdb_9\tconn_9\tdirect\t${DIRECT}\tdb.example.test\t5432\tu_9\tfirst-pass\tpostgres\n` +
  `proj_9\tdb_9\tconn_9\tpooled\t${POOLED}\tpool.example.test\t6543\tu_9\tfirst-pass\tpostgres\n`
const UNAVAILABLE = {code: 'unavailable', message: 'Service unavailable.'}
const withRegions = [...regions, {id: 'ap-southeast-1', type: 'region', name: 'Asia Pacific (Singapore)', status: 'unavailable'}]

/** The database as GET /v1/databases/db_9 answers while it is polled. */
const polled = (status: string) => ({data: {...createdDatabase('provisioning'), status}})

/** Polls answering each status in turn. */
function polls(api: Api, ...statuses: string[]): void {
  for (const status of statuses) reply(api, 'GET', '/v1/databases/db_9', polled(status))
}

/** What a spinner left on a terminal's stderr, as lines: frames are separated by carriage returns, colour removed. */
function spinnerLines(stderr: string): string[] {
  // eslint-disable-next-line no-control-regex -- removing the spinner's own escape sequences
  return stderr.replaceAll(/\u001b\[[0-9;?]*[a-zA-Z]/g, '').split(/[\r\n]+/).filter(Boolean)
}

/** The database block a terminal shows after creating, with the status given. */
function databaseBlock(status: string): string {
  return [
    `Database main (db_9) in us-east-1: ${status}`,
    '',
    'Connection default (conn_9)',
    '',
    ...endpointTables('first-pass'),
    '',
    'These secrets are shown only once. Store them now.',
    '',
  ].join('\n')
}

const PROJECT_RECORD = [
  '┌───────────┬─────────────────────────┐',
  '│ ID        │ proj_9                  │',
  `│ NAME      │ ${NAME} │`,
  '│ WORKSPACE │ Acme                    │',
  '│ REGION    │ us-east-1               │',
  '│ CREATED   │ 2026-11-28 09:58        │',
  '└───────────┴─────────────────────────┘',
  '',
].join('\n')

describe('projects create in process', () => {
  it('--no-wait off a terminal: the default name from the clock, us-east-1, one POST, a row per endpoint', async () => {
    let posts: ReturnType<typeof reply> = []
    const result = await runCommand(ProjectsCreate, ['--no-wait'], {
      stub(api) {
        posts = reply(api, 'POST', '/v1/projects', {data: createdProject('provisioning')}, {status: 201})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(posts[0].body, {name: NAME, createDatabase: true, region: 'us-east-1'})
    assert.equal(result.stdout, ENDPOINT_HEADER + ENDPOINT_ROWS)
    assert.equal(result.stderr, '', 'no spinner off a terminal')
  })

  it('on a terminal: a region to choose, a spinner while it polls provisioning then ready, the project and its secrets', async () => {
    let offered: Choice<unknown>[] = []
    let posts: ReturnType<typeof reply> = []
    const result = await runCommand(ProjectsCreate, [], {
      tty: true,
      env: {NO_COLOR: '1'},
      answers: {
        choose: [
          (choices) => {
            offered = [...choices]
            return choices[1].value
          },
        ],
      },
      stub(api) {
        reply(api, 'GET', '/v1/regions/postgres', {data: withRegions})
        posts = reply(api, 'POST', '/v1/projects', {data: createdProject('provisioning')}, {status: 201})
        polls(api, 'provisioning', 'ready')
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(result.asked, ['Region for the database'])
    assert.deepEqual(
      offered.map((c) => [c.name, c.value, c.disabled]),
      [
        ['us-east-1       US East (N. Virginia)', 'us-east-1', false],
        ['eu-west-3       Europe (Paris)', 'eu-west-3', false],
        ['ap-southeast-1  Asia Pacific (Singapore)  (unavailable)', 'ap-southeast-1', '(unavailable)'],
      ],
    )
    assert.deepEqual(posts[0].body, {name: NAME, createDatabase: true, region: 'eu-west-3'})
    assert.equal(result.stdout, `${PROJECT_RECORD}\n${databaseBlock('ready')}`)
    const lines = spinnerLines(result.stderr)
    // The frame depends on the terminal's Unicode support (CI has none): compare the text after it.
    assert.ok(lines.some((line) => line.slice(2) === `Creating project ${NAME} in eu-west-3`), `the spinner started: ${JSON.stringify(lines)}`)
    assert.equal(lines.at(-1), `✔ Created project ${NAME} (proj_9); database ready`, `the spinner's last line: ${JSON.stringify(lines)}`)
  })

  it('--json: the API object with the status it waited for, secrets included; nothing on stderr', async () => {
    let posts: ReturnType<typeof reply> = []
    const result = await runCommand(ProjectsCreate, ['--json', '--name', 'billing', '--region', 'eu-west-3', '--workspace', 'ws_2'], {
      tty: true,
      stub(api) {
        reply(api, 'GET', '/v1/regions/postgres', {data: regions})
        posts = reply(api, 'POST', '/v1/projects', {data: createdProject('provisioning', 'billing')}, {status: 201})
        polls(api, 'provisioning', 'ready')
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(posts[0].body, {name: 'billing', createDatabase: true, region: 'eu-west-3', workspaceId: 'ws_2'})
    const created = createdProject('provisioning', 'billing')
    assert.deepEqual(parseJson(result.stdout), {...created, database: {...created.database, status: 'ready'}})
    assert.equal(result.stderr, '', 'no spinner with --json')
  })

  it('-o yaml: the same object; -o csv: a row per endpoint', async () => {
    const stub = (api: Api) => reply(api, 'POST', '/v1/projects', {data: createdProject('ready')}, {status: 201})
    const yaml = await runCommand(ProjectsCreate, ['-o', 'yaml'], {stub})
    assert.equal(yaml.code, 0, yaml.stderr)
    assert.deepEqual(parseYaml(yaml.stdout), createdProject('ready'))
    const csv = await runCommand(ProjectsCreate, ['-o', 'csv'], {stub})
    assert.equal(csv.stdout, (ENDPOINT_HEADER + ENDPOINT_ROWS).replaceAll('\t', ',').replaceAll('\n', '\r\n'))
  })

  it('--no-database: no region, no wait; the project alone', async () => {
    let posts: ReturnType<typeof reply> = []
    const {database: _database, ...bare} = createdProject('ready')
    const result = await runCommand(ProjectsCreate, ['--no-database', '--name', 'empty'], {
      tty: true,
      env: {NO_COLOR: '1'},
      stub(api) {
        posts = reply(api, 'POST', '/v1/projects', {data: {...bare, name: 'empty', database: null}}, {status: 201})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(result.asked, [], 'no region to choose without a database')
    assert.deepEqual(posts[0].body, {name: 'empty', createDatabase: false})
    assert.equal(
      result.stdout,
      [
        '┌───────────┬──────────────────┐',
        '│ ID        │ proj_9           │',
        '│ NAME      │ empty            │',
        '│ WORKSPACE │ Acme             │',
        '│ REGION    │ us-east-1        │',
        '│ CREATED   │ 2026-11-28 09:58 │',
        '└───────────┴──────────────────┘',
        '',
      ].join('\n'),
    )
    assert.equal(spinnerLines(result.stderr).at(-1), '✔ Created project empty (proj_9)')
  })

  it('--region mars-1 is refused before the POST, naming the valid regions; an unavailable region too', async () => {
    const mars = await runCommand(ProjectsCreate, ['--region', 'mars-1'], {stub: (api) => reply(api, 'GET', '/v1/regions/postgres', {data: withRegions})})
    assert.equal(mars.code, 2, mars.stderr)
    assert.equal(mars.stdout, '')
    assert.equal(mars.stderr, 'Error: Unknown region "mars-1".\nValid regions: us-east-1, eu-west-3 (see `prisma-mgmt regions list`).\n')
    const closed = await runCommand(ProjectsCreate, ['--region', 'ap-southeast-1', '--json'], {
      stub: (api) => reply(api, 'GET', '/v1/regions/postgres', {data: withRegions}),
    })
    assert.equal(closed.code, 2, closed.stderr)
    assert.equal(closed.stderr, 'Error: Region ap-southeast-1 is unavailable.\nAvailable regions: us-east-1, eu-west-3.\n')
    assert.deepEqual(parseJson(closed.stdout), {error: {code: 'usage', message: 'Region ap-southeast-1 is unavailable.'}})
  })

  it('a poll that fails (503 after retries): the created project and its secrets are printed, then the error; exit 6', async (t) => {
    fixJitter(t)
    // A terminal in CI: no region question (us-east-1), but a spinner.
    const result = await runCommand(ProjectsCreate, [], {
      tty: true,
      env: {NO_COLOR: '1', CI: '1'},
      stub(api) {
        reply(api, 'POST', '/v1/projects', {data: createdProject('provisioning')}, {status: 201})
        reply(api, 'GET', '/v1/databases/db_9', {error: UNAVAILABLE}, {status: 503, times: 5})
      },
    })
    assert.equal(result.code, 6, result.stderr)
    assert.deepEqual(result.asked, [])
    assert.equal(result.stdout, `${PROJECT_RECORD}\n${databaseBlock('provisioning')}`)
    const lines = spinnerLines(result.stderr)
    assert.deepEqual(
      lines.slice(-2),
      ['Error: Waiting for database db_9 failed: Service unavailable.', 'It was created all the same (shown above); check it with `prisma-mgmt db show db_9`.'],
      `stderr ends with the error: ${JSON.stringify(lines)}`,
    )
    assert.ok(!result.stderr.includes('try again'), 'never advises to try again: that would create a second project')
  })

  it('a poll that fails with --json: one document, the created object and an error member', async (t) => {
    fixJitter(t)
    const result = await runCommand(ProjectsCreate, ['--json'], {
      stub(api) {
        reply(api, 'POST', '/v1/projects', {data: createdProject('provisioning')}, {status: 201})
        polls(api, 'provisioning')
        reply(api, 'GET', '/v1/databases/db_9', {error: UNAVAILABLE}, {status: 503, times: 5})
      },
    })
    assert.equal(result.code, 6, result.stderr)
    assert.deepEqual(parseJson(result.stdout), {
      ...createdProject('provisioning'),
      error: {code: 'unavailable', message: 'Waiting for database db_9 failed: Service unavailable.', status: 503},
    })
    assert.equal(result.stderr, 'Error: Waiting for database db_9 failed: Service unavailable.\nIt was created all the same; check it with `prisma-mgmt db show db_9`.\n')
  })

  it('a database that ends in failure: exit 1, the created object still delivered', async () => {
    const result = await runCommand(ProjectsCreate, ['--json'], {
      stub(api) {
        reply(api, 'POST', '/v1/projects', {data: createdProject('provisioning')}, {status: 201})
        polls(api, 'provisioning', 'failure')
      },
    })
    assert.equal(result.code, 1, result.stderr)
    const created = createdProject('provisioning')
    assert.deepEqual(parseJson(result.stdout), {
      ...created,
      database: {...created.database, status: 'failure'},
      error: {code: 'provisioning', message: 'Database db_9 failed to provision.'},
    })
    assert.equal(result.stderr, 'Error: Database db_9 failed to provision.\nIt was created all the same; check it with `prisma-mgmt db show db_9`.\n')
  })

  it('409 on the POST is exit 5; 401 is exit 3; a 503 on the POST is not repeated: exit 6', async () => {
    const taken = await runCommand(ProjectsCreate, ['--name', 'shop', '--no-wait'], {
      stub: (api) => reply(api, 'POST', '/v1/projects', apiError('conflict', 'A project named shop exists.'), {status: 409}),
    })
    assert.equal(taken.code, 5, taken.stderr)
    assert.equal(taken.stderr, 'Error: A project named shop exists.\n')
    assert.equal(taken.stdout, '')
    const denied = await runCommand(ProjectsCreate, ['--json'], {stub: (api) => reply(api, 'POST', '/v1/projects', apiError('unauthorized', 'Invalid token.'), {status: 401})})
    assert.equal(denied.code, 3, denied.stderr)
    assert.deepEqual(parseJson(denied.stdout), {error: {code: 'unauthorized', message: 'Invalid token.', status: 401}})
    let posts: ReturnType<typeof reply> = []
    const down = await runCommand(ProjectsCreate, [], {
      stub(api) {
        posts = reply(api, 'POST', '/v1/projects', {error: UNAVAILABLE}, {status: 503})
      },
    })
    assert.equal(down.code, 6, down.stderr)
    assert.equal(down.stderr, 'Error: Service unavailable.\nThe API is unavailable or busy; try again in a moment.\n')
    assert.equal(posts.length, 1, 'one POST')
  })

  it('usage errors: an empty --name or --region, --wait-timeout 0, --json with -o yaml (no request)', async () => {
    const name = await runCommand(ProjectsCreate, ['--name', ' '])
    assert.equal(name.code, 2, name.stderr)
    assert.equal(name.stderr, 'Error: The --name flag is empty.\nPass a name, or leave --name out for a generated one.\n')
    const region = await runCommand(ProjectsCreate, ['--region', ''])
    assert.equal(region.code, 2, region.stderr)
    assert.equal(region.stderr, 'Error: The --region flag is empty.\nPass a region id such as us-east-1 (see `prisma-mgmt regions list`).\n')
    const timeout = await runCommand(ProjectsCreate, ['--wait-timeout', '0'])
    assert.equal(timeout.code, 2, timeout.stderr)
    assert.match(timeout.stderr, /^Error: Parsing --wait-timeout \nExpected an integer greater than or equal to 1 but received: 0\n/, timeout.stderr)
    const formats = await runCommand(ProjectsCreate, ['--json', '-o', 'yaml'])
    assert.equal(formats.code, 2, formats.stderr)
    assert.equal(formats.stderr, 'Error: --json and --output yaml ask for different formats.\nPass one of them.\n')
  })
})

describe('db create in process', () => {
  const POST = '/v1/projects/proj_9/databases'

  it('--no-wait off a terminal: an empty body (the API chooses), one POST, a row per endpoint', async () => {
    let posts: ReturnType<typeof reply> = []
    const result = await runCommand(DbCreate, ['--project', 'proj_9', '--no-wait'], {
      stub(api) {
        posts = reply(api, 'POST', POST, {data: createdDatabase('provisioning')}, {status: 201})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(posts[0].body, {})
    assert.equal(result.stdout, ENDPOINT_HEADER + ENDPOINT_ROWS)
    assert.equal(result.stderr, '')
  })

  it('on a terminal: the region checked, a spinner while it polls provisioning then ready, the database and its secrets', async () => {
    let posts: ReturnType<typeof reply> = []
    const result = await runCommand(DbCreate, ['--project', 'proj_9', '--name', 'analytics', '--region', 'eu-west-3', '--default'], {
      tty: true,
      env: {NO_COLOR: '1'},
      stub(api) {
        reply(api, 'GET', '/v1/regions/postgres', {data: regions})
        posts = reply(api, 'POST', POST, {data: createdDatabase('provisioning')}, {status: 201})
        polls(api, 'provisioning', 'ready')
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(posts[0].body, {name: 'analytics', region: 'eu-west-3', isDefault: true})
    assert.equal(result.stdout, databaseBlock('ready'))
    const lines = spinnerLines(result.stderr)
    assert.ok(lines.some((line) => line.slice(2) === 'Creating a database in project proj_9'), `the spinner started: ${JSON.stringify(lines)}`)
    assert.equal(lines.at(-1), '✔ Created database main (db_9); ready', `the spinner's last line: ${JSON.stringify(lines)}`)
  })

  it('--json: the API object with the status it waited for; -o yaml the same; -o csv a row per endpoint', async () => {
    const stub = (api: Api) => {
      reply(api, 'POST', POST, {data: createdDatabase('provisioning')}, {status: 201})
      polls(api, 'ready')
    }
    const json = await runCommand(DbCreate, ['--project', 'proj_9', '--json'], {stub})
    assert.equal(json.code, 0, json.stderr)
    assert.deepEqual(parseJson(json.stdout), {...createdDatabase('provisioning'), status: 'ready'})
    assert.equal(json.stderr, '')
    const yaml = await runCommand(DbCreate, ['--project', 'proj_9', '-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), {...createdDatabase('provisioning'), status: 'ready'})
    const csv = await runCommand(DbCreate, ['--project', 'proj_9', '-o', 'csv'], {stub})
    assert.equal(csv.stdout, (ENDPOINT_HEADER + ENDPOINT_ROWS).replaceAll('\t', ',').replaceAll('\n', '\r\n'))
  })

  it('--region inherit is the API\'s word: sent without a check', async () => {
    let posts: ReturnType<typeof reply> = []
    const result = await runCommand(DbCreate, ['--project', 'proj_9', '--region', 'inherit', '--no-wait', '--json'], {
      stub(api) {
        posts = reply(api, 'POST', POST, {data: createdDatabase('provisioning')}, {status: 201})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(posts[0].body, {region: 'inherit'})
  })

  it('--region mars-1 is refused before the POST', async () => {
    const result = await runCommand(DbCreate, ['--project', 'proj_9', '--region', 'mars-1', '--json'], {
      stub: (api) => reply(api, 'GET', '/v1/regions/postgres', {data: regions}),
    })
    assert.equal(result.code, 2, result.stderr)
    assert.equal(result.stderr, 'Error: Unknown region "mars-1".\nValid regions: us-east-1, eu-west-3 (see `prisma-mgmt regions list`).\n')
    assert.deepEqual(parseJson(result.stdout), {error: {code: 'usage', message: 'Unknown region "mars-1".'}})
  })

  it('a poll that fails (503 after retries): piped, the rows are printed, then the error; --json, the object and an error member', async (t) => {
    fixJitter(t)
    const stub = (api: Api) => {
      reply(api, 'POST', POST, {data: createdDatabase('provisioning')}, {status: 201})
      reply(api, 'GET', '/v1/databases/db_9', {error: UNAVAILABLE}, {status: 503, times: 5})
    }
    const piped = await runCommand(DbCreate, ['--project', 'proj_9'], {stub})
    assert.equal(piped.code, 6, piped.stderr)
    assert.equal(piped.stdout, ENDPOINT_HEADER + ENDPOINT_ROWS)
    assert.equal(
      piped.stderr,
      'Error: Waiting for database db_9 failed: Service unavailable.\nIt was created all the same (shown above); check it with `prisma-mgmt db show db_9`.\n',
    )
    const json = await runCommand(DbCreate, ['--project', 'proj_9', '--json'], {stub})
    assert.equal(json.code, 6, json.stderr)
    assert.deepEqual(parseJson(json.stdout), {
      ...createdDatabase('provisioning'),
      error: {code: 'unavailable', message: 'Waiting for database db_9 failed: Service unavailable.', status: 503},
    })
  })

  it('an unknown project (404 on the POST) is exit 4; 409 is exit 5; 401 is exit 3', async () => {
    const denied = await runCommand(DbCreate, ['--project', 'proj_9'], {stub: (api) => reply(api, 'POST', POST, apiError('unauthorized', 'Invalid token.'), {status: 401})})
    assert.equal(denied.code, 3, denied.stderr)
    assert.equal(denied.stderr, 'Error: Invalid token.\nCheck the token: run `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN.\n')
    assert.equal(denied.stdout, '')
    const missing = await runCommand(DbCreate, ['--project', 'proj_404'], {
      stub: (api) => reply(api, 'POST', '/v1/projects/proj_404/databases', apiError('not-found', 'Project not found.'), {status: 404}),
    })
    assert.equal(missing.code, 4, missing.stderr)
    assert.equal(missing.stderr, 'Error: Project not found.\nCheck the id; the `list` commands show what exists.\n')
    const taken = await runCommand(DbCreate, ['--project', 'proj_9', '--name', 'main'], {
      stub: (api) => reply(api, 'POST', POST, apiError('conflict', 'A database named main exists in this project.'), {status: 409}),
    })
    assert.equal(taken.code, 5, taken.stderr)
    assert.equal(taken.stderr, 'Error: A database named main exists in this project.\n')
  })

  it('usage errors: no --project, an empty --name, --json with -o yaml (no request)', async () => {
    const missing = await runCommand(DbCreate, [])
    assert.equal(missing.code, 2, missing.stderr)
    assert.equal(missing.stderr, 'Error: Missing required flag --project\nSee more help with --help\n')
    const json = await runCommand(DbCreate, ['--json'])
    assert.equal(json.code, 2, json.stderr)
    assert.deepEqual(parseJson(json.stdout), {error: {code: 'usage', message: 'Missing required flag --project'}})
    const name = await runCommand(DbCreate, ['--project', 'proj_9', '--name', ''])
    assert.equal(name.code, 2, name.stderr)
    assert.equal(name.stderr, 'Error: The --name flag is empty.\nPass a name, or leave --name out.\n')
    const formats = await runCommand(DbCreate, ['--project', 'proj_9', '--json', '-o', 'yaml'])
    assert.equal(formats.code, 2, formats.stderr)
    assert.equal(formats.stderr, 'Error: --json and --output yaml ask for different formats.\nPass one of them.\n')
  })
})
