// Named profiles kept with conf in oclif's config directory: file 0600, folder 0700.
// A file that cannot be read is reported, never replaced: the user decides what to do with it.
import {chmodSync, mkdirSync} from 'node:fs'
import {join} from 'node:path'
import type Conf from 'conf'

import {ConfigError} from '../errors.js'

export interface StoredWorkspace {
  id: string
  name: string
}

export interface Profile {
  apiUrl?: string
  token?: string
  workspace?: StoredWorkspace
  /** ISO time the profile was last saved by login. */
  savedAt?: string
}

export interface StoredConfig {
  currentProfile?: string
  profiles?: Record<string, Profile>
}

export const CONFIG_FILE_NAME = 'config.json'

export class ProfileStore {
  readonly path: string
  #conf?: Conf<StoredConfig>

  constructor(readonly dir: string) {
    this.path = join(dir, CONFIG_FILE_NAME)
  }

  async #open(): Promise<Conf<StoredConfig>> {
    if (this.#conf) return this.#conf
    const {default: ConfClass} = await import('conf')
    try {
      mkdirSync(this.dir, {recursive: true, mode: 0o700})
      chmodSync(this.dir, 0o700)
      this.#conf = new ConfClass<StoredConfig>({
        cwd: this.dir,
        configName: 'config',
        configFileMode: 0o600,
        projectName: 'prisma-mgmt',
        projectSuffix: '',
        clearInvalidConfig: false,
      })
      // Reading once here turns a corrupt file into one clear error up front.
      void this.#conf.store
    } catch (error) {
      throw this.#describe(error)
    }
    return this.#conf
  }

  #describe(error: unknown): ConfigError {
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

  async read(): Promise<StoredConfig> {
    const conf = await this.#open()
    try {
      return conf.store
    } catch (error) {
      throw this.#describe(error)
    }
  }

  async currentProfileName(): Promise<string | undefined> {
    return (await this.read()).currentProfile
  }

  async profile(name: string): Promise<Profile | undefined> {
    return (await this.read()).profiles?.[name]
  }

  async saveProfile(name: string, profile: Profile, {makeCurrent = true} = {}): Promise<void> {
    const config = await this.read()
    const next: StoredConfig = {
      ...config,
      profiles: {...config.profiles, [name]: profile},
    }
    if (makeCurrent) next.currentProfile = name
    await this.#write(next)
  }

  /** Removes the profile's token; true when there was one. */
  async removeToken(name: string): Promise<boolean> {
    const config = await this.read()
    const profile = config.profiles?.[name]
    if (!profile?.token) return false
    const {token: _removed, ...rest} = profile
    await this.#write({...config, profiles: {...config.profiles, [name]: rest}})
    return true
  }

  async #write(config: StoredConfig): Promise<void> {
    const conf = await this.#open()
    try {
      conf.store = config
    } catch (error) {
      throw new ConfigError(
        `Cannot write the configuration file ${this.path}: ${error instanceof Error ? error.message : String(error)}.`,
        'Check that the folder is writable by you.',
      )
    }
  }
}
