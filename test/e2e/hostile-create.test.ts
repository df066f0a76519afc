// Nothing created is lost: a create interrupted or failing after the API accepted it still
// delivers the ids and one-time connection strings, through the real binary.
import assert from 'node:assert/strict'
import {after, afterEach, before, beforeEach, describe, it} from 'node:test'

import {assertEndpointRow, CREATED_ENDPOINT_COLUMNS, Emulator, eventually, parseJson, removeDir, run, start, tempDir, tsv, tsvHeader, type Started} from './harness.js'
import {Terminal} from './terminal.js'

interface CreatedProjectJson {
  id: string
  name: string
  database: {id: string; status: string; connections: {id: string; endpoints: {direct?: {connectionString?: string}}}[]}
  error?: {code: string; message: string; status?: number}
}

describe('creates that are interrupted or fail after the API accepted them', () => {
  let emulator: Emulator
  let home: string
  const running: Started[] = []
  const env = () => emulator.env(home)
  const requests = () => emulator.requests()
  const faults = (rules: unknown[]) => emulator.call('POST', '/__emulator/faults', rules)
  const polled = async (databaseId?: string) =>
    (await requests()).some((r) => r.method === 'GET' && r.path.startsWith(`/v1/databases/${databaseId ?? ''}`) && r.status !== undefined)
  const projects = async () => (await emulator.call<{data: {id: string; name: string}[]}>('GET', '/v1/projects')).body.data

  before(async () => {
    // Databases stay provisioning for ten minutes: every wait here is one a user gives up on.
    emulator = await Emulator.start(['--databases', 'none', '--provision-delay-ms', '600000'])
  })
  beforeEach(async () => {
    home = await tempDir()
    await emulator.call('DELETE', '/__emulator/faults')
    await emulator.call('DELETE', '/__emulator/requests')
  })
  afterEach(async () => {
    for (const started of running.splice(0)) started.child.kill('SIGKILL')
    await removeDir(home)
  })
  after(async () => {
    await emulator.stop()
  })

  /** Starts a create and sends `signal` once it is polling the new database. */
  async function interruptWhileWaiting(args: string[], signal: NodeJS.Signals) {
    const started = start(args, {env: env(), emulator})
    running.push(started)
    await eventually('the CLI to poll the new database', () => polled())
    started.child.kill(signal)
    return started.done
  }

  it('SIGINT while projects create waits: the project, database and connection string are printed, then exit 130', async () => {
    const result = await interruptWhileWaiting(['projects', 'create', '--name', 'interrupted', '--region', 'eu-west-3'], 'SIGINT')
    assert.equal(result.code, 130, `exit code; stderr: ${result.stderr}`)
    const [project] = (await projects()).filter((p) => p.name === 'interrupted')
    assert.ok(project, 'the emulator has the project')
    const databases = (await emulator.call<{data: {id: string; name: string; status: string; region: {id: string}}[]}>('GET', `/v1/projects/${project.id}/databases`)).body.data
    assert.equal(databases.length, 1, `databases of the project: ${JSON.stringify(databases)}`)
    const [database] = databases
    assert.deepEqual([database.name, database.region.id, database.status], ['interrupted', 'eu-west-3', 'provisioning'], `the database: ${JSON.stringify(database)}`)
    // Piped: the endpoint rows of what was created, with the project's and the database's ids.
    assert.deepEqual(tsvHeader(result.stdout), CREATED_ENDPOINT_COLUMNS, `header line on stdout:\n${result.stdout}`)
    const rows = tsv(result.stdout)
    assert.equal(rows[0]?.ENDPOINT, 'direct', `a direct endpoint row first on stdout:\n${result.stdout}`)
    for (const row of rows) {
      assert.deepEqual([row.PROJECT, row.DATABASE], [project.id, database.id], `project and database ids on stdout:\n${result.stdout}`)
      assertEndpointRow(row, result.stdout)
    }
    assert.match(rows[0]['CONNECTION STRING'], /^postgres:\/\/[^:]+:[^@]+@/, `the one-time connection string on stdout:\n${result.stdout}`)
    assert.equal(
      result.stderr,
      `Error: Interrupted while database ${database.id} was still provisioning.\n` +
        `It was created all the same (shown above); check it with \`prisma-mgmt db show ${database.id}\`.\n`,
      'stderr',
    )
    assert.doesNotMatch(result.stderr + result.stdout, /try again/i, 'never advises creating it again')
    const posts = (await requests()).filter((r) => r.method === 'POST')
    assert.equal(posts.length, 1, `POSTs received: ${posts.length}`)
  })

  it('SIGTERM while projects create --json waits: one JSON document with the project, its secrets, its last status and an error member', async () => {
    const result = await interruptWhileWaiting(['projects', 'create', '--name', 'terminated', '--json'], 'SIGTERM')
    assert.equal(result.code, 143, `128 + SIGTERM; stderr: ${result.stderr}`)
    const document = parseJson<CreatedProjectJson>(result)
    const [project] = (await projects()).filter((p) => p.name === 'terminated')
    assert.equal(document.id, project.id, 'the created project id')
    assert.equal(document.database.status, 'provisioning', 'the last status seen')
    assert.match(document.database.connections[0].endpoints.direct?.connectionString ?? '', /^postgres:\/\/[^:]+:[^@]+@/, 'the one-time string')
    assert.equal(document.error?.code, 'cancelled', `error member: ${JSON.stringify(document.error)}`)
    assert.equal(document.error?.message, `Terminated while database ${document.database.id} was still provisioning.`, 'error message')
    assert.ok(result.stderr.includes(`check it with \`prisma-mgmt db show ${document.database.id}\``), `stderr: ${result.stderr}`)
  })

  it('SIGINT while db create waits: the database and its connection string are printed, then exit 130', async () => {
    const created = await run(['projects', 'create', '--name', 'host', '--no-database', '--json'], {env: env(), emulator})
    assert.equal(created.code, 0, created.stderr)
    const projectId = parseJson<{id: string}>(created).id
    await emulator.call('DELETE', '/__emulator/requests')
    const result = await interruptWhileWaiting(['db', 'create', '--project', projectId, '--name', 'analytics'], 'SIGINT')
    assert.equal(result.code, 130, `exit code; stderr: ${result.stderr}`)
    const databases = (await emulator.call<{data: {id: string; name: string}[]}>('GET', `/v1/projects/${projectId}/databases`)).body.data
    assert.equal(databases.length, 1, 'one database created')
    assert.equal(databases[0].name, 'analytics', `the database: ${JSON.stringify(databases[0])}`)
    assert.deepEqual(tsvHeader(result.stdout), CREATED_ENDPOINT_COLUMNS, `header line on stdout:\n${result.stdout}`)
    const rows = tsv(result.stdout)
    assert.equal(rows[0]?.ENDPOINT, 'direct', `a direct endpoint row first on stdout:\n${result.stdout}`)
    for (const row of rows) {
      assert.deepEqual([row.PROJECT, row.DATABASE], [projectId, databases[0].id], `project and database ids on stdout:\n${result.stdout}`)
      assertEndpointRow(row, result.stdout)
    }
    assert.match(rows[0]['CONNECTION STRING'], /^postgres:\/\/[^:]+:[^@]+@/, `the one-time connection string on stdout:\n${result.stdout}`)
    assert.ok(result.stderr.includes(`prisma-mgmt db show ${databases[0].id}`), `stderr: ${result.stderr}`)
  })

  it('SIGINT while the POST is still on its way: the CLI waits for the answer, delivers it, says the database was still provisioning, exit 130', async () => {
    await faults([{method: 'POST', path: '/v1/projects', status: 201, delayMs: 1500}])
    const started = start(['projects', 'create', '--name', 'slow-post', '--no-wait'], {env: env(), emulator})
    running.push(started)
    await eventually('the POST to reach the emulator', async () => (await requests()).some((r) => r.method === 'POST'))
    started.child.kill('SIGINT')
    const result = await started.done
    assert.equal(result.code, 130, `exit code; stderr: ${result.stderr}`)
    assert.match(result.stderr, /^Interrupted: waiting for the API's answer so that nothing it creates is lost/m, `stderr: ${result.stderr}`)
    const [project] = (await projects()).filter((p) => p.name === 'slow-post')
    const [database] = (await emulator.call<{data: {id: string}[]}>('GET', `/v1/projects/${project.id}/databases`)).body.data
    assert.ok(result.stderr.includes(`\nError: Interrupted while database ${database.id} was still provisioning.\n`), `stderr: ${result.stderr}`)
    assert.doesNotMatch(result.stderr, /ready/, `nothing says ready: ${result.stderr}`)
    assert.ok(project, 'the project exists')
    assert.ok(result.stdout.includes(project.id), `project id on stdout:\n${result.stdout}`)
    assert.match(result.stdout, /postgres:\/\/[^:]+:[^@]+@/, 'the connection string on stdout')
  })

  it('Ctrl-C on an 80-column terminal while projects create waits: the spinner fails, the database is said to be still provisioning, never ready; exit 130', async () => {
    const terminal = await Terminal.start(['projects', 'create', '--name', 'on-a-terminal', '--region', 'eu-west-3'], {...(env() as Record<string, string>), NO_COLOR: '1'}, 80)
    try {
      await terminal.waitFor(/Waiting for database \S+ \(provisioning\)/)
      await terminal.press('C-c')
      assert.equal(await terminal.exitCode(), 130, await terminal.screen())
      const screen = await terminal.screen()
      const [project] = (await projects()).filter((p) => p.name === 'on-a-terminal')
      const [database] = (await emulator.call<{data: {id: string}[]}>('GET', `/v1/projects/${project.id}/databases`)).body.data
      assert.match(screen, new RegExp(`^Error: Interrupted while database ${database.id} was still provisioning\\.$`, 'm'), screen)
      assert.ok(screen.includes(`check it with \`prisma-mgmt db show ${database.id}\``), screen)
      assert.doesNotMatch(screen, /\bready\b/, `nothing on the screen says ready:\n${screen}`)
      assert.ok(screen.includes(project.id), `the project is shown:\n${screen}`)
    } finally {
      await terminal.close()
    }
  })

  it('status polls failing with 503: the details are printed, the error says the wait failed, exit 6', async () => {
    // The first answer asks for a 2 s wait, which is always said; the later backoffs are random and may all be silent (1 s or less).
    await faults([
      {method: 'GET', path: '/v1/databases/', status: 503, count: 1, retryAfter: 2, message: 'The status service is down.'},
      {method: 'GET', path: '/v1/databases/', status: 503, count: 50, message: 'The status service is down.'},
    ])
    const result = await run(['projects', 'create', '--name', 'poll-fails'], {env: env(), emulator})
    assert.equal(result.code, 6, `exit code; stderr: ${result.stderr}`)
    const [project] = (await projects()).filter((p) => p.name === 'poll-fails')
    const database = (await emulator.call<{data: {id: string}[]}>('GET', `/v1/projects/${project.id}/databases`)).body.data[0]
    assert.ok(result.stdout.includes(project.id) && result.stdout.includes(database.id), `ids on stdout:\n${result.stdout}`)
    assert.match(result.stdout, /postgres:\/\/[^:]+:[^@]+@/, 'the connection string on stdout')
    // Retry notices may come first; then the error and what to do.
    assert.ok(result.stderr.includes(`\nError: Waiting for database ${database.id} failed: The status service is down.\n`), `stderr: ${result.stderr}`)
    assert.match(result.stderr, /^The API answered 503 Service Unavailable; retrying in 2 s \(attempt 2 of 5\)$/m, `the retries were said: ${result.stderr}`)
    assert.ok(result.stderr.endsWith(`It was created all the same (shown above); check it with \`prisma-mgmt db show ${database.id}\`.\n`), `stderr: ${result.stderr}`)
    assert.doesNotMatch(result.stderr, /try again/i, 'never advises creating it again')
    assert.equal((await requests()).filter((r) => r.method === 'POST').length, 1, 'one POST')
  })

  it('status polls failing with --json: one document, the project with its secrets and the API error', async () => {
    await faults([{method: 'GET', path: '/v1/databases/', status: 503, count: 50, code: 'status-down', message: 'The status service is down.'}])
    const result = await run(['projects', 'create', '--name', 'poll-fails-json', '--json'], {env: env(), emulator})
    assert.equal(result.code, 6, `exit code; stderr: ${result.stderr}`)
    const document = parseJson<CreatedProjectJson>(result)
    assert.equal(document.name, 'poll-fails-json', 'the project')
    assert.match(document.database.connections[0].endpoints.direct?.connectionString ?? '', /^postgres:\/\//, 'its secret')
    assert.deepEqual(document.error, {code: 'status-down', message: `Waiting for database ${document.database.id} failed: The status service is down.`, status: 503}, 'error member')
  })

  it('--wait-timeout N waits N seconds from the start of the wait, then exits 1 with the details printed', async () => {
    const result = await run(['projects', 'create', '--name', 'slow', '--wait-timeout', '2'], {env: env(), emulator})
    assert.equal(result.code, 1, `exit code; stderr: ${result.stderr}`)
    const log = await requests()
    const post = log.find((r) => r.method === 'POST')!
    const polls = log.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/databases/'))
    const waited = Date.parse(polls.at(-1)!.at) - Date.parse(post.at)
    assert.ok(waited >= 2000, `the last status poll came ${waited} ms after the POST, before the 2 s were up`)
    const [project] = (await projects()).filter((p) => p.name === 'slow')
    assert.ok(result.stdout.includes(project.id), 'project id on stdout')
    assert.match(result.stdout, /postgres:\/\//, 'connection string on stdout')
    assert.match(result.stderr, /^Error: Database \S+ is still provisioning after 2s\.\n/, `stderr: ${result.stderr}`)
    assert.match(result.stderr, /check it with `prisma-mgmt db show \S+`\.\n$/, `stderr: ${result.stderr}`)
  })
})

describe('a create interrupted when nothing was left to wait for', () => {
  let emulator: Emulator
  let home: string
  const running: Started[] = []

  before(async () => {
    // Databases are ready in the create's own answer.
    emulator = await Emulator.start(['--databases', 'none'])
    home = await tempDir()
  })
  after(async () => {
    for (const started of running.splice(0)) started.child.kill('SIGKILL')
    await emulator.stop()
    await removeDir(home)
  })

  it('SIGINT while the POST is on its way, the database ready in its answer: delivered, said, no error, exit 0', async () => {
    await emulator.call('POST', '/__emulator/faults', [{method: 'POST', path: '/v1/projects', status: 201, delayMs: 1500}])
    const started = start(['projects', 'create', '--name', 'ready-anyway'], {env: emulator.env(home), emulator})
    running.push(started)
    await eventually('the POST to reach the emulator', async () =>
      (await emulator.requests()).some((r) => r.method === 'POST'),
    )
    started.child.kill('SIGINT')
    const result = await started.done
    assert.equal(result.code, 0, `exit code; stderr: ${result.stderr}`)
    const project = (await emulator.call<{data: {id: string; name: string}[]}>('GET', '/v1/projects')).body.data.find((p) => p.name === 'ready-anyway')
    assert.ok(project, 'the project exists')
    const [database] = (await emulator.call<{data: {id: string; status: string}[]}>('GET', `/v1/projects/${project.id}/databases`)).body.data
    assert.equal(database.status, 'ready')
    assert.equal(
      result.stderr,
      "Interrupted: waiting for the API's answer so that nothing it creates is lost (interrupt again to stop at once).\n" +
        `Nothing was left to wait for: database ${database.id} is ready.\n`,
      'stderr: what the interrupt did, and no error',
    )
    const rows = tsv(result.stdout)
    assert.deepEqual([rows[0]?.PROJECT, rows[0]?.DATABASE], [project.id, database.id], `the created ids on stdout:\n${result.stdout}`)
    assert.match(rows[0]['CONNECTION STRING'], /^postgres:\/\/[^:]+:[^@]+@/, `the one-time connection string:\n${result.stdout}`)
  })

  it('Ctrl-C on an 80-column terminal while the POST is on its way, the database ready in its answer: no error, exit 0', async () => {
    await emulator.call('DELETE', '/__emulator/requests')
    await emulator.call('POST', '/__emulator/faults', [{method: 'POST', path: '/v1/projects', status: 201, delayMs: 1500}])
    const terminal = await Terminal.start(['projects', 'create', '--name', 'ready-on-a-terminal', '--region', 'eu-west-3'], {...(emulator.env(home) as Record<string, string>), NO_COLOR: '1'}, 80)
    try {
      await eventually('the POST to reach the emulator', async () =>
        (await emulator.requests()).some((r) => r.method === 'POST'),
      )
      await terminal.press('C-c')
      assert.equal(await terminal.exitCode(), 0, await terminal.screen())
      const screen = await terminal.screen()
      assert.match(screen, /^Interrupted: waiting for the API's answer so that nothing it creates is lost/m, screen)
      assert.match(screen, /^Nothing was left to wait for: database \S+ is ready\.$/m, screen)
      assert.doesNotMatch(screen, /^Error:/m, `no error:\n${screen}`)
    } finally {
      await terminal.close()
    }
  })
})
