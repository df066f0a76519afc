// Every list and show command through the built binary, off a terminal: -o json (= --json),
// -o yaml, -o csv (RFC 4180) and the piped table (tab-separated rows) hold the same values;
// --columns picks and orders them; errors come as documents in the machine formats.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import {Emulator, parseJson, removeDir, run, tempDir, type RunResult} from './harness.js'

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/
const BOX = /[\u2500-\u257f]/
const ESC = '\u001b'

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

interface Column<T> {
  /** What --columns calls it. */
  name: string
  header: string
  /** The exact value in tab-separated and csv output; a RegExp when it changes between runs. */
  value: (row: T) => string | RegExp
  /** A timestamp: ISO 8601 in tab-separated and csv output. */
  time?: boolean
}

interface Case<T> {
  title: string
  args: (seeded: Seeded) => string[]
  /** A show command: one object, one row. */
  record: boolean
  columns: Column<T>[]
  /** Two column names for --columns. */
  pick: [string, string]
}

function define<T>(c: Case<T>): Case<unknown> {
  return c as unknown as Case<unknown>
}

const plainOrEmpty = (value: string | number | null | undefined) => (value === null || value === undefined ? '' : String(value))

function cases(emulator: Emulator): Case<unknown>[] {
  return [
    define<ProjectJson>({
      title: 'projects list',
      args: () => ['projects', 'list'],
      record: false,
      pick: ['id', 'name'],
      columns: projectColumns,
    }),
    define<ProjectJson>({
      title: 'projects show',
      args: (s) => ['projects', 'show', s.projectId],
      record: true,
      pick: ['id', 'name'],
      columns: projectColumns,
    }),
    define<DatabaseJson>({
      title: 'db list',
      args: () => ['db', 'list'],
      record: false,
      pick: ['id', 'name'],
      columns: databaseColumns,
    }),
    define<DatabaseJson>({
      title: 'db show',
      args: (s) => ['db', 'show', s.extraDatabaseId],
      record: true,
      pick: ['id', 'name'],
      columns: databaseColumns,
    }),
    define<ConnectionJson>({
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
    define<BackupJson>({
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
    define<UsageJson>({
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
    define<WorkspaceJson>({
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
    define<RegionJson>({
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
    define<MeJson>({
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

/** RFC 4180, strictly: records end in CRLF (the last one too); a quote opens a field or doubles inside a quoted one. */
function parseCsv(text: string): string[][] {
  assert.ok(text.endsWith('\r\n'), `csv output ends with CRLF: ${JSON.stringify(text.slice(-20))}`)
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let i = 0
  let atFieldStart = true
  while (i < text.length) {
    const ch = text[i]
    if (atFieldStart && ch === '"') {
      // A quoted field: up to the closing quote; "" is one quote; commas and line breaks are data.
      i++
      for (;;) {
        assert.ok(i < text.length, `csv: a quoted field is never closed: ${JSON.stringify(text)}`)
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        field += text[i++]
      }
      const next = text.slice(i, i + 2)
      assert.ok(next.startsWith(',') || next === '\r\n', `csv: after a closing quote comes a comma or CRLF, not ${JSON.stringify(next)}: ${JSON.stringify(text)}`)
      atFieldStart = false
      continue
    }
    if (ch === ',') {
      record.push(field)
      field = ''
      atFieldStart = true
      i++
    } else if (ch === '\r' || ch === '\n') {
      assert.equal(text.slice(i, i + 2), '\r\n', `csv: an unquoted line break is CRLF, at ${i} of ${JSON.stringify(text)}`)
      record.push(field)
      records.push(record)
      record = []
      field = ''
      atFieldStart = true
      i += 2
    } else {
      assert.notEqual(ch, '"', `csv: a quote inside an unquoted field, at ${i} of ${JSON.stringify(text)}`)
      field += ch
      atFieldStart = false
      i++
    }
  }
  return records
}

/** Tab-separated rows: LF line ends, no CR, a tab between fields. */
function parseTsv(text: string): string[][] {
  assert.ok(text.endsWith('\n'), `tab-separated output ends with a newline: ${JSON.stringify(text.slice(-20))}`)
  assert.ok(!text.includes('\r'), `tab-separated output has no CR: ${JSON.stringify(text)}`)
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => line.split('\t'))
}

/** What a value looks like in a tab-separated cell: a tab or newline in it is escaped. */
const inTsv = (value: string) => value.replaceAll('\t', '\\t').replaceAll('\n', '\\n')

function checkValue(seen: string, expected: string | RegExp, where: string): void {
  if (expected instanceof RegExp) assert.match(seen, expected, `${where}: saw ${JSON.stringify(seen)}`)
  else assert.equal(seen, expected, `${where}: saw ${JSON.stringify(seen)}, expected ${JSON.stringify(expected)}`)
}

/** Rows (header first) against the JSON objects, column by column. */
function checkRows(format: 'csv' | 'tsv', records: string[][], columns: Column<unknown>[], objects: unknown[], title: string): void {
  assert.deepEqual(records[0], columns.map((c) => c.header), `${title} -o ${format}: the header line, saw ${JSON.stringify(records[0])}`)
  assert.equal(records.length - 1, objects.length, `${title} -o ${format}: one row per object; saw ${records.length - 1} rows for ${objects.length} objects`)
  for (const [r, object] of objects.entries()) {
    const record = records[r + 1]
    assert.equal(record.length, columns.length, `${title} -o ${format}: row ${r + 1} has ${record.length} fields: ${JSON.stringify(record)}`)
    for (const [c, column] of columns.entries()) {
      const expected = column.value(object)
      const where = `${title} -o ${format}: row ${r + 1}, ${column.header}`
      checkValue(record[c], typeof expected === 'string' && format === 'tsv' ? inTsv(expected) : expected, where)
      if (column.time) assert.match(record[c], ISO, `${where}: an ISO 8601 time, saw ${JSON.stringify(record[c])}`)
    }
  }
}

function assertClean(result: RunResult, what: string): void {
  assert.ok(!result.stdout.includes(ESC), `${what}: no ANSI escape on stdout, saw ${JSON.stringify(result.stdout)}`)
  assert.ok(!result.stderr.includes(ESC), `${what}: no ANSI escape on stderr, saw ${JSON.stringify(result.stderr)}`)
  assert.doesNotMatch(result.stdout, BOX, `${what}: no box-drawing character on stdout, saw:\n${result.stdout}`)
}

describe('output formats of every list and show command (piped)', () => {
  let emulator: Emulator
  let home: string
  let all: Case<unknown>[]

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

  /** The API objects the command prints, as its -o json shows them (one object for a show command, as a list of one). */
  async function objects(c: Case<unknown>, args: string[]): Promise<unknown[]> {
    const result = await cli([...args, '-o', 'json'])
    assert.equal(result.code, 0, `${c.title} -o json: exit ${result.code}, stderr: ${result.stderr}`)
    const document = parseJson<unknown>(result)
    if (c.record) {
      assert.ok(document !== null && typeof document === 'object' && !Array.isArray(document), `${c.title} -o json: one object, saw ${result.stdout}`)
      return [document]
    }
    assert.ok(Array.isArray(document), `${c.title} -o json: an array, saw ${result.stdout}`)
    return document
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

  for (const title of titles) {
    describe(title, () => {
      it('-o json and --json print the same API objects; -o yaml parses to them', async () => {
        const c = find(title)
        const args = c.args(await seed('json'))
        const asJson = await cli([...args, '-o', 'json'])
        assert.equal(asJson.code, 0, `${title} -o json: exit ${asJson.code}, stderr: ${asJson.stderr}`)
        const flag = await cli([...args, '--json'])
        assert.equal(flag.code, 0, `${title} --json: exit ${flag.code}, stderr: ${flag.stderr}`)
        const yaml = await cli([...args, '-o', 'yaml'])
        assert.equal(yaml.code, 0, `${title} -o yaml: exit ${yaml.code}, stderr: ${yaml.stderr}`)
        const document = parseJson(asJson)
        // The usage answer says when it was made; everything else must be equal.
        const stable = (value: unknown) => (title === 'db usage' ? {...(value as object), generatedAt: 'varies'} : value)
        assert.deepEqual(stable(parseJson(flag)), stable(document), `${title}: --json and -o json differ:\n${flag.stdout}\n---\n${asJson.stdout}`)
        let parsed: unknown
        assert.doesNotThrow(() => (parsed = parseYaml(yaml.stdout)), `${title} -o yaml: stdout is one YAML document, saw:\n${yaml.stdout}`)
        assert.deepEqual(stable(parsed), stable(document), `${title}: -o yaml and -o json differ:\n${yaml.stdout}\n---\n${asJson.stdout}`)
        assert.ok(!yaml.stdout.trimStart().startsWith('{') && !yaml.stdout.trimStart().startsWith('['), `${title} -o yaml: YAML, not JSON, saw:\n${yaml.stdout}`)
        for (const [what, result] of [['-o json', asJson], ['--json', flag], ['-o yaml', yaml]] as const) assertClean(result, `${title} ${what}`)
      })

      it('-o csv is RFC 4180 (CRLF, quoted commas and quotes) with the same values', async () => {
        const c = find(title)
        const args = c.args(await seed('csv'))
        const expected = await objects(c, args)
        const result = await cli([...args, '-o', 'csv'])
        assert.equal(result.code, 0, `${title} -o csv: exit ${result.code}, stderr: ${result.stderr}`)
        assertClean(result, `${title} -o csv`)
        checkRows('csv', parseCsv(result.stdout), c.columns, expected, title)
      })

      it('piped, the table is tab-separated rows under a header line, ISO 8601 times, no borders, no colour', async () => {
        const c = find(title)
        const args = c.args(await seed('tsv'))
        const expected = await objects(c, args)
        const result = await cli(args)
        assert.equal(result.code, 0, `${title}: exit ${result.code}, stderr: ${result.stderr}`)
        assertClean(result, `${title} (piped)`)
        checkRows('tsv', parseTsv(result.stdout), c.columns, expected, title)
        // -o table says the same thing explicitly.
        const explicit = await cli([...args, '-o', 'table'])
        assert.equal(explicit.code, 0, `${title} -o table: exit ${explicit.code}, stderr: ${explicit.stderr}`)
        checkRows('tsv', parseTsv(explicit.stdout), c.columns, expected, `${title} -o table`)
      })

      it('FORCE_COLOR=1 piped: tab-separated, csv, json and yaml carry no colour', async () => {
        // print.ts writes TSV and CSV without colour whatever the environment (they are data for
        // other programs); only a table on a terminal has bold headers. JSON and YAML never do.
        const c = find(title)
        const args = c.args(await seed('colour'))
        for (const format of [[], ['-o', 'csv'], ['-o', 'json'], ['-o', 'yaml']]) {
          const result = await cli([...args, ...format], {FORCE_COLOR: '1'})
          assert.equal(result.code, 0, `${title} ${format.join(' ')} with FORCE_COLOR=1: exit ${result.code}, stderr: ${result.stderr}`)
          assertClean(result, `${title} ${format.join(' ')} with FORCE_COLOR=1`)
        }
      })

      it('--columns picks and orders the columns in tab-separated and csv output; an unknown one is exit 2 naming the valid ones', async () => {
        const c = find(title)
        const args = c.args(await seed('columns'))
        const expected = await objects(c, args)
        for (const order of [c.pick, [...c.pick].reverse()]) {
          const chosen = order.map((name) => c.columns.find((column) => column.name === name)!)
          const tsv = await cli([...args, '--columns', order.join(',')])
          assert.equal(tsv.code, 0, `${title} --columns ${order.join(',')}: exit ${tsv.code}, stderr: ${tsv.stderr}`)
          checkRows('tsv', parseTsv(tsv.stdout), chosen, expected, `${title} --columns ${order.join(',')}`)
          const csv = await cli([...args, '--columns', order.join(','), '-o', 'csv'])
          assert.equal(csv.code, 0, `${title} --columns ${order.join(',')} -o csv: exit ${csv.code}, stderr: ${csv.stderr}`)
          checkRows('csv', parseCsv(csv.stdout), chosen, expected, `${title} --columns ${order.join(',')} -o csv`)
        }

        const unknown = await cli([...args, '--columns', `${c.pick[0]},bogus`])
        assert.equal(unknown.code, 2, `${title} --columns ${c.pick[0]},bogus: exit 2 expected, saw ${unknown.code}; stderr: ${unknown.stderr}`)
        assert.ok(unknown.stderr.includes('Error: Unknown column for --columns: bogus.'), `${title}: the error names the unknown column, stderr: ${unknown.stderr}`)
        const valid = `Valid columns: ${c.columns.map((column) => column.name).join(', ')}.`
        assert.ok(unknown.stderr.includes(valid), `${title}: the error says "${valid}", stderr: ${unknown.stderr}`)
        assert.equal(unknown.stdout, '', `${title}: nothing on stdout for a usage error, saw ${JSON.stringify(unknown.stdout)}`)
      })
    })
  }

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
