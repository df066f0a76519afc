// GitHub Actions OIDC: ask the runner for an OIDC token with the audience Prisma's API expects, and
// exchange it (POST /v1/auth/github-actions/token) for a short-lived workspace service token. The
// CLI does not verify the OIDC token: the API does. Neither token is ever printed.
import type {Dispatcher} from 'undici'

import type {GithubActionsToken, GithubActionsTokenInput} from '../api/contract.js'
import {ApiError} from '../api/errors.js'
import {isLoopbackHost, transportRefusal} from '../api/url.js'
import {AuthError, AuthServerError, UsageError} from '../errors.js'
import {hideFromDebugOutput} from './debug-output.js'

export const GITHUB_ACTIONS_ENV = {
  requestUrl: 'ACTIONS_ID_TOKEN_REQUEST_URL',
  requestToken: 'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  /** `0` turns the automatic exchange off; `login --github-actions` still works. */
  automatic: 'PRISMA_MGMT_OIDC',
} as const

/** The audience Prisma's API accepts in the OIDC token. */
export const OIDC_AUDIENCE = 'prisma-cloud'
/** The `credential` of a profile that holds a token minted by `login --github-actions --save`. */
export const GITHUB_ACTIONS_CREDENTIAL = 'github-actions'
/** The API's bounds of `expiresInSeconds`. */
export const MIN_EXPIRES_IN = 1
export const MAX_EXPIRES_IN = 3600
/** A minted token that expires within this is exchanged again before it is used, when the runner is there to ask. */
export const RENEW_MARGIN_MS = 60_000

export const RUNNER_MISSING_NEXT =
  `This works only inside a GitHub Actions job that may request an OIDC token: give the job \`permissions: id-token: write\`, ` +
  `which makes the runner set ${GITHUB_ACTIONS_ENV.requestUrl} and ${GITHUB_ACTIONS_ENV.requestToken}.`

/** Where the runner hands out OIDC tokens, and the bearer token it wants. */
export interface Runner {
  requestUrl: string
  requestToken: string
}

/** A token minted by the exchange. */
export interface Minted {
  id: string
  value: string
  expiresAt: Date
  workspaceId: string
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim()
  return value ? value : undefined
}

/** The runner's two variables, when both are set. */
export function runnerFromEnv(env: NodeJS.ProcessEnv): Runner | undefined {
  const requestUrl = envValue(env, GITHUB_ACTIONS_ENV.requestUrl)
  const requestToken = envValue(env, GITHUB_ACTIONS_ENV.requestToken)
  return requestUrl && requestToken ? {requestUrl, requestToken} : undefined
}

/** The runner, when commands may exchange its OIDC token on their own (not with PRISMA_MGMT_OIDC=0). */
export function automaticRunner(env: NodeJS.ProcessEnv): Runner | undefined {
  return env[GITHUB_ACTIONS_ENV.automatic]?.trim() === '0' ? undefined : runnerFromEnv(env)
}

/** The runner's URL with `audience` added to the query string it already has. */
export function oidcRequestUrl(runner: Runner): URL {
  let url: URL
  try {
    url = new URL(runner.requestUrl)
  } catch {
    throw new UsageError(`${GITHUB_ACTIONS_ENV.requestUrl} is not a URL.`, RUNNER_MISSING_NEXT)
  }
  // --insecure does not apply: the runner's own URL is always https.
  const refusal = transportRefusal(url, false)
  if (refusal) {
    const not = refusal === 'scheme' ? `, not ${url.protocol}` : ''
    throw new UsageError(`${GITHUB_ACTIONS_ENV.requestUrl} must be an https:// URL (plain http:// only on this machine)${not}: the request carries the runner's token.`)
  }
  url.searchParams.set('audience', OIDC_AUDIENCE)
  return url
}

export interface RunnerHttp {
  timeoutSeconds: number
  userAgent: string
  /** Used for the request when given (a stub in tests). */
  dispatcher?: Dispatcher
}

// The runner answers a few kilobytes; this bounds what something else might send.
const MAX_ANSWER_BYTES = 256 * 1024

function runnerFailure(message: string, code = 'invalid-response'): AuthServerError {
  return new AuthServerError(message, 'Run the job again; if it keeps failing, check that the job has `permissions: id-token: write`.', code)
}

/** GET the OIDC token from the runner: `{"value": "<jwt>"}`. Errors name the runner's origin, never a token or the answer. */
export async function requestOidcToken(runner: Runner, http: RunnerHttp): Promise<string> {
  const url = oidcRequestUrl(runner)
  hideFromDebugOutput(runner.requestToken)
  const {request, Agent, EnvHttpProxyAgent} = await import('undici')
  const connect = {timeout: Math.ceil(http.timeoutSeconds * 1000)}
  // A proxy cannot reach this machine's loopback, so loopback goes direct.
  const own = http.dispatcher ? undefined : isLoopbackHost(url.hostname) ? new Agent({connect}) : new EnvHttpProxyAgent({connect, proxyTunnel: false})
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), Math.ceil(http.timeoutSeconds * 1000))
  const where = `the GitHub Actions runner's token service (${url.origin})`
  let status: number
  let text: string
  try {
    const response = await request(url, {
      // Stryker disable next-line StringLiteral: undici sends GET when the method is empty
      method: 'GET',
      headers: {accept: 'application/json', authorization: `Bearer ${runner.requestToken}`, 'user-agent': http.userAgent},
      dispatcher: http.dispatcher ?? own,
      signal: controller.signal,
    })
    status = response.statusCode
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of response.body) {
      // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: undici's body yields Buffers; a string is only a guard
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
      size += buffer.length
      if (size > MAX_ANSWER_BYTES) throw runnerFailure(`The answer of ${where} is larger than ${MAX_ANSWER_BYTES} bytes; it is not an OIDC token.`)
      chunks.push(buffer)
    }
    text = Buffer.concat(chunks).toString('utf8')
  } catch (error) {
    if (error instanceof AuthServerError) throw error
    if (controller.signal.aborted) throw runnerFailure(`${capitalised(where)} did not answer within ${http.timeoutSeconds} s.`, 'timeout')
    const {networkReason} = await import('./oauth/http.js')
    throw runnerFailure(`Could not reach ${where}: ${networkReason(error)}.`, 'network')
  } finally {
    clearTimeout(timer)
    await own?.close().catch(() => undefined)
  }
  if (status !== 200) throw runnerFailure(`${capitalised(where)} answered HTTP ${status} instead of an OIDC token.`)
  let value: unknown
  try {
    value = (JSON.parse(text) as {value?: unknown} | null)?.value
  } catch {
    throw runnerFailure(`${capitalised(where)} answered with something that is not JSON.`)
  }
  if (typeof value !== 'string' || value.trim() === '') throw runnerFailure(`${capitalised(where)} answered JSON without an OIDC token in "value".`)
  hideFromDebugOutput(value)
  return value.trim()
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export interface MintInput {
  runner: Runner
  http: RunnerHttp
  expiresInSeconds?: number
  /** POST /v1/auth/github-actions/token, on a client that sends no token of ours. */
  exchange: (body: GithubActionsTokenInput) => Promise<GithubActionsToken>
  /** Each secret as soon as it is known (the OIDC token, the minted token), to keep it out of errors. */
  learnt: (secret: string) => void
  env: NodeJS.ProcessEnv
}

/** Asks the runner for an OIDC token and exchanges it; a refusal (401) says the repository must be connected in the Console. */
export async function mintWithRunner(input: MintInput): Promise<Minted> {
  input.learnt(input.runner.requestToken)
  const oidcToken = await requestOidcToken(input.runner, input.http)
  input.learnt(oidcToken)
  let answer: GithubActionsToken
  try {
    answer = await input.exchange({token: oidcToken, ...(input.expiresInSeconds === undefined ? {} : {expiresInSeconds: input.expiresInSeconds})})
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw refused(input.env)
    throw error
  }
  input.learnt(answer.value)
  hideFromDebugOutput(answer.value)
  return {id: answer.id, value: answer.value, expiresAt: new Date(answer.expiresAt), workspaceId: answer.workspaceId}
}

/** The API's generic 401: it never says which check failed, and a missing repository link is the usual one. */
function refused(env: NodeJS.ProcessEnv): AuthError {
  // Set by the runner in every job; named when present so the user knows what to connect.
  const repository = envValue(env, 'GITHUB_REPOSITORY')
  const which = repository ? `the repository ${JSON.stringify(repository)}` : 'this workflow\'s repository'
  return new AuthError(
    `The Prisma API refused the GitHub Actions OIDC token (401): ${which} must be connected to your workspace in the Prisma Console.`,
    'Connect the repository to the workspace in the Prisma Console, then run the job again.',
  )
}

/**
 * The API client's token provider for a token minted from the runner's OIDC token: minted before
 * the first request, minted again when it is about to expire, and once more after a 401.
 * Structurally api/transport's TokenProvider.
 */
export class GithubActionsTokenProvider {
  #minted?: Minted
  #minting?: Promise<Minted>
  #retriedOn401 = false

  constructor(
    private readonly mint: () => Promise<Minted>,
    private readonly now: () => Date,
    /** Told of every token minted (to save it in a profile). */
    private readonly onMinted: (minted: Minted) => Promise<void> = async () => undefined,
  ) {}

  /** The token in use, once one was minted. */
  get minted(): Minted | undefined {
    return this.#minted
  }

  async current(): Promise<string> {
    const minted = this.#minted
    if (minted && minted.expiresAt.getTime() - this.now().getTime() > RENEW_MARGIN_MS) return minted.value
    return (await this.#renew()).value
  }

  async refresh(failed: string): Promise<string | undefined> {
    if (this.#minted && failed !== this.#minted.value) return this.#minted.value
    if (this.#retriedOn401) return undefined
    this.#retriedOn401 = true
    return (await this.#renew()).value
  }

  #renew(): Promise<Minted> {
    this.#minting ??= (async () => {
      try {
        const minted = await this.mint()
        this.#minted = minted
        await this.onMinted(minted)
        return minted
      } finally {
        this.#minting = undefined
      }
    })()
    return this.#minting
  }
}
