import {Flags} from '@oclif/core'

import type {Connection} from '../../../api/contract.js'
import {columnsFlag, idArg} from '../../../flags.js'
import {BaseCommand} from '../../../base-command.js'
import {collect} from '../../../api/collect.js'
import {pickDatabase} from '../../../flows/pick-database.js'
import {connectionFields} from '../../../output/resources.js'
import {safe} from '../../../output/safe-text.js'

export default class DbConnectionsList extends BaseCommand<typeof DbConnectionsList> {
  static override summary = 'List the connections (credentials) of a database'

  static override description = 'Shows names, hosts and ports. Secrets are never shown: the API returns them only when a connection is created or rotated.'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1db2x0003', '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --json']

  static override args = {
    'db-id': idArg({description: 'Database id [default: --project\'s default database, or a choice on a terminal]'}),
  }

  static override fields = connectionFields

  static override flags = {
    ...columnsFlag,
    project: Flags.string({description: 'Use this project\'s default database'}),
    limit: Flags.integer({description: 'Stop after this many connections', min: 1}),
  }

  public async run(): Promise<Connection[]> {
    const databaseId = await pickDatabase({api: () => this.api(), prompter: this.deps.prompter, canAsk: this.canChoose}, this.args['db-id'], this.flags.project)
    const api = await this.api()
    const connections = await collect(api.listConnections(databaseId, {limit: this.flags.limit}))
    return this.list(connectionFields, connections, {empty: safe`Database ${databaseId} has no connections.`})
  }

}
