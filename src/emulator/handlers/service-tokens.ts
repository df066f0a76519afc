// A workspace's service tokens. A minted token's value is in the answer that creates it and
// nowhere else: the store keeps its SHA-256 digest, which is all that authentication needs.
// The emulator's own token (the one it printed at start) is listed too, as the oldest.
import {createHash} from 'node:crypto'

import type {ResponseBody} from '../../api/contract.js'
import type {Call, EmulatorCore, Reply, Scope} from '../core.js'
import {newId, newToken} from '../ids.js'
import {pageOfNewestFirst, readPageRequest} from '../pagination.js'
import {notFound, unprocessable} from '../problems.js'
import type {ServiceTokenRecord, WorkspaceRecord} from '../records.js'
import type {Store} from '../store.js'
import {objectBody, requiredName} from '../validation.js'
import {createdServiceTokenView, serviceTokenView, valueHint} from '../views.js'
import {SERVICE_TOKEN_NAME} from './account.js'

/** The hex SHA-256 of a token's value: what the store keeps and looks tokens up by. */
export function tokenDigest(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

type Listed = Pick<ServiceTokenRecord, 'id' | 'seq' | 'name' | 'valueHint' | 'createdAt' | 'expiresAt'>

/** The emulator's own token, as the list shows it: older than everything minted (seq 0). */
function startupToken(core: EmulatorCore): Listed {
  const {store} = core
  return {id: store.credentialId, seq: 0, name: SERVICE_TOKEN_NAME, valueHint: valueHint(core.token), createdAt: store.workspace.createdAt, expiresAt: null}
}

/** The workspace in the path, when it is the caller's: any other does not exist for the caller. */
function callersWorkspace({principal}: Scope, id: string): WorkspaceRecord | undefined {
  return principal.workspace.id === id ? principal.workspace : undefined
}

export function listServiceTokens(call: Call): Reply {
  const {core, params, query} = call
  const request = readPageRequest(query)
  const workspace = callersWorkspace(call, params.workspaceId)
  // The contract: an unknown workspace, or one the caller is not a member of, has an empty list.
  const tokens: Listed[] = workspace ? [...(core.store.serviceTokensIn(workspace.id)?.values() ?? [])].reverse() : []
  if (workspace?.id === core.store.workspace.id) tokens.push(startupToken(core))
  const page = pageOfNewestFirst(tokens, request)
  const data = page.items.map((token) => serviceTokenView(token))
  return {status: 200, body: {data, pagination: page.pagination} satisfies ResponseBody<'getV1WorkspacesByWorkspaceIdService-tokens', 200>}
}

/** A new token for the workspace: the record kept (its digest) and the value, shown once. */
export function mintServiceToken(store: Store, workspaceId: string, name: string): {token: ServiceTokenRecord; value: string} {
  const value = newToken()
  const token: ServiceTokenRecord = {
    id: newId(),
    seq: store.nextSeq(),
    workspaceId,
    name,
    digest: tokenDigest(value),
    valueHint: valueHint(value),
    createdAt: new Date().toISOString(),
    expiresAt: null,
  }
  store.addServiceToken(token)
  return {token, value}
}

export function createServiceToken(call: Call): Reply {
  const {core, params, body} = call
  const workspace = callersWorkspace(call, params.workspaceId)
  if (!workspace) throw notFound('Workspace', params.workspaceId)
  const {token, value} = mintServiceToken(core.store, workspace.id, requiredName(objectBody(body)))
  return {status: 201, body: {data: createdServiceTokenView(token, value)} satisfies ResponseBody<'postV1WorkspacesByWorkspaceIdService-tokens', 201>}
}

export function deleteServiceToken(call: Call): Reply {
  const {core, params} = call
  const workspace = callersWorkspace(call, params.workspaceId)
  if (!workspace) throw notFound('Workspace', params.workspaceId)
  if (workspace.id === core.store.workspace.id && params.serviceTokenId === core.store.credentialId) {
    throw unprocessable(
      "The emulator's own service token cannot be deleted: every client of this emulator uses it.",
      'Restart the emulator without --data-dir (or with a new --token) for another token.',
    )
  }
  const token = core.store.serviceTokens.get(params.serviceTokenId)
  if (!token || token.workspaceId !== workspace.id) throw notFound('Service token', params.serviceTokenId)
  core.store.removeServiceToken(token.id)
  return {status: 204}
}
