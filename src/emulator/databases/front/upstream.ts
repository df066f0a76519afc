// The front's one session with the database behind it (PGlite's socket, which serves one client
// at a time and takes postgres/postgres without checking). The front logs in, runs its own short
// statements on it, and otherwise hands its messages to whichever client session holds it.

import {createHash} from 'node:crypto'
import {connect} from 'node:net'
import type {Socket} from 'node:net'

import {errorFields, FrameReader, frontend} from './wire.js'
import type {Frame} from './wire.js'

const USER = 'postgres'
const PASSWORD = 'postgres'

export class UpstreamError extends Error {
  constructor(
    message: string,
    /** SQLSTATE when the database itself said no. */
    readonly code?: string,
  ) {
    super(message)
  }
}

export class Upstream {
  /** ParameterStatus values the database sent at login (server_version, TimeZone, ...). */
  readonly params = new Map<string, string>()
  /** Receives every message while no statement of the front's own is running. */
  onFrame: (frame: Frame) => void = () => undefined
  /** Called once when the socket is gone, whoever closed it. */
  onClose: () => void = () => undefined
  private closed = false
  private internal: ((frame: Frame) => void) | undefined

  private constructor(private readonly socket: Socket) {}

  /** Connects and logs in; rejects with the database's own error or a socket error. */
  static connect(host: string, port: number, database: string, timeoutMs: number): Promise<Upstream> {
    return new Promise((resolve, reject) => {
      const socket = connect({host, port})
      socket.setNoDelay(true)
      const upstream = new Upstream(socket)
      const reader = new FrameReader()
      let loggedIn = false
      const fail = (error: Error): void => {
        clearTimeout(timer)
        socket.destroy()
        reject(error)
      }
      // The database may still be busy with a client of its own (the accelerate server) for up to its queue timeout.
      const timer = setTimeout(() => fail(new UpstreamError(`the database did not accept a session within ${timeoutMs / 1000} s`)), timeoutMs)
      socket.once('connect', () => socket.write(frontend.startup({user: USER, database})))
      socket.on('error', (error) => (loggedIn ? socket.destroy() : fail(new UpstreamError(`cannot reach the database: ${error.message}`))))
      socket.on('close', () => {
        upstream.closed = true
        if (!loggedIn) fail(new UpstreamError('the database closed the connection during login'))
        else upstream.onClose()
      })
      socket.on('data', (chunk: Buffer) => {
        reader.push(chunk)
        try {
          for (let frame = reader.next(); frame; frame = reader.next()) {
            if (loggedIn) upstream.dispatch(frame)
            else if (upstream.login(frame, socket)) {
              loggedIn = true
              clearTimeout(timer)
              resolve(upstream)
            }
          }
        } catch (error) {
          if (!loggedIn) fail(error as Error)
          else socket.destroy()
        }
      })
    })
  }

  /** One login message; true once the database is ready for queries. */
  private login(frame: Frame, socket: Socket): boolean {
    switch (frame.type) {
      case 'R': {
        const code = frame.body.readInt32BE(0)
        if (code === 3) socket.write(frontend.password(PASSWORD))
        else if (code === 5) {
          const inner = createHash('md5').update(PASSWORD + USER).digest('hex')
          socket.write(frontend.password(`md5${createHash('md5').update(inner).update(frame.body.subarray(4, 8)).digest('hex')}`))
        } else if (code !== 0) throw new UpstreamError(`the database asked for an authentication method the front does not speak (${code})`)
        return false
      }
      case 'S': {
        const [name, value] = frame.body.toString('utf8').split('\0')
        if (name) this.params.set(name, value ?? '')
        return false
      }
      case 'E': {
        const fields = errorFields(frame.body)
        throw new UpstreamError(fields.get('M') ?? 'the database refused the login', fields.get('C'))
      }
      case 'Z':
        return true
      default:
        return false
    }
  }

  private dispatch(frame: Frame): void {
    if (this.internal) this.internal(frame)
    else this.onFrame(frame)
  }

  get isClosed(): boolean {
    return this.closed
  }

  write(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes)
  }

  /**
   * Runs the front's own simple query while no client holds the session; resolves with the
   * transaction status after it, rejects with the database's error (after its ReadyForQuery).
   */
  query(sql: string): Promise<string> {
    if (this.closed) return Promise.reject(new UpstreamError('the database connection is closed'))
    return new Promise((resolve, reject) => {
      let error: UpstreamError | undefined
      const previousClose = this.onClose
      this.onClose = () => {
        this.internal = undefined
        this.onClose = previousClose
        reject(new UpstreamError('the database connection closed during a statement of the front'))
        previousClose()
      }
      this.internal = (frame) => {
        if (frame.type === 'E') {
          const fields = errorFields(frame.body)
          error = new UpstreamError(fields.get('M') ?? 'statement failed', fields.get('C'))
        }
        if (frame.type !== 'Z') return
        this.internal = undefined
        this.onClose = previousClose
        if (error) reject(error)
        else resolve(String.fromCharCode(frame.body[0] as number))
      }
      this.socket.write(frontend.query(sql))
    })
  }

  close(): void {
    if (this.closed) return
    this.socket.end(frontend.terminate())
    this.socket.destroySoon()
  }
}
