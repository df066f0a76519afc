import {Flags} from '@oclif/core'

import type {WorkspaceIntegration} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {collect} from '../../api/collect.js'
import {columnsFlag} from '../../flags.js'
import {tokenWorkspace} from '../../flows/service-tokens.js'
import {integrationFields} from '../../output/resources.js'
import {safe} from '../../output/safe-text.js'

export default class IntegrationsList extends BaseCommand<typeof IntegrationsList> {
  static override summary = 'List the OAuth applications with access to a workspace'

  static override description = 'Each integration is an application a user authorized (APP, its CLIENT ID), the scopes it was granted and who granted them. `integrations revoke <id>` ends its access.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --workspace cmf1ws0000001 --json']

  static override fields = integrationFields

  static override flags = {
    ...columnsFlag,
    workspace: Flags.string({description: 'Workspace id [default: the token\'s workspace]'}),
    limit: Flags.integer({description: 'Stop after this many integrations', min: 1}),
  }

  public async run(): Promise<WorkspaceIntegration[]> {
    const api = await this.api()
    const workspaceId = await tokenWorkspace(api, this.flags.workspace)
    const integrations = await collect(api.listIntegrations(workspaceId, {limit: this.flags.limit}))
    return this.list(integrationFields, integrations, {empty: safe`No application has access to workspace ${workspaceId}.`})
  }
}
