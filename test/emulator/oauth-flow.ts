// An OAuth login to an in-process emulator, step by step as a client and a person do it: the
// authorization request with PKCE, the consent page and its form, the code, the token calls.
import assert from 'node:assert/strict'
import {createHash, randomBytes} from 'node:crypto'

import type {Emulator, EmulatorOptions} from '../../src/emulator/index.js'
import {startEmulator} from '../../src/emulator/index.js'

export const REDIRECT_URI = 'http://127.0.0.1:53682/auth/callback'
export const SCOPE = 'workspace:admin offline_access'

export type Json = Record<string, unknown>
export interface TokenSet {
  access_token: string
  refresh_token?: string
  token_type: string
  expires_in: number
  scope: string
}

export function start(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({port: 0, databases: 'none', ...options})
}

export function pkce(): {verifier: string; challenge: string} {
  const verifier = randomBytes(32).toString('base64url')
  return {verifier, challenge: createHash('sha256').update(verifier).digest('base64url')}
}

/** An authorization request as a client builds it; `undefined` in overrides leaves a parameter out. */
export function authorizeRequest(emulator: Emulator, overrides: Record<string, string | undefined> = {}) {
  const {verifier, challenge} = pkce()
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: emulator.oauthClientId,
    redirect_uri: REDIRECT_URI,
    scope: SCOPE,
    state: randomBytes(8).toString('hex'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  }
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value)
  return {query, verifier, state: params.state, redirectUri: params.redirect_uri ?? REDIRECT_URI}
}

export async function getPage(url: string): Promise<{status: number; headers: Headers; html: string}> {
  const response = await fetch(url, {redirect: 'manual'})
  return {status: response.status, headers: response.headers, html: await response.text()}
}

export function formOf(html: string): {csrf: string; workspaces: {id: string; checked: boolean}[]} {
  const csrf = /<input type="hidden" name="csrf_token" value="([^"]+)">/.exec(html)?.[1]
  assert.ok(csrf, `the page has a CSRF token in a hidden field:\n${html}`)
  const workspaces = [...html.matchAll(/<input type="radio" name="workspace" value="([^"]+)"( checked)?>/g)].map((match) => ({id: match[1], checked: match[2] !== undefined}))
  return {csrf, workspaces}
}

export function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {method: 'POST', redirect: 'manual', headers: {'content-type': 'application/x-www-form-urlencoded'}, body: new URLSearchParams(fields)})
}

/** What a person does in the browser: opens the page, picks a workspace if asked, presses a button. */
export async function decide(emulator: Emulator, query: URLSearchParams, choice: {decision?: 'approve' | 'deny'; workspace?: string} = {}): Promise<URL> {
  const page = await getPage(`${emulator.url}/authorize?${query}`)
  assert.equal(page.status, 200, `the consent page answers 200:\n${page.html}`)
  const {csrf, workspaces} = formOf(page.html)
  const fields: Record<string, string> = {csrf_token: csrf, decision: choice.decision ?? 'approve'}
  // As a browser does: the checked radio goes with the form unless another is picked.
  const workspace = choice.workspace ?? workspaces.find((radio) => radio.checked)?.id
  if (workspace !== undefined) fields.workspace = workspace
  const answer = await postForm(`${emulator.url}/authorize`, fields)
  assert.equal(answer.status, 302, `the decision redirects: ${await answer.text()}`)
  const location = answer.headers.get('location')
  assert.ok(location, 'the redirect has a Location')
  return new URL(location)
}

export async function tokenCall(emulator: Emulator, fields: Record<string, string>, path = '/token'): Promise<{status: number; headers: Headers; body: Json}> {
  const response = await postForm(`${emulator.url}${path}`, fields)
  const text = await response.text()
  return {status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as Json}
}

/** Approves a request and returns its code with what exchanging it needs. */
export async function approvedCode(emulator: Emulator, overrides: Record<string, string | undefined> = {}, workspace?: string) {
  const request = authorizeRequest(emulator, overrides)
  const location = await decide(emulator, request.query, {workspace})
  const code = location.searchParams.get('code')
  assert.ok(code, `the redirect carries a code: ${location}`)
  return {code, verifier: request.verifier, redirectUri: request.redirectUri, state: request.state, location}
}

export function exchange(emulator: Emulator, grant: {code: string; verifier: string; redirectUri: string}, overrides: Record<string, string> = {}) {
  return tokenCall(emulator, {grant_type: 'authorization_code', code: grant.code, redirect_uri: grant.redirectUri, client_id: emulator.oauthClientId, code_verifier: grant.verifier, ...overrides})
}

export function refresh(emulator: Emulator, refreshToken: string) {
  return tokenCall(emulator, {grant_type: 'refresh_token', refresh_token: refreshToken, client_id: emulator.oauthClientId})
}

export async function login(emulator: Emulator, overrides: Record<string, string | undefined> = {}, workspace?: string): Promise<TokenSet> {
  const answer = await exchange(emulator, await approvedCode(emulator, overrides, workspace))
  assert.equal(answer.status, 200, `the code exchange succeeds: ${JSON.stringify(answer.body)}`)
  return answer.body as unknown as TokenSet
}

export function claims(jwt: string): Json {
  const parts = jwt.split('.')
  assert.equal(parts.length, 3, 'the access token is a compact JWT')
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Json
}

export async function api<T = Json>(emulator: Emulator, token: string, method: string, path: string, body?: unknown): Promise<{status: number; body: T}> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: {authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : {'content-type': 'application/json'})},
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return {status: response.status, body: (text ? JSON.parse(text) : undefined) as T}
}

/** An OAuth error answer: the status, the error code, and a description. */
export function assertOAuthError(answer: {status: number; body: Json}, status: number, error: string, what: string): void {
  assert.equal(answer.status, status, `${what}: status (${JSON.stringify(answer.body)})`)
  assert.equal(answer.body.error, error, `${what}: error code`)
  assert.equal(typeof answer.body.error_description, 'string', `${what}: an error_description`)
}
