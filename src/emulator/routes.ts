// The API's endpoints. Paths are matched segment by segment on the raw (still encoded) path, and
// only then are parameters decoded: an id holding an encoded "/" or "?" stays one segment.
import type {Call, Handler, Reply} from './core.js'
import {getAgentApproval, getMe, getWorkspace, listAccelerateRegions, listPostgresRegions, listRegions, listWorkspaces} from './handlers/account.js'
import {createBucketKey, deleteBucketKey, listBucketKeys} from './handlers/bucket-keys.js'
import {createBucket, deleteBucket, getBucket, listBuckets, updateBucket} from './handlers/buckets.js'
import {
  createConnection,
  createConnectionFromBody,
  deleteConnection,
  getConnection,
  listConnections,
  listDatabaseConnections,
  rotateConnection,
} from './handlers/connections.js'
import {listBackups, restoreDatabase} from './handlers/backups.js'
import {createDatabase, createProjectDatabase, deleteDatabase, getDatabase, listDatabases, listProjectDatabases, renameDatabase} from './handlers/databases.js'
import {deleteIntegration, deleteWorkspaceIntegration, getIntegration, listIntegrations, listWorkspaceIntegrations} from './handlers/integrations.js'
import {getUsage} from './handlers/metrics.js'
import {createServiceToken, deleteServiceToken, listServiceTokens} from './handlers/service-tokens.js'
import {createProject, deleteProject, getProject, listProjects, renameProject, transferProject} from './handlers/projects.js'
import {getSubscription} from './handlers/subscriptions.js'
import {exchangeGithubActionsToken} from './github-actions.js'
import {invalid} from './problems.js'

interface Route {
  method: string
  /** Literal segments, or `:name` for a parameter. */
  segments: string[]
  handler: Handler
}

function route(method: string, path: string, handler: Handler): Route {
  return {method, segments: path.split('/').slice(1), handler}
}

const ROUTES: readonly Route[] = [
  route('GET', '/v1/me', getMe),
  route('GET', '/v1/workspaces', listWorkspaces),
  route('GET', '/v1/workspaces/:id', getWorkspace),
  route('GET', '/v1/workspaces/:workspaceId/integrations', listWorkspaceIntegrations),
  route('DELETE', '/v1/workspaces/:workspaceId/integrations/:clientId', deleteWorkspaceIntegration),
  route('GET', '/v1/workspaces/:workspaceId/service-tokens', listServiceTokens),
  route('POST', '/v1/workspaces/:workspaceId/service-tokens', createServiceToken),
  route('DELETE', '/v1/workspaces/:workspaceId/service-tokens/:serviceTokenId', deleteServiceToken),
  route('GET', '/v1/workspaces/:id/subscription', getSubscription),
  route('GET', '/v1/regions', listRegions),
  route('GET', '/v1/regions/postgres', listPostgresRegions),
  route('GET', '/v1/regions/accelerate', listAccelerateRegions),
  route('GET', '/v1/projects', listProjects),
  route('POST', '/v1/projects', createProject),
  route('GET', '/v1/projects/:id', getProject),
  route('PATCH', '/v1/projects/:id', renameProject),
  route('DELETE', '/v1/projects/:id', deleteProject),
  route('POST', '/v1/projects/:id/transfer', transferProject),
  route('GET', '/v1/projects/:projectId/databases', listProjectDatabases),
  route('POST', '/v1/projects/:projectId/databases', createProjectDatabase),
  route('GET', '/v1/databases', listDatabases),
  route('POST', '/v1/databases', createDatabase),
  route('GET', '/v1/databases/:databaseId', getDatabase),
  route('PATCH', '/v1/databases/:databaseId', renameDatabase),
  route('DELETE', '/v1/databases/:databaseId', deleteDatabase),
  route('GET', '/v1/databases/:databaseId/connections', listDatabaseConnections),
  route('POST', '/v1/databases/:databaseId/connections', createConnection),
  route('GET', '/v1/databases/:databaseId/backups', listBackups),
  route('POST', '/v1/databases/:targetDatabaseId/restore', restoreDatabase),
  route('GET', '/v1/databases/:databaseId/usage', getUsage),
  route('GET', '/v1/connections', listConnections),
  route('POST', '/v1/connections', createConnectionFromBody),
  route('GET', '/v1/connections/:id', getConnection),
  route('DELETE', '/v1/connections/:id', deleteConnection),
  route('POST', '/v1/connections/:id/rotate', rotateConnection),
  route('GET', '/v1/buckets', listBuckets),
  route('POST', '/v1/buckets', createBucket),
  route('GET', '/v1/buckets/:bucketId', getBucket),
  route('PATCH', '/v1/buckets/:bucketId', updateBucket),
  route('DELETE', '/v1/buckets/:bucketId', deleteBucket),
  route('GET', '/v1/buckets/:bucketId/keys', listBucketKeys),
  route('POST', '/v1/buckets/:bucketId/keys', createBucketKey),
  route('DELETE', '/v1/buckets/:bucketId/keys/:keyId', deleteBucketKey),
  route('GET', '/v1/integrations', listIntegrations),
  route('GET', '/v1/integrations/:id', getIntegration),
  route('DELETE', '/v1/integrations/:id', deleteIntegration),
  route('GET', '/v1/agent-approvals/:approvalId', getAgentApproval),
]

/** An endpoint that takes no token of ours: what authenticates is in its body. */
export type PublicHandler = (call: Pick<Call, 'core' | 'body'>) => Reply | Promise<Reply>

const PUBLIC_ROUTES: ReadonlyMap<string, PublicHandler> = new Map([['POST /v1/auth/github-actions/token', exchangeGithubActionsToken]])

/** The handler of a public endpoint for this method and raw path, or undefined. */
export function matchPublicRoute(method: string, rawPath: string): PublicHandler | undefined {
  return PUBLIC_ROUTES.get(`${method} ${rawPath}`)
}

export interface Matched {
  handler: Handler
  params: Record<string, string>
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw invalid(`The path segment ${JSON.stringify(segment)} is not valid percent-encoding.`)
  }
}

/** The route for this method and raw path, or undefined (the API's 404). */
export function matchRoute(method: string, rawPath: string): Matched | undefined {
  const segments = rawPath.split('/').slice(1)
  for (const candidate of ROUTES) {
    if (candidate.method !== method || candidate.segments.length !== segments.length) continue
    const params: Record<string, string> = {}
    let fits = true
    for (let i = 0; i < segments.length && fits; i++) {
      const expected = candidate.segments[i]
      if (expected.startsWith(':')) {
        // An empty segment (`/v1/projects/`) names no resource.
        if (segments[i] === '') fits = false
        else params[expected.slice(1)] = segments[i]
      } else {
        fits = segments[i] === expected
      }
    }
    if (!fits) continue
    for (const [name, raw] of Object.entries(params)) params[name] = decode(raw)
    return {handler: candidate.handler, params}
  }
  return undefined
}
