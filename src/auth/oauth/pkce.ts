// PKCE (RFC 7636) and the login's state: random values from node:crypto, S256 challenges.
import {createHash, randomBytes} from 'node:crypto'

/** 32 random bytes as base64url: 43 characters, inside RFC 7636's 43 to 128. */
export function createVerifier(): string {
  return randomBytes(32).toString('base64url')
}

/** The S256 challenge of a verifier: base64url(SHA-256(verifier)), without padding. */
export function challengeOf(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url')
}

/** An unguessable state that ties the browser's answer to this login. */
export function createState(): string {
  return randomBytes(16).toString('base64url')
}
