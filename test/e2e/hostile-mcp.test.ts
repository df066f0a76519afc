// A hostile MCP client, byte by byte on the server's stdin: lines that are not JSON, JSON that is
// not JSON-RPC, messages over 10 MiB, arguments no tool takes, a cancellation in the middle of a
// create. The server answers each on stdout as JSON-RPC says, never exits while answering, and a
// create the API accepted always reaches the client. A hostile API's C1 and bidi controls leave it
// escaped as `--json` escapes them.
import assert from 'node:assert/strict'
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {createInterface} from 'node:readline'
import {after, afterEach, before, describe, it} from 'node:test'

import {json, startServer, type LocalServer} from '../api/local-server.js'
import {BIN, Emulator, eventually, removeDir, ROOT, tempDir} from './harness.js'
import {HoldingProxy} from './holding-proxy.js'

interface Message {
  jsonrpc: string
  id?: string | number | null
  result?: {content?: {type: string; text: string}[]; structuredContent?: Record<string, unknown>; isError?: boolean; tools?: {name: string; inputSchema: {required?: string[]}}[]}
  error?: {code: number; message: string}
}

// Raw in a JSON-RPC line, any of these could drive a terminal that shows the traffic.
const RAW = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

/** `prisma-mgmt mcp` on pipes, driven line by line; every line it writes is kept, raw and parsed. */
class RawClient {
  readonly lines: string[] = []
  readonly messages: Message[] = []
  stderr = ''
  readonly exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>
  private nextId = 100

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    createInterface({input: child.stdout}).on('line', (line) => {
      this.lines.push(line)
      this.messages.push(JSON.parse(line) as Message)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString()
    })
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({code, signal})))
  }

  static async start(api: {url: string; token: string}, home: string, flags: string[] = []): Promise<RawClient> {
    const env: Record<string, string | undefined> = {...process.env, XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: api.url, PRISMA_SERVICE_TOKEN: api.token, NO_COLOR: '1'}
    for (const key of ['CI', 'DEBUG', 'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'PRISMA_MGMT_PROFILE']) delete env[key]
    const client = new RawClient(spawn(process.execPath, [BIN, 'mcp', ...flags], {cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe']}))
    await client.request('initialize', {protocolVersion: '2025-06-18', capabilities: {}, clientInfo: {name: 'hostile', version: '1'}})
    client.write(`${JSON.stringify({jsonrpc: '2.0', method: 'notifications/initialized'})}\n`)
    return client
  }

  write(text: string | Buffer): void {
    this.child.stdin.write(text)
  }

  /** Sends a request; resolves with its answer. */
  async request(method: string, params?: unknown, id: number = this.nextId++): Promise<Message> {
    this.write(`${JSON.stringify({jsonrpc: '2.0', id, method, params})}\n`)
    return this.answer(id)
  }

  /** Sends a request without waiting; the answer comes with answer(id). */
  send(method: string, params: unknown, id: number): void {
    this.write(`${JSON.stringify({jsonrpc: '2.0', id, method, params})}\n`)
  }

  answer(id: string | number | null, after = 0): Promise<Message> {
    return eventually(`the answer to ${id}`, () => this.messages.slice(after).find((m) => m.id === id && !('method' in m)), 30_000)
  }

  /** Ends stdin; resolves with how the server exited. */
  async end(): Promise<{code: number | null; signal: NodeJS.Signals | null}> {
    this.child.stdin.end()
    return this.exited
  }
}

describe('prisma-mgmt mcp under a hostile client', () => {
  let emulator: Emulator
  let home: string
  const clients: RawClient[] = []
  const proxies: HoldingProxy[] = []
  const start = async (api: {url: string; token: string} = emulator, flags: string[] = []) => {
    const client = await RawClient.start(api, home, flags)
    clients.push(client)
    return client
  }

  before(async () => {
    emulator = await Emulator.start(['--databases', 'none'])
    home = await tempDir()
  })
  afterEach(async () => {
    for (const client of clients.splice(0)) client.child.kill('SIGKILL')
    for (const proxy of proxies.splice(0)) await proxy.stop()
  })
  after(async () => {
    await emulator.stop()
    await removeDir(home)
  })

  it('a line that is not JSON gets -32700 (Parse error) with id null, each one, and the server goes on', async () => {
    const client = await start()
    const garbage = ['{not json', '[', '"unterminated', '{"jsonrpc":"2.0","id":1,', 'undefined', '\u0000\u0001\u0002', '\u00ff\u00fe', ')]}\'']
    for (const line of garbage) {
      const before = client.messages.length
      client.write(`${line}\n`)
      const answer = await eventually(`an answer to ${JSON.stringify(line)}`, () => client.messages.slice(before).find((m) => m.error), 20_000)
      assert.equal(answer.id, null, `${JSON.stringify(line)}: id`)
      assert.equal(answer.error?.code, -32700, `${JSON.stringify(line)}: ${JSON.stringify(answer)}`)
      assert.match(answer.error?.message ?? '', /^Parse error: /)
    }
    const sent = client.messages.length
    client.write(Buffer.from([0xff, 0xfe, 0x80, 0x0a]))
    const binary = await client.answer(null, sent)
    assert.equal(binary.error?.code, -32700, 'bytes that are not UTF-8')
    const whoami = await client.request('tools/call', {name: 'whoami', arguments: {}})
    assert.notEqual(whoami.result?.isError, true, 'still serving')
    assert.deepEqual(await client.end(), {code: 0, signal: null})
  })

  it('JSON that is not a JSON-RPC message gets -32600 (Invalid Request), with its id when it has one', async () => {
    const client = await start()
    const cases: [string, string | number | null][] = [
      ['{}', null],
      ['[]', null],
      ['42', null],
      ['null', null],
      ['[{"jsonrpc":"2.0","id":5,"method":"ping"}]', null],
      ['{"jsonrpc":"1.0","id":7,"method":"ping"}', 7],
      ['{"jsonrpc":"2.0","id":"eight","method":8}', 'eight'],
      ['{"jsonrpc":"2.0","id":{"nested":1},"method":"ping"}', null],
    ]
    for (const [line, id] of cases) {
      const before = client.messages.length
      client.write(`${line}\n`)
      const answer = await eventually(`an answer to ${line}`, () => client.messages.slice(before).find((m) => m.error), 20_000)
      assert.deepEqual([answer.id, answer.error?.code], [id, -32600], `${line}: ${JSON.stringify(answer)}`)
    }
    assert.deepEqual(await client.end(), {code: 0, signal: null})
  })

  it('a message over 10 MiB gets -32600 with its id when the id comes first (null when not), and the server keeps serving', async () => {
    const client = await start()
    const pad = 'x'.repeat(11 * 1024 * 1024)
    client.write(`${JSON.stringify({jsonrpc: '2.0', id: 41, method: 'tools/call', params: {name: 'whoami', arguments: {}, pad}})}\n`)
    const first = await client.answer(41)
    assert.equal(first.error?.code, -32600, JSON.stringify(first))
    assert.match(first.error?.message ?? '', /larger than 10 MiB/)
    const before = client.messages.length
    client.write(`${JSON.stringify({jsonrpc: '2.0', method: 'tools/call', params: {name: 'whoami', arguments: {}, pad}, id: 42})}\n`)
    const second = await eventually('an answer to a message whose id comes last', () => client.messages.slice(before).find((m) => m.error), 30_000)
    assert.deepEqual([second.id, second.error?.code], [null, -32600])
    // Sent in many small writes, and one that ends stdin without a newline.
    const chunked = client.messages.length
    for (let i = 0; i < 12; i++) client.write('y'.repeat(1024 * 1024))
    client.write('\n')
    assert.equal((await client.answer(null, chunked)).error?.code, -32600, 'a message over the limit in many writes')
    const whoami = await client.request('tools/call', {name: 'whoami', arguments: {}})
    assert.notEqual(whoami.result?.isError, true, `still serving: ${JSON.stringify(whoami)}`)
    client.write(JSON.stringify({jsonrpc: '2.0', id: 43, method: 'tools/call', params: {name: 'whoami', arguments: {}}}))
    const exited = client.end()
    assert.notEqual((await client.answer(43)).result?.isError, true, 'a last message without a newline is answered too')
    assert.deepEqual(await exited, {code: 0, signal: null})
    assert.doesNotMatch(client.stderr, /ReadBuffer|exceeded maximum/, client.stderr)
  })

  it('an argument no tool takes is refused, for every tool, and nothing reaches the API', async () => {
    const client = await start(emulator, ['--allow-destructive'])
    const tools = (await client.request('tools/list')).result?.tools ?? []
    assert.ok(tools.length >= 19, `tools: ${tools.map((t) => t.name).join(', ')}`)
    await emulator.call('DELETE', '/__emulator/requests')
    for (const tool of tools) {
      // Every required argument is given a plausible value; only `bogus` is wrong.
      const args: Record<string, unknown> = {bogus: 1}
      for (const name of tool.inputSchema.required ?? []) args[name] = 'x_1'
      const answer = await client.request('tools/call', {name: tool.name, arguments: args})
      const text = answer.result?.content?.[0]?.text ?? answer.error?.message ?? ''
      assert.ok(answer.result?.isError === true || answer.error?.code === -32602, `${tool.name} accepted an unknown argument: ${JSON.stringify(answer)}`)
      assert.match(text, /Unrecognized key: "bogus"/, `${tool.name}: ${text}`)
    }
    const seen = (await emulator.call<{data: unknown[]}>('GET', '/__emulator/requests')).body.data
    assert.deepEqual(seen, [], 'the API received a request for a refused call')
    assert.deepEqual(await client.end(), {code: 0, signal: null})
  })

  describe('a create the API accepted reaches the client whatever else arrives', () => {
    /** A server whose create_project POST is answered by the emulator but held by the proxy. */
    async function heldCreate(): Promise<{client: RawClient; proxy: HoldingProxy; release: () => Promise<{id: string; database: {connections: {endpoints: {direct?: {connectionString?: string}}}[]}}>}> {
      const proxy = await HoldingProxy.start(emulator.url)
      proxies.push(proxy)
      proxy.hold = (method) => method === 'POST'
      const client = await start({url: proxy.url, token: emulator.token})
      client.send('tools/call', {name: 'create_project', arguments: {name: `held-${proxies.length}`, waitSeconds: 60}}, 1)
      const held = await eventually('the emulator to create the project', () => proxy.held[0])
      return {
        client,
        proxy,
        release: async () => {
          held.release()
          return (JSON.parse(held.body) as {data: {id: string; database: {connections: {endpoints: {direct?: {connectionString?: string}}}[]}}}).data
        },
      }
    }

    const hostile = (client: RawClient) => {
      client.write('{not json\n')
      client.write(`${JSON.stringify({jsonrpc: '2.0', id: 2, method: 'tools/call', params: {name: 'whoami', arguments: {}, pad: 'z'.repeat(11 * 1024 * 1024)}})}\n`)
      client.write(`${JSON.stringify({jsonrpc: '2.0', id: 3, method: 'tools/call', params: {name: 'list_regions', arguments: {bogus: true}}})}\n`)
    }

    it('a parse error, an oversized message, a bad call and a cancellation of the create itself: its project and connection strings still arrive', async () => {
      const {client, release} = await heldCreate()
      hostile(client)
      assert.equal((await client.answer(2)).error?.code, -32600)
      assert.equal((await client.answer(3)).result?.isError, true)
      client.write(`${JSON.stringify({jsonrpc: '2.0', method: 'notifications/cancelled', params: {requestId: 1, reason: 'the user went on'}})}\n`)
      const created = await release()
      const answer = await client.answer(1)
      const document = answer.result?.structuredContent as {id: string; database: {connections: {endpoints: {direct?: {connectionString?: string}}}[]}}
      assert.equal(document?.id, created.id, `the created project: ${JSON.stringify(answer)}`)
      assert.equal(document.database.connections[0].endpoints.direct?.connectionString, created.database.connections[0].endpoints.direct?.connectionString, 'its one-time connection string')
      assert.deepEqual(await client.end(), {code: 0, signal: null})
    })

    it('stdin ends while the POST is on its way: the answer is sent, then the server exits 0', async () => {
      const {client, release} = await heldCreate()
      hostile(client)
      await client.answer(3)
      const exited = client.end()
      const created = await release()
      const answer = await client.answer(1)
      assert.equal((answer.result?.structuredContent as {id?: string})?.id, created.id, JSON.stringify(answer))
      assert.deepEqual(await exited, {code: 0, signal: null})
    })
  })
})

describe('prisma-mgmt mcp with a hostile API: controls leave escaped, as --json escapes them', () => {
  let server: LocalServer
  let home: string
  const clients: RawClient[] = []
  const TOKEN = 'sk_hostile_mcp_token_4c1a'
  // Every character of the class: C0 but tab and newline, DEL, C1, and the bidi and line controls.
  const EVERY = [
    ...Array.from({length: 0x20}, (_, c) => c).filter((c) => c !== 0x09 && c !== 0x0a),
    0x7f,
    ...Array.from({length: 0x20}, (_, c) => 0x80 + c),
    0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
  ]
    .map((c) => String.fromCharCode(c))
    .join('')
  const name = `evil${EVERY}end`
  const at = '2026-11-29T00:00:00.000Z'
  const workspace = {id: 'ws_1', url: 'http://x/v1/workspaces/ws_1', name}
  const project = {id: 'proj_1', type: 'project', url: 'http://x/v1/projects/proj_1', name, logicalId: null, createdAt: at, defaultRegion: 'us-east-1', workspace}
  const me = {user: null, workspace: {id: 'ws_1', name}, credential: {type: 'service_token', id: 'tok_1', name}}

  before(async () => {
    home = await tempDir()
    server = await startServer((request, response) => {
      const path = request.url.split('?')[0]
      if (path === '/v1/me') return json(response, 200, {data: me})
      if (path === '/v1/projects') return json(response, 200, {data: [project], pagination: {nextCursor: null, hasMore: false}})
      if (path === '/v1/projects/proj_1') return json(response, 200, {data: project})
      json(response, 404, {error: {code: 'not-found', message: `No such thing: ${name}`, hint: `Hint ${name}`}})
    })
  })
  afterEach(() => {
    for (const client of clients.splice(0)) client.child.kill('SIGKILL')
  })
  after(async () => {
    await server.close()
    await removeDir(home)
  })

  it('structured content, the JSON text block and tool errors: nothing raw on stdout, the same strings once parsed', async () => {
    const client = await RawClient.start({url: server.url, token: TOKEN}, home)
    clients.push(client)
    const calls: [string, Record<string, unknown>, unknown][] = [
      ['whoami', {}, me],
      ['show_project', {projectId: 'proj_1'}, project],
      ['list_projects', {}, {data: [project], nextCursor: null}],
    ]
    for (const [tool, args, expected] of calls) {
      const answer = await client.request('tools/call', {name: tool, arguments: args})
      assert.notEqual(answer.result?.isError, true, `${tool}: ${JSON.stringify(answer)}`)
      assert.deepEqual(answer.result?.structuredContent, expected, `${tool}: the structured content is the API's object`)
      const [rendering, text] = answer.result!.content!
      assert.deepEqual(JSON.parse(text.text), expected, `${tool}: the JSON text block parses to the API's object`)
      assert.doesNotMatch(text.text, RAW, `${tool}: the JSON text block escapes them as --json does`)
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      assert.doesNotMatch(rendering.text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/, `${tool}: the rendering shows them as escapes`)
    }
    const missing = await client.request('tools/call', {name: 'show_project', arguments: {projectId: 'missing'}})
    assert.equal(missing.result?.isError, true)
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    assert.doesNotMatch(missing.result!.content![0].text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/, 'the error\'s rendering shows them as escapes')
    assert.deepEqual((missing.result?.structuredContent as {error: unknown}).error, {code: 'not-found', message: `No such thing: ${name}`, hint: `Hint ${name}`, status: 404})
    assert.deepEqual(await client.end(), {code: 0, signal: null})
    for (const line of client.lines) assert.doesNotMatch(line, RAW, `a raw control in a JSON-RPC line: ${JSON.stringify(line.slice(0, 200))}`)
    assert.ok(client.lines.some((line) => line.includes('\\u009b') && line.includes('\\u202e')), 'the controls are there, escaped')
    assert.ok(!client.stderr.includes(TOKEN))
  })
})
