import type {Me} from '../api/contract.js'
import {maskToken} from '../auth/settings.js'
import {BaseCommand} from '../base-command.js'
import {describeSource} from '../deps.js'
import {columnsFlag} from '../flags.js'
import {whoamiFields} from '../output/resources.js'

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
      credential: credential.kind === 'oauth' ? 'oauth' : 'service token',
      expiresAt: credential.kind === 'oauth' ? expiresAt?.toISOString() : undefined,
      apiUrl: apiUrl.value,
      tokenSource: credential.kind === 'oauth' ? 'the stored profile (browser login)' : `${describeSource(credential.source, 'token')} (${maskToken(credential.value)})`,
      profile: profile.value,
    })
    return me
  }
}
