// A database just created (alone or with its project): a line about it, then the details of
// each connection the API minted with it, secrets included, since they are shown only once.
import {renderConnectionDetails} from './connection-details.js'
import type {ConnectionView} from './connection-details.js'
import {paint, streams} from './terminal.js'

export interface CreatedDatabaseView {
  id: string
  name: string
  status: string
  region?: {id: string} | null
}

export async function renderCreatedDatabase(database: CreatedDatabaseView, connections: readonly ConnectionView[]): Promise<string> {
  const chalk = await paint(streams.stdout)
  const region = database.region ? ` in ${database.region.id}` : ''
  const blocks = [`${chalk.bold('Database')} ${database.name} (${database.id})${region}: ${database.status}`]
  if (connections.length === 0) {
    blocks.push('The API returned no connection for it; mint one with `prisma-mgmt db credentials ' + database.id + '`.')
  }
  for (const connection of connections) blocks.push(await renderConnectionDetails(connection))
  if (connections.length > 0) blocks.push(chalk.dim('These secrets are shown only once. Store them now.'))
  return blocks.join('\n\n')
}
