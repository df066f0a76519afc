// Calls an in-process emulator over real HTTP with fetch, the way any client would.
import type {Emulator, EmulatorOptions} from '../../src/emulator/index.js'
import {startEmulator} from '../../src/emulator/index.js'

export interface Answer<T> {
  status: number
  headers: Headers
  body: T
  text: string
}

// Tests read answers loosely typed; the contract is checked where the emulator builds them.
export type Json = Record<string, unknown> & {data?: unknown}

export interface Client {
  emulator: Emulator
  call<T = Json>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>>
  /** A raw body (not JSON-encoded). */
  send(method: string, path: string, raw: string | Buffer, headers?: Record<string, string>): Promise<Answer<Json>>
}

async function answer<T>(response: Response): Promise<Answer<T>> {
  const text = await response.text()
  let body: unknown = undefined
  if (text) {
    try {
      body = JSON.parse(text)
    } catch {
      body = text
    }
  }
  return {status: response.status, headers: response.headers, body: body as T, text}
}

export function clientFor(emulator: Emulator): Client {
  const auth = {authorization: `Bearer ${emulator.token}`, accept: 'application/json'}
  return {
    emulator,
    async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      const response = await fetch(`${emulator.url}${path}`, {
        method,
        headers: {...auth, ...(body === undefined ? {} : {'content-type': 'application/json'}), ...headers},
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return answer<T>(response)
    },
    async send(method, path, raw, headers = {}) {
      const response = await fetch(`${emulator.url}${path}`, {method, headers: {...auth, 'content-type': 'application/json', ...headers}, body: raw})
      return answer<Json>(response)
    },
  }
}

export async function startClient(options: EmulatorOptions = {}): Promise<Client> {
  return clientFor(await startEmulator({port: 0, ...options}))
}

/** Every string anywhere in a JSON value, with the key it sits under. */
export function strings(value: unknown, key = ''): {key: string; value: string}[] {
  if (typeof value === 'string') return [{key, value}]
  if (Array.isArray(value)) return value.flatMap((item) => strings(item, key))
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([name, item]) => strings(item, name))
  return []
}

/** Fails when a password-like secret or a connection string appears anywhere in the value. */
export function secretsIn(value: unknown): string[] {
  return strings(value)
    .filter(({key, value: text}) => key === 'connectionString' || key === 'pass' || /^postgres(ql)?:\/\/[^/]*:[^/]*@/.test(text) || text.startsWith('prisma+postgres://'))
    .map(({key, value: text}) => `${key}=${text}`)
}
