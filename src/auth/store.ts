// Named profiles in oclif's config directory: file 0600, folder 0700, written with conf.
// A file that cannot be read, or holds a value of the wrong type, is reported, never replaced:
// the user decides what to do with it. Every change goes through update(): a lock across
// processes, a fresh read, the change, an atomic write, so parallel runs never lose a profile.
import {chmodSync, mkdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import type Conf from 'conf'
import type {LockOptions} from 'proper-lockfile'

import {ConfigError} from '../errors.js'
import {hideFromDebugOutput} from './debug-output.js'
import type {Profile, StoredConfig} from './config-schema.js'

export type {Profile, StoredConfig, StoredWorkspace} from './config-schema.js'

export const CONFIG_FILE_NAME = 'config.json'

export interface LockTiming {
  /** A lock not refreshed for this long belongs to a process that died; the next writer takes it over. */
  staleMs: number
  /** How often, and for how long, a writer tries again while another holds the lock. */
  retries: {retries: number; factor: number; minTimeout: number; maxTimeout: number; randomize: boolean}
}

// About 15 s of tries in all: longer than a stale lock lives (5 s), so a crashed writer never blocks
// the next one, and far longer than any live writer holds it (a read and a write of a small file).
export const DEFAULT_LOCK_TIMING: LockTiming = {
  staleMs: 5000,
  // Stryker disable next-line BooleanLiteral: randomized waits only spread writers out in time
  retries: {retries: 40, factor: 1.3, minTimeout: 10, maxTimeout: 500, randomize: true},
}

/** A service token or an OAuth session's tokens. */
export function hasCredential(profile: Profile): boolean {
  return Boolean(profile.token || profile.accessToken || profile.refreshToken)
}

/** Drops the credentials from a profile in place; the API URL, workspace, client id and auth URL stay. */
export function clearCredentials(profile: Profile): void {
  delete profile.token
  delete profile.credential
  delete profile.accessToken
  delete profile.refreshToken
  delete profile.expiresAt
}

/** The names of the profiles that hold credentials, the most recently saved first, then by name. */
export function profilesWithCredentials(config: StoredConfig): string[] {
  return Object.entries(config.profiles ?? {})
    .filter(([, profile]) => hasCredential(profile))
    .sort(([a, pa], [b, pb]) => (pb.savedAt ?? '').localeCompare(pa.savedAt ?? '') || byName(a, b))
    .map(([name]) => name)
}

/** Makes the most recently saved profile that holds credentials current, when there is one (the current one has just lost its own). */
function succeed(config: StoredConfig): string | undefined {
  const next = profilesWithCredentials(config)[0]
  if (next) config.currentProfile = next
  return next
}

/** Profile names are the keys of one object, so two are never equal. */
function byName(a: string, b: string): number {
  // Stryker disable next-line EqualityOperator: names are never equal, so < and <= agree
  return a < b ? -1 : 1
}

export class ProfileStore {
  readonly path: string
  /** A directory proper-lockfile creates while a writer holds the lock; the config file itself may not exist yet. */
  readonly lockPath: string
  #conf?: Conf<StoredConfig>

  constructor(
    readonly dir: string,
    private readonly lockTiming: LockTiming = DEFAULT_LOCK_TIMING,
  ) {
    this.path = join(dir, CONFIG_FILE_NAME)
    this.lockPath = `${this.path}.lock`
  }

  /** The file as it is on disk now, checked; {} when there is none yet. */
  async read(): Promise<StoredConfig> {
    let text: string
    try {
      // Stryker disable next-line StringLiteral: JSON.parse reads a Buffer as UTF-8 text too
      text = readFileSync(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
      throw this.#unreadable(error)
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      throw this.#unreadable(error)
    }
    const {configProblems} = await import('./config-schema.js')
    const problems = configProblems(parsed)
    if (problems.length > 0) throw this.#unreadable(new Error(problems.join('; ')))
    const config = parsed as StoredConfig
    for (const profile of Object.values(config.profiles ?? {})) {
      hideFromDebugOutput(profile.token)
      hideFromDebugOutput(profile.accessToken)
      hideFromDebugOutput(profile.refreshToken)
    }
    return config
  }

  async currentProfileName(): Promise<string | undefined> {
    return (await this.read()).currentProfile
  }

  async profile(name: string): Promise<Profile | undefined> {
    return (await this.read()).profiles?.[name]
  }

  /**
   * Merges into the stored profile, so keys another writer (or a newer prisma-mgmt) put there stay.
   * `makeCurrent`: true makes it the current profile; `unless-another` only when no other profile
   * that holds credentials is current (decided under the lock). Returns the current profile before and after.
   */
  async saveProfile(name: string, profile: Profile, {makeCurrent = true}: {makeCurrent?: boolean | 'unless-another'} = {}): Promise<{current?: string; previous?: string}> {
    return this.update((config) => {
      const previous = config.currentProfile
      config.profiles = {...config.profiles, [name]: {...config.profiles?.[name], ...profile}}
      // Stryker disable next-line ConditionalExpression,LogicalOperator: when previous is this profile or none, it stays or becomes current either way
      const other = previous === undefined || previous === name ? undefined : config.profiles[previous]
      if (makeCurrent === true || (makeCurrent === 'unless-another' && !(other && hasCredential(other)))) config.currentProfile = name
      return {current: config.currentProfile, previous}
    })
  }

  /** Removes the profile's token; true when there was one. */
  async removeToken(name: string): Promise<boolean> {
    return this.update((config) => {
      const profile = config.profiles?.[name]
      if (!profile?.token) return false
      delete profile.token
      return true
    })
  }

  /**
   * Removes every credential of the profile (a service token, an OAuth session's tokens) and keeps
   * the rest; returns what was removed, read under the lock, so the caller can revoke it.
   */
  async removeCredentials(name: string): Promise<Profile | undefined> {
    return this.update((config) => {
      const profile = config.profiles?.[name]
      if (!profile || !hasCredential(profile)) return undefined
      const removed = {...profile}
      clearCredentials(profile)
      return removed
    })
  }

  /**
   * Logging out: the profile's credentials go (the rest stays). When it was the current profile
   * (or, with none current, the one commands fall back to: `fallback`) and another still holds
   * credentials, that one becomes current (the most recently saved, then by name), as `gh auth
   * logout` switches to another account. Returns what was removed, and which profile commands
   * used before and use after.
   */
  async logOut(name: string, {fallback}: {fallback?: string} = {}): Promise<{removed?: Profile; before?: string; after?: string}> {
    return this.update((config) => {
      const before = config.currentProfile ?? fallback
      const profile = config.profiles?.[name]
      let removed: Profile | undefined
      if (profile && hasCredential(profile)) {
        removed = {...profile}
        clearCredentials(profile)
      }
      if (before === name) succeed(config)
      return {removed, before, after: config.currentProfile ?? fallback}
    })
  }

  /**
   * Removes the whole profile; returns it as it was (undefined when there is none), and which
   * profile commands used before and use after. When it was the current profile (or, with none
   * current, `fallback`), the most recently saved profile that holds credentials becomes
   * current (`next`), as on logout; with none, no profile is current.
   */
  async removeProfile(name: string, {fallback}: {fallback?: string} = {}): Promise<{profile: Profile; before?: string; after?: string; next?: string} | undefined> {
    return this.update((config) => {
      const profile = config.profiles?.[name]
      if (!profile || !config.profiles) return undefined
      const before = config.currentProfile ?? fallback
      delete config.profiles[name]
      if (config.currentProfile === name) delete config.currentProfile
      const next = before === name ? succeed(config) : undefined
      return {profile, before, after: config.currentProfile ?? fallback, next}
    })
  }

  async setCurrentProfile(name: string): Promise<void> {
    await this.update((config) => {
      config.currentProfile = name
    })
  }

  /**
   * The one way to change the file: under a lock held across processes, `change` edits the
   * config as just read from disk, and the result is written atomically (only when it differs).
   * `change` may be async (a token refresh asks the server while holding the lock).
   */
  async update<R>(change: (config: StoredConfig) => R | Promise<R>): Promise<R> {
    try {
      mkdirSync(this.dir, {recursive: true, mode: 0o700})
      chmodSync(this.dir, 0o700)
    } catch (error) {
      throw this.#unwritable(error)
    }
    const lock = await this.#lock()
    try {
      const config = await this.read()
      const before = JSON.stringify(config)
      const result = await change(config)
      if (JSON.stringify(config) === before) return result
      const {configProblems} = await import('./config-schema.js')
      const problems = configProblems(config)
      if (problems.length > 0) throw this.#unwritable(new Error(`the new content would be invalid: ${problems.join('; ')}`))
      // Another process took the lock over (this one stalled past the stale time): its write stands.
      if (lock.compromised()) throw this.#unwritable(new Error('the lock was taken over by another process while this one waited'))
      await this.#write(config)
      return result
    } finally {
      await lock.release()
    }
  }

  async #lock(): Promise<{release: () => Promise<void>; compromised: () => boolean}> {
    const {default: lockfile} = await import('proper-lockfile')
    let compromised = false
    const options: LockOptions = {
      realpath: false,
      lockfilePath: this.lockPath,
      stale: this.lockTiming.staleMs,
      update: 1000,
      retries: this.lockTiming.retries,
      // The default throws from a timer, an uncaught exception; update() checks this before writing instead.
      onCompromised: () => {
        compromised = true
      },
    }
    let unlock: () => Promise<void>
    try {
      unlock = await lockfile.lock(this.path, options)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
        throw new ConfigError(
          `Cannot write the configuration file ${this.path}: another prisma-mgmt process kept it locked (${this.lockPath}).`,
          `Try again in a moment. If no other prisma-mgmt is running, remove ${this.lockPath}.`,
        )
      }
      throw this.#unwritable(error)
    }
    return {
      compromised: () => compromised,
      // A lock that cannot be removed goes stale and the next writer takes it over.
      release: async () => {
        if (!compromised) await unlock().catch(() => undefined)
      },
    }
  }

  async #write(config: StoredConfig): Promise<void> {
    try {
      this.#conf ??= new (await import('conf')).default<StoredConfig>({
        cwd: this.dir,
        configName: 'config',
        configFileMode: 0o600,
        // Stryker disable next-line StringLiteral: with cwd given, conf names no folder after the project
        projectName: 'prisma-mgmt',
        // Stryker disable next-line StringLiteral: with cwd given, conf names no folder after the project
        projectSuffix: '',
        // Stryker disable next-line BooleanLiteral: update() refuses an invalid file before conf ever reads it
        clearInvalidConfig: false,
      })
      // What is written is what update() just read under the lock and changed, never conf's own read.
      this.#conf.store = config
    } catch (error) {
      throw this.#unwritable(error)
    }
  }

  #unreadable(error: unknown): ConfigError {
    const reason = error instanceof SyntaxError
      ? 'it is not valid JSON'
      : (error as NodeJS.ErrnoException)?.code === 'EACCES'
        ? 'permission denied'
        : error instanceof Error ? error.message : String(error)
    return new ConfigError(
      `Cannot read the configuration file ${this.path}: ${reason}.`,
      'Fix or remove that file yourself (prisma-mgmt never overwrites it), then run the command again.',
    )
  }

  #unwritable(error: unknown): ConfigError {
    const reason = (error as NodeJS.ErrnoException)?.code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error)
    return new ConfigError(`Cannot write the configuration file ${this.path}: ${reason}.`, 'Check that the folder is writable by you.')
  }
}
