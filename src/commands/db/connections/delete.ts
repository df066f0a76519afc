import {Flags} from '@oclif/core'

import {idArg} from '../../../flags.js'
import {BaseCommand} from '../../../base-command.js'
import {confirmAndDelete} from '../../../flows/confirm-delete.js'
import {safe} from '../../../output/safe-text.js'

export default class DbConnectionsDelete extends BaseCommand<typeof DbConnectionsDelete> {
  static override summary = 'Delete a connection; its credential stops working'

  static override description = 'On a terminal, asks you to type the connection\'s name. Elsewhere (scripts, CI) nothing is deleted without --yes.'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1con4x0007', '<%= config.bin %> <%= command.id %> cmf1con4x0007 --yes']

  static override args = {
    'conn-id': idArg({description: 'Connection id (see `db connections list`)', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Delete without asking', default: false}),
  }

  public async run(): Promise<{id: string; deleted: true}> {
    const api = await this.api()
    const deleted = await confirmAndDelete({
      what: 'connection',
      yes: this.flags.yes,
      canAsk: this.interactive,
      prompter: this.deps.prompter,
      get: () => api.getConnection(this.args['conn-id']),
      remove: (resource) => api.deleteConnection(resource.id),
    })
    return this.document({id: deleted.id, deleted: true}, () => safe`Deleted connection ${deleted.name} (${deleted.id}).`)
  }

}
