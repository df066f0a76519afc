// Identifiers and secrets. Ids look like the API's (lowercase cuid-like, `c` + 24 characters) and
// stay within [a-z0-9], which every database backend accepts as a folder or role name.
import {randomBytes} from 'node:crypto'

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'
let counter = 0

function randomChars(count: number): string {
  const bytes = randomBytes(count)
  let text = ''
  for (const byte of bytes) text += ALPHABET[byte % ALPHABET.length]
  return text
}

/** Time, a per-process counter and randomness: unique, roughly time-ordered, never guessed. */
export function newId(): string {
  counter = (counter + 1) % 1296
  const time = Date.now().toString(36).padStart(8, '0').slice(-8)
  return `c${time}${counter.toString(36).padStart(2, '0')}${randomChars(14)}`
}

/** A service token; base64url so it travels in a header and an `export` line unquoted. */
export function newToken(): string {
  return `emu_${randomBytes(24).toString('base64url')}`
}

/** A database password; URL-safe so a connection string carries it without escaping. */
export function newPassword(): string {
  return randomBytes(24).toString('base64url')
}

/** Letters, digits, `_` and `-`, led by a letter or digit: safe as a folder name and in a role name. */
const BACKEND_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/

/** Refuses ids a database backend could not use as they are: one could step outside its folder or into SQL. */
export function checkIds(backend: string, ids: {database: string; connection?: string}): void {
  for (const [kind, id] of Object.entries(ids)) {
    if (id !== undefined && !BACKEND_ID.test(id)) throw new Error(`invalid ${kind} id for the ${backend} backend: ${JSON.stringify(id)}`)
  }
}

const ACCESS_KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** An S3 access key id: 20 upper-case letters and digits, as AWS's look. */
export function newAccessKeyId(): string {
  let text = 'PMEK'
  for (const byte of randomBytes(16)) text += ACCESS_KEY_ALPHABET[byte % ACCESS_KEY_ALPHABET.length]
  return text
}

/** An S3 secret access key: 40 characters, URL-safe so an `export` line carries it unquoted. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64url')
}
