import assert from 'node:assert/strict'
import {afterEach, beforeEach, describe, it} from 'node:test'

import {assertEndpointRow, CREATED_ENDPOINT_COLUMNS, Emulator, parseJson, removeDir, run, tempDir, tsv, tsvHeader} from './harness.js'

interface ProjectJson {
  id: string
  name: string
  createdAt: string
  defaultRegion: string | null
  workspace: {id: string; name: string}
  database: null | {
    id: string
    status: string
    region: {id: string}
    connections: {id: string; endpoints: Record<string, {host: string; port: number; connectionString?: string}>}[]
  }
}

const PROJECT_COLUMNS = ['ID', 'NAME', 'WORKSPACE', 'REGION', 'CREATED']

/** A project as its tab-separated row shows it. */
const projectRow = (p: ProjectJson) => ({ID: p.id, NAME: p.name, WORKSPACE: p.workspace.name, REGION: p.defaultRegion ?? '', CREATED: p.createdAt})

describe('projects', () => {
  let emulator: Emulator
  let home: string
  const env = () => emulator.env(home)

  // A fresh emulator per test: none depends on what another created.
  beforeEach(async () => {
    emulator = await Emulator.start(['--databases', 'none', '--provision-delay-ms', '300'])
    home = await tempDir()
  })
  afterEach(async () => {
    await emulator.stop()
    await removeDir(home)
  })

  it('projects create --region us-east-1 waits for ready and prints every connection detail', async () => {
    const result = await run(['projects', 'create', '--name', 'shop', '--region', 'us-east-1'], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    // No spinner off a TTY: stderr stays empty.
    assert.equal(result.stderr, '')
    const listed = await emulator.call<{data: {id: string; name: string}[]}>('GET', '/v1/projects')
    const project = listed.body.data.find((p) => p.name === 'shop')!
    assert.ok(project, 'the emulator has the project')
    const dbs = await emulator.call<{data: {id: string; status: string; region: {id: string}}[]}>('GET', `/v1/projects/${project.id}/databases`)
    assert.equal(dbs.body.data.length, 1, `databases of the project: ${JSON.stringify(dbs.body.data)}`)
    assert.equal(dbs.body.data[0].status, 'ready', `status: ${JSON.stringify(dbs.body.data[0])}`)
    assert.equal(dbs.body.data[0].region.id, 'us-east-1', `region: ${JSON.stringify(dbs.body.data[0])}`)
    const connections = (await emulator.call<{data: {id: string; endpoints: Record<string, {host: string; port: number}>}[]}>('GET', `/v1/databases/${dbs.body.data[0].id}/connections`)).body.data
    assert.equal(connections.length, 1, `connections of the new database: ${JSON.stringify(connections)}`)
    const [connection] = connections
    // Piped: one tab-separated row per endpoint, led by the project's and the database's ids.
    assert.deepEqual(tsvHeader(result.stdout), CREATED_ENDPOINT_COLUMNS, `header line: ${result.stdout}`)
    const rows = tsv(result.stdout)
    const endpoints = ['direct', 'pooled', 'accelerate'].filter((name) => connection.endpoints[name])
    assert.deepEqual(rows.map((row) => row.ENDPOINT), endpoints, `one row per endpoint: ${result.stdout}`)
    assert.equal(rows[0].ENDPOINT, 'direct', `a direct endpoint first: ${result.stdout}`)
    for (const row of rows) {
      assert.deepEqual([row.PROJECT, row.DATABASE, row.CONNECTION], [project.id, dbs.body.data[0].id, connection.id], `ids of the ${row.ENDPOINT} row: ${result.stdout}`)
      assert.deepEqual([row.HOST, row.PORT], [connection.endpoints[row.ENDPOINT].host, String(connection.endpoints[row.ENDPOINT].port)], `host and port of the ${row.ENDPOINT} row: ${result.stdout}`)
      assertEndpointRow(row, result.stdout)
    }
    // Piped output carries no ANSI codes and no box drawing.
    assert.ok(!result.stdout.includes('\u001b['), 'no ANSI escape codes')
    assert.doesNotMatch(result.stdout, /[┌│└─]/, 'no box drawing')
  })

  it('projects create --no-database piped prints the project as one tab-separated row', async () => {
    const result = await run(['projects', 'create', '--name', 'bare', '--no-database'], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stderr, '', 'nothing on stderr off a terminal')
    const listed = await emulator.call<{data: ProjectJson[]}>('GET', '/v1/projects')
    const project = listed.body.data.find((p) => p.name === 'bare')
    assert.ok(project, `the emulator has no project named bare: ${JSON.stringify(listed.body.data.map((p) => p.name))}`)
    assert.deepEqual(tsvHeader(result.stdout), PROJECT_COLUMNS, `header line: ${result.stdout}`)
    assert.deepEqual(tsv(result.stdout), [projectRow(project)], `the one row: ${result.stdout}`)
  })

  it('projects create --json is one document: the API object with secrets, status ready', async () => {
    const result = await run(['projects', 'create', '--region', 'eu-central-1', '--json'], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stderr, '')
    const project = parseJson<ProjectJson>(result)
    assert.match(project.name, /^project-\d{8}-\d{6}$/)
    assert.equal(project.database!.status, 'ready')
    assert.equal(project.database!.region.id, 'eu-central-1')
    assert.match(project.database!.connections[0].endpoints.direct.connectionString!, /^postgres(ql)?:\/\/[^:]+:[^@]+@/)
  })

  it('projects create --no-database and --no-wait', async () => {
    const noDb = await run(['projects', 'create', '--name', 'empty', '--no-database', '--json'], {env: env(), emulator})
    assert.equal(noDb.code, 0, noDb.stderr)
    assert.equal(parseJson<ProjectJson>(noDb).database, null)
    const received = await emulator.call<{data: {method: string; path: string; body: unknown}[]}>('GET', '/__emulator/requests')
    const post = received.body.data.filter((r) => r.method === 'POST' && r.path === '/v1/projects').at(-1)!
    assert.deepEqual(post.body, {name: 'empty', createDatabase: false})

    const noWait = await run(['projects', 'create', '--name', 'hurry', '--no-wait', '--json'], {env: env(), emulator})
    assert.equal(noWait.code, 0, noWait.stderr)
    assert.equal(parseJson<ProjectJson>(noWait).database!.status, 'provisioning')
  })

  it('projects create without --region off a terminal uses us-east-1 and sends the default name', async () => {
    await emulator.call('DELETE', '/__emulator/requests')
    const result = await run(['projects', 'create', '--json'], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    const received = await emulator.call<{data: {method: string; path: string; body: {name: string; region: string}; headers: Record<string, string>}[]}>('GET', '/__emulator/requests')
    const post = received.body.data.find((r) => r.method === 'POST' && r.path === '/v1/projects')!
    assert.equal(post.body.region, 'us-east-1')
    assert.match(post.body.name, /^project-\d{8}-\d{6}$/)
    assert.match(post.headers['user-agent'], /^prisma-mgmt\/\d+\.\d+\.\d+ node\/\d+\.\d+\.\d+ linux$/)
    assert.equal(post.headers.accept, 'application/json')
  })

  it('a bad region is the API\'s 400 as a usage error (exit 2) with its message', async () => {
    const result = await run(['projects', 'create', '--region', 'mars-north-1'], {env: env(), emulator})
    assert.equal(result.code, 2, result.stderr)
    assert.equal(result.stdout, '')
    assert.match(result.stderr, /^Error: .*mars-north-1/)
  })

  it('projects list follows every page past 100 projects; --limit stops early; --json is one array', async () => {
    const existing = (await emulator.call<{data: unknown[]}>('GET', '/v1/projects?limit=100')).body.data.length
    for (let i = existing; i < 130; i++) {
      const created = await emulator.call('POST', '/v1/projects', {name: `bulk-${String(i).padStart(3, '0')}`, createDatabase: false})
      assert.equal(created.status, 201)
    }
    await emulator.call('DELETE', '/__emulator/requests')
    const all = await run(['projects', 'list', '--json'], {env: env(), emulator})
    assert.equal(all.code, 0, all.stderr)
    const projects = parseJson<ProjectJson[]>(all)
    assert.equal(projects.length, 130)
    assert.equal(new Set(projects.map((p) => p.id)).size, 130)
    const pages = (await emulator.call<{data: {path: string}[]}>('GET', '/__emulator/requests')).body.data.filter((r) => r.path.startsWith('/v1/projects'))
    assert.equal(pages.length, 2)

    const limited = await run(['projects', 'list', '--limit', '7', '--json'], {env: env(), emulator})
    assert.equal(parseJson<ProjectJson[]>(limited).length, 7)

    const table = await run(['projects', 'list'], {env: env(), emulator})
    assert.equal(table.code, 0, table.stderr)
    assert.deepEqual(tsvHeader(table.stdout), PROJECT_COLUMNS, `header line: ${table.stdout}`)
    const rows = tsv(table.stdout)
    assert.equal(rows.length, 130, `rows: ${rows.length}`)
    assert.deepEqual(rows, projects.map(projectRow), 'the rows are the --json projects, in order')
    assert.ok(rows.some((row) => row.NAME === 'bulk-129'), 'bulk-129 is listed')
    for (const row of rows) assert.match(row.CREATED, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, `CREATED of ${row.ID}: ${row.CREATED}`)
  })

  it('projects show prints one project; an unknown id is exit 4 with the API\'s message', async () => {
    const created = parseJson<ProjectJson>(await run(['projects', 'create', '--name', 'show-me', '--no-database', '--json'], {env: env(), emulator}))
    const shown = await run(['projects', 'show', created.id], {env: env(), emulator})
    assert.equal(shown.code, 0, shown.stderr)
    const asJson = parseJson<ProjectJson>(await run(['projects', 'show', created.id, '--json'], {env: env(), emulator}))
    assert.equal(asJson.id, created.id, `projects show --json: ${JSON.stringify(asJson)}`)
    assert.deepEqual(tsvHeader(shown.stdout), PROJECT_COLUMNS, `header line: ${shown.stdout}`)
    assert.deepEqual(tsv(shown.stdout), [projectRow(asJson)], `the one row: ${shown.stdout}`)
    assert.equal(tsv(shown.stdout)[0].NAME, 'show-me', `NAME: ${shown.stdout}`)
    const columns = await run(['projects', 'show', created.id, '--columns', 'name,created'], {env: env(), emulator})
    assert.equal(columns.code, 0, columns.stderr)
    assert.equal(columns.stdout, `NAME\tCREATED\nshow-me\t${asJson.createdAt}\n`, 'stdout with --columns name,created')

    const missing = await run(['projects', 'show', 'nope/../x?y'], {env: env(), emulator})
    assert.equal(missing.code, 4, missing.stderr)
    assert.match(missing.stderr, /^Error: /)
    const requests = (await emulator.call<{data: {path: string}[]}>('GET', '/__emulator/requests')).body.data
    assert.ok(requests.some((r) => r.path === '/v1/projects/nope%2F..%2Fx%3Fy'), 'the id is URL-encoded')
    const missingJson = await run(['projects', 'show', 'nope', '--json'], {env: env(), emulator})
    assert.equal(missingJson.code, 4, missingJson.stderr)
    const error = parseJson<{error: {code: string; message: string; status: number}}>(missingJson)
    assert.equal(error.error.status, 404)
    assert.equal(typeof error.error.code, 'string')
  })

  it('projects rename <id> <name> changes the name through PATCH; the hidden --name still does', async () => {
    const created = parseJson<ProjectJson>(await run(['projects', 'create', '--name', 'old-name', '--no-database', '--json'], {env: env(), emulator}))
    await emulator.call('DELETE', '/__emulator/requests')
    const renamed = await run(['projects', 'rename', created.id, 'new-name'], {env: env(), emulator})
    assert.equal(renamed.code, 0, renamed.stderr)
    assert.equal(renamed.stderr, `Renamed project ${created.id} to "new-name".\n`, 'stderr')
    const fetched = await emulator.call<{data: ProjectJson}>('GET', `/v1/projects/${created.id}`)
    assert.equal(fetched.body.data.name, 'new-name', `the project after the rename: ${JSON.stringify(fetched.body.data)}`)
    // stdout: the renamed project's record.
    assert.deepEqual(tsvHeader(renamed.stdout), PROJECT_COLUMNS, `header line: ${renamed.stdout}`)
    assert.deepEqual(tsv(renamed.stdout), [projectRow(fetched.body.data)], `the one row: ${renamed.stdout}`)
    const requests = (await emulator.call<{data: {method: string; path: string; body: unknown}[]}>('GET', '/__emulator/requests')).body.data
    const patches = requests.filter((r) => r.method === 'PATCH')
    assert.deepEqual(patches.map((r) => [r.path, r.body]), [[`/v1/projects/${created.id}`, {name: 'new-name'}]], `PATCH requests: ${JSON.stringify(requests)}`)
    const missingName = await run(['projects', 'rename', created.id], {env: env(), emulator})
    assert.equal(missingName.code, 2, missingName.stderr)
    assert.equal(missingName.stderr, 'Error: Missing the new name (the name argument).\nPass it after the project id: prisma-mgmt projects rename <id> <name>.\n')

    const byFlag = await run(['projects', 'rename', created.id, '--name', 'flag-name', '--json'], {env: env(), emulator})
    assert.equal(byFlag.code, 0, byFlag.stderr)
    assert.equal(parseJson<ProjectJson>(byFlag).name, 'flag-name')
    assert.equal((await emulator.call<{data: ProjectJson}>('GET', `/v1/projects/${created.id}`)).body.data.name, 'flag-name')
    const help = await run(['projects', 'rename', '--help'])
    // One form, its name required: the usage line and the arguments show NAME without brackets.
    assert.match(help.stdout, /^ {2}\$ prisma-mgmt projects rename ID NAME \[/m, help.stdout)
    assert.match(help.stdout, /^ARGUMENTS\n {2}ID {4}Project id\n {2}NAME {2}The new name\n/m, help.stdout)
    assert.ok(!help.stdout.includes('--name'), `the hidden flag is not in the help:\n${help.stdout}`)
  })

  it('projects delete off a terminal needs --yes: without it nothing is deleted (exit 2)', async () => {
    const created = parseJson<ProjectJson>(await run(['projects', 'create', '--name', 'doomed', '--json'], {env: env(), emulator}))
    const refused = await run(['projects', 'delete', created.id], {env: env(), emulator})
    assert.equal(refused.code, 2, refused.stderr)
    assert.equal(refused.stderr, `Error: Refusing to delete project ${created.id} without confirmation.\nPass --yes to delete without a prompt.\n`)
    assert.equal((await emulator.call('GET', `/v1/projects/${created.id}`)).status, 200)

    const deleted = await run(['projects', 'delete', created.id, '--yes'], {env: env(), emulator})
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.equal(deleted.stdout, `Deleted project doomed (${created.id}).\n`)
    assert.equal((await emulator.call('GET', `/v1/projects/${created.id}`)).status, 404)
    assert.equal((await emulator.call('GET', `/v1/databases/${created.database!.id}`)).status, 404)
  })
})
