// Access tokens as compact JWTs signed with HS256 (RFC 7519, RFC 7515): clients such as the
// official SDK read `workspace_id` from the payload, and only the emulator, holding the key, checks them.
import {createHmac, timingSafeEqual} from 'node:crypto'

export type JwtPayload = Record<string, unknown>

const HEADER = Buffer.from(JSON.stringify({alg: 'HS256', typ: 'JWT'})).toString('base64url')

function signature(signingInput: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(signingInput).digest()
}

export function signJwt(payload: JwtPayload, key: Buffer): string {
  const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`
  return `${signingInput}.${signature(signingInput, key).toString('base64url')}`
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
}

/** The payload when the token is a JWT this key signed with HS256; undefined otherwise (expiry is the caller's check). */
export function verifyJwt(token: string, key: Buffer): JwtPayload | undefined {
  const parts = token.split('.')
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) return undefined
  const [header, payload, signed] = parts
  // Only our own header: a token naming another algorithm ("none", RS256) is not ours.
  const parsedHeader = decodeJson(header) as {alg?: unknown} | undefined
  if (parsedHeader?.alg !== 'HS256') return undefined
  const expected = signature(`${header}.${payload}`, key)
  const given = Buffer.from(signed, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  const claims = decodeJson(payload)
  return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as JwtPayload) : undefined
}
