// What a command works with, built in one place: the IO streams, settings, the API client,
// the prompter and the clock. Production builds them from the process; tests swap the factory
// (useDepsFactory) for one with fake streams, a stubbed HTTP dispatcher and a scripted prompter.
import type {Dispatcher} from 'undici'

import type {ManagementApi} from './api/management-api.js'
import type {TokenProvider} from './api/transport.js'
import {Credentials} from './auth/credentials.js'
import type {GithubActionsTokenProvider, Minted, Runner} from './auth/github-actions.js'
import type {OAuthHttp} from './auth/oauth/http.js'
import type {OAuthSession} from './auth/oauth/session.js'
import {Settings, ENV, type Resolved} from './auth/settings.js'
import {ProfileStore} from './auth/store.js'
import {UsageError} from './errors.js'
import {systemBrowser, type BrowserOpener} from './io/browser.js'
import {systemClock, type Clock} from './io/clock.js'
import {inquirerPrompter, type Prompter} from './io/prompts.js'
import {processStreams, type IOStreams, type OutputStream} from './io/streams.js'
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

  async function oauthHttp(): Promise<OAuthHttp> {
    const {OAuthHttp} = await import('./auth/oauth/http.js')
    return new OAuthHttp({timeoutSeconds: input.flags.timeout, userAgent: input.userAgent, insecure: input.flags.insecure, dispatcher: overrides.dispatcher})
  }

  const credentials = new Credentials({
    settings,
    clock,
    env: io.env,
    oauthHttp,
    runnerHttp: {timeoutSeconds: input.flags.timeout, userAgent: input.userAgent, dispatcher: overrides.dispatcher},
    // The exchange is the one request sent without a token of ours: the OIDC token in its body is the credential.
    exchange: async (body) => {
      const anonymous = await api({value: '', source: 'default'})
      try {
        return await anonymous.exchangeGithubActionsToken(body)
      } finally {
        await anonymous.close()
      }
    },
  })

  async function api(token?: Resolved<string>): Promise<ManagementApi> {
    if (client && !token) return client
    const built = await buildApiClient({
      url: await checkedApiUrl(settings, input.flags.insecure, (warning) => io.stderr.write(`Warning: ${terminalSafe(warning)}\n`)),
      token: () => credentials.provider(token),
      flags: input.flags,
      userAgent: input.userAgent,
      dispatcher: overrides.dispatcher,
      clock,
      stderr: io.stderr,
      env: io.env,
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
    session: () => credentials.session(),
    githubActions: () => credentials.githubActions(),
    mintGithubActionsToken: (request) => credentials.mintGithubActionsToken(request),
    secrets: () => credentials.secrets(),
    profileToken: async (name) => {
      const {normalizeApiUrl} = await import('./api/url.js')
      return credentials.profileToken(name, normalizeApiUrl((await settings.apiUrl()).value).href)
    },
  }
}

/** The resolved API URL, normalized and allowed by the transport rules (https, or http on loopback; --insecure warns). */
async function checkedApiUrl(settings: Settings, insecure: boolean, warn: (warning: string) => void): Promise<URL> {
  const {normalizeApiUrl, checkTransportSecurity} = await import('./api/url.js')
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
    warning = checkTransportSecurity(url, insecure)
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  if (warning) warn(warning)
  return url
}

interface ApiClientInput {
  url: URL
  /** Resolved after the URL is checked, so a bad URL is reported before any credential is looked up. */
  token: () => Promise<string | TokenProvider>
  flags: GlobalFlagValues
  userAgent: string
  dispatcher?: Dispatcher
  clock: Clock
  stderr: OutputStream
  env: NodeJS.ProcessEnv
}

/** The one ManagementApi of a command: undici is loaded here and nowhere earlier. */
async function buildApiClient(input: ApiClientInput): Promise<ManagementApi> {
  const [{ManagementApi}, {describeRetry}, {traceEnabled}, {setFlagsFromString}] = await Promise.all([
    import('./api/management-api.js'),
    import('./api/transport.js'),
    import('./api/trace.js'),
    import('node:v8'),
  ])
  const provider = await input.token()
  // V8 optimises undici's WebAssembly HTTP parser in the background and Node waits for that at exit (100-200 ms); set late, as a flag change voids the code cache of built-ins loaded after it.
  setFlagsFromString('--liftoff-only')
  return new ManagementApi({
    apiUrl: input.url.toString(),
    token: provider,
    timeoutSeconds: input.flags.timeout,
    userAgent: input.userAgent,
    dispatcher: input.dispatcher,
    sleep: input.clock.sleep,
    // A wait the user would notice is said on stderr, so a long Retry-After is not a silent hang.
    onRetry: (retry) => {
      if (retry.delayMs > 1000) input.stderr.write(`${describeRetry(retry)}\n`)
    },
    // DEBUG=prisma-mgmt:http: each exchange on stderr, secrets redacted; off, the transport does no trace work.
    trace: traceEnabled(input.env.DEBUG) ? (text) => input.stderr.write(`${text}\n`) : undefined,
  })
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
