// Service tokens: listed newest first with the emulator's own token last, minted with their value
// once, authenticating every endpoint for their workspace until deleted; only digests are saved.
import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import type {Me, Pagination, Project} from '../../src/api/contract.js'
import type {ResponseBody} from '../../src/api/contract.js'
import {STATE_FILE, startEmulator} from '../../src/emulator/index.js'
import {clientFor, startClient, type Client} from './emulator-client.js'

type Listed = ResponseBody<'getV1WorkspacesByWorkspaceIdService-tokens', 200>['data'][number]
type Created = ResponseBody<'postV1WorkspacesByWorkspaceIdService-tokens', 201>['data']
type Data<T> = {data: T}
type List<T> = {data: T[]; pagination: Pagination}
type Problem = {error: {code: string; message: string}}

const bearer = (token: string) => ({authorization: `Bearer ${token}`})

describe('service tokens', () => {
  let client: Client
  let workspaceId: string
  let path: string

  before(async () => {
    client = await startClient()
    workspaceId = (await client.call<Data<Me>>('GET', '/v1/me')).body.data.workspace!.id
    path = `/v1/workspaces/${workspaceId}/service-tokens`
  })
  after(async () => {
    await client?.emulator.close()
  })

  it("lists the emulator's own token, without its value", async () => {
    const answer = await client.call<List<Listed>>('GET', path)
    assert.equal(answer.status, 200, answer.text)
    const me = (await client.call<Data<Me>>('GET', '/v1/me')).body.data
    assert.equal(answer.body.data.length, 1, 'only the startup token exists at first')
    const [own] = answer.body.data
    assert.equal(own.id, me.credential.id, "the listed token is the one /v1/me names")
    assert.equal(own.type, 'serviceToken', 'the contract type')
    assert.equal(own.expiresAt, null, 'the startup token does not expire')
    assert.ok(!answer.text.includes(client.emulator.token), 'the value is never listed')
    assert.deepEqual(answer.body.pagination, {nextCursor: null, hasMore: false}, 'one page')
  })

  it('creates a token whose value authenticates every endpoint until it is deleted', async () => {
    const created = await client.call<Data<Created>>('POST', path, {name: 'ci'})
    assert.equal(created.status, 201, created.text)
    const token = created.body.data
    assert.equal(token.name, 'ci', 'the name given')
    assert.equal(token.type, 'serviceToken', 'the contract type')
    assert.match(token.value, /^emu_[\w-]{20,}$/, 'a value is returned')
    assert.equal(token.valueHint, `${token.value.slice(0, 4)}…${token.value.slice(-4)}`, 'the hint shows the ends of the value')

    const me = await client.call<Data<Me>>('GET', '/v1/me', undefined, bearer(token.value))
    assert.equal(me.status, 200, me.text)
    assert.deepEqual(me.body.data.credential, {type: 'service_token', id: token.id, name: 'ci'}, '/v1/me names the minted token')
    assert.equal(me.body.data.workspace?.id, workspaceId, 'the token acts in its workspace')
    const project = await client.call<Data<Project>>('POST', '/v1/projects', {name: 'by-minted', createDatabase: false}, bearer(token.value))
    assert.equal(project.status, 201, project.text)
    const projects = await client.call<List<Project>>('GET', '/v1/projects', undefined, bearer(token.value))
    assert.ok(projects.body.data.some((p) => p.id === project.body.data.id), 'the minted token sees the workspace\'s projects')

    const listed = await client.call<List<Listed>>('GET', path)
    assert.deepEqual(listed.body.data.map((t) => t.name), ['ci', 'Emulator service token'], 'newest first, the startup token last')
    assert.ok(!listed.text.includes(token.value), 'the value is never listed')
    const hook = await client.call('GET', '/__emulator/requests', undefined, bearer(token.value))
    assert.equal(hook.status, 403, 'the test endpoints take only the emulator\'s own token')

    const deleted = await client.call('DELETE', `${path}/${token.id}`)
    assert.equal(deleted.status, 204, deleted.text)
    const after = await client.call<Problem>('GET', '/v1/projects', undefined, bearer(token.value))
    assert.equal(after.status, 401, 'a deleted token no longer authenticates')
    const again = await client.call<Problem>('DELETE', `${path}/${token.id}`)
    assert.equal(again.status, 404, 'a deleted token is not found')
    assert.equal(again.body.error.code, 'not-found', 'the API error code')
  })

  it('pages newest first with cursors', async () => {
    const made: Created[] = []
    for (const name of ['p1', 'p2', 'p3']) made.push((await client.call<Data<Created>>('POST', path, {name})).body.data)
    try {
      const first = await client.call<List<Listed>>('GET', `${path}?limit=2`)
      assert.deepEqual(first.body.data.map((t) => t.name), ['p3', 'p2'], 'the first page holds the newest')
      assert.equal(first.body.pagination.hasMore, true, 'more follow')
      const second = await client.call<List<Listed>>('GET', `${path}?limit=2&cursor=${first.body.pagination.nextCursor}`)
      assert.deepEqual(second.body.data.map((t) => t.name), ['p1', 'Emulator service token'], 'the second page continues')
      assert.deepEqual(second.body.pagination, {nextCursor: null, hasMore: false}, 'the last page')
    } finally {
      for (const token of made) await client.call('DELETE', `${path}/${token.id}`)
    }
  })

  it("refuses another workspace's tokens, unknown ids, a missing name and deleting its own token", async () => {
    const other = client.emulator.addWorkspace('Other')
    const listed = await client.call<List<Listed>>('GET', `/v1/workspaces/${other.id}/service-tokens`)
    assert.equal(listed.status, 200, 'the contract lists nothing for a workspace the caller is not in')
    assert.deepEqual(listed.body.data, [], 'nothing of another workspace')
    assert.equal((await client.call('GET', '/v1/workspaces/nope/service-tokens')).status, 200, 'an unknown workspace lists nothing')
    assert.equal((await client.call('POST', `/v1/workspaces/${other.id}/service-tokens`, {name: 'x'})).status, 404, "no minting in another workspace")
    assert.equal((await client.call('POST', '/v1/workspaces/nope/service-tokens', {name: 'x'})).status, 404, 'no minting in an unknown workspace')
    assert.equal((await client.call('DELETE', `/v1/workspaces/${other.id}/service-tokens/x`)).status, 404, "no deleting in another workspace")
    assert.equal((await client.call('DELETE', `${path}/nope`)).status, 404, 'an unknown token')
    assert.equal((await client.call('POST', path, {})).status, 400, 'a name is required')
    const me = (await client.call<Data<Me>>('GET', '/v1/me')).body.data
    const own = await client.call<Problem>('DELETE', `${path}/${me.credential.id}`)
    assert.equal(own.status, 422, "the emulator's own token is not deleted")
    assert.equal((await client.call('GET', '/v1/me')).status, 200, 'and still works')
  })
})

describe('service tokens with a data dir', () => {
  let root: string

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'prisma-mgmt-tokens-'))
  })
  after(async () => {
    await rm(root, {recursive: true, force: true})
  })

  it('keeps digests only, and the tokens keep working after a restart', async () => {
    const dataDir = join(root, 'state')
    const first = await startClient({dataDir})
    let value: string
    try {
      const workspaceId = (await first.call<Data<Me>>('GET', '/v1/me')).body.data.workspace!.id
      value = (await first.call<Data<Created>>('POST', `/v1/workspaces/${workspaceId}/service-tokens`, {name: 'kept'})).body.data.value
    } finally {
      await first.emulator.close()
    }
    const saved = await readFile(join(dataDir, STATE_FILE), 'utf8')
    assert.ok(!saved.includes(value), 'the value is never saved')
    assert.ok(saved.includes(createHash('sha256').update(value).digest('hex')), 'its digest is saved')

    const second = clientFor(await startEmulator({port: 0, dataDir}))
    try {
      const me = await second.call<Data<Me>>('GET', '/v1/me', undefined, bearer(value))
      assert.equal(me.status, 200, 'a minted token works after a restart')
      assert.equal(me.body.data.credential.name, 'kept', 'and is still itself')
    } finally {
      await second.emulator.close()
    }
  })

  it('refuses a token whose expiry has passed', async () => {
    const dataDir = join(root, 'expiring')
    const first = await startClient({dataDir})
    let value: string
    try {
      const workspaceId = (await first.call<Data<Me>>('GET', '/v1/me')).body.data.workspace!.id
      value = (await first.call<Data<Created>>('POST', `/v1/workspaces/${workspaceId}/service-tokens`, {name: 'short'})).body.data.value
    } finally {
      await first.emulator.close()
    }
    // The API mints tokens without an expiry; a state file may still carry one.
    const file = join(dataDir, STATE_FILE)
    const state = JSON.parse(await readFile(file, 'utf8')) as {serviceTokens: {expiresAt: string | null}[]}
    state.serviceTokens[0].expiresAt = '2000-01-01T00:00:00.000Z'
    await writeFile(file, JSON.stringify(state))
    const second = clientFor(await startEmulator({port: 0, dataDir}))
    try {
      assert.equal((await second.call('GET', '/v1/me', undefined, bearer(value))).status, 401, 'an expired token is refused')
    } finally {
      await second.emulator.close()
    }
  })
})
