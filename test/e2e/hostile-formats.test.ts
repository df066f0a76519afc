// One escaping for every machine format: a hostile API's names carry every character that could
// drive a terminal (C0 but tab and newline, DEL, all of C1, the bidi and line controls). `-o yaml`
// escapes exactly what `--json` escapes, and both read back to the API's strings, for lists, single
// resources and error documents.
import assert from 'node:assert/strict'
import {after, afterEach, before, beforeEach, describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import {json, startServer, type LocalServer} from '../api/local-server.js'
import {parseJson, removeDir, run, tempDir} from './harness.js'

const TOKEN = 'sk_hostile_formats_token_81d0'
const CONTROLS = [
  ...Array.from({length: 0x20}, (_, c) => c).filter((c) => c !== 0x09 && c !== 0x0a),
  0x7f,
  ...Array.from({length: 0x20}, (_, c) => 0x80 + c),
  0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
].map((c) => String.fromCharCode(c))
// Each control alone between letters, and all of them at once (with a tab and a newline, which stay).
const NAMES = [...CONTROLS.map((c) => `a${c}b`), `evil${CONTROLS.join('')}\t\nend`]
// Raw in a document, any of these could drive the terminal it is printed on.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

const at = '2026-11-29T00:00:00.000Z'
const projects = NAMES.map((name, i) => ({
  id: `proj_${i}`,
  type: 'project',
  url: `http://x/v1/projects/proj_${i}`,
  name,
  logicalId: null,
  createdAt: at,
  defaultRegion: 'us-east-1',
  workspace: {id: 'ws_1', url: 'http://x/v1/workspaces/ws_1', name},
}))
const database = {
  id: 'db_1',
  type: 'database',
  url: 'http://x/v1/databases/db_1',
  name: NAMES.at(-1),
  createdAt: at,
  isDefault: true,
  defaultConnectionId: null,
  region: {id: 'us-east-1', name: NAMES.at(-1)},
  source: {type: 'empty'},
  branchId: null,
  logicalId: null,
  status: 'ready',
  connections: [],
  project: {id: 'proj_0', url: 'http://x/v1/projects/proj_0', name: NAMES[0]},
}
const me = {user: null, workspace: {id: 'ws_1', name: NAMES.at(-1)}, credential: {type: 'service_token', id: 'tok_1', name: NAMES.at(-1)}}

describe('YAML escapes what JSON escapes', () => {
  let server: LocalServer
  let home: string
  const cli = (args: string[]) => run(args, {env: {PRISMA_MANAGEMENT_API_URL: server.url, PRISMA_SERVICE_TOKEN: TOKEN, XDG_CONFIG_HOME: home}, secrets: [TOKEN]})

  before(async () => {
    server = await startServer((request, response) => {
      const path = request.url.split('?')[0]
      if (path === '/v1/me') return json(response, 200, {data: me})
      if (path === '/v1/projects') return json(response, 200, {data: projects, pagination: {nextCursor: null, hasMore: false}})
      if (path === '/v1/projects/proj_0') return json(response, 200, {data: projects[0]})
      if (path === '/v1/databases/db_1') return json(response, 200, {data: database})
      json(response, 404, {error: {code: 'not-found', message: `No such thing: ${NAMES.at(-1)}`, hint: `Hint ${NAMES.at(-1)}`}})
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

  const cases: [string[], unknown][] = [
    [['projects', 'list'], projects],
    [['projects', 'show', 'proj_0'], projects[0]],
    [['db', 'show', 'db_1'], database],
    [['whoami'], undefined],
  ]

  for (const [args, expected] of cases) {
    it(`${args.join(' ')}: -o yaml and --json carry every control escaped and read back to the API's strings`, async () => {
      const yaml = await cli([...args, '-o', 'yaml'])
      assert.equal(yaml.code, 0, yaml.stderr)
      assert.doesNotMatch(yaml.stdout, RAW, `a raw control in the YAML: ${JSON.stringify(yaml.stdout.slice(0, 300))}`)
      const asJson = await cli([...args, '--json'])
      assert.equal(asJson.code, 0, asJson.stderr)
      assert.doesNotMatch(asJson.stdout, RAW, 'a raw control in the JSON')
      assert.deepEqual(parseYaml(yaml.stdout), parseJson(asJson), 'YAML and JSON read back to the same document')
      if (expected !== undefined) assert.deepEqual(parseJson(asJson), expected, "the API's objects, exact")
    })
  }

  it('every control has its escape in YAML, \\u escapes as JSON writes them for DEL, C1 and the bidi and line controls', async () => {
    const yaml = await cli(['projects', 'list', '-o', 'yaml'])
    for (const c of CONTROLS.filter((c) => c.charCodeAt(0) >= 0x7f)) {
      const escape = `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
      assert.ok(yaml.stdout.includes(`"a${escape}b"`), `${escape} in a double-quoted string:\n${yaml.stdout.slice(0, 500)}`)
    }
  })

  it('an error document in YAML: the message and hint escaped, read back exact', async () => {
    const result = await cli(['projects', 'show', 'missing', '-o', 'yaml'])
    assert.equal(result.code, 4, result.stderr)
    assert.doesNotMatch(result.stdout, RAW, 'a raw control in the YAML error')
    assert.deepEqual(parseYaml(result.stdout), {error: {code: 'not-found', message: `No such thing: ${NAMES.at(-1)}`, hint: `Hint ${NAMES.at(-1)}`, status: 404}})
  })
})
