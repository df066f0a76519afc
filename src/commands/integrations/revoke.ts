import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {NotFoundError, UsageError} from '../../errors.js'
import {idArg} from '../../flags.js'
import {confirmAndDelete} from '../../flows/confirm-delete.js'
import {tokenWorkspace} from '../../flows/service-tokens.js'
import {safe} from '../../output/safe-text.js'

export default class IntegrationsRevoke extends BaseCommand<typeof IntegrationsRevoke> {
  static override summary = 'Revoke an integration: the application\'s tokens stop working'

  static override description = `The application loses its access to the workspace until someone authorizes it again. Name the integration by its id (DELETE /v1/integrations/{id}), or the application by its client id with --client (DELETE /v1/workspaces/{id}/integrations/{clientId}, in the token's workspace or --workspace).

On a terminal, asks you to type the application's name (APP in \`integrations list\`). Elsewhere (scripts, CI) nothing is revoked without --yes.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> cmf1int0000001',
    {description: 'An application by its client id, without asking', command: '<%= config.bin %> <%= command.id %> --client my-oauth-app --yes'},
  ]

  static override args = {
    id: idArg({description: 'Integration id (see `integrations list`) [or --client]'}),
  }

  static override flags = {
    client: Flags.string({description: 'Revoke the application with this client id (CLIENT ID in `integrations list`) instead'}),
    workspace: Flags.string({description: 'With --client: the workspace [default: the token\'s workspace]', dependsOn: ['client']}),
    yes: Flags.boolean({char: 'y', description: 'Revoke without asking', default: false}),
  }

  public async run(): Promise<{id: string; clientId: string; revoked: true}> {
    const {id} = this.args
    const clientId = this.flags.client?.trim()
    if (clientId === '') throw new UsageError('The --client flag is empty.', 'Pass the application\'s client id (CLIENT ID in `prisma-mgmt integrations list`).')
    if ((id === undefined) === (clientId === undefined)) {
      throw new UsageError(id ? 'Pass an integration id or --client, not both.' : 'Missing the integration id.', 'Pass the id from `prisma-mgmt integrations list`, or --client <client-id>.')
    }
    const api = await this.api()
    const workspaceId = clientId === undefined ? undefined : await tokenWorkspace(api, this.flags.workspace)
    let client = ''
    const revoked = await confirmAndDelete({
      what: 'integration',
      verb: 'revoke',
      consequence: 'The application\'s tokens stop working at once.',
      yes: this.flags.yes,
      canAsk: this.interactive,
      prompter: this.deps.prompter,
      get: async () => {
        const integration = id === undefined ? await this.byClient(workspaceId!, clientId!) : await api.getIntegration(id)
        client = integration.client.id
        // Confirmed by the application's name: an integration has none of its own.
        return {id: integration.id, name: integration.client.name}
      },
      remove: (integration) => (workspaceId === undefined ? api.revokeIntegration(integration.id) : api.revokeWorkspaceIntegration(workspaceId, client)),
    })
    return this.document({id: revoked.id, clientId: client, revoked: true}, () => safe`Revoked integration ${revoked.id} of ${revoked.name}; its tokens no longer work.`)
  }

  /** The workspace's integration of this client; not found (exit 4) when it has none. */
  private async byClient(workspaceId: string, clientId: string) {
    const api = await this.api()
    for await (const integration of api.listIntegrations(workspaceId)) if (integration.client.id === clientId) return integration
    throw new NotFoundError(
      `No application with client id ${JSON.stringify(clientId)} has access to workspace ${workspaceId}.`,
      'Check the client id: `prisma-mgmt integrations list` shows CLIENT ID.',
    )
  }
}
