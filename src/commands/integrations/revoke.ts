import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {idArg} from '../../flags.js'
import {confirmAndDelete} from '../../flows/confirm-delete.js'
import {safe} from '../../output/safe-text.js'

export default class IntegrationsRevoke extends BaseCommand<typeof IntegrationsRevoke> {
  static override summary = 'Revoke an integration: the application\'s tokens stop working'

  static override description = 'The application loses its access to the workspace until someone authorizes it again. On a terminal, asks you to type the application\'s name (APP in `integrations list`). Elsewhere (scripts, CI) nothing is revoked without --yes.'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1int0000001', '<%= config.bin %> <%= command.id %> cmf1int0000001 --yes']

  static override args = {
    id: idArg({description: 'Integration id (see `integrations list`)', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Revoke without asking', default: false}),
  }

  public async run(): Promise<{id: string; revoked: true}> {
    const api = await this.api()
    const revoked = await confirmAndDelete({
      what: 'integration',
      verb: 'revoke',
      consequence: 'The application\'s tokens stop working at once.',
      yes: this.flags.yes,
      canAsk: this.interactive,
      prompter: this.deps.prompter,
      get: async () => {
        const integration = await api.getIntegration(this.args.id)
        // Confirmed by the application's name: an integration has none of its own.
        return {id: integration.id, name: integration.client.name}
      },
      remove: (integration) => api.revokeIntegration(integration.id),
    })
    return this.document({id: revoked.id, revoked: true}, () => safe`Revoked integration ${revoked.id} of ${revoked.name}; its tokens no longer work.`)
  }
}
