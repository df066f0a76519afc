// A database just created (alone or with its project): a line about it, then the details of
// each connection the API minted with it, secrets included, since they are shown only once.
import type {IOStreams} from '../io/streams.js'
import {bold, dim} from '../output/print.js'
import {renderConnectionDetails, type ConnectionView} from './connection-details.js'
import {safe} from '../output/safe-text.js'

export interface CreatedDatabaseView {
  id: string
  name: string
  status: string
  region?: {id: string} | null
}

export async function renderCreatedDatabase(io: IOStreams, database: CreatedDatabaseView, connections: readonly ConnectionView[]): Promise<string> {
  const region = database.region ? safe` in ${database.region.id}` : ''
  const blocks = [`${await bold(io, 'Database')} ${safe`${database.name} (${database.id})`}${region}: ${safe`${database.status}`}`]
  if (connections.length === 0) {
    blocks.push(safe`The API returned no connection for it; mint one with \`prisma-mgmt db credentials ${database.id}\`.`)
  }
  for (const connection of connections) blocks.push(await renderConnectionDetails(io, connection))
  if (connections.length > 0) blocks.push(await dim(io, 'These secrets are shown only once. Store them now.'))
  return blocks.join('\n\n')
}

/** The same, as plain lines that cannot fail to render: the last resort when a table could not be drawn. */
export function plainCreatedDatabase(database: CreatedDatabaseView, connections: readonly ConnectionView[]): string {
  const lines = [safe`Database ${database.name} (${database.id}): ${database.status}`]
  for (const connection of connections) {
    lines.push(safe`Connection ${connection.name} (${connection.id})`)
    for (const endpoint of connection.endpoints) {
      if (endpoint.connectionString) lines.push(safe`  ${endpoint.endpoint}: ${endpoint.connectionString}`)
    }
  }
  return lines.join('\n')
}
