import type {Integration} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {columnsFlag, idArg} from '../../flags.js'
import {integrationFields} from '../../output/resources.js'

export default class IntegrationsShow extends BaseCommand<typeof IntegrationsShow> {
  static override summary = 'Show one integration: the application, its scopes and who authorized it'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1int0000001', '<%= config.bin %> <%= command.id %> cmf1int0000001 --json']

  static override args = {
    id: idArg({description: 'Integration id (see `integrations list`)', required: true}),
  }

  static override fields = integrationFields

  static override flags = {
    ...columnsFlag,
  }

  public async run(): Promise<Integration> {
    const api = await this.api()
    return this.record(integrationFields, await api.getIntegration(this.args.id))
  }
}
