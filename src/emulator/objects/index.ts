// The object store behind the buckets, on the emulator's own origin under /s3. Nothing of it is
// loaded or created until the first S3 request or the first bucket removal: an emulator whose
// buckets no one uses pays nothing. Objects live under `<data dir>/objects/<bucket id>/` with
// --data-dir (so they survive a restart), else in a temporary folder removed on close.
import {mkdtemp, rm} from 'node:fs/promises'
import type {IncomingMessage, ServerResponse} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {BucketRecord} from '../records.js'
import type {Store} from '../store.js'
import {OBJECTS_PATH, isObjectsPath} from './path.js'
import type {S3Endpoint} from './s3-endpoint.js'

export {isObjectsPath}

export interface ObjectStorageOptions {
  store: Store
  dataDir?: string
  log: (line: string) => void
}

export class ObjectStorage {
  private root: Promise<string> | undefined
  private endpoint: Promise<S3Endpoint> | undefined
  /** Removals and requests under way, so close() can wait for them. */
  private readonly pending = new Set<Promise<unknown>>()
  private closed = false

  constructor(private readonly options: ObjectStorageOptions) {}

  private folder(): Promise<string> {
    this.root ??= this.options.dataDir ? Promise.resolve(join(this.options.dataDir, 'objects')) : mkdtemp(join(tmpdir(), 'prisma-mgmt-objects-'))
    return this.root
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work)
    void work.finally(() => this.pending.delete(work)).catch(() => undefined)
    return work
  }

  /** Answers a request under /s3 (the caller checked isObjectsPath). */
  handle(req: IncomingMessage, res: ServerResponse, rawPath: string, rawQuery: string): Promise<void> {
    this.endpoint ??= Promise.all([import('./s3-endpoint.js'), this.folder()]).then(([{S3Endpoint}, root]) => new S3Endpoint({root, store: this.options.store, log: this.options.log}))
    return this.track(this.endpoint.then((endpoint) => endpoint.handle(req, res, rawPath, rawPath.slice(OBJECTS_PATH.length), rawQuery)))
  }

  /** Deletes every object and upload of a bucket that is gone. */
  bucketRemoved(bucket: BucketRecord): void {
    // Without a data dir and before any S3 request there is no folder, so nothing to remove.
    if (!this.options.dataDir && !this.root) return
    const removal = (async () => {
      const endpoint = await this.endpoint
      endpoint?.forget(bucket.id)
      await rm(join(await this.folder(), bucket.id), {recursive: true, force: true})
    })().catch((error: unknown) => this.options.log(`could not remove the objects of bucket ${bucket.id}: ${error instanceof Error ? error.message : String(error)}`))
    void this.track(removal)
  }

  /** Waits for removals and requests under way; a temporary folder goes. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
    if (!this.options.dataDir && this.root) await rm(await this.root, {recursive: true, force: true})
  }
}
