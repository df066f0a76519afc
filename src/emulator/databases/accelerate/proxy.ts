// The `accelerate` endpoint: one loopback HTTP listener for every database of the emulator that
// answers Prisma Client's `prisma+postgres://` (Accelerate) protocol with Prisma's own query-plan
// executor (@prisma/query-plan-executor, loaded at the first request that gets past the key
// check: an emulator nobody sends such a request to never loads it).
//
// Each connection has its own key, `base64url(JSON {databaseUrl, name})` as Prisma's local tools
// make them, whose `databaseUrl` is the connection's own `direct` string, password included: the
// key is valid while that password is, so rotating or deleting the connection revokes it, and the
// emulator checks it against the role's SCRAM verifier, storing nothing more. The executor of a
// connection connects as the connection's own role, with that string.

import {createHash, createHmac, pbkdf2, timingSafeEqual} from 'node:crypto'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {Readable} from 'node:stream'
import type {ReadableStream} from 'node:stream/web'

import {parseVerifier} from '../pooler/scram.js'
import type {Executor} from './executor.js'

const LOOPBACK = '127.0.0.1'
/** Keys already checked, so a busy client costs one PBKDF2 per password, not one per request. */
const MAX_CACHED_KEYS = 1000
/** Prisma Client's requests are JSON query plans; anything larger than this is not one. */
const MAX_BODY_BYTES = 32 * 1024 * 1024

export interface AccelerateLogin {
  connectionId: string
  databaseId: string
  verifier: string
}

export interface AccelerateProxyOptions {
  /** The login a role name belongs to now, if any. */
  lookup(role: string): AccelerateLogin | undefined
  /** Makes the executor of one connection, given its direct string (loads the executor's module). */
  executor(directUrl: string): Promise<Executor>
  log: (line: string) => void
}

/** A connection's `prisma+postgres://` URL: its key wraps its `direct` string. */
export function accelerateUrl(proxyPort: number, directUrl: string, databaseId: string): string {
  const claims = {databaseUrl: directUrl, name: `pmgmt-${databaseId}`}
  const key = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')
  return `prisma+postgres://${LOOPBACK}:${proxyPort}/?api_key=${key}`
}

/** The direct string, user and password a key claims, or undefined when it is not one of ours. */
function claimsOf(key: string): {url: string; user: string; password: string} | undefined {
  try {
    const claims: unknown = JSON.parse(Buffer.from(key, 'base64url').toString('utf8'))
    const databaseUrl = (claims as {databaseUrl?: unknown} | null)?.databaseUrl
    if (typeof databaseUrl !== 'string') return undefined
    const url = new URL(databaseUrl)
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return undefined
    const user = decodeURIComponent(url.username)
    const password = decodeURIComponent(url.password)
    return user && password ? {url: databaseUrl, user, password} : undefined
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

async function bodyOf(request: http.IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) return undefined
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

interface Served {
  connectionId: string
  verifier: string
  executor: Promise<Executor>
}

export class AccelerateProxy {
  private readonly server = http.createServer((request, response) => void this.handle(request, response))
  /** sha256 of a key → the connection it proved, the verifier it was proved against, and that connection's executor. */
  private readonly proven = new Map<string, Served>()

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

  /** The executor of the connection a key belongs to, while its password is the connection's current one. */
  private async verify(key: string): Promise<Served | undefined> {
    const claims = claimsOf(key)
    const login = claims && this.opts.lookup(claims.user)
    if (!claims || !login?.verifier) return undefined
    const digest = createHash('sha256').update(key).digest('base64')
    const known = this.proven.get(digest)
    if (known && known.connectionId === login.connectionId && known.verifier === login.verifier) return known
    if (!(await matches(claims.password, login.verifier))) return undefined
    // Rotated or deleted while the password was being checked.
    if (this.opts.lookup(claims.user)?.verifier !== login.verifier) return undefined
    if (this.proven.size >= MAX_CACHED_KEYS) this.forget(() => true)
    const served: Served = {connectionId: login.connectionId, verifier: login.verifier, executor: this.opts.executor(claims.url)}
    served.executor.catch(() => this.proven.delete(digest))
    this.proven.set(digest, served)
    return served
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', `http://${LOOPBACK}`)
    const key = keyOf(request, url)
    if (!key) return refuse(response, 401, 'P6002', 'Unauthorized: the request carries no API key. Send the api_key of the connection string as `Authorization: Bearer <api_key>`.')
    let served: Served | undefined
    try {
      served = await this.verify(key)
    } catch (error) {
      this.opts.log(`accelerate: cannot check an API key: ${(error as Error).message}`)
    }
    if (!served) return refuse(response, 401, 'P6002', 'Unauthorized: the API key is not valid (unknown, rotated or deleted connection). Use the connection string of a current connection.')
    let executor: Executor
    try {
      executor = await served.executor
    } catch (error) {
      return refuse(response, 503, 'P6008', `The database is not available: ${(error as Error).message}`)
    }
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await bodyOf(request)
    if (body === undefined && request.method !== 'GET' && request.method !== 'HEAD') return refuse(response, 413, 'P6009', `Request body larger than ${MAX_BODY_BYTES} bytes.`)
    const headers = new Headers()
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || name === 'host' || name === 'connection' || name === 'content-length') continue
      headers.set(name, Array.isArray(value) ? value.join(', ') : value)
    }
    let answer: Response
    try {
      answer = await executor.fetch(new Request(`http://${request.headers.host ?? LOOPBACK}${url.pathname}${url.search}`, {method: request.method, headers, body}))
    } catch (error) {
      this.opts.log(`accelerate: the query executor failed: ${(error as Error).message}`)
      return refuse(response, 500, 'P6000', `The query executor failed: ${(error as Error).message}`)
    }
    const outgoing: Record<string, string> = {}
    answer.headers.forEach((value, name) => {
      if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'connection') outgoing[name] = value
    })
    response.writeHead(answer.status, outgoing)
    if (!answer.body) return void response.end()
    const stream = Readable.fromWeb(answer.body as ReadableStream<Uint8Array>)
    stream.on('error', () => response.destroy())
    stream.pipe(response)
  }

  /** Shuts the executors of the connections `which` picks (rotated, deleted, or all on close). */
  forget(which: (connectionId: string) => boolean): void {
    for (const [digest, served] of this.proven) {
      if (!which(served.connectionId)) continue
      this.proven.delete(digest)
      void served.executor.then((executor) => executor.shutdown()).catch(() => undefined)
    }
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeAllConnections()
    this.forget(() => true)
    await closed
  }
}
