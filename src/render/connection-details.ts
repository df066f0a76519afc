// The view of a freshly minted credential on a terminal: one small table per endpoint with every
// field a user copies (connection string, host, port, user, password, database). A string too
// wide for the terminal stands on its own line, whole, so copying it gets no borders.
import type {ConnectionDetails as ConnectionView, EndpointDetails as EndpointView} from '../api/connection-details.js'
import type {IOStreams} from '../io/streams.js'
import {boxedFields, bold} from '../output/print.js'
import {safe} from '../output/safe-text.js'

export type {ConnectionDetails as ConnectionView, EndpointDetails as EndpointView} from '../api/connection-details.js'

const TITLES: Record<EndpointView['endpoint'], string> = {
  direct: 'Direct connection',
  pooled: 'Pooled connection',
  accelerate: 'Prisma Accelerate',
}

export async function renderConnectionDetails(io: IOStreams, connection: ConnectionView): Promise<string> {
  const blocks: string[] = [`${await bold(io, 'Connection')} ${safe`${connection.name} (${connection.id})`}`]
  if (connection.endpoints.length === 0) blocks.push('The API returned no endpoints for this connection.')
  for (const endpoint of connection.endpoints) {
    const rows: [string, string, boolean][] = []
    if (endpoint.connectionString) rows.push(['Connection string', endpoint.connectionString, true])
    rows.push(['Host', endpoint.host, true], ['Port', String(endpoint.port), false])
    if (endpoint.user !== undefined) rows.push(['User', endpoint.user, true])
    if (endpoint.password !== undefined) rows.push(['Password', endpoint.password, true])
    if (endpoint.database !== undefined) rows.push(['Database', endpoint.database, true])
    blocks.push(`${await bold(io, TITLES[endpoint.endpoint])}\n${await boxedFields(io, rows)}`)
  }
  return blocks.join('\n\n')
}
