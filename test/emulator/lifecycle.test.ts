// Secrets appear only when a credential is made or rotated; databases go provisioning -> ready
// (or failure) with the backend; deletes reach the backend and cascade.
import assert from 'node:assert/strict'
import net from 'node:net'
import {after, before, describe, it} from 'node:test'

import type {Connection, CreatedConnection, CreatedDatabase, CreatedProject, Database, ErrorBody, Pagination, RotatedConnection} from '../../src/api/contract.js'
import type {Credential, DatabaseBackend, DatabaseEndpoints} from '../../src/emulator/databases/backend.js'
import type {Client} from './emulator-client.js'
import {secretsIn, startClient} from './emulator-client.js'

type Data<T> = {data: T}
type List<T> = {data: T[]; pagination: Pagination}

/** A backend that records what it was asked and can be made slow or failing. */
class RecordingBackend implements DatabaseBackend {
  readonly mode = 'none' as const
  readonly calls: string[] = []
  provisionDelayMs = 0
  failProvision: string | undefined
  failDropCredential = false
  accelerate = false
  private passwords = 0

  async endpoints(databaseId: string): Promise<DatabaseEndpoints> {
    return {
      direct: {host: '127.0.0.1', port: 6543, database: `db_${databaseId}`},
      ...(this.accelerate ? {accelerate: {host: '127.0.0.1', port: 6544}} : {}),
    }
  }

  async provision(databaseId: string): Promise<void> {
    this.calls.push(`provision ${databaseId}`)
    await new Promise((resolve) => setTimeout(resolve, this.provisionDelayMs))
    this.calls.push(`provisioned ${databaseId}`)
    if (this.failProvision) throw new Error(this.failProvision)
  }

  private credential(connectionId: string): Credential {
    this.passwords += 1
    const password = `secret-${this.passwords}-${connectionId}`
    // As the local backend does: each connection its own accelerate key, made with its password.
    const accelerateUrl = this.accelerate ? `prisma+postgres://127.0.0.1:6544/?api_key=key-${password}` : undefined
    return {user: `user_${connectionId}`, password, ...(accelerateUrl ? {accelerateUrl} : {})}
  }

  async createCredential(databaseId: string, connectionId: string): Promise<Credential> {
    this.calls.push(`createCredential ${databaseId} ${connectionId}`)
    return this.credential(connectionId)
  }

  async rotateCredential(databaseId: string, connectionId: string): Promise<Credential> {
    this.calls.push(`rotateCredential ${databaseId} ${connectionId}`)
    return this.credential(connectionId)
  }

  async dropCredential(databaseId: string, connectionId: string): Promise<void> {
    this.calls.push(`dropCredential ${databaseId} ${connectionId}`)
    if (this.failDropCredential) throw new Error('the server is gone')
  }

  async backup(databaseId: string, backupId: string): Promise<{size?: number}> {
    this.calls.push(`backup ${databaseId} ${backupId}`)
    return {}
  }

  async restore(databaseId: string, backupId: string): Promise<void> {
    this.calls.push(`restore ${databaseId} ${backupId}`)
  }

  async cloneFrom(databaseId: string, sourceId: string): Promise<void> {
    this.calls.push(`cloneFrom ${databaseId} ${sourceId}`)
  }

  async dropBackup(backupId: string): Promise<void> {
    this.calls.push(`dropBackup ${backupId}`)
  }

  async drop(databaseId: string): Promise<void> {
    this.calls.push(`drop ${databaseId}`)
  }

  async close(): Promise<void> {
    this.calls.push('close')
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail('the condition did not come true in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('secrets', () => {
  let client: Client

  before(async () => {
    client = await startClient()
  })
  after(async () => {
    await client.emulator.close()
  })

  it('appear in create and rotate answers only; every GET and list carries hosts and ports alone', async () => {
    const created = await client.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'secretive'})
    const project = created.body.data
    const database = project.database!
    const password = new URL(database.connections[0].endpoints.direct!.connectionString!).password
    assert.ok(secretsIn(created.body).length > 0, `no secret in the create answer: ${created.text}`)
    const minted = await client.call<Data<CreatedConnection>>('POST', `/v1/databases/${database.id}/connections`, {name: 'app'})
    assert.ok(secretsIn(minted.body).length > 0, `no secret in the connection create answer: ${minted.text}`)
    const mintedPassword = minted.body.data.pass!
    const extra = await client.call<Data<CreatedDatabase>>('POST', `/v1/projects/${project.id}/databases`, {name: 'second'})
    assert.ok(secretsIn(extra.body).length > 0, `no secret in the database create answer: ${extra.text}`)

    const reads = [
      `/v1/projects/${project.id}`,
      '/v1/projects',
      `/v1/projects/${project.id}/databases`,
      '/v1/databases',
      `/v1/databases?projectId=${project.id}`,
      `/v1/databases/${database.id}`,
      `/v1/databases/${extra.body.data.id}`,
      `/v1/databases/${database.id}/connections`,
      '/v1/connections',
      `/v1/connections?databaseId=${database.id}`,
      `/v1/connections/${minted.body.data.id}`,
      `/v1/connections/${database.connections[0].id}`,
    ]
    for (const path of reads) {
      const answer = await client.call('GET', path)
      assert.equal(answer.status, 200, path)
      assert.deepEqual(secretsIn(answer.body), [], `${path} carries no secret`)
      assert.ok(!answer.text.includes(password) && !answer.text.includes(mintedPassword), `${path} carries no password`)
    }
    const connection = (await client.call<Data<Connection>>('GET', `/v1/connections/${minted.body.data.id}`)).body.data
    assert.equal(connection.directConnection, null)
    assert.equal(typeof connection.endpoints.direct?.port, 'number')
    assert.equal('connectionString' in (connection.endpoints.direct ?? {}), false)
  })

  it('rotating gives a new password for the same user; the old one appears nowhere again', async () => {
    const project = (await client.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'rotating'})).body.data
    const connection = project.database!.connections[0]
    const before = new URL(connection.endpoints.direct!.connectionString!)
    const rotated = await client.call<Data<RotatedConnection>>('POST', `/v1/connections/${connection.id}/rotate`)
    assert.equal(rotated.status, 200)
    const data = rotated.body.data
    assert.equal(data.id, connection.id)
    const after = new URL(data.endpoints.direct!.connectionString)
    assert.equal(after.username, before.username)
    assert.notEqual(after.password, before.password)
    assert.equal(data.connectionString, data.endpoints.direct!.connectionString)
    assert.equal(data.pass, after.password)
    assert.deepEqual(data.directConnection, {host: `${after.hostname}:${after.port}`, user: after.username, pass: after.password})
    assert.ok(!rotated.text.includes(before.password), 'the old password is not in the rotate answer')
    const again = await client.call<Data<RotatedConnection>>('POST', `/v1/connections/${connection.id}/rotate`)
    assert.notEqual(new URL(again.body.data.connectionString).password, after.password)
  })

  it('with the none backend, endpoints name 127.0.0.1 and a port where nothing listens', async () => {
    const project = (await client.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'nowhere'})).body.data
    const {direct, pooled} = project.database!.connections[0].endpoints
    for (const endpoint of [direct!, pooled!]) {
      assert.equal(endpoint.host, '127.0.0.1')
      const refused = await new Promise<boolean>((resolve) => {
        const socket = net.connect({host: endpoint.host, port: endpoint.port})
        socket.once('connect', () => {
          socket.destroy()
          resolve(false)
        })
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'))
      })
      assert.ok(refused, `nothing listens on ${endpoint.port}`)
    }
  })
})

describe('database lifecycle with a backend', () => {
  let client: Client
  let backend: RecordingBackend
  const lines: string[] = []

  before(async () => {
    backend = new RecordingBackend()
    client = await startClient({backend, provisionDelayMs: 300, log: (line) => lines.push(line)})
  })
  after(async () => {
    await client.emulator.close()
    assert.equal(backend.calls.at(-1), 'close', 'close() closes the backend')
  })

  it('a database is provisioning until the delay passed, then ready; the POST already carries its secrets', async () => {
    const started = Date.now()
    const created = await client.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'slow'})
    const database = created.body.data.database!
    assert.equal(database.status, 'provisioning')
    assert.match(database.connections[0].endpoints.direct!.connectionString!, /^postgres:\/\/user_c[a-z0-9]+:secret-\d+-c[a-z0-9]+@127\.0\.0\.1:6543\/db_c[a-z0-9]+\?sslmode=disable$/)
    const shown = await client.call<Data<Database>>('GET', `/v1/databases/${database.id}`)
    assert.equal(shown.body.data.status, 'provisioning')
    await waitFor(async () => (await client.call<Data<Database>>('GET', `/v1/databases/${database.id}`)).body.data.status === 'ready')
    assert.ok(Date.now() - started >= 280, 'ready only after provisionDelayMs')
    // The first credential is handed out before the database is made, which then applies it.
    assert.deepEqual(backend.calls.slice(-3), [`createCredential ${database.id} ${database.connections[0].id}`, `provision ${database.id}`, `provisioned ${database.id}`])
  })

  it('a slow backend does not hold the create answer: it comes with the strings, `provisioning`, while the backend works', async () => {
    backend.provisionDelayMs = 400
    try {
      const created = await client.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'slower'})
      const database = created.body.data.database!
      assert.equal(database.status, 'provisioning')
      assert.ok(database.connections[0].endpoints.direct!.connectionString, `a connection string in the answer: ${created.text}`)
      assert.ok(backend.calls.includes(`provision ${database.id}`) && !backend.calls.includes(`provisioned ${database.id}`), `answered while the backend was still at work: ${JSON.stringify(backend.calls)}`)
      await waitFor(async () => (await client.call<Data<Database>>('GET', `/v1/databases/${database.id}`)).body.data.status === 'ready')
      assert.ok(backend.calls.includes(`provisioned ${database.id}`))
    } finally {
      backend.provisionDelayMs = 0
    }
  })

  it('a rejected provision makes the database `failure`, logs why, and refuses credentials with 409', async () => {
    backend.failProvision = 'no space left on device'
    let created: Data<CreatedProject>
    let database: CreatedProject['database'] & object
    try {
      created = (await client.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'doomed'})).body
      database = created.data.database!
      // The answer came before the backend failed: with the strings it had handed out.
      assert.equal(database.status, 'provisioning')
      assert.equal(database.connections.length, 1)
      await waitFor(async () => (await client.call<Data<Database>>('GET', `/v1/databases/${database.id}`)).body.data.status === 'failure')
    } finally {
      backend.failProvision = undefined
    }
    assert.ok(lines.some((line) => line.includes(database.id) && line.includes('no space left on device')), `the log names the database and the reason:\n${lines.join('\n')}`)
    const minted = await client.call<ErrorBody>('POST', `/v1/databases/${database.id}/connections`, {name: 'x'})
    assert.equal(minted.status, 409)
    assert.match(minted.body.error.hint ?? '', /no space left on device/)
    assert.equal((await client.call('DELETE', `/v1/projects/${created.data.id}`)).status, 204)
    assert.ok(backend.calls.includes(`drop ${database.id}`), `backend calls: ${JSON.stringify(backend.calls)}`)
  })

  it('deleting a connection revokes it first; when the backend cannot, the answer is 500 and it stays', async () => {
    const project = (await client.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'revoke'})).body.data
    const databaseId = project.database!.id
    const minted = (await client.call<Data<CreatedConnection>>('POST', `/v1/databases/${databaseId}/connections`, {name: 'temp'})).body.data
    backend.failDropCredential = true
    try {
      const failed = await client.call<ErrorBody>('DELETE', `/v1/connections/${minted.id}`)
      assert.equal(failed.status, 500)
      assert.equal(failed.body.error.code, 'internal-error')
      assert.match(failed.body.error.message, /the server is gone/)
    } finally {
      backend.failDropCredential = false
    }
    assert.equal((await client.call('GET', `/v1/connections/${minted.id}`)).status, 200)
    assert.equal((await client.call('DELETE', `/v1/connections/${minted.id}`)).status, 204)
    assert.deepEqual(backend.calls.filter((call) => call.startsWith('dropCredential')).slice(-1), [`dropCredential ${databaseId} ${minted.id}`])
    const rotated = await client.call('POST', `/v1/connections/${project.database!.connections[0].id}/rotate`)
    assert.equal(rotated.status, 200)
    assert.equal(backend.calls.at(-1), `rotateCredential ${databaseId} ${project.database!.connections[0].id}`)
  })

  it('deleting a project drops every database of it; deleting a database drops it', async () => {
    const project = (await client.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'cascade'})).body.data
    const second = (await client.call<Data<CreatedDatabase>>('POST', `/v1/projects/${project.id}/databases`, {name: 'two'})).body.data
    const third = (await client.call<Data<CreatedDatabase>>('POST', `/v1/projects/${project.id}/databases`, {name: 'three'})).body.data
    assert.equal((await client.call('DELETE', `/v1/databases/${third.id}`)).status, 204)
    assert.equal(backend.calls.at(-1), `drop ${third.id}`)
    assert.equal((await client.call('DELETE', `/v1/projects/${project.id}`)).status, 204)
    assert.ok(backend.calls.includes(`drop ${project.database!.id}`), `backend calls: ${JSON.stringify(backend.calls)}`)
    assert.ok(backend.calls.includes(`drop ${second.id}`), `backend calls: ${JSON.stringify(backend.calls)}`)
    const listed = await client.call<List<Connection>>('GET', `/v1/connections?databaseId=${second.id}`)
    assert.deepEqual(listed.body.data, [])
  })

  it('an accelerate endpoint appears when the backend serves one: the connection\'s own string, on creation only', async () => {
    backend.accelerate = true
    try {
      const project = (await client.call<Data<CreatedProject>>('POST', '/v1/projects', {name: 'fast'})).body.data
      const [connection] = project.database!.connections
      assert.equal(connection.endpoints.accelerate?.connectionString, `prisma+postgres://127.0.0.1:6544/?api_key=key-${connection.directConnection?.pass}`)
      const listed = await client.call<List<Connection>>('GET', `/v1/databases/${project.database!.id}/connections`)
      assert.deepEqual(listed.body.data[0].endpoints.accelerate, {host: '127.0.0.1', port: 6544})
      assert.deepEqual(secretsIn(listed.body), [])
    } finally {
      backend.accelerate = false
    }
  })
})
