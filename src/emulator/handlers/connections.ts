// Connections (credentials) of a database. Only creating and rotating answer with secrets.
import type {ResponseBody} from '../../api/contract.js'
import type {Call, Reply} from '../core.js'
import {requireConnection, requireDatabase} from '../core.js'
import {pageOf, readPageRequest} from '../pagination.js'
import {objectBody, requiredName} from '../validation.js'
import {connectionView, mintedConnectionView} from '../views.js'

export function listDatabaseConnections({core, params, query}: Call): Reply {
  const database = requireDatabase(core, params.databaseId)
  const page = pageOf(core.store.connectionsOf(database.id), readPageRequest(query))
  const data = page.items.map((connection) => connectionView(core.views, connection, database))
  return {status: 200, body: {data, pagination: page.pagination} satisfies ResponseBody<'getV1DatabasesByDatabaseIdConnections', 200>}
}

export async function createConnection({core, params, body}: Call): Promise<Reply> {
  const database = requireDatabase(core, params.databaseId)
  const name = requiredName(objectBody(body))
  const {minted, endpoints} = await core.provisioning.mintConnection(database, name)
  return {status: 200, body: {data: mintedConnectionView(core.views, minted, database, endpoints)} satisfies ResponseBody<'postV1DatabasesByDatabaseIdConnections', 200>}
}

export function listConnections({core, query}: Call): Reply {
  const request = readPageRequest(query)
  const databaseId = query.get('databaseId')
  const page = pageOf(databaseId === null ? core.store.connections : core.store.connectionsOf(databaseId), request)
  const data = page.items.flatMap((connection) => {
    const database = core.store.databases.get(connection.databaseId)
    return database ? [connectionView(core.views, connection, database)] : []
  })
  return {status: 200, body: {data, pagination: page.pagination} satisfies ResponseBody<'getV1Connections', 200>}
}

export function getConnection({core, params}: Call): Reply {
  const {connection, database} = requireConnection(core, params.id)
  return {status: 200, body: {data: connectionView(core.views, connection, database)} satisfies ResponseBody<'getV1ConnectionsById', 200>}
}

export async function deleteConnection({core, params}: Call): Promise<Reply> {
  const {connection} = requireConnection(core, params.id)
  await core.provisioning.deleteConnection(connection)
  return {status: 204}
}

export async function rotateConnection({core, params}: Call): Promise<Reply> {
  const {connection, database} = requireConnection(core, params.id)
  const {minted, endpoints} = await core.provisioning.rotate(connection, database)
  return {status: 200, body: {data: mintedConnectionView(core.views, minted, database, endpoints)} satisfies ResponseBody<'postV1ConnectionsByIdRotate', 200>}
}
