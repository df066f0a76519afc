// Connections (credentials) of a database. Only creating and rotating answer with secrets.
import type {ResponseBody} from '../../api/contract.js'
import type {Call, Reply} from '../core.js'
import {findDatabase, requireConnection, requireDatabase} from '../core.js'
import {pageOf, readPageRequest} from '../pagination.js'
import {invalid} from '../problems.js'
import {objectBody, optionalString, requiredName} from '../validation.js'
import {connectionView, mintedConnectionView} from '../views.js'

export function listDatabaseConnections(call: Call): Reply {
  const {core, params, query} = call
  const database = requireDatabase(call, params.databaseId)
  const page = pageOf(core.store.connectionsOf(database.id), readPageRequest(query))
  const data = page.items.map((connection) => connectionView(core.views, connection, database))
  return {status: 200, body: {data, pagination: page.pagination} satisfies ResponseBody<'getV1DatabasesByDatabaseIdConnections', 200>}
}

async function mintIn(call: Call, databaseId: string, name: string) {
  const database = requireDatabase(call, databaseId)
  const {minted, endpoints} = await call.core.provisioning.mintConnection(database, name)
  return mintedConnectionView(call.core.views, minted, database, endpoints)
}

export async function createConnection(call: Call): Promise<Reply> {
  const data = await mintIn(call, call.params.databaseId, requiredName(objectBody(call.body)))
  return {status: 200, body: {data} satisfies ResponseBody<'postV1DatabasesByDatabaseIdConnections', 200>}
}

/** POST /v1/connections: the same, the database named in the body; answered 201, as the contract says. */
export async function createConnectionFromBody(call: Call): Promise<Reply> {
  const fields = objectBody(call.body)
  const databaseId = optionalString(fields, 'databaseId')
  if (databaseId === undefined || databaseId.trim() === '') throw invalid('databaseId is required: the database to create the connection for.', 'List your databases with GET /v1/databases.')
  const data = await mintIn(call, databaseId, requiredName(fields))
  return {status: 201, body: {data} satisfies ResponseBody<'postV1Connections', 201>}
}

export function listConnections(call: Call): Reply {
  const {core, principal, query} = call
  const request = readPageRequest(query)
  const databaseId = query.get('databaseId')
  // A database of another workspace has, for this caller, no connections.
  const source = databaseId === null ? core.store.connectionsIn(principal.workspace.id) : findDatabase(call, databaseId) && core.store.connectionsOf(databaseId)
  const page = pageOf(source, request)
  const data = page.items.flatMap((connection) => {
    const database = core.store.databases.get(connection.databaseId)
    return database ? [connectionView(core.views, connection, database)] : []
  })
  return {status: 200, body: {data, pagination: page.pagination} satisfies ResponseBody<'getV1Connections', 200>}
}

export function getConnection(call: Call): Reply {
  const {connection, database} = requireConnection(call, call.params.id)
  return {status: 200, body: {data: connectionView(call.core.views, connection, database)} satisfies ResponseBody<'getV1ConnectionsById', 200>}
}

export async function deleteConnection(call: Call): Promise<Reply> {
  const {connection} = requireConnection(call, call.params.id)
  await call.core.provisioning.deleteConnection(connection)
  return {status: 204}
}

export async function rotateConnection(call: Call): Promise<Reply> {
  const {core, params} = call
  const {connection, database} = requireConnection(call, params.id)
  const {minted, endpoints} = await core.provisioning.rotate(connection, database)
  return {status: 200, body: {data: mintedConnectionView(core.views, minted, database, endpoints)} satisfies ResponseBody<'postV1ConnectionsByIdRotate', 200>}
}
