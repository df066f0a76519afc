import assert from 'node:assert/strict'
import {readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import {assertEndpointRow, Emulator, ENDPOINT_COLUMNS, parseJson, removeDir, run, tempDir, tsv, tsvHeader, type TsvRow} from './harness.js'

interface ConnectionJson {
  id: string
  name: string
  endpoints: Record<string, {host: string; port: number; connectionString?: string}>
}

/** The stderr line `db credentials` ends with when stdout carries rows. */
const mintedLine = (connection: {id: string; name: string}, databaseId: string, count: number) =>
  `Minted a new connection, ${connection.name} (${connection.id}); database ${databaseId} now has ${count} connection${count === 1 ? '' : 's'}. ` +
  `List them with \`prisma-mgmt db connections list ${databaseId}\`; delete this one with \`prisma-mgmt db connections delete ${connection.id}\`.\n`

describe('db credentials', () => {
  let emulator: Emulator
  let home: string
  let databaseId: string
  let projectId: string
  const env = () => emulator.env(home)
  /** Every connection of a database, all pages. */
  const allConnections = async (database: string) => {
    const found: ConnectionJson[] = []
    let cursor: string | null = null
    do {
      const page: {status: number; body: {data: ConnectionJson[]; pagination: {nextCursor: string | null}}} = await emulator.call(
        'GET',
        `/v1/databases/${database}/connections${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
      )
      assert.equal(page.status, 200, `listing the connections of ${database}: status ${page.status}`)
      found.push(...page.body.data)
      cursor = page.body.pagination.nextCursor
    } while (cursor)
    return found
  }

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
    const created = await emulator.call<{data: {id: string; database: {id: string}}}>('POST', '/v1/projects', {name: 'creds', region: 'us-east-1'})
    projectId = created.body.data.id
    databaseId = created.body.data.database.id
  })
  after(async () => {
    await emulator.stop()
    await removeDir(home)
  })

  it('mints a new connection named prisma-mgmt-<timestamp> and prints a tab-separated row per endpoint when piped', async () => {
    await emulator.call('DELETE', '/__emulator/requests')
    const result = await run(['db', 'credentials', databaseId], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    const requests = (await emulator.call<{data: {method: string; path: string; body: {name: string}}[]}>('GET', '/__emulator/requests')).body.data
    const posts = requests.filter((r) => r.method === 'POST')
    assert.equal(posts.length, 1, `POST requests received: ${JSON.stringify(requests)}`)
    const [post] = posts
    assert.equal(post.path, `/v1/databases/${databaseId}/connections`, `POST path: ${post.path}`)
    assert.match(post.body.name, /^prisma-mgmt-\d{8}-\d{6}$/, `name sent: ${post.body.name}`)

    const connections = await allConnections(databaseId)
    const minted = connections.find((c) => c.name === post.body.name)
    assert.ok(minted, `no connection named ${post.body.name} in ${JSON.stringify(connections.map((c) => c.name))}`)
    assert.deepEqual(tsvHeader(result.stdout), ENDPOINT_COLUMNS, `header line: ${result.stdout}`)
    const rows = tsv(result.stdout)
    // One row per endpoint the API returned, in the order direct, pooled, accelerate.
    const expected = ['direct', 'pooled', 'accelerate'].filter((name) => minted.endpoints[name])
    assert.deepEqual(rows.map((row) => row.ENDPOINT), expected, `endpoint rows: ${result.stdout}`)
    for (const row of rows) {
      assert.equal(row.CONNECTION, minted.id, `CONNECTION of the ${row.ENDPOINT} row: ${result.stdout}`)
      assert.deepEqual([row.HOST, row.PORT], [minted.endpoints[row.ENDPOINT].host, String(minted.endpoints[row.ENDPOINT].port)], `host and port of the ${row.ENDPOINT} row: ${result.stdout}`)
      assertEndpointRow(row, result.stdout)
    }
    assert.equal(result.stderr, mintedLine(minted, databaseId, connections.length), 'stderr')
  })

  it('the default name gets -2, -3... when the database already has a connection of that name', async (t) => {
    const created = await emulator.call<{data: {id: string; database: {id: string}}}>('POST', '/v1/projects', {name: 'creds-names', region: 'us-east-1'})
    t.after(() => emulator.call('DELETE', `/v1/projects/${created.body.data.id}`))
    const database = created.body.data.database.id
    // Take the name and its -2 for every second the command may start in.
    const start = Math.floor(Date.now() / 1000) - 1
    const stamp = (second: number) => `prisma-mgmt-${new Date(second * 1000).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`
    for (let second = start; second < start + 120; second++) {
      for (const name of [stamp(second), `${stamp(second)}-2`]) {
        const taken = await emulator.call('POST', `/v1/databases/${database}/connections`, {name})
        assert.equal(taken.status, 200, `creating ${name}: status ${taken.status}`)
      }
    }
    const result = await run(['db', 'credentials', database, '--format', 'url'], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    const connections = await allConnections(database)
    const minted = connections.filter((c) => /-3$/.test(c.name))
    assert.equal(minted.length, 1, `connections ending in -3: ${JSON.stringify(minted.map((c) => c.name))}`)
    assert.match(minted[0].name, /^prisma-mgmt-\d{8}-\d{6}-3$/, `name of the minted connection: ${minted[0].name}`)
    const second = Date.parse(minted[0].name.replace(/^prisma-mgmt-(\d{4})(\d\d)(\d\d)-(\d\d)(\d\d)(\d\d)-3$/, '$1-$2-$3T$4:$5:$6Z')) / 1000
    assert.ok(second >= start && second < start + 120, `the minted name ${minted[0].name} is outside the names taken beforehand`)
    assert.equal(result.stderr, mintedLine(minted[0], database, connections.length), 'stderr')
    assert.match(result.stdout, /^postgres(ql)?:\/\/\S+\n$/, 'stdout holds the connection string alone')
  })

  it('--format url prints one connection string alone; --endpoint chooses; --name is sent', async () => {
    const result = await run(['db', 'credentials', databaseId, '--format', 'url', '--name', 'ci-job'], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /^postgres(ql)?:\/\/[^\s:]+:[^\s@]+@[^\s:]+:\d+\/\S+\n$/)
    const connections = (await emulator.call<{data: ConnectionJson[]}>('GET', `/v1/databases/${databaseId}/connections`)).body.data
    assert.ok(connections.some((c) => c.name === 'ci-job'))

    const pooled = await run(['db', 'credentials', databaseId, '--format', 'url', '--endpoint', 'pooled'], {env: env(), emulator})
    const asJson = await run(['db', 'credentials', databaseId, '--json'], {env: env(), emulator})
    const endpoints = parseJson<ConnectionJson>(asJson).endpoints
    if (endpoints.pooled) {
      assert.equal(pooled.code, 0, pooled.stderr)
      assert.match(pooled.stdout, new RegExp(`@${endpoints.pooled.host.replaceAll('.', '\\.')}:${endpoints.pooled.port}/`))
    } else {
      assert.equal(pooled.code, 2, pooled.stderr)
    }
  })

  it('--endpoint that the API did not return is a usage error and the minted connection is revoked', async () => {
    const before = (await emulator.call<{data: ConnectionJson[]}>('GET', `/v1/databases/${databaseId}/connections`)).body.data.length
    const result = await run(['db', 'credentials', databaseId, '--format', 'url', '--endpoint', 'accelerate'], {env: env(), emulator})
    assert.equal(result.code, 2, result.stderr)
    assert.equal(result.stdout, '')
    assert.match(result.stderr, /^Error: The API returned no accelerate connection string for connection \S+ \(it returned: direct(, pooled)?\)\.$/m)
    const afterCount = (await emulator.call<{data: ConnectionJson[]}>('GET', `/v1/databases/${databaseId}/connections`)).body.data.length
    assert.equal(afterCount, before)
  })

  it('--format env prints a DATABASE_URL line; --format json equals --json', async () => {
    const result = await run(['db', 'credentials', databaseId, '--format', 'env'], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /^DATABASE_URL='postgres(ql)?:\/\/\S+'\n$/, 'stdout holds one DATABASE_URL line')
    assert.match(result.stderr, /^Minted a new connection, prisma-mgmt-\d{8}-\d{6}(-\d+)? \(\S+\); database \S+ now has \d+ connections\. /, 'stderr')
    const formatJson = await run(['db', 'credentials', databaseId, '--format', 'json'], {env: env(), emulator})
    assert.equal(formatJson.code, 0, formatJson.stderr)
    const connection = parseJson<ConnectionJson>(formatJson)
    assert.match(connection.endpoints.direct.connectionString!, /^postgres/, `stdout: ${formatJson.stdout}`)
    assert.equal(typeof connection.id, 'string', `stdout: ${formatJson.stdout}`)
    assert.equal(formatJson.stderr, '', 'nothing on stderr with --format json')
  })

  it('-o yaml prints the API object as YAML; -o csv prints a row per endpoint (RFC 4180)', async () => {
    const yaml = await run(['db', 'credentials', databaseId, '-o', 'yaml'], {env: env(), emulator})
    assert.equal(yaml.code, 0, yaml.stderr)
    assert.equal(yaml.stderr, '', 'nothing on stderr with -o yaml')
    const asYaml = parseYaml(yaml.stdout) as ConnectionJson & {database: {id: string}}
    const listed = (await emulator.call<{data: ConnectionJson[]}>('GET', `/v1/databases/${databaseId}/connections`)).body.data.find((c) => c.id === asYaml.id)
    assert.ok(listed, `the YAML names connection ${asYaml.id}, which the database does not have: ${yaml.stdout}`)
    assert.equal(asYaml.name, listed.name, `name in: ${yaml.stdout}`)
    assert.equal(asYaml.database.id, databaseId, `database in: ${yaml.stdout}`)
    assert.match(asYaml.endpoints.direct.connectionString!, /^postgres(ql)?:\/\/\S+$/, `direct connection string in: ${yaml.stdout}`)

    const csv = await run(['db', 'credentials', databaseId, '-o', 'csv'], {env: env(), emulator})
    assert.equal(csv.code, 0, csv.stderr)
    assert.ok(csv.stdout.endsWith('\r\n') && !/[^\r]\n/.test(csv.stdout), `csv lines end in CRLF: ${JSON.stringify(csv.stdout)}`)
    // No value here holds a comma, quote or line break, so a line splits on commas.
    const [header, ...lines] = csv.stdout.slice(0, -2).split('\r\n')
    assert.deepEqual(header.split(','), ENDPOINT_COLUMNS, `csv header: ${csv.stdout}`)
    const rows = lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [ENDPOINT_COLUMNS[i], value])) as TsvRow)
    assert.ok(lines.every((line) => line.split(',').length === ENDPOINT_COLUMNS.length), `csv rows: ${csv.stdout}`)
    assert.equal(rows[0]?.ENDPOINT, 'direct', `first csv row: ${csv.stdout}`)
    for (const row of rows) assertEndpointRow(row, csv.stdout)
    assert.equal(new Set(rows.map((row) => row.CONNECTION)).size, 1, `one connection in: ${csv.stdout}`)
    assert.match(csv.stderr, new RegExp(`^Minted a new connection, \\S+ \\(${rows[0].CONNECTION}\\); `), 'stderr')
  })

  it('--env-file creates the file with mode 0600 holding only DATABASE_URL', async (t) => {
    const dir = await tempDir()
    t.after(() => removeDir(dir))
    const file = join(dir, '.env')
    const result = await run(['db', 'credentials', databaseId, '--env-file', file], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, new RegExp(`^Created ${file.replaceAll('.', '\\.')}: DATABASE_URL set to the direct endpoint of connection \\S+ \\(\\S+\\)\\.\\n$`))
    assert.doesNotMatch(result.stdout, /postgres/)
    assert.equal((await stat(file)).mode & 0o777, 0o600)
    assert.match(await readFile(file, 'utf8'), /^DATABASE_URL='postgres(ql)?:\/\/\S+'\n$/)
  })

  it('--env-file replaces DATABASE_URL and keeps every other line as it was', async (t) => {
    const dir = await tempDir()
    t.after(() => removeDir(dir))
    const file = join(dir, '.env')
    const original = '# app settings\nPORT=3000\nDATABASE_URL="postgres://old:old@db:5432/app"\nexport SECRET_KEY=abc # keep\n\nLOG_LEVEL=debug\n'
    await writeFile(file, original, {mode: 0o640})
    const result = await run(['db', 'credentials', databaseId, '--env-file', file, '--format', 'url'], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    const url = result.stdout.trim()
    assert.match(url, /^postgres/)
    assert.match(result.stderr, /^Updated .*\.env: DATABASE_URL set to the direct endpoint/)
    assert.equal(await readFile(file, 'utf8'), original.replace('DATABASE_URL="postgres://old:old@db:5432/app"', `DATABASE_URL='${url}'`))
    assert.equal((await stat(file)).mode & 0o777, 0o640, 'an existing file keeps its mode')
  })

  it('--env-file into a folder that does not exist is a usage error and mints no connection', async (t) => {
    const dir = await tempDir()
    t.after(() => removeDir(dir))
    const count = async () => (await emulator.call<{data: ConnectionJson[]}>('GET', `/v1/databases/${databaseId}/connections`)).body.data.length
    const before = await count()
    const result = await run(['db', 'credentials', databaseId, '--env-file', join(dir, 'missing', '.env')], {env: env(), emulator})
    assert.equal(result.code, 2, `exit code was ${result.code}; stderr: ${result.stderr}`)
    assert.equal(result.stdout, '', 'stdout should be empty for a refused target')
    assert.match(result.stderr, /^Error: Cannot write --env-file \S+\/missing\/\.env: the folder \S+\/missing does not exist\.$/m)
    assert.equal(await count(), before, 'a connection was minted although the --env-file path was bad')
  })

  it('--project uses the project\'s default database; a missing id off a terminal names the argument', async () => {
    const viaProject = await run(['db', 'credentials', '--project', projectId, '--format', 'url'], {env: env(), emulator})
    assert.equal(viaProject.code, 0, viaProject.stderr)
    assert.match(viaProject.stdout, /^postgres/)
    const missing = await run(['db', 'credentials'], {env: env(), emulator})
    assert.equal(missing.code, 2, missing.stderr)
    assert.match(missing.stderr, /^Error: Missing the database id argument \(db-id\)\.$/m)
  })

  it('an unknown database is exit 4; a bad --format or -o is exit 2 and mints nothing', async () => {
    const count = async () => (await emulator.call<{data: ConnectionJson[]}>('GET', `/v1/databases/${databaseId}/connections`)).body.data.length
    const before = await count()
    const unknown = await run(['db', 'credentials', 'no-such-db'], {env: env(), emulator})
    assert.equal(unknown.code, 4, unknown.stderr)
    for (const flag of ['--format', '-o']) {
      const badFormat = await run(['db', 'credentials', databaseId, flag, 'xml'], {env: env(), emulator})
      assert.equal(badFormat.code, 2, `${flag} xml: ${badFormat.stderr}`)
      assert.equal(badFormat.stdout, '', `${flag} xml: stdout`)
      assert.match(badFormat.stderr, /^Error: Expected --(format|output)=xml to be one of: table, json, yaml, csv, url, env$/m, `${flag} xml: stderr`)
    }
    assert.equal(await count(), before, 'a connection was minted by a refused command')
  })
})
