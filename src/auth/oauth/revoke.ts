// Ending a session at the server too (logout, profiles remove, a login the API refused): the
// refresh token is revoked where the server offers RFC 7009 revocation.
import type {Profile} from '../store.js'
import {discover} from './discovery.js'
import type {OAuthHttp} from './http.js'
import {revokeToken} from './tokens.js'

export type Revocation = 'revoked' | 'unsupported'

export async function revokeSession(http: OAuthHttp, session: {authUrl: string; clientId: string; refreshToken: string}): Promise<Revocation> {
  const server = await discover(session.authUrl, http)
  if (!server.revocationEndpoint) return 'unsupported'
  await revokeToken(http, {revocationEndpoint: server.revocationEndpoint, refreshToken: session.refreshToken, clientId: session.clientId})
  return 'revoked'
}

/** What a removed profile leaves to revoke: its refresh token, with the server and client that issued it. */
export function revocable(profile: Profile | undefined): {authUrl: string; clientId: string; refreshToken: string} | undefined {
  if (profile?.credential !== 'oauth' || !profile.refreshToken || !profile.authUrl || !profile.clientId) return undefined
  return {authUrl: profile.authUrl, clientId: profile.clientId, refreshToken: profile.refreshToken}
}
