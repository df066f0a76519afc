// The S3 protocol, path-style, for the emulator's buckets: each request's SigV4 signature is
// checked with the secret of the key that signed it, that key must belong to the bucket it
// addresses, and a `read` key may only read. Supported: ListBuckets (the key's own bucket),
// HeadBucket, GetBucketLocation, ListObjects (v1 and v2), PutObject, GetObject (ranges,
// conditions), HeadObject, DeleteObject, DeleteObjects, CopyObject within the bucket, and
// multipart uploads (create, upload part, list parts, list uploads, complete, abort).
import {createHash, randomBytes} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {copyFile, unlink} from 'node:fs/promises'
import type {IncomingMessage, ServerResponse} from 'node:http'
import {join} from 'node:path'
import {pipeline} from 'node:stream/promises'

import type {BucketRecord} from '../records.js'
import type {Store} from '../store.js'
import {receiveBody, readSmallBody} from './body.js'
import {BucketFolder} from './bucket-folder.js'
import type {ObjectMeta, StoredHeaders} from './bucket-folder.js'
import {S3Error} from './errors.js'
import {parseQuery, verifyRequest} from './signature.js'
import type {Verified} from './signature.js'
import {parseXml, xmlDocument} from './xml.js'
import type {XmlObject} from './xml.js'

/** The largest body of one PutObject or UploadPart. */
export const MAX_UPLOAD_BYTES = 128 * 1024 * 1024
/** The largest object a multipart upload may make. */
export const MAX_OBJECT_BYTES = 5 * 1024 * 1024 * 1024
/** S3's smallest part, the last one excepted. */
export const MIN_PART_BYTES = 5 * 1024 * 1024
const MAX_PARTS = 10_000
/** The XML bodies of CompleteMultipartUpload and DeleteObjects. */
const MAX_XML_BYTES = 1024 * 1024
const MAX_KEYS = 1000
const REGION = 'us-east-1'
/** Headers kept with an object and sent back with it. */
const KEPT_HEADERS = ['content-disposition', 'cache-control', 'content-encoding', 'content-language', 'expires']
const RESPONSE_OVERRIDES = ['content-type', 'content-language', 'expires', 'cache-control', 'content-disposition', 'content-encoding']

export interface S3EndpointOptions {
  /** Where each bucket's folder is made, named by the bucket's id. */
  root: string
  store: Store
  log: (line: string) => void
}

type Query = Record<string, string | string[]>

interface S3Request {
  req: IncomingMessage
  res: ServerResponse
  method: string
  query: Query
  verified: Verified
  bucket: BucketRecord
  folder: BucketFolder
  /** Decoded; empty for a bucket-level request. */
  key: string
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function one(query: Query, name: string): string | undefined {
  const value = query[name]
  return Array.isArray(value) ? value[0] : value
}

function quoted(etag: string): string {
  return `"${etag}"`
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: string): void {
  if (res.headersSent || res.destroyed) return
  const text = body ?? ''
  res.writeHead(status, {...headers, 'content-length': String(Buffer.byteLength(text))})
  res.end(text)
}

function sendXml(res: ServerResponse, root: string, body: XmlObject, headers: Record<string, string> = {}): void {
  send(res, 200, {'content-type': 'application/xml', ...headers}, xmlDocument(root, body))
}

/** What an upload asks to keep: its type, the content headers and x-amz-meta-*. */
function storedHeaders(req: IncomingMessage): StoredHeaders {
  const headers: Record<string, string> = {}
  for (const name of KEPT_HEADERS) {
    let value = header(req, name)
    // aws-chunked is how the body travelled, not how the object is encoded.
    if (name === 'content-encoding' && value !== undefined) value = value.split(',').map((part) => part.trim()).filter((part) => part !== '' && part !== 'aws-chunked').join(', ')
    if (value) headers[name] = value
  }
  const metadata: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) metadata[name.slice('x-amz-meta-'.length)] = Array.isArray(value) ? value.join(',') : value
  }
  if (JSON.stringify(metadata).length > 2048) throw new S3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size (2 KB).')
  return {contentType: header(req, 'content-type') ?? 'binary/octet-stream', headers, metadata}
}

function objectHeaders(meta: ObjectMeta, query: Query): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': meta.contentType,
    etag: quoted(meta.etag),
    'last-modified': new Date(meta.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
    ...meta.headers,
  }
  for (const [name, value] of Object.entries(meta.metadata)) headers[`x-amz-meta-${name}`] = value
  for (const name of RESPONSE_OVERRIDES) {
    const value = one(query, `response-${name}`)
    if (value !== undefined) headers[name] = value
  }
  return headers
}

/** GET and HEAD's conditions; the status to answer instead of the object, or undefined. */
function precondition(req: IncomingMessage, meta: ObjectMeta): number | undefined {
  const etag = quoted(meta.etag)
  const matches = (list: string) => list.split(',').some((item) => item.trim() === '*' || item.trim() === etag || item.trim() === meta.etag)
  const modified = Math.floor(Date.parse(meta.lastModified) / 1000) * 1000
  const ifMatch = header(req, 'if-match')
  const ifNoneMatch = header(req, 'if-none-match')
  const ifUnmodifiedSince = Date.parse(header(req, 'if-unmodified-since') ?? '')
  const ifModifiedSince = Date.parse(header(req, 'if-modified-since') ?? '')
  if (ifMatch !== undefined && !matches(ifMatch)) return 412
  if (ifMatch === undefined && !Number.isNaN(ifUnmodifiedSince) && modified > ifUnmodifiedSince) return 412
  if (ifNoneMatch !== undefined && matches(ifNoneMatch)) return 304
  if (ifNoneMatch === undefined && !Number.isNaN(ifModifiedSince) && modified <= ifModifiedSince) return 304
  return undefined
}

/** One `bytes=` range as [start, end] inclusive; undefined to send the whole object. */
function range(req: IncomingMessage, size: number): [number, number] | undefined {
  const raw = header(req, 'range')
  const match = raw === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(raw.trim())
  // S3 ignores what it cannot read as one range (several ranges included) and sends everything.
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  let start: number
  let end: number
  if (match[1] === '') {
    const suffix = Number(match[2])
    if (suffix === 0) throw new S3Error('InvalidRange', 'The requested range is not satisfiable.', {RangeRequested: raw!, ActualObjectSize: String(size)})
    start = Math.max(0, size - suffix)
    end = size - 1
  } else {
    start = Number(match[1])
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
    if (match[2] !== '' && Number(match[2]) < start) return undefined
  }
  if (start >= size) throw new S3Error('InvalidRange', 'The requested range is not satisfiable.', {RangeRequested: raw!, ActualObjectSize: String(size)})
  return [start, end]
}

/** A list page over sorted keys: objects and, with a delimiter, the common prefixes that roll them up. */
function listPage(keys: readonly string[], options: {prefix: string; delimiter: string; after: string; maxKeys: number}) {
  const {prefix, delimiter, after, maxKeys} = options
  const contents: string[] = []
  const prefixes: string[] = []
  let last: string | undefined
  let truncated = false
  // A marker that is a common prefix stands for every key under it.
  const skipUnder = delimiter !== '' && after.endsWith(delimiter) && after.startsWith(prefix) ? after : undefined
  for (const key of keys) {
    if (after !== '' && Buffer.compare(Buffer.from(key), Buffer.from(after)) <= 0) continue
    if (skipUnder !== undefined && key.startsWith(skipUnder)) continue
    if (!key.startsWith(prefix)) continue
    const cut = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length)
    const item = cut === -1 ? key : key.slice(0, cut + delimiter.length)
    if (cut !== -1 && prefixes.at(-1) === item) continue
    if (contents.length + prefixes.length >= maxKeys) {
      truncated = true
      break
    }
    if (cut === -1) contents.push(key)
    else prefixes.push(item)
    last = item
  }
  return {contents, prefixes, truncated, last}
}

export class S3Endpoint {
  private readonly folders = new Map<string, BucketFolder>()

  constructor(private readonly options: S3EndpointOptions) {}

  private folderOf(bucket: BucketRecord): BucketFolder {
    let folder = this.folders.get(bucket.id)
    if (!folder) this.folders.set(bucket.id, (folder = new BucketFolder(join(this.options.root, bucket.id))))
    return folder
  }

  /** Forgets a removed bucket's folder (its files are removed by the caller). */
  forget(bucketId: string): void {
    this.folders.delete(bucketId)
  }

  /** Answers one request whose path is under the endpoint; `rest` is the path after it. */
  async handle(req: IncomingMessage, res: ServerResponse, rawPath: string, rest: string, rawQuery: string): Promise<void> {
    const requestId = randomBytes(8).toString('hex').toUpperCase()
    res.setHeader('x-amz-request-id', requestId)
    const method = (req.method ?? 'GET').toUpperCase()
    const slash = rest.indexOf('/', 1)
    const rawBucket = rest === '' || rest === '/' ? '' : rest.slice(1, slash === -1 ? undefined : slash)
    const rawKey = slash === -1 ? '' : rest.slice(slash + 1)
    let status = 500
    try {
      const {store} = this.options
      const verified = await verifyRequest({method, rawPath, rawQuery, headers: req.headers}, (id) => store.bucketKeyByAccessKeyId(id))
      const query = parseQuery(rawQuery)
      if (rawBucket === '') {
        if (method !== 'GET') throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.')
        status = this.listBuckets(res, verified)
      } else {
        const key = decodeURIComponent(rawKey)
        if (Buffer.byteLength(key) > 1024) throw new S3Error('KeyTooLongError', 'Your key is too long: at most 1024 bytes.')
        const bucket = store.bucketByProviderName(decodeURIComponent(rawBucket))
        if (!bucket) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist.', {BucketName: rawBucket})
        if (verified.key.bucketId !== bucket.id) throw new S3Error('AccessDenied', 'Access Denied: this key belongs to another bucket.')
        if (method !== 'GET' && method !== 'HEAD' && verified.key.role !== 'read_write') {
          throw new S3Error('AccessDenied', `Access Denied: key ${verified.key.accessKeyId} has the read role; writing needs a read_write key.`)
        }
        const request: S3Request = {req, res, method, query, verified, bucket, folder: this.folderOf(bucket), key}
        status = await (key === '' ? this.bucketRequest(request) : this.objectRequest(request))
      }
    } catch (error) {
      const failure = error instanceof S3Error ? error : new S3Error('InternalError', `We encountered an internal error: ${error instanceof Error ? error.message : String(error)}`)
      if (!(error instanceof S3Error)) this.options.log(`s3: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      status = failure.status
      // The body of a refused upload is not read: the connection closes after the answer.
      const unread = !req.readableEnded
      const headers: Record<string, string> = {'content-type': 'application/xml', ...(unread ? {connection: 'close'} : {})}
      if (method === 'HEAD') send(res, failure.status, headers)
      else send(res, failure.status, headers, failure.xml(rawPath, requestId))
      if (unread) req.resume()
    }
    // The query may hold a presigned signature: only the path is logged.
    this.options.log(`S3 ${method} ${rawPath} ${status}`)
  }

  private listBuckets(res: ServerResponse, verified: Verified): number {
    const bucket = this.options.store.buckets.get(verified.key.bucketId)
    const buckets = bucket ? [{Name: bucket.providerName, CreationDate: bucket.createdAt}] : []
    sendXml(res, 'ListAllMyBucketsResult', {Owner: {ID: 'emulator', DisplayName: 'emulator'}, Buckets: {Bucket: buckets}})
    return 200
  }

  private async bucketRequest(request: S3Request): Promise<number> {
    const {method, query, res, bucket} = request
    if (method === 'HEAD') {
      send(res, 200, {'x-amz-bucket-region': REGION})
      return 200
    }
    if (method === 'GET') {
      if ('location' in query) {
        sendXml(res, 'LocationConstraint', {})
        return 200
      }
      if ('uploads' in query) return this.listUploads(request)
      for (const name of ['acl', 'policy', 'versioning', 'versions', 'tagging', 'cors', 'lifecycle', 'website', 'encryption']) {
        if (name in query) throw new S3Error('NotImplemented', `The ${name} subresource is not implemented by this emulator.`)
      }
      return this.listObjects(request)
    }
    if (method === 'POST' && 'delete' in query) return this.deleteObjects(request)
    if (method === 'PUT' && Object.keys(query).length === 0) throw new S3Error('BucketAlreadyOwnedByYou', `Bucket ${bucket.providerName} exists: buckets are created through the Management API (POST /v1/buckets).`)
    if (method === 'DELETE' && Object.keys(query).length === 0) throw new S3Error('AccessDenied', 'Buckets are deleted through the Management API (DELETE /v1/buckets/{bucketId}), which deletes their objects too.')
    throw new S3Error('NotImplemented', 'A parameter you provided implies functionality that is not implemented.')
  }

  private async objectRequest(request: S3Request): Promise<number> {
    const {method, query, req} = request
    for (const name of ['acl', 'tagging', 'retention', 'legal-hold', 'torrent', 'restore', 'select', 'attributes']) {
      if (name in query) throw new S3Error('NotImplemented', `The ${name} subresource is not implemented by this emulator.`)
    }
    if (method === 'GET') return 'uploadId' in query ? this.listParts(request) : this.getObject(request, true)
    if (method === 'HEAD') return this.getObject(request, false)
    if (method === 'PUT') {
      if (header(req, 'x-amz-copy-source') !== undefined) {
        if ('uploadId' in query) throw new S3Error('NotImplemented', 'UploadPartCopy is not implemented by this emulator.')
        return this.copyObject(request)
      }
      return 'uploadId' in query ? this.uploadPart(request) : this.putObject(request)
    }
    if (method === 'POST') {
      if ('uploads' in query) return this.createUpload(request)
      if ('uploadId' in query) return this.completeUpload(request)
      throw new S3Error('NotImplemented', 'POST object uploads (browser forms) are not implemented by this emulator.')
    }
    if (method === 'DELETE') return 'uploadId' in query ? this.abortUpload(request) : this.deleteObject(request)
    throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.')
  }

  /** Receives a body into a new content file; the file is removed when anything fails. */
  private async receive(request: S3Request, path: string, limit: number) {
    try {
      return await receiveBody(request.req, request.verified.payloadHash, path, limit)
    } catch (error) {
      await unlink(path).catch(() => undefined)
      if (error instanceof S3Error) throw error
      throw new S3Error('IncompleteBody', `The request body could not be read: ${(error as Error).message}`)
    }
  }

  private async putObject(request: S3Request): Promise<number> {
    const {folder, key, req, res} = request
    const kept = storedHeaders(req)
    const {name, path} = await folder.newDataFile()
    const received = await this.receive(request, path, MAX_UPLOAD_BYTES)
    await folder.commit({key, file: name, size: received.size, etag: received.md5, lastModified: new Date().toISOString(), ...kept})
    send(res, 200, {etag: quoted(received.md5)})
    return 200
  }

  private async getObject(request: S3Request, withBody: boolean): Promise<number> {
    const {folder, key, req, res, query} = request
    const meta = await folder.get(key)
    if (!meta) throw new S3Error('NoSuchKey', 'The specified key does not exist.', {Key: key})
    const condition = precondition(req, meta)
    if (condition === 412) throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold.')
    const headers = objectHeaders(meta, query)
    if (condition === 304) {
      send(res, 304, {etag: headers.etag, 'last-modified': headers['last-modified']})
      return 304
    }
    const span = meta.size === 0 ? undefined : range(req, meta.size)
    const [start, end] = span ?? [0, meta.size - 1]
    const status = span ? 206 : 200
    const length = meta.size === 0 ? 0 : end - start + 1
    res.writeHead(status, {...headers, 'content-length': String(length), ...(span ? {'content-range': `bytes ${start}-${end}/${meta.size}`} : {})})
    if (!withBody || length === 0) {
      res.end()
      return status
    }
    await pipeline(createReadStream(folder.dataPath(meta), {start, end}), res).catch(() => res.destroy())
    return status
  }

  private async deleteObject(request: S3Request): Promise<number> {
    await request.folder.remove(request.key)
    // S3 answers 204 whether or not the key existed.
    send(request.res, 204, {})
    return 204
  }

  private async deleteObjects(request: S3Request): Promise<number> {
    const {req, res, folder, verified} = request
    const body = parseXml(await readSmallBody(req, verified.payloadHash, MAX_XML_BYTES), 'Delete')
    if (!body) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.')
    const objects = Array.isArray(body.Object) ? (body.Object as Record<string, unknown>[]) : []
    if (objects.length === 0 || objects.length > MAX_KEYS) throw new S3Error('MalformedXML', `A Delete request names 1 to ${MAX_KEYS} objects.`)
    const keys = objects.map((object) => object.Key)
    if (!keys.every((key): key is string => typeof key === 'string' && key !== '')) throw new S3Error('MalformedXML', 'Every Object of a Delete request needs a Key.')
    for (const key of keys) await folder.remove(key)
    const quiet = body.Quiet === 'true'
    sendXml(res, 'DeleteResult', {Deleted: quiet ? [] : keys.map((key) => ({Key: key}))})
    return 200
  }

  private async copyObject(request: S3Request): Promise<number> {
    const {req, res, folder, key, bucket} = request
    const source = decodeURIComponent(header(req, 'x-amz-copy-source')!.split('?')[0]).replace(/^\//, '')
    const at = source.indexOf('/')
    const sourceBucket = at === -1 ? source : source.slice(0, at)
    const sourceKey = at === -1 ? '' : source.slice(at + 1)
    if (sourceBucket !== bucket.providerName) throw new S3Error('AccessDenied', 'Access Denied: a key copies only within its own bucket.')
    const meta = await folder.get(sourceKey)
    if (!meta) throw new S3Error('NoSuchKey', 'The specified key does not exist.', {Key: sourceKey})
    const replace = header(req, 'x-amz-metadata-directive') === 'REPLACE'
    if (sourceKey === key && !replace) throw new S3Error('InvalidRequest', 'This copy request is illegal because it is trying to copy an object to itself without changing the object\'s metadata.')
    const {name, path} = await folder.newDataFile()
    await copyFile(folder.dataPath(meta), path)
    const lastModified = new Date().toISOString()
    const kept = replace ? storedHeaders(req) : {contentType: meta.contentType, headers: meta.headers, metadata: meta.metadata}
    await folder.commit({key, file: name, size: meta.size, etag: meta.etag, lastModified, ...kept})
    sendXml(res, 'CopyObjectResult', {LastModified: lastModified, ETag: quoted(meta.etag)})
    return 200
  }

  private listObjects(request: S3Request): Promise<number> | number {
    const {query, folder, res, bucket} = request
    const v2 = one(query, 'list-type') === '2'
    const prefix = one(query, 'prefix') ?? ''
    const delimiter = one(query, 'delimiter') ?? ''
    const encodingType = one(query, 'encoding-type')
    if (encodingType !== undefined && encodingType !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request')
    const rawMax = one(query, 'max-keys')
    const maxKeys = rawMax === undefined ? MAX_KEYS : Number(rawMax)
    if (!Number.isInteger(maxKeys) || maxKeys < 0 || (rawMax !== undefined && !/^\d+$/.test(rawMax))) throw new S3Error('InvalidArgument', 'max-keys must be a whole number of 0 or more.')
    const token = one(query, 'continuation-token')
    let after = ''
    if (v2 && token !== undefined) {
      after = Buffer.from(token, 'base64url').toString('utf8')
      if (token === '' || Buffer.from(after, 'utf8').toString('base64url') !== token) throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect.')
    } else {
      after = (v2 ? one(query, 'start-after') : one(query, 'marker')) ?? ''
    }
    const encode = (text: string) => (encodingType === 'url' ? encodeURIComponent(text).replace(/%2F/g, '/') : text)
    return folder.keys().then(async (keys) => {
      const page = listPage(keys, {prefix, delimiter, after, maxKeys: Math.min(maxKeys, MAX_KEYS)})
      const contents: XmlObject[] = []
      for (const key of page.contents) {
        const meta = await folder.get(key)
        if (meta) contents.push({Key: encode(key), LastModified: meta.lastModified, ETag: quoted(meta.etag), Size: meta.size, StorageClass: 'STANDARD'})
      }
      const common = page.prefixes.map((item) => ({Prefix: encode(item)}))
      const body: XmlObject = {
        Name: bucket.providerName,
        Prefix: encode(prefix),
        ...(delimiter === '' ? {} : {Delimiter: encode(delimiter)}),
        MaxKeys: Math.min(maxKeys, MAX_KEYS),
        ...(encodingType ? {EncodingType: encodingType} : {}),
        IsTruncated: page.truncated,
        Contents: contents,
        CommonPrefixes: common,
      }
      if (v2) {
        body.KeyCount = contents.length + common.length
        if (token !== undefined) body.ContinuationToken = token
        if (one(query, 'start-after') !== undefined) body.StartAfter = encode(one(query, 'start-after')!)
        if (page.truncated && page.last !== undefined) body.NextContinuationToken = Buffer.from(page.last, 'utf8').toString('base64url')
      } else {
        body.Marker = encode(after)
        if (page.truncated && delimiter !== '' && page.last !== undefined) body.NextMarker = encode(page.last)
      }
      sendXml(res, 'ListBucketResult', body)
      return 200
    })
  }

  private async createUpload(request: S3Request): Promise<number> {
    const {req, res, folder, key, bucket} = request
    const kept = storedHeaders(req)
    const uploadId = randomBytes(16).toString('hex')
    await folder.createUpload({uploadId, key, initiated: new Date().toISOString(), ...kept})
    sendXml(res, 'InitiateMultipartUploadResult', {Bucket: bucket.providerName, Key: key, UploadId: uploadId})
    return 200
  }

  private async requireUpload(request: S3Request) {
    const uploadId = one(request.query, 'uploadId') ?? ''
    const upload = await request.folder.upload(uploadId)
    if (!upload || upload.key !== request.key) throw new S3Error('NoSuchUpload', 'The specified multipart upload does not exist. The upload ID might be invalid, or the upload might have been aborted or completed.', {UploadId: uploadId})
    return upload
  }

  private async uploadPart(request: S3Request): Promise<number> {
    const {folder, res, query} = request
    const upload = await this.requireUpload(request)
    const rawNumber = one(query, 'partNumber') ?? ''
    const partNumber = Number(rawNumber)
    if (!/^\d+$/.test(rawNumber) || partNumber < 1 || partNumber > MAX_PARTS) throw new S3Error('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PARTS}, inclusive.`)
    const temp = folder.tempPartPath(upload.uploadId, partNumber)
    const received = await this.receive(request, temp, MAX_UPLOAD_BYTES)
    // The upload may have been aborted or completed while the part arrived.
    if (!(await folder.upload(upload.uploadId))) {
      await unlink(temp).catch(() => undefined)
      throw new S3Error('NoSuchUpload', 'The specified multipart upload does not exist.', {UploadId: upload.uploadId})
    }
    await folder.recordPart(upload.uploadId, {partNumber, size: received.size, etag: received.md5, lastModified: new Date().toISOString()}, temp)
    send(res, 200, {etag: quoted(received.md5)})
    return 200
  }

  private async listParts(request: S3Request): Promise<number> {
    const upload = await this.requireUpload(request)
    const parts = await request.folder.parts(upload.uploadId)
    sendXml(request.res, 'ListPartsResult', {
      Bucket: request.bucket.providerName,
      Key: upload.key,
      UploadId: upload.uploadId,
      StorageClass: 'STANDARD',
      IsTruncated: false,
      Part: parts.map((part) => ({PartNumber: part.partNumber, LastModified: part.lastModified, ETag: quoted(part.etag), Size: part.size})),
    })
    return 200
  }

  private async listUploads(request: S3Request): Promise<number> {
    const uploads = await request.folder.uploads()
    sendXml(request.res, 'ListMultipartUploadsResult', {
      Bucket: request.bucket.providerName,
      IsTruncated: false,
      Upload: uploads.map((upload) => ({Key: upload.key, UploadId: upload.uploadId, Initiated: upload.initiated, StorageClass: 'STANDARD'})),
    })
    return 200
  }

  private async completeUpload(request: S3Request): Promise<number> {
    const {req, res, folder, verified, bucket, key} = request
    const upload = await this.requireUpload(request)
    const body = parseXml(await readSmallBody(req, verified.payloadHash, MAX_XML_BYTES), 'CompleteMultipartUpload')
    const listed = Array.isArray(body?.Part) ? (body.Part as Record<string, unknown>[]) : undefined
    if (!listed || listed.length === 0) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.')
    const stored = new Map((await folder.parts(upload.uploadId)).map((part) => [part.partNumber, part]))
    const chosen = listed.map((part) => {
      const partNumber = Number(part.PartNumber)
      const etag = typeof part.ETag === 'string' ? part.ETag.trim().replace(/^"|"$/g, '') : ''
      const found = stored.get(partNumber)
      if (!found || found.etag !== etag) throw new S3Error('InvalidPart', 'One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.', {PartNumber: String(part.PartNumber), ETag: etag})
      return found
    })
    chosen.forEach((part, i) => {
      if (i > 0 && part.partNumber <= chosen[i - 1].partNumber) throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.')
      if (i < chosen.length - 1 && part.size < MIN_PART_BYTES) throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', {PartNumber: String(part.partNumber), ProposedSize: String(part.size), MinSizeAllowed: String(MIN_PART_BYTES)})
    })
    const size = chosen.reduce((total, part) => total + part.size, 0)
    if (size > MAX_OBJECT_BYTES) throw new S3Error('EntityTooLarge', `Your proposed upload exceeds the maximum allowed size of ${MAX_OBJECT_BYTES} bytes.`)
    const name = await folder.joinParts(upload.uploadId, chosen.map((part) => part.partNumber))
    const digest = createHash('md5')
    for (const part of chosen) digest.update(Buffer.from(part.etag, 'hex'))
    const etag = `${digest.digest('hex')}-${chosen.length}`
    const {contentType, headers, metadata} = upload
    await folder.commit({key, file: name, size, etag, lastModified: new Date().toISOString(), contentType, headers, metadata})
    await folder.removeUpload(upload.uploadId)
    sendXml(res, 'CompleteMultipartUploadResult', {Location: `${bucket.providerName}/${key}`, Bucket: bucket.providerName, Key: key, ETag: quoted(etag)})
    return 200
  }

  private async abortUpload(request: S3Request): Promise<number> {
    const upload = await this.requireUpload(request)
    await request.folder.removeUpload(upload.uploadId)
    send(request.res, 204, {})
    return 204
  }
}
