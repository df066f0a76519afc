import {Flags} from '@oclif/core'

import type {ServiceToken} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {collect} from '../../api/collect.js'
import {columnsFlag} from '../../flags.js'
import {tokenWorkspace} from '../../flows/service-tokens.js'
import {serviceTokenFields} from '../../output/resources.js'
import {safe} from '../../output/safe-text.js'

export default class TokensList extends BaseCommand<typeof TokensList> {
  static override summary = 'List the service tokens of a workspace'

  static override description = 'Newest first. Never shows a token\'s value: the API returns it only when the token is created; HINT is what the API shows of it.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --workspace cmf1ws0000001 --json']

  static override fields = serviceTokenFields

  static override flags = {
    ...columnsFlag,
    workspace: Flags.string({description: 'Workspace id [default: the token\'s workspace]'}),
    limit: Flags.integer({description: 'Stop after this many tokens', min: 1}),
  }

  public async run(): Promise<ServiceToken[]> {
    const api = await this.api()
    const workspaceId = await tokenWorkspace(api, this.flags.workspace)
    const tokens = await collect(api.listServiceTokens(workspaceId, {limit: this.flags.limit}))
    return this.list(serviceTokenFields, tokens, {empty: safe`Workspace ${workspaceId} has no service tokens.`})
  }
}
