import type {Me} from '../api/contract.js'
import {maskToken, type Credential} from '../auth/settings.js'
import {BaseCommand} from '../base-command.js'
import {describeSource} from '../deps.js'
import {columnsFlag} from '../flags.js'
import {whoamiFields, type WhoAmI as WhoAmIRow} from '../output/resources.js'

export default class WhoAmI extends BaseCommand<typeof WhoAmI> {
  static override summary = 'Show the workspace and credential the token belongs to'

  static override description = 'Calls GET /v1/me and shows the workspace, user, the credential (a browser login\'s OAuth session, with its expiry, or a service token), the API URL in use and where the token came from (flag, environment or profile). With --json or -o yaml, prints the API\'s answer.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  static override fields = whoamiFields

  static override flags = {
    ...columnsFlag,
  }

  public async run(): Promise<Me> {
    const api = await this.api()
    const me = await api.getMe()
    if (this.machine) return this.document(me, () => '')
    const [apiUrl, credential, profile] = await Promise.all([this.settings.apiUrl(), this.settings.credential(), this.settings.profileName()])
    // The session's expiry as it is after any refresh this command made.
    const expiresAt = this.deps.session()?.expiresAt
    await this.record(whoamiFields, {
      me,
      ...this.credential(credential, expiresAt),
      apiUrl: apiUrl.value,
      profile: profile.value,
    })
    return me
  }

  /** How the command authenticated, where that came from, and when it expires (an OAuth session, a GitHub Actions token). */
  private credential(credential: Credential, sessionExpiresAt: Date | undefined): Pick<WhoAmIRow, 'credential' | 'expiresAt' | 'tokenSource'> {
    switch (credential.kind) {
      case 'oauth':
        return {credential: 'oauth', expiresAt: sessionExpiresAt?.toISOString(), tokenSource: 'the stored profile (browser login)'}
      case 'github-actions': {
        // Minted by this command from the runner's OIDC token.
        const minted = this.deps.githubActions()?.minted
        const where = credential.saveTo ? `, saved to profile "${credential.saveTo}"` : ', for this command only'
        return {
          credential: 'github-actions',
          expiresAt: minted?.expiresAt.toISOString(),
          tokenSource: `${describeSource('github-actions', 'token')}${where}${minted ? ` (${maskToken(minted.value)})` : ''}`,
        }
      }
      default:
        if (credential.githubActions) {
          return {credential: 'github-actions', expiresAt: credential.githubActions.expiresAt, tokenSource: `the stored profile (login --github-actions) (${maskToken(credential.value)})`}
        }
        return {credential: 'service token', tokenSource: `${describeSource(credential.source, 'token')} (${maskToken(credential.value)})`}
    }
  }
}
