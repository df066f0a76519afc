// Endpoints for tests, beside the API under /__emulator/ (they take the service token only, never
// an OAuth access token; never faulted, never in the request log):
//   GET    /__emulator/faults      -> 200 {data: ActiveFault[]}       rules still armed
//   POST   /__emulator/faults      -> 200 {data: ActiveFault[]}       body: a rule, a list of rules, or {rules: [...]}
//   DELETE /__emulator/faults      -> 204                              disarms every rule
//   GET    /__emulator/requests    -> 200 {data: ReceivedRequest[]}   oldest first
//   DELETE /__emulator/requests    -> 204                              forgets them
//   GET    /__emulator/workspaces  -> 200 {data: Workspace[]}         every workspace, the service token's first
//   POST   /__emulator/workspaces  -> 201 {data: Workspace}           body: {name}; OAuth logins can then pick it
//   GET    /__emulator/oauth       -> 200 OAuthCounters               {authorizationCodesIssued, tokenExchanges, ...}
//   PATCH  /__emulator/workspaces/{id}/subscription -> 200 {data: Subscription}
//                                   body: {planName?, usageBlocked?, upgradeUrl?}; blocked usage refuses creates
//   POST   /__emulator/workspaces/{id}/service-tokens -> 201 {data: CreatedServiceToken}
//                                   body: {name}; a token of any workspace (the API mints only for the caller's)
//   POST   /__emulator/databases/{id}/backups -> 201 {data: Backup & {databaseId}}  a real backup now, once complete
// Rules are described in faults.ts, log entries in request-log.ts, counters in oauth/authorization-server.ts.
import type {CreatedServiceToken, Workspace} from '../api/contract.js'
import type {Reply} from './core.js'
import type {FaultInjector} from './faults.js'
import type {OAuthCounters} from './oauth/authorization-server.js'
import {ApiProblem, invalid} from './problems.js'
import type {RequestLog} from './request-log.js'
import type {Subscription} from './handlers/subscriptions.js'
import {objectBody, optionalBoolean, optionalName, optionalString, requiredName} from './validation.js'

export const HOOK_PREFIX = '/__emulator'

export interface HookParts {
  faults: FaultInjector
  requests: RequestLog
  workspaces(): Workspace[]
  addWorkspace(name: string): Workspace
  oauthCounters(): OAuthCounters
  /** Takes a backup of the database now; resolves once it is complete. */
  takeBackup(databaseId: string): Promise<unknown>
  /** Undefined for an unknown workspace. */
  setSubscription(workspaceId: string, change: SubscriptionChange): Subscription | undefined
  mintServiceToken(workspaceId: string, name: string): CreatedServiceToken | undefined
}

export interface SubscriptionChange {
  planName?: string
  usageBlocked?: boolean
  upgradeUrl?: string
}

/** The body of PATCH /__emulator/workspaces/{id}/subscription, checked field by field. */
export function readSubscriptionChange(body: unknown): SubscriptionChange {
  const fields = objectBody(body)
  const change: SubscriptionChange = {}
  const planName = optionalName(fields, 'planName')
  if (planName !== undefined) change.planName = planName
  const usageBlocked = optionalBoolean(fields, 'usageBlocked')
  if (usageBlocked !== undefined) change.usageBlocked = usageBlocked
  const upgradeUrl = optionalString(fields, 'upgradeUrl')
  if (upgradeUrl !== undefined) {
    if (!URL.canParse(upgradeUrl)) throw invalid(`upgradeUrl must be an absolute URL, got ${JSON.stringify(upgradeUrl)}.`)
    change.upgradeUrl = upgradeUrl
  }
  return change
}

export function isHookPath(rawPath: string): boolean {
  return rawPath === HOOK_PREFIX || rawPath.startsWith(`${HOOK_PREFIX}/`)
}

const BACKUP_HOOK = /^\/databases\/([^/]+)\/backups$/

export async function handleHook(
  method: string,
  rawPath: string,
  body: unknown,
  {faults, requests, workspaces, addWorkspace, oauthCounters, setSubscription, mintServiceToken, takeBackup}: HookParts,
): Promise<Reply> {
  const resource = rawPath.slice(HOOK_PREFIX.length).replace(/\/$/, '')
  const ofWorkspace = /^\/workspaces\/([^/]+)\/(subscription|service-tokens)$/.exec(resource)
  if (ofWorkspace) {
    let id: string
    try {
      id = decodeURIComponent(ofWorkspace[1])
    } catch {
      throw invalid(`The path segment ${JSON.stringify(ofWorkspace[1])} is not valid percent-encoding.`)
    }
    if (ofWorkspace[2] === 'subscription' && method === 'PATCH') {
      const subscription = setSubscription(id, readSubscriptionChange(body))
      if (!subscription) throw new ApiProblem(404, 'not-found', `Workspace ${JSON.stringify(id)} was not found.`)
      return {status: 200, body: {data: subscription}}
    }
    if (ofWorkspace[2] === 'service-tokens' && method === 'POST') {
      const created = mintServiceToken(id, requiredName(objectBody(body)))
      if (!created) throw new ApiProblem(404, 'not-found', `Workspace ${JSON.stringify(id)} was not found.`)
      return {status: 201, body: {data: created}}
    }
  }
  if (resource === '/faults') {
    if (method === 'GET') return {status: 200, body: {data: faults.list()}}
    if (method === 'POST') {
      if (body === undefined) throw invalid('Send a fault rule, a list of rules, or {"rules": [...]}.')
      return {status: 200, body: {data: faults.add(body)}}
    }
    if (method === 'DELETE') {
      faults.clear()
      return {status: 204}
    }
  }
  if (resource === '/requests') {
    if (method === 'GET') return {status: 200, body: {data: requests.list()}}
    if (method === 'DELETE') {
      requests.clear()
      return {status: 204}
    }
  }
  if (resource === '/workspaces') {
    if (method === 'GET') return {status: 200, body: {data: workspaces()}}
    if (method === 'POST') return {status: 201, body: {data: addWorkspace(requiredName(objectBody(body)))}}
  }
  if (resource === '/oauth' && method === 'GET') return {status: 200, body: oauthCounters()}
  const backupOf = BACKUP_HOOK.exec(resource)
  if (backupOf && method === 'POST') return {status: 201, body: {data: await takeBackup(decodeURIComponent(backupOf[1]))}}
  throw new ApiProblem(
    404,
    'not-found',
    `No such emulator endpoint: ${method} ${rawPath}.`,
    'The test endpoints are /__emulator/faults, /__emulator/requests, /__emulator/workspaces (with /{id}/subscription and /{id}/service-tokens), /__emulator/oauth and /__emulator/databases/{id}/backups.',
  )
}
