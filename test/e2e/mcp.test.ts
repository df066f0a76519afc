// `prisma-mgmt mcp` against the emulator, driven by the MCP SDK's own Client over stdio: the tool
// list and its annotations, the safety flags, results, errors, paging, and a clean exit.
import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, afterEach, before, describe, it} from 'node:test'

import {startServer, TOKEN} from '../api/local-server.js'
import {connectMcp, structured, textOf, type McpSession} from './mcp-client.js'
import {Emulator, removeDir, ROOT, run, tempDir} from './harness.js'

const READ_ONLY = [
  'whoami',
  'list_workspaces',
  'list_regions',
  'list_projects',
  'show_project',
  'list_databases',
  'show_database',
  'list_connections',
  'list_buckets',
  'show_bucket',
  'list_bucket_keys',
  'list_backups',
  'usage',
]
const CHANGING = ['create_project', 'rename_project', 'create_database', 'create_connection', 'rotate_connection', 'create_bucket', 'create_bucket_key']
const DESTRUCTIVE = ['delete_project', 'delete_database', 'delete_connection', 'delete_bucket', 'delete_bucket_key', 'restore_database']

interface ReceivedRequest {
  method: string
  path: string
  body: unknown
}

interface ProjectJson {
  id: string
  name: string
  database?: {id: string; name: string; status: string; connections: {id: string; name: string; endpoints: Record<string, {connectionString?: string}>}[]}
}

interface DatabaseJson {
  id: string
  name: string
  status: string
  source?: unknown
}

interface ConnectionJson {
  id: string
  name: string
  endpoints: Record<string, {host: string; port: number; connectionString?: string}>
}

describe('prisma-mgmt mcp', () => {
  let emulator: Emulator
  let home: string
  const sessions: McpSession[] = []

  const connect = async (flags: string[] = [], env?: Record<string, string | undefined>) => {
    const session = await connectMcp(emulator, home, {flags, env})
    sessions.push(session)
    return session
  }
  /** Closes the session and checks it exited by itself, with 0, and leaked no token. */
  const closeCleanly = async (session: McpSession) => {
    sessions.splice(sessions.indexOf(session), 1)
    assert.deepEqual(await session.close(), {code: 0, signal: null}, `the server's exit; stderr:\n${session.stderr()}`)
  }
  const requests = async () => (await emulator.call<{data: ReceivedRequest[]}>('GET', '/__emulator/requests')).body.data
  const changes = async () => (await requests()).filter((r) => r.method !== 'GET')
  /** A real backup of the database, taken now by the emulator's test hook; its id. */
  const backup = async (databaseId: string): Promise<string> => {
    const taken = await emulator.call<{data: {id: string}}>('POST', `/__emulator/databases/${databaseId}/backups`)
    assert.equal(taken.status, 201, JSON.stringify(taken.body))
    return taken.body.data.id
  }

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
  })
  afterEach(async () => {
    // A failed test leaves its server running: close it whatever happened.
    for (const session of sessions.splice(0)) await session.close().catch(() => {})
    await emulator.call('DELETE', '/__emulator/faults')
  })
  after(async () => {
    await emulator.stop()
    await removeDir(home)
  })

  it('lists every tool but the destructive ones, each with a description, an input schema and all three annotations', async () => {
    const session = await connect()
    const tools = await session.listTools()
    assert.deepEqual(tools.map((t) => t.name).sort(), [...READ_ONLY, ...CHANGING].sort())
    for (const tool of tools) {
      assert.ok(tool.description && tool.description.length > 20, `${tool.name} has a description`)
      assert.equal(tool.inputSchema.type, 'object', `${tool.name}'s input schema`)
      const {readOnlyHint, destructiveHint, idempotentHint} = tool.annotations ?? {}
      const readOnly = READ_ONLY.includes(tool.name)
      assert.deepEqual({readOnlyHint, destructiveHint}, {readOnlyHint: readOnly, destructiveHint: false}, `${tool.name}'s annotations`)
      assert.equal(typeof idempotentHint, 'boolean', `${tool.name} states idempotentHint`)
      if (readOnly) assert.equal(idempotentHint, true, `${tool.name} is idempotent`)
    }
    const byName = new Map(tools.map((t) => [t.name, t]))
    assert.equal(byName.get('rename_project')!.annotations!.idempotentHint, true)
    for (const name of ['create_project', 'create_database', 'create_connection', 'rotate_connection']) assert.equal(byName.get(name)!.annotations!.idempotentHint, false, name)
    assert.deepEqual(byName.get('show_project')!.inputSchema.required, ['projectId'])
    assert.ok(byName.get('list_projects')!.inputSchema.properties!.cursor, 'list_projects takes a cursor')
    await closeCleanly(session)
  })

  it('--read-only hides every tool that changes state, and such a call changes nothing', async () => {
    const session = await connect(['--read-only'])
    const tools = await session.listTools()
    assert.deepEqual(tools.map((t) => t.name).sort(), [...READ_ONLY].sort())
    for (const tool of tools) assert.equal(tool.annotations?.readOnlyHint, true, tool.name)
    await emulator.call('DELETE', '/__emulator/requests')
    const refused = await session.call('create_project', {name: 'not-made'})
    assert.equal(refused.isError, true, JSON.stringify(refused))
    assert.match(textOf(refused), /create_project/)
    assert.deepEqual(await changes(), [], 'requests that change something')
    await closeCleanly(session)
  })

  it('--read-only and --allow-destructive together are a usage error (exit 2)', async () => {
    const result = await run(['mcp', '--read-only', '--allow-destructive'], {env: emulator.env(home), emulator})
    assert.equal(result.code, 2, result.stderr)
    assert.match(result.stderr, /--allow-destructive/)
    assert.equal(result.stdout, '')
  })

  it('creates a project, returns its connection strings once, and lists, shows and renames it', async () => {
    const session = await connect()
    await emulator.call('DELETE', '/__emulator/requests')
    const result = await session.call('create_project', {name: 'mcp-made', region: 'eu-central-1'})
    assert.notEqual(result.isError, true, textOf(result))
    const project = structured<ProjectJson>(result)
    const sent = (await requests()).filter((r) => r.method === 'POST')
    assert.deepEqual(sent.map((r) => [r.path, r.body]), [['/v1/projects', {name: 'mcp-made', createDatabase: true, region: 'eu-central-1'}]])
    assert.equal(project.name, 'mcp-made')
    assert.equal(project.database?.status, 'ready')
    const strings = project.database!.connections.flatMap((c) => Object.values(c.endpoints).map((e) => e.connectionString)).filter(Boolean) as string[]
    assert.ok(strings.length > 0, `connection strings in: ${JSON.stringify(project)}`)
    for (const url of strings) {
      assert.match(url, /^postgres(ql)?:\/\//)
      assert.ok(textOf(result).includes(url), `the text rendering shows ${url}:\n${textOf(result)}`)
    }
    // The second content block is the same object as JSON, for clients that read text only.
    assert.deepEqual(JSON.parse((result.content[1] as {text: string}).text), project)

    const shown = await session.call('show_project', {projectId: project.id})
    assert.deepEqual(structured(shown), (await emulator.call<{data: unknown}>('GET', `/v1/projects/${project.id}`)).body.data)
    const renamed = await session.call('rename_project', {projectId: project.id, name: 'mcp-renamed'})
    assert.equal(structured<{name: string}>(renamed).name, 'mcp-renamed')
    assert.equal((await emulator.call<{data: {name: string}}>('GET', `/v1/projects/${project.id}`)).body.data.name, 'mcp-renamed')
    const databases = structured<{data: {id: string}[]; nextCursor: string | null}>(await session.call('list_databases', {projectId: project.id}))
    assert.deepEqual(databases, {data: [(await emulator.call<{data: {id: string}[]}>('GET', `/v1/projects/${project.id}/databases`)).body.data[0]], nextCursor: null})
    await closeCleanly(session)
  })

  it('mints a connection whose secrets come back once, lists it without them, and rotates it', async () => {
    const made = await emulator.call<{data: {database: {id: string}}}>('POST', '/v1/projects', {name: 'conn-host', region: 'us-east-1'})
    const databaseId = made.body.data.database.id
    const session = await connect()
    const created = await session.call('create_connection', {databaseId, name: 'agent'})
    assert.notEqual(created.isError, true, textOf(created))
    const connection = structured<ConnectionJson>(created)
    assert.equal(connection.name, 'agent')
    const direct = connection.endpoints.direct?.connectionString ?? Object.values(connection.endpoints)[0].connectionString!
    assert.ok(textOf(created).includes(direct), textOf(created))
    const password = decodeURIComponent(new URL(direct).password)
    assert.ok(password.length > 0)

    const listed = await session.call('list_connections', {databaseId})
    const names = structured<{data: ConnectionJson[]}>(listed).data.map((c) => c.name)
    assert.ok(names.includes('agent'), JSON.stringify(names))
    assert.ok(!JSON.stringify(listed).includes(password), 'a listed connection carries its password')

    const rotated = structured<ConnectionJson>(await session.call('rotate_connection', {connectionId: connection.id}))
    const rotatedUrl = rotated.endpoints.direct?.connectionString ?? Object.values(rotated.endpoints)[0].connectionString!
    assert.notEqual(decodeURIComponent(new URL(rotatedUrl).password), password)
    await closeCleanly(session)
  })

  it('pages lists with the API\'s cursors', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await emulator.call('POST', '/v1/projects', {name, createDatabase: false})
    const all = (await emulator.call<{data: {id: string}[]}>('GET', '/v1/projects?limit=100')).body.data.map((p) => p.id)
    assert.ok(all.length >= 3)
    const session = await connect()
    const seen: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page = structured<{data: {id: string}[]; nextCursor: string | null}>(await session.call('list_projects', {limit: 2, ...(cursor ? {cursor} : {})}))
      assert.ok(page.data.length <= 2, `a page of ${page.data.length}`)
      seen.push(...page.data.map((p) => p.id))
      cursor = page.nextCursor ?? undefined
      pages++
    } while (cursor && pages < 50)
    assert.deepEqual(seen, all)
    assert.equal(pages, Math.ceil(all.length / 2))
    const limits = (await requests()).filter((r) => r.path.startsWith('/v1/projects?')).map((r) => new URL(r.path, 'http://x').searchParams.get('limit'))
    assert.ok(limits.length >= pages && limits.slice(-pages).every((limit) => limit === '2'), `limits sent: ${JSON.stringify(limits)}`)
    await closeCleanly(session)
  })

  it('answers an API error as a tool error with the API\'s code, message, hint and status, and keeps serving', async () => {
    const session = await connect()
    const missing = await session.call('show_project', {projectId: 'no-such-project'})
    assert.equal(missing.isError, true)
    const api = await emulator.call<{error: {code: string; message: string}}>('GET', '/v1/projects/no-such-project')
    assert.deepEqual(structured(missing), {error: {...api.body.error, status: 404}})
    assert.match(textOf(missing), new RegExp(`^Error: ${api.body.error.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`))

    await emulator.call('POST', '/__emulator/faults', {method: 'GET', path: '/v1/projects', status: 409, code: 'busy-elsewhere', message: 'Another change is in progress.', hint: 'Wait for it to finish.'})
    const conflict = await session.call('list_projects', {})
    assert.equal(conflict.isError, true)
    assert.deepEqual(structured(conflict), {error: {code: 'busy-elsewhere', message: 'Another change is in progress.', hint: 'Wait for it to finish.', status: 409}})
    assert.equal(textOf(conflict), 'Error: Another change is in progress.\nHint: Wait for it to finish.')

    // Invalid arguments are tool errors too, and the server is still there afterwards.
    const invalid = await session.call('show_project', {projectId: 42})
    assert.equal(invalid.isError, true)
    assert.match(textOf(invalid), /projectId/)
    const blank = await session.call('show_project', {projectId: '  '})
    assert.equal(blank.isError, true)
    assert.match(textOf(blank), /Project id cannot be empty/)
    const me = await session.call('whoami')
    assert.notEqual(me.isError, true, textOf(me))
    assert.match(session.stderr(), /show_project: not-found: /)
    await closeCleanly(session)
  })

  it('never shows the token, even when the API puts it in an error', async () => {
    // A hostile API: it echoes the Authorization header it received in its error.
    const hostile = await startServer((request, response) => {
      const echoed = String(request.headers.authorization)
      response.writeHead(401, {'content-type': 'application/json'})
      response.end(JSON.stringify({error: {code: 'unauthorized', message: `${echoed} is not valid.`, hint: `Sent: ${echoed}`}}))
    })
    try {
      const session = await connectMcp({url: hostile.url, token: TOKEN}, home)
      sessions.push(session)
      const result = await session.call('whoami')
      assert.equal(result.isError, true)
      assert.deepEqual(structured(result), {error: {code: 'unauthorized', message: 'Bearer *** is not valid.', hint: 'Sent: Bearer ***', status: 401}})
      assert.match(textOf(result), /prisma-mgmt login/)
      assert.match(session.stderr(), /whoami: unauthorized: Bearer \*\*\* is not valid\./)
      assert.ok(hostile.received.some((r) => r.headers.authorization === `Bearer ${TOKEN}`), 'the server was asked with the token')
      // close() checks every result and stderr for the token.
      sessions.splice(sessions.indexOf(session), 1)
      assert.deepEqual(await session.close(), {code: 0, signal: null})
    } finally {
      await hostile.close()
    }
  })

  it('does not start without a token: exit 3, naming prisma-mgmt login', async () => {
    const result = await run(['mcp'], {env: {...emulator.env(home), PRISMA_SERVICE_TOKEN: undefined}})
    assert.equal(result.code, 3, result.stderr)
    assert.equal(result.stdout, '')
    assert.match(result.stderr, /^Error: .*\n/)
    assert.match(result.stderr, /prisma-mgmt login/)
  })

  it('answers every request it read, on stdout alone, then exits 0 by itself when stdin ends', async () => {
    const initialize = {jsonrpc: '2.0', id: 1, method: 'initialize', params: {protocolVersion: '2025-06-18', capabilities: {}, clientInfo: {name: 'raw', version: '1'}}}
    const list = {jsonrpc: '2.0', id: 2, method: 'tools/list'}
    // Still waiting for the API when stdin ends: it is answered before the server closes.
    const call = {jsonrpc: '2.0', id: 3, method: 'tools/call', params: {name: 'whoami', arguments: {}}}
    const input = [initialize, {jsonrpc: '2.0', method: 'notifications/initialized'}, list, call].map((m) => `${JSON.stringify(m)}\n`).join('')
    const result = await run(['mcp'], {env: emulator.env(home), emulator, input, timeoutMs: 30_000})
    assert.equal(result.code, 0, result.stderr)
    type Line = {id: number; result: {serverInfo?: {name: string}; tools?: {name: string}[]; structuredContent?: unknown; isError?: boolean}}
    const lines = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Line)
    assert.deepEqual(lines.map((l) => l.id).sort(), [1, 2, 3], result.stdout)
    const byId = new Map(lines.map((l) => [l.id, l.result]))
    assert.equal(byId.get(1)!.serverInfo?.name, 'prisma-mgmt')
    assert.equal(byId.get(2)!.tools?.length, READ_ONLY.length + CHANGING.length)
    assert.notEqual(byId.get(3)!.isError, true)
    assert.deepEqual(byId.get(3)!.structuredContent, (await emulator.call<{data: unknown}>('GET', '/v1/me')).body.data)
    // Nothing but the protocol: log lines are on stderr.
    assert.match(result.stderr, new RegExp(`serving ${READ_ONLY.length + CHANGING.length} tools`))
  })

  describe('with --allow-destructive', () => {
    it('adds the destructive tools, each needing the exact name as confirm', async () => {
      const session = await connect(['--allow-destructive'])
      const tools = await session.listTools()
      assert.deepEqual(tools.map((t) => t.name).sort(), [...READ_ONLY, ...CHANGING, ...DESTRUCTIVE].sort())
      for (const tool of tools.filter((t) => DESTRUCTIVE.includes(t.name))) {
        assert.deepEqual(tool.annotations && {r: tool.annotations.readOnlyHint, d: tool.annotations.destructiveHint, i: tool.annotations.idempotentHint}, {r: false, d: true, i: false}, tool.name)
        assert.ok(tool.inputSchema.required?.includes('confirm'), `${tool.name} requires confirm`)
      }
      await closeCleanly(session)
    })

    it('refuses a wrong confirmation name and deletes nothing, then deletes with the right one', async () => {
      const made = await emulator.call<{data: ProjectJson}>('POST', '/v1/projects', {name: 'doomed', region: 'us-east-1'})
      const project = made.body.data
      const database = project.database!
      const connection = database.connections[0]
      const session = await connect(['--allow-destructive'])
      await emulator.call('DELETE', '/__emulator/requests')
      const wrong: [string, Record<string, unknown>][] = [
        ['delete_project', {projectId: project.id, confirm: 'Doomed'}],
        ['delete_database', {databaseId: database.id, confirm: `${database.name} `}],
        ['delete_connection', {connectionId: connection.id, confirm: `${connection.name}-other`}],
        ['restore_database', {databaseId: database.id, backupId: 'any-backup', confirm: `${database.name}-other`}],
      ]
      for (const [name, args] of wrong) {
        const result = await session.call(name, args)
        assert.equal(result.isError, true, `${name}: ${JSON.stringify(result)}`)
        assert.match(textOf(result), /^Error: confirm does not match the name of \w+ \S+; nothing was changed\./, name)
        assert.equal(structured<{error: {code: string}}>(result).error.code, 'usage', name)
      }
      // A missing confirm is refused before anything is asked of the API.
      const missing = await session.call('delete_project', {projectId: project.id})
      assert.equal(missing.isError, true)
      assert.match(textOf(missing), /confirm/)
      assert.deepEqual(await changes(), [], 'requests that change something')
      assert.equal((await emulator.call('GET', `/v1/projects/${project.id}`)).status, 200)

      const deleted = await session.call('delete_connection', {connectionId: connection.id, confirm: connection.name})
      assert.deepEqual(structured(deleted), {id: connection.id, deleted: true})
      const gone = await session.call('delete_project', {projectId: project.id, confirm: 'doomed'})
      assert.deepEqual(structured(gone), {id: project.id, deleted: true})
      assert.deepEqual(
        (await changes()).map((r) => `${r.method} ${r.path}`),
        [`DELETE /v1/connections/${connection.id}`, `DELETE /v1/projects/${project.id}`],
      )
      assert.equal((await emulator.call('GET', `/v1/projects/${project.id}`)).status, 404)
      await closeCleanly(session)
    })

    it('restores a backup, finding the database it belongs to as `db restore` does, and returns the database ready', async () => {
      const made = await emulator.call<{data: ProjectJson}>('POST', '/v1/projects', {name: 'restored', region: 'us-east-1'})
      const target = made.body.data.database!
      const other = (await emulator.call<{data: {id: string}}>('POST', `/v1/projects/${made.body.data.id}/databases`, {name: 'elsewhere'})).body.data
      const backupId = await backup(other.id)
      const session = await connect(['--allow-destructive'])
      await emulator.call('DELETE', '/__emulator/requests')

      const result = await session.call('restore_database', {databaseId: target.id, backupId, confirm: target.name})
      assert.notEqual(result.isError, true, textOf(result))
      const restored = structured<DatabaseJson>(result)
      assert.equal(restored.id, target.id)
      assert.equal(restored.status, 'ready')
      assert.deepEqual(restored.source, {type: 'backup', databaseId: other.id, backupId})
      assert.equal(textOf(result), `Restored backup ${backupId} into database ${target.name} (${target.id}); it is ready.`)
      assert.deepEqual(
        (await changes()).map((r) => [`${r.method} ${r.path}`, r.body]),
        [[`POST /v1/databases/${target.id}/restore`, {source: {type: 'backup', databaseId: other.id, backupId}}]],
        'the backup of the other database, found by the tool',
      )
      assert.equal((await emulator.call<{data: {status: string}}>('GET', `/v1/databases/${target.id}`)).body.data.status, 'ready')

      // sourceDatabaseId is sent as given, without a search.
      const own = await backup(target.id)
      await emulator.call('DELETE', '/__emulator/requests')
      const direct = await session.call('restore_database', {databaseId: target.id, backupId: own, sourceDatabaseId: target.id, confirm: target.name})
      assert.notEqual(direct.isError, true, textOf(direct))
      assert.equal(structured<DatabaseJson>(direct).status, 'ready')
      const asked = await requests()
      assert.ok(!asked.some((r) => r.path.endsWith('/backups') || r.path.includes('/databases?')), `a search with sourceDatabaseId given: ${JSON.stringify(asked.map((r) => r.path))}`)
      assert.deepEqual(
        asked.filter((r) => r.method !== 'GET').map((r) => [`${r.method} ${r.path}`, r.body]),
        [[`POST /v1/databases/${target.id}/restore`, {source: {type: 'backup', databaseId: target.id, backupId: own}}]],
      )

      // A backup of no database of the project: a tool error naming the argument, nothing restored.
      await emulator.call('DELETE', '/__emulator/requests')
      const unknown = await session.call('restore_database', {databaseId: target.id, backupId: 'no-such-backup', confirm: target.name})
      assert.equal(unknown.isError, true, JSON.stringify(unknown))
      assert.equal(structured<{error: {code: string}}>(unknown).error.code, 'not-found')
      assert.match(textOf(unknown), /^Error: Backup no-such-backup is not among the backups of the 2 databases of project \S+\.\nPass sourceDatabaseId, /)
      assert.deepEqual(await changes(), [], 'requests that change something')
      await closeCleanly(session)
    })
  })

  it('explains a create refused while the workspace\'s usage is blocked as the CLI does: the plan and the upgrade URL', async () => {
    const workspace = (await emulator.call<{data: {workspace: {id: string; name: string}}}>('GET', '/v1/me')).body.data.workspace
    const host = (await emulator.call<{data: {id: string}}>('POST', '/v1/projects', {name: 'blocked-host', createDatabase: false})).body.data
    const block = (usageBlocked: boolean) =>
      emulator.call('PATCH', `/__emulator/workspaces/${workspace.id}/subscription`, {planName: 'Starter', usageBlocked, upgradeUrl: 'https://console.example.test/upgrade?from=mcp'})
    const session = await connect()
    assert.equal((await block(true)).status, 200)
    try {
      await emulator.call('DELETE', '/__emulator/requests')
      const lead = `Usage is blocked for workspace ${workspace.name} (${workspace.id}) on the Starter plan: `
      const details = {hint: 'Upgrade the Starter plan to lift the block.', status: 403, workspaceId: workspace.id, planName: 'Starter', upgradeUrl: 'https://console.example.test/upgrade?from=mcp'}
      const project = await session.call('create_project', {name: 'refused'})
      assert.equal(project.isError, true, JSON.stringify(project))
      const projectMessage = `${lead}No project can be created while the workspace's usage is blocked.`
      assert.deepEqual(structured(project), {error: {code: 'usage-blocked', message: projectMessage, ...details}})
      assert.equal(textOf(project), `Error: ${projectMessage}\nHint: Upgrade the Starter plan to lift the block.\nUpgrade the plan at https://console.example.test/upgrade?from=mcp`)

      const database = await session.call('create_database', {projectId: host.id, name: 'refused'})
      assert.equal(database.isError, true, JSON.stringify(database))
      const databaseMessage = `${lead}No database can be created while the workspace's usage is blocked.`
      assert.deepEqual(structured(database), {error: {code: 'usage-blocked', message: databaseMessage, ...details}})
      assert.match(textOf(database), /\nUpgrade the plan at https:\/\/console\.example\.test\/upgrade\?from=mcp$/)

      // Each refusal was followed by a look at the subscription, and nothing was created.
      const seen = await requests()
      assert.deepEqual(
        seen.filter((r) => r.method === 'POST').map((r) => r.path),
        ['/v1/projects', `/v1/projects/${host.id}/databases`],
      )
      assert.equal(seen.filter((r) => r.path === `/v1/workspaces/${workspace.id}/subscription`).length, 2)
      const names = (await emulator.call<{data: {name: string}[]}>('GET', '/v1/projects?limit=100')).body.data.map((p) => p.name)
      assert.ok(!names.includes('refused'), 'nothing was created')
    } finally {
      await block(false)
    }
    // Without the block, a refusal is the API's error alone: no plan, no upgrade URL.
    await emulator.call('POST', '/__emulator/faults', {method: 'POST', path: '/v1/projects', status: 403, code: 'forbidden', message: 'Not allowed.'})
    const plain = await session.call('create_project', {name: 'refused-again'})
    assert.equal(plain.isError, true)
    assert.deepEqual(structured(plain), {error: {code: 'forbidden', message: 'Not allowed.', status: 403}})
    await closeCleanly(session)
  })

  it('creates a database from a backup (its database found in the project) or as a clone, and refuses both at once', async () => {
    const made = await emulator.call<{data: ProjectJson & {database: {id: string}}}>('POST', '/v1/projects', {name: 'sources', region: 'us-east-1'})
    const projectId = made.body.data.id
    const sourceId = made.body.data.database.id
    const backupId = await backup(sourceId)
    const session = await connect()
    await emulator.call('DELETE', '/__emulator/requests')

    const fromBackup = await session.call('create_database', {projectId, name: 'yesterday', fromBackup: backupId})
    assert.notEqual(fromBackup.isError, true, textOf(fromBackup))
    assert.equal(structured<DatabaseJson>(fromBackup).status, 'ready')
    const clone = await session.call('create_database', {projectId, name: 'staging', cloneOf: sourceId})
    assert.notEqual(clone.isError, true, textOf(clone))
    assert.equal(structured<DatabaseJson>(clone).status, 'ready')
    assert.deepEqual(
      (await changes()).map((r) => [`${r.method} ${r.path}`, r.body]),
      [
        [`POST /v1/projects/${projectId}/databases`, {name: 'yesterday', source: {type: 'backup', databaseId: sourceId, backupId}}],
        [`POST /v1/projects/${projectId}/databases`, {name: 'staging', source: {type: 'database', databaseId: sourceId}}],
      ],
    )

    await emulator.call('DELETE', '/__emulator/requests')
    const both = await session.call('create_database', {projectId, fromBackup: backupId, cloneOf: sourceId})
    assert.equal(both.isError, true)
    assert.match(textOf(both), /^Error: fromBackup and cloneOf cannot be combined; nothing was created\./)
    const orphan = await session.call('create_database', {projectId, backupDatabaseId: sourceId})
    assert.equal(orphan.isError, true)
    assert.match(textOf(orphan), /^Error: backupDatabaseId needs fromBackup; nothing was created\./)
    assert.deepEqual(await requests(), [], 'requests for arguments that cannot go together')
    await closeCleanly(session)
  })

  it('keeps what it created when the wait for the database fails', async () => {
    const slow = await Emulator.start(['--databases', 'none', '--provision-delay-ms', '60000'])
    try {
      const session = await connectMcp(slow, home)
      sessions.push(session)
      await slow.call('POST', '/__emulator/faults', {method: 'GET', path: '/v1/databases/', status: 404, count: 5, message: 'Gone for a moment.'})
      const result = await session.call('create_project', {name: 'kept'})
      assert.equal(result.isError, true, JSON.stringify(result))
      const kept = structured<ProjectJson & {error: {code: string; message: string; status: number}}>(result)
      assert.equal(kept.name, 'kept')
      assert.ok(kept.id && kept.database?.id, JSON.stringify(kept))
      assert.deepEqual(kept.error, {code: 'not-found', message: `Waiting for database ${kept.database!.id} failed: Gone for a moment.`, status: 404})
      const strings = kept.database!.connections.flatMap((c) => Object.values(c.endpoints).map((e) => e.connectionString)).filter(Boolean) as string[]
      assert.ok(strings.length > 0, 'the one-time connection strings are in the error result')
      assert.match(textOf(result), /It was created all the same/)
      assert.equal((await slow.call('GET', `/v1/projects/${kept.id}`)).status, 200)
      sessions.splice(sessions.indexOf(session), 1)
      assert.deepEqual(await session.close(), {code: 0, signal: null})
    } finally {
      await slow.stop()
    }
  })

  it('waits for a provisioning database, telling a client that asked for progress what it waits for', async () => {
    const slow = await Emulator.start(['--databases', 'none', '--provision-delay-ms', '1500'])
    try {
      const session = await connectMcp(slow, home)
      sessions.push(session)
      const progress: string[] = []
      const result = await session.client.callTool({name: 'create_project', arguments: {name: 'patient'}}, undefined, {
        onprogress: (update) => progress.push(update.message ?? ''),
      })
      assert.notEqual(result.isError, true, JSON.stringify(result))
      const project = result.structuredContent as ProjectJson
      assert.equal(project.database?.status, 'ready')
      assert.ok(progress.length > 0, 'no progress notification arrived')
      assert.ok(progress.every((line) => line === `Waiting for database ${project.database!.id} (provisioning)`), JSON.stringify(progress))
      const polls = (await slow.call<{data: ReceivedRequest[]}>('GET', '/__emulator/requests')).body.data.filter((r) => r.method === 'GET' && r.path === `/v1/databases/${project.database!.id}`)
      assert.ok(polls.length >= 2, `polls of the database: ${polls.length}`)
      sessions.splice(sessions.indexOf(session), 1)
      assert.deepEqual(await session.close(), {code: 0, signal: null})
    } finally {
      await slow.stop()
    }
  })

  it('does not load the MCP SDK for `mcp --help`: the bundled command reaches it only by a dynamic import', async () => {
    const seen = new Set<string>()
    const staticChunks = async (file: string): Promise<string[]> => {
      if (seen.has(file)) return []
      seen.add(file)
      const text = await readFile(file, 'utf8')
      const imports = [...text.matchAll(/^import\s[^;]*?from\s*"(\.[^"]+)"/gm), ...text.matchAll(/^import\s*"(\.[^"]+)"/gm)].map((m) => join(file, '..', m[1]))
      return [text, ...(await Promise.all(imports.map(staticChunks))).flat()]
    }
    const texts = await staticChunks(join(ROOT, 'dist/commands/mcp.js'))
    assert.ok(texts.length >= 1)
    for (const text of texts) assert.ok(!text.includes('StdioServerTransport'), 'a chunk the command loads at start holds the MCP SDK')
    const help = await run(['mcp', '--help'], {env: {...emulator.env(home)}})
    assert.equal(help.code, 0, help.stderr)
    assert.match(help.stdout, /--read-only/)
    assert.match(help.stdout, /--allow-destructive/)
    assert.doesNotMatch(help.stdout, /--json/)
  })
})
