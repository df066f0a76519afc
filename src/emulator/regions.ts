// The regions Prisma Postgres runs in, as the API names them.
import type {RegionId} from '../api/contract.js'

export const REGIONS: readonly {id: RegionId; name: string}[] = [
  {id: 'us-east-1', name: 'US East (N. Virginia)'},
  {id: 'us-west-1', name: 'US West (N. California)'},
  {id: 'eu-west-3', name: 'Europe (Paris)'},
  {id: 'eu-central-1', name: 'Europe (Frankfurt)'},
  {id: 'ap-northeast-1', name: 'Asia Pacific (Tokyo)'},
  {id: 'ap-southeast-1', name: 'Asia Pacific (Singapore)'},
]

/** What the API picks when a request names no region. */
export const DEFAULT_REGION: RegionId = 'us-east-1'

const BY_ID = new Map<string, {id: RegionId; name: string}>(REGIONS.map((region) => [region.id, region]))

export function isRegionId(value: string): value is RegionId {
  return BY_ID.has(value)
}

export function regionName(id: RegionId): string {
  return BY_ID.get(id)?.name ?? id
}
