// Finding a bucket key by its id alone: the API has no GET for one key, and deleting one needs
// the id of its bucket. With the bucket given, its keys are listed; otherwise every bucket the
// token can see is searched, in the order the API lists them, until the key turns up.
import type {BucketKey} from '../api/contract.js'
import {ApiError} from '../api/errors.js'
import type {ManagementApi} from '../api/management-api.js'
import {NotFoundError} from '../errors.js'

export interface FoundBucketKey {
  bucketId: string
  key: BucketKey
}

/** The key and its bucket's id; not found (exit 4) when no bucket searched holds it. */
export async function findBucketKey(api: ManagementApi, keyId: string, bucketId?: string): Promise<FoundBucketKey> {
  if (bucketId !== undefined) {
    for await (const key of api.listBucketKeys(bucketId)) if (key.id === keyId) return {bucketId, key}
    throw new NotFoundError(`Bucket key ${JSON.stringify(keyId)} was not found in bucket ${bucketId}.`, `Check the ids; \`prisma-mgmt buckets keys list ${bucketId}\` lists that bucket's keys.`)
  }
  for await (const bucket of api.listBuckets()) {
    try {
      for await (const key of api.listBucketKeys(bucket.id)) if (key.id === keyId) return {bucketId: bucket.id, key}
    } catch (error) {
      // A bucket deleted while the search ran holds no key any more.
      if (!(error instanceof ApiError && error.status === 404)) throw error
    }
  }
  throw new NotFoundError(
    `Bucket key ${JSON.stringify(keyId)} was not found in any bucket the token can see.`,
    'Check the id: `prisma-mgmt buckets keys list <bucket-id>` lists a bucket\'s keys.',
  )
}
