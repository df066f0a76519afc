// The view of a freshly minted credential: one small table per endpoint, every field a user
// copies (connection string, host, port, user, password, database).
import type {ConnectionDetails as ConnectionView, EndpointDetails as EndpointView} from '../api/connection-details.js'
import {safe, terminalSafe} from './safe-text.js'
import {paint, streams} from './terminal.js'
import {renderFields} from './table.js'

export type {ConnectionDetails as ConnectionView, EndpointDetails as EndpointView} from '../api/connection-details.js'

/** Longest connection string shown inside the table. */
const MAX_INLINE = 120

const TITLES: Record<EndpointView['endpoint'], string> = {
  direct: 'Direct connection',
  pooled: 'Pooled connection',
  accelerate: 'Prisma Accelerate',
}

export async function renderConnectionDetails(connection: ConnectionView): Promise<string> {
  const chalk = await paint(streams.stdout)
  const blocks: string[] = [`${chalk.bold('Connection')} ${safe`${connection.name} (${connection.id})`}`]
  if (connection.endpoints.length === 0) blocks.push('The API returned no endpoints for this connection.')
  for (const endpoint of connection.endpoints) {
    const rows: [string, string][] = []
    // A string too long for a table row (Accelerate's API keys) stands on its own line, whole,
    // so that copying it from the terminal gets it without borders.
    const inline = endpoint.connectionString !== undefined && endpoint.connectionString.length <= MAX_INLINE
    if (endpoint.connectionString && inline) rows.push(['Connection string', endpoint.connectionString])
    rows.push(['Host', endpoint.host], ['Port', String(endpoint.port)])
    if (endpoint.user !== undefined) rows.push(['User', endpoint.user])
    if (endpoint.password !== undefined) rows.push(['Password', endpoint.password])
    if (endpoint.database !== undefined) rows.push(['Database', endpoint.database])
    const title = chalk.bold(TITLES[endpoint.endpoint])
    const own = endpoint.connectionString && !inline ? `Connection string:\n${terminalSafe(endpoint.connectionString)}\n` : ''
    blocks.push(`${title}\n${own}${await renderFields(rows)}`)
  }
  return blocks.join('\n\n')
}
