// The pooler's login in process, over real sockets, with no database server behind it: a login
// that does not finish is ended after the authentication timeout (PostgreSQL's
// authentication_timeout, 60 s by default; injected short here), TLS is declined, an unknown user
// fails exactly as a wrong password does, and only SCRAM-SHA-256 is offered.
import assert from 'node:assert/strict'
import net from 'node:net'
import {afterEach, describe, it} from 'node:test'

import pg from 'pg'

import {DEFAULT_AUTHENTICATION_TIMEOUT_MS, Pooler} from '../../src/emulator/databases/pooler/pooler.js'
import type {PoolerOptions} from '../../src/emulator/databases/pooler/pooler.js'
import {scramVerifier} from '../../src/emulator/databases/pooler/verifier.js'
import {errorFields, FrameReader, frontend, SSL_REQUEST} from '../../src/emulator/databases/pooler/wire.js'

const PASSWORD = 'the-right-password'

describe('the pooler\'s login', () => {
  let pooler: Pooler | undefined
  const start = async (options: Partial<PoolerOptions> = {}): Promise<number> => {
    const verifier = scramVerifier(PASSWORD)
    pooler = new Pooler({
      lookup: (role) => (role === 'app' ? {connectionId: 'c1', databaseId: 'd1', database: 'appdb', verifier} : undefined),
      knownDatabase: (name) => name === 'appdb',
      // No server: these logins never get that far.
      server: () => Promise.reject(new Error('no server in this test')),
      log: () => undefined,
      ...options,
    })
    return pooler.listen(undefined)
  }
  afterEach(async () => {
    await pooler?.close()
    pooler = undefined
  })

  /** Everything the pooler sends on a raw socket until it closes it. */
  const conversation = (port: number, send: Buffer[]): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const socket = net.connect({host: '127.0.0.1', port})
      const chunks: Buffer[] = []
      socket.on('data', (chunk) => chunks.push(chunk))
      socket.on('error', reject)
      socket.on('close', () => resolve(Buffer.concat(chunks)))
      socket.on('connect', () => {
        for (const bytes of send) socket.write(bytes)
      })
    })

  const errorsIn = (bytes: Buffer): Array<Map<string, string>> => {
    const reader = new FrameReader()
    reader.push(bytes)
    const found: Array<Map<string, string>> = []
    for (let frame = reader.next(); frame; frame = reader.next()) if (frame.type === 'E') found.push(errorFields(frame.body))
    return found
  }

  it('waits 60 s for a login by default, as PostgreSQL\'s authentication_timeout', () => {
    assert.equal(DEFAULT_AUTHENTICATION_TIMEOUT_MS, 60_000)
  })

  it('ends a login that does not finish within the authentication timeout: silent after connecting, or stopped after the startup message', async () => {
    const port = await start({authenticationTimeoutMs: 200})
    for (const send of [[], [frontend.startup({user: 'app', database: 'appdb'})]]) {
      const said = await conversation(port, send)
      const errors = errorsIn(said)
      assert.equal(errors.length, 1, `one error before the pooler hangs up, saw ${JSON.stringify(said.toString('latin1'))}`)
      assert.equal(errors[0]!.get('S'), 'FATAL')
      assert.equal(errors[0]!.get('M'), 'canceling authentication due to timeout')
    }
  })

  it('a login that finishes in time is not ended by the timer (it fails later for want of a server, not a timeout)', async () => {
    const port = await start({authenticationTimeoutMs: 2000})
    const client = new pg.Client({host: '127.0.0.1', port, user: 'app', password: PASSWORD, database: 'appdb'})
    client.on('error', () => undefined)
    await assert.rejects(client.connect(), (error: Error & {code?: string}) => {
      assert.equal(error.code, '57P03')
      assert.match(error.message, /the database server is not available: no server in this test/)
      return true
    })
  })

  it('declines TLS with "N", then goes on in plain text', async () => {
    const port = await start({authenticationTimeoutMs: 300})
    const ssl = Buffer.alloc(8)
    ssl.writeInt32BE(8, 0)
    ssl.writeInt32BE(SSL_REQUEST, 4)
    const said = await conversation(port, [ssl])
    assert.equal(said.subarray(0, 1).toString('latin1'), 'N')
  })

  it('a wrong password and an unknown user fail alike, with 28P01; another database\'s name is refused after the login', async () => {
    const port = await start()
    const attempt = async (user: string, password: string, database = 'appdb'): Promise<Error & {code?: string}> => {
      const client = new pg.Client({host: '127.0.0.1', port, user, password, database})
      client.on('error', () => undefined)
      try {
        await client.connect()
      } catch (error) {
        return error as Error & {code?: string}
      }
      await client.end()
      return assert.fail(`${user} got in`)
    }
    const wrong = await attempt('app', 'not-it')
    const unknown = await attempt('nobody-here', 'whatever')
    assert.deepEqual([wrong.code, unknown.code], ['28P01', '28P01'])
    assert.equal(wrong.message, 'password authentication failed for user "app"')
    assert.equal(unknown.message, 'password authentication failed for user "nobody-here"')
    const elsewhere = await attempt('app', PASSWORD, 'otherdb')
    assert.deepEqual([elsewhere.code, elsewhere.message], ['3D000', 'database "otherdb" does not exist'])
  })

  it('offers SCRAM-SHA-256 alone: a client that insists on a cleartext password gets nothing to send it to', async () => {
    const port = await start({authenticationTimeoutMs: 300})
    const said = await conversation(port, [frontend.startup({user: 'app', database: 'appdb'}), frontend.password(PASSWORD)])
    // AuthenticationSASL (R, code 10) naming SCRAM-SHA-256, then a protocol error for the password message.
    assert.equal(said[0], 'R'.charCodeAt(0))
    assert.equal(said.readInt32BE(5), 10)
    assert.ok(said.toString('latin1').includes('SCRAM-SHA-256\0'))
    const [error] = errorsIn(said)
    assert.equal(error?.get('C'), '08P01')
  })
})
