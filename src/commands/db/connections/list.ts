import {Flags} from '@oclif/core'

import type {Connection} from '../../../api/contract.js'
import {idArg} from '../../../arguments.js'
import {BaseCommand} from '../../../base-command.js'
import {connectionColumns} from '../../../render/resources.js'
import {renderTable} from '../../../render/table.js'

export default class DbConnectionsList extends BaseCommand<typeof DbConnectionsList> {
  static override summary = 'List the connections (credentials) of a database'

  static override description = 'Shows names, hosts and ports. Secrets are never shown: the API returns them only when a connection is created or rotated.'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1db2x0003', '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --json']

  static override args = {
    'db-id': idArg({description: 'Database id [default: --project\'s default database, or a choice on a terminal]'}),
  }

  static override flags = {
    project: Flags.string({description: 'Use this project\'s default database'}),
    limit: Flags.integer({description: 'Stop after this many connections', min: 1}),
  }

  public async run(): Promise<Connection[]> {
    const databaseId = await this.resolveDatabaseId(this.args['db-id'], this.flags.project)
    const api = await this.api()
    const connections = await this.collect(api.listConnections(databaseId, {limit: this.flags.limit}))
    if (!this.json) this.out(connections.length > 0 ? await renderTable(connectionColumns, connections) : `Database ${databaseId} has no connections.`)
    return connections
  }
}
