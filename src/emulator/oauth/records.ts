// What the authorization server keeps, as plain JSON-safe records saved with the rest of the state.
// Codes and refresh tokens are kept as SHA-256 digests only: the state file holds no usable secret
// but the signing key.

/** One approval of a client for a workspace: every token minted from it, through all its refreshes. */
export interface AuthorizationRecord {
  /** Also the access tokens' `sid` claim and the credential id `/v1/me` shows. */
  id: string
  clientId: string
  userId: string
  workspaceId: string
  /** Granted scopes, in the order they were asked for. */
  scope: string[]
  createdAt: string
  /** Set once revoked: its access and refresh tokens stop working together. */
  revokedAt?: string
  /** Why, for the emulator's log: `refresh token reuse`, `code reuse`, `revoked by the client`. */
  revokedBecause?: string
}

export interface RefreshTokenRecord {
  /** base64url SHA-256 of the token. */
  hash: string
  authorizationId: string
  /** Epoch milliseconds. */
  issuedAt: number
  expiresAt: number
  /** When it was exchanged for its successor: presenting it again is reuse. */
  usedAt?: number
}

export interface AuthorizationCodeRecord {
  /** base64url SHA-256 of the code. */
  hash: string
  clientId: string
  redirectUri: string
  scope: string[]
  codeChallenge: string
  userId: string
  workspaceId: string
  /** Epoch milliseconds. */
  issuedAt: number
  expiresAt: number
  /** Set by the first exchange that got as far as the code: a code is good for one attempt. */
  usedAt?: number
  /** The authorization its exchange created, revoked if the code comes back. */
  authorizationId?: string
}

/** An access token revoked on its own, remembered until it would have expired anyway. */
export interface RevokedAccessToken {
  jti: string
  /** Epoch milliseconds. */
  expiresAt: number
}

export interface OAuthState {
  /** The HS256 key access tokens are signed with, base64url. */
  secret: string
  authorizations: AuthorizationRecord[]
  refreshTokens: RefreshTokenRecord[]
  codes: AuthorizationCodeRecord[]
  revokedAccessTokens: RevokedAccessToken[]
}
