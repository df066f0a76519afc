import {Flags} from '@oclif/core'

import type {AccelerateRegion, PostgresRegion, Region} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {columnsFlag} from '../../flags.js'
import {selectFields} from '../../output/fields.js'
import {anyRegionFields} from '../../output/resources.js'

const PRODUCTS = ['postgres', 'accelerate', 'all'] as const

/** Each product's columns: Accelerate regions have no status, and one product's list needs no PRODUCT column. */
const COLUMNS: Record<(typeof PRODUCTS)[number], string[]> = {
  postgres: ['id', 'name', 'status'],
  accelerate: ['id', 'name'],
  all: ['id', 'name', 'product', 'status'],
}

export default class RegionsList extends BaseCommand<typeof RegionsList> {
  static override summary = 'List the regions where Prisma Postgres (or Prisma Accelerate) runs'

  static override description = `Prisma Postgres regions by default (GET /v1/regions/postgres): ID, NAME and STATUS; only "available" ones take new databases.
--product accelerate lists Prisma Accelerate's regions (GET /v1/regions/accelerate), which have no status; --product all lists every product's (GET /v1/regions) with a PRODUCT column.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {description: 'Where Prisma Accelerate runs', command: '<%= config.bin %> <%= command.id %> --product accelerate'},
    {description: 'Every product\'s regions, as JSON', command: '<%= config.bin %> <%= command.id %> --product all --json'},
  ]

  static override flags = {
    ...columnsFlag,
    product: Flags.option({options: PRODUCTS, description: 'Whose regions: Prisma Postgres, Prisma Accelerate, or every product\'s', default: 'postgres'})(),
  }

  public async run(): Promise<(PostgresRegion | AccelerateRegion | Region)[]> {
    const {product} = this.flags
    const spec = anyRegionFields().filter((field) => COLUMNS[product].includes(field.name))
    // The columns depend on --product, so --columns is checked here, still before any request.
    selectFields(spec, this.output.columns)
    const api = await this.api()
    const regions =
      product === 'postgres' ? await api.listPostgresRegions() : product === 'accelerate' ? await api.listAccelerateRegions() : await api.listRegions()
    return this.list(spec, regions, {empty: 'No regions.'})
  }
}
