// Where each setting comes from: flag, then environment, then the stored profile, then the default.
import {isLoopbackHost} from '../api/url.js'
import {AuthError, UsageError} from '../errors.js'
import {automaticRunner, GITHUB_ACTIONS_CREDENTIAL, RENEW_MARGIN_MS, type Runner} from './github-actions.js'
import {profilesWithCredentials, type Profile, type ProfileStore, type StoredConfig} from './store.js'

export const DEFAULT_API_URL = 'https://api.prisma.io'
export const DEFAULT_AUTH_URL = 'https://auth.prisma.io'
export const DEFAULT_PROFILE = 'default'
/** The client id the emulator knows; never sent to any other server. */
export const EMULATOR_CLIENT_ID = 'prisma-mgmt-emulator'

export const ENV = {
  apiUrl: 'PRISMA_MANAGEMENT_API_URL',
  token: 'PRISMA_SERVICE_TOKEN',
  profile: 'PRISMA_MGMT_PROFILE',
  authUrl: 'PRISMA_AUTH_BASE_URL',
  clientId: 'PRISMA_OAUTH_CLIENT_ID',
} as const

export type Source = 'flag' | 'env' | 'profile' | 'default'

export interface SettingsInput {
  flags: {'api-url'?: string; token?: string; profile?: string; 'auth-url'?: string; 'client-id'?: string}
  env: NodeJS.ProcessEnv
  store: ProfileStore
  /** The time a stored token's expiry is compared with; the system clock by default. */
  now?: () => Date
}

export interface Resolved<T> {
  value: T
  source: Source
}

/**
 * What a command authenticates with: a service token (`githubActions` when login --github-actions
 * minted and saved it, with its expiry), the stored profile's OAuth session, or a token to mint
 * from the GitHub Actions runner's OIDC token (`saveTo`: the profile whose expired one it replaces).
 */
export type Credential =
  | {kind: 'token'; value: string; source: Source; githubActions?: {expiresAt: string}}
  | {kind: 'oauth'; profile: string; session: Profile}
  | {kind: 'github-actions'; runner: Runner; saveTo?: string}

/** An environment variable that is set but empty counts as unset. */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

export function cleanToken(token: string): string {
  return token.trim()
}

/** Reads settings lazily, so a command that has everything from flags and env never opens the config file. */
export class Settings {
  #profileName?: Resolved<string>
  #profile?: Profile | null

  constructor(private readonly input: SettingsInput) {}

  get store(): ProfileStore {
    return this.input.store
  }

  async profileName(): Promise<Resolved<string>> {
    if (this.#profileName) return this.#profileName
    const {flags, env, store} = this.input
    if (flags.profile?.trim()) this.#profileName = {value: flags.profile.trim(), source: 'flag'}
    else if (envValue(env, ENV.profile)) this.#profileName = {value: envValue(env, ENV.profile)!, source: 'env'}
    else {
      const stored = await store.currentProfileName()
      this.#profileName = stored ? {value: stored, source: 'profile'} : {value: DEFAULT_PROFILE, source: 'default'}
    }
    return this.#profileName
  }

  async profile(): Promise<Profile | undefined> {
    if (this.#profile === undefined) {
      const name = await this.profileName()
      this.#profile = (await this.input.store.profile(name.value)) ?? null
    }
    return this.#profile ?? undefined
  }

  /** A setting from its flag, then its environment variable, then the stored profile; undefined when none sets it. */
  async #layered(flag: 'api-url' | 'auth-url' | 'client-id', variable: string, key: 'apiUrl' | 'authUrl' | 'clientId'): Promise<Resolved<string> | undefined> {
    const fromFlag = this.input.flags[flag]?.trim()
    if (fromFlag) return {value: fromFlag, source: 'flag'}
    const fromEnv = envValue(this.input.env, variable)
    if (fromEnv) return {value: fromEnv, source: 'env'}
    const stored = (await this.profile())?.[key]
    if (stored) return {value: stored, source: 'profile'}
    return undefined
  }

  async apiUrl(): Promise<Resolved<string>> {
    return (await this.#layered('api-url', ENV.apiUrl, 'apiUrl')) ?? {value: DEFAULT_API_URL, source: 'default'}
  }

  /**
   * The OAuth authorization server for a login: flag, environment, profile; by default Prisma's,
   * or for an API on this machine (the emulator) the API's own URL, which serves OAuth too.
   */
  async authUrl(): Promise<Resolved<string>> {
    const set = await this.#layered('auth-url', ENV.authUrl, 'authUrl')
    if (set) return set
    const apiUrl = await this.apiUrl()
    if (isLoopbackUrl(apiUrl.value)) return {value: apiUrl.value.replace(/\/+$/, '').replace(/\/v1$/, ''), source: 'default'}
    return {value: DEFAULT_AUTH_URL, source: 'default'}
  }

  /** The OAuth client id: flag, environment, profile; the emulator's own for an API on this machine; else none. */
  async clientId(): Promise<Resolved<string> | undefined> {
    const set = await this.#layered('client-id', ENV.clientId, 'clientId')
    if (set) return set
    if (isLoopbackUrl((await this.apiUrl()).value)) return {value: EMULATOR_CLIENT_ID, source: 'default'}
    return undefined
  }

  /** A service token from the flag or environment first; else the stored profile's session or token. */
  async credential(): Promise<Credential> {
    const {flags, env} = this.input
    if (flags.token !== undefined || env[ENV.token] !== undefined) return {kind: 'token', ...(await this.token())}
    const profile = await this.profile()
    if (profile?.credential === 'oauth') {
      if (!profile.accessToken && !profile.refreshToken) throw sessionEnded()
      return {kind: 'oauth', profile: (await this.profileName()).value, session: profile}
    }
    if (profile?.credential === GITHUB_ACTIONS_CREDENTIAL && profile.token?.trim()) return this.#storedGithubActions(profile)
    // No token configured anywhere: inside a GitHub Actions job, mint one from the runner's OIDC token.
    const runner = profile?.token?.trim() ? undefined : automaticRunner(env)
    if (runner) return {kind: 'github-actions', runner}
    return {kind: 'token', ...(await this.token())}
  }

  /** A token login --github-actions saved: used until it is about to expire, then minted again if the runner is there. */
  async #storedGithubActions(profile: Profile): Promise<Credential> {
    const name = (await this.profileName()).value
    const now = (this.input.now ?? (() => new Date()))().getTime()
    const expiresAt = Date.parse(profile.expiresAt ?? '')
    const value = cleanToken(profile.token!)
    const left = Number.isNaN(expiresAt) ? 0 : expiresAt - now
    if (left > RENEW_MARGIN_MS) return {kind: 'token', value, source: 'profile', githubActions: {expiresAt: new Date(expiresAt).toISOString()}}
    const runner = automaticRunner(this.input.env)
    if (runner) return {kind: 'github-actions', runner, saveTo: name}
    if (left > 0) return {kind: 'token', value, source: 'profile', githubActions: {expiresAt: new Date(expiresAt).toISOString()}}
    const when = Number.isNaN(expiresAt) ? '' : ` at ${new Date(expiresAt).toISOString()}`
    throw new AuthError(
      `The GitHub Actions token saved in profile "${name}" expired${when}.`,
      'Run `prisma-mgmt login --github-actions --save` again inside the workflow (the runner mints a new one), or log in another way.',
    )
  }

  /** The token and where it came from; an auth error when there is none or it is blank. */
  async token(): Promise<Resolved<string>> {
    const {flags, env} = this.input
    if (flags.token !== undefined) {
      const token = cleanToken(flags.token)
      if (!token) throw new AuthError('The --token flag is empty.', 'Pass a service token: --token <token>.')
      return {value: token, source: 'flag'}
    }
    const raw = env[ENV.token]
    if (raw !== undefined) {
      const token = cleanToken(raw)
      if (!token) {
        throw new AuthError(
          `${ENV.token} is set but empty.`,
          `Set ${ENV.token} to a service token, or unset it to use the stored profile.`,
        )
      }
      return {value: token, source: 'env'}
    }
    const profileName = await this.profileName()
    const profile = await this.profile()
    const stored = profile?.token
    if (stored && cleanToken(stored)) return {value: cleanToken(stored), source: 'profile'}
    const config = await this.input.store.read()
    // A profile named on the command line or in the environment that is not stored is most often a typo.
    if ((profileName.source === 'flag' || profileName.source === 'env') && !profile && Object.keys(config.profiles ?? {}).length > 0) {
      throw unknownProfile(profileName.value, config, profileName.source === 'env' ? ENV.profile : '--profile')
    }
    const others = profilesWithCredentials(config).filter((name) => name !== profileName.value)
    throw new AuthError(
      `Not logged in: no token for profile "${profileName.value}".`,
      others.length === 0
        ? `Run \`prisma-mgmt login\`, pass --token, or set ${ENV.token}.`
        : `Profiles logged in: ${others.join(', ')}. Use one with --profile <name> or \`prisma-mgmt profiles use <name>\`, or log this one in: \`prisma-mgmt login${profileName.source === 'flag' ? ` --profile ${profileName.value}` : ''}\`.`,
    )
  }
}

/** A usage error for a profile name that is not stored, listing the ones that are; `from` says where the name came from. */
export function unknownProfile(name: string, config: StoredConfig, from?: string): UsageError {
  const names = Object.keys(config.profiles ?? {}).sort()
  return new UsageError(
    `There is no profile named ${JSON.stringify(name)}${from ? ` (from ${from})` : ''}.`,
    names.length > 0 ? `Profiles: ${names.join(', ')}.` : 'There are no profiles yet; `prisma-mgmt login` creates one.',
  )
}

/** An OAuth session that can no longer be renewed (its refresh token was refused, or cleared). */
export function sessionEnded(): AuthError {
  return new AuthError('Your session has ended; log in again with `prisma-mgmt login`.')
}

/** Whether a URL names this machine (the emulator); a URL that does not parse is not. */
function isLoopbackUrl(text: string): boolean {
  try {
    return isLoopbackHost(new URL(text.trim()).hostname)
  } catch {
    return false
  }
}

/** Shows enough of a token to recognise it, never enough to use it. */
export function maskToken(token: string): string {
  if (token.length <= 12) return '…'.padStart(Math.min(token.length, 4), '*')
  return `${token.slice(0, 4)}…${token.slice(-4)}`
}
