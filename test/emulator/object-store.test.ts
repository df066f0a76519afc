// The buckets' S3 endpoint through the official AWS SDK for JavaScript v3, as an application uses
// any S3-compatible store: each key's role, objects in and out, listing, multipart uploads,
// presigned URLs fetched with plain fetch, and every way a request is refused (wrong secret,
// deleted key, another bucket's key, a read key writing, a tampered payload, an oversized body).
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {mkdtemp, readdir, rm} from 'node:fs/promises'
import {request as httpRequest} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {after, before, describe, it} from 'node:test'

import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import type {ListObjectsV2CommandOutput} from '@aws-sdk/client-s3'
import {getSignedUrl} from '@aws-sdk/s3-request-presigner'
import {Hash} from '@smithy/core/serde'
import {SignatureV4} from '@smithy/signature-v4'

import type {Bucket, CreatedBucketKey} from '../../src/api/contract.js'
import type {Emulator} from '../../src/emulator/index.js'
import {startEmulator} from '../../src/emulator/index.js'

type Api = <T>(method: string, path: string, body?: unknown) => Promise<{status: number; body: T}>

function apiOf(emulator: Emulator): Api {
  return async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: {authorization: `Bearer ${emulator.token}`, ...(body === undefined ? {} : {'content-type': 'application/json'})},
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    return {status: response.status, body: (text ? JSON.parse(text) : undefined) as T}
  }
}

async function newBucket(api: Api, name: string): Promise<Bucket> {
  const project = await api<{data: {id: string}}>('POST', '/v1/projects', {name, createDatabase: false})
  const bucket = await api<{data: Bucket}>('POST', '/v1/buckets', {projectId: project.body.data.id, name})
  assert.equal(bucket.status, 201)
  return bucket.body.data
}

async function newKey(api: Api, bucket: Bucket, role: 'read' | 'read_write'): Promise<CreatedBucketKey> {
  const key = await api<{data: CreatedBucketKey}>('POST', `/v1/buckets/${bucket.id}/keys`, {role})
  assert.equal(key.status, 201)
  return key.body.data
}

/** A client configured only from what the key's create answer gave. */
function clientFor(key: CreatedBucketKey, secret = key.secretAccessKey): S3Client {
  return new S3Client({endpoint: key.endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1, credentials: {accessKeyId: key.accessKeyId, secretAccessKey: secret}})
}

/** The S3 error a command failed with: its code (the SDK's error name) and status. */
async function s3Refusal(promise: Promise<unknown>): Promise<{code: string; status: number | undefined; message: string}> {
  try {
    await promise
  } catch (error) {
    const failure = error as Error & {$metadata?: {httpStatusCode?: number}}
    return {code: failure.name, status: failure.$metadata?.httpStatusCode, message: failure.message}
  }
  assert.fail('the request was expected to be refused')
}

async function text(client: S3Client, bucket: string, key: string): Promise<string> {
  const got = await client.send(new GetObjectCommand({Bucket: bucket, Key: key}))
  return got.Body!.transformToString()
}

class Sha256 extends Hash {
  constructor(secret?: ConstructorParameters<typeof Hash>[1]) {
    super('sha256', secret)
  }
}

/** A PUT signed for `signedBody` by AWS's signer, sent with `sentBody`: what a proxy tampering with a payload does. */
async function signedPut(key: CreatedBucketKey, objectKey: string, signedBody: string, sentBody: string): Promise<{status: number; text: string}> {
  const url = new URL(`${key.endpoint}/${key.bucketName}/${objectKey}`)
  const signer = new SignatureV4({service: 's3', region: 'us-east-1', credentials: {accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey}, sha256: Sha256, uriEscapePath: false})
  const signed = await signer.sign({method: 'PUT', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers: {host: url.host}, body: signedBody})
  const hash = (await (async () => {
    const digest = new Sha256()
    digest.update(signedBody)
    return Buffer.from(await digest.digest()).toString('hex')
  })())
  const response = await fetch(url, {method: 'PUT', headers: {...(signed.headers as Record<string, string>), 'x-amz-content-sha256': hash}, body: sentBody})
  return {status: response.status, text: await response.text()}
}

describe('the S3 endpoint with the AWS SDK', () => {
  let emulator: Emulator
  let api: Api
  let dataDir: string
  let bucket: Bucket
  let writerKey: CreatedBucketKey
  let readerKey: CreatedBucketKey
  let writer: S3Client
  let reader: S3Client

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-s3-test-'))
    emulator = await startEmulator({port: 0, databases: 'none', dataDir})
    api = apiOf(emulator)
    bucket = await newBucket(api, 'media')
    writerKey = await newKey(api, bucket, 'read_write')
    readerKey = await newKey(api, bucket, 'read')
    writer = clientFor(writerKey)
    reader = clientFor(readerKey)
  })
  after(async () => {
    writer?.destroy()
    reader?.destroy()
    await emulator?.close()
    await rm(dataDir, {recursive: true, force: true})
  })

  it('a read_write key puts, gets, heads and deletes objects, with their type and metadata, keys of any character', async () => {
    const keys = ['plain.txt', 'a b/c+d&e=f?g#h.txt', 'üñí/çødé 🎉.txt', 'percent%2Fnot-a-slash', ' leading and trailing ', 'deep/a/b/c/d.json']
    for (const [i, key] of keys.entries()) {
      const put = await writer.send(new PutObjectCommand({Bucket: writerKey.bucketName, Key: key, Body: `content ${i}`, ContentType: 'text/plain; charset=utf-8', Metadata: {owner: 'tests', index: String(i)}}))
      assert.match(put.ETag ?? '', /^"[0-9a-f]{32}"$/)
    }
    for (const [i, key] of keys.entries()) {
      const got = await writer.send(new GetObjectCommand({Bucket: writerKey.bucketName, Key: key}))
      assert.equal(await got.Body!.transformToString(), `content ${i}`, key)
      assert.equal(got.ContentType, 'text/plain; charset=utf-8')
      assert.deepEqual(got.Metadata, {owner: 'tests', index: String(i)})
      const head = await writer.send(new HeadObjectCommand({Bucket: writerKey.bucketName, Key: key}))
      assert.equal(head.ContentLength, Buffer.byteLength(`content ${i}`))
      assert.equal(head.ETag, got.ETag)
      assert.ok(head.LastModified instanceof Date)
    }
    await writer.send(new PutObjectCommand({Bucket: writerKey.bucketName, Key: 'plain.txt', Body: 'replaced'}))
    assert.equal(await text(writer, writerKey.bucketName, 'plain.txt'), 'replaced', 'a second put replaces the object')
    await writer.send(new DeleteObjectCommand({Bucket: writerKey.bucketName, Key: 'plain.txt'}))
    const gone = await s3Refusal(writer.send(new GetObjectCommand({Bucket: writerKey.bucketName, Key: 'plain.txt'})))
    assert.deepEqual([gone.code, gone.status], ['NoSuchKey', 404])
    const headGone = await s3Refusal(writer.send(new HeadObjectCommand({Bucket: writerKey.bucketName, Key: 'plain.txt'})))
    assert.equal(headGone.status, 404)
    await writer.send(new DeleteObjectCommand({Bucket: writerKey.bucketName, Key: 'plain.txt'}))
    for (const key of keys.slice(1)) await writer.send(new DeleteObjectCommand({Bucket: writerKey.bucketName, Key: key}))
  })

  it('takes a streamed body (aws-chunked with a CRC32 trailer), an empty object, and serves byte ranges', async () => {
    const chunks = Array.from({length: 20}, (_, i) => Buffer.alloc(10_000, 97 + i))
    const whole = Buffer.concat(chunks)
    await writer.send(new PutObjectCommand({Bucket: writerKey.bucketName, Key: 'streamed.bin', Body: Readable.from(chunks), ContentLength: whole.length}))
    const got = await writer.send(new GetObjectCommand({Bucket: writerKey.bucketName, Key: 'streamed.bin'}))
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(whole), 'the stream arrives whole')
    const part = await writer.send(new GetObjectCommand({Bucket: writerKey.bucketName, Key: 'streamed.bin', Range: 'bytes=9998-10001'}))
    assert.equal(part.$metadata.httpStatusCode, 206)
    assert.equal(part.ContentRange, `bytes 9998-10001/${whole.length}`)
    assert.equal(await part.Body!.transformToString(), 'aabb')
    const tail = await writer.send(new GetObjectCommand({Bucket: writerKey.bucketName, Key: 'streamed.bin', Range: 'bytes=-3'}))
    assert.equal(await tail.Body!.transformToString(), 'ttt')
    const beyond = await s3Refusal(writer.send(new GetObjectCommand({Bucket: writerKey.bucketName, Key: 'streamed.bin', Range: `bytes=${whole.length}-`})))
    assert.deepEqual([beyond.code, beyond.status], ['InvalidRange', 416])
    await writer.send(new PutObjectCommand({Bucket: writerKey.bucketName, Key: 'empty', Body: ''}))
    assert.equal(await text(writer, writerKey.bucketName, 'empty'), '')
    const same = await s3Refusal(writer.send(new GetObjectCommand({Bucket: writerKey.bucketName, Key: 'streamed.bin', IfNoneMatch: got.ETag})))
    assert.equal(same.status, 304, 'If-None-Match with the current ETag: not modified')
    await writer.send(new DeleteObjectsCommand({Bucket: writerKey.bucketName, Delete: {Objects: [{Key: 'streamed.bin'}, {Key: 'empty'}]}}))
  })

  it('lists objects (v2) with prefix, delimiter, start-after and continuation pages', async () => {
    const keys = ['photos/2024/a.jpg', 'photos/2024/b.jpg', 'photos/2025/c.jpg', 'photos/d.jpg', 'readme.md', 'videos/e.mp4']
    for (const key of keys) await writer.send(new PutObjectCommand({Bucket: writerKey.bucketName, Key: key, Body: key}))
    const all = await reader.send(new ListObjectsV2Command({Bucket: readerKey.bucketName}))
    assert.deepEqual(all.Contents?.map((item) => item.Key), keys, 'every key, in order')
    assert.equal(all.KeyCount, keys.length)
    assert.equal(all.IsTruncated, false)
    assert.deepEqual(all.Contents?.map((item) => item.Size), keys.map((key) => key.length))
    const top = await reader.send(new ListObjectsV2Command({Bucket: readerKey.bucketName, Delimiter: '/'}))
    assert.deepEqual(top.Contents?.map((item) => item.Key), ['readme.md'])
    assert.deepEqual(top.CommonPrefixes?.map((item) => item.Prefix), ['photos/', 'videos/'])
    const photos = await reader.send(new ListObjectsV2Command({Bucket: readerKey.bucketName, Prefix: 'photos/', Delimiter: '/'}))
    assert.deepEqual(photos.Contents?.map((item) => item.Key), ['photos/d.jpg'])
    assert.deepEqual(photos.CommonPrefixes?.map((item) => item.Prefix), ['photos/2024/', 'photos/2025/'])
    const after = await reader.send(new ListObjectsV2Command({Bucket: readerKey.bucketName, StartAfter: 'photos/d.jpg'}))
    assert.deepEqual(after.Contents?.map((item) => item.Key), ['readme.md', 'videos/e.mp4'])

    const paged: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const page: ListObjectsV2CommandOutput = await reader.send(new ListObjectsV2Command({Bucket: readerKey.bucketName, MaxKeys: 2, ContinuationToken: token, Delimiter: '/', Prefix: 'photos/'}))
      paged.push(...(page.Contents ?? []).map((item) => item.Key!), ...(page.CommonPrefixes ?? []).map((item) => item.Prefix!))
      token = page.NextContinuationToken
      assert.equal(page.IsTruncated, token !== undefined)
      pages++
    } while (token)
    assert.deepEqual(paged.sort(), ['photos/2024/', 'photos/2025/', 'photos/d.jpg'], 'a common prefix counts as one item and is served once')
    assert.equal(pages, 2, 'three items, two a page')
    const pagedAll: string[] = []
    token = undefined
    do {
      const page: ListObjectsV2CommandOutput = await reader.send(new ListObjectsV2Command({Bucket: readerKey.bucketName, MaxKeys: 2, ContinuationToken: token}))
      pagedAll.push(...(page.Contents ?? []).map((item) => item.Key!))
      token = page.NextContinuationToken
    } while (token)
    assert.deepEqual(pagedAll, keys, 'pages of two join to the whole list, nothing twice')
    const bad = await s3Refusal(reader.send(new ListObjectsV2Command({Bucket: readerKey.bucketName, ContinuationToken: 'not-a-token!'})))
    assert.deepEqual([bad.code, bad.status], ['InvalidArgument', 400])
    await writer.send(new DeleteObjectsCommand({Bucket: writerKey.bucketName, Delete: {Objects: keys.map((Key) => ({Key}))}}))
    assert.equal((await reader.send(new ListObjectsV2Command({Bucket: readerKey.bucketName}))).KeyCount, 0, 'DeleteObjects removed them all')
  })

  it('works from the environment alone: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL_S3 (and a region)', async () => {
    const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL_S3', 'AWS_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]))
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: writerKey.accessKeyId,
      AWS_SECRET_ACCESS_KEY: writerKey.secretAccessKey,
      AWS_ENDPOINT_URL_S3: writerKey.endpoint,
      AWS_REGION: 'eu-central-1',
      AWS_CONFIG_FILE: join(dataDir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'no-aws-credentials'),
    })
    delete process.env.AWS_PROFILE
    // No endpoint, no path style, no credentials in code: an IP endpoint is addressed path-style.
    const fromEnv = new S3Client({maxAttempts: 1})
    try {
      await fromEnv.send(new PutObjectCommand({Bucket: writerKey.bucketName, Key: 'from-env.txt', Body: 'configured by the environment'}))
      assert.equal(await text(fromEnv, writerKey.bucketName, 'from-env.txt'), 'configured by the environment')
      await fromEnv.send(new DeleteObjectCommand({Bucket: writerKey.bucketName, Key: 'from-env.txt'}))
    } finally {
      fromEnv.destroy()
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name]
        else process.env[name] = saved[name]
      }
    }
  })

  it('a read key reads and lists, and every write of it is refused with 403 AccessDenied', async () => {
    await writer.send(new PutObjectCommand({Bucket: writerKey.bucketName, Key: 'shared.txt', Body: 'for readers'}))
    assert.equal(await text(reader, readerKey.bucketName, 'shared.txt'), 'for readers')
    assert.equal((await reader.send(new HeadBucketCommand({Bucket: readerKey.bucketName}))).$metadata.httpStatusCode, 200)
    const writes: [string, () => Promise<unknown>][] = [
      ['PutObject', () => reader.send(new PutObjectCommand({Bucket: readerKey.bucketName, Key: 'new.txt', Body: 'x'}))],
      ['DeleteObject', () => reader.send(new DeleteObjectCommand({Bucket: readerKey.bucketName, Key: 'shared.txt'}))],
      ['DeleteObjects', () => reader.send(new DeleteObjectsCommand({Bucket: readerKey.bucketName, Delete: {Objects: [{Key: 'shared.txt'}]}}))],
      ['CopyObject', () => reader.send(new CopyObjectCommand({Bucket: readerKey.bucketName, Key: 'copy.txt', CopySource: `${readerKey.bucketName}/shared.txt`}))],
      ['CreateMultipartUpload', () => reader.send(new CreateMultipartUploadCommand({Bucket: readerKey.bucketName, Key: 'big.bin'}))],
    ]
    for (const [what, attempt] of writes) {
      const refusal = await s3Refusal(attempt())
      assert.deepEqual([refusal.code, refusal.status], ['AccessDenied', 403], what)
      assert.match(refusal.message, /read role/, `${what}: the message says why`)
    }
    assert.equal(await text(reader, readerKey.bucketName, 'shared.txt'), 'for readers', 'nothing changed')
    const listed = await reader.send(new ListObjectsV2Command({Bucket: readerKey.bucketName}))
    assert.deepEqual(listed.Contents?.map((item) => item.Key), ['shared.txt'])
    // The refusal is S3's XML error document.
    const url = await getSignedUrl(reader, new PutObjectCommand({Bucket: readerKey.bucketName, Key: 'x'}), {expiresIn: 60})
    const raw = await fetch(url, {method: 'PUT', body: 'x'})
    assert.equal(raw.status, 403)
    assert.match(raw.headers.get('content-type') ?? '', /application\/xml/)
    assert.match(await raw.text(), /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>[^<]+<\/Message>.*<RequestId>[0-9A-F]{16}<\/RequestId><\/Error>$/s)
    await writer.send(new DeleteObjectCommand({Bucket: writerKey.bucketName, Key: 'shared.txt'}))
  })

  it('copies an object within the bucket', async () => {
    await writer.send(new PutObjectCommand({Bucket: writerKey.bucketName, Key: 'original.txt', Body: 'copy me', ContentType: 'text/x-original'}))
    const copied = await writer.send(new CopyObjectCommand({Bucket: writerKey.bucketName, Key: 'copies/one.txt', CopySource: `${writerKey.bucketName}/original.txt`}))
    assert.match(copied.CopyObjectResult?.ETag ?? '', /^"[0-9a-f]{32}"$/)
    const got = await writer.send(new GetObjectCommand({Bucket: writerKey.bucketName, Key: 'copies/one.txt'}))
    assert.equal(await got.Body!.transformToString(), 'copy me')
    assert.equal(got.ContentType, 'text/x-original')
    await writer.send(new DeleteObjectsCommand({Bucket: writerKey.bucketName, Delete: {Objects: [{Key: 'original.txt'}, {Key: 'copies/one.txt'}]}}))
  })

  it('multipart: create, upload parts, complete into one object; parts too small are refused; abort forgets the upload', async () => {
    const first = Buffer.alloc(5 * 1024 * 1024, 'x')
    const second = Buffer.from('the end')
    const created = await writer.send(new CreateMultipartUploadCommand({Bucket: writerKey.bucketName, Key: 'big.bin', ContentType: 'application/x-big'}))
    const uploadId = created.UploadId!
    assert.ok(uploadId)
    const one = await writer.send(new UploadPartCommand({Bucket: writerKey.bucketName, Key: 'big.bin', UploadId: uploadId, PartNumber: 1, Body: first}))
    const two = await writer.send(new UploadPartCommand({Bucket: writerKey.bucketName, Key: 'big.bin', UploadId: uploadId, PartNumber: 2, Body: second}))
    const wrong = await s3Refusal(
      writer.send(new CompleteMultipartUploadCommand({Bucket: writerKey.bucketName, Key: 'big.bin', UploadId: uploadId, MultipartUpload: {Parts: [{PartNumber: 1, ETag: two.ETag}]}})),
    )
    assert.deepEqual([wrong.code, wrong.status], ['InvalidPart', 400], 'an ETag that is not the part\'s')
    const done = await writer.send(
      new CompleteMultipartUploadCommand({Bucket: writerKey.bucketName, Key: 'big.bin', UploadId: uploadId, MultipartUpload: {Parts: [{PartNumber: 1, ETag: one.ETag}, {PartNumber: 2, ETag: two.ETag}]}}),
    )
    assert.match(done.ETag ?? '', /^"[0-9a-f]{32}-2"$/, 'a multipart ETag names its part count')
    const got = await writer.send(new GetObjectCommand({Bucket: writerKey.bucketName, Key: 'big.bin'}))
    assert.equal(got.ContentType, 'application/x-big')
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([first, second])), 'the parts joined in order')
    const finished = await s3Refusal(writer.send(new UploadPartCommand({Bucket: writerKey.bucketName, Key: 'big.bin', UploadId: uploadId, PartNumber: 3, Body: 'late'})))
    assert.deepEqual([finished.code, finished.status], ['NoSuchUpload', 404], 'a completed upload takes no more parts')

    const small = await writer.send(new CreateMultipartUploadCommand({Bucket: writerKey.bucketName, Key: 'small.bin'}))
    const a = await writer.send(new UploadPartCommand({Bucket: writerKey.bucketName, Key: 'small.bin', UploadId: small.UploadId, PartNumber: 1, Body: 'tiny'}))
    const b = await writer.send(new UploadPartCommand({Bucket: writerKey.bucketName, Key: 'small.bin', UploadId: small.UploadId, PartNumber: 2, Body: 'tiny'}))
    const tooSmall = await s3Refusal(
      writer.send(new CompleteMultipartUploadCommand({Bucket: writerKey.bucketName, Key: 'small.bin', UploadId: small.UploadId, MultipartUpload: {Parts: [{PartNumber: 1, ETag: a.ETag}, {PartNumber: 2, ETag: b.ETag}]}})),
    )
    assert.deepEqual([tooSmall.code, tooSmall.status], ['EntityTooSmall', 400])
    await writer.send(new AbortMultipartUploadCommand({Bucket: writerKey.bucketName, Key: 'small.bin', UploadId: small.UploadId}))
    const aborted = await s3Refusal(writer.send(new UploadPartCommand({Bucket: writerKey.bucketName, Key: 'small.bin', UploadId: small.UploadId, PartNumber: 3, Body: 'x'})))
    assert.deepEqual([aborted.code, aborted.status], ['NoSuchUpload', 404])
    const missing = await s3Refusal(writer.send(new GetObjectCommand({Bucket: writerKey.bucketName, Key: 'small.bin'})))
    assert.equal(missing.code, 'NoSuchKey', 'an aborted upload made no object')
    await writer.send(new DeleteObjectCommand({Bucket: writerKey.bucketName, Key: 'big.bin'}))
  })

  it('a presigned GET works with plain fetch; an expired or altered one is refused', async () => {
    await writer.send(new PutObjectCommand({Bucket: writerKey.bucketName, Key: 'shared/report.csv', Body: 'a,b\n1,2\n', ContentType: 'text/csv'}))
    const url = await getSignedUrl(reader, new GetObjectCommand({Bucket: readerKey.bucketName, Key: 'shared/report.csv'}), {expiresIn: 300})
    assert.ok(!url.includes(readerKey.secretAccessKey), 'the URL carries no secret')
    const response = await fetch(url)
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'text/csv')
    assert.equal(await response.text(), 'a,b\n1,2\n')

    const expired = await getSignedUrl(reader, new GetObjectCommand({Bucket: readerKey.bucketName, Key: 'shared/report.csv'}), {expiresIn: 60, signingDate: new Date(Date.now() - 5 * 60_000)})
    const late = await fetch(expired)
    assert.equal(late.status, 403)
    assert.match(await late.text(), /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/)
    const altered = url.replace('report.csv', 'other.csv')
    const tampered = await fetch(altered)
    assert.equal(tampered.status, 403)
    assert.match(await tampered.text(), /<Code>SignatureDoesNotMatch<\/Code>/)
    const forged = await getSignedUrl(clientFor(readerKey, 'not-the-secret'), new GetObjectCommand({Bucket: readerKey.bucketName, Key: 'shared/report.csv'}), {expiresIn: 60})
    assert.equal((await fetch(forged)).status, 403)
    await writer.send(new DeleteObjectCommand({Bucket: writerKey.bucketName, Key: 'shared/report.csv'}))
  })

  it('refuses a wrong secret, an unknown key, another bucket\'s key, no signature, and a payload that is not the one signed', async () => {
    await writer.send(new PutObjectCommand({Bucket: writerKey.bucketName, Key: 'guarded.txt', Body: 'guarded'}))
    const wrongSecret = await s3Refusal(clientFor(writerKey, `${writerKey.secretAccessKey.slice(0, -1)}x`).send(new GetObjectCommand({Bucket: writerKey.bucketName, Key: 'guarded.txt'})))
    assert.deepEqual([wrongSecret.code, wrongSecret.status], ['SignatureDoesNotMatch', 403])
    const unknown = await s3Refusal(clientFor({...writerKey, accessKeyId: 'PMEKAAAAAAAAAAAAAAAA'}).send(new GetObjectCommand({Bucket: writerKey.bucketName, Key: 'guarded.txt'})))
    assert.deepEqual([unknown.code, unknown.status], ['InvalidAccessKeyId', 403])
    const otherBucket = await newBucket(api, 'other')
    const otherKey = await newKey(api, otherBucket, 'read_write')
    const crossed = await s3Refusal(clientFor(otherKey).send(new GetObjectCommand({Bucket: writerKey.bucketName, Key: 'guarded.txt'})))
    assert.deepEqual([crossed.code, crossed.status], ['AccessDenied', 403], 'a key reaches only its own bucket')
    const noBucket = await s3Refusal(writer.send(new GetObjectCommand({Bucket: 'no-such-bucket', Key: 'x'})))
    assert.deepEqual([noBucket.code, noBucket.status], ['NoSuchBucket', 404])
    const anonymous = await fetch(`${writerKey.endpoint}/${writerKey.bucketName}/guarded.txt`)
    assert.equal(anonymous.status, 403)
    assert.match(await anonymous.text(), /<Code>AccessDenied<\/Code>/)
    const tampered = await signedPut(writerKey, 'tampered.txt', 'what was signed', 'what was sent!!')
    assert.equal(tampered.status, 400)
    assert.match(tampered.text, /<Code>XAmzContentSHA256Mismatch<\/Code>/)
    const honest = await signedPut(writerKey, 'tampered.txt', 'what was signed', 'what was signed')
    assert.equal(honest.status, 200, 'the same request with the signed body is accepted')
    assert.equal(await text(writer, writerKey.bucketName, 'tampered.txt'), 'what was signed')
    await writer.send(new DeleteObjectsCommand({Bucket: writerKey.bucketName, Delete: {Objects: [{Key: 'guarded.txt'}, {Key: 'tampered.txt'}]}}))
  })

  it('refuses a body larger than the bound before reading it (400 EntityTooLarge)', async () => {
    const url = await getSignedUrl(writer, new PutObjectCommand({Bucket: writerKey.bucketName, Key: 'huge.bin'}), {expiresIn: 60})
    const answer = await new Promise<{status: number; body: string}>((resolve, reject) => {
      const request = httpRequest(url, {method: 'PUT', headers: {'content-length': String(200 * 1024 * 1024)}}, (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (body += chunk))
        response.on('end', () => resolve({status: response.statusCode ?? 0, body}))
      })
      request.on('error', reject)
      // Headers only: the answer comes before any of the 200 MiB.
      request.flushHeaders()
    })
    assert.equal(answer.status, 400)
    assert.match(answer.body, /<Code>EntityTooLarge<\/Code>/)
    const missing = await s3Refusal(writer.send(new HeadObjectCommand({Bucket: writerKey.bucketName, Key: 'huge.bin'})))
    assert.equal(missing.status, 404, 'nothing was stored')
  })

  it('a deleted key is refused from its next request on', async () => {
    const key = await newKey(api, bucket, 'read_write')
    const client = clientFor(key)
    await client.send(new PutObjectCommand({Bucket: key.bucketName, Key: 'before-revoke.txt', Body: 'ok'}))
    const presigned = await getSignedUrl(client, new GetObjectCommand({Bucket: key.bucketName, Key: 'before-revoke.txt'}), {expiresIn: 300})
    assert.equal((await fetch(presigned)).status, 200)
    assert.equal((await api('DELETE', `/v1/buckets/${bucket.id}/keys/${key.id}`)).status, 204)
    const refused = await s3Refusal(client.send(new GetObjectCommand({Bucket: key.bucketName, Key: 'before-revoke.txt'})))
    assert.deepEqual([refused.code, refused.status], ['InvalidAccessKeyId', 403])
    assert.equal((await fetch(presigned)).status, 403, 'its presigned URLs die with it')
    assert.equal(await text(writer, writerKey.bucketName, 'before-revoke.txt'), 'ok', 'the other keys still work')
    client.destroy()
  })

  it('objects and keys persist across a restart with --data-dir', async () => {
    await writer.send(new PutObjectCommand({Bucket: writerKey.bucketName, Key: 'kept/across.txt', Body: 'still here', Metadata: {kept: 'yes'}}))
    await emulator.close()
    emulator = await startEmulator({port: 0, databases: 'none', dataDir})
    api = apiOf(emulator)
    // The same keys, now against the restarted emulator's URL.
    const moved = (key: CreatedBucketKey): CreatedBucketKey => ({...key, endpoint: `${emulator.url}/s3`})
    writer.destroy()
    reader.destroy()
    writer = clientFor(moved(writerKey))
    reader = clientFor(moved(readerKey))
    const got = await reader.send(new GetObjectCommand({Bucket: readerKey.bucketName, Key: 'kept/across.txt'}))
    assert.equal(await got.Body!.transformToString(), 'still here')
    assert.deepEqual(got.Metadata, {kept: 'yes'})
    const listed = await reader.send(new ListObjectsV2Command({Bucket: readerKey.bucketName, Prefix: 'kept/'}))
    assert.deepEqual(listed.Contents?.map((item) => item.Key), ['kept/across.txt'])
    const stillRead = await s3Refusal(reader.send(new PutObjectCommand({Bucket: readerKey.bucketName, Key: 'x', Body: 'x'})))
    assert.equal(stillRead.code, 'AccessDenied', 'roles persist too')
  })

  it('deleting a bucket removes its objects and its keys', async () => {
    const doomed = await newBucket(api, 'doomed')
    const key = await newKey(api, doomed, 'read_write')
    const client = clientFor(key)
    for (const name of ['one', 'two', 'dir/three']) await client.send(new PutObjectCommand({Bucket: key.bucketName, Key: name, Body: name}))
    const pending = await client.send(new CreateMultipartUploadCommand({Bucket: key.bucketName, Key: 'unfinished'}))
    assert.ok(pending.UploadId)
    const folder = join(dataDir, 'objects', doomed.id)
    assert.ok(existsSync(folder), 'the bucket has a folder of objects')
    assert.equal((await readdir(join(folder, 'data'))).length, 3)
    assert.equal((await api('DELETE', `/v1/buckets/${doomed.id}`)).status, 204)
    await emulator.flush()
    const refused = await s3Refusal(client.send(new GetObjectCommand({Bucket: key.bucketName, Key: 'one'})))
    assert.deepEqual([refused.code, refused.status], ['InvalidAccessKeyId', 403], 'its keys went with it')
    // Removal runs beside the answer; close() waits for it.
    await emulator.close()
    assert.equal(existsSync(folder), false, 'its objects and uploads are gone from disk')
    emulator = await startEmulator({port: 0, databases: 'none', dataDir})
    assert.equal(existsSync(folder), false)
    client.destroy()
  })
})
