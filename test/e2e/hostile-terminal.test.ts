// The API never drives the terminal: a hostile server's names, messages and hints reach stdout
// and stderr with every control character made visible, while --json stays exact.
import assert from 'node:assert/strict'
import {after, afterEach, before, beforeEach, describe, it} from 'node:test'

import {json, startServer, type LocalServer} from '../api/local-server.js'
import {parseJson, removeDir, run, tempDir, type RunResult} from './harness.js'
import {Terminal} from './terminal.js'

const TOKEN = 'sk_hostile_terminal_token_7d41'
// Writes the clipboard (OSC 52), clears the screen, returns the carriage, rings the bell, opens a
// one-byte CSI (0x9b), and reverses the text that follows (bidi override).
const EVIL = 'evil\u001b]52;c;cm0gLXJmIH4=\u0007\u001b[2J\rX\u009b31m\u202eend'
const SHOWN = 'evil\\x1b]52;c;cm0gLXJmIH4=\\x07\\x1b[2J\\x0dX\\x9b31m\\u202eend'
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/

const at = '2026-11-29T00:00:00.000Z'
const workspace = {id: 'ws_1', url: 'http://x/v1/workspaces/ws_1', name: EVIL}
const project = {id: 'proj_1', type: 'project', url: 'http://x/v1/projects/proj_1', name: EVIL, logicalId: null, createdAt: at, defaultRegion: 'us-east-1', workspace}
const database = {
  id: 'db_1',
  type: 'database',
  url: 'http://x/v1/databases/db_1',
  name: EVIL,
  createdAt: at,
  isDefault: true,
  defaultConnectionId: null,
  region: {id: 'us-east-1', name: EVIL},
  source: {type: 'empty'},
  branchId: null,
  logicalId: null,
  status: 'ready',
  connections: [],
  project: {id: 'proj_1', url: 'http://x/v1/projects/proj_1', name: EVIL},
}
const me = {user: null, workspace: {id: 'ws_1', name: EVIL}, credential: {type: 'service_token', id: 'tok_1', name: EVIL}}

function assertSafe(result: RunResult, where: string): void {
  assert.doesNotMatch(result.stdout, RAW, `${where}: a raw control character reached stdout: ${JSON.stringify(result.stdout)}`)
  assert.doesNotMatch(result.stderr, RAW, `${where}: a raw control character reached stderr: ${JSON.stringify(result.stderr)}`)
}

describe('hostile API text in human output', () => {
  let server: LocalServer
  let home: string
  const env = () => ({PRISMA_MANAGEMENT_API_URL: server.url, PRISMA_SERVICE_TOKEN: TOKEN, XDG_CONFIG_HOME: home})
  const cli = (args: string[]) => run(args, {env: env(), secrets: [TOKEN]})

  before(async () => {
    server = await startServer((request, response) => {
      const path = request.url.split('?')[0]
      if (path === '/v1/me') return json(response, 200, {data: me})
      if (path === '/v1/projects') return json(response, 200, {data: [project], pagination: {nextCursor: null, hasMore: false}})
      if (path === '/v1/projects/proj_1') return json(response, 200, {data: project})
      if (path === '/v1/databases/db_1') return json(response, 200, {data: database})
      if (path === '/v1/databases') return json(response, 200, {data: [database], pagination: {nextCursor: null, hasMore: false}})
      json(response, 404, {error: {code: 'not-found', message: `No such thing: ${EVIL}`, hint: `Hint text ${EVIL}`}})
    })
  })
  beforeEach(async () => {
    home = await tempDir()
  })
  afterEach(async () => {
    await removeDir(home)
  })
  after(async () => {
    await server.close()
  })

  it('projects list: the name and workspace are shown with visible escapes', async () => {
    const result = await cli(['projects', 'list'])
    assert.equal(result.code, 0, result.stderr)
    assertSafe(result, 'projects list')
    assert.ok(result.stdout.includes(SHOWN), `the escaped name on stdout:\n${result.stdout}`)
  })

  it('projects show, db show, db list: every API string is made visible', async () => {
    for (const args of [['projects', 'show', 'proj_1'], ['db', 'show', 'db_1'], ['db', 'list']]) {
      const result = await cli(args)
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`)
      assertSafe(result, args.join(' '))
      assert.ok(result.stdout.includes(SHOWN), `${args.join(' ')}: the escaped name on stdout:\n${result.stdout}`)
    }
  })

  it('whoami and login: the workspace name is made visible', async () => {
    for (const args of [['whoami'], ['login', '--token', TOKEN]]) {
      const result = await cli(args)
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`)
      assertSafe(result, args.join(' '))
      assert.ok(result.stdout.includes(SHOWN), `${args.join(' ')}: the escaped name on stdout:\n${result.stdout}`)
    }
  })

  it("an error's message and hint are made visible on stderr; --json keeps them exact", async () => {
    const result = await cli(['projects', 'show', 'missing'])
    assert.equal(result.code, 4, result.stderr)
    assertSafe(result, 'projects show missing')
    assert.ok(result.stderr.includes(`Error: No such thing: ${SHOWN}\nHint: Hint text ${SHOWN}\n`), `stderr:\n${result.stderr}`)

    const asJson = await cli(['projects', 'show', 'missing', '--json'])
    assert.equal(asJson.code, 4, asJson.stderr)
    assert.deepEqual(parseJson(asJson), {error: {code: 'not-found', message: `No such thing: ${EVIL}`, hint: `Hint text ${EVIL}`, status: 404}}, 'the JSON error is exact')
  })

  it('--json output is the API object, exact', async () => {
    const result = await cli(['projects', 'list', '--json'])
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(parseJson(result), [project], 'JSON keeps the characters (escaped by JSON itself)')
    assert.doesNotMatch(result.stdout, RAW, 'JSON escapes control characters itself')
  })

  it('on a real terminal with colour: the screen is not cleared and the escapes are visible', async () => {
    const terminal = await Terminal.start(['projects', 'list'], {...env(), XDG_CONFIG_HOME: home})
    try {
      assert.equal(await terminal.exitCode(), 0, await terminal.screen())
      const screen = await terminal.screen()
      assert.ok(screen.includes('ID'), `the table header is still on screen (not cleared):\n${screen}`)
      assert.ok(screen.includes('evil\\x1b]52;c;'), `the OSC 52 sequence is shown, not obeyed:\n${screen}`)
    } finally {
      await terminal.close()
    }
  })
})
