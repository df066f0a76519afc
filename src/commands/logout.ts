import {BaseCommand} from '../base-command.js'
import {endSession, type Ending} from '../flows/end-session.js'
import {safe} from '../output/safe-text.js'

export default class Logout extends BaseCommand<typeof Logout> {
  static override summary = 'Remove the stored credentials of a profile'

  static override description = 'Deletes the service token or the browser session saved by `login` for the profile (the current one unless --profile says otherwise); a browser session\'s refresh token is also revoked where the authorization server offers revocation (a failure there is a warning). The rest of the profile stays. Succeeds when there was nothing to remove.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --profile staging']

  public async run(): Promise<{profile: string; removed: boolean; revoked?: boolean}> {
    const profile = await this.settings.profileName()
    const removed = await this.settings.store.removeCredentials(profile.value)
    const ending = await endSession(removed, {http: () => this.deps.oauthHttp(), warn: (line) => this.io.stderr.write(`${line}\n`)})
    if (this.io.env.PRISMA_SERVICE_TOKEN?.trim()) {
      this.note('Note: PRISMA_SERVICE_TOKEN is still set in your environment and is used before any profile.')
    }
    return this.document({profile: profile.value, removed: removed !== undefined, ...(ending.revoked === undefined ? {} : {revoked: ending.revoked})}, () => said(profile.value, removed !== undefined, ending))
  }
}

function said(profile: string, removed: boolean, ending: Ending): string {
  if (!removed) return safe`Profile "${profile}" had no stored token; nothing to remove.`
  if (ending.kind === 'token') return safe`Logged out: removed the token of profile "${profile}".`
  const revoked = ending.revoked ? ' and revoked it at the authorization server' : ''
  return safe`Logged out: removed the browser session of profile "${profile}"` + `${revoked}.`
}
