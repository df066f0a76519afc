import type {PostgresRegion} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {columnsFlag} from '../../flags.js'
import {regionFields} from '../../output/resources.js'

export default class RegionsList extends BaseCommand<typeof RegionsList> {
  static override summary = 'List the regions where Prisma Postgres runs'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  static override fields = regionFields

  static override flags = {
    ...columnsFlag,
  }

  public async run(): Promise<PostgresRegion[]> {
    const api = await this.api()
    return this.list(regionFields, await api.listPostgresRegions())
  }

}
