import {Flags} from '@oclif/core'

import type {ListedDatabase} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {collect} from '../../api/collect.js'
import {columnsFlag} from '../../flags.js'
import {databaseFields} from '../../output/resources.js'

export default class DbList extends BaseCommand<typeof DbList> {
  static override summary = 'List databases, of every project or of one'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001',
    '<%= config.bin %> <%= command.id %> --json',
  ]

  static override fields = databaseFields

  static override flags = {
    ...columnsFlag,
    project: Flags.string({description: 'Only the databases of this project'}),
    limit: Flags.integer({description: 'Stop after this many databases', min: 1}),
  }

  public async run(): Promise<ListedDatabase[]> {
    const api = await this.api()
    const databases = await collect(api.listDatabases({projectId: this.flags.project, limit: this.flags.limit}))
    return this.list(databaseFields, databases, {empty: 'No databases.'})
  }

}
