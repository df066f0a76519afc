// /v1/buckets/{bucketId}/keys: a bucket's S3 access keys. A key's secret is in the answer that
// creates it and in no other; the S3 endpoint checks each request's signature with it, allows a
// `read` key to read only, and refuses a deleted key from then on.
import type {BucketKeyRole, ResponseBody} from '../../api/contract.js'
import type {Call, Reply} from '../core.js'
import {newAccessKeyId, newId, newSecretAccessKey} from '../ids.js'
import {pageOf, readPageRequest} from '../pagination.js'
import {invalid, notFound} from '../problems.js'
import type {BucketKeyRecord} from '../records.js'
import {objectBody, optionalName} from '../validation.js'
import {bucketKeyView, createdBucketKeyView, valueHint} from '../views.js'
import {requireBucket} from './buckets.js'
import {defaultName} from './projects.js'

const ROLES: readonly BucketKeyRole[] = ['read', 'read_write']

function isRole(value: unknown): value is BucketKeyRole {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

export function listBucketKeys(call: Call): Reply {
  const {core, params, query} = call
  const request = readPageRequest(query)
  const bucket = requireBucket(call, params.bucketId)
  const page = pageOf(core.store.keysOf(bucket.id), request)
  const data = page.items.map((key) => bucketKeyView(key))
  return {status: 200, body: {data, pagination: page.pagination} satisfies ResponseBody<'getV1BucketsByBucketIdKeys', 200>}
}

export function createBucketKey(call: Call): Reply {
  const {core, params, body} = call
  const bucket = requireBucket(call, params.bucketId)
  const fields = objectBody(body)
  const {role} = fields
  if (role === undefined) throw invalid('role is required: "read" or "read_write".')
  if (!isRole(role)) throw invalid(`role must be "read" or "read_write", got ${JSON.stringify(role)}.`)
  const now = new Date()
  const name = optionalName(fields) ?? defaultName('key', now)
  const secretAccessKey = newSecretAccessKey()
  const key: BucketKeyRecord = {
    id: newId(),
    seq: core.store.nextSeq(),
    bucketId: bucket.id,
    name,
    role,
    accessKeyId: newAccessKeyId(),
    secretAccessKey,
    valueHint: valueHint(secretAccessKey),
    createdAt: now.toISOString(),
  }
  core.store.addBucketKey(key)
  core.log(`bucket ${bucket.id}: ${role} key ${key.id} created`)
  return {status: 201, body: {data: createdBucketKeyView(core.views, key, bucket)} satisfies ResponseBody<'postV1BucketsByBucketIdKeys', 201>}
}

/** Revokes the key: the S3 endpoint refuses it from the next request on. */
export function deleteBucketKey(call: Call): Reply {
  const {core, params} = call
  const bucket = requireBucket(call, params.bucketId)
  const key = core.store.bucketKeys.get(params.keyId)
  if (!key || key.bucketId !== bucket.id) throw notFound('Bucket key', params.keyId)
  core.store.removeBucketKey(key.id)
  core.log(`bucket ${bucket.id}: key ${key.id} deleted`)
  return {status: 204}
}
