// What ends with a removed profile's credentials: a browser session's refresh token is revoked
// where the server offers revocation. The credentials are already gone from this machine, so a
// revocation that fails is a warning, never the command's failure.
import type {OAuthHttp} from '../auth/oauth/http.js'
import type {Profile} from '../auth/store.js'
import {CliError} from '../errors.js'
import {terminalSafe} from '../output/safe-text.js'

export interface Ending {
  kind: 'token' | 'oauth' | 'none'
  /** For a session: whether the server revoked it (false: it offers no revocation, or it failed). */
  revoked?: boolean
}

export async function endSession(removed: Profile | undefined, io: {http: () => Promise<OAuthHttp>; warn: (line: string) => void}): Promise<Ending> {
  if (!removed) return {kind: 'none'}
  const {revocable, revokeSession} = await import('../auth/oauth/revoke.js')
  const session = revocable(removed)
  if (!session) return {kind: removed.credential === 'oauth' ? 'oauth' : 'token', ...(removed.credential === 'oauth' ? {revoked: false} : {})}
  const http = await io.http()
  try {
    return {kind: 'oauth', revoked: (await revokeSession(http, session)) === 'revoked'}
  } catch (error) {
    const reason = error instanceof CliError ? error.message : error instanceof Error ? error.message : String(error)
    io.warn(`Warning: could not revoke the session at ${terminalSafe(session.authUrl)}: ${terminalSafe(reason)} It was removed from this machine; it ends on its own when it expires.`)
    return {kind: 'oauth', revoked: false}
  } finally {
    await http.close()
  }
}
