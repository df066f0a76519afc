// The authenticating front of a `local` database's `accelerate` endpoint: an HTTP reverse proxy
// on its own loopback port, in front of @prisma/dev's Accelerate-like server. @prisma/dev knows
// one key per server (naming PGlite's unauthenticated port), so clients never get that key:
// each connection gets its own, which the proxy checks and swaps for the real one.
//
// A connection's key has @prisma/dev's shape (base64url of JSON with sorted keys) and its
// `databaseUrl` is the connection's own `direct` string at the front, password included: the key
// is valid while that password is, so rotating or deleting the connection revokes it, and the
// emulator stores nothing more than the front's SCRAM verifier.

import {createHash, createHmac, pbkdf2, timingSafeEqual} from 'node:crypto'
import http from 'node:http'
import type {AddressInfo} from 'node:net'

import type {FrontRecords} from './credentials.js'
import {parseVerifier} from './scram.js'

const LOOPBACK = '127.0.0.1'
/** Headers about one hop (RFC 9110 7.6.1): each side of the proxy sets its own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'])
/** Keys already checked, so a busy client costs one PBKDF2 per password, not one per request. */
const MAX_CACHED_KEYS = 1000

/** @prisma/dev's server behind a database now: it moves when the database restarts. */
export interface AccelerateUpstream {
  host: string
  port: number
  /** @prisma/dev's own key for it. */
  apiKey: string
}

export interface AccelerateProxyOptions {
  databaseId: string
  records: FrontRecords
  upstream: () => AccelerateUpstream | undefined
  log: (line: string) => void
}

/** A connection's `prisma+postgres://` URL: its key wraps its `direct` string at the front. */
export function accelerateUrl(proxyPort: number, directUrl: string, databaseId: string): string {
  const claims = {databaseUrl: directUrl, name: `pmgmt-${databaseId}`}
  const key = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')
  return `prisma+postgres://${LOOPBACK}:${proxyPort}/?api_key=${key}`
}

/** The user and password a key claims, or undefined when it is not one of ours. */
function claimsOf(key: string): {user: string; password: string} | undefined {
  try {
    const claims: unknown = JSON.parse(Buffer.from(key, 'base64url').toString('utf8'))
    const databaseUrl = (claims as {databaseUrl?: unknown} | null)?.databaseUrl
    if (typeof databaseUrl !== 'string') return undefined
    const url = new URL(databaseUrl)
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return undefined
    const user = decodeURIComponent(url.username)
    const password = decodeURIComponent(url.password)
    return user && password ? {user, password} : undefined
  } catch {
    return undefined
  }
}

/** Whether `password` is the one a SCRAM-SHA-256 verifier was made from (its StoredKey matches). */
async function matches(password: string, verifierText: string): Promise<boolean> {
  const verifier = parseVerifier(verifierText)
  const salted = await new Promise<Buffer>((resolve, reject) =>
    pbkdf2(password, Buffer.from(verifier.salt, 'base64'), verifier.iterations, 32, 'sha256', (error, key) => (error ? reject(error) : resolve(key))),
  )
  const clientKey = createHmac('sha256', salted).update('Client Key').digest()
  const storedKey = createHash('sha256').update(clientKey).digest()
  return storedKey.length === verifier.storedKey.length && timingSafeEqual(storedKey, verifier.storedKey)
}

/** The key a request carries: `Authorization: Bearer` as Prisma Client sends it, else `?api_key=`. */
function keyOf(request: http.IncomingMessage, url: URL): string | undefined {
  const authorization = request.headers.authorization
  if (authorization !== undefined) {
    const match = /^Bearer ([^\s]+)$/.exec(authorization)
    return match ? match[1] : undefined
  }
  return url.searchParams.get('api_key') ?? undefined
}

/** An error as Accelerate answers one: Prisma Client reads `Prisma-Error-Code` and the body's `code` and `error`. */
function refuse(response: http.ServerResponse, status: number, code: string, error: string): void {
  if (response.headersSent) return void response.destroy()
  const body = JSON.stringify({code, error})
  response.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'prisma-error-code': code})
  response.end(body)
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const kept: http.OutgoingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value
  return kept
}

export class AccelerateProxy {
  private readonly server = http.createServer((request, response) => void this.handle(request, response))
  private readonly agent = new http.Agent({keepAlive: true})
  /** sha256 of a key → the connection it proved and the verifier it was proved against. */
  private readonly proven = new Map<string, {connectionId: string; verifier: string}>()

  constructor(private readonly opts: AccelerateProxyOptions) {}

  /** Listens on `port` when free (last run's), else on any free port. */
  async listen(port: number | undefined): Promise<number> {
    const bind = (at: number): Promise<number> =>
      new Promise((resolve, reject) => {
        this.server.once('error', reject)
        this.server.listen(at, LOOPBACK, () => {
          this.server.off('error', reject)
          resolve((this.server.address() as AddressInfo).port)
        })
      })
    try {
      return await bind(port ?? 0)
    } catch (error) {
      if (port === undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
      return bind(0)
    }
  }

  /** The connection a key belongs to, while its password is the connection's current one. */
  private async verify(key: string): Promise<string | undefined> {
    const claims = claimsOf(key)
    const found = claims && this.opts.records.byUser(claims.user)
    if (!claims || !found || found[1].databaseId !== this.opts.databaseId) return undefined
    const [connectionId, record] = found
    const digest = createHash('sha256').update(key).digest('base64')
    const known = this.proven.get(digest)
    if (known && known.connectionId === connectionId && known.verifier === record.verifier) return connectionId
    if (!(await matches(claims.password, record.verifier))) return undefined
    // Rotated or deleted while the password was being checked.
    if (this.opts.records.login(connectionId)?.verifier !== record.verifier) return undefined
    if (this.proven.size >= MAX_CACHED_KEYS) this.proven.clear()
    this.proven.set(digest, {connectionId, verifier: record.verifier})
    return connectionId
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', `http://${LOOPBACK}`)
    const key = keyOf(request, url)
    if (!key) return refuse(response, 401, 'P6002', 'Unauthorized: the request carries no API key. Send the api_key of the connection string as `Authorization: Bearer <api_key>`.')
    let connectionId: string | undefined
    try {
      connectionId = await this.verify(key)
    } catch (error) {
      this.opts.log(`database ${this.opts.databaseId}: cannot check an accelerate API key: ${(error as Error).message}`)
    }
    if (!connectionId) return refuse(response, 401, 'P6002', 'Unauthorized: the API key is not valid (unknown, rotated or deleted connection). Use the connection string of a current connection.')
    // A file dump on the emulator's host is @prisma/dev's own utility, not part of Accelerate.
    if (url.pathname.startsWith('/database/')) return refuse(response, 404, 'P6000', `Not found: ${url.pathname}`)
    const upstream = this.opts.upstream()
    if (!upstream) return refuse(response, 503, 'P6008', `The database ${this.opts.databaseId} is not running; try again once it is ready.`)

    if (url.searchParams.has('api_key')) url.searchParams.set('api_key', upstream.apiKey)
    // The client's Host stays, so URLs @prisma/dev builds from it (a transaction's endpoint) point here.
    const headers = {...withoutHopByHop(request.headers), authorization: `Bearer ${upstream.apiKey}`}
    const forwarded = http.request({host: upstream.host, port: upstream.port, method: request.method, path: `${url.pathname}${url.search}`, headers, agent: this.agent})
    forwarded.on('response', (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHopByHop(answer.headers))
      answer.pipe(response)
      answer.on('error', () => response.destroy())
    })
    forwarded.on('error', (error) => {
      if (response.headersSent) return void response.destroy()
      refuse(response, 502, 'P6008', `The database ${this.opts.databaseId} did not answer: ${error.message}`)
    })
    request.on('error', () => forwarded.destroy())
    response.on('close', () => {
      if (!response.writableFinished) forwarded.destroy()
    })
    request.pipe(forwarded)
  }

  async close(): Promise<void> {
    // The callback comes even for a server that never listened.
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeAllConnections()
    this.agent.destroy()
    this.proven.clear()
    await closed
  }
}
