// Every endpoint's happy path and shape, then auth, validation and not-found answers.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import type {
  BackupList,
  Connection,
  CreatedConnection,
  CreatedDatabase,
  CreatedProject,
  Database,
  ErrorBody,
  Me,
  Pagination,
  PostgresRegion,
  Project,
  Region,
  Usage,
  Workspace,
} from '../../src/api/contract.js'
import type {Client} from './emulator-client.js'
import {startClient} from './emulator-client.js'

type Data<T> = {data: T}
type List<T> = {data: T[]; pagination: Pagination}

const REGION_IDS = ['us-east-1', 'us-west-1', 'eu-west-3', 'eu-central-1', 'ap-northeast-1', 'ap-southeast-1']

describe('emulator endpoints', () => {
  let client: Client
  let url: string
  const call = <T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) => client.call<T>(method, path, body, headers)
  const createProject = async (body: Record<string, unknown> = {}) => {
    const created = await call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'p', ...body})
    assert.equal(created.status, 201, created.text)
    return created.body.data
  }
  const expectError = async (promise: Promise<{status: number; body: unknown}>, status: number, code: string, message?: RegExp) => {
    const answer = await promise
    assert.equal(answer.status, status, JSON.stringify(answer.body))
    const {error} = answer.body as ErrorBody
    assert.equal(error.code, code)
    assert.equal(typeof error.message, 'string')
    if (message) assert.match(error.message, message)
    return error
  }

  before(async () => {
    client = await startClient()
    url = client.emulator.url
  })
  after(async () => {
    await client.emulator.close()
  })

  describe('account and regions', () => {
    it('GET /v1/me: the workspace and a service token, no user', async () => {
      const me = await call<Data<Me>>('GET', '/v1/me')
      assert.equal(me.status, 200)
      assert.match(me.headers.get('content-type') ?? '', /^application\/json/)
      assert.equal(me.body.data.user, null)
      assert.equal(me.body.data.credential.type, 'service_token')
      assert.equal(typeof me.body.data.credential.id, 'string')
      assert.equal(me.body.data.workspace?.name, 'Emulator Workspace')
    })

    it('GET /v1/workspaces: the one workspace, with an absolute url', async () => {
      const me = await call<Data<Me>>('GET', '/v1/me')
      const list = await call<List<Workspace>>('GET', '/v1/workspaces')
      assert.equal(list.status, 200)
      assert.equal(list.body.data.length, 1)
      const [workspace] = list.body.data
      assert.equal(workspace.id, me.body.data.workspace?.id)
      assert.equal(workspace.type, 'workspace')
      assert.equal(workspace.url, `${url}/v1/workspaces/${workspace.id}`)
      assert.ok(!Number.isNaN(Date.parse(workspace.createdAt)), `createdAt is a date: ${workspace.createdAt}`)
      assert.deepEqual(list.body.pagination, {nextCursor: null, hasMore: false})
    })

    it('GET /v1/regions/postgres: the six regions, available', async () => {
      const list = await call<Data<PostgresRegion[]>>('GET', '/v1/regions/postgres')
      assert.equal(list.status, 200)
      assert.deepEqual(list.body.data.map((region) => region.id), REGION_IDS)
      for (const region of list.body.data) {
        assert.equal(region.type, 'region')
        assert.equal(region.status, 'available')
        assert.ok(region.name.length > 0, `region ${region.id} has a name`)
      }
    })

    it('GET /v1/regions: postgres and accelerate, ?product narrows, a bad product is 400', async () => {
      const all = await call<Data<Region[]>>('GET', '/v1/regions')
      assert.equal(all.body.data.length, 12)
      const postgres = await call<Data<Region[]>>('GET', '/v1/regions?product=postgres')
      assert.deepEqual(postgres.body.data.map((region) => [region.id, region.product]), REGION_IDS.map((id) => [id, 'postgres']))
      await expectError(call('GET', '/v1/regions?product=mysql'), 400, 'validation-error', /product.*mysql/)
    })
  })

  describe('projects', () => {
    it('POST /v1/projects: 201 with the project and its first database, secrets and deprecated fields alike', async () => {
      const before = Date.now()
      const project = await createProject({name: 'shop', region: 'eu-central-1'})
      const after = Date.now()
      assert.equal(project.type, 'project')
      assert.match(project.id, /^c[a-z0-9]{24}$/)
      assert.equal(project.url, `${url}/v1/projects/${project.id}`)
      assert.equal(project.name, 'shop')
      assert.equal(project.logicalId, null)
      assert.equal(project.defaultRegion, 'eu-central-1')
      assert.equal(project.workspace.url, `${url}/v1/workspaces/${project.workspace.id}`)
      assert.equal(project.workspace.name, 'Emulator Workspace')
      // The emulator runs in this process: its clock is ours, so createdAt falls within the call.
      const createdAt = Date.parse(project.createdAt)
      assert.ok(createdAt >= before && createdAt <= after, `createdAt ${project.createdAt} within the call (${new Date(before).toISOString()} to ${new Date(after).toISOString()})`)

      const database = project.database!
      assert.equal(database.type, 'database')
      assert.equal(database.url, `${url}/v1/databases/${database.id}`)
      assert.equal(database.status, 'ready')
      assert.equal(database.isDefault, true)
      assert.deepEqual(database.region, {id: 'eu-central-1', name: 'Europe (Frankfurt)'})
      assert.deepEqual(database.source, {type: 'empty'})
      assert.equal(database.branchId, null)
      assert.equal(database.connections.length, 1)
      const [connection] = database.connections
      assert.equal(database.defaultConnectionId, connection.id)
      assert.equal(connection.type, 'connection')
      assert.equal(connection.kind, 'postgres')
      assert.equal(connection.url, `${url}/v1/connections/${connection.id}`)
      assert.deepEqual(connection.database, {id: database.id, url: database.url, name: database.name})
      const direct = connection.endpoints.direct!
      assert.equal(direct.host, '127.0.0.1')
      const parsed = new URL(direct.connectionString!)
      assert.equal(parsed.protocol, 'postgres:')
      assert.equal(parsed.hostname, direct.host)
      assert.equal(Number(parsed.port), direct.port)
      assert.equal(parsed.searchParams.get('sslmode'), 'disable')
      assert.ok(parsed.username && parsed.password, `a user and a password in ${direct.connectionString}`)
      assert.ok(connection.endpoints.pooled?.connectionString?.startsWith('postgres://'), `pooled endpoint: ${JSON.stringify(connection.endpoints.pooled)}`)
      assert.equal(connection.endpoints.accelerate, undefined, 'the none backend serves no accelerate endpoint')
      // Deprecated fields say the same thing.
      assert.equal(database.connectionString, direct.connectionString)
      assert.deepEqual(database.directConnection, {host: `${direct.host}:${direct.port}`, user: parsed.username, pass: parsed.password})
      assert.equal(database.apiKeys.length, 1)
      assert.equal(database.apiKeys[0].id, connection.id)
      assert.equal(database.apiKeys[0].connectionString, direct.connectionString)
      assert.deepEqual(database.apiKeys[0].endpoints.direct, {host: direct.host, port: direct.port})
    })

    it('createDatabase: false answers database null; defaults: region us-east-1, a generated name', async () => {
      const bare = await createProject({createDatabase: false})
      assert.equal(bare.database, null)
      assert.equal(bare.defaultRegion, null)
      const withRegion = await createProject({createDatabase: false, region: 'ap-northeast-1'})
      assert.equal(withRegion.defaultRegion, 'ap-northeast-1')
      const unnamed = await call<Data<CreatedProject>>('POST', '/v1/projects', {})
      assert.equal(unnamed.status, 201)
      assert.match(unnamed.body.data.name, /^project-\d{8}-\d{6}$/)
      assert.equal(unnamed.body.data.defaultRegion, 'us-east-1')
      assert.equal(unnamed.body.data.database?.region.id, 'us-east-1')
      const noBody = await call<Data<CreatedProject>>('POST', '/v1/projects')
      assert.equal(noBody.status, 201)
    })

    it('GET, PATCH and DELETE /v1/projects/{id}; deleting takes its databases and connections along', async () => {
      const project = await createProject({name: 'before'})
      const shown = await call<Data<Project>>('GET', `/v1/projects/${project.id}`)
      assert.equal(shown.status, 200)
      assert.deepEqual(shown.body.data, Object.fromEntries(Object.entries(project).filter(([key]) => key !== 'database')))

      const renamed = await call<Data<Project>>('PATCH', `/v1/projects/${project.id}`, {name: '  after  '})
      assert.equal(renamed.status, 200)
      assert.equal(renamed.body.data.name, 'after')
      assert.equal((await call<Data<Project>>('GET', `/v1/projects/${project.id}`)).body.data.name, 'after')
      const untouched = await call<Data<Project>>('PATCH', `/v1/projects/${project.id}`, {settings: {x: 1}})
      assert.equal(untouched.body.data.name, 'after')
      await expectError(call('PATCH', `/v1/projects/${project.id}`, {name: '   '}), 422, 'validation-error', /name/)
      await expectError(call('PATCH', `/v1/projects/${project.id}`, {name: 7}), 422, 'validation-error', /name must be a string/)

      const databaseId = project.database!.id
      const connectionId = project.database!.connections[0].id
      const deleted = await call('DELETE', `/v1/projects/${project.id}`)
      assert.equal(deleted.status, 204)
      assert.equal(deleted.text, '')
      await expectError(call('GET', `/v1/projects/${project.id}`), 404, 'not-found', new RegExp(`Project "${project.id}"`))
      await expectError(call('GET', `/v1/databases/${databaseId}`), 404, 'not-found')
      await expectError(call('GET', `/v1/connections/${connectionId}`), 404, 'not-found')
      await expectError(call('DELETE', `/v1/projects/${project.id}`), 404, 'not-found')
    })

    it('GET /v1/projects?logicalId= finds the one project; a second POST with it is 409', async () => {
      const project = await createProject({logicalId: 'app/main', createDatabase: false})
      assert.equal(project.logicalId, 'app/main')
      const found = await call<List<Project>>('GET', `/v1/projects?logicalId=${encodeURIComponent('app/main')}`)
      assert.deepEqual(found.body.data.map((p) => p.id), [project.id])
      const none = await call<List<Project>>('GET', '/v1/projects?logicalId=nothing')
      assert.deepEqual(none.body.data, [])
      const error = await expectError(call('POST', '/v1/projects', {logicalId: 'app/main'}), 409, 'conflict', /app\/main/)
      assert.ok(error.message.includes(project.id), error.message)
    })

    it('a workspaceId other than the token\'s is 404; its own is fine', async () => {
      const me = await call<Data<Me>>('GET', '/v1/me')
      await createProject({workspaceId: me.body.data.workspace!.id, createDatabase: false})
      await expectError(call('POST', '/v1/projects', {workspaceId: 'someone-else'}), 404, 'not-found', /Workspace "someone-else"/)
    })
  })

  describe('databases', () => {
    it('GET and POST /v1/projects/{id}/databases: the first is default, isDefault moves it, inherit uses the project region', async () => {
      const project = await createProject({region: 'us-west-1'})
      const second = await call<Data<CreatedDatabase>>('POST', `/v1/projects/${project.id}/databases`, {name: 'analytics', region: 'inherit'})
      assert.equal(second.status, 201)
      assert.equal(second.body.data.isDefault, false)
      assert.equal(second.body.data.region.id, 'us-west-1')
      assert.equal(second.body.data.project.id, project.id)
      assert.equal(second.body.data.project.url, `${url}/v1/projects/${project.id}`)
      assert.equal(second.body.data.name, 'analytics')
      assert.ok(second.body.data.connections[0].endpoints.direct?.connectionString, `a connection string in ${second.text}`)
      const third = await call<Data<CreatedDatabase>>('POST', `/v1/projects/${project.id}/databases`, {isDefault: true, region: 'ap-southeast-1'})
      assert.equal(third.body.data.isDefault, true)
      assert.match(third.body.data.name, /^p-3$/)

      const list = await call<List<Database>>('GET', `/v1/projects/${project.id}/databases`)
      assert.equal(list.status, 200)
      assert.deepEqual(
        list.body.data.map((d) => [d.id, d.isDefault]),
        [
          [project.database!.id, false],
          [second.body.data.id, false],
          [third.body.data.id, true],
        ],
      )
      for (const database of list.body.data) {
        assert.equal(database.project.name, 'p')
        assert.equal(database.connections.length, 1)
      }
      await expectError(call('GET', '/v1/projects/nope/databases'), 404, 'not-found', /Project "nope"/)
      await expectError(call('POST', '/v1/projects/nope/databases', {}), 404, 'not-found')
    })

    it('POST databases: validation, 409 on a duplicate logicalId, 422 for what the emulator does not do', async () => {
      const project = await createProject({createDatabase: false})
      const path = `/v1/projects/${project.id}/databases`
      await expectError(call('POST', path, {region: 'moon-1'}), 400, 'validation-error', /region.*moon-1/)
      await expectError(call('POST', path, {name: ''}), 400, 'validation-error', /name/)
      await expectError(call('POST', path, {isDefault: 'yes'}), 400, 'validation-error', /isDefault/)
      await expectError(call('POST', path, {branchId: null}), 400, 'validation-error', /branchId/)
      await expectError(call('POST', path, {source: {type: 'database', databaseId: 'x'}}), 404, 'not-found', /Source database "x"/)
      await expectError(call('POST', path, {source: {type: 'weird'}}), 400, 'validation-error', /source\.type/)
      const first = await call<Data<CreatedDatabase>>('POST', path, {logicalId: 'db1', source: {type: 'empty'}})
      assert.equal(first.status, 201)
      assert.equal(first.body.data.isDefault, true, 'the first database of a project without one is its default')
      assert.equal(first.body.data.logicalId, 'db1')
      await expectError(call('POST', path, {logicalId: 'db1'}), 409, 'conflict', /db1/)
    })

    it('GET /v1/databases lists all, ?projectId narrows; GET and DELETE /v1/databases/{id}', async () => {
      const project = await createProject()
      const extra = await call<Data<CreatedDatabase>>('POST', `/v1/projects/${project.id}/databases`, {name: 'extra'})
      const all = await call<List<Database>>('GET', '/v1/databases')
      assert.ok(all.body.data.some((d) => d.id === extra.body.data.id), `${extra.body.data.id} not in ${JSON.stringify(all.body.data.map((d) => d.id))}`)
      const narrowed = await call<List<Database>>('GET', `/v1/databases?projectId=${project.id}`)
      assert.deepEqual(narrowed.body.data.map((d) => d.id), [project.database!.id, extra.body.data.id])
      const unknown = await call<List<Database>>('GET', '/v1/databases?projectId=nope')
      assert.deepEqual(unknown.body.data, [])

      const shown = await call<Data<Database>>('GET', `/v1/databases/${extra.body.data.id}`)
      assert.equal(shown.status, 200)
      assert.equal(shown.body.data.status, 'ready')
      assert.equal(shown.body.data.name, 'extra')
      assert.equal(shown.body.data.project.id, project.id)

      await expectError(call('DELETE', `/v1/databases/${project.database!.id}`), 403, 'forbidden', /default database/)
      const connectionId = extra.body.data.connections[0].id
      assert.equal((await call('DELETE', `/v1/databases/${extra.body.data.id}`)).status, 204)
      await expectError(call('GET', `/v1/databases/${extra.body.data.id}`), 404, 'not-found', /Database/)
      await expectError(call('GET', `/v1/connections/${connectionId}`), 404, 'not-found')
      await expectError(call('DELETE', `/v1/databases/${extra.body.data.id}`), 404, 'not-found')
    })
  })

  describe('connections', () => {
    it('POST and GET /v1/databases/{id}/connections; GET /v1/connections with ?databaseId; GET and DELETE /v1/connections/{id}', async () => {
      const project = await createProject()
      const databaseId = project.database!.id
      const created = await call<Data<CreatedConnection>>('POST', `/v1/databases/${databaseId}/connections`, {name: 'ci'})
      assert.equal(created.status, 200)
      const connection = created.body.data
      assert.equal(connection.name, 'ci')
      assert.equal(connection.url, `${url}/v1/connections/${connection.id}`)
      assert.equal(connection.connectionString, connection.endpoints.direct?.connectionString)
      const secret = new URL(connection.connectionString)
      assert.equal(connection.user, decodeURIComponent(secret.username))
      assert.equal(connection.pass, decodeURIComponent(secret.password))
      assert.equal(connection.host, `${secret.hostname}:${secret.port}`)

      const listed = await call<List<Connection>>('GET', `/v1/databases/${databaseId}/connections`)
      assert.deepEqual(listed.body.data.map((c) => c.name), ['default', 'ci'])
      const all = await call<List<Connection>>(`GET`, `/v1/connections?databaseId=${databaseId}`)
      assert.deepEqual(all.body.data.map((c) => c.id), listed.body.data.map((c) => c.id))
      const everywhere = await call<List<Connection>>('GET', '/v1/connections')
      assert.ok(everywhere.body.data.some((c) => c.id === connection.id), `${connection.id} not in ${JSON.stringify(everywhere.body.data.map((c) => c.id))}`)

      const shown = await call<Data<Connection>>('GET', `/v1/connections/${connection.id}`)
      assert.equal(shown.status, 200)
      assert.deepEqual(shown.body.data.endpoints.direct, {host: secret.hostname, port: Number(secret.port)})
      assert.equal(shown.body.data.database.id, databaseId)

      assert.equal((await call('DELETE', `/v1/connections/${connection.id}`)).status, 204)
      await expectError(call('GET', `/v1/connections/${connection.id}`), 404, 'not-found', /Connection/)
      await expectError(call('POST', `/v1/connections/${connection.id}/rotate`), 404, 'not-found')
      const after = await call<List<Connection>>('GET', `/v1/databases/${databaseId}/connections`)
      assert.deepEqual(after.body.data.map((c) => c.name), ['default'])
    })

    it('POST connections needs a name; unknown databases are 404', async () => {
      const project = await createProject()
      const path = `/v1/databases/${project.database!.id}/connections`
      await expectError(call('POST', path, {}), 400, 'validation-error', /name is required/)
      await expectError(call('POST', path, {name: 42}), 400, 'validation-error', /name must be a string/)
      await expectError(call('POST', '/v1/databases/nope/connections', {name: 'x'}), 404, 'not-found', /Database "nope"/)
      await expectError(call('GET', '/v1/databases/nope/connections'), 404, 'not-found')
    })
  })

  describe('backups and usage', () => {
    it('GET backups: only the backups taken, newest first, none older than the database; ?limit honoured', async () => {
      const project = await createProject()
      const databaseId = project.database!.id
      const path = `/v1/databases/${databaseId}/backups`
      const none = await call<BackupList>('GET', path)
      assert.equal(none.status, 200)
      assert.deepEqual(none.body.data, [], 'a new database has no backup yet')
      const taken: string[] = []
      for (let i = 0; i < 3; i++) {
        const hook = await call<Data<{id: string}>>('POST', `/__emulator/databases/${databaseId}/backups`)
        assert.equal(hook.status, 201, hook.text)
        taken.push(hook.body.data.id)
      }
      const all = await call<BackupList>('GET', path)
      assert.equal(all.status, 200)
      assert.deepEqual(all.body.data.map((b) => b.id), [...taken].reverse(), 'the three taken, newest first')
      assert.ok(all.body.meta.backupRetentionDays > 0, `backupRetentionDays ${all.body.meta.backupRetentionDays}`)
      assert.deepEqual(all.body.pagination, {hasMore: false, limit: null})
      for (const backup of all.body.data) {
        assert.equal(backup.status, 'completed')
        assert.equal(backup.backupType, 'full')
        assert.equal(backup.type, 'backup')
        // `none` mode holds no data: there is no size to tell.
        assert.equal(backup.size, undefined)
        assert.ok(Date.parse(backup.createdAt) >= Date.parse(project.database!.createdAt), `backup ${backup.createdAt} predates its database ${project.database!.createdAt}`)
      }
      const times = all.body.data.map((b) => Date.parse(b.createdAt))
      assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first')
      const two = await call<BackupList>('GET', `${path}?limit=2`)
      assert.deepEqual(two.body.data, all.body.data.slice(0, 2))
      assert.deepEqual(two.body.pagination, {hasMore: true, limit: 2})
      await expectError(call('GET', `${path}?limit=0`), 400, 'validation-error', /limit/)
      await expectError(call('GET', '/v1/databases/nope/backups'), 404, 'not-found')
    })

    it('GET usage: operations count the requests about the database; dates bound the period', async () => {
      const project = await createProject()
      const databaseId = project.database!.id
      const path = `/v1/databases/${databaseId}/usage`
      const before = Date.now()
      const first = await call<Usage>('GET', path)
      const after = Date.now()
      assert.equal(first.status, 200)
      assert.equal(first.body.metrics.operations.unit, 'ops')
      assert.equal(first.body.metrics.storage.unit, 'GiB')
      assert.ok(first.body.metrics.storage.used > 0, `storage used ${first.body.metrics.storage.used}`)
      const now = new Date()
      assert.equal(first.body.period.start, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString())
      // Without endDate the period ends when the answer is made (the emulator's clock is ours).
      const end = Date.parse(first.body.period.end)
      assert.ok(end >= before && end <= after, `period end ${first.body.period.end} within the call (${new Date(before).toISOString()} to ${new Date(after).toISOString()})`)
      assert.equal(first.body.generatedAt, first.body.period.end, 'generated at the end of the period')
      await call('GET', `/v1/databases/${databaseId}`)
      await call('GET', `/v1/databases/${databaseId}/connections`)
      const second = await call<Usage>('GET', path)
      assert.equal(second.body.metrics.operations.used, first.body.metrics.operations.used + 3)

      const past = await call<Usage>('GET', `${path}?startDate=2020-01-01&endDate=2020-01-31`)
      assert.deepEqual(past.body.period, {start: '2020-01-01T00:00:00.000Z', end: '2020-01-31T23:59:59.999Z'})
      assert.equal(past.body.metrics.operations.used, 0)
      const iso = await call<Usage>('GET', `${path}?startDate=2020-01-01T10:00:00Z&endDate=2099-01-01T00:00:00.000Z`)
      assert.equal(iso.body.period.start, '2020-01-01T10:00:00.000Z')
      assert.ok(iso.body.metrics.operations.used >= second.body.metrics.operations.used, `operations ${iso.body.metrics.operations.used} (2020 to 2099) < ${second.body.metrics.operations.used} (this month)`)
      await expectError(call('GET', `${path}?startDate=yesterday`), 400, 'validation-error', /startDate.*yesterday/)
      await expectError(call('GET', `${path}?endDate=2025-02-30`), 400, 'validation-error', /endDate/)
      await expectError(call('GET', `${path}?startDate=2025-03-01&endDate=2025-02-01`), 400, 'validation-error', /after/)
    })
  })

  describe('errors', () => {
    it('401 without a token, with another token, or with a non-Bearer scheme; the message says what to send, the hint which token', async () => {
      const noToken = await fetch(`${url}/v1/projects`)
      assert.equal(noToken.status, 401)
      const body = (await noToken.json()) as ErrorBody
      assert.equal(body.error.code, 'unauthorized')
      assert.match(body.error.message, /Authorization: Bearer <token>/)
      // The hint is read by the CLI's users too: which token, in no HTTP terms.
      assert.equal(body.error.hint, 'Use the service token the emulator printed when it started (the PRISMA_SERVICE_TOKEN that emulator start prints).')
      await expectError(call('GET', '/v1/me', undefined, {authorization: 'Bearer wrong-token'}), 401, 'unauthorized')
      await expectError(call('GET', '/v1/me', undefined, {authorization: `Basic ${client.emulator.token}`}), 401, 'unauthorized', /Bearer/)
      await expectError(call('GET', '/v1/nothing-here', undefined, {authorization: ''}), 401, 'unauthorized')
      // The scheme is case-insensitive, as in HTTP.
      assert.equal((await call('GET', '/v1/me', undefined, {authorization: `bearer ${client.emulator.token}`})).status, 200)
    })

    it('404 in the API\'s shape for unknown paths and methods', async () => {
      await expectError(call('GET', '/v1/nothing-here'), 404, 'not-found', /GET \/v1\/nothing-here/)
      await expectError(call('PUT', '/v1/projects'), 404, 'not-found')
      await expectError(call('GET', '/'), 404, 'not-found')
      await expectError(call('GET', '/v1/projects/'), 404, 'not-found')
      await expectError(call('GET', '/v2/projects'), 404, 'not-found')
    })

    it('encoded ids are decoded and looked up literally, never routed elsewhere', async () => {
      const project = await createProject()
      const encodedOwn = await call<Data<Project>>('GET', `/v1/projects/${encodeURIComponent(project.id)}`)
      assert.equal(encodedOwn.status, 200)
      const odd = 'nope/../x?y'
      const error = await expectError(call('GET', `/v1/projects/${encodeURIComponent(odd)}`), 404, 'not-found')
      assert.ok(error.message.includes(JSON.stringify(odd)), error.message)
      const slash = await expectError(call('GET', `/v1/projects/${encodeURIComponent(`${project.id}/databases`)}`), 404, 'not-found')
      assert.ok(slash.message.includes(`${project.id}/databases`), slash.message)
      await expectError(call('GET', `/v1/databases/${encodeURIComponent('a?b')}`), 404, 'not-found', /"a\?b"/)
      await expectError(call('GET', `/v1/connections/${encodeURIComponent('../me')}`), 404, 'not-found')
      await expectError(call('GET', '/v1/projects/%E0%A4%A'), 400, 'validation-error', /percent-encoding/)
    })

    it('400 for malformed JSON, a body that is not an object, and fields of the wrong type or value', async () => {
      await expectError(client.send('POST', '/v1/projects', '{"name": '), 400, 'invalid-json', /not valid JSON/)
      await expectError(call('POST', '/v1/projects', [1, 2]), 400, 'validation-error', /JSON object/)
      await expectError(call('POST', '/v1/projects', 'shop'), 400, 'validation-error', /JSON object/)
      await expectError(call('POST', '/v1/projects', {name: 12}), 400, 'validation-error', /name must be a string/)
      await expectError(call('POST', '/v1/projects', {name: '   '}), 400, 'validation-error', /name must not be empty/)
      await expectError(call('POST', '/v1/projects', {name: 'x'.repeat(256)}), 400, 'validation-error', /name/)
      await expectError(call('POST', '/v1/projects', {region: 'mars-north-1'}), 400, 'validation-error', /region.*mars-north-1/)
      await expectError(call('POST', '/v1/projects', {region: 5}), 400, 'validation-error', /region/)
      await expectError(call('POST', '/v1/projects', {createDatabase: 'no'}), 400, 'validation-error', /createDatabase/)
      await expectError(call('POST', '/v1/projects', {logicalId: ''}), 400, 'validation-error', /logicalId/)
      await expectError(call('POST', '/v1/projects', {workspaceId: 3}), 400, 'validation-error', /workspaceId/)
    })

    it('413 for a body over 1 MiB; just under it is fine', async () => {
      const padded = (size: number) => {
        const head = '{"name":"big","createDatabase":false}'
        return head + ' '.repeat(size - head.length)
      }
      await expectError(client.send('POST', '/v1/projects', padded(1024 * 1024 + 1)), 413, 'payload-too-large', /1 MiB/)
      const fits = await client.send('POST', '/v1/projects', padded(1024 * 1024))
      assert.equal(fits.status, 201, fits.text)
      await expectError(client.send('POST', '/v1/projects', Buffer.alloc(5 * 1024 * 1024, 0x20)), 413, 'payload-too-large')
    })
  })
})
