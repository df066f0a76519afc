// The browser login (OAuth 2.0 authorization code with PKCE): find the server's endpoints, listen
// on 127.0.0.1, send the browser to the authorization URL (always printed too), and take the
// first of: the browser's callback, the callback URL pasted on the terminal, the timeout, Ctrl-C.
// The code is exchanged, `finish` checks and saves the session, and the browser is told how it
// went. Nothing is saved unless every step succeeds.
import {authorizeUrl, callbackParams, readCallback} from '../auth/oauth/authorize.js'
import {discover} from '../auth/oauth/discovery.js'
import type {OAuthHttp} from '../auth/oauth/http.js'
import {listenForCallback, type Callback} from '../auth/oauth/loopback.js'
import {challengeOf, createState, createVerifier} from '../auth/oauth/pkce.js'
import {exchangeCode, type TokenSet} from '../auth/oauth/tokens.js'
import {CliError, LoginError} from '../errors.js'
import type {BrowserOpener} from '../io/browser.js'
import type {Clock} from '../io/clock.js'
import type {Prompter} from '../io/prompts.js'
import {terminalSafe} from '../output/safe-text.js'
import {watchInterrupts} from './interrupts.js'

export interface BrowserLogin {
  authUrl: string
  clientId: string
  /** `browser` opens one (and falls back to pasting when none can be opened); `paste` only prints the URL. */
  mode: 'browser' | 'paste'
  /** A person is at the terminal to paste the callback URL. */
  canPrompt: boolean
  timeoutSeconds: number
  http: OAuthHttp
  browser: BrowserOpener
  prompter: Prompter
  clock: Clock
  /** A line on stderr. */
  say: (line: string) => void
  /** Checks the new session and saves it; returns what the browser's page says (`Logged in to workspace Acme.`). */
  finish: (tokens: TokenSet) => Promise<string>
}

type Arrival = {kind: 'callback'; callback: Callback} | {kind: 'pasted'; params: URLSearchParams} | {kind: 'timeout'}

/** Minutes or seconds, as a person says them. */
function duration(seconds: number): string {
  return seconds >= 120 && seconds % 60 === 0 ? `${seconds / 60} minutes` : `${seconds} seconds`
}

/** What the prompt says of a pasted line that is not this login's callback; true when it is. */
export function checkPasted(value: string, state: string): true | string {
  const params = callbackParams(value)
  if (!params) return 'Paste the whole address from the browser\'s address bar (it contains code= and state=).'
  if (!params.has('error') && params.get('state') !== state) return 'That address belongs to another login (its state differs); paste the one from this login.'
  return true
}

export async function browserLogin(flow: BrowserLogin): Promise<string> {
  const server = await discover(flow.authUrl, flow.http)
  const listener = await listenForCallback()
  const withdraw = new AbortController()
  const interrupts = watchInterrupts(flow.say)
  try {
    const verifier = createVerifier()
    const state = createState()
    const url = authorizeUrl({
      authorizationEndpoint: server.authorizationEndpoint,
      clientId: flow.clientId,
      redirectUri: listener.redirectUri,
      state,
      challenge: challengeOf(verifier),
    }).href
    const shownUrl = terminalSafe(url)

    let paste = flow.mode === 'paste'
    if (flow.mode === 'browser' && !flow.browser.available()) {
      flow.say('No browser can be opened here (no display, or an SSH session; set BROWSER to choose one).')
      paste = true
    }
    if (paste) {
      flow.say(`Open this URL in a browser, on this machine or any other, and approve the access:\n\n  ${shownUrl}\n`)
    } else {
      flow.say(`Opening your browser to log in. If it does not open, visit this URL:\n\n  ${shownUrl}\n`)
      try {
        await flow.browser.open(url)
      } catch (error) {
        flow.say(`Could not open a browser (${terminalSafe(error instanceof Error ? error.message : String(error))}); open the URL above yourself.`)
        paste = true
      }
    }

    const arrivals: Promise<Arrival>[] = [
      listener.callback.then((callback) => ({kind: 'callback', callback})),
      flow.clock.sleep(flow.timeoutSeconds * 1000, withdraw.signal).then(() => ({kind: 'timeout'}) as const),
      new Promise<never>((_, reject) => {
        interrupts.signal.addEventListener('abort', () => reject(interrupts.error('while waiting for the browser login; nothing was saved')), {once: true})
      }),
    ]
    if (paste && flow.canPrompt) {
      flow.say(`After you approve, the browser goes to ${listener.redirectUri}?code=…; if that page does not load (the browser is on another machine), paste its address here.`)
      arrivals.push(
        flow.prompter
          .input('Callback URL:', {signal: withdraw.signal, validate: (value) => checkPasted(value, state)})
          .then((text) => ({kind: 'pasted', params: callbackParams(text)!})),
      )
    } else flow.say(`Waiting up to ${duration(flow.timeoutSeconds)} for the browser (Ctrl-C to cancel)…`)

    let arrival: Arrival
    try {
      arrival = await Promise.race(arrivals)
    } finally {
      // Withdraws the prompt and the timer; Ctrl-C from here on ends the process as usual.
      withdraw.abort()
      interrupts.dispose()
    }
    if (arrival.kind === 'timeout') {
      throw new LoginError(
        `The login was not completed within ${duration(flow.timeoutSeconds)}; nothing was saved.`,
        'Run `prisma-mgmt login` again (--login-timeout <seconds> allows more time).',
        'timeout',
      )
    }
    const params = arrival.kind === 'callback' ? arrival.callback.params : arrival.params
    const respond = arrival.kind === 'callback' ? arrival.callback.answer : undefined
    try {
      const code = readCallback(params, state)
      const tokens = await exchangeCode(flow.http, {tokenEndpoint: server.tokenEndpoint, code, redirectUri: listener.redirectUri, clientId: flow.clientId, verifier})
      const done = await flow.finish(tokens)
      await respond?.({ok: true, title: 'Logged in', message: `${done} You can close this tab and return to the terminal.`})
      return done
    } catch (error) {
      const reason = error instanceof CliError ? error.message : 'Something went wrong; the terminal says what.'
      await respond?.({ok: false, title: 'Login failed', message: `${reason} Return to the terminal for details.`})
      throw error
    }
  } finally {
    interrupts.dispose()
    await listener.close()
  }
}
