// Endpoints for tests, beside the API under /__emulator/ (token-protected like the API, never
// faulted, never in the request log):
//   GET    /__emulator/faults    -> 200 {data: ActiveFault[]}       rules still armed
//   POST   /__emulator/faults    -> 200 {data: ActiveFault[]}       body: a rule, a list of rules, or {rules: [...]}
//   DELETE /__emulator/faults    -> 204                              disarms every rule
//   GET    /__emulator/requests  -> 200 {data: ReceivedRequest[]}   oldest first
//   DELETE /__emulator/requests  -> 204                              forgets them
// Rules are described in faults.ts, log entries in request-log.ts.
import type {Reply} from './core.js'
import type {FaultInjector} from './faults.js'
import {ApiProblem, invalid} from './problems.js'
import type {RequestLog} from './request-log.js'

export const HOOK_PREFIX = '/__emulator'

export function isHookPath(rawPath: string): boolean {
  return rawPath === HOOK_PREFIX || rawPath.startsWith(`${HOOK_PREFIX}/`)
}

export function handleHook(method: string, rawPath: string, body: unknown, faults: FaultInjector, requests: RequestLog): Reply {
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
  throw new ApiProblem(404, 'not-found', `No such emulator endpoint: ${method} ${rawPath}.`, 'The test endpoints are /__emulator/faults and /__emulator/requests.')
}
