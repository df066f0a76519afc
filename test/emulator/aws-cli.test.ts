// The buckets' S3 endpoint with the real AWS CLI (Debian's awscli, /usr/bin/aws), configured only
// from a key's create answer: copy up and down (a large file goes multipart), list, presign, remove,
// and a read key's upload refused.
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import type {CreatedBucketKey} from '../../src/api/contract.js'
import type {Emulator} from '../../src/emulator/index.js'
import {startEmulator} from '../../src/emulator/index.js'

const AWS = '/usr/bin/aws'

interface Run {
  code: number
  stdout: string
  stderr: string
}

describe('the S3 endpoint with the AWS CLI', () => {
  let emulator: Emulator
  let folder: string
  let writer: CreatedBucketKey
  let reader: CreatedBucketKey

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${emulator.url}${path}`, {method, headers: {authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json'}, body: JSON.stringify(body)})
    assert.ok(response.ok, `${method} ${path}: ${response.status}`)
    return ((await response.json()) as {data: T}).data
  }

  /** The CLI with nothing of this machine's AWS configuration: only the key's values. */
  const aws = (key: CreatedBucketKey, args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: folder,
        AWS_ACCESS_KEY_ID: key.accessKeyId,
        AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: join(folder, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(folder, 'no-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
      }
      execFile(AWS, ['--endpoint-url', key.endpoint, ...args], {env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
        resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr})
      })
    })

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'prisma-mgmt-aws-cli-'))
    emulator = await startEmulator({port: 0, databases: 'none'})
    const project = await api<{id: string}>('POST', '/v1/projects', {name: 'cli', createDatabase: false})
    const bucket = await api<{id: string}>('POST', '/v1/buckets', {projectId: project.id, name: 'cli'})
    writer = await api<CreatedBucketKey>('POST', `/v1/buckets/${bucket.id}/keys`, {role: 'read_write'})
    reader = await api<CreatedBucketKey>('POST', `/v1/buckets/${bucket.id}/keys`, {role: 'read'})
  })
  after(async () => {
    await emulator?.close()
    await rm(folder, {recursive: true, force: true})
  })

  it('copies a small and a large (multipart) file up and back, lists them, and removes them', async () => {
    const version = await aws(writer, ['--version'])
    assert.equal(version.code, 0, version.stderr)
    assert.match(version.stdout + version.stderr, /^aws-cli\/2\./)
    const small = join(folder, 'hello.txt')
    const large = join(folder, 'large.bin')
    await writeFile(small, 'hello from the AWS CLI\n')
    // Past the CLI's 8 MiB threshold: uploaded in parts.
    const largeContent = randomBytes(12 * 1024 * 1024)
    await writeFile(large, largeContent)
    const up = await aws(writer, ['s3', 'cp', small, `s3://${writer.bucketName}/docs/hello.txt`])
    assert.equal(up.code, 0, up.stderr)
    const upLarge = await aws(writer, ['s3', 'cp', large, `s3://${writer.bucketName}/blobs/large.bin`])
    assert.equal(upLarge.code, 0, upLarge.stderr)
    const head = await aws(writer, ['s3api', 'head-object', '--bucket', writer.bucketName, '--key', 'blobs/large.bin'])
    assert.equal(head.code, 0, head.stderr)
    const described = JSON.parse(head.stdout) as {ContentLength: number; ETag: string}
    assert.equal(described.ContentLength, largeContent.length)
    assert.match(described.ETag, /^"[0-9a-f]{32}-\d+"$/, 'the large file went up in parts')

    const listed = await aws(reader, ['s3', 'ls', `s3://${writer.bucketName}/`, '--recursive'])
    assert.equal(listed.code, 0, listed.stderr)
    assert.deepEqual(
      listed.stdout
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s+/).slice(2)),
      [
        [String(largeContent.length), 'blobs/large.bin'],
        ['23', 'docs/hello.txt'],
      ],
    )
    const down = join(folder, 'large-back.bin')
    const back = await aws(reader, ['s3', 'cp', `s3://${writer.bucketName}/blobs/large.bin`, down])
    assert.equal(back.code, 0, back.stderr)
    assert.ok((await readFile(down)).equals(largeContent), 'the large file comes back byte for byte')
    const cat = await aws(reader, ['s3', 'cp', `s3://${writer.bucketName}/docs/hello.txt`, '-'])
    assert.equal(cat.stdout, 'hello from the AWS CLI\n')

    const presigned = await aws(reader, ['s3', 'presign', `s3://${writer.bucketName}/docs/hello.txt`, '--expires-in', '300'])
    assert.equal(presigned.code, 0, presigned.stderr)
    const fetched = await fetch(presigned.stdout.trim())
    assert.equal(fetched.status, 200)
    assert.equal(await fetched.text(), 'hello from the AWS CLI\n')

    const removed = await aws(writer, ['s3', 'rm', `s3://${writer.bucketName}/`, '--recursive'])
    assert.equal(removed.code, 0, removed.stderr)
    const empty = await aws(reader, ['s3api', 'list-objects-v2', '--bucket', writer.bucketName])
    assert.equal(empty.code, 0, empty.stderr)
    assert.equal((JSON.parse(empty.stdout || '{}') as {KeyCount?: number}).KeyCount ?? 0, 0)
  })

  it('refuses a read key\'s upload with AccessDenied, and a wrong secret with SignatureDoesNotMatch', async () => {
    const file = join(folder, 'refused.txt')
    await writeFile(file, 'no')
    const refused = await aws(reader, ['s3', 'cp', file, `s3://${reader.bucketName}/refused.txt`])
    assert.notEqual(refused.code, 0)
    assert.match(refused.stderr, /AccessDenied/)
    const wrong = await aws({...writer, secretAccessKey: 'wrong-secret-wrong-secret-wrong-secret00'}, ['s3', 'ls', `s3://${writer.bucketName}/`])
    assert.notEqual(wrong.code, 0)
    assert.match(wrong.stderr, /SignatureDoesNotMatch/)
    const listed = await aws(reader, ['s3api', 'list-objects-v2', '--bucket', reader.bucketName])
    assert.equal((JSON.parse(listed.stdout || '{}') as {KeyCount?: number}).KeyCount ?? 0, 0, 'nothing was written')
  })
})
