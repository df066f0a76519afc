// What a command works with, built in one place: the IO streams, settings, the API client,
// the prompter and the clock. Production builds them from the process; tests swap the factory
// (useDepsFactory) for one with fake streams, a stubbed HTTP dispatcher and a scripted prompter.
import type {Dispatcher} from 'undici'

import type {ManagementApi} from './api/management-api.js'
import type {TokenProvider} from './api/transport.js'
import type {GithubActionsTokenProvider, Minted, Runner} from './auth/github-actions.js'
import type {OAuthHttp} from './auth/oauth/http.js'
import type {OAuthSession} from './auth/oauth/session.js'
import {Settings, ENV, DEFAULT_API_URL, cleanToken, type Resolved} from './auth/settings.js'
import {ProfileStore, type Profile} from './auth/store.js'
import {AuthError, UsageError} from './errors.js'
import {systemBrowser, type BrowserOpener} from './io/browser.js'
import {systemClock, type Clock} from './io/clock.js'
import {inquirerPrompter, type Prompter} from './io/prompts.js'
import {processStreams, type IOStreams} from './io/streams.js'
import {terminalSafe} from './output/safe-text.js'

/** The global flags every API command takes. */
export interface GlobalFlagValues {
  'api-url'?: string
  token?: string
  profile?: string
  timeout: number
  insecure: boolean
  /** login's: the authorization server and the OAuth client id. */
  'auth-url'?: string
  'client-id'?: string
}

export interface Deps {
  io: IOStreams
  settings: Settings
  prompter: Prompter
  clock: Clock
  /** Opens the browser for a login. */
  browser: BrowserOpener
  /** The API client for the resolved URL and credential, built once; `token` builds one for that token instead (login). */
  api(token?: Resolved<string>): Promise<ManagementApi>
  /** A client for the OAuth authorization server, with the command's timeout, proxy rules and HTTP stub; the caller closes it. */
  oauthHttp(): Promise<OAuthHttp>
  /** The OAuth session the API client uses, when the credential is one (after api()). */
  session(): OAuthSession | undefined
  /** The provider of a token minted from the GitHub Actions runner's OIDC token, when the credential is one (after api()). */
  githubActions(): GithubActionsTokenProvider | undefined
  /** Asks the runner for an OIDC token and exchanges it for a service token (login --github-actions). */
  mintGithubActionsToken(input: {runner: Runner; expiresInSeconds?: number}): Promise<Minted>
  /** Every token this command has held (service token, access and refresh tokens), to scrub them from errors. */
  secrets(): string[]
  /**
   * The token another stored profile authenticates with (a project transfer's recipient): its
   * service token, or its OAuth session's access token, renewed under the store's lock if due.
   * The profile must be for the same API URL as this command.
   */
  profileToken(name: string): Promise<string>
}

export interface DepsInput {
  flags: GlobalFlagValues
  configDir: string
  userAgent: string
}

export interface DepsOverrides {
  io?: IOStreams
  prompter?: Prompter
  clock?: Clock
  /** Every request goes through this dispatcher (a stub in tests). */
  dispatcher?: Dispatcher
  browser?: BrowserOpener
}

/** Where a setting came from, as the user would name it. */
export function describeSource(source: string, setting: 'api-url' | 'token' | 'profile' | 'auth-url' | 'client-id'): string {
  const env = {'api-url': ENV.apiUrl, token: ENV.token, profile: ENV.profile, 'auth-url': ENV.authUrl, 'client-id': ENV.clientId}[setting]
  switch (source) {
    case 'github-actions':
      return 'GitHub Actions OIDC (ACTIONS_ID_TOKEN_REQUEST_URL)'
    case 'flag':
      return `--${setting}`
    case 'env':
      return env
    case 'profile':
      return 'the stored profile'
    default:
      return 'the default'
  }
}

export function buildDeps(input: DepsInput, overrides: DepsOverrides = {}): Deps {
  const io = overrides.io ?? processStreams()
  const clock = overrides.clock ?? systemClock
  const settings = new Settings({flags: input.flags, env: io.env, store: new ProfileStore(input.configDir), now: () => clock.now()})
  let client: ManagementApi | undefined
  const usedTokens = new Set<string>()
  let session: OAuthSession | undefined
  let githubActions: GithubActionsTokenProvider | undefined

  async function oauthHttp(): Promise<OAuthHttp> {
    const {OAuthHttp} = await import('./auth/oauth/http.js')
    return new OAuthHttp({timeoutSeconds: input.flags.timeout, userAgent: input.userAgent, insecure: input.flags.insecure, dispatcher: overrides.dispatcher})
  }

  async function mintGithubActionsToken({runner, expiresInSeconds}: {runner: Runner; expiresInSeconds?: number}): Promise<Minted> {
    const {mintWithRunner} = await import('./auth/github-actions.js')
    // The exchange is the one request sent without a token of ours: the OIDC token in its body is the credential.
    const anonymous = await api({value: '', source: 'default'})
    try {
      return await mintWithRunner({
        runner,
        expiresInSeconds,
        http: {timeoutSeconds: input.flags.timeout, userAgent: input.userAgent, dispatcher: overrides.dispatcher},
        exchange: (body) => anonymous.exchangeGithubActionsToken(body),
        learnt: (secret) => usedTokens.add(secret),
        env: io.env,
      })
    } finally {
      await anonymous.close()
    }
  }

  /** A fixed token, the stored OAuth session that refreshes itself under the store's lock, or a token minted from the runner's OIDC token. */
  async function tokenProvider(token: Resolved<string> | undefined): Promise<string | TokenProvider> {
    if (token) {
      if (token.value) usedTokens.add(token.value)
      return token.value
    }
    const credential = await settings.credential()
    if (credential.kind === 'token') {
      usedTokens.add(credential.value)
      return credential.value
    }
    if (credential.kind === 'github-actions') {
      const {GithubActionsTokenProvider, GITHUB_ACTIONS_CREDENTIAL} = await import('./auth/github-actions.js')
      const {saveTo} = credential
      githubActions = new GithubActionsTokenProvider(
        () => mintGithubActionsToken({runner: credential.runner}),
        () => clock.now(),
        // An expired token saved by login --github-actions --save is replaced by the new one; a token minted on the fly stays in memory.
        async (minted) => {
          if (saveTo) await settings.store.saveProfile(saveTo, {credential: GITHUB_ACTIONS_CREDENTIAL, token: minted.value, expiresAt: minted.expiresAt.toISOString()}, {makeCurrent: false})
        },
      )
      return githubActions
    }
    session = await openSession(credential.profile, credential.session)
    return session
  }

  /** The stored profile's OAuth session, refreshing itself under the store's lock. */
  async function openSession(profile: string, stored: Profile): Promise<OAuthSession> {
    const [{OAuthSession}, {discover}, {refreshTokens}] = await Promise.all([
      import('./auth/oauth/session.js'),
      import('./auth/oauth/discovery.js'),
      import('./auth/oauth/tokens.js'),
    ])
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

  async function profileToken(name: string): Promise<string> {
    const profile = await settings.store.profile(name)
    if (!profile) {
      const {unknownProfile} = await import('./flows/profiles.js')
      throw unknownProfile(name, await settings.store.read())
    }
    const {normalizeApiUrl} = await import('./api/url.js')
    const ours = normalizeApiUrl((await settings.apiUrl()).value).href
    let theirs: string
    try {
      theirs = normalizeApiUrl(profile.apiUrl ?? DEFAULT_API_URL).href
    } catch {
      theirs = profile.apiUrl ?? ''
    }
    if (theirs !== ours) {
      throw new UsageError(`Profile "${name}" is for the API at ${theirs}, not ${ours}.`, 'Name a profile of the same API, or pass the token with --recipient-token.')
    }
    const relogin = `Log in to it again: prisma-mgmt login --profile ${name}`
    if (profile.credential === 'oauth') {
      if (!profile.accessToken && !profile.refreshToken) throw new AuthError(`The session of profile "${name}" has ended.`, relogin)
      const recipient = await openSession(name, profile)
      try {
        return await recipient.current()
      } catch (error) {
        if (error instanceof AuthError) throw new AuthError(`The session of profile "${name}" has ended: ${error.message}`, relogin)
        throw error
      } finally {
        for (const token of recipient.seen) usedTokens.add(token)
      }
    }
    const token = profile.token === undefined ? '' : cleanToken(profile.token)
    if (!token) throw new AuthError(`Profile "${name}" holds no token.`, relogin)
    // A token saved by login --github-actions --save stops working at its expiresAt; only its own workflow can mint another.
    if (profile.expiresAt !== undefined && !(Date.parse(profile.expiresAt) > clock.now().getTime())) {
      throw new AuthError(`The token saved in profile "${name}" expired at ${profile.expiresAt}.`, relogin)
    }
    usedTokens.add(token)
    return token
  }

  async function api(token?: Resolved<string>): Promise<ManagementApi> {
    if (client && !token) return client
    const [{ManagementApi}, {describeRetry}, {normalizeApiUrl, checkTransportSecurity}, {setFlagsFromString}] = await Promise.all([
      import('./api/management-api.js'),
      import('./api/transport.js'),
      import('./api/url.js'),
      import('node:v8'),
    ])
    const apiUrl = await settings.apiUrl()
    let url: URL
    try {
      url = normalizeApiUrl(apiUrl.value)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new UsageError(`${reason} (The URL came from ${describeSource(apiUrl.source, 'api-url')}.)`)
    }
    let warning: string | undefined
    try {
      warning = checkTransportSecurity(url, input.flags.insecure)
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error))
    }
    if (warning) io.stderr.write(`Warning: ${terminalSafe(warning)}\n`)
    const {traceEnabled} = await import('./api/trace.js')
    const provider = await tokenProvider(token)
    // V8 optimises undici's WebAssembly HTTP parser in the background and Node waits for that at exit (100-200 ms); set late, as a flag change voids the code cache of built-ins loaded after it.
    setFlagsFromString('--liftoff-only')
    const built = new ManagementApi({
      apiUrl: url.toString(),
      token: provider,
      timeoutSeconds: input.flags.timeout,
      userAgent: input.userAgent,
      dispatcher: overrides.dispatcher,
      sleep: clock.sleep,
      // A wait the user would notice is said on stderr, so a long Retry-After is not a silent hang.
      onRetry: (retry) => {
        if (retry.delayMs > 1000) io.stderr.write(`${describeRetry(retry)}\n`)
      },
      // DEBUG=prisma-mgmt:http: each exchange on stderr, secrets redacted; off, the transport does no trace work.
      trace: traceEnabled(io.env.DEBUG) ? (text) => io.stderr.write(`${text}\n`) : undefined,
    })
    if (!token) client = built
    return built
  }

  return {
    io,
    settings,
    prompter: overrides.prompter ?? inquirerPrompter(io),
    clock,
    browser: overrides.browser ?? systemBrowser(io.env),
    api,
    oauthHttp,
    session: () => session,
    githubActions: () => githubActions,
    mintGithubActionsToken,
    secrets: () => [...usedTokens, ...(session?.seen ?? [])],
    profileToken,
  }
}

let factory: (input: DepsInput) => Deps = (input) => buildDeps(input)

/** The factory every command uses; tests put theirs here. */
export function createDeps(input: DepsInput): Deps {
  return factory(input)
}

/** For tests: build every command's dependencies with `make` from now on; returns a function that restores the previous factory. */
export function useDepsFactory(make: (input: DepsInput) => Deps): () => void {
  const previous = factory
  factory = make
  return () => {
    factory = previous
  }
}
