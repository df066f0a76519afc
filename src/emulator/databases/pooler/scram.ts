// SCRAM-SHA-256 (RFC 5802/7677) as PostgreSQL runs it, both sides. The pooler checks a client's
// proof against the role's verifier (the same `SCRAM-SHA-256$...` text PostgreSQL keeps in
// pg_authid), so the emulator never stores a password. A valid proof yields the client's
// ClientKey, with which the pooler logs in to the server as that same role (as PgBouncer does):
// it never learns the password, and a rotated password (a new verifier) stops working there too.

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

  /** The server-final message and the client's ClientKey when the proof is right; undefined when it is wrong. */
  final(clientFinal: string): {serverFinal: string; clientKey: Buffer} | undefined {
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
    return {serverFinal: `v=${createHmac('sha256', this.verifier.serverKey).update(authMessage).digest('base64')}`, clientKey}
  }
}

/** The client side, with a ClientKey rather than a password: `first()`, then `final()` for the server's first message, then `verify()`. */
export class ScramClient {
  private readonly nonce = randomBytes(18).toString('base64')
  private readonly clientFirstBare = `n=,r=${this.nonce}`
  private serverSignature: Buffer | undefined

  constructor(
    private readonly clientKey: Buffer,
    private readonly verifier: Verifier,
  ) {}

  first(): string {
    return `n,,${this.clientFirstBare}`
  }

  final(serverFirst: string): string {
    const attrs = attributes(serverFirst)
    const nonce = attrs.get('r') ?? ''
    if (!nonce.startsWith(this.nonce) || nonce.length === this.nonce.length) throw new ScramError('the server\'s SCRAM nonce does not extend ours')
    // A proof made with our ClientKey holds only for the salt and iterations it came from.
    if (attrs.get('s') !== this.verifier.salt || Number(attrs.get('i')) !== this.verifier.iterations) throw new ScramError('the server holds another password for this role')
    const withoutProof = `c=biws,r=${nonce}`
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`
    const signature = createHmac('sha256', this.verifier.storedKey).update(authMessage).digest()
    const proof = Buffer.alloc(32)
    for (let i = 0; i < 32; i++) proof[i] = (this.clientKey[i] as number) ^ (signature[i] as number)
    this.serverSignature = createHmac('sha256', this.verifier.serverKey).update(authMessage).digest()
    return `${withoutProof},p=${proof.toString('base64')}`
  }

  /** Whether the server proved it knows the verifier too. */
  verify(serverFinal: string): boolean {
    const signature = Buffer.from(attributes(serverFinal).get('v') ?? '', 'base64')
    return this.serverSignature !== undefined && signature.length === this.serverSignature.length && timingSafeEqual(signature, this.serverSignature)
  }
}
