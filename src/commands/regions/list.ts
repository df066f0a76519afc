import type {PostgresRegion} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {regionColumns} from '../../render/resources.js'
import {renderTable} from '../../render/table.js'

export default class RegionsList extends BaseCommand<typeof RegionsList> {
  static override summary = 'List the regions where Prisma Postgres runs'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  public async run(): Promise<PostgresRegion[]> {
    const api = await this.api()
    const regions = await api.listPostgresRegions()
    this.out(await renderTable(regionColumns, regions))
    return regions
  }
}
