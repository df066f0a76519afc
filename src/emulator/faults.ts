// Fault injection for end-to-end tests: rules that make the next matching requests fail, answer
// slowly, answer something that is not the API's JSON, or drop the connection.
//
// A rule: {method?, path?, status?, count?, retryAfter?, delayMs?, body?, code?, message?, hint?, reset?}
// - method: matched case-insensitively; any method when absent.
// - path: a prefix of the request target (path and query, as sent, still percent-encoded), or a
//   regular expression when it starts with "^". Any path when absent.
// - count: how many matching requests the rule takes (default 1); the first live rule wins.
// - delayMs: wait this long first. reset: then destroy the socket without an answer.
// - status >= 400, or any status with `body`: answer that instead of the API. A status below 400
//   without `body` (or no status) only delays, then the API answers as usual.
// - body: 'json' (default: {error: {code, message, hint?}}), 'html' (a proxy's error page), 'empty'.
// - retryAfter: seconds, sent as Retry-After.
import {STATUS_CODES} from 'node:http'

import {invalid} from './problems.js'

export interface FaultRule {
  method?: string
  path?: string
  status?: number
  count?: number
  retryAfter?: number
  delayMs?: number
  body?: 'json' | 'html' | 'empty'
  code?: string
  message?: string
  hint?: string
  reset?: boolean
}

export interface ActiveFault extends FaultRule {
  /** How many more requests this rule takes. */
  remaining: number
}

interface Armed {
  fault: ActiveFault
  matches: (target: string) => boolean
}

const DEFAULT_CODES: Record<number, string> = {
  400: 'validation-error',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  422: 'not-supported',
  429: 'rate-limited',
  500: 'internal-error',
  502: 'bad-gateway',
  503: 'service-unavailable',
  504: 'gateway-timeout',
}

export interface FaultAnswer {
  status: number
  headers: Record<string, string>
  body: string
}

function field<T>(rule: Record<string, unknown>, name: string, check: (value: unknown) => value is T, expected: string): T | undefined {
  const value = rule[name]
  if (value === undefined) return undefined
  if (!check(value)) throw invalid(`fault ${name} must be ${expected}, got ${JSON.stringify(value)}.`)
  return value
}

const isString = (value: unknown): value is string => typeof value === 'string'
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean'
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1
const isWhole = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0
const isStatus = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 200 && (value as number) <= 599
const isBodyKind = (value: unknown): value is FaultRule['body'] => value === 'json' || value === 'html' || value === 'empty'

function readRule(value: unknown): Armed {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('Each fault must be a JSON object.')
  const rule = value as Record<string, unknown>
  const fault: ActiveFault = {
    method: field(rule, 'method', isString, 'a string')?.toUpperCase(),
    path: field(rule, 'path', isString, 'a string'),
    status: field(rule, 'status', isStatus, 'an HTTP status from 200 to 599'),
    count: field(rule, 'count', isCount, 'a whole number of 1 or more') ?? 1,
    retryAfter: field(rule, 'retryAfter', isWhole, 'a whole number of seconds'),
    delayMs: field(rule, 'delayMs', isWhole, 'a whole number of milliseconds'),
    body: field(rule, 'body', isBodyKind, '"json", "html" or "empty"'),
    code: field(rule, 'code', isString, 'a string'),
    message: field(rule, 'message', isString, 'a string'),
    hint: field(rule, 'hint', isString, 'a string'),
    reset: field(rule, 'reset', isBoolean, 'true or false'),
    remaining: 0,
  }
  fault.remaining = fault.count ?? 1
  if (fault.status === undefined && fault.delayMs === undefined && !fault.reset) {
    throw invalid('A fault needs a status, a delayMs or reset: true.')
  }
  const {path} = fault
  let matches: (target: string) => boolean = () => true
  if (path?.startsWith('^')) {
    let pattern: RegExp
    try {
      pattern = new RegExp(path)
    } catch (error) {
      throw invalid(`fault path ${JSON.stringify(path)} is not a valid regular expression: ${(error as Error).message}`)
    }
    matches = (target) => pattern.test(target)
  } else if (path !== undefined) {
    matches = (target) => target.startsWith(path)
  }
  // Drop the keys that were not given, so listing the rules shows what was asked.
  for (const key of Object.keys(fault) as (keyof ActiveFault)[]) if (fault[key] === undefined) delete fault[key]
  return {fault, matches}
}

export class FaultInjector {
  private armed: Armed[] = []

  /** Adds rules (one object, a list, or {rules: [...]}); all or nothing when one is invalid. */
  add(input: unknown): ActiveFault[] {
    const list = Array.isArray(input) ? input : typeof input === 'object' && input !== null && Array.isArray((input as {rules?: unknown}).rules) ? (input as {rules: unknown[]}).rules : [input]
    const rules = list.map(readRule)
    this.armed.push(...rules)
    return this.list()
  }

  list(): ActiveFault[] {
    return this.armed.map((armed) => ({...armed.fault}))
  }

  clear(): void {
    this.armed = []
  }

  /** The first live rule for this request, which it then uses up once. */
  take(method: string, target: string): ActiveFault | undefined {
    const index = this.armed.findIndex((armed) => (armed.fault.method === undefined || armed.fault.method === method) && armed.matches(target))
    if (index === -1) return undefined
    const {fault} = this.armed[index]
    fault.remaining -= 1
    if (fault.remaining <= 0) this.armed.splice(index, 1)
    return {...fault}
  }
}

/** The answer a fault gives instead of the API, or undefined when the API should answer. */
export function faultAnswer(fault: ActiveFault): FaultAnswer | undefined {
  const {status} = fault
  if (status === undefined || (status < 400 && fault.body === undefined)) return undefined
  const headers: Record<string, string> = {}
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter)
  const reason = STATUS_CODES[status] ?? 'Error'
  switch (fault.body ?? 'json') {
    case 'html':
      headers['content-type'] = 'text/html; charset=utf-8'
      return {status, headers, body: `<!DOCTYPE html>\n<html><head><title>${status} ${reason}</title></head><body><h1>${status} ${reason}</h1></body></html>\n`}
    case 'empty':
      return {status, headers, body: ''}
    case 'json': {
      headers['content-type'] = 'application/json; charset=utf-8'
      if (status < 400) return {status, headers, body: '{}'}
      const error = {code: fault.code ?? DEFAULT_CODES[status] ?? 'error', message: fault.message ?? `Injected fault: ${status} ${reason}`, ...(fault.hint === undefined ? {} : {hint: fault.hint})}
      return {status, headers, body: JSON.stringify({error})}
    }
  }
}
