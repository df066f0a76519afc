// Backups, restore and clone in `none` mode: the API's behaviour (statuses, errors, sources, the
// request log) without data. The real-data suites prove the rows come back.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import type {BackupList, CreatedDatabase, CreatedProject, Database, ErrorBody} from '../../src/api/contract.js'
import type {DatabaseBackend} from '../../src/emulator/databases/backend.js'
import {createNoneBackend} from '../../src/emulator/databases/none.js'
import type {Client} from './emulator-client.js'
import {startClient} from './emulator-client.js'

type Data<T> = {data: T}

describe('emulator backups, restore and clone (none mode)', () => {
  let client: Client
  const call = <T>(method: string, path: string, body?: unknown) => client.call<T>(method, path, body)
  const expectError = async (promise: Promise<{status: number; body: unknown}>, status: number, code: string, message?: RegExp) => {
    const answer = await promise
    assert.equal(answer.status, status, JSON.stringify(answer.body))
    const {error} = answer.body as ErrorBody
    assert.equal(error.code, code)
    if (message) assert.match(error.message, message)
    return error
  }
  const project = async () => {
    const created = await call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'p'})
    assert.equal(created.status, 201, created.text)
    return {projectId: created.body.data.id, databaseId: created.body.data.database!.id}
  }
  const backup = async (databaseId: string) => {
    const taken = await call<Data<{id: string; databaseId: string; status: string}>>('POST', `/__emulator/databases/${databaseId}/backups`)
    assert.equal(taken.status, 201, taken.text)
    assert.equal(taken.body.data.databaseId, databaseId)
    assert.equal(taken.body.data.status, 'completed')
    return taken.body.data.id
  }

  before(async () => {
    client = await startClient()
  })
  after(async () => {
    await client.emulator.close()
  })

  it('the backup hook: 404 for an unknown database; the backup is listed at once', async () => {
    await expectError(call('POST', '/__emulator/databases/nope/backups'), 404, 'not-found', /Database "nope"/)
    const {databaseId} = await project()
    const id = await backup(databaseId)
    const list = await call<BackupList>('GET', `/v1/databases/${databaseId}/backups`)
    assert.deepEqual(
      list.body.data.map((b) => b.id),
      [id],
    )
  })

  it('restore: 200 with the target recovering and the source, then ready; the request is logged', async () => {
    const {databaseId} = await project()
    const backupId = await backup(databaseId)
    client.emulator.clearRequests()
    const restored = await call<Data<Database & {source: unknown}>>('POST', `/v1/databases/${databaseId}/restore`, {source: {type: 'backup', databaseId, backupId}})
    assert.equal(restored.status, 200, restored.text)
    assert.equal(restored.body.data.id, databaseId)
    assert.equal(restored.body.data.status, 'recovering')
    assert.deepEqual(restored.body.data.source, {type: 'backup', databaseId, backupId})
    await client.emulator.settled()
    const after = await call<Data<Database>>('GET', `/v1/databases/${databaseId}`)
    assert.equal(after.body.data.status, 'ready')
    const [request] = client.emulator.requests().filter((r) => r.method === 'POST')
    assert.equal(request.path, `/v1/databases/${databaseId}/restore`)
    assert.deepEqual(request.body, {source: {type: 'backup', databaseId, backupId}})
  })

  it('restore into another database of the workspace from a backup of the first', async () => {
    const first = await project()
    const second = await project()
    const backupId = await backup(first.databaseId)
    const restored = await call<Data<Database>>('POST', `/v1/databases/${second.databaseId}/restore`, {source: {type: 'backup', databaseId: first.databaseId, backupId}})
    assert.equal(restored.status, 200, restored.text)
    await client.emulator.settled()
  })

  it('restore: validation, 404s for the target, the source database and the backup, 409 while recovering', async () => {
    const {databaseId} = await project()
    const other = await project()
    const backupId = await backup(databaseId)
    const path = `/v1/databases/${databaseId}/restore`
    await expectError(call('POST', path, {}), 400, 'validation-error', /source is required/)
    await expectError(call('POST', path, {source: 'x'}), 400, 'validation-error', /source must be an object/)
    await expectError(call('POST', path, {source: {type: 'database', databaseId}}), 422, 'not-supported', /source\.type must be "backup"/)
    await expectError(call('POST', path, {source: {type: 'backup', databaseId, backupId: ''}}), 400, 'validation-error', /source\.backupId/)
    await expectError(call('POST', path, {source: {type: 'backup', backupId}}), 400, 'validation-error', /source\.databaseId/)
    await expectError(call('POST', '/v1/databases/nope/restore', {source: {type: 'backup', databaseId, backupId}}), 404, 'not-found', /Database "nope"/)
    await expectError(call('POST', path, {source: {type: 'backup', databaseId: 'nope', backupId}}), 404, 'not-found', /Source database "nope"/)
    await expectError(call('POST', path, {source: {type: 'backup', databaseId, backupId: 'nope'}}), 404, 'not-found', /Backup "nope" of database/)
    // A backup belongs to one database: naming another is a backup that database does not have.
    await expectError(call('POST', path, {source: {type: 'backup', databaseId: other.databaseId, backupId}}), 404, 'not-found', /Backup .* of database/)

    await client.emulator.settled()
  })

  it('create with source backup and database: the new database records its source; errors name what is missing', async () => {
    const {projectId, databaseId} = await project()
    const backupId = await backup(databaseId)
    const path = `/v1/projects/${projectId}/databases`
    const fromBackup = await call<Data<CreatedDatabase>>('POST', path, {name: 'from-backup', source: {type: 'backup', databaseId, backupId}})
    assert.equal(fromBackup.status, 201, fromBackup.text)
    assert.deepEqual(fromBackup.body.data.source, {type: 'backup', databaseId, backupId})
    const clone = await call<Data<CreatedDatabase>>('POST', path, {name: 'clone', source: {type: 'database', databaseId}})
    assert.equal(clone.status, 201, clone.text)
    assert.deepEqual(clone.body.data.source, {type: 'database', databaseId})
    await client.emulator.settled()
    const shown = await call<Data<Database>>('GET', `/v1/databases/${clone.body.data.id}`)
    assert.equal(shown.body.data.status, 'ready')
    assert.deepEqual(shown.body.data.source, {type: 'database', databaseId})
    // The deprecated fromDatabase means the same.
    const legacy = await call<Data<CreatedDatabase>>('POST', path, {fromDatabase: {id: databaseId, backupId}})
    assert.equal(legacy.status, 201, legacy.text)
    assert.deepEqual(legacy.body.data.source, {type: 'backup', databaseId, backupId})

    await expectError(call('POST', path, {source: {type: 'backup', databaseId, backupId: 'nope'}}), 404, 'not-found', /Backup "nope"/)
    await expectError(call('POST', path, {source: {type: 'database', databaseId: 'nope'}}), 404, 'not-found', /Source database "nope"/)
    await expectError(call('POST', path, {source: {type: 'database'}}), 400, 'validation-error', /source\.databaseId/)
    await expectError(call('POST', path, {source: {type: 'empty'}, fromDatabase: {id: databaseId}}), 400, 'validation-error', /not both/)
    await client.emulator.settled()
  })

  it('deleting a database deletes its backups: a restore naming them is a 404', async () => {
    const {projectId, databaseId} = await project()
    const other = await call<Data<CreatedDatabase>>('POST', `/v1/projects/${projectId}/databases`, {name: 'other'})
    const otherId = other.body.data.id
    const backupId = await backup(otherId)
    assert.equal((await call('DELETE', `/v1/databases/${otherId}`)).status, 204)
    await expectError(call('POST', `/v1/databases/${databaseId}/restore`, {source: {type: 'backup', databaseId: otherId, backupId}}), 404, 'not-found', /Source database/)
  })
})

describe('emulator restore: 409 while recovering, failure when the copy fails', () => {
  let client: Client
  let release: () => void = () => undefined
  let failNext = false
  before(async () => {
    const none = createNoneBackend({host: '127.0.0.1', log: () => undefined})
    // The restore waits until the test lets it finish, so `recovering` is there to be seen.
    const backend: DatabaseBackend = {
      ...none,
      restore: async () => {
        await new Promise<void>((resolve) => {
          release = resolve
        })
        if (failNext) throw new Error('disk full')
      },
    }
    client = await startClient({backend})
  })
  after(async () => {
    release()
    await client.emulator.close()
  })

  it('a second restore is 409 while the first runs; the target is ready after, or failure when the copy failed', async () => {
    const created = await client.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'p'})
    const databaseId = created.body.data.database!.id
    const taken = await client.call<Data<{id: string}>>('POST', `/__emulator/databases/${databaseId}/backups`)
    const body = {source: {type: 'backup', databaseId, backupId: taken.body.data.id}}
    const path = `/v1/databases/${databaseId}/restore`
    assert.equal((await client.call('POST', path, body)).status, 200)
    const second = await client.call<ErrorBody>('POST', path, body)
    assert.equal(second.status, 409, second.text)
    assert.equal(second.body.error.code, 'conflict')
    assert.match(second.body.error.message, new RegExp(`Database ${databaseId} is recovering and cannot be restored now`))
    assert.equal((await client.call<Data<Database>>('GET', `/v1/databases/${databaseId}`)).body.data.status, 'recovering')
    release()
    await client.emulator.settled()
    assert.equal((await client.call<Data<Database>>('GET', `/v1/databases/${databaseId}`)).body.data.status, 'ready')

    failNext = true
    assert.equal((await client.call('POST', path, body)).status, 200)
    release()
    await client.emulator.settled()
    assert.equal((await client.call<Data<Database>>('GET', `/v1/databases/${databaseId}`)).body.data.status, 'failure')
  })
})

describe('emulator backups: 409 for a database still provisioning', () => {
  let client: Client
  before(async () => {
    client = await startClient({provisionDelayMs: 60_000})
  })
  after(async () => {
    await client.emulator.close()
  })

  it('restore target, clone source and the backup hook refuse a provisioning database', async () => {
    const created = await client.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'slow'})
    const databaseId = created.body.data.database!.id
    const projectId = created.body.data.id
    const hook = await client.call<ErrorBody>('POST', `/__emulator/databases/${databaseId}/backups`)
    assert.equal(hook.status, 409, hook.text)
    assert.match(hook.body.error.message, /provisioning; a backup can be taken once it is ready/)
    const clone = await client.call<ErrorBody>('POST', `/v1/projects/${projectId}/databases`, {source: {type: 'database', databaseId}})
    assert.equal(clone.status, 409, clone.text)
    assert.match(clone.body.error.message, /provisioning; it can be cloned once it is ready/)
  })
})

describe('emulator backups: --backup-interval', () => {
  let client: Client
  before(async () => {
    client = await startClient({backupIntervalSeconds: 1})
  })
  after(async () => {
    await client.emulator.close()
  })

  it('backs up every ready database on its own, newest first, each after its database was created', async () => {
    const created = await client.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'scheduled'})
    const databaseId = created.body.data.database!.id
    let list: BackupList = {data: [], meta: {backupRetentionDays: 0}, pagination: {hasMore: false, limit: null}} as unknown as BackupList
    // Polled, not timed: the test ends as soon as two rounds have run.
    for (let i = 0; i < 100 && list.data.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      list = (await client.call<BackupList>('GET', `/v1/databases/${databaseId}/backups`)).body
    }
    assert.ok(list.data.length >= 2, `backups after waiting: ${JSON.stringify(list.data)}`)
    const times = list.data.map((b) => Date.parse(b.createdAt))
    assert.deepEqual(times, [...times].sort((a, b) => b - a))
    for (const time of times) assert.ok(time >= Date.parse(created.body.data.database!.createdAt))
  })

  it('refuses an interval below one second', async () => {
    await assert.rejects(startClient({backupIntervalSeconds: 0}), /backupIntervalSeconds must be a whole number of 1 or more/)
  })
})
