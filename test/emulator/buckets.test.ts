// The bucket endpoints through Prisma's own SDK client: shapes, statuses, errors, branches and
// logicalIds, pagination, and a key's secret shown once.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {createManagementApiClient} from '@prisma/management-api-sdk'
import type {ManagementApiClient} from '@prisma/management-api-sdk'

import type {Bucket, BucketKey, CreatedBucketKey} from '../../src/api/contract.js'
import type {Emulator} from '../../src/emulator/index.js'
import {startEmulator} from '../../src/emulator/index.js'
import {conforms} from '../sdk-shape.js'
import type {Shape} from '../sdk-shape.js'

const ref: Shape = {id: 'string', url: 'uri', name: 'string'}
const bucketShape: Shape = {
  id: 'string',
  type: {const: 'bucket'},
  url: 'uri',
  name: 'string',
  providerName: 'string',
  status: 'string',
  createdAt: 'date-time',
  project: ref,
  branchId: 'string|null',
  logicalId: 'string|null',
}
const keyShape: Shape = {id: 'string', type: {const: 'bucketKey'}, name: 'string', valueHint: 'string', role: 'string', createdAt: 'date-time'}
const createdKeyShape: Shape = {...keyShape, secretAccessKey: 'string', accessKeyId: 'string', endpoint: 'uri', bucketName: 'string'}
const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/

interface ErrorAnswer {
  error?: {error: {code: string; message: string}}
  response: Response
}

function refused(answer: ErrorAnswer, status: number, code: string, message?: RegExp): void {
  assert.equal(answer.response.status, status, JSON.stringify(answer.error))
  assert.equal(answer.error?.error.code, code)
  if (message) assert.match(answer.error.error.message, message)
}

describe('buckets through the SDK client', () => {
  let emulator: Emulator
  let sdk: ManagementApiClient
  let other: ManagementApiClient
  let projectId: string
  let otherProjectId: string

  const createBucket = async (body: {name?: string; branchGitName?: string; branchId?: string; logicalId?: string} = {}, project = projectId): Promise<Bucket> => {
    const created = await sdk.POST('/v1/buckets', {body: {projectId: project, ...body}})
    assert.equal(created.response.status, 201, JSON.stringify(created.error))
    conforms(created.data, {data: bucketShape}, 'POST /v1/buckets')
    return created.data!.data
  }
  const createKey = async (bucketId: string, role: 'read' | 'read_write', name?: string): Promise<CreatedBucketKey> => {
    const created = await sdk.POST('/v1/buckets/{bucketId}/keys', {params: {path: {bucketId}}, body: {role, ...(name === undefined ? {} : {name})}})
    assert.equal(created.response.status, 201, JSON.stringify(created.error))
    conforms(created.data, {data: createdKeyShape}, 'POST /v1/buckets/{bucketId}/keys')
    return created.data!.data
  }
  const newProject = async (client: ManagementApiClient, name: string): Promise<string> => {
    const created = await client.POST('/v1/projects', {body: {name, createDatabase: false}})
    assert.equal(created.response.status, 201)
    return created.data!.data.id
  }

  before(async () => {
    emulator = await startEmulator({port: 0, databases: 'none'})
    sdk = createManagementApiClient({baseUrl: emulator.url, token: emulator.token})
    const elsewhere = emulator.addWorkspace('Elsewhere')
    other = createManagementApiClient({baseUrl: emulator.url, token: emulator.mintServiceToken(elsewhere.id, 'other')!.value})
    projectId = await newProject(sdk, 'with-buckets')
    otherProjectId = await newProject(other, 'not-yours')
  })
  after(async () => {
    await emulator.close()
  })

  it('creates a bucket: 201 with the contract shape, a generated name and an S3-valid provider name', async () => {
    const bucket = await createBucket()
    assert.match(bucket.name, /^bucket-\d{8}-\d{6}$/, 'a generated display name')
    assert.match(bucket.providerName, S3_BUCKET_NAME)
    assert.equal(bucket.url, `${emulator.url}/v1/buckets/${bucket.id}`)
    assert.deepEqual(bucket.project, {id: projectId, url: `${emulator.url}/v1/projects/${projectId}`, name: 'with-buckets'})
    assert.equal(bucket.status, 'ready')
    assert.equal(bucket.branchId, null, 'no branch named: on none')
    assert.equal(bucket.logicalId, null)
    const named = await createBucket({name: '  Photos & Videos  '})
    assert.equal(named.name, 'Photos & Videos', 'the display name, trimmed')
    assert.match(named.providerName, /^photos-videos-c[0-9a-z]{24}$/, 'the provider name follows the display name')
    assert.notEqual(named.providerName, bucket.providerName)
  })

  it('refuses a create without a project (400), with a bad field (400), for an unknown or foreign project (404)', async () => {
    const missing = await sdk.POST('/v1/buckets', {body: {} as never})
    refused(missing, 400, 'validation-error', /projectId is required/)
    refused(await sdk.POST('/v1/buckets', {body: {projectId, name: '   '}}), 400, 'validation-error', /name must not be empty/)
    refused(await sdk.POST('/v1/buckets', {body: {projectId, name: 7 as unknown as string}}), 400, 'validation-error', /name must be a string/)
    refused(await sdk.POST('/v1/buckets', {body: {projectId, logicalId: ''}}), 400, 'validation-error', /logicalId/)
    refused(await sdk.POST('/v1/buckets', {body: {projectId, branchId: 'b', branchGitName: 'main'}}), 400, 'validation-error', /mutually exclusive/)
    refused(await sdk.POST('/v1/buckets', {body: {projectId, branchGitName: 'bad..name'}}), 400, 'validation-error', /not a valid git branch name/)
    refused(await sdk.POST('/v1/buckets', {body: {projectId: 'cnosuchproject000000000000'}}), 404, 'not-found', /Project/)
    refused(await sdk.POST('/v1/buckets', {body: {projectId: otherProjectId}}), 404, 'not-found', /Project/)
    refused(await sdk.POST('/v1/buckets', {body: {projectId, branchId: 'cnosuchbranch0000000000000'}}), 404, 'not-found', /Branch/)
  })

  it('places buckets on branches by git name; a logicalId is unique on its branch (409), not across branches', async () => {
    const first = await createBucket({branchGitName: 'feature/a', logicalId: 'uploads'})
    assert.ok(first.branchId, 'the bucket is on a branch')
    const sameBranch = await createBucket({branchGitName: 'feature/a'})
    assert.equal(sameBranch.branchId, first.branchId, 'the same git name is the same branch')
    const byId = await createBucket({branchId: first.branchId!})
    assert.equal(byId.branchId, first.branchId)
    const conflict = await sdk.POST('/v1/buckets', {body: {projectId, branchGitName: 'feature/a', logicalId: 'uploads'}})
    refused(conflict, 409, 'conflict', new RegExp(`logicalId "uploads" already exists on branch "feature/a" \\(${first.branchId}\\)`))
    refused(await sdk.POST('/v1/buckets', {body: {projectId, branchId: first.branchId!, logicalId: 'uploads'}}), 409, 'conflict')
    const elsewhere = await createBucket({branchGitName: 'main', logicalId: 'uploads'})
    assert.notEqual(elsewhere.branchId, first.branchId, 'another branch')
    const unassigned = await createBucket({logicalId: 'uploads'})
    assert.equal(unassigned.branchId, null)
    refused(await sdk.POST('/v1/buckets', {body: {projectId, logicalId: 'uploads'}}), 409, 'conflict', /on no branch/)
    // Another project's branch of the same name is another branch.
    const otherProject = await newProject(sdk, 'second')
    const inOther = await createBucket({branchGitName: 'feature/a', logicalId: 'uploads'}, otherProject)
    assert.notEqual(inOther.branchId, first.branchId)
    refused(await sdk.POST('/v1/buckets', {body: {projectId: otherProject, branchId: first.branchId!}}), 404, 'not-found', /Branch/)
  })

  it('lists with filters (projectId, logicalId, branchId, unassigned, branchGitName) and the caller\'s workspace only', async () => {
    const project = await newProject(sdk, 'filtered')
    const a = await createBucket({name: 'a', logicalId: 'x'}, project)
    const b = await createBucket({name: 'b', branchGitName: 'dev', logicalId: 'x'}, project)
    const c = await createBucket({name: 'c', branchGitName: 'dev'}, project)
    const ids = async (query: Record<string, string>) => {
      const listed = await sdk.GET('/v1/buckets', {params: {query}})
      assert.equal(listed.response.status, 200)
      conforms(listed.data, {data: {array: bucketShape}, pagination: {nextCursor: 'string|null', hasMore: 'boolean'}}, 'GET /v1/buckets')
      return listed.data!.data.map((bucket) => bucket.id)
    }
    assert.deepEqual(await ids({projectId: project}), [a.id, b.id, c.id], 'a project\'s buckets, oldest first')
    assert.deepEqual(await ids({projectId: project, logicalId: 'x'}), [a.id, b.id])
    assert.deepEqual(await ids({projectId: project, branchId: 'unassigned'}), [a.id])
    assert.deepEqual(await ids({projectId: project, branchId: b.branchId!}), [b.id, c.id])
    assert.deepEqual(await ids({projectId: project, branchGitName: 'dev', logicalId: 'x'}), [b.id])
    assert.deepEqual(await ids({projectId: project, branchGitName: 'nope'}), [])
    assert.deepEqual(await ids({projectId: otherProjectId}), [], 'another workspace\'s project has no buckets for this caller')
    const all = await ids({})
    for (const id of [a.id, b.id, c.id]) assert.ok(all.includes(id))
    const foreign = await other.GET('/v1/buckets')
    assert.deepEqual(foreign.data?.data, [], 'the other workspace sees none of them')
  })

  it('pages through buckets with cursor and limit, and refuses a bad limit or cursor (400)', async () => {
    const project = await newProject(sdk, 'paged')
    const made: string[] = []
    for (let i = 0; i < 5; i++) made.push((await createBucket({name: `p${i}`}, project)).id)
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: {projectId: string; limit: number; cursor?: string} = {projectId: project, limit: 2, ...(cursor ? {cursor} : {})}
      const page = await sdk.GET('/v1/buckets', {params: {query}})
      assert.equal(page.response.status, 200)
      const {data, pagination}: {data: Bucket[]; pagination: {nextCursor: string | null; hasMore: boolean}} = page.data!
      assert.ok(data.length <= 2)
      seen.push(...data.map((bucket) => bucket.id))
      assert.equal(pagination.hasMore, pagination.nextCursor !== null)
      cursor = pagination.nextCursor
      pages++
    } while (cursor)
    assert.deepEqual(seen, made)
    assert.equal(pages, 3)
    refused(await sdk.GET('/v1/buckets', {params: {query: {limit: 0}}}), 400, 'validation-error', /limit/)
    refused(await sdk.GET('/v1/buckets', {params: {query: {cursor: 'made-up'}}}), 400, 'validation-error', /cursor/)
  })

  it('shows a bucket (200) and answers 404 for an unknown or foreign one', async () => {
    const bucket = await createBucket({name: 'shown'})
    const got = await sdk.GET('/v1/buckets/{bucketId}', {params: {path: {bucketId: bucket.id}}})
    assert.equal(got.response.status, 200)
    conforms(got.data, {data: bucketShape}, 'GET /v1/buckets/{bucketId}')
    assert.deepEqual(got.data!.data, bucket)
    refused(await sdk.GET('/v1/buckets/{bucketId}', {params: {path: {bucketId: 'cnosuchbucket0000000000000'}}}), 404, 'not-found', /Bucket/)
    refused(await other.GET('/v1/buckets/{bucketId}', {params: {path: {bucketId: bucket.id}}}), 404, 'not-found')
  })

  it('updates the display name, the branch and the logicalId; the provider name never changes', async () => {
    const bucket = await createBucket({name: 'before', logicalId: 'media'})
    const patch = (body: Record<string, unknown>) => sdk.PATCH('/v1/buckets/{bucketId}', {params: {path: {bucketId: bucket.id}}, body})
    const renamed = await patch({displayName: 'after'})
    assert.equal(renamed.response.status, 200)
    conforms(renamed.data, {data: bucketShape}, 'PATCH /v1/buckets/{bucketId}')
    assert.equal(renamed.data!.data.name, 'after')
    assert.equal(renamed.data!.data.providerName, bucket.providerName, 'a label only')
    const moved = await patch({branchGitName: 'release'})
    assert.equal(moved.response.status, 200)
    const releaseId = moved.data!.data.branchId
    assert.ok(releaseId)
    assert.equal(moved.data!.data.logicalId, 'media', 'the logicalId moves with the bucket')
    const relabelled = await patch({logicalId: 'assets'})
    assert.equal(relabelled.data?.data.logicalId, 'assets')

    refused(await patch({}), 422, 'validation-error', /Nothing to update/)
    refused(await patch({displayName: ' '}), 422, 'validation-error', /displayName must not be empty/)
    refused(await patch({logicalId: 'y', branchGitName: 'main'}), 422, 'validation-error', /cannot be combined/)
    refused(await patch({branchId: 'a', branchGitName: 'b'}), 422, 'validation-error', /mutually exclusive/)
    refused(await patch({branchId: 'cnosuchbranch0000000000000'}), 404, 'not-found', /Branch/)
    await createBucket({branchGitName: 'release', logicalId: 'taken'})
    refused(await patch({logicalId: 'taken'}), 409, 'conflict', /already exists on branch "release"/)
    const holder = await createBucket({logicalId: 'assets'})
    assert.equal(holder.branchId, null)
    refused(await patch({branchId: 'unassigned'}), 404, 'not-found', /Branch/)
    // Moving off the branch onto none is not a move the contract offers; moving to a branch where the logicalId is taken is 409.
    await createBucket({branchGitName: 'hotfix', logicalId: 'assets'})
    refused(await patch({branchGitName: 'hotfix'}), 409, 'conflict', /logicalId "assets" is already taken on branch "hotfix"/)
    refused(await sdk.PATCH('/v1/buckets/{bucketId}', {params: {path: {bucketId: 'cnosuchbucket0000000000000'}}, body: {displayName: 'x'}}), 404, 'not-found')
    const after = await sdk.GET('/v1/buckets/{bucketId}', {params: {path: {bucketId: bucket.id}}})
    assert.deepEqual(
      {name: after.data?.data.name, branchId: after.data?.data.branchId, logicalId: after.data?.data.logicalId},
      {name: 'after', branchId: releaseId, logicalId: 'assets'},
      'refused updates changed nothing',
    )
  })

  it('creates keys of both roles: the secret once, with the access key id, the S3 endpoint and the bucket name', async () => {
    const bucket = await createBucket({name: 'keyed'})
    const reader = await createKey(bucket.id, 'read', 'reader')
    const writer = await createKey(bucket.id, 'read_write')
    assert.equal(reader.role, 'read')
    assert.equal(reader.name, 'reader')
    assert.equal(writer.role, 'read_write')
    assert.match(writer.name, /^key-\d{8}-\d{6}$/, 'a generated name')
    for (const key of [reader, writer]) {
      assert.equal(key.endpoint, `${emulator.url}/s3`)
      assert.equal(key.bucketName, bucket.providerName)
      assert.match(key.accessKeyId, /^[A-Z0-9]{20}$/)
      assert.ok(key.secretAccessKey.length >= 40, 'a secret as long as AWS\'s')
      assert.equal(key.valueHint, `${key.secretAccessKey.slice(0, 4)}…${key.secretAccessKey.slice(-4)}`)
    }
    assert.notEqual(reader.secretAccessKey, writer.secretAccessKey)
    assert.notEqual(reader.accessKeyId, writer.accessKeyId)

    const listed = await sdk.GET('/v1/buckets/{bucketId}/keys', {params: {path: {bucketId: bucket.id}}})
    assert.equal(listed.response.status, 200)
    conforms(listed.data, {data: {array: keyShape}, pagination: {nextCursor: 'string|null', hasMore: 'boolean'}}, 'GET /v1/buckets/{bucketId}/keys')
    const shown: BucketKey[] = listed.data!.data
    assert.deepEqual(
      shown.map((key) => Object.keys(key).sort()),
      [reader, writer].map(() => ['createdAt', 'id', 'name', 'role', 'type', 'valueHint']),
      'a listed key has no secret, access key id, endpoint or bucket name',
    )
    const text = JSON.stringify(listed.data)
    for (const key of [reader, writer]) assert.ok(!text.includes(key.secretAccessKey) && !text.includes(key.accessKeyId), 'no secret or access key id in the list')
    assert.deepEqual(
      shown.map((key) => [key.id, key.valueHint, key.role]),
      [reader, writer].map((key) => [key.id, key.valueHint, key.role]),
    )
    const all = JSON.stringify((await sdk.GET('/v1/buckets/{bucketId}', {params: {path: {bucketId: bucket.id}}})).data)
    assert.ok(!all.includes(reader.secretAccessKey), 'nor in the bucket')
  })

  it('refuses a key without a role or with another role (400), for an unknown bucket (404)', async () => {
    const bucket = await createBucket()
    const create = (body: unknown, bucketId = bucket.id) => sdk.POST('/v1/buckets/{bucketId}/keys', {params: {path: {bucketId}}, body: body as {role: 'read'}})
    refused(await create({}), 400, 'validation-error', /role is required/)
    refused(await create({role: 'write'}), 400, 'validation-error', /role must be "read" or "read_write", got "write"/)
    refused(await create({role: 'read', name: ''}), 400, 'validation-error', /name/)
    refused(await create({role: 'read'}, 'cnosuchbucket0000000000000'), 404, 'not-found', /Bucket/)
    refused(await other.POST('/v1/buckets/{bucketId}/keys', {params: {path: {bucketId: bucket.id}}, body: {role: 'read'}}), 404, 'not-found')
    refused(await sdk.GET('/v1/buckets/{bucketId}/keys', {params: {path: {bucketId: 'cnosuchbucket0000000000000'}}}), 404, 'not-found')
    const listed = await sdk.GET('/v1/buckets/{bucketId}/keys', {params: {path: {bucketId: bucket.id}}})
    assert.deepEqual(listed.data?.data, [], 'nothing was created')
  })

  it('pages through keys', async () => {
    const bucket = await createBucket()
    const made: string[] = []
    for (let i = 0; i < 3; i++) made.push((await createKey(bucket.id, 'read', `k${i}`)).id)
    const first = await sdk.GET('/v1/buckets/{bucketId}/keys', {params: {path: {bucketId: bucket.id}, query: {limit: 2}}})
    assert.deepEqual(first.data?.data.map((key) => key.id), made.slice(0, 2))
    assert.equal(first.data?.pagination.hasMore, true)
    const second = await sdk.GET('/v1/buckets/{bucketId}/keys', {params: {path: {bucketId: bucket.id}, query: {limit: 2, cursor: first.data!.pagination.nextCursor}}})
    assert.deepEqual(second.data?.data.map((key) => key.id), made.slice(2))
    assert.deepEqual(second.data?.pagination, {nextCursor: null, hasMore: false})
  })

  it('deletes a key (204), then 404; a key of another bucket is 404 on this one', async () => {
    const bucket = await createBucket()
    const second = await createBucket()
    const key = await createKey(bucket.id, 'read_write')
    const path = {bucketId: second.id, keyId: key.id}
    refused(await sdk.DELETE('/v1/buckets/{bucketId}/keys/{keyId}', {params: {path}}), 404, 'not-found', /Bucket key/)
    refused(await other.DELETE('/v1/buckets/{bucketId}/keys/{keyId}', {params: {path: {bucketId: bucket.id, keyId: key.id}}}), 404, 'not-found')
    const deleted = await sdk.DELETE('/v1/buckets/{bucketId}/keys/{keyId}', {params: {path: {bucketId: bucket.id, keyId: key.id}}})
    assert.equal(deleted.response.status, 204)
    refused(await sdk.DELETE('/v1/buckets/{bucketId}/keys/{keyId}', {params: {path: {bucketId: bucket.id, keyId: key.id}}}), 404, 'not-found')
    const listed = await sdk.GET('/v1/buckets/{bucketId}/keys', {params: {path: {bucketId: bucket.id}}})
    assert.deepEqual(listed.data?.data, [])
  })

  it('deletes a bucket (204) with its keys; then it is 404 everywhere; a project delete takes its buckets', async () => {
    const bucket = await createBucket({logicalId: 'gone'})
    await createKey(bucket.id, 'read')
    refused(await other.DELETE('/v1/buckets/{bucketId}', {params: {path: {bucketId: bucket.id}}}), 404, 'not-found')
    const deleted = await sdk.DELETE('/v1/buckets/{bucketId}', {params: {path: {bucketId: bucket.id}}})
    assert.equal(deleted.response.status, 204)
    refused(await sdk.GET('/v1/buckets/{bucketId}', {params: {path: {bucketId: bucket.id}}}), 404, 'not-found')
    refused(await sdk.GET('/v1/buckets/{bucketId}/keys', {params: {path: {bucketId: bucket.id}}}), 404, 'not-found')
    refused(await sdk.DELETE('/v1/buckets/{bucketId}', {params: {path: {bucketId: bucket.id}}}), 404, 'not-found')
    assert.equal((await createBucket({logicalId: 'gone'})).logicalId, 'gone', 'its logicalId is free again')

    const project = await newProject(sdk, 'short-lived')
    const doomed = await createBucket({branchGitName: 'main'}, project)
    assert.equal((await sdk.DELETE('/v1/projects/{id}', {params: {path: {id: project}}})).response.status, 204)
    refused(await sdk.GET('/v1/buckets/{bucketId}', {params: {path: {bucketId: doomed.id}}}), 404, 'not-found')
  })
})
