// Stored profiles as rows, what is current after one loses its credentials, and the one way to
// name one that does not exist.
import type {Profile, StoredConfig} from '../auth/store.js'
import {DEFAULT_API_URL} from '../auth/settings.js'
import type {CredentialKind, ProfileRow} from '../output/resources.js'
import {safe} from '../output/safe-text.js'

export function credentialOf(profile: Profile): CredentialKind | 'none' {
  if (profile.credential === 'oauth') return profile.refreshToken || profile.accessToken ? 'oauth' : 'none'
  if (profile.credential === 'github-actions') return profile.token ? 'github-actions' : 'none'
  return profile.token ? 'service token' : 'none'
}

/** Every stored profile, by name, without its tokens; `current` is the profile commands use now. */
export function profileRows(config: StoredConfig, current: string): ProfileRow[] {
  return Object.entries(config.profiles ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, profile]) => ({
      name,
      credential: credentialOf(profile),
      workspace: profile.workspace ? {id: profile.workspace.id, name: profile.workspace.name} : null,
      apiUrl: profile.apiUrl ?? DEFAULT_API_URL,
      authUrl: profile.authUrl ?? null,
      clientId: profile.clientId ?? null,
      expiresAt: ['oauth', 'github-actions'].includes(credentialOf(profile)) ? (profile.expiresAt ?? null) : null,
      savedAt: profile.savedAt ?? null,
      current: name === current,
    }))
}

/**
 * What is current now, when the profile logged out of or removed (`profile`) was the current one
 * (`previous`): `next` is the profile made current, if any; `config` is the configuration as it
 * was before (it names `next`'s workspace). Shared by `logout` and `profiles remove`.
 */
export function currentAfterwards(profile: string, previous: string | undefined, next: string | undefined, config: StoredConfig): string[] {
  if (previous !== profile) return []
  if (next) {
    const workspace = config.profiles?.[next]?.workspace
    return [safe`Profile "${next}"` + (workspace ? safe` (workspace ${workspace.name})` : '') + ' is now the current profile.']
  }
  return ['No other profile is logged in: log in again with `prisma-mgmt login`.']
}

export {unknownProfile} from '../auth/settings.js'
