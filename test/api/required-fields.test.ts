// Every field the CLI reads from every kind of answer, removed in turn and then given a value of
// the wrong type: each answer is refused with an InvalidResponseError whose message names the
// field. The table below is the CLI's own list of what it relies on, written independently of the
// schemas, so a schema that stops requiring one of them (a created connection's connectionString
// made optional, say) fails here. The secret-bearing creates are also run through the real client.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {InvalidResponseError} from '../../src/api/errors.js'
import {ManagementApi} from '../../src/api/management-api.js'
import {check, expected, type Expected} from '../../src/api/schemas.js'
import {
  backupList,
  bucket,
  bucketKey,
  connection,
  createdBucketKey,
  createdConnection,
  createdDatabase,
  createdProject,
  database,
  integration,
  lastPage,
  me,
  postgresRegion,
  project,
  usage,
  workspace,
} from './answers.js'
import {clearProxyEnv, json, startServer, TOKEN, type LocalServer} from './local-server.js'

clearProxyEnv()

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'list'
/** A field path (`data.endpoints.direct.connectionString`, `data[0].id`), what it must be, and whether it may be left out. */
type Field = readonly [path: string, kind: Kind, presence?: 'optional']

/** A value of another kind, and how the message says what it is. */
const WRONG: Record<Kind, [value: unknown, said: string]> = {
  string: [42, 'a number'],
  number: ['7', 'a string'],
  boolean: ['yes', 'a string'],
  object: ['x', 'a string'],
  list: [{}, 'an object'],
}
const WORDS: Record<Kind, string> = {string: 'a string', number: 'a number', boolean: 'a boolean', object: 'an object', list: 'a list'}

const prefixed = (prefix: string, fields: readonly Field[]): Field[] => fields.map(([path, ...rest]) => [`${prefix}.${path}`, ...rest])

// What each resource must have, wherever it appears.
const PROJECT: Field[] = [['id', 'string'], ['name', 'string'], ['createdAt', 'string'], ['defaultRegion', 'string'], ['workspace', 'object'], ['workspace.id', 'string'], ['workspace.name', 'string']]
const DATABASE: Field[] = [['id', 'string'], ['name', 'string'], ['status', 'string'], ['createdAt', 'string'], ['isDefault', 'boolean'], ['project', 'object'], ['project.id', 'string'], ['region', 'object'], ['region.id', 'string']]
const CONNECTION: Field[] = [['id', 'string'], ['name', 'string'], ['kind', 'string'], ['createdAt', 'string'], ['endpoints', 'object'], ['endpoints.direct', 'object', 'optional'], ['endpoints.direct.host', 'string'], ['endpoints.direct.port', 'number']]
/** A connection just minted or rotated: its endpoints carry the one-time connection string. */
const SECRET_CONNECTION: Field[] = [...CONNECTION, ['endpoints.direct.connectionString', 'string']]
/** A database as a create answers it: its connections (with their endpoints) and the legacy API keys' strings. */
const CREATED_DATABASE: Field[] = [
  ...DATABASE.filter(([path]) => !path.startsWith('project')),
  ['defaultConnectionId', 'string'],
  ['connections', 'list'],
  ...prefixed('connections[0]', CONNECTION),
  ['apiKeys[0].id', 'string'],
  ['apiKeys[0].name', 'string'],
  ['apiKeys[0].connectionString', 'string'],
  ['apiKeys[0].endpoints', 'object'],
]
const WORKSPACE: Field[] = [['id', 'string'], ['name', 'string'], ['createdAt', 'string']]
const SERVICE_TOKEN: Field[] = [['id', 'string'], ['name', 'string'], ['valueHint', 'string'], ['createdAt', 'string']]
const BUCKET: Field[] = [['id', 'string'], ['name', 'string'], ['providerName', 'string'], ['status', 'string'], ['createdAt', 'string'], ['project', 'object'], ['project.id', 'string'], ['project.name', 'string'], ['branchId', 'string']]
const BUCKET_KEY: Field[] = [['id', 'string'], ['name', 'string'], ['valueHint', 'string'], ['role', 'string'], ['createdAt', 'string']]
const INTEGRATION: Field[] = [
  ['id', 'string'], ['createdAt', 'string'], ['scopes', 'list'], ['scopes[0]', 'string'], ['client', 'object'], ['client.id', 'string'], ['client.name', 'string'],
  ['createdByUser', 'object'], ['createdByUser.email', 'string'], ['createdByUser.displayName', 'string'],
]
const MINTED: Field[] = [['id', 'string'], ['type', 'string'], ['value', 'string'], ['expiresAt', 'string'], ['workspaceId', 'string']]

const withLegacyKey = () => {
  const created = createdDatabase()
  const secret = createdConnection('con_8')
  return {...created, apiKeys: [{id: 'key_legacy', name: 'legacy', endpoints: secret.endpoints, connectionString: secret.connectionString!, directConnection: null}]}
}
const createdProjectWithKey = () => {
  const {project: _project, ...database} = withLegacyKey()
  return {...createdProject(), database}
}
const page = (items: readonly Field[]): Field[] => [['data', 'list'], ...prefixed('data[0]', items), ['pagination.hasMore', 'boolean']]
const one = (items: readonly Field[]): Field[] => [['data', 'object'], ...prefixed('data', items)]

interface Operation {
  /** The request and the command that sends it. */
  operation: string
  shape: keyof typeof expected
  what: string
  answer: () => unknown
  fields: Field[]
}

const OPERATIONS: Operation[] = [
  {operation: 'GET /v1/me (whoami)', shape: 'me', what: 'an account', answer: () => ({data: {...me(), user: {email: 'ada@example.com', name: 'Ada'}}}), fields: [['data', 'object'], ['data.user.email', 'string'], ['data.user.name', 'string'], ['data.workspace.id', 'string'], ['data.workspace.name', 'string'], ['data.credential', 'object'], ['data.credential.type', 'string'], ['data.credential.name', 'string']]},
  {operation: 'GET /v1/workspaces (workspaces list)', shape: 'workspaces', what: 'a workspace list', answer: () => lastPage([workspace()]), fields: page(WORKSPACE)},
  {operation: 'GET /v1/workspaces/{id} (workspaces show)', shape: 'workspace', what: 'a workspace', answer: () => ({data: workspace()}), fields: one(WORKSPACE)},
  {operation: 'GET /v1/regions/postgres (regions list)', shape: 'postgresRegions', what: 'a region list', answer: () => ({data: [postgresRegion()]}), fields: [['data', 'list'], ['data[0].id', 'string'], ['data[0].name', 'string'], ['data[0].status', 'string']]},
  {operation: 'GET /v1/regions (regions list --product)', shape: 'regions', what: 'a region list', answer: () => ({data: [{id: 'us-east-1', name: 'US East', product: 'postgres', status: 'available'}]}), fields: [['data', 'list'], ['data[0].id', 'string'], ['data[0].name', 'string'], ['data[0].product', 'string']]},
  {operation: 'GET /v1/regions/accelerate', shape: 'accelerateRegions', what: 'a region list', answer: () => ({data: [{id: 'us-east-1', name: 'US East'}]}), fields: [['data', 'list'], ['data[0].id', 'string'], ['data[0].name', 'string']]},
  {operation: 'GET /v1/projects (projects list)', shape: 'projects', what: 'a project list', answer: () => lastPage([project()]), fields: page(PROJECT)},
  {operation: 'GET /v1/projects/{id} (projects show)', shape: 'project', what: 'a project', answer: () => ({data: project()}), fields: one(PROJECT)},
  {operation: 'PATCH /v1/projects/{id} (projects rename)', shape: 'renamedProject', what: 'a project', answer: () => ({data: project()}), fields: one(PROJECT)},
  {operation: 'POST /v1/projects (projects create)', shape: 'createdProject', what: 'a project', answer: () => ({data: createdProjectWithKey()}), fields: [...one(PROJECT), ['data.database', 'object', 'optional'], ...prefixed('data.database', CREATED_DATABASE)]},
  {operation: 'GET /v1/databases (db list)', shape: 'databases', what: 'a database list', answer: () => lastPage([database()]), fields: page(DATABASE)},
  {operation: 'GET /v1/projects/{id}/databases (db list --project)', shape: 'projectDatabases', what: 'a database list', answer: () => lastPage([database()]), fields: page(DATABASE)},
  {operation: 'GET /v1/databases/{id} (db show)', shape: 'database', what: 'a database', answer: () => ({data: database()}), fields: one(DATABASE)},
  {operation: 'PATCH /v1/databases/{id} (db rename)', shape: 'renamedDatabase', what: 'a database', answer: () => ({data: database()}), fields: one(DATABASE)},
  {operation: 'POST /v1/databases/{id}/restore (db restore)', shape: 'restoredDatabase', what: 'a database', answer: () => ({data: database()}), fields: one(DATABASE)},
  {operation: 'POST /v1/projects/{id}/databases (db create)', shape: 'createdDatabase', what: 'a database', answer: () => ({data: withLegacyKey()}), fields: [...one(CREATED_DATABASE), ['data.project', 'object'], ['data.project.id', 'string']]},
  {operation: 'GET /v1/workspaces/{id}/subscription', shape: 'subscription', what: 'a workspace subscription', answer: () => ({data: {planName: 'Free', usageBlocked: false, upgradeUrl: 'https://console.prisma.io'}}), fields: [['data', 'object'], ['data.planName', 'string'], ['data.usageBlocked', 'boolean'], ['data.upgradeUrl', 'string']]},
  {operation: 'GET /v1/databases/{id}/connections (db connections list)', shape: 'connections', what: 'a connection list', answer: () => lastPage([connection()]), fields: page(CONNECTION)},
  {operation: 'GET /v1/connections/{id}', shape: 'connection', what: 'a connection', answer: () => ({data: connection()}), fields: one(CONNECTION)},
  {operation: 'POST /v1/databases/{id}/connections (db credentials)', shape: 'createdConnection', what: 'a connection', answer: () => ({data: createdConnection()}), fields: one(SECRET_CONNECTION)},
  {operation: 'POST /v1/connections/{id}/rotate (db connections rotate)', shape: 'rotatedConnection', what: 'a connection', answer: () => ({data: createdConnection()}), fields: one(SECRET_CONNECTION)},
  {operation: 'GET /v1/workspaces/{id}/service-tokens (tokens list)', shape: 'serviceTokens', what: 'a service token list', answer: () => lastPage([{id: 'tok_1', name: 'ci', valueHint: 'sk_…1', createdAt: '2026-11-28T09:58:12.345Z', expiresAt: null}]), fields: page(SERVICE_TOKEN)},
  {operation: 'POST /v1/workspaces/{id}/service-tokens (tokens create)', shape: 'createdServiceToken', what: 'a service token', answer: () => ({data: {id: 'tok_2', name: 'ci', valueHint: 'sk_…2', createdAt: '2026-11-28T09:58:12.345Z', expiresAt: null, value: 'sk_secret_2'}}), fields: one([...SERVICE_TOKEN, ['value', 'string']])},
  {operation: 'POST /v1/auth/github-actions/token (GitHub Actions login)', shape: 'githubActionsToken', what: 'a minted service token', answer: () => ({data: {id: 'tok_3', type: 'service_token', value: 'sk_minted', expiresAt: '2026-11-29T11:20:30.000Z', workspaceId: 'ws_1'}}), fields: one(MINTED)},
  {operation: 'GET /v1/buckets (buckets list)', shape: 'buckets', what: 'a bucket list', answer: () => lastPage([{...bucket(), branchId: 'br_1'}]), fields: page(BUCKET)},
  {operation: 'GET /v1/buckets/{id} (buckets show)', shape: 'bucket', what: 'a bucket', answer: () => ({data: {...bucket(), branchId: 'br_1'}}), fields: one(BUCKET)},
  {operation: 'POST /v1/buckets (buckets create)', shape: 'createdBucket', what: 'a bucket', answer: () => ({data: {...bucket(), branchId: 'br_1'}}), fields: one(BUCKET)},
  {operation: 'PATCH /v1/buckets/{id} (buckets rename)', shape: 'updatedBucket', what: 'a bucket', answer: () => ({data: {...bucket(), branchId: 'br_1'}}), fields: one(BUCKET)},
  {operation: 'GET /v1/buckets/{id}/keys (buckets keys list)', shape: 'bucketKeys', what: 'a bucket key list', answer: () => lastPage([bucketKey()]), fields: page(BUCKET_KEY)},
  {operation: 'POST /v1/buckets/{id}/keys (buckets keys create)', shape: 'createdBucketKey', what: 'a bucket key', answer: () => ({data: createdBucketKey()}), fields: one([...BUCKET_KEY, ['secretAccessKey', 'string'], ['accessKeyId', 'string'], ['endpoint', 'string'], ['bucketName', 'string']])},
  {operation: 'GET /v1/workspaces/{id}/integrations (integrations list)', shape: 'integrations', what: 'an integration list', answer: () => lastPage([{...integration(), createdByUser: {id: 'u', email: 'ada@example.com', displayName: 'Ada'}}]), fields: page(INTEGRATION)},
  {operation: 'GET /v1/integrations/{id} (integrations show)', shape: 'integration', what: 'an integration', answer: () => ({data: {...integration(), createdByUser: {id: 'u', email: 'ada@example.com', displayName: 'Ada'}}}), fields: one(INTEGRATION)},
  {operation: 'GET /v1/databases/{id}/backups (db backups list)', shape: 'backups', what: 'a backup list', answer: backupList, fields: [['data', 'list'], ['data[0].id', 'string'], ['data[0].backupType', 'string'], ['data[0].status', 'string'], ['data[0].size', 'number', 'optional'], ['data[0].createdAt', 'string'], ['meta', 'object'], ['meta.backupRetentionDays', 'number']]},
  {operation: 'GET /v1/databases/{id}/usage (db usage)', shape: 'usage', what: 'a usage report', answer: usage, fields: [['period', 'object'], ['period.start', 'string'], ['period.end', 'string'], ['metrics', 'object'], ['metrics.operations', 'object'], ['metrics.operations.used', 'number'], ['metrics.operations.unit', 'string'], ['metrics.storage.used', 'number'], ['metrics.storage.unit', 'string'], ['generatedAt', 'string']]},
]

/** `data.connections[0].id` → ['data', 'connections', 0, 'id']. */
function keysOf(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((match) => (match[2] === undefined ? match[1] : Number(match[2])))
}

/** The answer with the field at `path` changed by `change` (a deep copy: the fixture stays whole). */
function spoiled(answer: unknown, path: string, change: (parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  const copy = structuredClone(answer) as Record<string | number, unknown>
  const keys = keysOf(path)
  let parent = copy
  for (const key of keys.slice(0, -1)) {
    parent = parent[key] as Record<string | number, unknown>
    assert.ok(parent !== null && typeof parent === 'object', `the fixture has ${path}`)
  }
  assert.ok(keys.at(-1)! in parent, `the fixture has ${path}`)
  change(parent, keys.at(-1)!)
  return copy
}

const REQUEST = 'GET /v1/test'

function refusal(shape: Expected<unknown>, answer: unknown, label: string): string {
  try {
    check(shape, answer, REQUEST)
  } catch (error) {
    assert.ok(error instanceof InvalidResponseError, `an InvalidResponseError, not ${String(error)}`)
    return error.message
  }
  assert.fail(`the answer was accepted: ${label}`)
}

describe('every field the CLI reads, in every kind of answer', () => {
  it('the table covers every kind of answer the client checks', () => {
    assert.deepEqual(new Set(OPERATIONS.map((o) => o.shape)), new Set(Object.keys(expected)))
  })

  for (const {operation, shape, what, answer, fields} of OPERATIONS) {
    describe(operation, () => {
      it('the whole answer is accepted', () => {
        const body = answer()
        check(expected[shape] as Expected<unknown>, body, REQUEST)
      })

      it(`each of ${fields.filter((f) => f[2] !== 'optional').length} required fields removed: refused, naming the field`, () => {
        for (const [path, , presence] of fields) {
          if (presence === 'optional') continue
          const body = spoiled(answer(), path, (parent, key) => {
            if (Array.isArray(parent)) parent.splice(Number(key), 1)
            else delete parent[key]
          })
          // An item removed from a list leaves it empty, which is a list all the same: its fields are checked through another item.
          if (/\[0\]$/.test(path)) continue
          assert.equal(refusal(expected[shape] as Expected<unknown>, body, `${path} removed`), `${REQUEST}: the API answered with something that is not ${what} (${path} is missing).`, `${operation}: ${path} removed`)
        }
      })

      it('each field of the wrong type: refused, naming the field and what it must be', () => {
        for (const [path, kind] of fields) {
          const [value, said] = WRONG[kind]
          const body = spoiled(answer(), path, (parent, key) => {
            parent[key] = value
          })
          assert.equal(
            refusal(expected[shape] as Expected<unknown>, body, `${path} as ${said}`),
            `${REQUEST}: the API answered with something that is not ${what} (${path} is ${said}, expected ${WORDS[kind]}).`,
            `${operation}: ${path} as ${said}`,
          )
        }
      })
    })
  }
})

describe('the secret-bearing creates through the client: an answer without its secret is refused, naming the field', () => {
  let server: LocalServer
  let client: ManagementApi
  let body: unknown

  before(async () => {
    server = await startServer((_request, response) => json(response, 200, body))
    client = new ManagementApi({apiUrl: `${server.url}/v1`, token: TOKEN, timeoutSeconds: 5, userAgent: 'test', retryBaseDelayMs: 1})
  })
  after(async () => {
    await client.close()
    await server.close()
  })

  const cases: [request: string, call: (api: ManagementApi) => Promise<unknown>, answer: () => unknown, paths: string[], what: string][] = [
    ['POST /v1/databases/db_1/connections', (api) => api.createConnection('db_1', {name: 'ci'}), () => ({data: createdConnection()}), ['data.endpoints.direct.connectionString', 'data.endpoints.direct.host', 'data.endpoints.direct.port', 'data.id'], 'a connection'],
    ['POST /v1/connections/con_1/rotate', (api) => api.rotateConnection('con_1'), () => ({data: createdConnection()}), ['data.endpoints.direct.connectionString', 'data.endpoints.direct.host', 'data.id'], 'a connection'],
    ['POST /v1/workspaces/ws_1/service-tokens', (api) => api.createServiceToken('ws_1', 'ci'), () => ({data: {id: 'tok_2', name: 'ci', valueHint: 'sk_…2', createdAt: '2026-11-28T09:58:12.345Z', value: 'sk_secret_2'}}), ['data.value', 'data.id'], 'a service token'],
    ['POST /v1/buckets/bkt_1/keys', (api) => api.createBucketKey('bkt_1', {name: 'k', role: 'read'}), () => ({data: createdBucketKey()}), ['data.secretAccessKey', 'data.accessKeyId', 'data.endpoint', 'data.bucketName'], 'a bucket key'],
    ['POST /v1/projects', (api) => api.createProject({name: 'p', createDatabase: true, region: 'us-east-1'}), () => ({data: createdProjectWithKey()}), ['data.database.connections', 'data.database.connections[0].endpoints', 'data.database.apiKeys[0].connectionString', 'data.database.id'], 'a project'],
    ['POST /v1/projects/proj_1/databases', (api) => api.createDatabase('proj_1', {name: 'd', region: 'us-east-1'}), () => ({data: withLegacyKey()}), ['data.connections', 'data.connections[0].id', 'data.apiKeys[0].connectionString', 'data.region'], 'a database'],
  ]
  for (const [request, call, answer, paths, what] of cases) {
    it(`${request}: ${paths.join(', ')} each missing`, async () => {
      for (const path of paths) {
        body = spoiled(answer(), path, (parent, key) => {
          delete parent[key]
        })
        await assert.rejects(call(client), (error: unknown) => {
          assert.ok(error instanceof InvalidResponseError, String(error))
          assert.equal(error.message, `${request}: the API answered with something that is not ${what} (${path} is missing).`)
          return true
        })
      }
    })
  }
})
