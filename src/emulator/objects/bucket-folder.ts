// One bucket's objects on disk, under `<root>/<bucket id>/`:
//   data/<random>                 an object's content (or a completed upload's), never rewritten
//   objects/<sha256(key)>.json    what the object is: its key, content file, size, ETag, headers
//   uploads/<upload id>/          a multipart upload: upload.json, part-<n> and part-<n>.json
// An object exists once its JSON is in place (written atomically, after its content), so a crash
// leaves the old object or the new one; content no JSON names is removed when the folder is read.
import {createHash, randomBytes} from 'node:crypto'
import {createReadStream, createWriteStream} from 'node:fs'
import {mkdir, readFile, readdir, rename, rm, unlink} from 'node:fs/promises'
import {join} from 'node:path'
import {pipeline} from 'node:stream/promises'

import {writeFileAtomically} from '../../files/atomic-write.js'

export interface StoredHeaders {
  contentType: string
  /** Content-Disposition, Cache-Control, Content-Encoding, Content-Language, Expires, as sent. */
  headers: Record<string, string>
  /** x-amz-meta-* without the prefix. */
  metadata: Record<string, string>
}

export interface ObjectMeta extends StoredHeaders {
  key: string
  file: string
  size: number
  /** Without quotes: hex MD5, or `<hex>-<parts>` for a multipart object. */
  etag: string
  lastModified: string
}

export interface UploadMeta extends StoredHeaders {
  uploadId: string
  key: string
  initiated: string
}

export interface PartMeta {
  partNumber: number
  size: number
  etag: string
  lastModified: string
}

function keyFile(key: string): string {
  return `${createHash('sha256').update(key, 'utf8').digest('hex')}.json`
}

/** S3 lists keys in the order of their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

export class BucketFolder {
  private index: Promise<Map<string, ObjectMeta>> | undefined
  private sorted: string[] | undefined

  constructor(readonly root: string) {}

  private folder(name: 'data' | 'objects' | 'uploads'): string {
    return join(this.root, name)
  }

  /** Every object, read once from disk; content no object names (an interrupted write) is removed. */
  private objects(): Promise<Map<string, ObjectMeta>> {
    this.index ??= (async () => {
      const index = new Map<string, ObjectMeta>()
      for (const name of await readdir(this.folder('objects')).catch(() => [] as string[])) {
        if (!name.endsWith('.json')) {
          await unlink(join(this.folder('objects'), name)).catch(() => undefined)
          continue
        }
        const meta = JSON.parse(await readFile(join(this.folder('objects'), name), 'utf8')) as ObjectMeta
        index.set(meta.key, meta)
      }
      const named = new Set([...index.values()].map((meta) => meta.file))
      for (const name of await readdir(this.folder('data')).catch(() => [] as string[])) {
        if (!named.has(name)) await unlink(join(this.folder('data'), name)).catch(() => undefined)
      }
      return index
    })()
    return this.index
  }

  async get(key: string): Promise<ObjectMeta | undefined> {
    return (await this.objects()).get(key)
  }

  /** Keys in S3's order. */
  async keys(): Promise<string[]> {
    const index = await this.objects()
    this.sorted ??= [...index.keys()].sort(compareKeys)
    return this.sorted
  }

  /** A new, unused content file; the caller writes it, then commits it or removes it. */
  async newDataFile(): Promise<{name: string; path: string}> {
    // Read first: reading removes content no object names, which a new file is until committed.
    await this.objects()
    await mkdir(this.folder('data'), {recursive: true, mode: 0o700})
    const name = randomBytes(16).toString('hex')
    return {name, path: join(this.folder('data'), name)}
  }

  dataPath(meta: ObjectMeta): string {
    return join(this.folder('data'), meta.file)
  }

  /** Makes the object visible under its key, replacing (and removing the content of) the one before. */
  async commit(meta: ObjectMeta): Promise<void> {
    const index = await this.objects()
    await mkdir(this.folder('objects'), {recursive: true, mode: 0o700})
    await writeFileAtomically(join(this.folder('objects'), keyFile(meta.key)), JSON.stringify(meta), {mode: 0o600})
    const previous = index.get(meta.key)
    index.set(meta.key, meta)
    if (!previous) this.sorted = undefined
    if (previous && previous.file !== meta.file) await unlink(join(this.folder('data'), previous.file)).catch(() => undefined)
  }

  /** Removes the object; true when there was one. */
  async remove(key: string): Promise<boolean> {
    const index = await this.objects()
    const meta = index.get(key)
    if (!meta) return false
    await unlink(join(this.folder('objects'), keyFile(key))).catch(() => undefined)
    index.delete(key)
    this.sorted = undefined
    await unlink(join(this.folder('data'), meta.file)).catch(() => undefined)
    return true
  }

  private uploadFolder(uploadId: string): string {
    return join(this.folder('uploads'), uploadId)
  }

  async createUpload(meta: UploadMeta): Promise<void> {
    await mkdir(this.uploadFolder(meta.uploadId), {recursive: true, mode: 0o700})
    await writeFileAtomically(join(this.uploadFolder(meta.uploadId), 'upload.json'), JSON.stringify(meta), {mode: 0o600})
  }

  async upload(uploadId: string): Promise<UploadMeta | undefined> {
    if (!/^[0-9a-f]{32}$/.test(uploadId)) return undefined
    try {
      return JSON.parse(await readFile(join(this.uploadFolder(uploadId), 'upload.json'), 'utf8')) as UploadMeta
    } catch {
      return undefined
    }
  }

  partPath(uploadId: string, partNumber: number): string {
    return join(this.uploadFolder(uploadId), `part-${partNumber}`)
  }

  /** A part's content is first written beside its final name, then recorded. */
  tempPartPath(uploadId: string, partNumber: number): string {
    return join(this.uploadFolder(uploadId), `.part-${partNumber}.${randomBytes(6).toString('hex')}.tmp`)
  }

  async recordPart(uploadId: string, part: PartMeta, from: string): Promise<void> {
    await rename(from, this.partPath(uploadId, part.partNumber))
    await writeFileAtomically(join(this.uploadFolder(uploadId), `part-${part.partNumber}.json`), JSON.stringify(part), {mode: 0o600})
  }

  async parts(uploadId: string): Promise<PartMeta[]> {
    const names = await readdir(this.uploadFolder(uploadId)).catch(() => [] as string[])
    const parts: PartMeta[] = []
    for (const name of names.filter((entry) => /^part-\d+\.json$/.test(entry))) {
      parts.push(JSON.parse(await readFile(join(this.uploadFolder(uploadId), name), 'utf8')) as PartMeta)
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber)
  }

  /** Joins the parts into one content file (in the order given) and returns its name. */
  async joinParts(uploadId: string, partNumbers: number[]): Promise<string> {
    const {name, path} = await this.newDataFile()
    const out = createWriteStream(path, {mode: 0o600})
    try {
      for (const partNumber of partNumbers) await pipeline(createReadStream(this.partPath(uploadId, partNumber)), out, {end: false})
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
    } catch (error) {
      out.destroy()
      await unlink(path).catch(() => undefined)
      throw error
    }
    return name
  }

  async removeUpload(uploadId: string): Promise<void> {
    await rm(this.uploadFolder(uploadId), {recursive: true, force: true})
  }

  async uploads(): Promise<UploadMeta[]> {
    const ids = await readdir(this.folder('uploads')).catch(() => [] as string[])
    const found: UploadMeta[] = []
    for (const id of ids) {
      const meta = await this.upload(id)
      if (meta) found.push(meta)
    }
    return found
  }
}
