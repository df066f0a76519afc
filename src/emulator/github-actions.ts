// POST /v1/auth/github-actions/token: a GitHub Actions OIDC token (a JWT signed by the issuer's
// key set, audience `prisma-cloud`, not expired, from a repository linked to a workspace) is
// exchanged for a short-lived service token of that workspace. Any failure is the same generic
// 401, as the API's; the emulator's log line says which check failed (never the token).
// The key set is the issuer's JWKS URL or a JWKS file; jose verifies, loaded on the first exchange.
import {readFileSync} from 'node:fs'

import type {JSONWebKeySet, JWTVerifyGetKey} from 'jose'

import type {ResponseBody} from '../api/contract.js'
import type {EmulatorCore, Reply} from './core.js'
import {tokenDigest} from './handlers/service-tokens.js'
import {newId, newToken} from './ids.js'
import type {ServiceTokenRecord} from './records.js'
import type {Store} from './store.js'
import {valueHint} from './views.js'

export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com'
export const OIDC_AUDIENCE = 'prisma-cloud'
export const DEFAULT_EXPIRES_IN_SECONDS = 1800
export const MAX_EXPIRES_IN_SECONDS = 3600

export interface GithubActionsOptions {
  /** The issuer's key set: an http(s) URL of its JWKS, or the path of a JWKS file. Without it every exchange is refused. */
  jwks?: string
  /** The `iss` the tokens must carry; GitHub's by default. */
  issuer?: string
  /** Linked repositories: `owner/name` (the first workspace) or `owner/name=<workspace id>`. */
  repositories?: string[]
}


/** What the exchange endpoint knows: the key set, the issuer, and which repository belongs to which workspace. */
export class GithubActionsIssuer {
  readonly issuer: string
  /** Lower-cased `owner/name` → workspace id: GitHub's names ignore case. */
  readonly links = new Map<string, string>()
  readonly #jwks: string | undefined
  readonly #localKeys: JSONWebKeySet | undefined
  #keySet?: JWTVerifyGetKey

  constructor(options: GithubActionsOptions, store: Store) {
    this.issuer = options.issuer ?? GITHUB_OIDC_ISSUER
    this.#jwks = options.jwks
    if (options.jwks !== undefined && !/^https?:\/\//i.test(options.jwks)) {
      // A file is read at start, so a wrong path fails the start instead of every exchange.
      let parsed: unknown
      try {
        parsed = JSON.parse(readFileSync(options.jwks, 'utf8'))
      } catch (error) {
        throw new Error(`cannot read the GitHub OIDC key set ${options.jwks}: ${error instanceof Error ? error.message : String(error)}`)
      }
      if (!Array.isArray((parsed as {keys?: unknown} | null)?.keys)) throw new Error(`the GitHub OIDC key set ${options.jwks} is not a JWKS ({"keys": [...]})`)
      this.#localKeys = parsed as JSONWebKeySet
    }
    for (const link of options.repositories ?? []) {
      const match = /^([\w.-]+\/[\w.-]+)(?:=(.+))?$/.exec(link.trim())
      if (!match) throw new Error(`a GitHub repository link is owner/name or owner/name=<workspace id>, not ${JSON.stringify(link)}`)
      const workspaceId = match[2]?.trim() ?? store.workspace.id
      if (!store.workspaceById(workspaceId)) throw new Error(`the GitHub repository link ${link} names unknown workspace ${workspaceId}`)
      this.links.set(match[1].toLowerCase(), workspaceId)
    }
  }

  get configured(): boolean {
    return this.#jwks !== undefined
  }

  async #keys(): Promise<JWTVerifyGetKey> {
    if (!this.#keySet) {
      const {createLocalJWKSet, createRemoteJWKSet} = await import('jose')
      this.#keySet = this.#localKeys === undefined ? createRemoteJWKSet(new URL(this.#jwks!)) : createLocalJWKSet(this.#localKeys)
    }
    return this.#keySet
  }

  /** The linked repository and its workspace, or why the token is refused. */
  async verify(token: string): Promise<{repository: string; workspaceId: string} | {refused: string}> {
    if (!this.configured) return {refused: 'no GitHub OIDC key set is configured (emulator start --github-oidc-jwks)'}
    const {jwtVerify, errors} = await import('jose')
    let claims: Record<string, unknown>
    try {
      const verified = await jwtVerify(token, await this.#keys(), {issuer: this.issuer, audience: OIDC_AUDIENCE, requiredClaims: ['exp', 'iat']})
      claims = verified.payload
    } catch (error) {
      if (error instanceof errors.JWTExpired) return {refused: 'the OIDC token has expired'}
      if (error instanceof errors.JWTClaimValidationFailed) return {refused: `the OIDC token's "${error.claim}" claim is wrong (${error.reason})`}
      if (error instanceof errors.JOSEError) return {refused: `the OIDC token does not verify (${error.code})`}
      return {refused: `the OIDC token does not verify (${error instanceof Error ? error.message : String(error)})`}
    }
    const repository = typeof claims.repository === 'string' ? claims.repository : undefined
    if (!repository) return {refused: 'the OIDC token has no "repository" claim'}
    const workspaceId = this.links.get(repository.toLowerCase())
    if (!workspaceId) return {refused: `the repository ${repository} is not linked to a workspace (emulator start --github-repository)`}
    return {repository, workspaceId}
  }
}

/** The API's one answer to every failed exchange. */
function refusedReply(): Reply {
  const body = {
    error: 'unauthorized',
    errorDescription: 'The GitHub Actions OIDC token is missing, expired or invalid, or its repository is not connected to a workspace.',
  } satisfies ResponseBody<'postV1AuthGithub-actionsToken', 401>
  return {status: 401, body}
}

export async function exchangeGithubActionsToken({core, body}: {core: EmulatorCore; body: unknown}): Promise<Reply> {
  const refuse = (why: string): Reply => {
    core.log(`github-actions token exchange refused: ${why}`)
    return refusedReply()
  }
  const issuer = core.githubActions
  if (!issuer) return refuse('no GitHub OIDC key set is configured (emulator start --github-oidc-jwks)')
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse('the body is not a JSON object')
  const {token, expiresInSeconds} = body as {token?: unknown; expiresInSeconds?: unknown}
  if (typeof token !== 'string' || token.trim() === '') return refuse('the body has no "token"')
  if (expiresInSeconds !== undefined && !(Number.isInteger(expiresInSeconds) && (expiresInSeconds as number) >= 1)) {
    return refuse('"expiresInSeconds" is not a whole number of 1 or more')
  }
  const verdict = await issuer.verify(token.trim())
  if ('refused' in verdict) return refuse(verdict.refused)
  // The API caps the lifetime rather than refusing a longer one.
  const lifetime = Math.min((expiresInSeconds as number | undefined) ?? DEFAULT_EXPIRES_IN_SECONDS, MAX_EXPIRES_IN_SECONDS)
  const now = Date.now()
  const value = newToken()
  const record: ServiceTokenRecord = {
    id: newId(),
    seq: core.store.nextSeq(),
    workspaceId: verdict.workspaceId,
    name: `GitHub Actions ${verdict.repository}`,
    digest: tokenDigest(value),
    valueHint: valueHint(value),
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + lifetime * 1000).toISOString(),
  }
  core.store.addServiceToken(record)
  core.log(`github-actions token exchange: ${verdict.repository} -> workspace ${verdict.workspaceId}, ${lifetime} s`)
  const data = {id: record.id, type: 'serviceToken', value, expiresAt: record.expiresAt!, workspaceId: record.workspaceId} satisfies ResponseBody<'postV1AuthGithub-actionsToken', 201>['data']
  return {status: 201, body: {data}}
}
