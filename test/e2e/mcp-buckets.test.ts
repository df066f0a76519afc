// The bucket tools of `prisma-mgmt mcp` against the emulator, driven by the MCP SDK's own Client:
// create a bucket and a key (its secret returned once), list and show them (never a secret), and
// delete them only with --allow-destructive and the exact name, checked before anything is sent.
import assert from 'node:assert/strict'
import {after, afterEach, before, describe, it} from 'node:test'

import {connectMcp, structured, textOf, type McpSession} from './mcp-client.js'
import {Emulator, parseJson, removeDir, run, tempDir} from './harness.js'

interface BucketJson {
  id: string
  name: string
  providerName: string
  project: {id: string}
}

interface KeyJson {
  id: string
  name: string
  role: string
  valueHint: string
  secretAccessKey?: string
  accessKeyId?: string
  endpoint?: string
  bucketName?: string
}

describe('prisma-mgmt mcp: buckets', () => {
  let emulator: Emulator
  let home: string
  let projectId: string
  const sessions: McpSession[] = []
  const connect = async (flags: string[] = [], secrets: string[] = []) => {
    const session = await connectMcp(emulator, home, {flags, secrets})
    sessions.push(session)
    return session
  }
  const close = async (session: McpSession) => {
    sessions.splice(sessions.indexOf(session), 1)
    assert.deepEqual(await session.close(), {code: 0, signal: null}, session.stderr())
  }
  const changes = async () => (await emulator.requests()).filter((r) => r.method !== 'GET')

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
    const project = await run(['projects', 'create', '--name', 'mcp-store', '--no-database', '--json'], {env: emulator.env(home), emulator})
    assert.equal(project.code, 0, project.stderr)
    projectId = parseJson<{id: string}>(project).id
  })
  afterEach(async () => {
    for (const session of sessions.splice(0)) await session.close().catch(() => {})
  })
  after(async () => {
    await emulator?.stop()
    if (home) await removeDir(home)
  })

  it('create_bucket and create_bucket_key: the key\'s secret once; list_buckets, show_bucket and list_bucket_keys never show it', async () => {
    const session = await connect()
    await emulator.call('DELETE', '/__emulator/requests')
    const made = await session.call('create_bucket', {projectId, name: 'mcp-files'})
    assert.notEqual(made.isError, true, textOf(made))
    const bucket = structured<BucketJson>(made)
    assert.equal(bucket.name, 'mcp-files')
    assert.equal(textOf(made).split('\n')[0], `Created bucket mcp-files (${bucket.id}).`)

    const keyResult = await session.call('create_bucket_key', {bucketId: bucket.id, role: 'read_write', name: 'agent'})
    assert.notEqual(keyResult.isError, true, textOf(keyResult))
    const key = structured<KeyJson>(keyResult)
    assert.ok(key.secretAccessKey && key.accessKeyId && key.endpoint, 'what an S3 client needs')
    assert.equal(key.bucketName, bucket.providerName)
    assert.ok(textOf(keyResult).includes(key.secretAccessKey), 'the secret in the text for people too')
    assert.deepEqual(
      (await changes()).map((r) => [r.method, r.path, r.body]),
      [
        ['POST', '/v1/buckets', {projectId, name: 'mcp-files'}],
        ['POST', `/v1/buckets/${bucket.id}/keys`, {role: 'read_write', name: 'agent'}],
      ],
    )
    const bad = await session.call('create_bucket_key', {bucketId: bucket.id, role: 'write'})
    assert.equal(bad.isError, true, 'a role the API does not have')
    await close(session)

    // From here on the secret must appear nowhere: a read-only session lists and shows.
    const reader = await connect(['--read-only'], [key.secretAccessKey])
    const buckets = structured<{data: BucketJson[]; nextCursor: string | null}>(await reader.call('list_buckets', {projectId}))
    assert.deepEqual(buckets.data.map((b) => b.id), [bucket.id])
    assert.equal(buckets.nextCursor, null)
    assert.deepEqual(structured<BucketJson>(await reader.call('show_bucket', {bucketId: bucket.id})).providerName, bucket.providerName)
    const keys = structured<{data: KeyJson[]}>(await reader.call('list_bucket_keys', {bucketId: bucket.id}))
    assert.deepEqual(keys.data.map((k) => [k.id, k.role, k.secretAccessKey]), [[key.id, 'read_write', undefined]])
    const refused = await reader.call('create_bucket', {projectId})
    assert.equal(refused.isError, true, '--read-only has no create_bucket')
    await close(reader)
  })

  it('delete_bucket_key and delete_bucket: only with --allow-destructive, and a wrong confirm sends nothing', async () => {
    const setup = await connect()
    const bucket = structured<BucketJson>(await setup.call('create_bucket', {projectId, name: 'mcp-doomed'}))
    const key = structured<KeyJson>(await setup.call('create_bucket_key', {bucketId: bucket.id, role: 'read', name: 'gone-soon'}))
    const hidden = await setup.call('delete_bucket', {bucketId: bucket.id, confirm: 'mcp-doomed'})
    assert.equal(hidden.isError, true, 'no delete_bucket without --allow-destructive')
    await close(setup)

    const session = await connect(['--allow-destructive'], [key.secretAccessKey!])
    await emulator.call('DELETE', '/__emulator/requests')
    const wrongKey = await session.call('delete_bucket_key', {keyId: key.id, confirm: 'gone'})
    assert.equal(wrongKey.isError, true)
    assert.match(textOf(wrongKey), new RegExp(`^Error: confirm does not match the name of bucket key ${key.id}; nothing was changed\\.`))
    const wrongBucket = await session.call('delete_bucket', {bucketId: bucket.id, confirm: 'MCP-DOOMED'})
    assert.equal(wrongBucket.isError, true)
    assert.deepEqual(await changes(), [], 'nothing was sent but lookups')

    const keyGone = await session.call('delete_bucket_key', {keyId: key.id, confirm: 'gone-soon'})
    assert.notEqual(keyGone.isError, true, textOf(keyGone))
    assert.deepEqual(structured(keyGone), {id: key.id, bucketId: bucket.id, deleted: true}, 'the key was found in its bucket')
    const bucketGone = await session.call('delete_bucket', {bucketId: bucket.id, confirm: 'mcp-doomed'})
    assert.notEqual(bucketGone.isError, true, textOf(bucketGone))
    assert.deepEqual(structured(bucketGone), {id: bucket.id, deleted: true})
    assert.deepEqual(
      (await changes()).map((r) => [r.method, r.path]),
      [
        ['DELETE', `/v1/buckets/${bucket.id}/keys/${key.id}`],
        ['DELETE', `/v1/buckets/${bucket.id}`],
      ],
    )
    const missing = await session.call('show_bucket', {bucketId: bucket.id})
    assert.equal(missing.isError, true)
    assert.equal(structured<{error: {status: number}}>(missing).error.status, 404)
    await close(session)
  })
})
