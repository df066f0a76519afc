// Every stable endpoint of the contract is served, and the ones added beside buckets answer as the
// contract says, through Prisma's own SDK client: a workspace by id, Accelerate regions, the body
// forms of creating a database and a connection, agent approvals, and integrations (an OAuth login
// to the emulator is one; revoking it ends that login's tokens).
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {after, before, describe, it} from 'node:test'

import {createManagementApiClient} from '@prisma/management-api-sdk'
import type {ManagementApiClient} from '@prisma/management-api-sdk'

import type {Emulator} from '../../src/emulator/index.js'
import {startEmulator} from '../../src/emulator/index.js'
import {matchRoute} from '../../src/emulator/routes.js'
import {conforms} from '../sdk-shape.js'
import type {Shape} from '../sdk-shape.js'
import {api, login, refresh} from './oauth-flow.js'

/**
 * The operations of the SDK's `paths` the contract does not mark experimental or deprecated: its
 * JSDoc says "⚠️ Experimental endpoint" on the others, and `@deprecated` on the retired ones.
 */
function stableOperations(): {method: string; path: string}[] {
  const file = createRequire(import.meta.url).resolve('@prisma/management-api-sdk').replace(/index\.c?js$/, 'index.d.ts')
  const text = readFileSync(file, 'utf8')
  const start = text.indexOf('interface paths {')
  const body = text.slice(start, text.indexOf('\n}\n', start))
  const found: {method: string; path: string}[] = []
  let path = ''
  let comment = ''
  for (const line of body.split('\n')) {
    const opened = /^ {2}"(\/[^"]*)": \{/.exec(line)
    if (opened) {
      path = opened[1]
      comment = ''
      continue
    }
    if (/^\s*\/\*\*|^\s*\*/.test(line)) comment += line
    const operation = /^ {4}(get|put|post|delete|patch): operations\[/.exec(line)
    if (operation) {
      if (!comment.includes('Experimental endpoint') && !comment.includes('@deprecated')) found.push({method: operation[1].toUpperCase(), path})
      comment = ''
    } else if (/^ {4}\w+\?: never;/.test(line)) {
      comment = ''
    }
  }
  return found
}

const workspaceShape: Shape = {id: 'string', type: {const: 'workspace'}, url: 'uri', name: 'string', createdAt: 'date-time'}
const integrationShape: Shape = {
  id: 'string',
  url: 'uri',
  createdAt: 'date-time',
  scopes: {array: 'string'},
  client: {id: 'string', name: 'string', createdAt: 'date-time'},
  createdByUser: {id: 'string', email: 'string', displayName: 'string|null'},
}
const pageShape: Shape = {nextCursor: 'string|null', hasMore: 'boolean'}

describe('the stable endpoints', () => {
  let emulator: Emulator
  let sdk: ManagementApiClient
  let workspaceId: string

  before(async () => {
    emulator = await startEmulator({port: 0, databases: 'none'})
    sdk = createManagementApiClient({baseUrl: emulator.url, token: emulator.token})
    workspaceId = (await sdk.GET('/v1/me')).data!.data.workspace!.id
  })
  after(async () => {
    await emulator.close()
  })

  it('serves every operation the contract marks neither experimental nor deprecated (47)', () => {
    const stable = stableOperations()
    assert.equal(stable.length, 47, `the SDK lists ${stable.length} stable operations`)
    // A route is matched on concrete ids, as a request would send them.
    const unserved = stable.filter(({method, path}) => !matchRoute(method, path.replace(/\{[^}]+\}/g, 'cexample0000000000000000000')))
    assert.deepEqual(unserved, [], 'every stable operation has a route')
  })

  it('GET /v1/workspaces/{id}: the caller\'s workspace; another or an unknown one is 404', async () => {
    const got = await sdk.GET('/v1/workspaces/{id}', {params: {path: {id: workspaceId}}})
    assert.equal(got.response.status, 200)
    conforms(got.data, {data: workspaceShape}, 'GET /v1/workspaces/{id}')
    const listed = await sdk.GET('/v1/workspaces')
    assert.deepEqual(got.data!.data, listed.data!.data[0], 'the same workspace the list shows')
    const elsewhere = emulator.addWorkspace('Elsewhere')
    for (const id of [elsewhere.id, 'cnosuchworkspace0000000000']) {
      const missing = await sdk.GET('/v1/workspaces/{id}', {params: {path: {id}}})
      assert.equal(missing.response.status, 404)
      assert.equal(missing.error?.error.code, 'not-found')
    }
  })

  it('GET /v1/regions/accelerate: the Accelerate regions, matching the accelerate product of GET /v1/regions', async () => {
    const got = await sdk.GET('/v1/regions/accelerate')
    assert.equal(got.response.status, 200)
    conforms(got.data, {data: {array: {id: 'string', type: {const: 'region'}, name: 'string'}}}, 'GET /v1/regions/accelerate')
    const all = await sdk.GET('/v1/regions', {params: {query: {product: 'accelerate'}}})
    assert.deepEqual(
      got.data!.data.map((region) => [region.id, region.name]),
      all.data!.data.map((region) => [region.id, region.name]),
    )
    assert.ok(got.data!.data.some((region) => region.id === 'eu-central-1'))
  })

  it('POST /v1/databases: the project in the body, 201 with the database and its first connection\'s secret', async () => {
    const project = (await sdk.POST('/v1/projects', {body: {name: 'body-forms', createDatabase: false}})).data!.data
    const created = await sdk.POST('/v1/databases', {body: {projectId: project.id, name: 'from-body', region: 'eu-west-3', logicalId: 'main-db'}})
    assert.equal(created.response.status, 201, JSON.stringify(created.error))
    const database = created.data!.data
    assert.equal(database.name, 'from-body')
    assert.equal(database.region?.id, 'eu-west-3')
    assert.equal(database.logicalId, 'main-db')
    assert.equal(database.project.id, project.id)
    assert.equal(database.connections.length, 1)
    assert.ok(database.connections[0].endpoints.direct?.connectionString, 'the new connection carries its secret')
    const listed = await sdk.GET('/v1/projects/{projectId}/databases', {params: {path: {projectId: project.id}}})
    assert.deepEqual(listed.data?.data.map((item) => item.id), [database.id])

    const conflict = await sdk.POST('/v1/databases', {body: {projectId: project.id, logicalId: 'main-db'}})
    assert.equal(conflict.response.status, 409)
    const missing = await sdk.POST('/v1/databases', {body: {} as never})
    assert.equal(missing.response.status, 400)
    assert.match(missing.error?.error.message ?? '', /projectId is required/)
    const badRegion = await sdk.POST('/v1/databases', {body: {projectId: project.id, region: 'mars-1' as never}})
    assert.equal(badRegion.response.status, 400)
    const unknown = await sdk.POST('/v1/databases', {body: {projectId: 'cnosuchproject000000000000'}})
    assert.equal(unknown.response.status, 404)
  })

  it('POST /v1/connections: the database in the body, 201 with the new connection\'s secret', async () => {
    const project = (await sdk.POST('/v1/projects', {body: {name: 'connections-body'}})).data!.data
    const databaseId = project.database!.id
    const created = await sdk.POST('/v1/connections', {body: {databaseId, name: 'from-body'}})
    assert.equal(created.response.status, 201, JSON.stringify(created.error))
    const connection = created.data!.data
    assert.equal(connection.name, 'from-body')
    assert.equal(connection.database.id, databaseId)
    assert.ok(connection.endpoints.direct?.connectionString, 'the secret, once')
    assert.equal(connection.connectionString, connection.endpoints.direct?.connectionString)
    const shown = await sdk.GET('/v1/connections/{id}', {params: {path: {id: connection.id}}})
    assert.equal(shown.response.status, 200)
    assert.equal(JSON.stringify(shown.data).includes('connectionString'), false, 'a GET shows no secret')

    const noName = await sdk.POST('/v1/connections', {body: {databaseId} as never})
    assert.equal(noName.response.status, 400)
    assert.match(noName.error?.error.message ?? '', /name is required/)
    const noDatabase = await sdk.POST('/v1/connections', {body: {name: 'x'} as never})
    assert.equal(noDatabase.response.status, 400)
    assert.match(noDatabase.error?.error.message ?? '', /databaseId is required/)
    const unknown = await sdk.POST('/v1/connections', {body: {databaseId: 'cnosuchdatabase00000000000', name: 'x'}})
    assert.equal(unknown.response.status, 404)
  })

  it('GET /v1/agent-approvals/{approvalId}: the emulator asks for no approvals, so every id is 404', async () => {
    const got = await sdk.GET('/v1/agent-approvals/{approvalId}', {params: {path: {approvalId: 'cnosuchapproval00000000000'}}})
    assert.equal(got.response.status, 404)
    assert.equal((got.error as {error: {code: string}} | undefined)?.error.code, 'not-found')
  })

  describe('integrations: OAuth logins to the emulator', () => {
    it('a login appears as an integration of its workspace; another workspace\'s list and unknown ids are empty or 404', async () => {
      const before = await sdk.GET('/v1/integrations', {params: {query: {workspaceId}}})
      assert.equal(before.response.status, 200)
      assert.deepEqual(before.data?.data, [], 'no login yet, no integration')

      const tokens = await login(emulator)
      const listed = await sdk.GET('/v1/integrations', {params: {query: {workspaceId}}})
      conforms(listed.data, {data: {array: integrationShape}, pagination: pageShape}, 'GET /v1/integrations')
      assert.equal(listed.data!.data.length, 1)
      const [integration] = listed.data!.data
      assert.equal(integration.client.id, emulator.oauthClientId)
      assert.deepEqual(integration.scopes, ['workspace:admin', 'offline_access'])
      assert.equal(integration.url, `${emulator.url}/v1/integrations/${integration.id}`)
      assert.equal(integration.createdByUser.email, 'emulator-user@example.com')

      const inWorkspace = await sdk.GET('/v1/workspaces/{workspaceId}/integrations', {params: {path: {workspaceId}}})
      conforms(inWorkspace.data, {data: {array: integrationShape}, pagination: pageShape}, 'GET /v1/workspaces/{workspaceId}/integrations')
      assert.deepEqual(inWorkspace.data!.data, listed.data!.data)
      const shown = await sdk.GET('/v1/integrations/{id}', {params: {path: {id: integration.id}}})
      conforms(shown.data, {data: integrationShape}, 'GET /v1/integrations/{id}')
      assert.deepEqual(shown.data!.data, integration)
      // The login itself sees the same integration.
      const asLogin = await api<{data: {id: string}[]}>(emulator, tokens.access_token, 'GET', `/v1/integrations?workspaceId=${workspaceId}`)
      assert.deepEqual(asLogin.body.data.map((item) => item.id), [integration.id])

      // A second login of the same client is the same integration.
      await login(emulator)
      const again = await sdk.GET('/v1/integrations', {params: {query: {workspaceId}}})
      assert.deepEqual(again.data?.data.map((item) => item.id), [integration.id])

      const foreign = emulator.addWorkspace('Foreign')
      assert.deepEqual((await sdk.GET('/v1/integrations', {params: {query: {workspaceId: foreign.id}}})).data?.data, [])
      assert.equal((await sdk.GET('/v1/workspaces/{workspaceId}/integrations', {params: {path: {workspaceId: foreign.id}}})).response.status, 404)
      assert.equal((await sdk.GET('/v1/integrations/{id}', {params: {path: {id: 'cnosuchintegration000000000'}}})).response.status, 404)
      const noWorkspace = await api<{error: {message: string}}>(emulator, emulator.token, 'GET', '/v1/integrations')
      assert.equal(noWorkspace.status, 400)
      assert.match(noWorkspace.body.error.message, /workspaceId is required/)

      // Clean up for the next test: revoke by id.
      assert.equal((await sdk.DELETE('/v1/integrations/{id}', {params: {path: {id: integration.id}}})).response.status, 204)
    })

    it('DELETE /v1/integrations/{id} ends the login: its access and refresh tokens are refused from then on', async () => {
      const tokens = await login(emulator)
      assert.equal((await api(emulator, tokens.access_token, 'GET', '/v1/me')).status, 200, 'the login works')
      const [integration] = (await sdk.GET('/v1/integrations', {params: {query: {workspaceId}}})).data!.data
      const revoked = await sdk.DELETE('/v1/integrations/{id}', {params: {path: {id: integration.id}}})
      assert.equal(revoked.response.status, 204)
      const me = await api<{error: {message: string}}>(emulator, tokens.access_token, 'GET', '/v1/me')
      assert.equal(me.status, 401, 'the access token is refused')
      assert.match(me.body.error.message, /revoked/)
      const refreshed = await refresh(emulator, tokens.refresh_token!)
      assert.equal(refreshed.status, 400, 'the refresh token is refused')
      assert.equal(refreshed.body.error, 'invalid_grant')
      assert.equal((await sdk.GET('/v1/integrations/{id}', {params: {path: {id: integration.id}}})).response.status, 404, 'the integration is gone')
      assert.equal((await sdk.DELETE('/v1/integrations/{id}', {params: {path: {id: integration.id}}})).response.status, 404)
      assert.equal((await api(emulator, emulator.token, 'GET', '/v1/me')).status, 200, 'the service token still works')
    })

    it('DELETE /v1/workspaces/{workspaceId}/integrations/{clientId} ends every login of that client', async () => {
      const first = await login(emulator)
      const second = await login(emulator)
      const wrongClient = await sdk.DELETE('/v1/workspaces/{workspaceId}/integrations/{clientId}', {params: {path: {workspaceId, clientId: 'someone-else'}}})
      assert.equal(wrongClient.response.status, 404)
      const foreign = emulator.addWorkspace('Third')
      const wrongWorkspace = await sdk.DELETE('/v1/workspaces/{workspaceId}/integrations/{clientId}', {params: {path: {workspaceId: foreign.id, clientId: emulator.oauthClientId}}})
      assert.equal(wrongWorkspace.response.status, 404)
      assert.equal((await api(emulator, first.access_token, 'GET', '/v1/me')).status, 200, 'a refused revoke changed nothing')

      const revoked = await sdk.DELETE('/v1/workspaces/{workspaceId}/integrations/{clientId}', {params: {path: {workspaceId, clientId: emulator.oauthClientId}}})
      assert.equal(revoked.response.status, 204)
      for (const tokens of [first, second]) {
        assert.equal((await api(emulator, tokens.access_token, 'GET', '/v1/me')).status, 401)
        assert.equal((await refresh(emulator, tokens.refresh_token!)).status, 400)
      }
      assert.deepEqual((await sdk.GET('/v1/integrations', {params: {query: {workspaceId}}})).data?.data, [])
      // A new login is a new start.
      const fresh = await login(emulator)
      assert.equal((await api(emulator, fresh.access_token, 'GET', '/v1/me')).status, 200)
      assert.equal((await sdk.GET('/v1/integrations', {params: {query: {workspaceId}}})).data?.data.length, 1)
    })
  })
})
