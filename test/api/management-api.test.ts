import assert from 'node:assert/strict'
import {after, before, beforeEach, describe, it} from 'node:test'
import {InvalidIdError, InvalidResponseError} from '../../src/api/errors.js'
import {ManagementApi} from '../../src/api/management-api.js'
import {bucket, bucketKey, connection, createdBucketKey, createdConnection, createdDatabase, database, integration, project, workspace} from './answers.js'
import {clearProxyEnv, json, startServer, TOKEN, type LocalServer, type Received} from './local-server.js'

clearProxyEnv()

const PROJECTS = Array.from({length: 250}, (_, index) => project(`proj_${index}`))

/** Answers like the API's cursor pagination: `limit` (max 100) items from `cursor`. */
function page(items: unknown[], query: URLSearchParams): {data: unknown[]; pagination: {nextCursor: string | null; hasMore: boolean}} {
  const start = Number(query.get('cursor') ?? 0)
  const limit = Math.min(100, Number(query.get('limit') ?? 100))
  const end = Math.min(items.length, start + limit)
  const hasMore = end < items.length
  return {data: items.slice(start, end), pagination: {nextCursor: hasMore ? String(end) : null, hasMore}}
}

let api: LocalServer
let client: ManagementApi
let answers: Map<string, (request: Received) => [number, unknown?]>

before(async () => {
  api = await startServer((request, response) => {
    const url = new URL(request.url, 'http://local')
    const answer = answers.get(`${request.method} ${url.pathname}`)
    if (!answer) return json(response, 404, {error: {code: 'not-found', message: `No route ${request.method} ${url.pathname}`}})
    const [status, body] = answer(request)
    if (status === 204) {
      response.statusCode = 204
      response.end()
      return
    }
    json(response, status, body)
  })
  client = new ManagementApi({apiUrl: `${api.url}/v1`, token: TOKEN, timeoutSeconds: 5, userAgent: 'test', retryBaseDelayMs: 1})
})

beforeEach(() => {
  api.received.length = 0
  answers = new Map()
})

after(async () => {
  await client.close()
  await api.close()
})

function route(key: string, answer: (request: Received) => [number, unknown?]): void {
  answers.set(key, answer)
}

function requests(): string[] {
  return api.received.map((request) => `${request.method} ${request.url}`)
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

describe('ManagementApi pagination', () => {
  beforeEach(() => route('GET /v1/projects', (request) => [200, page(PROJECTS, new URL(request.url, 'http://local').searchParams)]))

  it('follows every cursor page when no limit is given', async () => {
    const projects = await all(client.listProjects())
    assert.equal(projects.length, 250)
    assert.equal(projects[249].id, 'proj_249')
    assert.deepEqual(requests(), ['GET /v1/projects?limit=100', 'GET /v1/projects?cursor=100&limit=100', 'GET /v1/projects?cursor=200&limit=100'])
  })

  it('asks for no more than the limit and stops fetching once it is reached', async () => {
    const projects = await all(client.listProjects({limit: 150}))
    assert.equal(projects.length, 150)
    assert.deepEqual(requests(), ['GET /v1/projects?limit=100', 'GET /v1/projects?cursor=100&limit=50'])
  })

  it('fetches one small page for a small limit', async () => {
    const projects = await all(client.listProjects({limit: 3}))
    assert.deepEqual(projects.map((project) => project.id), ['proj_0', 'proj_1', 'proj_2'])
    assert.deepEqual(requests(), ['GET /v1/projects?limit=3'])
  })

  it('fetches nothing for a limit of 0 and refuses a negative one', async () => {
    assert.deepEqual(await all(client.listProjects({limit: 0})), [])
    assert.equal(api.received.length, 0)
    await assert.rejects(all(client.listProjects({limit: -1})), RangeError)
  })

  it('stops fetching when the caller stops reading', async () => {
    for await (const project of client.listProjects()) {
      if (project.id === 'proj_5') break
    }
    assert.equal(api.received.length, 1)
  })

  it('stops when the server hands out the same cursor twice', async () => {
    route('GET /v1/workspaces', () => [200, {data: [workspace('w')], pagination: {nextCursor: 'same', hasMore: true}}])
    await assert.rejects(all(client.listWorkspaces()), InvalidResponseError)
    assert.equal(api.received.length, 2)
  })

  it('treats hasMore false as the end even with a cursor', async () => {
    route('GET /v1/workspaces', () => [200, {data: [workspace('w1')], pagination: {nextCursor: 'next', hasMore: false}}])
    assert.deepEqual((await all(client.listWorkspaces())).map((workspace) => workspace.id), ['w1'])
    assert.equal(api.received.length, 1)
  })

  it('refuses a page without a data list', async () => {
    route('GET /v1/workspaces', () => [200, {items: []}])
    await assert.rejects(all(client.listWorkspaces()), InvalidResponseError)
  })
})

describe('ManagementApi one page at a time', () => {
  beforeEach(() => route('GET /v1/projects', (request) => [200, page(PROJECTS, new URL(request.url, 'http://local').searchParams)]))

  it('fetches one page with the cursor and limit given, and names the next cursor', async () => {
    const first = await client.projectsPage({limit: 2})
    assert.deepEqual([first.data.map((p) => p.id), first.nextCursor], [['proj_0', 'proj_1'], '2'])
    const last = await client.projectsPage({cursor: '248', limit: 100})
    assert.deepEqual([last.data.map((p) => p.id), last.nextCursor], [['proj_248', 'proj_249'], null])
    assert.deepEqual(requests(), ['GET /v1/projects?limit=2', 'GET /v1/projects?cursor=248&limit=100'])
  })

  it('asks for at most the API\'s page size, and for it when no limit is given', async () => {
    await client.projectsPage({limit: 500})
    await client.projectsPage()
    assert.deepEqual(requests(), ['GET /v1/projects?limit=100', 'GET /v1/projects?limit=100'])
  })

  it('has no next cursor when hasMore is false, and refuses hasMore without one', async () => {
    route('GET /v1/workspaces', () => [200, {data: [workspace('w1')], pagination: {nextCursor: 'next', hasMore: false}}])
    assert.deepEqual(await client.workspacesPage(), {data: [workspace('w1')], nextCursor: null})
    route('GET /v1/workspaces', () => [200, {data: [workspace('w1')], pagination: {nextCursor: null, hasMore: true}}])
    await assert.rejects(client.workspacesPage(), InvalidResponseError)
    route('GET /v1/workspaces', () => [200, {data: [workspace('w1')], pagination: {nextCursor: '', hasMore: true}}])
    await assert.rejects(client.workspacesPage(), {
      name: 'InvalidResponseError',
      message: 'GET /v1/workspaces: the API says more follow (hasMore) but gave no cursor to fetch them.',
    })
    route('GET /v1/workspaces', () => [200, {data: [workspace('w1')]}])
    assert.deepEqual(await client.workspacesPage(), {data: [workspace('w1')], nextCursor: null}, 'a last page without pagination')
  })

  it('a limit that is not a whole number of 0 or more is refused before any request', async () => {
    for (const limit of [-1, 1.5]) {
      await assert.rejects(all(client.listProjects({limit})), {name: 'RangeError', message: `The limit must be a whole number of 0 or more, not ${limit}.`})
    }
    assert.deepEqual(requests(), [])
  })

  it('pages the databases of one project, and the connections of a database', async () => {
    route('GET /v1/projects/p1/databases', () => [200, {data: [database('d1')], pagination: {nextCursor: null, hasMore: false}}])
    route('GET /v1/databases/d1/connections', () => [200, {data: [connection('c1')], pagination: {nextCursor: 'c2', hasMore: true}}])
    assert.deepEqual((await client.databasesPage({projectId: 'p1', limit: 5})).data.map((d) => d.id), ['d1'])
    assert.deepEqual(await client.connectionsPage('d1', {cursor: 'c0'}), {data: [connection('c1')], nextCursor: 'c2'})
    assert.deepEqual(requests(), ['GET /v1/projects/p1/databases?limit=5', 'GET /v1/databases/d1/connections?cursor=c0&limit=100'])
  })
})

describe('ManagementApi endpoints', () => {
  it('getMe returns the data', async () => {
    const me = {user: null, workspace: {id: 'w1', name: 'Acme'}, credential: {type: 'service_token', id: 't1', name: 'ci'}}
    route('GET /v1/me', () => [200, {data: me}])
    assert.deepEqual(await client.getMe(), me)
    assert.equal(api.received[0].headers.authorization, `Bearer ${TOKEN}`)
  })

  it('lists regions', async () => {
    route('GET /v1/regions/postgres', () => [200, {data: [{id: 'us-east-1', type: 'region', name: 'US East', status: 'available'}]}])
    route('GET /v1/regions', () => [200, {data: [{id: 'us-east-1', type: 'region', name: 'US East', product: 'postgres'}]}])
    assert.equal((await client.listPostgresRegions())[0].status, 'available')
    assert.equal((await client.listRegions())[0].product, 'postgres')
  })

  it('lists the regions of Accelerate and of one product; gets a workspace by id', async () => {
    route('GET /v1/regions/accelerate', () => [200, {data: [{id: 'eu-central-1', type: 'region', name: 'Frankfurt'}]}])
    route('GET /v1/regions', () => [200, {data: [{id: 'eu-central-1', type: 'region', name: 'Frankfurt', product: 'accelerate'}]}])
    route('GET /v1/workspaces/w%2F1', () => [200, {data: workspace('w/1')}])
    assert.equal((await client.listAccelerateRegions())[0].id, 'eu-central-1')
    assert.equal((await client.listRegions('accelerate'))[0].product, 'accelerate')
    assert.equal((await client.getWorkspace('w/1')).id, 'w/1')
    assert.deepEqual(requests(), ['GET /v1/regions/accelerate', 'GET /v1/regions?product=accelerate', 'GET /v1/workspaces/w%2F1'])
  })

  it('lists (by project), pages, creates, gets, renames and deletes buckets', async () => {
    route('GET /v1/buckets', () => [200, {data: [bucket('b1')], pagination: {nextCursor: null, hasMore: false}}])
    route('POST /v1/buckets', (request) => [201, {data: {...bucket('b2'), name: JSON.parse(request.body).name}}])
    route('GET /v1/buckets/b2', () => [200, {data: bucket('b2')}])
    route('PATCH /v1/buckets/b2', (request) => [200, {data: {...bucket('b2'), name: JSON.parse(request.body).displayName}}])
    route('DELETE /v1/buckets/b2', () => [204])
    await all(client.listBuckets())
    await all(client.listBuckets({projectId: 'p 1', limit: 3}))
    assert.deepEqual(await client.bucketsPage({projectId: 'p1', cursor: 'c1'}), {data: [bucket('b1')], nextCursor: null})
    assert.equal((await client.createBucket({projectId: 'p1', name: 'uploads'})).name, 'uploads')
    assert.deepEqual(JSON.parse(api.received[3].body), {projectId: 'p1', name: 'uploads'})
    assert.equal((await client.getBucket('b2')).id, 'b2')
    assert.equal((await client.updateBucket('b2', {displayName: 'avatars'})).name, 'avatars')
    assert.deepEqual(JSON.parse(api.received[5].body), {displayName: 'avatars'})
    assert.equal(await client.deleteBucket('b2'), undefined)
    assert.deepEqual(requests(), [
      'GET /v1/buckets?limit=100',
      'GET /v1/buckets?projectId=p+1&limit=3',
      'GET /v1/buckets?projectId=p1&cursor=c1&limit=100',
      'POST /v1/buckets',
      'GET /v1/buckets/b2',
      'PATCH /v1/buckets/b2',
      'DELETE /v1/buckets/b2',
    ])
  })

  it('lists, creates and deletes bucket keys', async () => {
    route('GET /v1/buckets/b1/keys', () => [200, {data: [bucketKey('k1')], pagination: {nextCursor: 'n', hasMore: true}}])
    route('POST /v1/buckets/b1/keys', () => [201, {data: createdBucketKey('k2')}])
    route('DELETE /v1/buckets/b1/keys/k%3F2', () => [204])
    assert.deepEqual(await client.bucketKeysPage('b1', {limit: 1}), {data: [bucketKey('k1')], nextCursor: 'n'})
    assert.equal((await client.createBucketKey('b1', {role: 'read', name: 'reader'})).secretAccessKey, 'secret/Value+2')
    assert.deepEqual(JSON.parse(api.received[1].body), {role: 'read', name: 'reader'})
    await client.deleteBucketKey('b1', 'k?2')
    assert.deepEqual(requests(), ['GET /v1/buckets/b1/keys?limit=1', 'POST /v1/buckets/b1/keys', 'DELETE /v1/buckets/b1/keys/k%3F2'])
  })

  it('lists a workspace\'s integrations, gets one and revokes it, by id and by client id', async () => {
    route('GET /v1/workspaces/w1/integrations', () => [200, {data: [integration('i1')], pagination: {nextCursor: null, hasMore: false}}])
    route('GET /v1/integrations/i1', () => [200, {data: integration('i1')}])
    route('DELETE /v1/integrations/i1', () => [204])
    route('DELETE /v1/workspaces/w1/integrations/app%2F1', () => [204])
    assert.equal((await all(client.listIntegrations('w1')))[0].client.name, 'Deploy bot')
    assert.deepEqual((await client.integrationsPage('w1', {limit: 2})).nextCursor, null)
    assert.equal((await client.getIntegration('i1')).id, 'i1')
    await client.revokeIntegration('i1')
    await client.revokeWorkspaceIntegration('w1', 'app/1')
    assert.deepEqual(requests(), [
      'GET /v1/workspaces/w1/integrations?limit=100',
      'GET /v1/workspaces/w1/integrations?limit=2',
      'GET /v1/integrations/i1',
      'DELETE /v1/integrations/i1',
      'DELETE /v1/workspaces/w1/integrations/app%2F1',
    ])
  })

  it('creates, shows, renames and deletes a project', async () => {
    route('POST /v1/projects', (request) => [201, {data: {...project('p1'), name: JSON.parse(request.body).name, database: null}}])
    route('GET /v1/projects/p%2F1', () => [200, {data: project('p/1')}])
    route('PATCH /v1/projects/p1', (request) => [200, {data: {...project('p1'), ...JSON.parse(request.body)}}])
    route('DELETE /v1/projects/p1', () => [204])

    const created = await client.createProject({name: 'demo', region: 'eu-central-1', createDatabase: false})
    assert.equal(created.id, 'p1')
    assert.deepEqual(JSON.parse(api.received[0].body), {name: 'demo', region: 'eu-central-1', createDatabase: false})
    assert.equal((await client.getProject('p/1')).id, 'p/1')
    assert.equal((await client.renameProject('p1', 'renamed')).name, 'renamed')
    assert.deepEqual(JSON.parse(api.received[2].body), {name: 'renamed'})
    assert.equal(await client.deleteProject('p1'), undefined)
    assert.deepEqual(requests(), ['POST /v1/projects', 'GET /v1/projects/p%2F1', 'PATCH /v1/projects/p1', 'DELETE /v1/projects/p1'])
  })

  it('lists databases of all projects or of one', async () => {
    const list = {data: [database('db1')], pagination: {nextCursor: null, hasMore: false}}
    route('GET /v1/databases', () => [200, list])
    route('GET /v1/projects/p1/databases', () => [200, list])
    await all(client.listDatabases())
    await all(client.listDatabases({projectId: 'p1', limit: 10}))
    assert.deepEqual(requests(), ['GET /v1/databases?limit=100', 'GET /v1/projects/p1/databases?limit=10'])
  })

  it('gets, creates and deletes a database', async () => {
    route('GET /v1/databases/db1', () => [200, {data: database('db1', 'ready')}])
    route('POST /v1/projects/p1/databases', (request) => [201, {data: {...createdDatabase('db2'), name: JSON.parse(request.body).name}}])
    route('DELETE /v1/databases/db1', () => [204])
    assert.equal((await client.getDatabase('db1')).status, 'ready')
    const created = await client.createDatabase('p1', {name: 'second', region: 'us-west-1', isDefault: false})
    assert.equal(created.name, 'second')
    assert.equal(api.received[1].headers['content-type'], 'application/json')
    await client.deleteDatabase('db1')
    assert.deepEqual(requests(), ['GET /v1/databases/db1', 'POST /v1/projects/p1/databases', 'DELETE /v1/databases/db1'])
  })

  it('lists, gets, creates, rotates and deletes connections', async () => {
    route('GET /v1/databases/db1/connections', () => [200, {data: [connection('c1'), connection('c2')], pagination: {nextCursor: null, hasMore: false}}])
    route('GET /v1/connections/c1', () => [200, {data: connection('c1')}])
    route('POST /v1/databases/db1/connections', (request) => [200, {data: {...createdConnection('c3'), ...JSON.parse(request.body)}}])
    route('POST /v1/connections/c1/rotate', () => [200, {data: {...createdConnection('c1'), name: 'rotated'}}])
    route('DELETE /v1/connections/c1', () => [204])
    assert.deepEqual((await all(client.listConnections('db1', {limit: 1}))).map((c) => c.id), ['c1'])
    assert.equal((await client.getConnection('c1')).id, 'c1')
    assert.equal((await client.createConnection('db1', {name: 'ci'})).name, 'ci')
    assert.equal((await client.rotateConnection('c1')).name, 'rotated')
    await client.deleteConnection('c1')
    assert.deepEqual(requests(), [
      'GET /v1/databases/db1/connections?limit=1',
      'GET /v1/connections/c1',
      'POST /v1/databases/db1/connections',
      'POST /v1/connections/c1/rotate',
      'DELETE /v1/connections/c1',
    ])
    // Rotation has no body, so no content type either.
    assert.equal(api.received[3].headers['content-type'], undefined)
    assert.equal(api.received[3].body, '')
  })

  it('returns the whole body of backups and usage', async () => {
    const backups = {data: [{id: 'b1', backupType: 'full', createdAt: '2025-01-01T00:00:00Z', status: 'completed'}], meta: {backupRetentionDays: 7}, pagination: {hasMore: false, limit: 5}}
    const usage = {period: {start: '2025-01-01T00:00:00Z', end: '2025-01-31T00:00:00Z'}, metrics: {operations: {used: 10, unit: 'ops'}, storage: {used: 0.5, unit: 'GiB'}}, generatedAt: '2025-02-01T00:00:00Z'}
    route('GET /v1/databases/db1/backups', () => [200, backups])
    route('GET /v1/databases/db1/usage', () => [200, usage])
    assert.deepEqual(await client.listBackups('db1', {limit: 5}), backups)
    assert.deepEqual(await client.getUsage('db1', {startDate: '2025-01-01', endDate: '2025-01-31'}), usage)
    await client.getUsage('db1')
    assert.deepEqual(requests(), [
      'GET /v1/databases/db1/backups?limit=5',
      'GET /v1/databases/db1/usage?startDate=2025-01-01&endDate=2025-01-31',
      'GET /v1/databases/db1/usage',
    ])
  })

  it('restores a database: the source in the body, the answer checked', async () => {
    const source = {type: 'backup' as const, databaseId: 'db2', backupId: 'b1'}
    route('POST /v1/databases/db1/restore', (request) => [200, {data: {...database('db1', 'recovering'), source: JSON.parse(request.body).source}}])
    const restored = await client.restoreDatabase('db1', source)
    assert.equal(restored.status, 'recovering')
    assert.deepEqual(restored.source, source)
    assert.deepEqual(JSON.parse(api.received[0].body), {source})
    assert.equal(api.received[0].headers['content-type'], 'application/json')
    // Not the API talking: a database without an id.
    route('POST /v1/databases/db1/restore', () => [200, {data: {...database('db1'), id: undefined}}])
    await assert.rejects(client.restoreDatabase('db1', source), /POST \/v1\/databases\/db1\/restore: the API answered with something that is not a database \(data\.id is missing\)/)
  })

  it('refuses a single-resource answer without data', async () => {
    route('GET /v1/databases/db1', () => [200, {id: 'db1'}])
    await assert.rejects(client.getDatabase('db1'), InvalidResponseError)
  })

  it('refuses an empty, blank, "." or ".." id rather than hit another path', async () => {
    for (const id of ['', '  ', '.', '..']) {
      await assert.rejects(async () => client.deleteProject(id), InvalidIdError, `deleteProject(${JSON.stringify(id)}) is refused`)
    }
    assert.equal(api.received.length, 0, 'no request was sent')
  })
})
