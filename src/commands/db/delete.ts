import {Flags} from '@oclif/core'

import {idArg} from '../../flags.js'
import {BaseCommand} from '../../base-command.js'
import {confirmAndDelete} from '../../flows/confirm-delete.js'
import {safe} from '../../output/safe-text.js'

export default class DbDelete extends BaseCommand<typeof DbDelete> {
  static override summary = 'Delete a database and its connections'

  static override description = 'On a terminal, asks you to type the database\'s name. Elsewhere (scripts, CI) nothing is deleted without --yes.'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1db2x0003', '<%= config.bin %> <%= command.id %> cmf1db2x0003 --yes']

  static override args = {
    'db-id': idArg({description: 'Database id', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Delete without asking', default: false}),
  }

  public async run(): Promise<{id: string; deleted: true}> {
    const api = await this.api()
    const deleted = await confirmAndDelete({
      what: 'database',
      yes: this.flags.yes,
      canAsk: this.interactive,
      prompter: this.deps.prompter,
      get: () => api.getDatabase(this.args['db-id']),
      remove: (resource) => api.deleteDatabase(resource.id),
    })
    return this.document({id: deleted.id, deleted: true}, () => safe`Deleted database ${deleted.name} (${deleted.id}).`)
  }

}
