// An OAuth session stored in a profile, as the API client's token provider. Refresh tokens are
// single-use and the server revokes the whole session when one is used twice, so every refresh
// happens under the profile store's lock: the process holding it re-reads the profile, refreshes
// only if the stored refresh token is still the one it knows (otherwise another process already
// did, and its tokens are used), and stores the new tokens before anything uses them.
import type {Profile, ProfileStore} from '../store.js'
import {sessionEnded} from '../settings.js'
import {hideFromDebugOutput} from '../debug-output.js'
import {TokenRequestError, type TokenSet} from './tokens.js'

/** An access token that expires within this is refreshed before the next request. */
export const REFRESH_MARGIN_MS = 60_000

export type Renewal = {outcome: 'refreshed' | 'adopted'; session: Profile}

export interface RenewInput {
  store: ProfileStore
  profile: string
  /** The refresh token this process holds (read from the profile earlier). */
  known: string | undefined
  /** Asks the token endpoint; called under the lock, at most once. */
  refresh: (refreshToken: string, session: Profile) => Promise<TokenSet>
}

/**
 * The decision, under the store's lock: refresh with the stored refresh token if it is still the
 * one this process knows, else take the tokens another process stored. A refused refresh token
 * (invalid_grant) clears the session's tokens, keeps the rest of the profile, and ends the session.
 */
export async function renewUnderLock(input: RenewInput): Promise<Renewal> {
  const result = await input.store.update(async (config): Promise<Renewal | undefined> => {
    const stored = config.profiles?.[input.profile]
    if (!stored || stored.credential !== 'oauth' || !stored.refreshToken) return undefined
    if (stored.refreshToken !== input.known) return {outcome: 'adopted', session: {...stored}}
    let tokens: TokenSet
    try {
      tokens = await input.refresh(stored.refreshToken, stored)
    } catch (error) {
      if (error instanceof TokenRequestError && error.error === 'invalid_grant') {
        delete stored.accessToken
        delete stored.refreshToken
        delete stored.expiresAt
        return undefined
      }
      throw error
    }
    stored.accessToken = tokens.accessToken
    stored.refreshToken = tokens.refreshToken
    if (tokens.expiresAt) stored.expiresAt = tokens.expiresAt.toISOString()
    else delete stored.expiresAt
    return {outcome: 'refreshed', session: {...stored}}
  })
  if (!result) throw sessionEnded()
  hideFromDebugOutput(result.session.accessToken)
  hideFromDebugOutput(result.session.refreshToken)
  return result
}

export interface SessionInput {
  store: ProfileStore
  profile: string
  /** The profile as read when the command started. */
  session: Profile
  now: () => Date
  /** The token endpoint's refresh, for this session's client and authorization server. */
  refresh: (refreshToken: string, session: Profile) => Promise<TokenSet>
}

/** The API client's token provider for an OAuth session (structurally api/transport's TokenProvider). */
export class OAuthSession {
  #accessToken: string | undefined
  #refreshToken: string | undefined
  #expiresAt: Date | undefined
  /** How long before #expiresAt the token is renewed: the margin, or half its life if that is shorter. */
  #margin = REFRESH_MARGIN_MS
  #refreshedOn401 = false
  #renewing?: Promise<string>
  /** How many times this process asked the token endpoint (0 or 1, normally). */
  refreshes = 0
  /** Every token this session has held, to keep them out of any output. */
  readonly seen = new Set<string>()

  constructor(private readonly input: SessionInput) {
    this.#adopt(input.session)
  }

  get expiresAt(): Date | undefined {
    return this.#expiresAt
  }

  /**
   * The access token for the next request: renewed first when there is none or when it has less
   * than its margin left, whenever that happens (a command or an MCP server may run for hours).
   * Callers that ask while a renewal is under way share it.
   */
  async current(): Promise<string> {
    if (this.#renewing) return this.#renewing
    if (!this.#accessToken || this.#due()) return this.#renew()
    return this.#accessToken
  }

  #due(): boolean {
    if (this.#expiresAt === undefined || this.#margin <= 0) return false
    return this.#expiresAt.getTime() - this.input.now().getTime() < this.#margin
  }

  /** After a 401 with `failed`: the token renewed by someone else, a renewal of our own (once per process), or undefined. */
  async refresh(failed: string): Promise<string | undefined> {
    if (this.#renewing) return this.#renewing
    if (this.#accessToken !== undefined && failed !== this.#accessToken) return this.#accessToken
    if (this.#refreshedOn401) return undefined
    this.#refreshedOn401 = true
    return this.#renew()
  }

  #renew(): Promise<string> {
    this.#renewing ??= (async () => {
      try {
        const renewal = await renewUnderLock({
          store: this.input.store,
          profile: this.input.profile,
          known: this.#refreshToken,
          refresh: (token, session) => {
            this.refreshes++
            return this.input.refresh(token, session)
          },
        })
        this.#adopt(renewal.session, this.input.now())
        if (!this.#accessToken) throw sessionEnded()
        return this.#accessToken
      } finally {
        this.#renewing = undefined
      }
    })()
    return this.#renewing
  }

  /**
   * Takes the tokens of `session`; `received` is when they came from the token endpoint (unknown
   * for stored ones). A token that lives less than twice the margin is renewed once half its life
   * is gone; one that came already expired by this clock is used as it is, never renewed in a loop.
   */
  #adopt(session: Profile, received?: Date): void {
    this.#accessToken = session.accessToken
    this.#refreshToken = session.refreshToken
    const expires = session.expiresAt ? new Date(session.expiresAt) : undefined
    this.#expiresAt = expires && !Number.isNaN(expires.getTime()) ? expires : undefined
    const lifetime = this.#expiresAt && received ? this.#expiresAt.getTime() - received.getTime() : Number.POSITIVE_INFINITY
    this.#margin = Math.min(REFRESH_MARGIN_MS, lifetime / 2)
    for (const token of [session.accessToken, session.refreshToken]) {
      if (token) {
        this.seen.add(token)
        hideFromDebugOutput(token)
      }
    }
  }
}
