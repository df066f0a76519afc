// The authorization server over HTTP, beside the API on the same origin and outside its token
// check: RFC 8414 metadata, the consent page and its form, the token and revocation endpoints.
//   GET  /.well-known/oauth-authorization-server -> 200 metadata JSON
//   GET  /authorize   -> 200 consent page | 400 error page (bad client or redirect_uri) | 302 error to redirect_uri
//   POST /authorize   -> 302 to redirect_uri with code or error=access_denied | 400 error page (bad form)
//   POST /token       -> 200 {access_token, token_type, expires_in, refresh_token?, scope} | 400/401 {error, error_description}
//   POST /revoke      -> 200 {} for any token | 400/401 {error, error_description} for a malformed request
import {isSecretKey} from '../../api/redact.js'
import type {UserRecord} from '../records.js'
import type {AuthorizationServer} from './authorization-server.js'
import {OAuthError} from './authorization-server.js'
import {PAGE_HEADERS, consentPage, errorPage} from './pages.js'

export const METADATA_PATH = '/.well-known/oauth-authorization-server'
const PATHS: readonly string[] = [METADATA_PATH, '/authorize', '/token', '/revoke']
/** Form fields that are secrets: the request log shows them as `<redacted>`. */
const SECRET_FIELDS = new Set(['code', 'code_verifier', 'refresh_token', 'token', 'csrf_token', 'client_secret'])

export interface OAuthRequest {
  method: string
  rawPath: string
  query: URLSearchParams
  contentType: string | undefined
  /** Undefined when the body was too large to keep. */
  body: string | undefined
}

export interface RawAnswer {
  status: number
  headers: Record<string, string>
  body: string
}

export function isOAuthPath(rawPath: string): boolean {
  return PATHS.includes(rawPath)
}

/** The form as the request log keeps it: fields by name, secrets replaced. */
export function loggedForm(text: string | undefined): unknown {
  if (text === undefined || text === '') return null
  const shown: Record<string, string | string[]> = {}
  for (const [name, value] of new URLSearchParams(text)) {
    const kept = SECRET_FIELDS.has(name) || isSecretKey(name) ? '<redacted>' : value
    const previous = shown[name]
    shown[name] = previous === undefined ? kept : [...(Array.isArray(previous) ? previous : [previous]), kept]
  }
  return shown
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): RawAnswer {
  // RFC 6749 section 5.1: token answers must not be cached.
  return {status, headers: {'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache', ...headers}, body: JSON.stringify(body)}
}

function oauthError(error: OAuthError): RawAnswer {
  return json(error.status, {error: error.error, error_description: error.description})
}

function html(status: number, body: string, headers: Record<string, string> = {}): RawAnswer {
  return {status, headers: {...PAGE_HEADERS, ...headers}, body}
}

function redirect(location: string): RawAnswer {
  return {status: 302, headers: {location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer'}, body: ''}
}

function isForm(contentType: string | undefined): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded'
}

/** The form body of a POST, or the OAuth error that refuses it. */
function readForm(request: OAuthRequest): URLSearchParams {
  if (request.body === undefined) throw new OAuthError(400, 'invalid_request', 'The request body is too large.')
  if (!isForm(request.contentType)) throw new OAuthError(400, 'invalid_request', 'Send the parameters as application/x-www-form-urlencoded.')
  return new URLSearchParams(request.body)
}

function notAllowed(allow: string, asPage: boolean): RawAnswer {
  const message = `Use ${allow.split(', ').join(' or ')}.`
  return asPage ? html(405, errorPage(message), {allow}) : json(405, {error: 'invalid_request', error_description: message}, {allow})
}

function authorize(server: AuthorizationServer, request: OAuthRequest, user: UserRecord): RawAnswer {
  if (request.method === 'GET') {
    const check = server.checkAuthorizeRequest(request.query)
    if (check.kind === 'page') return html(400, errorPage(check.message))
    if (check.kind === 'redirect') return redirect(check.location)
    return html(200, consentPage(server.startConsent(check.request), user))
  }
  if (request.method === 'POST') {
    let form: URLSearchParams
    try {
      form = readForm(request)
    } catch (error) {
      if (error instanceof OAuthError) return html(400, errorPage(error.description))
      throw error
    }
    const decision = server.decide(form)
    return decision.kind === 'redirect' ? redirect(decision.location) : html(400, errorPage(decision.message))
  }
  return notAllowed('GET, POST', true)
}

export function handleOAuth(server: AuthorizationServer, request: OAuthRequest, user: UserRecord): RawAnswer {
  switch (request.rawPath) {
    case METADATA_PATH:
      return request.method === 'GET' ? json(200, server.metadata(), {'cache-control': 'no-cache'}) : notAllowed('GET', false)
    case '/authorize':
      return authorize(server, request, user)
    case '/token':
    case '/revoke': {
      if (request.method !== 'POST') return notAllowed('POST', false)
      try {
        const form = readForm(request)
        if (request.rawPath === '/token') return json(200, server.token(form))
        server.revoke(form)
        return json(200, {})
      } catch (error) {
        if (error instanceof OAuthError) return oauthError(error)
        throw error
      }
    }
    default:
      throw new Error(`not an OAuth path: ${request.rawPath}`)
  }
}
