// /v1/integrations and /v1/workspaces/{workspaceId}/integrations: the OAuth applications with
// access to a workspace. Here that is the authorization server's one client, for as long as a
// login of it to the workspace can still act; revoking the integration ends every such login
// (access and refresh tokens alike). Its id is derived from the workspace and the client, so it
// stays the same across restarts without being stored.
import {createHash} from 'node:crypto'

import type {Integration, ResponseBody} from '../../api/contract.js'
import type {Call, EmulatorCore, Reply, Scope} from '../core.js'
import {SCOPES} from '../oauth/authorization-server.js'
import {pageOfArray, readPageRequest} from '../pagination.js'
import {invalid, notFound} from '../problems.js'
import type {WorkspaceRecord} from '../records.js'

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'

/** `c` + 24 of [a-z0-9], like every other id, from the workspace and the client. */
function integrationId(workspaceId: string, clientId: string): string {
  const bytes = createHash('sha256').update(`integration\u0000${workspaceId}\u0000${clientId}`).digest()
  let id = 'c'
  for (const byte of bytes.subarray(0, 24)) id += ALPHABET[byte % ALPHABET.length]
  return id
}

interface Listed {
  /** Lists are in creation order; integrations have no seq of their own, so their position stands in. */
  seq: number
  id: string
  clientId: string
  view: Integration
}

/** The workspace's integrations: one per client with a live login, oldest login first. */
function integrationsOf(core: EmulatorCore, workspace: WorkspaceRecord): Listed[] {
  const byClient = new Map<string, {createdAt: string; scopes: Set<string>}>()
  for (const authorization of core.oauth.liveAuthorizations(workspace.id)) {
    const entry = byClient.get(authorization.clientId) ?? {createdAt: authorization.createdAt, scopes: new Set<string>()}
    if (authorization.createdAt < entry.createdAt) entry.createdAt = authorization.createdAt
    for (const scope of authorization.scope) entry.scopes.add(scope)
    byClient.set(authorization.clientId, entry)
  }
  const {user} = core.store
  return [...byClient]
    .sort(([, a], [, b]) => a.createdAt.localeCompare(b.createdAt))
    .map(([clientId, {createdAt, scopes}], index) => {
      const id = integrationId(workspace.id, clientId)
      const view: Integration = {
        id,
        url: `${core.views.baseUrl}/v1/integrations/${id}`,
        createdAt,
        scopes: SCOPES.filter((scope) => scopes.has(scope)),
        // The emulator registered its one client when it first started.
        client: {id: clientId, name: clientId, createdAt: core.store.workspace.createdAt},
        createdByUser: {id: user.id, email: user.email, displayName: user.name},
      }
      return {seq: index + 1, id, clientId, view}
    })
}

/** The workspace in the path, when it is the caller's: any other does not exist for the caller. */
function callersWorkspace({principal}: Scope, id: string): WorkspaceRecord | undefined {
  return principal.workspace.id === id ? principal.workspace : undefined
}

function requireIntegration(call: Call, id: string): Listed {
  const found = integrationsOf(call.core, call.principal.workspace).find((integration) => integration.id === id)
  if (!found) throw notFound('Integration', id)
  return found
}

function revoke(call: Call, integration: Listed): Reply {
  const {core, principal} = call
  const ended = core.oauth.revokeClient(principal.workspace.id, integration.clientId, 'integration revoked through the API')
  core.log(`integration ${integration.id} revoked: ${ended} login(s) of ${integration.clientId} ended`)
  return {status: 204}
}

export function listIntegrations(call: Call): Reply {
  const {core, query} = call
  const request = readPageRequest(query)
  const workspaceId = query.get('workspaceId')
  if (workspaceId === null || workspaceId === '') throw invalid('workspaceId is required: the workspace whose integrations to list.', 'Find it with GET /v1/workspaces.')
  // Another workspace, or one that does not exist, has no integrations the caller may see.
  const workspace = callersWorkspace(call, workspaceId)
  const page = pageOfArray(workspace ? integrationsOf(core, workspace) : [], request)
  const data = page.items.map((integration) => integration.view)
  return {status: 200, body: {data, pagination: page.pagination} satisfies ResponseBody<'getV1Integrations', 200>}
}

export function listWorkspaceIntegrations(call: Call): Reply {
  const {core, params, query} = call
  const request = readPageRequest(query)
  const workspace = callersWorkspace(call, params.workspaceId)
  if (!workspace) throw notFound('Workspace', params.workspaceId)
  const page = pageOfArray(integrationsOf(core, workspace), request)
  const data = page.items.map((integration) => integration.view)
  return {status: 200, body: {data, pagination: page.pagination} satisfies ResponseBody<'getV1WorkspacesByWorkspaceIdIntegrations', 200>}
}

export function getIntegration(call: Call): Reply {
  const integration = requireIntegration(call, call.params.id)
  return {status: 200, body: {data: integration.view} satisfies ResponseBody<'getV1IntegrationsById', 200>}
}

export function deleteIntegration(call: Call): Reply {
  return revoke(call, requireIntegration(call, call.params.id))
}

/** Revokes the integration of the client with this id in the workspace. */
export function deleteWorkspaceIntegration(call: Call): Reply {
  const {core, params} = call
  const workspace = callersWorkspace(call, params.workspaceId)
  const integration = workspace && integrationsOf(core, workspace).find((candidate) => candidate.clientId === params.clientId)
  if (!integration) throw notFound('Integration of client', params.clientId)
  return revoke(call, integration)
}
