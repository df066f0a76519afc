// Receiving an upload's body: streamed to a file, never held in memory, bounded in size, and
// checked against what the client declared (the signed SHA-256 payload hash, Content-MD5, an
// x-amz-checksum-* header or trailer). `aws-chunked` bodies (STREAMING-UNSIGNED-PAYLOAD-TRAILER,
// what the AWS SDK sends for a stream) are decoded on the way.
import {createHash} from 'node:crypto'
import type {Hash} from 'node:crypto'
import {createWriteStream} from 'node:fs'
import type {IncomingMessage} from 'node:http'
import {Transform} from 'node:stream'
import type {TransformCallback} from 'node:stream'
import {pipeline} from 'node:stream/promises'
import {crc32} from 'node:zlib'

import {S3Error} from './errors.js'

const UNSIGNED = 'UNSIGNED-PAYLOAD'
const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'
/** A chunk header or trailer line longer than this is not one. */
const MAX_LINE = 4096

export interface Received {
  size: number
  /** Hex MD5 of the content: the object's (or part's) ETag. */
  md5: string
}

/** Decodes `aws-chunked`: `<hex size>[;ext]\r\n<data>\r\n` ... `0\r\n<trailer lines>\r\n`. */
class AwsChunkedDecoder extends Transform {
  readonly trailers = new Map<string, string>()
  private pending: Buffer = Buffer.alloc(0)
  private state: 'size' | 'data' | 'data-end' | 'trailers' | 'done' = 'size'
  private remaining = 0

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    try {
      this.drain()
      callback()
    } catch (error) {
      callback(error as Error)
    }
  }

  override _flush(callback: TransformCallback): void {
    callback(this.state === 'done' && this.pending.length === 0 ? undefined : new S3Error('IncompleteBody', 'The request body terminated unexpectedly.'))
  }

  private drain(): void {
    while (this.pending.length > 0 && this.state !== 'done') {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, this.pending.length)
        this.push(this.pending.subarray(0, take))
        this.pending = this.pending.subarray(take)
        this.remaining -= take
        if (this.remaining === 0) this.state = 'data-end'
        continue
      }
      const end = this.pending.indexOf('\r\n')
      if (end === -1) {
        if (this.pending.length > MAX_LINE) throw new S3Error('IncompleteBody', 'A chunk header of the aws-chunked body is malformed.')
        return
      }
      const line = this.pending.subarray(0, end).toString('latin1')
      this.pending = this.pending.subarray(end + 2)
      this.line(line)
    }
    if (this.state === 'done' && this.pending.length > 0) throw new S3Error('IncompleteBody', 'The aws-chunked body goes on after its last chunk.')
  }

  private line(line: string): void {
    if (this.state === 'data-end') {
      if (line !== '') throw new S3Error('IncompleteBody', 'A chunk of the aws-chunked body is longer than its header says.')
      this.state = 'size'
    } else if (this.state === 'size') {
      const size = line.split(';')[0]
      if (line.includes('chunk-signature=')) throw new S3Error('NotImplemented', 'Signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) are not supported: send the payload hash, UNSIGNED-PAYLOAD, or STREAMING-UNSIGNED-PAYLOAD-TRAILER.')
      if (!/^[0-9a-fA-F]{1,16}$/.test(size)) throw new S3Error('IncompleteBody', 'A chunk header of the aws-chunked body is malformed.')
      this.remaining = Number.parseInt(size, 16)
      this.state = this.remaining === 0 ? 'trailers' : 'data'
    } else if (line === '') {
      this.state = 'done'
    } else {
      const colon = line.indexOf(':')
      if (colon <= 0) throw new S3Error('IncompleteBody', 'A trailer of the aws-chunked body is malformed.')
      this.trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
    }
  }
}

type ChecksumName = 'crc32' | 'sha1' | 'sha256'

/** Counts, bounds and digests what passes through. */
class Measure extends Transform {
  size = 0
  private readonly md5 = createHash('md5')
  private readonly sha256: Hash | undefined
  private readonly digests = new Map<ChecksumName, Hash>()
  private crc = 0

  constructor(
    private readonly limit: number,
    wantSha256: boolean,
    private readonly checksum: ChecksumName | undefined,
  ) {
    super()
    this.sha256 = wantSha256 ? createHash('sha256') : undefined
    if (checksum === 'sha1' || checksum === 'sha256') this.digests.set(checksum, createHash(checksum))
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length
    if (this.size > this.limit) return callback(new S3Error('EntityTooLarge', `Your proposed upload exceeds the maximum allowed size of ${this.limit} bytes.`))
    this.md5.update(chunk)
    this.sha256?.update(chunk)
    for (const digest of this.digests.values()) digest.update(chunk)
    if (this.checksum === 'crc32') this.crc = crc32(chunk, this.crc)
    callback(null, chunk)
  }

  results(): {md5: Buffer; sha256?: string; checksum?: string} {
    let checksum: string | undefined
    if (this.checksum === 'crc32') {
      const bytes = Buffer.alloc(4)
      bytes.writeUInt32BE(this.crc >>> 0)
      checksum = bytes.toString('base64')
    } else if (this.checksum) {
      checksum = this.digests.get(this.checksum)?.digest('base64')
    }
    return {md5: this.md5.digest(), sha256: this.sha256?.digest('hex'), checksum}
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** The checksum the client declared (header now, or trailer later); algorithms Node cannot compute are left unchecked. */
function declaredChecksum(req: IncomingMessage): {name: ChecksumName; header: string} | undefined {
  const trailer = header(req, 'x-amz-trailer')?.toLowerCase()
  for (const name of ['crc32', 'sha1', 'sha256'] as const) {
    const field = `x-amz-checksum-${name}`
    if (header(req, field) !== undefined || trailer === field) return {name, header: field}
  }
  return undefined
}

/**
 * Streams the body into `file`, checking it on the way and at the end; throws S3Error (the file
 * may then hold a part of the body: the caller removes it).
 */
export async function receiveBody(req: IncomingMessage, payloadHash: string, file: string, limit: number): Promise<Received> {
  const streaming = payloadHash.startsWith('STREAMING-')
  if (streaming && payloadHash !== STREAMING_UNSIGNED_TRAILER) {
    throw new S3Error('NotImplemented', `${payloadHash} is not supported: send the payload hash, UNSIGNED-PAYLOAD, or STREAMING-UNSIGNED-PAYLOAD-TRAILER.`)
  }
  if (!streaming && payloadHash !== UNSIGNED && !/^[0-9a-f]{64}$/.test(payloadHash)) {
    throw new S3Error('InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, or a SHA-256 in hex.')
  }
  const lengthHeader = header(req, streaming ? 'x-amz-decoded-content-length' : 'content-length')
  if (lengthHeader === undefined) throw new S3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.')
  const declared = Number(lengthHeader)
  if (!/^\d+$/.test(lengthHeader) || !Number.isSafeInteger(declared)) throw new S3Error('InvalidArgument', `The content length ${JSON.stringify(lengthHeader)} is not a number of bytes.`)
  if (declared > limit) throw new S3Error('EntityTooLarge', `Your proposed upload exceeds the maximum allowed size of ${limit} bytes.`)
  const contentMd5 = header(req, 'content-md5')
  if (contentMd5 !== undefined && !/^[A-Za-z0-9+/]{22}==$/.test(contentMd5)) throw new S3Error('InvalidDigest', 'The Content-MD5 you specified is not valid.')

  const checksum = declaredChecksum(req)
  const decoder = streaming ? new AwsChunkedDecoder() : undefined
  const measure = new Measure(limit, !streaming && payloadHash !== UNSIGNED, checksum?.name)
  const stages = [req, ...(decoder ? [decoder] : []), measure, createWriteStream(file, {mode: 0o600})] as const
  await pipeline(stages)

  const {md5, sha256, checksum: computed} = measure.results()
  if (measure.size !== declared) throw new S3Error('IncompleteBody', `The body has ${measure.size} bytes; its declared length is ${declared}.`)
  if (sha256 !== undefined && sha256 !== payloadHash) throw new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.")
  if (contentMd5 !== undefined && contentMd5 !== md5.toString('base64')) throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.')
  if (checksum) {
    const expected = header(req, checksum.header) ?? decoder?.trailers.get(checksum.header)
    if (expected === undefined) throw new S3Error('InvalidRequest', `The ${checksum.header} trailer is missing.`)
    if (expected !== computed) throw new S3Error('BadDigest', `The ${checksum.name.toUpperCase()} you specified did not match the calculated checksum.`)
  }
  return {size: measure.size, md5: md5.toString('hex')}
}

/** A small body (an XML request) in memory, with the same checks of its payload hash. */
export async function readSmallBody(req: IncomingMessage, payloadHash: string, limit: number): Promise<string> {
  if (payloadHash.startsWith('STREAMING-')) throw new S3Error('NotImplemented', 'This request takes its body whole, not aws-chunked.')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new S3Error('MaxMessageLengthExceeded', `Your request was too big: at most ${limit} bytes.`)
    chunks.push(chunk)
  }
  const body = Buffer.concat(chunks)
  if (payloadHash !== UNSIGNED && createHash('sha256').update(body).digest('hex') !== payloadHash) {
    throw new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.")
  }
  const contentMd5 = header(req, 'content-md5')
  if (contentMd5 !== undefined && contentMd5 !== createHash('md5').update(body).digest('base64')) throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.')
  return body.toString('utf8')
}
