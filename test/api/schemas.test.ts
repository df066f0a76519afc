import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {InvalidResponseError} from '../../src/api/errors.js'
import {check, expected, type Expected} from '../../src/api/schemas.js'
import {
  backupList,
  bucket,
  bucketKey,
  connection,
  createdBucketKey,
  integration,
  createdConnection,
  createdDatabase,
  createdProject,
  database,
  lastPage,
  me,
  postgresRegion,
  project,
  usage,
  workspace,
} from './answers.js'

const REQUEST = 'GET /v1/test'

/** The message of the InvalidResponseError that checking `answer` throws. */
function refusal(shape: Expected<unknown>, answer: unknown): string {
  try {
    check(shape, answer, REQUEST)
  } catch (error) {
    assert.ok(error instanceof InvalidResponseError, `expected an InvalidResponseError, got ${String(error)}`)
    assert.equal(error.code, 'invalid-response', 'the error carries the invalid-response code')
    return error.message
  }
  assert.fail(`the answer was accepted: ${JSON.stringify(answer)}`)
}

// Each kind of answer, a valid body of it, and the part of it a caller gets.
const VALID: [name: keyof typeof expected, body: unknown, part: 'data' | 'body'][] = [
  ['me', {data: me()}, 'data'],
  ['workspaces', lastPage([workspace()]), 'body'],
  ['postgresRegions', {data: [postgresRegion()]}, 'data'],
  ['regions', {data: [{id: 'us-east-1', type: 'region', name: 'US East', product: 'postgres'}]}, 'data'],
  ['projects', lastPage([project()]), 'body'],
  ['project', {data: project()}, 'data'],
  ['renamedProject', {data: project()}, 'data'],
  ['createdProject', {data: createdProject()}, 'data'],
  ['databases', lastPage([database()]), 'body'],
  ['projectDatabases', lastPage([database()]), 'body'],
  ['database', {data: database()}, 'data'],
  ['createdDatabase', {data: createdDatabase()}, 'data'],
  ['connections', lastPage([connection()]), 'body'],
  ['connection', {data: connection()}, 'data'],
  ['createdConnection', {data: createdConnection()}, 'data'],
  ['rotatedConnection', {data: createdConnection()}, 'data'],
  ['backups', backupList(), 'body'],
  ['usage', usage(), 'body'],
  ['workspace', {data: workspace()}, 'data'],
  ['accelerateRegions', {data: [{id: 'us-east-1', type: 'region', name: 'US East'}]}, 'data'],
  ['buckets', lastPage([bucket()]), 'body'],
  ['bucket', {data: bucket()}, 'data'],
  ['createdBucket', {data: bucket()}, 'data'],
  ['updatedBucket', {data: bucket()}, 'data'],
  ['bucketKeys', lastPage([bucketKey()]), 'body'],
  ['createdBucketKey', {data: createdBucketKey()}, 'data'],
  ['integrations', lastPage([integration()]), 'body'],
  ['integration', {data: integration()}, 'data'],
]

describe('schemas: valid answers pass untouched', () => {
  for (const [name, body, part] of VALID) {
    it(`${name}: returns the very object received, unknown fields and their order kept`, () => {
      // Fields the API may add later, at the top, inside data and deep inside.
      const extended = JSON.parse(JSON.stringify(body)) as Record<string, unknown>
      extended.zFutureTopLevel = {nested: [1, 'two', null]}
      const inner = (part === 'data' ? extended.data : extended) as Record<string, unknown> | unknown[]
      const first = (Array.isArray(inner) ? inner[0] : Array.isArray(inner.data) ? inner.data[0] : inner) as Record<string, unknown>
      first.aFutureField = {deep: true}
      const before = JSON.stringify(extended)
      const result = check(expected[name] as Expected<unknown>, extended, REQUEST)
      assert.equal(result, part === 'data' ? extended.data : extended, 'the same reference comes back, not a copy')
      assert.equal(JSON.stringify(extended), before, 'nothing was added, removed or reordered')
    })
  }

  it('accepts a status the contract does not list yet (shown as is, not refused)', () => {
    const answer = {data: {...database(), status: 'paused'}}
    assert.equal(check(expected.database, answer, REQUEST).status, 'paused', 'the new status comes through')
  })

  it('accepts created objects without the deprecated secret fields', () => {
    const {connectionString: _s, host: _h, user: _u, pass: _p, ...current} = createdConnection()
    assert.equal(check(expected.createdConnection, {data: current}, REQUEST).id, 'con_2', 'a connection without the old fields')
    const {apiKeys: _k, connectionString: _c, directConnection: _d, ...db} = createdDatabase()
    assert.equal(check(expected.createdDatabase, {data: db}, REQUEST).id, 'db_2', 'a database without the old fields')
    const {database: _db, ...bare} = createdProject()
    assert.equal(check(expected.createdProject, {data: bare}, REQUEST).id, 'proj_9', 'a project created without a database')
    assert.equal(check(expected.createdProject, {data: {...bare, database: null}}, REQUEST).database, null, 'database: null')
  })

  it('accepts a list without pagination (the last page)', () => {
    const page = check(expected.projects, {data: [project()]}, REQUEST)
    assert.equal(page.pagination, undefined, 'no pagination means no more pages')
  })
})

describe('schemas: answers that are not what was asked for', () => {
  const cases: [what: string, shape: Expected<unknown>, answer: unknown, message: string][] = [
    ['data null', expected.project, {data: null}, 'GET /v1/test: the API answered with something that is not a project (data is null, expected an object).'],
    ['data a string', expected.project, {data: 'a string'}, 'GET /v1/test: the API answered with something that is not a project (data is a string, expected an object).'],
    ['an empty object', expected.project, {}, 'GET /v1/test: the API answered with something that is not a project (data is missing).'],
    ['no body at all', expected.project, undefined, 'GET /v1/test: the API answered with something that is not a project (the body is missing).'],
    ['a bare list', expected.project, [project()], 'GET /v1/test: the API answered with something that is not a project (the body is a list, expected an object).'],
    ['data a list', expected.project, {data: [project()]}, 'GET /v1/test: the API answered with something that is not a project (data is a list, expected an object).'],
    ['a number', expected.me, 42, 'GET /v1/test: the API answered with something that is not an account (the body is a number, expected an object).'],
    ['a project without id', expected.project, {data: {...project(), id: undefined}}, 'GET /v1/test: the API answered with something that is not a project (data.id is missing).'],
    ['a numeric id', expected.project, {data: {...project(), id: 7}}, 'GET /v1/test: the API answered with something that is not a project (data.id is a number, expected a string).'],
    ['an id of ".."', expected.project, {data: {...project(), id: '..'}}, 'GET /v1/test: the API answered with something that is not a project (data.id is empty, blank, "." or "..", which is not an id).'],
    ['a blank id', expected.database, {data: {...database(), id: '  '}}, 'GET /v1/test: the API answered with something that is not a database (data.id is empty, blank, "." or "..", which is not an id).'],
    ['a workspace that is a string', expected.project, {data: {...project(), workspace: 'Acme'}}, 'GET /v1/test: the API answered with something that is not a project (data.workspace is a string, expected an object).'],
    ['a workspace without name', expected.project, {data: {...project(), workspace: {id: 'w'}}}, 'GET /v1/test: the API answered with something that is not a project (data.workspace.name is missing).'],
    ['defaultRegion a number', expected.project, {data: {...project(), defaultRegion: 3}}, 'GET /v1/test: the API answered with something that is not a project (data.defaultRegion is a number, expected a string).'],
    ['status a boolean', expected.database, {data: {...database(), status: true}}, 'GET /v1/test: the API answered with something that is not a database (data.status is a boolean, expected a string).'],
    ['region a list', expected.database, {data: {...database(), region: []}}, 'GET /v1/test: the API answered with something that is not a database (data.region is a list, expected an object).'],
    ['a port that is a string', expected.createdConnection, {data: {...createdConnection(), endpoints: {direct: {host: 'h', port: '5432', connectionString: 'postgres://h'}}}}, 'GET /v1/test: the API answered with something that is not a connection (data.endpoints.direct.port is a string, expected a number).'],
    ['endpoints missing', expected.connection, {data: {...connection(), endpoints: undefined}}, 'GET /v1/test: the API answered with something that is not a connection (data.endpoints is missing).'],
    ['a created database whose connection is null', expected.createdDatabase, {data: {...createdDatabase(), connections: [null]}}, 'GET /v1/test: the API answered with something that is not a database (data.connections[0] is null, expected an object).'],
    ['me without credential', expected.me, {data: {...me(), credential: null}}, 'GET /v1/test: the API answered with something that is not an account (data.credential is null, expected an object).'],
    ['a list that is a string', expected.projects, {data: 'a string'}, 'GET /v1/test: the API answered with something that is not a project list (data is a string, expected a list).'],
    ['a list of numbers', expected.projects, {data: [1, 2]}, 'GET /v1/test: the API answered with something that is not a project list (data[0] is a number, expected an object).'],
    ['a list with a null after a good item', expected.databases, lastPage([database(), null]), 'GET /v1/test: the API answered with something that is not a database list (data[1] is null, expected an object).'],
    ['a list with a string', expected.workspaces, lastPage(['ws_1']), 'GET /v1/test: the API answered with something that is not a workspace list (data[0] is a string, expected an object).'],
    ['an item without id', expected.connections, lastPage([{...connection(), id: undefined}]), 'GET /v1/test: the API answered with something that is not a connection list (data[0].id is missing).'],
    ['hasMore a string', expected.projects, {data: [], pagination: {hasMore: 'yes'}}, 'GET /v1/test: the API answered with something that is not a project list (pagination.hasMore is a string, expected a boolean).'],
    ['a cursor that is a number', expected.projects, {data: [], pagination: {hasMore: true, nextCursor: 5}}, 'GET /v1/test: the API answered with something that is not a project list (pagination.nextCursor is a number, expected a string).'],
    ['regions as an object', expected.postgresRegions, {data: {id: 'us-east-1'}}, 'GET /v1/test: the API answered with something that is not a region list (data is an object, expected a list).'],
    ['backups without meta', expected.backups, {...backupList(), meta: undefined}, 'GET /v1/test: the API answered with something that is not a backup list (meta is missing).'],
    ['a backup size that is a string', expected.backups, {...backupList(), data: [{...backupList().data[0], size: '1 KiB'}]}, 'GET /v1/test: the API answered with something that is not a backup list (data[0].size is a string, expected a number).'],
    ['usage {data: null}', expected.usage, {data: null}, 'GET /v1/test: the API answered with something that is not a usage report (period is missing).'],
    ['usage with a used count as text', expected.usage, {...usage(), metrics: {...usage().metrics, operations: {used: 'many', unit: 'ops'}}}, 'GET /v1/test: the API answered with something that is not a usage report (metrics.operations.used is a string, expected a number).'],
    ['a bucket without its provider name', expected.bucket, {data: {...bucket(), providerName: undefined}}, 'GET /v1/test: the API answered with something that is not a bucket (data.providerName is missing).'],
    ['a bucket whose project is an id', expected.bucket, {data: {...bucket(), project: 'proj_1'}}, 'GET /v1/test: the API answered with something that is not a bucket (data.project is a string, expected an object).'],
    ['a bucket whose branch is a number', expected.buckets, lastPage([{...bucket(), branchId: 3}]), 'GET /v1/test: the API answered with something that is not a bucket list (data[0].branchId is a number, expected a string).'],
    ['a key list item without its hint', expected.bucketKeys, lastPage([{...bucketKey(), valueHint: undefined}]), 'GET /v1/test: the API answered with something that is not a bucket key list (data[0].valueHint is missing).'],
    ['a created key without its secret', expected.createdBucketKey, {data: {...createdBucketKey(), secretAccessKey: undefined}}, 'GET /v1/test: the API answered with something that is not a bucket key (data.secretAccessKey is missing).'],
    ['a created key with an empty secret', expected.createdBucketKey, {data: {...createdBucketKey(), secretAccessKey: ''}}, 'GET /v1/test: the API answered with something that is not a bucket key (data.secretAccessKey is empty).'],
    ['a created key with an empty endpoint', expected.createdBucketKey, {data: {...createdBucketKey(), endpoint: ''}}, 'GET /v1/test: the API answered with something that is not a bucket key (data.endpoint is empty).'],
    ['a created key whose access key id is a number', expected.createdBucketKey, {data: {...createdBucketKey(), accessKeyId: 42}}, 'GET /v1/test: the API answered with something that is not a bucket key (data.accessKeyId is a number, expected a string).'],
    ['an integration without a client', expected.integration, {data: {...integration(), client: null}}, 'GET /v1/test: the API answered with something that is not an integration (data.client is null, expected an object).'],
    ['an integration whose scopes hold a number', expected.integrations, lastPage([{...integration(), scopes: ['a', 1]}]), 'GET /v1/test: the API answered with something that is not an integration list (data[0].scopes[1] is a number, expected a string).'],
    ['a name that is a list', expected.project, {data: {...project(), name: ['billing']}}, 'GET /v1/test: the API answered with something that is not a project (data.name is a list, expected a string).'],
    ['a minted token whose expiry is not a date', expected.githubActionsToken, {data: {id: 'tok_1', type: 'serviceToken', value: 'v', expiresAt: 'soon', workspaceId: 'ws_1'}}, 'GET /v1/test: the API answered with something that is not a minted service token (data.expiresAt is not a date and time).'],
    ['a legacy direct connection whose host is a number', expected.createdDatabase, {data: {...createdDatabase(), directConnection: {host: 1, user: 'u', pass: 'p'}}}, 'GET /v1/test: the API answered with something that is not a database (data.directConnection.host is a number, expected a string).'],
    ['a region of every product without its product', expected.regions, {data: [{id: 'us-east-1', name: 'US East'}]}, 'GET /v1/test: the API answered with something that is not a region list (data[0].product is missing).'],
  ]
  for (const [what, shape, answer, message] of cases) {
    it(`${what}: ${message.slice(REQUEST.length + 2)}`, () => {
      assert.equal(refusal(shape, answer), message, `the message for ${what}`)
    })
  }

  it('never repeats a value the server sent in its message', () => {
    const marker = '\u001b[2J\u0007SERVER-TEXT'
    for (const answer of [{data: marker}, {data: {...project(), name: [marker]}}, {data: {...project(), workspace: marker}}, {data: {...project(), id: marker.slice(0, 0)}}]) {
      const message = refusal(expected.project, answer)
      assert.ok(!message.includes('SERVER-TEXT') && !message.includes('\u001b'), `the message quotes the server: ${JSON.stringify(message)}`)
    }
  })
})
