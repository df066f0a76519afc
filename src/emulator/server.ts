// The HTTP side on node:http: read the body (1 MiB at most), record the request, apply injected
// faults, hand OAuth paths to the authorization server, check the token (the service token or an
// OAuth access token), route, answer JSON, log one line per request (never a token).
import {createHash, timingSafeEqual} from 'node:crypto'
import {createServer} from 'node:http'
import type {IncomingMessage, Server, ServerResponse} from 'node:http'
import {performance} from 'node:perf_hooks'

import type {EmulatorCore, Principal, Reply} from './core.js'
import {faultAnswer} from './faults.js'
import type {FaultInjector} from './faults.js'
import {API_SCOPE} from './oauth/authorization-server.js'
import type {AuthorizationServer} from './oauth/authorization-server.js'
import {handleOAuth, isOAuthPath, loggedForm} from './oauth/endpoints.js'
import {isObjectsPath} from './objects/index.js'
import type {ObjectStorage} from './objects/index.js'
import {SERVICE_TOKEN_NAME} from './handlers/account.js'
import {ApiProblem, UNAUTHORIZED_HINT, forbidden} from './problems.js'
import {loggedBody, loggedHeaders, loggedPath} from './request-log.js'
import type {RequestLog, TokenCheck} from './request-log.js'
import {matchPublicRoute, matchRoute} from './routes.js'
import {handleHook, isHookPath} from './test-hooks.js'
import type {HookParts} from './test-hooks.js'

export const MAX_BODY_BYTES = 1024 * 1024
/** Past this, a body is not even drained: the socket is dropped. */
const MAX_DRAINED_BYTES = 64 * 1024 * 1024

export interface ServerParts {
  core: EmulatorCore
  faults: FaultInjector
  requests: RequestLog
  oauth: AuthorizationServer
  /** The S3 endpoint of the buckets, under /s3: its requests bypass the API's body reading and log. */
  objects: ObjectStorage
  hooks: Omit<HookParts, 'faults' | 'requests'>
}

/** Who a request's Authorization header says it comes from, or why it says nobody. */
interface Authentication {
  check: TokenCheck
  principal?: Principal
  /** An OAuth token's scopes. */
  scope?: string[]
  failure?: 'expired' | 'revoked'
}

interface ReceivedBody {
  text?: string
  tooLarge: boolean
  aborted: boolean
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/** Compares digests in constant time, so the answer time says nothing about the service token. */
function authenticate(header: string | undefined, expected: Buffer, core: EmulatorCore, oauth: AuthorizationServer): Authentication {
  if (header === undefined) return {check: 'missing'}
  const match = /^Bearer\s+(.+)$/i.exec(header.trim())
  if (!match) return {check: 'not-bearer'}
  const token = match[1].trim()
  const tokenDigest = digest(token)
  const {store} = core
  if (timingSafeEqual(tokenDigest, expected)) return {check: 'valid', principal: {kind: 'service_token', workspace: store.workspace, tokenId: store.credentialId, tokenName: SERVICE_TOKEN_NAME}}
  // A token minted through the API: found by its digest, the only thing kept of it.
  const minted = store.serviceTokenByDigest(tokenDigest.toString('hex'))
  const workspace = minted && store.workspaceById(minted.workspaceId)
  if (minted && workspace) {
    if (minted.expiresAt !== null && !(Date.parse(minted.expiresAt) > Date.now())) return {check: 'invalid', failure: 'expired'}
    return {check: 'valid', principal: {kind: 'service_token', workspace, tokenId: minted.id, tokenName: minted.name}}
  }
  const access = oauth.checkAccessToken(token)
  if (access.kind === 'valid') return {check: 'valid', principal: access.principal, scope: access.scope}
  return {check: 'invalid', failure: access.kind === 'invalid' ? undefined : access.kind}
}

/** The principal a bare token authenticates for the API (OAuth scope checked), or undefined. */
export function principalForToken(token: string, core: EmulatorCore, oauth: AuthorizationServer): Principal | undefined {
  const auth = authenticate(`Bearer ${token}`, digest(core.token), core, oauth)
  if (auth.principal?.kind === 'oauth' && !auth.scope?.includes(API_SCOPE)) return undefined
  return auth.principal
}

function readBody(req: IncomingMessage): Promise<ReceivedBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = Number(req.headers['content-length']) > MAX_BODY_BYTES
    let ended = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) tooLarge = true
      if (!tooLarge) chunks.push(chunk)
      if (size > MAX_DRAINED_BYTES) req.destroy()
    })
    req.once('end', () => {
      ended = true
      resolve({text: tooLarge ? undefined : Buffer.concat(chunks).toString('utf8'), tooLarge, aborted: false})
    })
    req.once('close', () => {
      if (!ended) resolve({tooLarge, aborted: true})
    })
    req.once('error', () => undefined)
  })
}

function parseJson(text: string | undefined): {parsed?: {value: unknown}; error?: string} {
  if (text === undefined || text.trim() === '') return {}
  try {
    return {parsed: {value: JSON.parse(text)}}
  } catch (error) {
    return {error: (error as Error).message}
  }
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return
  const headers = reply.headers ?? {}
  if (reply.body === undefined || reply.status === 204) {
    res.writeHead(reply.status, headers)
    res.end()
    return
  }
  const text = JSON.stringify(reply.body)
  res.writeHead(reply.status, {'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers})
  res.end(text)
}

function sendRaw(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, {...headers, 'content-length': String(Buffer.byteLength(body))})
  res.end(body)
}

function problemReply(error: unknown, log: (line: string) => void): Reply {
  if (error instanceof ApiProblem) return {status: error.status, body: error.body(), headers: error.headers}
  log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
  const message = error instanceof Error ? error.message : String(error)
  return {status: 500, body: new ApiProblem(500, 'internal-error', `The emulator failed: ${message}`).body()}
}

function unauthorized({check, failure}: Authentication): ApiProblem {
  const message =
    check === 'missing'
      ? 'Missing authorization: send a service token as "Authorization: Bearer <token>".'
      : check === 'not-bearer'
        ? 'The Authorization header must be "Bearer <token>".'
        : failure === 'expired'
          ? 'The access token has expired: refresh it, or log in again.'
          : failure === 'revoked'
            ? 'The access token has been revoked: log in again.'
            : 'The token is not valid for this API.'
  // The hint names the printed service token: no help to someone whose OAuth login ran out.
  return new ApiProblem(401, 'unauthorized', message, failure === undefined ? UNAUTHORIZED_HINT : undefined)
}

/** Who may make this request: anyone authenticated for the API, only the service token for the test hooks. */
function authorizedPrincipal(auth: Authentication, hook: boolean, core: EmulatorCore): Principal {
  const {principal} = auth
  if (!principal) throw unauthorized(auth)
  if (hook) {
    if (principal.kind !== 'service_token') throw forbidden("The test endpoints under /__emulator take the emulator's service token, not an OAuth access token.")
    if (principal.tokenId !== core.store.credentialId) throw forbidden("The test endpoints under /__emulator take the emulator's own service token, not one minted through the API.")
  }
  if (principal.kind === 'oauth' && !auth.scope?.includes(API_SCOPE)) throw forbidden(`The access token was not granted the ${API_SCOPE} scope.`, `Log in again asking for the ${API_SCOPE} scope.`)
  return principal
}

function delay(ms: number): Promise<void> {
  // Unref'd: a slow fault must not keep a closing emulator alive.
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}

export function createApiServer({core, faults, requests, oauth, objects, hooks}: ServerParts): Server {
  const expected = digest(core.token)
  const hookParts: HookParts = {faults, requests, ...hooks}

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now()
    const method = (req.method ?? 'GET').toUpperCase()
    const target = req.url ?? '/'
    const queryAt = target.indexOf('?')
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt)
    if (isObjectsPath(rawPath)) return objects.handle(req, res, rawPath, queryAt === -1 ? '' : target.slice(queryAt + 1))
    const query = new URLSearchParams(queryAt === -1 ? '' : target.slice(queryAt + 1))
    const received = await readBody(req)
    if (received.aborted) return
    const auth = authenticate(req.headers.authorization, expected, core, oauth)
    const hook = isHookPath(rawPath)
    const oauthPath = isOAuthPath(rawPath)
    const {parsed, error: jsonError} = oauthPath ? {} : parseJson(received.text)
    const entry = hook
      ? undefined
      : requests.record({
          at: new Date().toISOString(),
          method,
          path: loggedPath(target),
          headers: loggedHeaders(req.headers, auth.check),
          body: oauthPath ? loggedForm(received.text) : loggedBody(received.text, parsed),
        })
    // Only /authorize's query is worth showing: anywhere else on the OAuth paths it could hold a token.
    const shown = oauthPath && rawPath !== '/authorize' ? rawPath : loggedPath(target)
    const finish = (status: number | 'reset'): void => {
      if (entry && status !== 'reset') entry.status = status
      core.log(`${method} ${shown} ${status} ${(performance.now() - started).toFixed(1)}ms`)
    }

    if (!hook) {
      const fault = faults.take(method, target)
      if (fault) {
        if (fault.delayMs) await delay(fault.delayMs)
        if (res.destroyed || req.socket.destroyed) return
        if (fault.reset) {
          req.socket.destroy()
          return finish('reset')
        }
        const answer = faultAnswer(fault)
        if (answer) {
          sendRaw(res, answer.status, answer.headers, answer.body)
          return finish(answer.status)
        }
      }
    }

    let reply: Reply
    try {
      if (oauthPath) {
        const contentType = req.headers['content-type']
        const answer = handleOAuth(oauth, {method, rawPath, query, contentType, body: received.text}, core.store.user)
        sendRaw(res, answer.status, answer.headers, answer.body)
        return finish(answer.status)
      }
      const publicHandler = hook ? undefined : matchPublicRoute(method, rawPath)
      if (publicHandler) {
        // The API answers every failure of the exchange with its generic 401, a body it cannot read included.
        reply = received.tooLarge ? {status: 413, body: new ApiProblem(413, 'payload-too-large', `The request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB).`).body()} : await publicHandler({core, body: parsed?.value})
        send(res, reply)
        return finish(reply.status)
      }
      const principal = authorizedPrincipal(auth, hook, core)
      if (received.tooLarge) throw new ApiProblem(413, 'payload-too-large', `The request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB).`)
      if (jsonError !== undefined) throw new ApiProblem(400, 'invalid-json', `The request body is not valid JSON: ${jsonError}`)
      const body = parsed?.value
      if (hook) {
        reply = await handleHook(method, rawPath, body, hookParts)
      } else {
        const matched = matchRoute(method, rawPath)
        if (!matched) throw new ApiProblem(404, 'not-found', `No such endpoint: ${method} ${rawPath}.`)
        reply = await matched.handler({core, principal, method, params: matched.params, query, body})
      }
    } catch (error) {
      reply = problemReply(error, core.log)
    }
    send(res, reply)
    finish(reply.status)
  }

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, problemReply(error, core.log))
    })
  })
}
