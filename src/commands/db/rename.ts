import {Args} from '@oclif/core'

import type {RenamedDatabase} from '../../api/contract.js'
import {idArg} from '../../flags.js'
import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {databaseFields} from '../../output/resources.js'
import {safe} from '../../output/safe-text.js'

export default class DbRename extends BaseCommand<typeof DbRename> {
  static override summary = 'Rename a database'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1db2x0003 analytics', '<%= config.bin %> <%= command.id %> cmf1db2x0003 "billing replica" --json']

  static override args = {
    'db-id': idArg({description: 'Database id', required: true}),
    name: Args.string({description: 'The new name', required: true}),
  }

  public async run(): Promise<RenamedDatabase> {
    const name = this.args.name.trim()
    if (!name) throw new UsageError('The name argument is empty.', 'Pass the new name: prisma-mgmt db rename <db-id> <name>.')
    const api = await this.api()
    const database = await api.renameDatabase(this.args['db-id'], name)
    this.aside(safe`Renamed database ${database.id} to "${database.name}".`)
    return this.record(databaseFields, database)
  }
}
