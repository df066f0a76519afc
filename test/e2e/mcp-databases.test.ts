// `prisma-mgmt mcp` with real databases behind the emulator (`--databases local`): the
// connection string create_project returns opens a PostgreSQL session, and so does the one
// create_connection mints.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'


import {connectMcp, structured, textOf, type McpSession} from './mcp-client.js'
import {Emulator, removeDir, tempDir} from './harness.js'
import {query} from './sql.js'

interface Endpoints {
  endpoints: Record<string, {connectionString?: string}>
}

/** The first connection string of a connection, in the order the API's endpoints come. */
function firstString(connection: Endpoints): string {
  const url = ['direct', 'pooled'].map((name) => connection.endpoints[name]?.connectionString).find(Boolean)
  assert.ok(url, `no connection string in ${JSON.stringify(connection)}`)
  return url
}

describe('prisma-mgmt mcp with real databases', () => {
  let emulator: Emulator
  let home: string
  let session: McpSession | undefined

  before(async () => {
    emulator = await Emulator.start(['--databases', 'local'])
    home = await tempDir()
  })
  after(async () => {
    await session?.close().catch(() => {})
    await emulator.stop()
    await removeDir(home)
  })

  it('creates a project whose returned connection string connects, and mints one more that does too', async () => {
    session = await connectMcp(emulator, home)
    const created = await session.call('create_project', {name: 'agent-db', waitSeconds: 300})
    assert.notEqual(created.isError, true, textOf(created))
    const project = structured<{database: {id: string; status: string; connections: Endpoints[]}}>(created)
    assert.equal(project.database.status, 'ready')
    assert.deepEqual(await query(firstString(project.database.connections[0]), 'select 1 as one'), [{one: 1}])

    const minted = await session.call('create_connection', {databaseId: project.database.id})
    assert.notEqual(minted.isError, true, textOf(minted))
    const connection = structured<Endpoints & {name: string}>(minted)
    assert.match(connection.name, /^prisma-mgmt-\d{8}-\d{6}$/)
    assert.deepEqual(await query(firstString(connection), 'select 1 as one'), [{one: 1}])

    const closing = session
    session = undefined
    assert.deepEqual(await closing.close(), {code: 0, signal: null})
  })
})
