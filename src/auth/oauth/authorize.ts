// The authorization request (the URL the browser opens) and the answer it comes back with, on the
// loopback listener or pasted: `code` and `state`, or `error`, `error_description` and `state`.
import {LoginError} from '../../errors.js'

/** What prisma-mgmt asks for: the workspace, and a refresh token to stay logged in. */
export const SCOPE = 'workspace:admin offline_access'
export const CALLBACK_PATH = '/auth/callback'

export interface AuthorizeRequest {
  authorizationEndpoint: string
  clientId: string
  redirectUri: string
  state: string
  challenge: string
}

export function authorizeUrl(request: AuthorizeRequest): URL {
  const url = new URL(request.authorizationEndpoint)
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    scope: SCOPE,
    state: request.state,
    code_challenge: request.challenge,
    code_challenge_method: 'S256',
  }
  // Set, not appended: an endpoint that carries a parameter of its own keeps it unless we name it.
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  return url
}

export function redirectUriFor(port: number): string {
  return `http://127.0.0.1:${port}${CALLBACK_PATH}`
}

/** The query of a callback, from a whole URL, a query string (`?code=…`) or bare `code=…&state=…`; undefined when it is none of those. */
export function callbackParams(input: string): URLSearchParams | undefined {
  const text = input.trim()
  if (text === '') return undefined
  let params: URLSearchParams
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      params = new URL(text).searchParams
    } catch {
      return undefined
    }
  } else params = new URLSearchParams(text.startsWith('?') ? text.slice(1) : text)
  return params.has('code') || params.has('error') ? params : undefined
}

/**
 * The authorization code of a callback meant for this login. A callback with another state, an
 * error (the user denied, the server refused) or no code is a LoginError that says which.
 */
export function readCallback(params: URLSearchParams, expectedState: string): string {
  const state = params.get('state')
  const error = params.get('error')
  // An error answer without our state may be forged; it still ends the login, and says so plainly.
  if (error !== null) {
    const description = params.get('error_description')
    const detail = description ? `${error}: ${description}` : error
    if (error === 'access_denied') {
      throw new LoginError(`The login was denied in the browser (${detail}); nothing was saved.`, 'Run `prisma-mgmt login` again and approve the access.', 'access_denied')
    }
    throw new LoginError(`The authorization server refused the login (${detail}); nothing was saved.`, undefined, error)
  }
  if (state !== expectedState) {
    throw new LoginError(
      'The browser came back with a state that does not belong to this login, so it was refused; nothing was saved.',
      'It may be an older login\'s page or another site\'s request. Run `prisma-mgmt login` again and use the page it opens.',
      'state-mismatch',
    )
  }
  const code = params.get('code')
  if (!code) throw new LoginError('The browser came back without an authorization code; nothing was saved.', 'Run `prisma-mgmt login` again.')
  return code
}
