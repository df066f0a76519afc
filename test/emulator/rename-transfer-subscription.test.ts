// The emulator's database rename, project transfer and workspace subscription, with the test hooks
// that mint a token for another workspace and block a workspace's usage.
import assert from 'node:assert/strict'
import {createHash, randomBytes} from 'node:crypto'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import type {Client, Json} from './emulator-client.js'
import {clientFor, startClient} from './emulator-client.js'
import {STATE_FILE, startEmulator} from '../../src/emulator/index.js'

type Data<T> = {data: T}
type Problem = {error: {code: string; message: string; hint?: string}}
interface Project {
  id: string
  name: string
  workspace: {id: string; name: string}
}
interface Database {
  id: string
  name: string
  status: string
  project: {id: string}
  logicalId: string | null
}

/** A browser login through the emulator's OAuth server that picks `workspace`; its access token. */
async function oauthAccessToken(url: string, clientId: string, workspace: string): Promise<string> {
  const verifier = randomBytes(32).toString('base64url')
  const redirectUri = 'http://127.0.0.1:53682/auth/callback'
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'workspace:admin offline_access',
    state: 's1',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  })
  const page = await (await fetch(`${url}/authorize?${query}`)).text()
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page)?.[1]
  assert.ok(csrf, page)
  const form = (fields: Record<string, string>) => ({method: 'POST', redirect: 'manual' as const, headers: {'content-type': 'application/x-www-form-urlencoded'}, body: new URLSearchParams(fields)})
  const approved = await fetch(`${url}/authorize`, form({csrf_token: csrf, decision: 'approve', workspace}))
  const code = new URL(approved.headers.get('location') ?? '').searchParams.get('code')
  assert.ok(code, `approved: ${approved.status}`)
  const tokens = await fetch(`${url}/token`, form({grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier}))
  assert.equal(tokens.status, 200)
  return ((await tokens.json()) as {access_token: string}).access_token
}

describe('emulator: rename, transfer, subscription', () => {
  let client: Client
  /** The second workspace and a service token of it, minted through the hook. */
  let other: {id: string; token: string}
  const as = (token: string, method: string, path: string, body?: unknown) => client.call(method, path, body, {authorization: `Bearer ${token}`})

  const newProject = async (name: string): Promise<{project: Project; databaseId: string}> => {
    const created = await client.call<Data<Project & {database: {id: string}}>>('POST', '/v1/projects', {name, region: 'eu-west-3'})
    assert.equal(created.status, 201, created.text)
    return {project: created.body.data, databaseId: created.body.data.database.id}
  }

  before(async () => {
    client = await startClient()
    const workspace = await client.call<Data<{id: string}>>('POST', '/__emulator/workspaces', {name: 'Receiving Team'})
    assert.equal(workspace.status, 201, workspace.text)
    const minted = await client.call<Data<{value: string; name: string}>>('POST', `/__emulator/workspaces/${workspace.body.data.id}/service-tokens`, {name: 'recipient'})
    assert.equal(minted.status, 201, minted.text)
    assert.equal(minted.body.data.name, 'recipient')
    other = {id: workspace.body.data.id, token: minted.body.data.value}
  })
  after(async () => {
    await client.emulator.close()
  })

  describe('PATCH /v1/databases/{id}', () => {
    it('renames the database; GET and lists show the new name', async () => {
      const {databaseId} = await newProject('rename-me')
      const patched = await client.call<Data<Database>>('PATCH', `/v1/databases/${databaseId}`, {name: '  analytics  '})
      assert.equal(patched.status, 200, patched.text)
      assert.equal(patched.body.data.id, databaseId)
      assert.equal(patched.body.data.name, 'analytics', 'trimmed like every name')
      assert.equal((await client.call<Data<Database>>('GET', `/v1/databases/${databaseId}`)).body.data.name, 'analytics')
      const listed = await client.call<Data<Database[]>>('GET', '/v1/databases')
      assert.equal(listed.body.data.find((d) => d.id === databaseId)?.name, 'analytics')
    })

    it('sets a logicalId, and refuses one another database of the project has (409)', async () => {
      const {project, databaseId} = await newProject('logical')
      const second = await client.call<Data<Database>>('POST', `/v1/projects/${project.id}/databases`, {name: 'second'})
      assert.equal((await client.call('PATCH', `/v1/databases/${databaseId}`, {logicalId: 'main'})).status, 200)
      const clash = await client.call<Problem>('PATCH', `/v1/databases/${second.body.data.id}`, {logicalId: 'main'})
      assert.equal(clash.status, 409, clash.text)
      assert.equal(clash.body.error.code, 'conflict')
    })

    it('answers 400 for an empty or non-string name, naming the field, and changes nothing', async () => {
      const {databaseId} = await newProject('keep-name')
      for (const name of ['', '   ', 42]) {
        const answer = await client.call<Problem>('PATCH', `/v1/databases/${databaseId}`, {name})
        assert.equal(answer.status, 400, answer.text)
        assert.equal(answer.body.error.code, 'validation-error')
        assert.match(answer.body.error.message, /^name must/)
      }
      assert.equal((await client.call<Data<Database>>('GET', `/v1/databases/${databaseId}`)).body.data.name, 'keep-name')
    })

    it('answers 404 for an unknown database and for one of another workspace, 422 for a branch move', async () => {
      const missing = await client.call<Problem>('PATCH', '/v1/databases/cnosuchdatabase0000000000', {name: 'x'})
      assert.equal(missing.status, 404, missing.text)
      const {databaseId} = await newProject('not-yours')
      const foreign = await as(other.token, 'PATCH', `/v1/databases/${databaseId}`, {name: 'mine'})
      assert.equal(foreign.status, 404, foreign.text)
      const branch = await client.call<Problem>('PATCH', `/v1/databases/${databaseId}`, {branchId: 'b1'})
      assert.equal(branch.status, 422, branch.text)
    })
  })

  describe('POST /v1/projects/{id}/transfer', () => {
    it('moves the project with its databases and connections to the recipient token\'s workspace (204, no body)', async () => {
      const {project, databaseId} = await newProject('moving')
      const connection = await client.call<Data<{id: string}>>('POST', `/v1/databases/${databaseId}/connections`, {name: 'extra'})
      assert.equal(connection.status, 200, connection.text)
      const answer = await client.call('POST', `/v1/projects/${project.id}/transfer`, {recipientAccessToken: other.token})
      assert.equal(answer.status, 204, answer.text)
      assert.equal(answer.text, '')

      // Gone for the sender, everywhere.
      assert.equal((await client.call('GET', `/v1/projects/${project.id}`)).status, 404)
      assert.ok(!(await client.call<Data<Project[]>>('GET', '/v1/projects')).body.data.some((p) => p.id === project.id))
      assert.ok(!(await client.call<Data<Database[]>>('GET', '/v1/databases')).body.data.some((d) => d.id === databaseId))
      assert.equal((await client.call('GET', `/v1/connections/${connection.body.data.id}`)).status, 404)

      // There for the recipient, databases and connections included.
      const shown = await as(other.token, 'GET', `/v1/projects/${project.id}`)
      assert.equal(shown.status, 200, shown.text)
      assert.equal((shown.body as Data<Project>).data.workspace.id, other.id)
      assert.ok(((await as(other.token, 'GET', '/v1/projects')).body as Data<Project[]>).data.some((p) => p.id === project.id))
      const databases = (await as(other.token, 'GET', '/v1/databases')).body as Data<Database[]>
      assert.deepEqual(databases.data.filter((d) => d.project.id === project.id).map((d) => d.id), [databaseId])
      const connections = (await as(other.token, 'GET', '/v1/connections')).body as Data<{id: string}[]>
      assert.equal(connections.data.filter((c) => c.id === connection.body.data.id).length, 1)
      // And the recipient can work on it.
      assert.equal((await as(other.token, 'PATCH', `/v1/databases/${databaseId}`, {name: 'theirs'})).status, 200)
    })

    it('takes an OAuth access token of the receiving workspace as well', async () => {
      const {project} = await newProject('moving-by-oauth')
      const access = await oauthAccessToken(client.emulator.url, client.emulator.oauthClientId, other.id)
      const answer = await client.call('POST', `/v1/projects/${project.id}/transfer`, {recipientAccessToken: access})
      assert.equal(answer.status, 204, answer.text)
      assert.equal((((await as(access, 'GET', `/v1/projects/${project.id}`)).body) as Data<Project>).data.workspace.id, other.id)
    })

    it('answers 409 for a project already in the recipient\'s workspace', async () => {
      const {project} = await newProject('stay')
      const answer = await client.call<Problem>('POST', `/v1/projects/${project.id}/transfer`, {recipientAccessToken: client.emulator.token})
      assert.equal(answer.status, 409, answer.text)
      assert.match(answer.body.error.message, /already in workspace/)
    })

    it('answers 401 for a recipient token that authenticates no workspace, and never repeats it', async () => {
      const {project} = await newProject('bad-recipient')
      const answer = await client.call<Problem>('POST', `/v1/projects/${project.id}/transfer`, {recipientAccessToken: 'not-a-token-of-anyone'})
      assert.equal(answer.status, 401, answer.text)
      assert.equal(answer.body.error.code, 'invalid-recipient-token')
      assert.ok(!answer.text.includes('not-a-token-of-anyone'))
      assert.equal((await client.call('GET', `/v1/projects/${project.id}`)).status, 200, 'it stays')
    })

    it('answers 400 without a recipientAccessToken, 404 for a project the caller cannot see', async () => {
      const {project} = await newProject('no-body')
      for (const body of [undefined, {}, {recipientAccessToken: ' '}, {recipientAccessToken: 7}]) {
        const answer = await client.call<Problem>('POST', `/v1/projects/${project.id}/transfer`, body)
        assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${answer.text}`)
        assert.match(answer.body.error.message, /recipientAccessToken/)
      }
      const missing = await client.call('POST', '/v1/projects/cnosuchproject00000000000/transfer', {recipientAccessToken: other.token})
      assert.equal(missing.status, 404)
      const foreign = await as(other.token, 'POST', `/v1/projects/${project.id}/transfer`, {recipientAccessToken: other.token})
      assert.equal(foreign.status, 404)
    })

    it('answers 409 "cannot be transferred in its current state" while a database is provisioning', async () => {
      const slow = clientFor(await startEmulator({port: 0, provisionDelayMs: 600_000}))
      try {
        const workspace = await slow.call<Data<{id: string}>>('POST', '/__emulator/workspaces', {name: 'B'})
        const minted = await slow.call<Data<{value: string}>>('POST', `/__emulator/workspaces/${workspace.body.data.id}/service-tokens`, {name: 'b'})
        const created = await slow.call<Data<{id: string}>>('POST', '/v1/projects', {name: 'busy'})
        const answer = await slow.call<Problem>('POST', `/v1/projects/${created.body.data.id}/transfer`, {recipientAccessToken: minted.body.data.value})
        assert.equal(answer.status, 409, answer.text)
        assert.match(answer.body.error.message, /cannot be transferred in its current state: database \S+ is provisioning/)
      } finally {
        await slow.emulator.close()
      }
    })
  })

  it('with --data-dir, a transferred project and a blocked plan are still so after a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-emulator-transfer-'))
    let emulator = await startEmulator({port: 0, dataDir, token: 'emu_persist_token_0001'})
    try {
      const workspace = emulator.addWorkspace('Kept')
      const token = emulator.mintServiceToken(workspace.id, 'kept')!.value
      const first = clientFor(emulator)
      const created = await first.call<Data<{id: string; database: {id: string}}>>('POST', '/v1/projects', {name: 'kept'})
      assert.equal((await first.call('POST', `/v1/projects/${created.body.data.id}/transfer`, {recipientAccessToken: token})).status, 204)
      assert.equal(emulator.setSubscription(workspace.id, {planName: 'Team', usageBlocked: true})?.usageBlocked, true)
      await emulator.close()
      emulator = await startEmulator({port: 0, dataDir, token: 'emu_persist_token_0001'})
      const again = clientFor(emulator)
      const as2 = (method: string, path: string, body?: unknown) => again.call(method, path, body, {authorization: `Bearer ${token}`})
      assert.equal(((await as2('GET', `/v1/projects/${created.body.data.id}`)).body as Data<Project>).data.workspace.id, workspace.id)
      assert.equal((await as2('GET', `/v1/databases/${created.body.data.database.id}`)).status, 200)
      assert.equal((await again.call('GET', `/v1/projects/${created.body.data.id}`)).status, 404)
      assert.equal(((await as2('GET', `/v1/workspaces/${workspace.id}/subscription`)).body as Data<Json>).data.planName, 'Team')
      assert.equal((await as2('POST', '/v1/projects', {name: 'no'})).status, 403)
      await emulator.close()
      // A plan of the wrong shape in the state file stops the start, naming the file.
      const file = join(dataDir, STATE_FILE)
      const state = JSON.parse(await readFile(file, 'utf8')) as {otherWorkspaces: {subscription: Record<string, unknown>}[]}
      state.otherWorkspaces[0].subscription.usageBlocked = 'yes'
      await writeFile(file, JSON.stringify(state), {mode: 0o600})
      await assert.rejects(startEmulator({port: 0, dataDir, token: 'emu_persist_token_0001'}), (error: Error) => error.message.includes(file))
    } finally {
      await emulator.close()
      await rm(dataDir, {recursive: true, force: true})
    }
  })

  describe('GET /v1/workspaces/{id}/subscription and blocked usage', () => {
    it('is the free plan, not blocked, with the console\'s upgrade URL by default; 404 for another workspace', async () => {
      const me = (await client.call<Data<{workspace: {id: string}}>>('GET', '/v1/me')).body.data
      const answer = await client.call<Data<Json>>('GET', `/v1/workspaces/${me.workspace.id}/subscription`)
      assert.equal(answer.status, 200, answer.text)
      assert.deepEqual(answer.body.data, {planName: 'Free', usageBlocked: false, upgradeUrl: `https://console.prisma.io/${me.workspace.id}/settings/billing`})
      assert.equal((await client.call('GET', `/v1/workspaces/${other.id}/subscription`)).status, 404)
    })

    it('the hook blocks a workspace: creates of projects and databases answer 403 usage-blocked until it is lifted', async () => {
      const blocked = await client.call<Data<{id: string}>>('POST', '/__emulator/workspaces', {name: 'Blocked Team'})
      const id = blocked.body.data.id
      const token = (await client.call<Data<{value: string}>>('POST', `/__emulator/workspaces/${id}/service-tokens`, {name: 't'})).body.data.value
      const before = await as(token, 'POST', '/v1/projects', {name: 'before-block', createDatabase: false})
      assert.equal(before.status, 201, before.text)
      const projectId = (before.body as Data<{id: string}>).data.id

      const set = await client.call<Data<Json>>('PATCH', `/__emulator/workspaces/${id}/subscription`, {planName: 'Starter', usageBlocked: true, upgradeUrl: 'https://console.example.test/upgrade'})
      assert.equal(set.status, 200, set.text)
      assert.deepEqual(set.body.data, {planName: 'Starter', usageBlocked: true, upgradeUrl: 'https://console.example.test/upgrade'})
      assert.deepEqual((await as(token, 'GET', `/v1/workspaces/${id}/subscription`)).body, {data: set.body.data})

      const project = await as(token, 'POST', '/v1/projects', {name: 'refused'})
      assert.equal(project.status, 403, project.text)
      assert.equal((project.body as Problem).error.code, 'usage-blocked')
      assert.deepEqual(project.body, {error: {code: 'usage-blocked', message: "No project can be created while the workspace's usage is blocked.", hint: 'Upgrade the Starter plan to lift the block.'}})
      const database = await as(token, 'POST', `/v1/projects/${projectId}/databases`, {})
      assert.equal(database.status, 403, database.text)
      assert.equal((database.body as Problem).error.code, 'usage-blocked')
      assert.ok(!((await as(token, 'GET', '/v1/projects')).body as Data<Project[]>).data.some((p) => p.name === 'refused'), 'nothing was created')
      // Other workspaces are not affected.
      assert.equal((await client.call('POST', '/v1/projects', {name: 'elsewhere', createDatabase: false})).status, 201)

      // Changing one field keeps the others.
      const lifted = await client.call<Data<Json>>('PATCH', `/__emulator/workspaces/${id}/subscription`, {usageBlocked: false})
      assert.deepEqual(lifted.body.data, {planName: 'Starter', usageBlocked: false, upgradeUrl: 'https://console.example.test/upgrade'})
      assert.equal((await as(token, 'POST', '/v1/projects', {name: 'after-block', createDatabase: false})).status, 201)
    })

    it('the hooks answer 404 for an unknown workspace and 400 for a bad body; they take the emulator\'s own token only', async () => {
      assert.equal((await client.call('PATCH', '/__emulator/workspaces/cnosuch/subscription', {usageBlocked: true})).status, 404)
      assert.equal((await client.call('POST', '/__emulator/workspaces/cnosuch/service-tokens', {name: 'x'})).status, 404)
      for (const body of [{usageBlocked: 'yes'}, {planName: ''}, {upgradeUrl: 'not a url'}]) {
        const answer = await client.call('PATCH', `/__emulator/workspaces/${other.id}/subscription`, body)
        assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${answer.text}`)
      }
      assert.equal((await client.call('POST', `/__emulator/workspaces/${other.id}/service-tokens`, {})).status, 400)
      assert.equal((await as(other.token, 'PATCH', `/__emulator/workspaces/${other.id}/subscription`, {usageBlocked: true})).status, 403)
    })
  })
})
