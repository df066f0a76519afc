// Acceptance from the outside: `emulator start` in its default (`local`) mode, driven only by
// Prisma's own SDK client (@prisma/management-api-sdk), the databases reached with `pg`. Secrets
// are per connection and shown once; rotation and deletion revoke (28P01) and end sessions (57P01).
// The same holds for each connection's accelerate key (refused with 401 once revoked).
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {createManagementApiClient} from '@prisma/management-api-sdk'
import type {ManagementApiClient} from '@prisma/management-api-sdk'
import pg from 'pg'

import {conforms} from '../sdk-shape.js'
import type {Shape} from '../sdk-shape.js'
import {Emulator, eventually} from './harness.js'
import {query} from './sql.js'

const ref: Shape = {id: 'string', url: 'uri', name: 'string'}
const endpoint = (withString: boolean): Shape => ({host: 'string', port: 'number', ...(withString ? {connectionString: 'string'} : {})})
const endpoints = (withString: boolean): Shape => ({direct: {optional: endpoint(withString)}, pooled: {optional: endpoint(withString)}, accelerate: {optional: endpoint(withString)}})
const legacyDirect: Shape = {optional: {nullable: {host: 'string', pass: 'string', user: 'string'}}}
const connectionShape: Shape = {id: 'string', type: {const: 'connection'}, url: 'uri', name: 'string', createdAt: 'date-time', kind: 'string', endpoints: endpoints(false), directConnection: legacyDirect, database: ref}
const mintedShape: Shape = {...connectionShape, endpoints: endpoints(true), connectionString: 'string', host: 'string|null', pass: 'string|null', user: 'string|null'}
const sourceShape: Shape = {nullable: {type: 'string'}}
// What a database carries wherever it appears: alone, in a list, or inside its project.
const databaseCommon: Shape = {
  id: 'string',
  type: {const: 'database'},
  url: 'uri',
  name: 'string',
  status: 'string',
  createdAt: 'date-time',
  isDefault: 'boolean',
  defaultConnectionId: 'string|null',
  source: sourceShape,
  branchId: 'string|null',
  logicalId: 'string|null',
}
const databaseShape: Shape = {
  ...databaseCommon,
  connections: {array: connectionShape},
  project: ref,
  region: {nullable: {id: 'string', name: 'string'}},
}
const projectShape: Shape = {
  id: 'string',
  type: {const: 'project'},
  url: 'uri',
  name: 'string',
  logicalId: 'string|null',
  createdAt: 'date-time',
  defaultRegion: 'string|null',
  workspace: ref,
  database: {
    ...databaseCommon,
    connections: {array: {...connectionShape, endpoints: {direct: {optional: {host: 'string', port: 'number', connectionString: {optional: 'string'}}}, pooled: {optional: {host: 'string', port: 'number', connectionString: {optional: 'string'}}}}}},
    region: {id: 'string', name: 'string'},
    apiKeys: {array: {id: 'string', type: {const: 'connection'}, url: 'uri', name: 'string', createdAt: 'date-time', kind: 'string', endpoints: endpoints(false), connectionString: 'string', directConnection: legacyDirect}},
    connectionString: 'string|null',
    directConnection: {nullable: {host: 'string', pass: 'string', user: 'string'}},
  },
}
const paginationShape: Shape = {nextCursor: 'string|null', hasMore: 'boolean'}

interface Minted {
  id: string
  direct: string
  pooled: string
  /** The `prisma+postgres://` string. */
  accelerate: string
}

const apiKeyOf = (url: string): string => new URL(url).searchParams.get('api_key') ?? ''

/** An accelerate request as Prisma Client sends it: http to the string's host, the key as a bearer token. */
async function accelerateRequest(url: string): Promise<{status: number; text: string}> {
  const answer = await fetch(`http://${new URL(url).host}/connection-info`, {headers: {authorization: `Bearer ${apiKeyOf(url)}`}})
  return {status: answer.status, text: await answer.text()}
}

/** The key passes the emulator's front and @prisma/dev's own check, whose next answer names the client's version. */
async function accelerateWorks(url: string): Promise<void> {
  const answer = await accelerateRequest(url)
  assert.equal(answer.status, 400, answer.text)
  assert.match(answer.text, /not supported with Prisma Client version undefined/)
}

async function accelerateRefused(url: string): Promise<void> {
  const answer = await accelerateRequest(url)
  assert.equal(answer.status, 401, answer.text)
  assert.equal((JSON.parse(answer.text) as {code: string}).code, 'P6002')
}

/** The password of a postgres:// string, decoded. */
const passwordOf = (url: string): string => decodeURIComponent(new URL(url).password)

const refusedWith28P01 = (error: unknown): boolean => (error as {code?: string}).code === '28P01' && /password authentication failed/.test((error as Error).message)

async function selectOne(url: string): Promise<void> {
  assert.deepEqual(await query(url, 'select 1 as one'), [{one: 1}])
}

describe('the emulator in its default mode, through Prisma\'s own SDK client', {timeout: 300_000}, () => {
  let emulator: Emulator | undefined
  let client: ManagementApiClient
  let databaseId = ''
  let projectId = ''
  let primary: Minted
  const minted: Minted[] = []
  /** Every password and accelerate key an answer has shown, which later answers must not show again. */
  const passwords = new Set<string>()
  const open: pg.Client[] = []

  /** A minted connection's strings, checked to carry one password, the same in every place the answer has it. */
  function secretsOf(data: {
    id: string
    endpoints: {direct?: {connectionString?: string}; pooled?: {connectionString?: string}; accelerate?: {connectionString?: string}}
    connectionString?: string
    pass?: string | null
    directConnection?: {pass: string} | null
  }): Minted {
    const direct = data.endpoints.direct?.connectionString
    const pooled = data.endpoints.pooled?.connectionString
    const accelerate = data.endpoints.accelerate?.connectionString
    assert.ok(direct && pooled && accelerate, `connection ${data.id} must show its direct, pooled and accelerate strings when minted`)
    const password = passwordOf(direct)
    assert.ok(password.length >= 16, `connection ${data.id} has a password of ${password.length} characters`)
    assert.equal(passwordOf(pooled), password, 'direct and pooled carry the same secret')
    if (data.connectionString !== undefined) assert.equal(passwordOf(data.connectionString), password)
    if (data.pass != null) assert.equal(data.pass, password)
    if (data.directConnection) assert.equal(data.directConnection.pass, password)
    return {id: data.id, direct, pooled, accelerate}
  }

  /** A session that has run a query, and the error that ends it. */
  async function openSession(url: string): Promise<{session: pg.Client; ended: Promise<Error & {code?: string}>}> {
    const session = new pg.Client({connectionString: url, connectionTimeoutMillis: 20_000})
    open.push(session)
    const ended = new Promise<Error & {code?: string}>((resolve) => session.on('error', (error) => resolve(error as Error & {code?: string})))
    await session.connect()
    assert.deepEqual((await session.query('select 1 as one')).rows, [{one: 1}])
    return {session, ended}
  }

  before(async () => {
    // No --databases: the default mode, as a user starts it.
    emulator = await Emulator.start([])
    assert.match(emulator.output.stdout, /Databases: local/)
    client = createManagementApiClient({baseUrl: emulator.url, token: emulator.token})
  })
  after(async () => {
    for (const session of open) await session.end().catch(() => undefined)
    await emulator?.stop()
  })

  it('creates a project and polls its database until it is ready', async () => {
    const created = await client.POST('/v1/projects', {body: {name: 'sdk-check', region: 'eu-central-1'}})
    assert.equal(created.error, undefined)
    assert.equal(created.response.status, 201)
    conforms(created.data, {data: projectShape}, 'POST /v1/projects')
    const project = created.data!.data
    assert.equal(project.name, 'sdk-check')
    assert.ok(project.database, 'a project is created with its database')
    databaseId = project.database.id
    projectId = project.id
    const ready = await eventually(
      'the database to be ready',
      async () => {
        const got = await client.GET('/v1/databases/{databaseId}', {params: {path: {databaseId}}})
        assert.equal(got.error, undefined)
        assert.equal(got.response.status, 200)
        conforms(got.data, {data: databaseShape}, 'GET /v1/databases/{databaseId}')
        return got.data!.data.status === 'ready' && got.data!.data
      },
      120_000,
    )
    assert.equal(ready.project.id, project.id)
    // The project's default connection: its secret is in the create answer, once.
    const [first] = project.database.connections
    assert.ok(first, 'the created database has its default connection')
    assert.equal(project.database.defaultConnectionId, first.id)
    primary = secretsOf(first)
    passwords.add(passwordOf(primary.direct))
    passwords.add(apiKeyOf(primary.accelerate))
    await selectOne(primary.direct)
    await accelerateWorks(primary.accelerate)
  })

  it('creates two connections, each with a secret of its own', async () => {
    for (const name of ['sdk-one', 'sdk-two']) {
      const created = await client.POST('/v1/databases/{databaseId}/connections', {params: {path: {databaseId}}, body: {name}})
      assert.equal(created.error, undefined)
      assert.equal(created.response.status, 200)
      conforms(created.data, {data: mintedShape}, 'POST /v1/databases/{databaseId}/connections')
      assert.equal(created.data!.data.name, name)
      assert.equal(created.data!.data.database.id, databaseId)
      minted.push(secretsOf(created.data!.data))
    }
    const secrets = [primary, ...minted].map((connection) => passwordOf(connection.direct))
    assert.equal(new Set(secrets).size, 3, 'the default connection and the two new ones have three different passwords')
    const users = [primary, ...minted].map((connection) => new URL(connection.direct).username)
    assert.equal(new Set(users).size, 3, 'and three different users')
    const keys = [primary, ...minted].map((connection) => apiKeyOf(connection.accelerate))
    assert.equal(new Set(keys).size, 3, 'and three different accelerate keys')
    for (const secret of [...secrets, ...keys]) passwords.add(secret)
  })

  it('lists of connections and the database never show a password again', async () => {
    const answers: {what: string; data: unknown}[] = []
    const listed = await client.GET('/v1/databases/{databaseId}/connections', {params: {path: {databaseId}}})
    assert.equal(listed.error, undefined)
    conforms(listed.data, {data: {array: connectionShape}, pagination: paginationShape}, 'GET /v1/databases/{databaseId}/connections')
    assert.deepEqual(listed.data!.data.map((connection) => connection.id).sort(), [primary.id, ...minted.map((connection) => connection.id)].sort())
    answers.push({what: 'GET /v1/databases/{databaseId}/connections', data: listed.data})

    const all = await client.GET('/v1/connections', {params: {query: {databaseId}}})
    assert.equal(all.error, undefined)
    conforms(all.data, {data: {array: connectionShape}, pagination: paginationShape}, 'GET /v1/connections')
    assert.equal(all.data!.data.length, 3)
    answers.push({what: 'GET /v1/connections?databaseId=', data: all.data})

    for (const {id} of minted) {
      const one = await client.GET('/v1/connections/{id}', {params: {path: {id}}})
      assert.equal(one.error, undefined)
      conforms(one.data, {data: connectionShape}, 'GET /v1/connections/{id}')
      answers.push({what: `GET /v1/connections/${id}`, data: one.data})
    }

    const database = await client.GET('/v1/databases/{databaseId}', {params: {path: {databaseId}}})
    assert.equal(database.error, undefined)
    conforms(database.data, {data: databaseShape}, 'GET /v1/databases/{databaseId}')
    assert.equal(database.data!.data.connections.length, 3)
    answers.push({what: 'GET /v1/databases/{databaseId}', data: database.data})

    const databases = await client.GET('/v1/databases', {params: {query: {projectId}}})
    assert.equal(databases.error, undefined)
    conforms(databases.data, {data: {array: databaseShape}, pagination: paginationShape}, 'GET /v1/databases')
    assert.deepEqual(databases.data!.data.map((listed) => listed.id), [databaseId])
    answers.push({what: 'GET /v1/databases?projectId=', data: databases.data})

    const project = await client.GET('/v1/projects/{id}', {params: {path: {id: projectId}}})
    assert.equal(project.error, undefined)
    conforms(project.data, {data: {id: 'string', type: {const: 'project'}, url: 'uri', name: 'string', logicalId: 'string|null', createdAt: 'date-time', defaultRegion: 'string|null', workspace: ref}}, 'GET /v1/projects/{id}')
    answers.push({what: 'GET /v1/projects/{id}', data: project.data})

    for (const {what, data} of answers) {
      const text = JSON.stringify(data)
      for (const password of passwords) assert.ok(!text.includes(password), `${what} shows a connection's password`)
      assert.doesNotMatch(text, /"pass"\s*:\s*"|"connectionString"\s*:/, `${what} has a pass or a connection string`)
      // No URL with user info anywhere in the answer.
      assert.doesNotMatch(text, /:\/\/[^/"@]+:[^/"@]*@/, `${what} has a URL with credentials`)
    }
  })

  it('each connection string works with pg (direct and pooled), and each accelerate key passes', async () => {
    for (const connection of [primary, ...minted]) {
      await selectOne(connection.direct)
      await selectOne(connection.pooled)
      await accelerateWorks(connection.accelerate)
    }
    // A password of one connection does not open another's user.
    const crossed = new URL(minted[0]!.direct)
    crossed.password = passwordOf(minted[1]!.direct)
    await assert.rejects(selectOne(crossed.toString()), refusedWith28P01)
  })

  it('rotating a connection answers a new password, refuses the old with 28P01 and ends its open sessions (direct and pooled)', async () => {
    const before = minted[0]!
    const sessions = await Promise.all([openSession(before.direct), openSession(before.pooled)])

    const rotated = await client.POST('/v1/connections/{id}/rotate', {params: {path: {id: before.id}}})
    assert.equal(rotated.error, undefined)
    assert.equal(rotated.response.status, 200)
    conforms(rotated.data, {data: mintedShape}, 'POST /v1/connections/{id}/rotate')
    assert.equal(rotated.data!.data.id, before.id)
    const after = secretsOf(rotated.data!.data)
    const newPassword = passwordOf(after.direct)
    assert.notEqual(newPassword, passwordOf(before.direct), 'rotation changes the password')
    assert.ok(!passwords.has(newPassword), 'the new password is no other connection\'s')
    assert.notEqual(apiKeyOf(after.accelerate), apiKeyOf(before.accelerate), 'rotation changes the accelerate key')
    assert.ok(!passwords.has(apiKeyOf(after.accelerate)), 'the new accelerate key is no other connection\'s')
    assert.equal(new URL(after.direct).username, new URL(before.direct).username, 'the same user')

    for (const {ended} of sessions) {
      const error = await ended
      assert.equal(error.code, '57P01', `an open session is ended as by an administrator: ${error.message}`)
    }
    await assert.rejects(selectOne(before.direct), refusedWith28P01)
    await assert.rejects(selectOne(before.pooled), refusedWith28P01)
    await selectOne(after.direct)
    await selectOne(after.pooled)
    await accelerateRefused(before.accelerate)
    await accelerateWorks(after.accelerate)
    passwords.add(newPassword)
    passwords.add(apiKeyOf(after.accelerate))
    minted[0] = after
  })

  it('deleting a connection ends its open session and refuses its string with 28P01; the others still work', async () => {
    const doomed = minted[1]!
    const session = await openSession(doomed.direct)
    const deleted = await client.DELETE('/v1/connections/{id}', {params: {path: {id: doomed.id}}})
    assert.equal(deleted.error, undefined)
    assert.equal(deleted.response.status, 204)
    assert.equal((await session.ended).code, '57P01', 'the open session of a deleted connection is ended')
    await assert.rejects(selectOne(doomed.direct), refusedWith28P01)
    await assert.rejects(selectOne(doomed.pooled), refusedWith28P01)
    await accelerateRefused(doomed.accelerate)
    await accelerateWorks(minted[0]!.accelerate)
    const gone = await client.GET('/v1/connections/{id}', {params: {path: {id: doomed.id}}})
    assert.equal(gone.response.status, 404)
    conforms(gone.error, {error: {code: 'string', message: 'string', hint: {optional: 'string'}}}, 'GET /v1/connections/{id} (404)')
    await selectOne(primary.direct)
    await selectOne(minted[0]!.direct)
    // The rotated password, too, was shown once.
    const database = await client.GET('/v1/databases/{databaseId}', {params: {path: {databaseId}}})
    conforms(database.data, {data: databaseShape}, 'GET /v1/databases/{databaseId}')
    assert.deepEqual(database.data!.data.connections.map((connection) => connection.id).sort(), [primary.id, minted[0]!.id].sort())
    const text = JSON.stringify(database.data)
    for (const password of passwords) assert.ok(!text.includes(password), 'GET /v1/databases/{databaseId} shows a password after rotation')
  })
})
