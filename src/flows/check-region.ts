// A region named on the command line is checked against the API's list before anything is
// created, so a typo is a usage error naming the valid regions instead of a failed create.
import type {ManagementApi} from '../api/management-api.js'
import {UsageError} from '../errors.js'
import {safe} from '../output/safe-text.js'

export async function checkRegion(api: ManagementApi, region: string): Promise<void> {
  const regions = await api.listPostgresRegions()
  const found = regions.find((r) => r.id === region)
  const valid = regions.filter((r) => r.status === 'available').map((r) => r.id)
  if (!found) {
    throw new UsageError(safe`Unknown region "${region}".`, safe`Valid regions: ${valid.join(', ')} (see \`prisma-mgmt regions list\`).`)
  }
  if (found.status !== 'available') {
    throw new UsageError(safe`Region ${region} is ${found.status}.`, safe`Available regions: ${valid.join(', ')}.`)
  }
}
