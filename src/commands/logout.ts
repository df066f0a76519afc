import {DEFAULT_PROFILE, ENV} from '../auth/settings.js'
import type {StoredConfig} from '../auth/store.js'
import {BaseCommand} from '../base-command.js'
import {endSession, type Ending} from '../flows/end-session.js'
import {currentAfterwards} from '../flows/profiles.js'
import {safe} from '../output/safe-text.js'

/** What logout prints with --json. */
export interface LoggedOut {
  profile: string
  removed: boolean
  revoked?: boolean
  /** The profile commands use after the logout, unless --profile or PRISMA_MGMT_PROFILE names another. */
  current: string
}

export default class Logout extends BaseCommand<typeof Logout> {
  static override summary = 'Remove the stored credentials of a profile'

  static override description = `Deletes the service token or the browser session saved by \`login\` for the profile (the current one unless --profile says otherwise); a browser session's refresh token is also revoked where the authorization server offers revocation (a failure there is a warning). The rest of the profile stays. Succeeds when there was nothing to remove.

Logging out of the current profile makes another profile that is still logged in current (the one saved most recently), and says which; when there is none, the next command asks you to log in.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --profile staging']

  public async run(): Promise<LoggedOut> {
    const profile = await this.settings.profileName()
    const before = await this.settings.store.read()
    const {removed, before: previous, after: current} = await this.settings.store.logOut(profile.value, {fallback: DEFAULT_PROFILE})
    const switched = previous === profile.value && current !== previous
    const ending = await endSession(removed, {http: () => this.deps.oauthHttp(), warn: (line) => this.io.stderr.write(`${line}\n`)})
    if (this.io.env[ENV.token]?.trim()) {
      this.note(`Note: ${ENV.token} is still set in your environment and is used before any profile.`)
    }
    const override = this.io.env[ENV.profile]?.trim()
    if (override && override === profile.value && switched) this.note(safe`Note: ${ENV.profile}=${override} is set and is used before the current profile.`)
    const result: LoggedOut = {profile: profile.value, removed: removed !== undefined, ...(ending.revoked === undefined ? {} : {revoked: ending.revoked}), current: current ?? DEFAULT_PROFILE}
    return this.document(result, () => [said(profile.value, removed !== undefined, ending, before), ...currentAfterwards(profile.value, previous, switched ? current : undefined, before)].join('\n'))
  }
}

function said(profile: string, removed: boolean, ending: Ending, config: StoredConfig): string {
  if (!removed) {
    if (config.profiles?.[profile]) return safe`Profile "${profile}" had no stored token; nothing to remove.`
    const names = Object.keys(config.profiles ?? {}).sort()
    return safe`There is no profile named "${profile}"; nothing to remove.` + (names.length > 0 ? safe` Profiles: ${names.join(', ')}.` : '')
  }
  if (ending.kind === 'token') return safe`Logged out: removed the token of profile "${profile}".`
  const revoked = ending.revoked ? ' and revoked it at the authorization server' : ''
  return safe`Logged out: removed the browser session of profile "${profile}"` + `${revoked}.`
}
