import {Flags} from '@oclif/core'

import {idArg} from '../../flags.js'
import {BaseCommand} from '../../base-command.js'
import {confirmAndDelete} from '../../flows/confirm-delete.js'
import {findServiceToken, tokenWorkspace} from '../../flows/service-tokens.js'
import {safe} from '../../output/safe-text.js'

export default class TokensDelete extends BaseCommand<typeof TokensDelete> {
  static override summary = 'Delete a service token; it stops working at once'

  static override description = 'On a terminal, asks you to type the token\'s name. Elsewhere (scripts, CI) nothing is deleted without --yes.'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1tok0000007', '<%= config.bin %> <%= command.id %> cmf1tok0000007 --yes']

  static override args = {
    id: idArg({description: 'Service token id (see `tokens list`)', required: true}),
  }

  static override flags = {
    workspace: Flags.string({description: 'Workspace id [default: the token\'s workspace]'}),
    yes: Flags.boolean({char: 'y', description: 'Delete without asking', default: false}),
  }

  public async run(): Promise<{id: string; deleted: true}> {
    const api = await this.api()
    const workspaceId = await tokenWorkspace(api, this.flags.workspace)
    const deleted = await confirmAndDelete({
      what: 'service token',
      yes: this.flags.yes,
      canAsk: this.interactive,
      prompter: this.deps.prompter,
      get: () => findServiceToken(api, workspaceId, this.args.id),
      remove: (token) => api.deleteServiceToken(workspaceId, token.id),
    })
    return this.document({id: deleted.id, deleted: true}, () => safe`Deleted service token ${deleted.name} (${deleted.id}).`)
  }
}
