import {Flags} from '@oclif/core'

import {idArg} from '../../arguments.js'
import {BaseCommand} from '../../base-command.js'
import {safe} from '../../render/safe-text.js'

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
    const database = await api.getDatabase(this.args['db-id'])
    await this.confirmDeletion({what: 'database', id: database.id, name: database.name, yes: this.flags.yes})
    await api.deleteDatabase(database.id)
    this.out(safe`Deleted database ${database.name} (${database.id}).`)
    return {id: database.id, deleted: true}
  }
}
