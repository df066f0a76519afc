import assert from 'node:assert/strict'
import {afterEach, beforeEach, describe, it} from 'node:test'

import {Emulator, parseJson, removeDir, run, tempDir} from './harness.js'

interface ProjectJson {
  id: string
  name: string
  defaultRegion: string | null
  workspace: {id: string; name: string}
  database: null | {
    id: string
    status: string
    region: {id: string}
    connections: {id: string; endpoints: Record<string, {host: string; port: number; connectionString?: string}>}[]
  }
}

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
    assert.equal(dbs.body.data[0].status, 'ready')
    assert.equal(dbs.body.data[0].region.id, 'us-east-1')
    assert.match(result.stdout, new RegExp(`│ ID\\s+│ ${project.id}\\s+│`))
    assert.match(result.stdout, /│ NAME\s+│ shop\s+│/)
    assert.match(result.stdout, /│ REGION\s+│ us-east-1\s+│/)
    assert.match(result.stdout, new RegExp(`Database \\S+ \\(${dbs.body.data[0].id}\\) in us-east-1: ready`))
    assert.match(result.stdout, /Direct connection\n┌/)
    const direct = /│ Connection string │ (postgres(?:ql)?:\/\/(\S+?):(\S+?)@(\S+?):(\d+)\/(\S+?)) +│/.exec(result.stdout)
    assert.ok(direct, `a direct connection string is shown:\n${result.stdout}`)
    const [, , user, password, host, port] = direct
    assert.match(result.stdout, new RegExp(`│ Host\\s+│ ${host.replaceAll('.', '\\.')}\\s+│`))
    assert.match(result.stdout, new RegExp(`│ Port\\s+│ ${port}\\s+│`))
    assert.match(result.stdout, new RegExp(`│ User\\s+│ ${decodeURIComponent(user)}\\s+│`))
    assert.ok(result.stdout.includes(`│ Password          │ ${decodeURIComponent(password)}`))
    assert.match(result.stdout, /These secrets are shown only once\. Store them now\./)
    // Piped output carries no ANSI codes.
    assert.ok(!result.stdout.includes('\u001b['), 'no ANSI escape codes')
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
    assert.equal(result.code, 2)
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
    const lines = table.stdout.trimEnd().split('\n')
    assert.match(lines[1], /^│ ID\s+│ NAME\s+│ WORKSPACE\s+│ REGION\s+│ CREATED\s+│$/)
    assert.equal(lines.filter((l) => /^│ \S/.test(l)).length, 131)
    assert.ok(table.stdout.includes('bulk-129'))
  })

  it('projects show prints one project; an unknown id is exit 4 with the API\'s message', async () => {
    const created = parseJson<ProjectJson>(await run(['projects', 'create', '--name', 'show-me', '--no-database', '--json'], {env: env(), emulator}))
    const shown = await run(['projects', 'show', created.id], {env: env(), emulator})
    assert.equal(shown.code, 0, shown.stderr)
    assert.match(shown.stdout, new RegExp(`│ ID\\s+│ ${created.id} +│`))
    assert.match(shown.stdout, /│ NAME\s+│ show-me +│/)
    const asJson = parseJson<ProjectJson>(await run(['projects', 'show', created.id, '--json'], {env: env(), emulator}))
    assert.equal(asJson.id, created.id)

    const missing = await run(['projects', 'show', 'nope/../x?y'], {env: env(), emulator})
    assert.equal(missing.code, 4)
    assert.match(missing.stderr, /^Error: /)
    const requests = (await emulator.call<{data: {path: string}[]}>('GET', '/__emulator/requests')).body.data
    assert.ok(requests.some((r) => r.path === '/v1/projects/nope%2F..%2Fx%3Fy'), 'the id is URL-encoded')
    const missingJson = await run(['projects', 'show', 'nope', '--json'], {env: env(), emulator})
    assert.equal(missingJson.code, 4)
    const error = parseJson<{error: {code: string; message: string; status: number}}>(missingJson)
    assert.equal(error.error.status, 404)
    assert.equal(typeof error.error.code, 'string')
  })

  it('projects rename changes the name through PATCH', async () => {
    const created = parseJson<ProjectJson>(await run(['projects', 'create', '--name', 'old-name', '--no-database', '--json'], {env: env(), emulator}))
    const renamed = await run(['projects', 'rename', created.id, '--name', 'new-name'], {env: env(), emulator})
    assert.equal(renamed.code, 0, renamed.stderr)
    assert.equal(renamed.stdout.split('\n')[0], `Renamed project ${created.id} to "new-name".`)
    const fetched = await emulator.call<{data: {name: string}}>('GET', `/v1/projects/${created.id}`)
    assert.equal(fetched.body.data.name, 'new-name')
    const missingName = await run(['projects', 'rename', created.id], {env: env(), emulator})
    assert.equal(missingName.code, 2)
    assert.match(missingName.stderr, /--name/)
  })

  it('projects delete off a terminal needs --yes: without it nothing is deleted (exit 2)', async () => {
    const created = parseJson<ProjectJson>(await run(['projects', 'create', '--name', 'doomed', '--json'], {env: env(), emulator}))
    const refused = await run(['projects', 'delete', created.id], {env: env(), emulator})
    assert.equal(refused.code, 2)
    assert.equal(refused.stderr, `Error: Refusing to delete project ${created.id} without confirmation.\nPass --yes to delete without a prompt.\n`)
    assert.equal((await emulator.call('GET', `/v1/projects/${created.id}`)).status, 200)

    const deleted = await run(['projects', 'delete', created.id, '--yes'], {env: env(), emulator})
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.equal(deleted.stdout, `Deleted project doomed (${created.id}).\n`)
    assert.equal((await emulator.call('GET', `/v1/projects/${created.id}`)).status, 404)
    assert.equal((await emulator.call('GET', `/v1/databases/${created.database!.id}`)).status, 404)
  })
})
