import {Flags} from '@oclif/core'

import type {Database} from '../../api/contract.js'
import {columnsFlag, idArg} from '../../flags.js'
import {BaseCommand} from '../../base-command.js'
import {pickDatabase} from '../../flows/pick-database.js'
import {databaseFields} from '../../output/resources.js'

export default class DbShow extends BaseCommand<typeof DbShow> {
  static override summary = 'Show one database'

  static override description = 'Without a database id, --project shows that project\'s default database; on a terminal you choose a project, then a database.'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1db2x0003', '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --json']

  static override args = {
    'db-id': idArg({description: 'Database id [default: --project\'s default database, or a choice on a terminal]'}),
  }

  static override fields = databaseFields

  static override flags = {
    project: Flags.string({description: 'Show this project\'s default database'}),
    ...columnsFlag,
  }

  public async run(): Promise<Database> {
    const id = await pickDatabase({api: () => this.api(), prompter: this.deps.prompter, canAsk: this.canChoose}, this.args['db-id'], this.flags.project)
    const api = await this.api()
    return this.record(databaseFields, await api.getDatabase(id))
  }
}
