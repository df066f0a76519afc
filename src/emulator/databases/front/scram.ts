// The server side of SCRAM-SHA-256 (RFC 5802/7677) as PostgreSQL runs it: the front checks a
// client's proof against a stored verifier (the same `SCRAM-SHA-256$...` text PostgreSQL keeps in
// pg_authid), so the emulator never stores a password itself.

import {createHash, createHmac, randomBytes, timingSafeEqual} from 'node:crypto'

export interface Verifier {
  iterations: number
  salt: string
  storedKey: Buffer
  serverKey: Buffer
}

const VERIFIER = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/

export function parseVerifier(text: string): Verifier {
  const match = VERIFIER.exec(text)
  if (!match) throw new Error('not a SCRAM-SHA-256 verifier')
  return {iterations: Number(match[1]), salt: match[2] as string, storedKey: Buffer.from(match[3] as string, 'base64'), serverKey: Buffer.from(match[4] as string, 'base64')}
}

/** A verifier no password matches, so an unknown user goes through the same exchange and fails. */
export function mockVerifier(): Verifier {
  return {iterations: 4096, salt: randomBytes(16).toString('base64'), storedKey: randomBytes(32), serverKey: randomBytes(32)}
}

function attributes(text: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const part of text.split(',')) {
    const at = part.indexOf('=')
    if (at === 1) map.set(part[0] as string, part.slice(2))
  }
  return map
}

export class ScramError extends Error {}

/** One exchange: `first()` answers the client-first message, `final()` checks the proof. */
export class ScramExchange {
  private clientFirstBare = ''
  private serverFirst = ''
  private nonce = ''
  private gs2Header = ''

  constructor(private readonly verifier: Verifier) {}

  first(clientFirst: string): string {
    // gs2 header: `n,,` (no channel binding) or `y,,` (client could bind, server offered none).
    const match = /^([ny]),(?:a=[^,]*)?,(.*)$/.exec(clientFirst)
    if (!match) throw new ScramError('unsupported or malformed SCRAM client-first message (channel binding is not offered)')
    this.gs2Header = clientFirst.slice(0, clientFirst.length - (match[2] as string).length)
    this.clientFirstBare = match[2] as string
    const clientNonce = attributes(this.clientFirstBare).get('r')
    if (!clientNonce || !/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) throw new ScramError('malformed SCRAM client nonce')
    this.nonce = clientNonce + randomBytes(18).toString('base64')
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt},i=${this.verifier.iterations}`
    return this.serverFirst
  }

  /** The server-final message when the proof is right; undefined when it is wrong. */
  final(clientFinal: string): string | undefined {
    const proofAt = clientFinal.lastIndexOf(',p=')
    if (proofAt < 0) throw new ScramError('malformed SCRAM client-final message')
    const withoutProof = clientFinal.slice(0, proofAt)
    const attrs = attributes(withoutProof)
    if (attrs.get('c') !== Buffer.from(this.gs2Header).toString('base64')) throw new ScramError('SCRAM channel binding does not match')
    if (attrs.get('r') !== this.nonce) throw new ScramError('SCRAM nonce does not match')
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64')
    if (proof.length !== 32) return undefined
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`
    const signature = createHmac('sha256', this.verifier.storedKey).update(authMessage).digest()
    const clientKey = Buffer.alloc(32)
    for (let i = 0; i < 32; i++) clientKey[i] = (proof[i] as number) ^ (signature[i] as number)
    const storedKey = createHash('sha256').update(clientKey).digest()
    if (!timingSafeEqual(storedKey, this.verifier.storedKey)) return undefined
    return `v=${createHmac('sha256', this.verifier.serverKey).update(authMessage).digest('base64')}`
  }
}
