// The authenticating front of `local` databases, as Prisma Postgres authenticates at its edge:
// each database gets two loopback listeners (its `direct` and `pooled` endpoints) that speak the
// PostgreSQL wire protocol, log a client in with its connection's own user and password
// (SCRAM-SHA-256 only, never cleartext), and relay its statements to the PGlite database behind.
//
// PGlite serves one session at a time, so the front keeps one session with it and lends it to
// client sessions a transaction at a time (as pgbouncer's transaction mode does): a client holds
// it from its first message until the database is idle again ('I' in ReadyForQuery) with nothing
// of the client's half-sent. Others queue meanwhile, each for at most `queueTimeoutMs`. What a
// session sets for itself (SET, named prepared statements, temp tables) is therefore shared.
//
// The protocol pieces are our own (wire.ts, scram.ts: node:crypto and a few message builders)
// rather than pg-gateway's (0.2.4, its 0.3 rewrite still in beta, no tests in the package): after
// the login the front relays bytes and only watches message boundaries.

import {randomBytes, randomInt} from 'node:crypto'
import {createServer} from 'node:net'
import type {AddressInfo, Server, Socket} from 'node:net'

import {newPassword} from '../../ids.js'
import type {Credential} from '../backend.js'
import {scramVerifier} from '../postgres-scram.js'
import {AccelerateProxy, accelerateUrl} from './accelerate.js'
import type {AccelerateUpstream} from './accelerate.js'
import type {FrontPorts, FrontRecords} from './credentials.js'
import {mockVerifier, parseVerifier, ScramError, ScramExchange} from './scram.js'
import {Upstream} from './upstream.js'
import {backend, CANCEL_REQUEST, FrameReader, frontend, GSSENC_REQUEST, PROTOCOL_3, saslInitial, SSL_REQUEST, startupParameters} from './wire.js'
import type {Frame} from './wire.js'

/** The database name clients use, as on Prisma Postgres; PGlite's own is `template1`. */
export const CLIENT_DATABASE = 'postgres'
const UPSTREAM_DATABASE = 'template1'
const LOOPBACK = '127.0.0.1'
export const DEFAULT_QUEUE_TIMEOUT_MS = 60_000
const MECHANISM = 'SCRAM-SHA-256'
/** Messages after which the database answers with ReadyForQuery. */
const SYNCING = new Set(['Q', 'S', 'F'])

export interface FrontOptions {
  records: FrontRecords
  log: (line: string) => void
  /** Where the database behind `databaseId` answers now; undefined while it is not running. */
  upstreamOf: (databaseId: string) => {host: string; port: number} | undefined
  /** @prisma/dev's accelerate server behind the database now; without this option the front serves no accelerate endpoint. */
  accelerateOf?: (databaseId: string) => AccelerateUpstream | undefined
  /** How long a client waits for the database while other sessions use it. */
  queueTimeoutMs?: number
  /** How long logging in to the database behind may take (it may be serving the accelerate server). */
  upstreamTimeoutMs?: number
}

function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

class Session {
  readonly reader = new FrameReader()
  phase: 'startup' | 'sasl-initial' | 'sasl-final' | 'ready' | 'ended' = 'startup'
  params = new Map<string, string>()
  user = ''
  connectionId: string | undefined
  verifier = ''
  exchange: ScramExchange | undefined
  /** Messages that arrived while another session held the database. */
  pending: Frame[] = []
  /** ReadyForQuery messages still owed for what was sent. */
  owed = 0
  /** Sent a message that a Sync has not yet closed (Parse, Bind, ...). */
  unsynced = false
  copyIn = false
  status = 'I'
  /** Ended while holding the database: what comes back is dropped until it is idle again. */
  detached = false
  waitTimer: NodeJS.Timeout | undefined

  constructor(readonly socket: Socket) {}

  fatal(code: string, text: string): void {
    if (!this.socket.destroyed) this.socket.end(backend.error('FATAL', code, text))
  }
}

class DatabaseFront {
  private servers: Server[] = []
  private accelerate: AccelerateProxy | undefined
  readonly sessions = new Set<Session>()
  private waiting: Session[] = []
  private holder: Session | undefined
  private upstream: Upstream | undefined
  private connecting: Promise<Upstream> | undefined
  private pumping = false
  private params = new Map<string, string>()
  private applied = new Map<string, string>()
  private closed = false

  constructor(
    private readonly databaseId: string,
    private readonly opts: FrontOptions,
  ) {}

  private get queueTimeoutMs(): number {
    return this.opts.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS
  }

  /** Listens, on the last ports when free; the database behind is first reached at a client's login. */
  async open(last: FrontPorts | undefined): Promise<FrontPorts> {
    const direct = await this.listen(last?.direct)
    const pooled = await this.listen(last?.pooled)
    const accelerateOf = this.opts.accelerateOf
    if (!accelerateOf) return {direct, pooled}
    this.accelerate = new AccelerateProxy({databaseId: this.databaseId, records: this.opts.records, log: this.opts.log, upstream: () => accelerateOf(this.databaseId)})
    return {direct, pooled, accelerate: await this.accelerate.listen(last?.accelerate)}
  }

  private async listen(port: number | undefined): Promise<number> {
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
      // Last run's port is taken now: any free one will do.
      if (port === undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
      bound = await bind(0)
    }
    this.servers.push(server)
    return bound
  }

  private async connectUpstream(): Promise<Upstream> {
    const at = this.opts.upstreamOf(this.databaseId)
    if (!at) throw new Error('the database is not running')
    const upstream = await Upstream.connect(at.host, at.port, UPSTREAM_DATABASE, this.opts.upstreamTimeoutMs ?? this.queueTimeoutMs)
    // PGlite's default sends DEBUG messages to clients; PostgreSQL's default is notice.
    await upstream.query('SET client_min_messages TO notice')
    return upstream
  }

  private accept(socket: Socket): void {
    if (this.closed) return void socket.destroy()
    socket.setNoDelay(true)
    const session = new Session(socket)
    this.sessions.add(session)
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

  private read(session: Session): void {
    while (session.phase === 'startup') {
      const body = session.reader.startup()
      if (!body) return
      const code = body.readInt32BE(0)
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        // No TLS on a loopback emulator: clients go on in plain text (sslmode=disable or prefer).
        session.socket.write('N')
        continue
      }
      if (code === CANCEL_REQUEST) return void session.socket.destroy()
      if (code !== PROTOCOL_3) {
        session.fatal('0A000', `unsupported frontend protocol ${code >> 16}.${code & 0xffff}: the emulator's front speaks 3.0`)
        return this.end(session)
      }
      this.startLogin(session, startupParameters(body))
    }
    for (let frame = session.reader.next(); frame && session.phase !== 'ended'; frame = session.reader.next()) {
      if (session.phase === 'ready') this.fromClient(session, frame)
      else this.loginStep(session, frame)
    }
  }

  private startLogin(session: Session, params: Map<string, string>): void {
    session.params = params
    const user = params.get('user')
    if (!user) {
      session.fatal('28000', 'no PostgreSQL user name specified in startup packet')
      return this.end(session)
    }
    session.user = user
    const found = this.opts.records.byUser(user)
    // An unknown user goes through the same exchange as a wrong password, and fails the same way.
    if (found && found[1].databaseId === this.databaseId) {
      session.connectionId = found[0]
      session.verifier = found[1].verifier
    }
    session.exchange = new ScramExchange(session.verifier ? parseVerifier(session.verifier) : mockVerifier())
    session.phase = 'sasl-initial'
    session.socket.write(backend.authSasl([MECHANISM]))
  }

  private loginStep(session: Session, frame: Frame): void {
    const exchange = session.exchange
    if (frame.type !== 'p' || !exchange) {
      session.fatal('08P01', `expected a SASL response, got message type "${frame.type}"`)
      return this.end(session)
    }
    const failed = (): void => {
      session.fatal('28P01', `password authentication failed for user "${session.user}"`)
      this.end(session)
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
      const serverFinal = exchange.final(frame.body.toString('utf8'))
      // Rotated or deleted while the client was logging in: the proof was for a password that is gone.
      const current = session.connectionId === undefined ? undefined : this.opts.records.login(session.connectionId)
      if (!serverFinal || !current || current.verifier !== session.verifier || current.databaseId !== this.databaseId) return failed()
      const database = session.params.get('database') ?? session.user
      session.socket.write(backend.authSaslFinal(serverFinal))
      if (database !== CLIENT_DATABASE) {
        session.fatal('3D000', `database "${database}" does not exist`)
        return this.end(session)
      }
      void this.loggedIn(session)
    } catch (error) {
      if (!(error instanceof ScramError)) throw error
      session.fatal('08P01', error.message)
      this.end(session)
    }
  }

  private async loggedIn(session: Session): Promise<void> {
    // The database's own parameters (server_version, ...) are learnt from the front's first login to it.
    if (this.params.size === 0) {
      try {
        const upstream = await this.ready()
        for (const [name, value] of upstream.params) this.params.set(name, value)
      } catch (error) {
        session.fatal('57P03', `the database behind the emulator's front is not available: ${(error as Error).message}`)
        return this.end(session)
      }
      if (session.phase === 'ended') {
        if (this.sessions.size === 0 && !this.holder) this.closeUpstream()
        return
      }
      // Rotated or deleted while the front logged in to the database.
      if (this.opts.records.login(session.connectionId ?? '')?.verifier !== session.verifier) {
        session.fatal('28P01', `password authentication failed for user "${session.user}"`)
        return this.end(session)
      }
    }
    const shown = new Map(this.params)
    shown.set('application_name', session.params.get('application_name') ?? '')
    const encoding = session.params.get('client_encoding')
    if (encoding) shown.set('client_encoding', encoding)
    shown.set('session_authorization', session.user)
    const parts = [backend.authOk(), ...[...shown].map(([name, value]) => backend.parameterStatus(name, value))]
    // Cancel requests are not relayed (PGlite has no second session to take one), so any key will do.
    parts.push(backend.backendKeyData(randomInt(1, 2 ** 31 - 1), randomBytes(4).readInt32BE(0)), backend.readyForQuery('I'))
    session.phase = 'ready'
    session.socket.write(Buffer.concat(parts))
  }

  private fromClient(session: Session, frame: Frame): void {
    if (frame.type === 'X') return this.end(session)
    if (this.holder === session) return this.forward(session, frame)
    session.pending.push(frame)
    if (this.waiting.includes(session)) return
    this.waiting.push(session)
    session.waitTimer = setTimeout(() => {
      session.fatal('53300', `the database served other sessions for more than ${this.queueTimeoutMs / 1000} s: the emulator's local database runs one transaction at a time`)
      this.end(session)
    }, this.queueTimeoutMs)
    void this.pump()
  }

  private forward(session: Session, frame: Frame): void {
    if (SYNCING.has(frame.type)) {
      session.owed++
      session.unsynced = false
    } else if (frame.type !== 'd' && frame.type !== 'c' && frame.type !== 'f') {
      session.unsynced = true
    }
    this.upstream?.write(frame.bytes)
  }

  /** Lends the database to the next waiting session, logging in to it again when needed. */
  private async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      while (!this.holder && !this.closed) {
        const next = this.waiting[0]
        if (!next) break
        let upstream: Upstream
        try {
          upstream = await this.ready()
          await this.applySettings(upstream, next)
        } catch (error) {
          const text = `the database behind the emulator's front is not available: ${(error as Error).message}`
          for (const session of [...this.waiting]) {
            session.fatal('57P03', text)
            this.end(session)
          }
          break
        }
        // It may have gone while we waited.
        if (this.waiting[0] !== next) continue
        this.waiting.shift()
        clearTimeout(next.waitTimer)
        this.holder = next
        for (const frame of next.pending.splice(0)) this.forward(next, frame)
      }
    } finally {
      this.pumping = false
    }
  }

  private async ready(): Promise<Upstream> {
    if (this.upstream && !this.upstream.isClosed) return this.upstream
    // One login at a time: a first client's login and its first statement may both ask.
    this.connecting ??= this.connectUpstream()
      .then((upstream) => {
        this.applied.clear()
        upstream.onFrame = (frame) => this.fromUpstream(frame)
        upstream.onClose = () => this.upstreamClosed(upstream)
        this.upstream = upstream
        return upstream
      })
      .finally(() => {
        this.connecting = undefined
      })
    return this.connecting
  }

  /** The settings a client asked for at login, applied when they differ from the last session's. */
  private async applySettings(upstream: Upstream, session: Session): Promise<void> {
    const wanted: Array<[string, string]> = [['application_name', session.params.get('application_name') ?? '']]
    const encoding = session.params.get('client_encoding')
    if (encoding) wanted.push(['client_encoding', encoding])
    for (const [name, value] of wanted) {
      if (this.applied.get(name) === value) continue
      try {
        await upstream.query(`SET ${name} TO ${quote(value)}`)
      } catch (error) {
        this.opts.log(`database ${this.databaseId}: cannot apply ${name}=${JSON.stringify(value)} for a client: ${(error as Error).message}`)
      }
      this.applied.set(name, value)
    }
  }

  private fromUpstream(frame: Frame): void {
    const session = this.holder
    // E.g. a notice between transactions: nobody's.
    if (!session) return
    if (!session.detached) session.socket.write(frame.bytes)
    if (frame.type === 'G') session.copyIn = true
    if (frame.type !== 'Z') return
    session.copyIn = false
    session.owed--
    session.status = String.fromCharCode(frame.body[0] as number)
    if (session.owed > 0) return
    if (session.detached && session.status !== 'I') {
      // A client that left inside a transaction: its work is undone, as PostgreSQL does.
      session.owed++
      this.upstream?.write(frontend.query('ROLLBACK'))
      return
    }
    if (session.status === 'I' && !session.unsynced) this.release()
  }

  private release(): void {
    this.holder = undefined
    if (this.sessions.size === 0) this.closeUpstream()
    else void this.pump()
  }

  private upstreamClosed(upstream: Upstream): void {
    if (this.upstream !== upstream) return
    this.upstream = undefined
    const holder = this.holder
    this.holder = undefined
    if (holder && !holder.detached) {
      holder.fatal('57P01', "terminating connection because the database behind the emulator's front closed it")
      this.end(holder)
    }
    void this.pump()
  }

  /** Leaves the database to others once it is idle again: the one who held it may have left mid-work. */
  private end(session: Session): void {
    if (session.phase === 'ended') return
    session.phase = 'ended'
    clearTimeout(session.waitTimer)
    this.sessions.delete(session)
    this.waiting = this.waiting.filter((other) => other !== session)
    if (!session.socket.destroyed) session.socket.end()
    // Nothing to wait for from a database connection that is gone.
    if (this.holder === session && (!this.upstream || this.upstream.isClosed)) this.holder = undefined
    if (this.holder === session) {
      session.detached = true
      if (session.copyIn) this.upstream?.write(frontend.copyFail('the client went away'))
      session.owed++
      this.upstream?.write(frontend.sync())
      return
    }
    if (this.sessions.size === 0 && !this.holder) this.closeUpstream()
  }

  private closeUpstream(): void {
    const upstream = this.upstream
    this.upstream = undefined
    // Free for others, e.g. @prisma/dev's accelerate server, which queues at PGlite's socket.
    upstream?.close()
  }

  /** Ends the open sessions of one connection (rotated or deleted), as pg_terminate_backend does. */
  endSessionsOf(connectionId: string): number {
    let ended = 0
    for (const session of [...this.sessions]) {
      if (session.connectionId !== connectionId || session.phase !== 'ready') continue
      session.fatal('57P01', 'terminating connection due to administrator command')
      this.end(session)
      ended++
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
    this.holder = undefined
    this.closeUpstream()
    await Promise.all([...this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))), this.accelerate?.close()])
  }
}

/** Logins and listeners of every local database; created once per backend. */
export class Front {
  private readonly fronts = new Map<string, DatabaseFront>()
  private readonly opening = new Map<string, Promise<FrontPorts>>()

  constructor(private readonly opts: FrontOptions) {}

  /** Starts the database's listeners (once) and returns their ports. */
  open(databaseId: string): Promise<FrontPorts> {
    let pending = this.opening.get(databaseId)
    if (!pending) {
      const front = new DatabaseFront(databaseId, this.opts)
      pending = front.open(this.opts.records.ports(databaseId)).then(
        async (ports) => {
          this.fronts.set(databaseId, front)
          await this.opts.records.setPorts(databaseId, ports)
          return ports
        },
        async (error: unknown) => {
          await front.close()
          this.opening.delete(databaseId)
          throw error
        },
      )
      this.opening.set(databaseId, pending)
    }
    return pending
  }

  private async setPassword(databaseId: string, connectionId: string, user: string): Promise<Credential> {
    const password = newPassword()
    await this.opts.records.setLogin(connectionId, {databaseId, user, verifier: scramVerifier(password)})
    const ports = this.opts.records.ports(databaseId)
    if (ports?.accelerate === undefined) return {user, password}
    const direct = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${LOOPBACK}:${ports.direct}/${CLIENT_DATABASE}?sslmode=disable`
    return {user, password, accelerateUrl: accelerateUrl(ports.accelerate, direct, databaseId)}
  }

  /** A new login; its accelerate URL too when the database's front is open with an accelerate endpoint. */
  createLogin(databaseId: string, connectionId: string): Promise<Credential> {
    return this.setPassword(databaseId, connectionId, `u_${connectionId}`)
  }

  async rotateLogin(databaseId: string, connectionId: string): Promise<Credential> {
    const user = this.opts.records.login(connectionId)?.user ?? `u_${connectionId}`
    const credential = await this.setPassword(databaseId, connectionId, user)
    this.endSessions(databaseId, connectionId)
    return credential
  }

  async dropLogin(databaseId: string, connectionId: string): Promise<void> {
    await this.opts.records.setLogin(connectionId, undefined)
    this.endSessions(databaseId, connectionId)
  }

  private endSessions(databaseId: string, connectionId: string): void {
    const ended = this.fronts.get(databaseId)?.endSessionsOf(connectionId) ?? 0
    if (ended > 0) this.opts.log(`database ${databaseId}: ended ${ended} session(s) of connection ${connectionId}`)
  }

  /** Ends every session and stops listening; `forget` also drops the database's logins and ports. */
  async closeDatabase(databaseId: string, forget: boolean): Promise<void> {
    await this.opening.get(databaseId)?.catch(() => undefined)
    this.opening.delete(databaseId)
    const front = this.fronts.get(databaseId)
    this.fronts.delete(databaseId)
    if (forget) await this.opts.records.dropDatabase(databaseId)
    await front?.close()
  }

  async close(): Promise<void> {
    await Promise.all([...new Set([...this.opening.keys(), ...this.fronts.keys()])].map((databaseId) => this.closeDatabase(databaseId, false)))
  }
}
