// The `pooled` endpoint: a connection pooler in transaction mode, as PgBouncer runs it and as
// Prisma Postgres's pooled endpoint works. One loopback listener serves every database of the
// emulator. A client logs in with its connection's own user and password (SCRAM-SHA-256, checked
// against the role's verifier); the pooler then keeps a few server connections per role, logged
// in as that role with the client's ClientKey, and lends one to a client from its first message
// until the server is idle again ('I' in ReadyForQuery, nothing half-sent): a transaction, or a
// statement outside one. What a session sets for itself (SET, named prepared statements, temporary
// tables, LISTEN, session advisory locks) stays with the server connection, not the client: those
// need `direct`.
//
// The wire pieces are our own (wire.ts, scram.ts) rather than a library's: pg-gateway (0.2.4, its
// 0.3 rewrite in beta) serves logins but no relaying of a lent server connection, and nothing on
// npm pools in transaction mode. After the login the pooler relays bytes and watches only message
// boundaries, its CPU cost a few comparisons per message.

import {randomInt} from 'node:crypto'
import {createServer} from 'node:net'
import type {AddressInfo, Server, Socket} from 'node:net'

import {mockVerifier, parseVerifier, ScramError, ScramExchange} from './scram.js'
import type {Verifier} from './scram.js'
import {ServerConnection, ServerError} from './server-connection.js'
import {backend, CANCEL_REQUEST, FrameReader, GSSENC_REQUEST, PROTOCOL_3, saslInitial, SSL_REQUEST, startupParameters} from './wire.js'
import type {Frame} from './wire.js'

const LOOPBACK = '127.0.0.1'
const MECHANISM = 'SCRAM-SHA-256'
/** Messages after which the server answers with ReadyForQuery. */
const SYNCING = new Set(['Q', 'S', 'F'])
/** PostgreSQL's authentication_timeout: a login not finished by then is ended. */
export const DEFAULT_AUTHENTICATION_TIMEOUT_MS = 60_000
export const DEFAULT_POOL_SIZE = 10
const DEFAULT_IDLE_TIMEOUT_MS = 30_000
const DEFAULT_QUEUE_TIMEOUT_MS = 120_000
const SERVER_LOGIN_TIMEOUT_MS = 30_000

export interface PoolerLogin {
  connectionId: string
  databaseId: string
  /** The database's name on the server. */
  database: string
  /** The role's SCRAM verifier; empty when unknown (the role then cannot log in here). */
  verifier: string
}

export interface PoolerOptions {
  /** The login a role name belongs to now, if any. */
  lookup(role: string): PoolerLogin | undefined
  /** Whether a database name is one of the emulator's (a wrong one is refused as PostgreSQL would). */
  knownDatabase(database: string): boolean
  /** Where the server answers, once it does (starting it when needed). */
  server(): Promise<{host: string; port: number}>
  log: (line: string) => void
  /** Server connections per role at most. */
  poolSize?: number
  /** A server connection idle this long is closed. */
  idleTimeoutMs?: number
  /** How long a login may take, from the first byte (PostgreSQL's authentication_timeout, 60 s). */
  authenticationTimeoutMs?: number
  /** How long a client waits for a server connection while its role's are all lent. */
  queueTimeoutMs?: number
}

class ClientSession {
  readonly reader = new FrameReader()
  phase: 'startup' | 'sasl-initial' | 'sasl-final' | 'connecting' | 'ready' | 'ended' = 'startup'
  params = new Map<string, string>()
  user = ''
  login: PoolerLogin | undefined
  verifier: Verifier | undefined
  exchange: ScramExchange | undefined
  clientKey: Buffer | undefined
  /** Messages that arrived while no server connection was lent to it. */
  pending: Frame[] = []
  held: ServerConnection | undefined
  /** ReadyForQuery messages still owed for what was sent. */
  owed = 0
  /** Sent a message that a Sync has not yet closed (Parse, Bind, ...). */
  unsynced = false
  waiting = false
  waitTimer: NodeJS.Timeout | undefined
  loginTimer: NodeJS.Timeout | undefined
  /** What this client's BackendKeyData says, for its cancel requests. */
  readonly key = {pid: randomInt(1, 2 ** 31 - 1), secret: randomInt(1, 2 ** 31 - 1)}

  constructor(readonly socket: Socket) {}

  fatal(code: string, text: string): void {
    if (!this.socket.destroyed) this.socket.end(backend.error('FATAL', code, text))
  }
}

/** The server connections of one role. */
class Pool {
  readonly idle: ServerConnection[] = []
  readonly waiting: ClientSession[] = []
  /** Connections open or opening. */
  size = 0
  /** Parameters to show a client at login, from the first server connection. */
  params: Map<string, string> | undefined

  constructor(
    readonly role: string,
    readonly login: PoolerLogin,
    /** The key the last client proved; server connections log in with it. */
    public clientKey: Buffer,
  ) {}
}

export class Pooler {
  private server: Server | undefined
  private readonly sessions = new Set<ClientSession>()
  private readonly pools = new Map<string, Pool>()
  private closed = false

  constructor(private readonly opts: PoolerOptions) {}

  private get authenticationTimeoutMs(): number {
    return this.opts.authenticationTimeoutMs ?? DEFAULT_AUTHENTICATION_TIMEOUT_MS
  }

  /** Listens on loopback, on `port` when it is free (last run's), else on any free port. */
  async listen(port: number | undefined): Promise<number> {
    const server = createServer((socket) => this.accept(socket))
    const bind = (at: number): Promise<number> =>
      new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(at, LOOPBACK, () => {
          server.off('error', reject)
          resolve((server.address() as AddressInfo).port)
        })
      })
    let bound: number
    try {
      bound = await bind(port ?? 0)
    } catch (error) {
      if (port === undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
      bound = await bind(0)
    }
    this.server = server
    return bound
  }

  private accept(socket: Socket): void {
    if (this.closed) return void socket.destroy()
    socket.setNoDelay(true)
    const session = new ClientSession(socket)
    this.sessions.add(session)
    session.loginTimer = setTimeout(() => {
      if (session.phase === 'ready' || session.phase === 'ended') return
      session.fatal('08006', 'canceling authentication due to timeout')
      this.end(session)
    }, this.authenticationTimeoutMs)
    socket.on('data', (chunk: Buffer) => {
      if (session.phase === 'ended') return
      session.reader.push(chunk)
      try {
        this.read(session)
      } catch (error) {
        session.fatal('08P01', `invalid message from the client: ${(error as Error).message}`)
        this.end(session)
      }
    })
    socket.on('error', () => this.end(session))
    socket.on('close', () => this.end(session))
  }

  private read(session: ClientSession): void {
    while (session.phase === 'startup') {
      const body = session.reader.startup()
      if (!body) return
      const code = body.readInt32BE(0)
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        // No TLS on loopback: clients go on in plain text (sslmode=disable or prefer).
        session.socket.write('N')
        continue
      }
      if (code === CANCEL_REQUEST) {
        if (body.length >= 12) this.cancel(body.readInt32BE(4), body.readInt32BE(8))
        return void session.socket.destroy()
      }
      if (code !== PROTOCOL_3) {
        session.fatal('0A000', `unsupported frontend protocol ${code >> 16}.${code & 0xffff}: the pooler speaks 3.0`)
        return this.end(session)
      }
      this.startLogin(session, startupParameters(body))
    }
    for (let frame = session.reader.next(); frame && session.phase !== 'ended'; frame = session.reader.next()) {
      if (session.phase === 'ready') this.fromClient(session, frame)
      else if (session.phase === 'connecting') session.pending.push(frame)
      else this.loginStep(session, frame)
    }
  }

  private cancel(pid: number, secret: number): void {
    for (const session of this.sessions) {
      if (session.key.pid === pid && session.key.secret === secret) return session.held?.cancel()
    }
  }

  private startLogin(session: ClientSession, params: Map<string, string>): void {
    session.params = params
    const user = params.get('user')
    if (!user) {
      session.fatal('28000', 'no PostgreSQL user name specified in startup packet')
      return this.end(session)
    }
    session.user = user
    const login = this.opts.lookup(user)
    // An unknown user goes through the same exchange as a wrong password, and fails the same way.
    if (login?.verifier) {
      session.login = login
      session.verifier = parseVerifier(login.verifier)
    }
    session.exchange = new ScramExchange(session.verifier ?? mockVerifier())
    session.phase = 'sasl-initial'
    session.socket.write(backend.authSasl([MECHANISM]))
  }

  private loginStep(session: ClientSession, frame: Frame): void {
    const exchange = session.exchange
    if (frame.type !== 'p' || !exchange) {
      session.fatal('08P01', `expected a SASL response, got message type "${frame.type}"`)
      return this.end(session)
    }
    try {
      if (session.phase === 'sasl-initial') {
        const {mechanism, data} = saslInitial(frame.body)
        if (mechanism !== MECHANISM) {
          session.fatal('28000', 'client selected an invalid SASL authentication mechanism')
          return this.end(session)
        }
        session.phase = 'sasl-final'
        session.socket.write(backend.authSaslContinue(exchange.first(data)))
        return
      }
      const proven = exchange.final(frame.body.toString('utf8'))
      // Rotated or deleted while the client was logging in: the proof was for a password that is gone.
      const current = this.opts.lookup(session.user)
      if (!proven || !session.login || current?.verifier !== session.login.verifier) {
        session.fatal('28P01', `password authentication failed for user "${session.user}"`)
        return this.end(session)
      }
      session.socket.write(backend.authSaslFinal(proven.serverFinal))
      session.clientKey = proven.clientKey
      const database = session.params.get('database') ?? session.user
      if (database !== session.login.database) {
        if (this.opts.knownDatabase(database)) session.fatal('42501', `permission denied for database "${database}"`)
        else session.fatal('3D000', `database "${database}" does not exist`)
        return this.end(session)
      }
      session.phase = 'connecting'
      void this.loggedIn(session)
    } catch (error) {
      if (!(error instanceof ScramError)) throw error
      session.fatal('08P01', error.message)
      this.end(session)
    }
  }

  private poolOf(session: ClientSession): Pool {
    const login = session.login as PoolerLogin
    let pool = this.pools.get(session.user)
    if (!pool || pool.login.verifier !== login.verifier) {
      // A new password: connections made with the old key are of no use.
      if (pool) this.drain(pool)
      pool = new Pool(session.user, login, session.clientKey as Buffer)
      this.pools.set(session.user, pool)
    }
    pool.clientKey = session.clientKey as Buffer
    return pool
  }

  /** A new server connection of the pool (counted while it opens). */
  private async open(pool: Pool): Promise<ServerConnection> {
    pool.size++
    try {
      const {host, port} = await this.opts.server()
      const connection = await ServerConnection.connect({
        host,
        port,
        role: pool.role,
        database: pool.login.database,
        clientKey: pool.clientKey,
        verifier: parseVerifier(pool.login.verifier),
        timeoutMs: SERVER_LOGIN_TIMEOUT_MS,
      })
      pool.params ??= new Map(connection.params)
      connection.onClose = this.closedInPool(pool, connection)
      return connection
    } catch (error) {
      pool.size--
      throw error
    }
  }

  private async loggedIn(session: ClientSession): Promise<void> {
    const pool = this.poolOf(session)
    if (!pool.params) {
      // The server's own parameters (server_version, ...) come from a first server connection, which also proves the key works there.
      try {
        this.park(pool, await this.open(pool))
      } catch (error) {
        const code = error instanceof ServerError && error.code ? error.code : '57P03'
        const text = code === '28P01' ? `password authentication failed for user "${session.user}"` : `the database server is not available: ${(error as Error).message}`
        session.fatal(code, text)
        return this.end(session)
      }
    }
    if (session.phase === 'ended') return
    const shown = new Map(pool.params)
    shown.set('application_name', session.params.get('application_name') ?? '')
    const encoding = session.params.get('client_encoding')
    if (encoding) shown.set('client_encoding', encoding)
    shown.set('session_authorization', session.user)
    const parts = [backend.authOk(), ...[...shown].map(([name, value]) => backend.parameterStatus(name, value))]
    parts.push(backend.backendKeyData(session.key.pid, session.key.secret), backend.readyForQuery('I'))
    clearTimeout(session.loginTimer)
    session.phase = 'ready'
    session.socket.write(Buffer.concat(parts))
    const early = session.pending.splice(0)
    for (const frame of early) this.fromClient(session, frame)
  }

  private fromClient(session: ClientSession, frame: Frame): void {
    if (frame.type === 'X') return this.end(session)
    if (session.held) return this.forward(session, frame)
    session.pending.push(frame)
    if (session.waiting) return
    const pool = this.pools.get(session.user)
    if (!pool) {
      session.fatal('57P01', 'terminating connection due to administrator command')
      return this.end(session)
    }
    session.waiting = true
    pool.waiting.push(session)
    const timeoutMs = this.opts.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS
    session.waitTimer = setTimeout(() => {
      session.fatal('53300', `no server connection became free within ${timeoutMs / 1000} s: all ${this.opts.poolSize ?? DEFAULT_POOL_SIZE} of this connection's pooled server connections were in transactions`)
      this.end(session)
    }, timeoutMs)
    void this.serve(pool)
  }

  private forward(session: ClientSession, frame: Frame): void {
    if (SYNCING.has(frame.type)) {
      session.owed++
      session.unsynced = false
    } else if (frame.type !== 'd' && frame.type !== 'c' && frame.type !== 'f') {
      session.unsynced = true
    }
    session.held?.write(frame.bytes)
  }

  /** Lends server connections to the pool's waiting clients: idle ones first, then new ones up to the pool's size. */
  private async serve(pool: Pool): Promise<void> {
    while (pool.waiting.length > 0 && !this.closed) {
      let connection = pool.idle.pop()
      if (connection) clearTimeout(connection.idleTimer)
      else {
        if (pool.size >= (this.opts.poolSize ?? DEFAULT_POOL_SIZE)) return
        try {
          connection = await this.open(pool)
        } catch (error) {
          const text = `the database server is not available: ${(error as Error).message}`
          for (const session of pool.waiting.splice(0)) {
            session.fatal(error instanceof ServerError && error.code ? error.code : '57P03', text)
            this.end(session)
          }
          return
        }
      }
      const next = pool.waiting.shift()
      if (!next) {
        this.park(pool, connection)
        return
      }
      next.waiting = false
      clearTimeout(next.waitTimer)
      await this.lend(pool, next, connection)
    }
  }

  private async lend(pool: Pool, session: ClientSession, connection: ServerConnection): Promise<void> {
    // The settings a client asked for at login, where they differ from the last client's.
    const wanted: Array<[string, string]> = [['application_name', session.params.get('application_name') ?? '']]
    const encoding = session.params.get('client_encoding')
    if (encoding) wanted.push(['client_encoding', encoding])
    for (const [name, value] of wanted) {
      if (connection.applied.get(name) === value) continue
      await connection.query(`SET ${name} TO '${value.replaceAll("'", "''")}'`).catch((error: unknown) => {
        this.opts.log(`pooler: cannot apply ${name}=${JSON.stringify(value)} for a client: ${(error as Error).message}`)
      })
      connection.applied.set(name, value)
    }
    if (session.phase === 'ended' || connection.isClosed) {
      if (!connection.isClosed) this.park(pool, connection)
      if (session.phase !== 'ended') {
        session.pending.length = 0
        session.fatal('57P01', 'terminating connection because the server connection was closed')
        this.end(session)
      }
      return
    }
    session.held = connection
    connection.onFrame = (frame) => this.fromServer(pool, session, connection, frame)
    const previousClose = connection.onClose
    connection.onClose = () => {
      previousClose()
      if (session.held !== connection) return
      session.held = undefined
      // The server ended it (rotated, deleted, restarted): its own FATAL message went to the client first.
      session.fatal('57P01', 'terminating connection due to administrator command')
      this.end(session)
    }
    for (const frame of session.pending.splice(0)) this.forward(session, frame)
  }

  private fromServer(pool: Pool, session: ClientSession, connection: ServerConnection, frame: Frame): void {
    session.socket.write(frame.bytes)
    if (frame.type !== 'Z') return
    session.owed--
    const status = String.fromCharCode(frame.body[0] as number)
    if (session.owed > 0 || status !== 'I' || session.unsynced) return
    // Idle again with nothing half-sent: the transaction is over, the connection goes back.
    session.held = undefined
    connection.onFrame = () => undefined
    connection.onClose = this.closedInPool(pool, connection)
    this.park(pool, connection)
    // Sent while the answer was on its way: it waits for a connection like any other message.
    if (session.pending.length > 0) {
      const pending = session.pending.splice(0)
      for (const next of pending) this.fromClient(session, next)
    }
  }

  /** What a pool does when one of its server connections closes: one fewer, and room to open another for those waiting. */
  private closedInPool(pool: Pool, connection: ServerConnection): () => void {
    return () => {
      pool.size--
      const index = pool.idle.indexOf(connection)
      if (index >= 0) pool.idle.splice(index, 1)
      void this.serve(pool)
    }
  }

  /** An idle server connection: to the next waiting client, or kept for a while. */
  private park(pool: Pool, connection: ServerConnection): void {
    if (connection.isClosed) return
    if (this.pools.get(pool.role) !== pool) return connection.close()
    pool.idle.push(connection)
    connection.idleTimer = setTimeout(() => connection.close(), this.opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS)
    connection.idleTimer.unref()
    if (pool.waiting.length > 0) void this.serve(pool)
  }

  private end(session: ClientSession): void {
    if (session.phase === 'ended') return
    session.phase = 'ended'
    clearTimeout(session.waitTimer)
    clearTimeout(session.loginTimer)
    this.sessions.delete(session)
    const pool = this.pools.get(session.user)
    if (pool) {
      const index = pool.waiting.indexOf(session)
      if (index >= 0) pool.waiting.splice(index, 1)
    }
    if (!session.socket.destroyed) session.socket.end()
    const held = session.held
    session.held = undefined
    // Left in the middle of something: the server rolls back when its connection closes, and the pool opens another.
    if (held) held.close()
  }

  private drain(pool: Pool): void {
    for (const connection of pool.idle.splice(0)) connection.close()
  }

  /** Ends the client sessions of a role (rotated or deleted), as pg_terminate_backend does, and closes its server connections. */
  endSessionsOf(role: string): number {
    let ended = 0
    for (const session of [...this.sessions]) {
      if (session.user !== role || session.phase === 'ended') continue
      if (session.phase === 'ready') session.fatal('57P01', 'terminating connection due to administrator command')
      else session.fatal('28P01', `password authentication failed for user "${role}"`)
      this.end(session)
      ended++
    }
    const pool = this.pools.get(role)
    if (pool) {
      this.pools.delete(role)
      this.drain(pool)
    }
    return ended
  }

  async close(): Promise<void> {
    this.closed = true
    for (const session of [...this.sessions]) {
      if (session.phase === 'ready') session.fatal('57P01', 'terminating connection due to administrator command')
      this.end(session)
      session.socket.destroySoon()
    }
    for (const pool of this.pools.values()) this.drain(pool)
    this.pools.clear()
    const server = this.server
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
