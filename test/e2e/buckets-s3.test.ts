// A bucket key as the CLI delivers it, used by the official AWS SDK for JavaScript v3 against the
// emulator's object store: the -o env lines handed to an S3Client, and an --env-file read by an
// application started with `node --env-file` whose S3Client finds everything in its environment.
// A read key reads but cannot write; a deleted key and a deleted bucket stop working.
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {after, before, describe, it} from 'node:test'

import {GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import dotenv from 'dotenv'

import {Emulator, parseJson, removeDir, ROOT, run, tempDir} from './harness.js'

const exec = promisify(execFile)

/** What an application does with the environment --env-file gave it: the SDK reads AWS_*; the bucket's name comes from S3_BUCKET. */
const APP = `
import {GetObjectCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
const s3 = new S3Client({forcePathStyle: true})
const Bucket = process.env.S3_BUCKET
const [action, Key, body] = process.argv.slice(1)
try {
  if (action === 'put') await s3.send(new PutObjectCommand({Bucket, Key, Body: body}))
  else process.stdout.write(await (await s3.send(new GetObjectCommand({Bucket, Key}))).Body.transformToString())
} catch (error) {
  process.stdout.write(\`\${error.name} \${error.$metadata?.httpStatusCode}\`)
  process.exitCode = 1
}
`

interface Bucket {
  id: string
  providerName: string
}

describe('bucket keys with the AWS SDK', () => {
  let emulator: Emulator
  let home: string
  let dir: string
  let bucket: Bucket
  const secrets: string[] = []
  const cli = (args: string[]) => run(args, {env: emulator.env(home), emulator, secrets})

  /** Runs APP with `node --env-file <file>` and nothing of this process's AWS settings. */
  async function app(file: string, ...args: string[]): Promise<{code: number; stdout: string}> {
    const env = {PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', HOME: dir}
    try {
      const {stdout} = await exec(process.execPath, [`--env-file=${file}`, '--input-type=module', '-e', APP, ...args], {cwd: ROOT, env})
      return {code: 0, stdout}
    } catch (error) {
      const failed = error as {code: number; stdout: string; stderr: string}
      assert.equal(typeof failed.code, 'number', `the application did not run: ${failed.stderr}`)
      return {code: failed.code, stdout: failed.stdout}
    }
  }

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
    dir = await tempDir()
    const project = parseJson<{id: string}>(await run(['projects', 'create', '--name', 'objects', '--no-database', '--json'], {env: emulator.env(home), emulator}))
    const made = await run(['buckets', 'create', '--project', project.id, '--name', 'photos', '--json'], {env: emulator.env(home), emulator})
    assert.equal(made.code, 0, made.stderr)
    bucket = parseJson<Bucket>(made)
  })
  after(async () => {
    await emulator?.stop()
    if (home) await removeDir(home)
    if (dir) await removeDir(dir)
  })

  it('the -o env lines of a read_write key put, list and get an object; a read key from --env-file gets it but cannot put', async () => {
    const printed = await cli(['buckets', 'keys', 'create', bucket.id, '--role', 'read_write', '--name', 'writer', '-o', 'env'])
    assert.equal(printed.code, 0, printed.stderr)
    const env = dotenv.parse(printed.stdout)
    secrets.push(env.AWS_SECRET_ACCESS_KEY)
    assert.equal(env.S3_BUCKET, bucket.providerName)
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: env.AWS_ENDPOINT_URL_S3,
      forcePathStyle: true,
      credentials: {accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY},
    })
    try {
      await s3.send(new PutObjectCommand({Bucket: env.S3_BUCKET, Key: 'albums/first.txt', Body: 'hello from the CLI', ContentType: 'text/plain'}))
      const listed = await s3.send(new ListObjectsV2Command({Bucket: env.S3_BUCKET, Prefix: 'albums/'}))
      assert.deepEqual(listed.Contents?.map((o) => [o.Key, o.Size]), [['albums/first.txt', 18]])
      const got = await s3.send(new GetObjectCommand({Bucket: env.S3_BUCKET, Key: 'albums/first.txt'}))
      assert.equal(await got.Body?.transformToString(), 'hello from the CLI')
      assert.equal(got.ContentType, 'text/plain')
    } finally {
      s3.destroy()
    }

    const file = join(dir, 'reader.env')
    const filed = await cli(['buckets', 'keys', 'create', bucket.id, '--role', 'read', '--name', 'reader', '--env-file', file])
    assert.equal(filed.code, 0, filed.stderr)
    const reader = await app(file, 'get', 'albums/first.txt')
    assert.deepEqual(reader, {code: 0, stdout: 'hello from the CLI'}, 'the application reads with the key in its .env')
    const write = await app(file, 'put', 'albums/second.txt', 'not allowed')
    assert.deepEqual(write, {code: 1, stdout: 'AccessDenied 403'}, 'a read key cannot write')
  })

  it('a deleted key is refused from then on; deleting the bucket ends every key and object', async () => {
    const file = join(dir, 'rotating.env')
    const first = await cli(['buckets', 'keys', 'create', bucket.id, '--role', 'read_write', '--name', 'v1', '--env-file', file])
    assert.equal(first.code, 0, first.stderr)
    assert.deepEqual(await app(file, 'put', 'rotation.txt', 'v1'), {code: 0, stdout: ''})
    const keyId = /bucket key v1 \((\w+)\)/.exec(first.stdout)?.[1]
    assert.ok(keyId, first.stdout)

    // Rotation: a new key into the same file, then the old key deleted.
    const old = join(dir, 'old.env')
    await exec('cp', [file, old])
    const second = await cli(['buckets', 'keys', 'create', bucket.id, '--role', 'read_write', '--name', 'v2', '--env-file', file])
    assert.equal(second.code, 0, second.stderr)
    const deleted = await cli(['buckets', 'keys', 'delete', keyId, '--yes'])
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.deepEqual(await app(old, 'get', 'rotation.txt'), {code: 1, stdout: 'InvalidAccessKeyId 403'}, 'the deleted key is refused')
    assert.deepEqual(await app(file, 'get', 'rotation.txt'), {code: 0, stdout: 'v1'}, 'the new key reads what the old one wrote')

    const gone = await cli(['buckets', 'delete', bucket.id, '--yes'])
    assert.equal(gone.code, 0, gone.stderr)
    const after = await app(file, 'get', 'rotation.txt')
    assert.equal(after.code, 1, 'nothing works once the bucket is deleted')
    assert.match(after.stdout, / 40[34]$/, after.stdout)
  })
})
