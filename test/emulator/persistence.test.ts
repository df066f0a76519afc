// --data-dir: state saved as JSON (atomic, mode 0600) and served again after a restart.
import assert from 'node:assert/strict'
import {mkdtemp, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import type {BackupList, Connection, CreatedConnection, CreatedProject, Database, Pagination, Project, Usage} from '../../src/api/contract.js'
import type {DatabaseBackend, DatabaseEndpoints} from '../../src/emulator/databases/backend.js'
import {STATE_FILE, startEmulator} from '../../src/emulator/index.js'
import {clientFor, startClient} from './emulator-client.js'

type Data<T> = {data: T}
type List<T> = {data: T[]; pagination: Pagination}

describe('data dir', () => {
  let root: string

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'prisma-mgmt-emulator-'))
  })
  after(async () => {
    await rm(root, {recursive: true, force: true})
  })

  it('keeps projects, databases, connections, backups, usage and the generated token across a restart', async () => {
    const dataDir = join(root, 'state')
    const first = await startClient({dataDir})
    const created = (await first.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'kept', region: 'eu-west-3', logicalId: 'kept'})).body.data
    const databaseId = created.database!.id
    const minted = (await first.call<Data<CreatedConnection>>('POST', `/v1/databases/${databaseId}/connections`, {name: 'app'})).body.data
    await first.call('PATCH', `/v1/projects/${created.id}`, {name: 'kept-renamed'})
    const bare = (await first.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'bare', createDatabase: false})).body.data
    const page1 = await first.call<List<Project>>('GET', '/v1/projects?limit=1')
    const usageBefore = (await first.call<Usage>('GET', `/v1/databases/${databaseId}/usage`)).body.metrics.operations.used
    const backup = (await first.call<Data<{id: string}>>('POST', `/__emulator/databases/${databaseId}/backups`)).body.data
    const backupsBefore = (await first.call<BackupList>('GET', `/v1/databases/${databaseId}/backups`)).body.data
    assert.deepEqual(backupsBefore.map((b) => b.id), [backup.id])
    const before = {
      project: (await first.call<Data<Project>>('GET', `/v1/projects/${created.id}`)).body.data,
      connections: (await first.call<List<Connection>>('GET', `/v1/databases/${databaseId}/connections`)).body.data,
    }
    const {token} = first.emulator
    await first.emulator.close()

    assert.equal((await stat(dataDir)).mode & 0o777, 0o700)
    const file = join(dataDir, STATE_FILE)
    assert.equal((await stat(file)).mode & 0o777, 0o600)
    assert.deepEqual((await readdir(dataDir)).filter((name) => name.endsWith('.tmp')), [], 'no temp file is left behind')
    const saved = await readFile(file, 'utf8')
    assert.ok(!saved.includes(minted.pass!), 'passwords are never saved')
    assert.ok(!saved.includes(new URL(created.database!.connections[0].endpoints.direct!.connectionString!).password), 'the first connection\'s password is not saved')

    const second = clientFor(await startEmulator({port: 0, dataDir}))
    try {
      assert.equal(second.emulator.token, token, 'a generated token is kept')
      const project = (await second.call<Data<Project>>('GET', `/v1/projects/${created.id}`)).body.data
      assert.deepEqual({...project, url: '', workspace: {...project.workspace, url: ''}}, {...before.project, url: '', workspace: {...before.project.workspace, url: ''}})
      assert.equal((await second.call('GET', `/v1/projects/${bare.id}`)).status, 200)
      const connections = (await second.call<List<Connection>>('GET', `/v1/databases/${databaseId}/connections`)).body.data
      assert.deepEqual(connections.map((c) => [c.id, c.name]), before.connections.map((c) => [c.id, c.name]))
      await second.emulator.settled()
      const database = (await second.call<Data<Database>>('GET', `/v1/databases/${databaseId}`)).body.data
      assert.equal(database.status, 'ready')
      assert.equal(database.region?.id, 'eu-west-3')
      assert.deepEqual((await second.call<BackupList>('GET', `/v1/databases/${databaseId}/backups`)).body.data, backupsBefore, 'backups are kept')
      // A cursor handed out before the restart still works, and new projects come after the old.
      const next = await second.call<List<Project>>('GET', `/v1/projects?cursor=${encodeURIComponent(page1.body.pagination.nextCursor!)}`)
      assert.deepEqual(next.body.data.map((p) => p.id), [bare.id])
      const later = (await second.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'later', createDatabase: false})).body.data
      const all = (await second.call<List<Project>>('GET', '/v1/projects')).body.data
      assert.deepEqual(all.map((p) => p.id), [created.id, bare.id, later.id])
      assert.equal((await second.call('POST', '/v1/projects', {logicalId: 'kept'})).status, 409, 'logicalIds are remembered')
      const rotated = await second.call<Data<CreatedConnection>>('POST', `/v1/connections/${minted.id}/rotate`)
      assert.equal(rotated.status, 200)
      const usage = (await second.call<Usage>('GET', `/v1/databases/${databaseId}/usage`)).body.metrics.operations.used
      assert.ok(usage > usageBefore, 'operations counted before the restart still count')
    } finally {
      await second.emulator.close()
    }
  })

  it('restarts every database through the backend, two at a time; credential work waits for it', async () => {
    const dataDir = join(root, 'resume')
    const first = await startClient({dataDir})
    const seeded = await first.emulator.seedProjects(5, {createDatabase: true})
    await first.emulator.close()

    let inFlight = 0
    let mostInFlight = 0
    const provisioned: string[] = []
    const backend: DatabaseBackend = {
      mode: 'none',
      endpoints: async (databaseId): Promise<DatabaseEndpoints> => ({direct: {host: '127.0.0.1', port: 7777, database: databaseId}}),
      async provision(databaseId) {
        inFlight += 1
        mostInFlight = Math.max(mostInFlight, inFlight)
        await new Promise((ok) => setTimeout(ok, 60))
        inFlight -= 1
        provisioned.push(databaseId)
      },
      createCredential: async (_databaseId, connectionId) => ({user: connectionId, password: 'pw'}),
      rotateCredential: async (_databaseId, connectionId) => ({user: connectionId, password: 'pw2'}),
      dropCredential: async () => undefined,
      backup: async () => ({}),
      restore: async () => undefined,
      cloneFrom: async () => undefined,
      dropBackup: async () => undefined,
      drop: async () => undefined,
      close: async () => undefined,
    }
    const second = clientFor(await startEmulator({port: 0, dataDir, backend}))
    try {
      const last = seeded[4].databaseId!
      assert.equal((await second.call<Data<Database>>('GET', `/v1/databases/${last}`)).body.data.status, 'provisioning')
      const minted = await second.call<Data<CreatedConnection>>('POST', `/v1/databases/${last}/connections`, {name: 'after-restart'})
      assert.equal(minted.status, 200)
      assert.equal(minted.body.data.endpoints.direct?.port, 7777, 'the new endpoints, not the ones saved before')
      await second.emulator.settled()
      assert.deepEqual([...provisioned].sort(), seeded.map((p) => p.databaseId!).sort())
      assert.equal(mostInFlight, 2)
      for (const project of seeded) {
        assert.equal((await second.call<Data<Database>>('GET', `/v1/databases/${project.databaseId}`)).body.data.status, 'ready')
      }
    } finally {
      await second.emulator.close()
    }
  })

  it('a token passed in is used and not saved; memory-only emulators write nothing', async () => {
    const dataDir = join(root, 'fixed-token')
    const fixed = await startEmulator({port: 0, dataDir, token: 'my-fixed-token'})
    assert.equal(fixed.token, 'my-fixed-token')
    assert.equal(fixed.tokenGenerated, false)
    await fixed.close()
    assert.ok(!(await readFile(join(dataDir, STATE_FILE), 'utf8')).includes('my-fixed-token'), `a token passed in is not saved in ${STATE_FILE}`)
    const again = await startEmulator({port: 0, dataDir})
    assert.notEqual(again.token, 'my-fixed-token')
    await again.close()

    const memory = await startClient()
    assert.equal(memory.emulator.dataDir, undefined)
    await memory.emulator.close()
  })

  it('saves while running, so a crash loses at most the last moments', async () => {
    const dataDir = join(root, 'running')
    const client = await startClient({dataDir})
    try {
      const created = (await client.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'now', createDatabase: false})).body.data
      await client.emulator.flush()
      const saved = JSON.parse(await readFile(join(dataDir, STATE_FILE), 'utf8')) as {projects: {id: string}[]}
      assert.deepEqual(saved.projects.map((p) => p.id), [created.id])
    } finally {
      await client.emulator.close()
    }
  })

  it('a corrupt state file stops the start with an error naming it, and is left as it was', async () => {
    const dataDir = join(root, 'corrupt')
    const first = await startEmulator({port: 0, dataDir})
    await first.close()
    const file = join(dataDir, STATE_FILE)
    await writeFile(file, '{"version": 1, "projects": [', {mode: 0o600})
    await assert.rejects(startEmulator({port: 0, dataDir}), (error: Error) => error.message.includes(file) && /not valid JSON/.test(error.message))
    await writeFile(file, '{"version": 7}', {mode: 0o600})
    await assert.rejects(startEmulator({port: 0, dataDir}), (error: Error) => error.message.includes(file))
    assert.equal(await readFile(file, 'utf8'), '{"version": 7}')
  })

  it('keeps buckets, their branches and keys (the same hints, never a secret); a malformed bucket part stops the start', async () => {
    const dataDir = join(root, 'buckets')
    const first = clientFor(await startEmulator({port: 0, dataDir}))
    const project = await first.call<Data<Project>>('POST', '/v1/projects', {name: 'kept', createDatabase: false})
    const bucket = await first.call<Data<{id: string; branchId: string | null}>>('POST', '/v1/buckets', {projectId: project.body.data.id, branchGitName: 'main', logicalId: 'files'})
    assert.equal(bucket.status, 201)
    const key = await first.call<Data<{id: string; secretAccessKey: string}>>('POST', `/v1/buckets/${bucket.body.data.id}/keys`, {role: 'read'})
    const listedBefore = await first.call<List<unknown>>('GET', `/v1/buckets/${bucket.body.data.id}/keys`)
    await first.emulator.close()
    const file = join(dataDir, STATE_FILE)
    assert.equal((await stat(file)).mode & 0o777, 0o600, 'the state file holds key secrets: 0600')

    const second = clientFor(await startEmulator({port: 0, dataDir}))
    const shown = await second.call<Data<{id: string; branchId: string | null; logicalId: string}>>('GET', `/v1/buckets/${bucket.body.data.id}`)
    assert.equal(shown.status, 200)
    assert.equal(shown.body.data.branchId, bucket.body.data.branchId, 'on the same branch')
    assert.equal(shown.body.data.logicalId, 'files')
    const again = await second.call('POST', '/v1/buckets', {projectId: project.body.data.id, branchGitName: 'main', logicalId: 'files'})
    assert.equal(again.status, 409, 'the branch and its logicalIds came back too')
    const listed = await second.call<List<unknown>>('GET', `/v1/buckets/${bucket.body.data.id}/keys`)
    assert.deepEqual(listed.body.data, listedBefore.body.data, 'the same keys, the same hints')
    assert.ok(!listed.text.includes(key.body.data.secretAccessKey), 'and never the secret')
    await second.emulator.close()

    const state = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
    for (const [part, value] of [
      ['buckets', 'not a list'],
      ['bucketKeys', [{id: 'k', seq: 1, bucketId: 'b'}]],
      ['branches', [{id: 'b', seq: 1}]],
    ] as const) {
      const broken = JSON.stringify({...state, [part]: value})
      await writeFile(file, broken, {mode: 0o600})
      await assert.rejects(startEmulator({port: 0, dataDir}), (error: Error) => error.message.includes(file) && /not in the expected format/.test(error.message), part)
      assert.equal(await readFile(file, 'utf8'), broken, `${part}: the file is left as it was`)
    }
  })
})
