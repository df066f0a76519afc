// What one command authenticates with, and every token it held along the way: a fixed service
// token, the stored OAuth session that refreshes itself under the store's lock, or a token minted
// from the GitHub Actions runner's OIDC token. Also the token of another stored profile (a project
// transfer's recipient). Built by deps.ts; the API client only ever sees a token or a TokenProvider.
import type {GithubActionsTokenInput, GithubActionsToken} from '../api/contract.js'
import type {TokenProvider} from '../api/transport.js'
import {AuthError, UsageError} from '../errors.js'
import type {Clock} from '../io/clock.js'
import type {GithubActionsTokenProvider, Minted, Runner, RunnerHttp} from './github-actions.js'
import type {OAuthHttp} from './oauth/http.js'
import type {OAuthSession} from './oauth/session.js'
import {cleanToken, DEFAULT_API_URL, type Resolved, type Settings} from './settings.js'
import type {Profile} from './store.js'

export interface CredentialsInput {
  settings: Settings
  clock: Clock
  env: NodeJS.ProcessEnv
  /** The OAuth server's client, with the command's timeout and proxy rules; the caller closes it. */
  oauthHttp: () => Promise<OAuthHttp>
  /** How the runner is asked for its OIDC token (the command's timeout, user agent and HTTP stub). */
  runnerHttp: RunnerHttp
  /** Exchanges a runner's OIDC token at the API, with no token of ours (the OIDC token is the credential). */
  exchange: (body: GithubActionsTokenInput) => Promise<GithubActionsToken>
}

export class Credentials {
  private readonly used = new Set<string>()
  private openedSession: OAuthSession | undefined
  private minter: GithubActionsTokenProvider | undefined

  constructor(private readonly input: CredentialsInput) {}

  /** The OAuth session the API client uses, once provider() chose one. */
  session(): OAuthSession | undefined {
    return this.openedSession
  }

  /** The provider of tokens minted from the runner's OIDC token, once provider() chose one. */
  githubActions(): GithubActionsTokenProvider | undefined {
    return this.minter
  }

  /** Every token this command has held (service token, access and refresh tokens), to scrub them from errors. */
  secrets(): string[] {
    return [...this.used, ...(this.openedSession?.seen ?? [])]
  }

  /** The token or provider for the API client: `token` when given (login checks one), else the resolved credential. */
  async provider(token?: Resolved<string>): Promise<string | TokenProvider> {
    if (token) {
      if (token.value) this.used.add(token.value)
      return token.value
    }
    const credential = await this.input.settings.credential()
    if (credential.kind === 'token') {
      this.used.add(credential.value)
      return credential.value
    }
    if (credential.kind === 'github-actions') {
      const {GithubActionsTokenProvider, GITHUB_ACTIONS_CREDENTIAL} = await import('./github-actions.js')
      const {saveTo} = credential
      const {settings, clock} = this.input
      this.minter = new GithubActionsTokenProvider(
        () => this.mintGithubActionsToken({runner: credential.runner}),
        () => clock.now(),
        // An expired token saved by login --github-actions --save is replaced by the new one; a token minted on the fly stays in memory.
        async (minted) => {
          if (saveTo) await settings.store.saveProfile(saveTo, {credential: GITHUB_ACTIONS_CREDENTIAL, token: minted.value, expiresAt: minted.expiresAt.toISOString()}, {makeCurrent: false})
        },
      )
      return this.minter
    }
    this.openedSession = await this.openSession(credential.profile, credential.session)
    return this.openedSession
  }

  /** Asks the runner for an OIDC token and exchanges it for a service token (login --github-actions, and the automatic provider). */
  async mintGithubActionsToken({runner, expiresInSeconds}: {runner: Runner; expiresInSeconds?: number}): Promise<Minted> {
    const {mintWithRunner} = await import('./github-actions.js')
    return mintWithRunner({
      runner,
      expiresInSeconds,
      http: this.input.runnerHttp,
      exchange: this.input.exchange,
      learnt: (secret) => this.used.add(secret),
      env: this.input.env,
    })
  }

  /**
   * The token another stored profile authenticates with (a project transfer's recipient): its
   * service token, or its OAuth session's access token, renewed under the store's lock if due.
   * The profile must be for the API at `ourApiUrl` (normalized).
   */
  async profileToken(name: string, ourApiUrl: string): Promise<string> {
    const {settings, clock} = this.input
    const profile = await settings.store.profile(name)
    if (!profile) {
      const {unknownProfile} = await import('../flows/profiles.js')
      throw unknownProfile(name, await settings.store.read())
    }
    const {normalizeApiUrl} = await import('../api/url.js')
    let theirs: string
    try {
      theirs = normalizeApiUrl(profile.apiUrl ?? DEFAULT_API_URL).href
    } catch {
      theirs = profile.apiUrl ?? ''
    }
    if (theirs !== ourApiUrl) {
      throw new UsageError(`Profile "${name}" is for the API at ${theirs}, not ${ourApiUrl}.`, 'Name a profile of the same API, or pass the token with --recipient-token.')
    }
    const relogin = `Log in to it again: prisma-mgmt login --profile ${name}`
    if (profile.credential === 'oauth') {
      if (!profile.accessToken && !profile.refreshToken) throw new AuthError(`The session of profile "${name}" has ended.`, relogin)
      const recipient = await this.openSession(name, profile)
      try {
        return await recipient.current()
      } catch (error) {
        if (error instanceof AuthError) throw new AuthError(`The session of profile "${name}" has ended: ${error.message}`, relogin)
        throw error
      } finally {
        for (const seen of recipient.seen) this.used.add(seen)
      }
    }
    const token = profile.token === undefined ? '' : cleanToken(profile.token)
    if (!token) throw new AuthError(`Profile "${name}" holds no token.`, relogin)
    // A token saved by login --github-actions --save stops working at its expiresAt; only its own workflow can mint another.
    if (profile.expiresAt !== undefined && !(Date.parse(profile.expiresAt) > clock.now().getTime())) {
      throw new AuthError(`The token saved in profile "${name}" expired at ${profile.expiresAt}.`, relogin)
    }
    this.used.add(token)
    return token
  }

  /** A stored profile's OAuth session, refreshing itself under the store's lock. */
  private async openSession(profile: string, stored: Profile): Promise<OAuthSession> {
    const [{OAuthSession}, {discover}, {refreshTokens}] = await Promise.all([import('./oauth/session.js'), import('./oauth/discovery.js'), import('./oauth/tokens.js')])
    const {settings, clock, oauthHttp} = this.input
    return new OAuthSession({
      store: settings.store,
      profile,
      session: stored,
      now: () => clock.now(),
      // The session goes back to the server and client that issued it, whatever --auth-url or the environment say now.
      refresh: async (refreshToken, current) => {
        if (!current.authUrl || !current.clientId) {
          throw new AuthError(`The session of profile "${profile}" does not say which authorization server and client issued it.`, 'Log in again with `prisma-mgmt login`.')
        }
        const http = await oauthHttp()
        try {
          const server = await discover(current.authUrl, http)
          return await refreshTokens(http, {tokenEndpoint: server.tokenEndpoint, refreshToken, clientId: current.clientId}, () => clock.now())
        } finally {
          await http.close()
        }
      },
    })
  }
}
