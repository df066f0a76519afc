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
//   POST   /__emulator/databases/{id}/backups -> 201 {data: Backup & {databaseId}}  a real backup now, once complete
// Rules are described in faults.ts, log entries in request-log.ts, counters in oauth/authorization-server.ts.
import type {Workspace} from '../api/contract.js'
import type {Reply} from './core.js'
import type {FaultInjector} from './faults.js'
import type {OAuthCounters} from './oauth/authorization-server.js'
import {ApiProblem, invalid} from './problems.js'
import type {RequestLog} from './request-log.js'
import {objectBody, requiredName} from './validation.js'

export const HOOK_PREFIX = '/__emulator'

export interface HookParts {
  faults: FaultInjector
  requests: RequestLog
  workspaces(): Workspace[]
  addWorkspace(name: string): Workspace
  oauthCounters(): OAuthCounters
  /** Takes a backup of the database now; resolves once it is complete. */
  takeBackup(databaseId: string): Promise<unknown>
}

export function isHookPath(rawPath: string): boolean {
  return rawPath === HOOK_PREFIX || rawPath.startsWith(`${HOOK_PREFIX}/`)
}

const BACKUP_HOOK = /^\/databases\/([^/]+)\/backups$/

export async function handleHook(method: string, rawPath: string, body: unknown, {faults, requests, workspaces, addWorkspace, oauthCounters, takeBackup}: HookParts): Promise<Reply> {
  const resource = rawPath.slice(HOOK_PREFIX.length).replace(/\/$/, '')
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
    'The test endpoints are /__emulator/faults, /__emulator/requests, /__emulator/workspaces, /__emulator/oauth and /__emulator/databases/{id}/backups.',
  )
}
