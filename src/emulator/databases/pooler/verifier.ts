// A SCRAM-SHA-256 verifier for CREATE/ALTER ROLE ... PASSWORD, computed here as libpq's
// PQencryptPasswordConn does, so the plain password never reaches the server's statement log.

import {createHash, createHmac, pbkdf2Sync, randomBytes} from 'node:crypto'

const ITERATIONS = 4096

/** `password` must be ASCII: SASLprep leaves it unchanged then, so no normalisation is needed. */
export function scramVerifier(password: string): string {
  const salt = randomBytes(16)
  const salted = pbkdf2Sync(password, salt, ITERATIONS, 32, 'sha256')
  const clientKey = createHmac('sha256', salted).update('Client Key').digest()
  const storedKey = createHash('sha256').update(clientKey).digest()
  const serverKey = createHmac('sha256', salted).update('Server Key').digest()
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`
}
