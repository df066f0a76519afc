// A database just created (alone or with its project): a line about it, then the details of
// each connection the API minted with it, secrets included, since they are shown only once.
import {renderConnectionDetails} from './connection-details.js'
import type {ConnectionView} from './connection-details.js'
import {safe} from './safe-text.js'
import {paint, streams} from './terminal.js'

export interface CreatedDatabaseView {
  id: string
  name: string
  status: string
  region?: {id: string} | null
}

export async function renderCreatedDatabase(database: CreatedDatabaseView, connections: readonly ConnectionView[]): Promise<string> {
  const chalk = await paint(streams.stdout)
  const region = database.region ? safe` in ${database.region.id}` : ''
  const blocks = [`${chalk.bold('Database')} ${safe`${database.name} (${database.id})`}${region}: ${safe`${database.status}`}`]
  if (connections.length === 0) {
    blocks.push(safe`The API returned no connection for it; mint one with \`prisma-mgmt db credentials ${database.id}\`.`)
  }
  for (const connection of connections) blocks.push(await renderConnectionDetails(connection))
  if (connections.length > 0) blocks.push(chalk.dim('These secrets are shown only once. Store them now.'))
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
