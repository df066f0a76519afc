// Checks a request's AWS Signature Version 4, in the Authorization header or in a presigned URL's
// query, with the secret of the key it names. The signature is computed again by AWS's own signer
// (@smithy/signature-v4, with Node's crypto through @smithy/core's Hash) over the request as it
// arrived: the raw path, the query, and exactly the headers the client says it signed.
import {timingSafeEqual} from 'node:crypto'

import {Hash} from '@smithy/core/serde'
import {SignatureV4} from '@smithy/signature-v4'

import type {BucketKeyRecord} from '../records.js'
import {S3Error} from './errors.js'

/** How far a header-signed request's clock may be from ours (S3's own allowance). */
const MAX_SKEW_MS = 15 * 60 * 1000
/** S3's limit on a presigned URL's lifetime: a week. */
const MAX_PRESIGNED_SECONDS = 7 * 24 * 60 * 60
const ALGORITHM = 'AWS4-HMAC-SHA256'
const PRESIGN_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token']

class Sha256 extends Hash {
  constructor(secret?: ConstructorParameters<typeof Hash>[1]) {
    super('sha256', secret)
  }
}

export interface IncomingParts {
  method: string
  /** The path exactly as sent, still percent-encoded. */
  rawPath: string
  /** The query exactly as sent, without the "?". */
  rawQuery: string
  headers: Record<string, string | string[] | undefined>
}

export interface Verified {
  key: BucketKeyRecord
  /** The payload hash the signature covers: a hex SHA-256, or one of the UNSIGNED/STREAMING markers. */
  payloadHash: string
  presigned: boolean
}

interface Credential {
  accessKeyId: string
  date: string
  region: string
  service: string
}

/** `name=value` pairs as sent, decoded; a repeated name collects its values. */
export function parseQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {}
  if (rawQuery === '') return query
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue
    const at = pair.indexOf('=')
    const name = decode(at === -1 ? pair : pair.slice(0, at))
    const value = at === -1 ? '' : decode(pair.slice(at + 1))
    const existing = query[name]
    query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value]
  }
  return query
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw new S3Error('InvalidArgument', `The query string ${JSON.stringify(text)} is not valid percent-encoding.`)
  }
}

function single(value: string | string[] | null | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : (value ?? undefined)
}

function parseCredential(raw: string, malformed: string): Credential {
  const parts = raw.split('/')
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || parts.some((part) => part === '')) throw new S3Error(malformed, `The credential ${JSON.stringify(raw)} is not <access key id>/<date>/<region>/s3/aws4_request.`)
  const [accessKeyId, date, region, service] = parts
  if (service !== 's3') throw new S3Error(malformed, `The credential's service must be s3, got ${JSON.stringify(service)}.`)
  if (!/^\d{8}$/.test(date)) throw new S3Error(malformed, `The credential's date must be YYYYMMDD, got ${JSON.stringify(date)}.`)
  return {accessKeyId, date, region, service}
}

/** `20250102T030405Z` as a Date, or undefined. */
function parseAmzDate(text: string | undefined): Date | undefined {
  const match = text === undefined ? null : /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text)
  if (!match) return undefined
  const [, year, month, day, hour, minute, second] = match
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)))
  return Number.isNaN(date.getTime()) ? undefined : date
}

function sameSignature(computed: string, provided: string): boolean {
  const a = Buffer.from(computed)
  const b = Buffer.from(provided)
  return a.length === b.length && timingSafeEqual(a, b)
}

function headerValue(headers: IncomingParts['headers'], name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(',') : value
}

/** The headers the client signed, as it sent them; a signed header that did not arrive is refused. */
function signedHeaders(incoming: IncomingParts, names: string[], malformed: string): Record<string, string> {
  const headers: Record<string, string> = {}
  if (!names.includes('host')) throw new S3Error(malformed, 'The signed headers must include host.')
  for (const name of names) {
    const value = headerValue(incoming.headers, name)
    if (value === undefined) throw new S3Error('SignatureDoesNotMatch', `The signed header ${name} is not in the request.`)
    headers[name] = value
  }
  return headers
}

function signerFor(key: BucketKeyRecord, region: string): SignatureV4 {
  return new SignatureV4({
    service: 's3',
    region,
    credentials: {accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey},
    sha256: Sha256,
    // S3 signs the path as sent, without the second round of escaping other services use.
    uriEscapePath: false,
    applyChecksum: false,
  })
}

function keyFor(findKey: (accessKeyId: string) => BucketKeyRecord | undefined, accessKeyId: string): BucketKeyRecord {
  const key = findKey(accessKeyId)
  if (!key) throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.')
  return key
}

const mismatch = (): S3Error => new S3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.')

async function verifyHeader(incoming: IncomingParts, authorization: string, findKey: (id: string) => BucketKeyRecord | undefined, now: Date): Promise<Verified> {
  const malformed = 'AuthorizationHeaderMalformed'
  if (!authorization.startsWith(`${ALGORITHM} `)) {
    throw new S3Error('InvalidArgument', authorization.startsWith('AWS ') ? 'Signature Version 2 is not supported: sign with Signature Version 4.' : 'Unsupported Authorization type.')
  }
  const fields = new Map(
    authorization
      .slice(ALGORITHM.length + 1)
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => {
        const at = part.indexOf('=')
        return [part.slice(0, at), part.slice(at + 1)] as const
      }),
  )
  const rawCredential = fields.get('Credential')
  const names = fields.get('SignedHeaders')?.split(';')
  const provided = fields.get('Signature')
  if (!rawCredential || !names || !provided) throw new S3Error(malformed, 'The authorization header needs Credential, SignedHeaders and Signature.')
  const credential = parseCredential(rawCredential, malformed)
  const key = keyFor(findKey, credential.accessKeyId)
  const signingDate = parseAmzDate(headerValue(incoming.headers, 'x-amz-date'))
  if (!signingDate) throw new S3Error('AccessDenied', 'AWS authentication requires a valid x-amz-date header (YYYYMMDDTHHMMSSZ).')
  if (signingDate.toISOString().slice(0, 10).replaceAll('-', '') !== credential.date) throw new S3Error(malformed, "The credential's date is not the date of x-amz-date.")
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) throw new S3Error('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.')
  const payloadHash = headerValue(incoming.headers, 'x-amz-content-sha256')
  if (payloadHash === undefined) throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256.')
  const headers = signedHeaders(incoming, names, malformed)
  const signed = await signerFor(key, credential.region).sign(
    {method: incoming.method, protocol: 'http:', hostname: 'localhost', path: incoming.rawPath, query: parseQuery(incoming.rawQuery), headers: {...headers, 'x-amz-content-sha256': payloadHash}},
    {signingDate, signingRegion: credential.region, signableHeaders: new Set(names), unsignableHeaders: names.includes('x-amz-content-sha256') ? undefined : new Set(['x-amz-content-sha256'])},
  )
  const answer = single(signed.headers.authorization) ?? ''
  const computed = /Signature=([0-9a-f]+)$/.exec(answer)?.[1] ?? ''
  const computedNames = /SignedHeaders=([^,]+),/.exec(answer)?.[1]
  if (computedNames !== names.join(';') || !sameSignature(computed, provided)) throw mismatch()
  return {key, payloadHash, presigned: false}
}

async function verifyPresigned(incoming: IncomingParts, findKey: (id: string) => BucketKeyRecord | undefined, now: Date): Promise<Verified> {
  const malformed = 'AuthorizationQueryParametersError'
  const query = parseQuery(incoming.rawQuery)
  const value = (name: string): string => {
    const found = query[name]
    if (typeof found !== 'string') throw new S3Error(malformed, `Query-string authentication needs exactly one ${name}.`)
    return found
  }
  if (value('X-Amz-Algorithm') !== ALGORITHM) throw new S3Error(malformed, `X-Amz-Algorithm must be ${ALGORITHM}.`)
  const credential = parseCredential(value('X-Amz-Credential'), malformed)
  const signingDate = parseAmzDate(value('X-Amz-Date'))
  if (!signingDate) throw new S3Error(malformed, 'X-Amz-Date must be in the form YYYYMMDDTHHMMSSZ.')
  const expires = Number(value('X-Amz-Expires'))
  if (!Number.isInteger(expires) || expires < 0 || expires > MAX_PRESIGNED_SECONDS) throw new S3Error(malformed, `X-Amz-Expires must be a whole number of seconds from 0 to ${MAX_PRESIGNED_SECONDS}.`)
  const names = value('X-Amz-SignedHeaders').split(';')
  const provided = value('X-Amz-Signature')
  const key = keyFor(findKey, credential.accessKeyId)
  if (signingDate.getTime() - now.getTime() > MAX_SKEW_MS) throw new S3Error('AccessDenied', 'The request is signed for a time in the future.')
  if (now.getTime() > signingDate.getTime() + expires * 1000) throw new S3Error('AccessDenied', 'Request has expired')
  const payloadHash = typeof query['X-Amz-Content-Sha256'] === 'string' ? query['X-Amz-Content-Sha256'] : 'UNSIGNED-PAYLOAD'
  const unsigned = Object.fromEntries(Object.entries(query).filter(([name]) => !PRESIGN_PARAMS.includes(name)))
  const headers = signedHeaders(incoming, names, malformed)
  const marker = 'x-amz-content-sha256'
  const signed = await signerFor(key, credential.region).presign(
    {method: incoming.method, protocol: 'http:', hostname: 'localhost', path: incoming.rawPath, query: unsigned, headers: {...headers, ...(marker in headers ? {} : {[marker]: payloadHash})}},
    {
      signingDate,
      expiresIn: expires,
      signingRegion: credential.region,
      signableHeaders: new Set(names),
      unsignableHeaders: names.includes(marker) ? undefined : new Set([marker]),
      // The signed headers stay headers; everything the client hoisted is already in the query.
      unhoistableHeaders: new Set([...names, marker]),
    },
  )
  const computed = single(signed.query?.['X-Amz-Signature']) ?? ''
  if (single(signed.query?.['X-Amz-SignedHeaders']) !== names.join(';') || !sameSignature(computed, provided)) throw mismatch()
  return {key, payloadHash, presigned: true}
}

/** The key that signed the request, once its signature checks out; throws the S3 error otherwise. */
export async function verifyRequest(incoming: IncomingParts, findKey: (accessKeyId: string) => BucketKeyRecord | undefined, now = new Date()): Promise<Verified> {
  const authorization = headerValue(incoming.headers, 'authorization')
  const presigned = /(?:^|&)X-Amz-Algorithm=/.test(incoming.rawQuery)
  if (authorization !== undefined && presigned) throw new S3Error('InvalidArgument', 'Only one auth mechanism allowed: the Authorization header or the X-Amz-* query parameters.')
  if (authorization !== undefined) return verifyHeader(incoming, authorization, findKey, now)
  if (presigned) return verifyPresigned(incoming, findKey, now)
  if (/(?:^|&)(?:Signature|AWSAccessKeyId)=/.test(incoming.rawQuery)) throw new S3Error('InvalidArgument', 'Signature Version 2 is not supported: presign with Signature Version 4.')
  throw new S3Error('AccessDenied', 'Anonymous access is not allowed: sign the request with a key of this bucket.')
}
