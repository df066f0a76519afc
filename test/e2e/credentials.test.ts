import assert from 'node:assert/strict'
import {readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {Emulator, parseJson, removeDir, run, tempDir} from './harness.js'

interface ConnectionJson {
  id: string
  name: string
  endpoints: Record<string, {host: string; port: number; connectionString?: string}>
}

describe('db credentials', () => {
  let emulator: Emulator
  let home: string
  let databaseId: string
  let projectId: string
  const env = () => emulator.env(home)

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

  it('mints a new connection named prisma-mgmt-<timestamp> and prints its details as tables', async () => {
    await emulator.call('DELETE', '/__emulator/requests')
    const result = await run(['db', 'credentials', databaseId], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    const requests = (await emulator.call<{data: {method: string; path: string; body: {name: string}}[]}>('GET', '/__emulator/requests')).body.data
    const post = requests.find((r) => r.method === 'POST')!
    assert.equal(post.path, `/v1/databases/${databaseId}/connections`)
    assert.match(post.body.name, /^prisma-mgmt-\d{8}-\d{6}$/)
    assert.match(result.stdout, new RegExp(`^Connection ${post.body.name} \\(\\S+\\)\\n`))
    assert.match(result.stdout, /Direct connection\n┌/)
    assert.match(result.stdout, /│ Connection string │ postgres(ql)?:\/\//)
    for (const label of ['Host', 'Port', 'User', 'Password', 'Database']) assert.match(result.stdout, new RegExp(`│ ${label} +│ \\S`))
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
      assert.equal(pooled.code, 2)
    }
  })

  it('--endpoint that the API did not return is a usage error and the minted connection is revoked', async () => {
    const before = (await emulator.call<{data: ConnectionJson[]}>('GET', `/v1/databases/${databaseId}/connections`)).body.data.length
    const result = await run(['db', 'credentials', databaseId, '--format', 'url', '--endpoint', 'accelerate'], {env: env(), emulator})
    assert.equal(result.code, 2)
    assert.equal(result.stdout, '')
    assert.match(result.stderr, /^Error: The API returned no accelerate connection string for connection \S+ \(it returned: direct(, pooled)?\)\.$/m)
    const afterCount = (await emulator.call<{data: ConnectionJson[]}>('GET', `/v1/databases/${databaseId}/connections`)).body.data.length
    assert.equal(afterCount, before)
  })

  it('--format env prints a DATABASE_URL line; --format json equals --json', async () => {
    const result = await run(['db', 'credentials', databaseId, '--format', 'env'], {env: env(), emulator})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /^DATABASE_URL='postgres(ql)?:\/\/\S+'\n$/)
    const formatJson = await run(['db', 'credentials', databaseId, '--format', 'json'], {env: env(), emulator})
    assert.equal(formatJson.code, 0, formatJson.stderr)
    const connection = parseJson<ConnectionJson>(formatJson)
    assert.match(connection.endpoints.direct.connectionString!, /^postgres/)
    assert.equal(typeof connection.id, 'string')
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
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /^Error: Missing the database id argument \(db-id\)\.$/m)
  })

  it('an unknown database is exit 4; a bad --format is exit 2', async () => {
    const unknown = await run(['db', 'credentials', 'no-such-db'], {env: env(), emulator})
    assert.equal(unknown.code, 4)
    const badFormat = await run(['db', 'credentials', databaseId, '--format', 'yaml'], {env: env(), emulator})
    assert.equal(badFormat.code, 2)
    assert.match(badFormat.stderr, /yaml/)
  })
})
