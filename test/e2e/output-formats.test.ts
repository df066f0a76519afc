// Every list and show command through the built binary, off a terminal: -o json (= --json),
// -o yaml, -o csv (RFC 4180) and the piped table (tab-separated rows) hold the same values;
// --columns picks and orders them; errors come as documents in the machine formats.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import {define, formatTests, ISO, parseCsv, plainOrEmpty, type Case, type Column} from './formats.js'
import {Emulator, parseJson, removeDir, run, tempDir} from './harness.js'

interface Seeded {
  projectId: string
  databaseId: string
  extraDatabaseId: string
  connectionId: string
}

interface ProjectJson {
  id: string
  name: string
  createdAt: string
  defaultRegion: string | null
  workspace: {id: string; name: string}
}
interface DatabaseJson {
  id: string
  name: string
  status: string
  isDefault: boolean
  createdAt: string
  region: {id: string} | null
  project: {id: string} | null
}
interface ConnectionJson {
  id: string
  name: string
  kind: string
  createdAt: string
  endpoints: Record<string, {host: string; port: number} | undefined>
}
interface WorkspaceJson {
  id: string
  name: string
  createdAt: string
}
interface RegionJson {
  id: string
  name: string
  status: string
}
interface BackupJson {
  id: string
  backupType: string
  status: string
  size: number | null
  createdAt: string
}
interface UsageJson {
  period: {start: string; end: string}
  metrics: {operations: {used: number; unit: string}; storage: {used: number; unit: string}}
  generatedAt: string
}
interface MeJson {
  workspace: {id: string; name: string}
  credential: {type: string; name?: string}
}

function cases(emulator: Emulator): Case<unknown, Seeded>[] {
  return [
    define<ProjectJson, Seeded>({
      title: 'projects list',
      args: () => ['projects', 'list'],
      record: false,
      pick: ['id', 'name'],
      columns: projectColumns,
    }),
    define<ProjectJson, Seeded>({
      title: 'projects show',
      args: (s) => ['projects', 'show', s.projectId],
      record: true,
      pick: ['id', 'name'],
      columns: projectColumns,
    }),
    define<DatabaseJson, Seeded>({
      title: 'db list',
      args: () => ['db', 'list'],
      record: false,
      pick: ['id', 'name'],
      columns: databaseColumns,
    }),
    define<DatabaseJson, Seeded>({
      title: 'db show',
      args: (s) => ['db', 'show', s.extraDatabaseId],
      record: true,
      pick: ['id', 'name'],
      columns: databaseColumns,
    }),
    define<ConnectionJson, Seeded>({
      title: 'db connections list',
      args: (s) => ['db', 'connections', 'list', s.databaseId],
      record: false,
      pick: ['id', 'name'],
      columns: [
        {name: 'id', header: 'ID', value: (c) => c.id},
        {name: 'name', header: 'NAME', value: (c) => c.name},
        {name: 'kind', header: 'KIND', value: (c) => c.kind},
        {
          name: 'endpoints',
          header: 'ENDPOINTS',
          value: (c) =>
            ['direct', 'pooled', 'accelerate']
              .filter((e) => c.endpoints[e])
              .map((e) => `${e} ${c.endpoints[e]!.host}:${c.endpoints[e]!.port}`)
              .join(' '),
        },
        {name: 'created', header: 'CREATED', value: (c) => c.createdAt, time: true},
      ],
    }),
    define<BackupJson, Seeded>({
      title: 'db backups list',
      args: (s) => ['db', 'backups', 'list', s.databaseId],
      record: false,
      pick: ['id', 'status'],
      columns: [
        {name: 'id', header: 'ID', value: (b) => b.id},
        {name: 'type', header: 'TYPE', value: (b) => b.backupType},
        {name: 'status', header: 'STATUS', value: (b) => b.status},
        {name: 'size', header: 'SIZE', value: (b) => plainOrEmpty(b.size)},
        {name: 'created', header: 'CREATED', value: (b) => b.createdAt, time: true},
      ],
    }),
    define<UsageJson, Seeded>({
      title: 'db usage',
      // A closed period in the past: the same numbers on every run.
      args: (s) => ['db', 'usage', s.databaseId, '--from', '2024-01-01', '--to', '2024-01-31'],
      record: true,
      pick: ['start', 'end'],
      columns: [
        {name: 'start', header: 'START', value: (u) => u.period.start, time: true},
        {name: 'end', header: 'END', value: (u) => u.period.end, time: true},
        // The exact amount and its unit, as the JSON names it.
        {name: 'operations', header: 'OPERATIONS', value: (u) => `${u.metrics.operations.used} ${u.metrics.operations.unit}`},
        {name: 'storage', header: 'STORAGE', value: (u) => `${u.metrics.storage.used} ${u.metrics.storage.unit}`},
        // When the answer was made: differs between runs.
        {name: 'generated', header: 'GENERATED', value: () => ISO, time: true},
      ],
    }),
    define<WorkspaceJson, Seeded>({
      title: 'workspaces list',
      args: () => ['workspaces', 'list'],
      record: false,
      pick: ['id', 'name'],
      columns: [
        {name: 'id', header: 'ID', value: (w) => w.id},
        {name: 'name', header: 'NAME', value: (w) => w.name},
        {name: 'created', header: 'CREATED', value: (w) => w.createdAt, time: true},
      ],
    }),
    define<RegionJson, Seeded>({
      title: 'regions list',
      args: () => ['regions', 'list'],
      record: false,
      pick: ['id', 'name'],
      columns: [
        {name: 'id', header: 'ID', value: (r) => r.id},
        {name: 'name', header: 'NAME', value: (r) => r.name},
        {name: 'status', header: 'STATUS', value: (r) => r.status},
      ],
    }),
    define<MeJson, Seeded>({
      title: 'whoami',
      args: () => ['whoami'],
      record: true,
      pick: ['workspace', 'profile'],
      columns: [
        {name: 'workspace', header: 'WORKSPACE', value: (m) => `${m.workspace.name} (${m.workspace.id})`},
        {name: 'user', header: 'USER', value: () => '- (service token)'},
        // How the CLI authenticated: a service token here (an OAuth session says oauth); no expiry for it.
        {name: 'credential', header: 'CREDENTIAL', value: () => 'service token'},
        {name: 'expires', header: 'EXPIRES', value: () => ''},
        {name: 'api-url', header: 'API URL', value: () => emulator.url},
        // The token masked: its first four and last four characters.
        {name: 'token-from', header: 'TOKEN FROM', value: () => /^PRISMA_SERVICE_TOKEN \(\S{4}…\S{4}\)$/},
        {name: 'profile', header: 'PROFILE', value: () => 'default'},
      ],
    }),
  ]
}

const projectColumns: Column<ProjectJson>[] = [
  {name: 'id', header: 'ID', value: (p) => p.id},
  {name: 'name', header: 'NAME', value: (p) => p.name},
  {name: 'workspace', header: 'WORKSPACE', value: (p) => p.workspace.name},
  {name: 'region', header: 'REGION', value: (p) => plainOrEmpty(p.defaultRegion)},
  {name: 'created', header: 'CREATED', value: (p) => p.createdAt, time: true},
]

const databaseColumns: Column<DatabaseJson>[] = [
  {name: 'id', header: 'ID', value: (d) => d.id},
  {name: 'name', header: 'NAME', value: (d) => d.name},
  {name: 'project', header: 'PROJECT', value: (d) => plainOrEmpty(d.project?.id)},
  {name: 'region', header: 'REGION', value: (d) => plainOrEmpty(d.region?.id)},
  {name: 'status', header: 'STATUS', value: (d) => d.status},
  {name: 'default', header: 'DEFAULT', value: (d) => String(d.isDefault)},
  {name: 'created', header: 'CREATED', value: (d) => d.createdAt, time: true},
]

describe('output formats of every list and show command (piped)', () => {
  let emulator: Emulator
  let home: string
  let all: Case<unknown, Seeded>[]

  const cli = (args: string[], extra: Record<string, string | undefined> = {}) => run(args, {env: emulator.env(home, extra), emulator})

  /** This test's own data: a project named `a, "b"` with its default database (and two backups of it) and one more, and a connection. */
  async function seed(label: string): Promise<Seeded> {
    const project = await emulator.call<{data: {id: string; database: {id: string}}}>('POST', '/v1/projects', {name: 'a, "b"', region: 'eu-west-3'})
    assert.equal(project.status, 201, `creating the project: ${JSON.stringify(project.body)}`)
    const extra = await emulator.call<{data: {id: string}}>('POST', `/v1/projects/${project.body.data.id}/databases`, {name: `${label} "extra", db`, region: 'us-east-1'})
    assert.equal(extra.status, 201, `creating the second database: ${JSON.stringify(extra.body)}`)
    const connection = await emulator.call<{data: {id: string}}>('POST', `/v1/databases/${project.body.data.database.id}/connections`, {name: `${label}, "conn"`})
    assert.ok(connection.status === 200 || connection.status === 201, `creating the connection: ${JSON.stringify(connection.body)}`)
    // The emulator lists only backups it took: two, so the backup list has rows to print.
    for (let i = 0; i < 2; i++) {
      const backup = await emulator.call('POST', `/__emulator/databases/${project.body.data.database.id}/backups`)
      assert.equal(backup.status, 201, `taking a backup: ${JSON.stringify(backup.body)}`)
    }
    return {projectId: project.body.data.id, databaseId: project.body.data.database.id, extraDatabaseId: extra.body.data.id, connectionId: connection.body.data.id}
  }

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
    all = cases(emulator)
  })
  after(async () => {
    await emulator?.stop()
    if (home) await removeDir(home)
  })

  // The cases are built once the emulator runs; their titles are known before.
  const titles = ['projects list', 'projects show', 'db list', 'db show', 'db connections list', 'db backups list', 'db usage', 'workspaces list', 'regions list', 'whoami']
  const find = (title: string) => all.find((c) => c.title === title)!

  formatTests(titles, {cli, seed, find})

  it('a name with a comma, quotes and a line break is quoted in csv and escaped in tab-separated rows', async () => {
    const {projectId} = await seed('quoting')
    const odd = await emulator.call<{data: {id: string}}>('POST', '/v1/projects', {name: 'two\nlines\tand, "tab"', region: 'us-west-1', createDatabase: false})
    assert.equal(odd.status, 201, `creating the project: ${JSON.stringify(odd.body)}`)
    const oddId = odd.body.data.id

    const csv = await cli(['projects', 'list', '-o', 'csv'])
    assert.equal(csv.code, 0, `projects list -o csv: exit ${csv.code}, stderr: ${csv.stderr}`)
    assert.ok(csv.stdout.includes(`\r\n${projectId},"a, ""b""",`), `the name a, "b" is quoted with its quotes doubled:\n${csv.stdout}`)
    assert.ok(csv.stdout.includes(`\r\n${oddId},"two\nlines\tand, ""tab""",`), `a name with a line break stays one quoted field:\n${JSON.stringify(csv.stdout)}`)
    const records = parseCsv(csv.stdout)
    assert.deepEqual(records.find((r) => r[0] === projectId)?.slice(0, 2), [projectId, 'a, "b"'], `the csv field parses back to a, "b": ${JSON.stringify(records)}`)
    assert.deepEqual(records.find((r) => r[0] === oddId)?.slice(0, 2), [oddId, 'two\nlines\tand, "tab"'], `the csv field parses back exactly: ${JSON.stringify(records)}`)

    const tsv = await cli(['projects', 'list'])
    assert.equal(tsv.code, 0, `projects list: exit ${tsv.code}, stderr: ${tsv.stderr}`)
    assert.ok(tsv.stdout.includes(`\n${oddId}\ttwo\\nlines\\tand, "tab"\t`), `the tab and line break are escaped, the row stays one line:\n${tsv.stdout}`)
    assert.ok(tsv.stdout.includes(`\n${projectId}\ta, "b"\t`), `commas and quotes need nothing in tab-separated rows:\n${tsv.stdout}`)
  })

  it('--json with --output yaml is a usage error (exit 2)', async () => {
    for (const args of [['projects', 'list', '--json', '--output', 'yaml'], ['regions', 'list', '-o', 'csv', '--json']]) {
      const result = await cli(args)
      assert.equal(result.code, 2, `${args.join(' ')}: exit 2 expected, saw ${result.code}; stderr: ${result.stderr}`)
      assert.match(result.stderr, /^Error: --json and --output (yaml|csv) ask for different formats\.$/m, `${args.join(' ')}: stderr: ${result.stderr}`)
    }
  })

  it('an error with -o yaml is a YAML error document on stdout; with -o json a JSON one', async () => {
    const expected = (id: string) => ({error: {code: 'not-found', message: `Project "${id}" was not found.`, status: 404}})

    const yaml = await cli(['projects', 'show', 'proj_missing_yaml', '-o', 'yaml'])
    assert.equal(yaml.code, 4, `exit 4 for a 404, saw ${yaml.code}; stderr: ${yaml.stderr}`)
    assert.ok(!yaml.stdout.trimStart().startsWith('{'), `YAML, not JSON, on stdout:\n${yaml.stdout}`)
    assert.deepEqual(parseYaml(yaml.stdout), expected('proj_missing_yaml'), `the YAML error document, saw:\n${yaml.stdout}`)
    assert.match(yaml.stderr, /^Error: Project "proj_missing_yaml" was not found\.$/m, `the error on stderr too: ${yaml.stderr}`)

    const json = await cli(['projects', 'show', 'proj_missing_json', '-o', 'json'])
    assert.equal(json.code, 4, `exit 4 for a 404, saw ${json.code}; stderr: ${json.stderr}`)
    assert.deepEqual(parseJson(json), expected('proj_missing_json'), `the JSON error document, saw:\n${json.stdout}`)

    // A usage error found by the CLI itself takes the same shape.
    const usage = await cli(['regions', 'list', '-o', 'yaml', '--columns', 'nope'])
    assert.equal(usage.code, 2, `exit 2 for an unknown column, saw ${usage.code}; stderr: ${usage.stderr}`)
    const document = parseYaml(usage.stdout) as {error?: {code?: string; message?: string}}
    assert.equal(document?.error?.code, 'usage', `a YAML error document with code usage, saw:\n${usage.stdout}`)
    assert.equal(document?.error?.message, 'Unknown column for --columns: nope.', `its message, saw:\n${usage.stdout}`)
  })
})
