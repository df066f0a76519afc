// Who the token is, its workspace, and the regions.
import type {ResponseBody} from '../../api/contract.js'
import type {Call, Reply} from '../core.js'
import {readPageRequest} from '../pagination.js'
import {invalid, notFound} from '../problems.js'
import {REGIONS} from '../regions.js'
import {workspaceView} from '../views.js'

export const SERVICE_TOKEN_NAME = 'Emulator service token'

export function getMe({core, principal}: Call): Reply {
  const {workspace} = principal
  if (principal.kind === 'oauth') {
    // An OAuth login acts as a person; the credential is the authorization, named by its client.
    const {user} = core.store
    return {
      status: 200,
      body: {
        data: {
          user: {id: user.id, email: user.email, name: user.name},
          workspace: {id: workspace.id, name: workspace.name},
          credential: {type: 'oauth', id: principal.authorizationId, name: principal.clientId},
        },
      } satisfies ResponseBody<'getV1Me', 200>,
    }
  }
  return {
    status: 200,
    // A service token belongs to a workspace, not to a user.
    body: {
      data: {user: null, workspace: {id: workspace.id, name: workspace.name}, credential: {type: 'service_token', id: principal.tokenId, name: principal.tokenName}},
    } satisfies ResponseBody<'getV1Me', 200>,
  }
}

export function listWorkspaces({core, principal, query}: Call): Reply {
  const page = readPageRequest(query)
  // A token sees its one workspace, which sits before every cursor: any cursor means the list is done.
  const data = page.afterSeq === undefined ? [workspaceView(core.views, principal.workspace)] : []
  return {status: 200, body: {data, pagination: {nextCursor: null, hasMore: false}} satisfies ResponseBody<'getV1Workspaces', 200>}
}

export function getWorkspace({core, principal, params}: Call): Reply {
  // A token sees its one workspace; any other is, for it, a workspace that does not exist.
  if (params.id !== principal.workspace.id) throw notFound('Workspace', params.id)
  return {status: 200, body: {data: workspaceView(core.views, principal.workspace)} satisfies ResponseBody<'getV1WorkspacesById', 200>}
}

export function listRegions({query}: Call): Reply {
  const product = query.get('product')
  if (product !== null && product !== 'postgres' && product !== 'accelerate') {
    throw invalid(`product must be postgres or accelerate, got ${JSON.stringify(product)}.`)
  }
  const products = product === null ? (['postgres', 'accelerate'] as const) : ([product] as const)
  const data = products.flatMap((kind) => REGIONS.map((region) => ({id: region.id, type: 'region' as const, name: region.name, product: kind, status: 'available' as const})))
  return {status: 200, body: {data} satisfies ResponseBody<'getV1Regions', 200>}
}

export function listPostgresRegions(): Reply {
  const data = REGIONS.map((region) => ({id: region.id, type: 'region' as const, name: region.name, status: 'available' as const}))
  return {status: 200, body: {data} satisfies ResponseBody<'getV1RegionsPostgres', 200>}
}

/** Accelerate runs where Prisma Postgres does: every database's accelerate endpoint is in its region. */
export function listAccelerateRegions(): Reply {
  const data = REGIONS.map((region) => ({id: region.id, type: 'region' as const, name: region.name}))
  return {status: 200, body: {data} satisfies ResponseBody<'getV1RegionsAccelerate', 200>}
}

/**
 * An agent polls an approval it was told to wait for. The emulator never asks a sponsor to approve
 * anything, so no approval exists and every id is one the caller has none of.
 */
export function getAgentApproval({params}: Call): Reply {
  throw notFound('Approval', params.approvalId)
}
