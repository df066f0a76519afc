import type {Me} from '../api/contract.js'
import {BaseCommand, describeSource} from '../base-command.js'
import {maskToken} from '../auth/settings.js'
import {whoamiColumns} from '../render/resources.js'
import {renderRecord} from '../render/table.js'

export default class WhoAmI extends BaseCommand<typeof WhoAmI> {
  static override summary = 'Show the workspace and credential the token belongs to'

  static override description = 'Calls GET /v1/me and shows the workspace, user, credential type, the API URL in use and where the token came from (flag, environment or profile). With --json, prints the API\'s answer.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<Me> {
    const api = await this.api()
    const me = await api.getMe()
    const [apiUrl, token, profile] = await Promise.all([this.settings.apiUrl(), this.settings.token(), this.settings.profileName()])
    this.out(
      await renderRecord(whoamiColumns, {
        me,
        apiUrl: apiUrl.value,
        tokenSource: `${describeSource(token.source, 'token')} (${maskToken(token.value)})`,
        profile: profile.value,
      }),
    )
    return me
  }
}
