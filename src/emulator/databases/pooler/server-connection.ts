// One connection of the pooler to the PostgreSQL server, logged in as a connection's own role with
// the ClientKey its client proved (SCRAM-SHA-256; a server that trusts loopback is fine too). The
// pooler lends it to one client transaction at a time; between them it runs its own statements.
import {connect} from 'node:net'
import type {Socket} from 'node:net'

import {ScramClient, ScramError} from './scram.js'
import type {Verifier} from './scram.js'
import {errorFields, FrameReader, frontend} from './wire.js'
import type {Frame} from './wire.js'

export class ServerError extends Error {
  constructor(
    message: string,
    /** SQLSTATE when the server itself said no. */
    readonly code?: string,
  ) {
    super(message)
  }
}

export interface LoginTo {
  host: string
  port: number
  role: string
  database: string
  clientKey: Buffer
  verifier: Verifier
  timeoutMs: number
}

export class ServerConnection {
  /** ParameterStatus values the server sent at login (server_version, TimeZone, ...). */
  readonly params = new Map<string, string>()
  /** The server's BackendKeyData, for passing on a client's cancel request. */
  backendKey: {pid: number; key: number} | undefined
  /** Receives every message while no statement of the pooler's own is running. */
  onFrame: (frame: Frame) => void = () => undefined
  /** Called once when the socket is gone, whoever closed it. */
  onClose: () => void = () => undefined
  /** Settings applied for the last client (application_name, client_encoding). */
  readonly applied = new Map<string, string>()
  idleTimer: NodeJS.Timeout | undefined
  private closed = false
  private internal: ((frame: Frame) => void) | undefined

  private constructor(
    private readonly socket: Socket,
    readonly host: string,
    readonly port: number,
  ) {}

  static connect(to: LoginTo): Promise<ServerConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({host: to.host, port: to.port})
      socket.setNoDelay(true)
      const connection = new ServerConnection(socket, to.host, to.port)
      const reader = new FrameReader()
      const scram = new ScramClient(to.clientKey, to.verifier)
      let loggedIn = false
      const fail = (error: Error): void => {
        clearTimeout(timer)
        socket.destroy()
        reject(error)
      }
      const timer = setTimeout(() => fail(new ServerError(`the server did not accept a session within ${to.timeoutMs / 1000} s`)), to.timeoutMs)
      socket.once('connect', () => socket.write(frontend.startup({user: to.role, database: to.database, client_encoding: 'UTF8'})))
      socket.on('error', (error) => (loggedIn ? socket.destroy() : fail(new ServerError(`cannot reach the server: ${error.message}`))))
      socket.on('close', () => {
        connection.closed = true
        clearTimeout(connection.idleTimer)
        if (!loggedIn) fail(new ServerError('the server closed the connection during login'))
        else connection.onClose()
      })
      const login = (frame: Frame): boolean => {
        switch (frame.type) {
          case 'R': {
            const code = frame.body.readInt32BE(0)
            if (code === 10) socket.write(frontend.saslInitial('SCRAM-SHA-256', scram.first()))
            else if (code === 11) socket.write(frontend.saslResponse(scram.final(frame.body.subarray(4).toString('utf8'))))
            else if (code === 12) {
              if (!scram.verify(frame.body.subarray(4).toString('utf8'))) throw new ServerError('the server did not prove it knows the password (SCRAM)')
            } else if (code !== 0) {
              throw new ServerError(`the server asks for a password method the pooler does not use (${code === 3 ? 'cleartext' : code === 5 ? 'md5' : code}): allow scram-sha-256 for loopback in its pg_hba.conf`)
            }
            return false
          }
          case 'S': {
            const [name, value] = frame.body.toString('utf8').split('\0')
            if (name) connection.params.set(name, value ?? '')
            return false
          }
          case 'K':
            connection.backendKey = {pid: frame.body.readInt32BE(0), key: frame.body.readInt32BE(4)}
            return false
          case 'E': {
            const fields = errorFields(frame.body)
            throw new ServerError(fields.get('M') ?? 'the server refused the login', fields.get('C'))
          }
          case 'Z':
            return true
          default:
            return false
        }
      }
      socket.on('data', (chunk: Buffer) => {
        reader.push(chunk)
        try {
          for (let frame = reader.next(); frame; frame = reader.next()) {
            if (loggedIn) connection.dispatch(frame)
            else if (login(frame)) {
              loggedIn = true
              clearTimeout(timer)
              resolve(connection)
            }
          }
        } catch (error) {
          if (loggedIn) return void socket.destroy()
          fail(error instanceof ScramError ? new ServerError(error.message, '28P01') : (error as Error))
        }
      })
    })
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

  /** Runs the pooler's own simple query between clients; rejects with the server's error. */
  query(sql: string): Promise<void> {
    if (this.closed) return Promise.reject(new ServerError('the server connection is closed'))
    return new Promise((resolve, reject) => {
      let error: ServerError | undefined
      const previousClose = this.onClose
      this.onClose = () => {
        this.internal = undefined
        this.onClose = previousClose
        reject(new ServerError('the server connection closed during a statement of the pooler'))
        previousClose()
      }
      this.internal = (frame) => {
        if (frame.type === 'E') {
          const fields = errorFields(frame.body)
          error = new ServerError(fields.get('M') ?? 'statement failed', fields.get('C'))
        }
        if (frame.type !== 'Z') return
        this.internal = undefined
        this.onClose = previousClose
        if (error) reject(error)
        else resolve()
      }
      this.socket.write(frontend.query(sql))
    })
  }

  /** Asks the server to cancel what this connection runs (a client's Ctrl-C). */
  cancel(): void {
    if (!this.backendKey) return
    const socket = connect({host: this.host, port: this.port})
    socket.on('error', () => undefined)
    socket.once('connect', () => socket.end(frontend.cancel(this.backendKey!.pid, this.backendKey!.key)))
  }

  close(): void {
    if (this.closed) return
    this.socket.end(frontend.terminate())
    this.socket.destroySoon()
  }
}
