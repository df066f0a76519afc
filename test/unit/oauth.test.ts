// The browser login's parts in process: PKCE, the authorization URL, the callback (listened for
// and pasted), the flow's refusals, and the refresh decision with two stores racing for one file.
import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {MockAgent} from 'undici'

import {authorizeUrl, callbackParams, readCallback, SCOPE} from '../../src/auth/oauth/authorize.js'
import {OAuthHttp} from '../../src/auth/oauth/http.js'
import {listenForCallback} from '../../src/auth/oauth/loopback.js'
import {challengeOf, createState, createVerifier} from '../../src/auth/oauth/pkce.js'
import {OAuthSession, renewUnderLock} from '../../src/auth/oauth/session.js'
import {jwtPayload, TokenRequestError, type TokenSet} from '../../src/auth/oauth/tokens.js'
import {ProfileStore, type Profile} from '../../src/auth/store.js'
import {AuthError, AuthServerError, LoginError} from '../../src/errors.js'
import {browserLogin, checkPasted, type BrowserLogin} from '../../src/flows/browser-login.js'
import type {BrowserOpener} from '../../src/io/browser.js'
import {browserAvailable} from '../../src/io/browser.js'
import {scriptedPrompter} from './run-command.js'

const AUTH = 'https://auth.example.test'
const dirs: string[] = []

async function freshStore(): Promise<ProfileStore> {
  const home = await mkdtemp(join(tmpdir(), 'prisma-mgmt-oauth-unit-'))
  dirs.push(home)
  return new ProfileStore(join(home, 'prisma-mgmt'))
}

after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, {recursive: true, force: true})))
})

describe('PKCE and state', () => {
  it('the S256 challenge of RFC 7636 Appendix B\'s verifier is the RFC\'s', () => {
    assert.equal(challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'challenge of the RFC example')
  })

  it('verifiers are 43 unreserved characters and differ each time; states too', () => {
    const verifiers = new Set(Array.from({length: 20}, createVerifier))
    assert.equal(verifiers.size, 20, 'twenty different verifiers')
    for (const verifier of verifiers) assert.match(verifier, /^[A-Za-z0-9_-]{43}$/, `verifier ${verifier}`)
    assert.notEqual(createState(), createState(), 'two states differ')
  })
})

describe('the authorization URL', () => {
  it('carries exactly the parameters of the interface', () => {
    const url = authorizeUrl({
      authorizationEndpoint: `${AUTH}/authorize`,
      clientId: 'client-1',
      redirectUri: 'http://127.0.0.1:5123/auth/callback',
      state: 'state-1',
      challenge: 'challenge-1',
    })
    assert.equal(`${url.origin}${url.pathname}`, `${AUTH}/authorize`, 'the endpoint')
    assert.deepEqual(
      Object.fromEntries(url.searchParams),
      {
        response_type: 'code',
        client_id: 'client-1',
        redirect_uri: 'http://127.0.0.1:5123/auth/callback',
        scope: 'workspace:admin offline_access',
        state: 'state-1',
        code_challenge: 'challenge-1',
        code_challenge_method: 'S256',
      },
      'the query parameters',
    )
    assert.equal(SCOPE, 'workspace:admin offline_access', 'the scope')
  })

  it('keeps a parameter the endpoint already has', () => {
    const url = authorizeUrl({authorizationEndpoint: `${AUTH}/authorize?tenant=t1`, clientId: 'c', redirectUri: 'http://127.0.0.1:1/auth/callback', state: 's', challenge: 'x'})
    assert.equal(url.searchParams.get('tenant'), 't1', 'the endpoint\'s own parameter stays')
  })
})

describe('the callback', () => {
  it('reads a pasted URL, a query string, or bare parameters', () => {
    for (const text of ['http://127.0.0.1:5123/auth/callback?code=abc&state=s1', '  ?code=abc&state=s1\n', 'code=abc&state=s1']) {
      const params = callbackParams(text)
      assert.ok(params, `parsed: ${text}`)
      assert.equal(readCallback(params, 's1'), 'abc', `the code of ${text}`)
    }
    for (const text of ['', 'hello', 'http://127.0.0.1:5123/auth/callback', 'http://[bad']) assert.equal(callbackParams(text), undefined, `not a callback: ${JSON.stringify(text)}`)
  })

  it('refuses another state, and says why', () => {
    assert.throws(() => readCallback(new URLSearchParams('code=abc&state=other'), 's1'), (error: unknown) => {
      assert.ok(error instanceof LoginError, 'a LoginError')
      assert.equal(error.code, 'state-mismatch', 'its code')
      assert.equal(error.exitCode, 3, 'exit 3')
      assert.match(error.message, /state that does not belong to this login, so it was refused; nothing was saved/, 'its message')
      return true
    })
    assert.throws(() => readCallback(new URLSearchParams('code=abc'), 's1'), {code: 'state-mismatch'}, 'a missing state is refused too')
  })

  it('error=access_denied is a denial with the server\'s description', () => {
    const params = callbackParams('http://127.0.0.1:5123/auth/callback?error=access_denied&error_description=The+user+said+no&state=s1')
    assert.ok(params, 'parsed')
    assert.throws(() => readCallback(params, 's1'), (error: unknown) => {
      assert.ok(error instanceof LoginError, 'a LoginError')
      assert.equal(error.code, 'access_denied', 'its code')
      assert.equal(error.message, 'The login was denied in the browser (access_denied: The user said no); nothing was saved.', 'its message')
      return true
    })
  })

  it('a pasted line is checked before it is taken', () => {
    assert.equal(checkPasted('http://127.0.0.1:1/auth/callback?code=c&state=s1', 's1'), true, 'this login\'s callback')
    assert.match(String(checkPasted('http://127.0.0.1:1/auth/callback?code=c&state=s0', 's1')), /belongs to another login/, 'an older login\'s')
    assert.match(String(checkPasted('yes', 's1')), /Paste the whole address/, 'not an address')
    assert.equal(checkPasted('?error=access_denied&state=s1', 's1'), true, 'a denial is taken, and then reported')
  })
})

describe('the loopback listener', () => {
  it('answers only this machine\'s browser on /auth/callback, once', async () => {
    const listener = await listenForCallback()
    try {
      assert.match(listener.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/auth\/callback$/, 'the redirect URI')
      const base = `http://127.0.0.1:${listener.port}`
      assert.equal((await fetch(`${base}/favicon.ico`)).status, 404, 'another path is not found')
      const pending = fetch(`${listener.redirectUri}?code=abc&state=s1`)
      const callback = await listener.callback
      assert.equal(callback.params.get('code'), 'abc', 'the code reaches the flow')
      await callback.answer({ok: true, title: 'Logged in', message: 'Workspace <b>Acme</b>.'})
      const page = await pending
      assert.equal(page.status, 200, 'the browser gets 200')
      const html = await page.text()
      assert.match(html, /Workspace &lt;b&gt;Acme&lt;\/b&gt;\./, 'text in the page is escaped')
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/, 'the page runs nothing')
      assert.equal((await fetch(`${listener.redirectUri}?code=again&state=s1`)).status, 409, 'a second callback is refused')
    } finally {
      await listener.close()
    }
  })
})

describe('the browser login flow', () => {
  const metadata = {authorization_endpoint: `${AUTH}/authorize`, token_endpoint: `${AUTH}/token`, code_challenge_methods_supported: ['S256']}

  /** A flow against a stubbed authorization server; `browser` plays the browser's part. */
  function flow(agent: MockAgent, browser: BrowserOpener, overrides: Partial<BrowserLogin> = {}): {input: BrowserLogin; said: string[]; finished: TokenSet[]} {
    const said: string[] = []
    const finished: TokenSet[] = []
    const input: BrowserLogin = {
      authUrl: AUTH,
      clientId: 'client-1',
      mode: 'browser',
      canPrompt: false,
      timeoutSeconds: 300,
      http: new OAuthHttp({timeoutSeconds: 5, userAgent: 'test', insecure: false, dispatcher: agent}),
      browser,
      prompter: scriptedPrompter({}),
      // The timeout never fires unless a test says so.
      clock: {now: () => new Date(), sleep: (_ms, signal) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted'))))},
      say: (line) => said.push(line),
      finish: async (tokens) => {
        finished.push(tokens)
        return 'Logged in to workspace Acme.'
      },
      ...overrides,
    }
    return {input, said, finished}
  }

  interface Seen {
    page?: string
    status?: number
    /** The browser's request, answered. */
    done?: Promise<void>
  }

  function stubAgent(): MockAgent {
    const agent = new MockAgent()
    agent.disableNetConnect()
    agent.get(AUTH).intercept({method: 'GET', path: '/.well-known/oauth-authorization-server'}).reply(200, metadata, {headers: {'content-type': 'application/json'}})
    return agent
  }

  /** A browser that goes straight to the callback with the authorization URL's state (or `state`). */
  function browserReturning(query: (state: string) => string, seen: Seen): BrowserOpener {
    return {
      available: () => true,
      async open(url) {
        const authorize = new URL(url)
        const redirect = authorize.searchParams.get('redirect_uri')!
        // The browser's request runs on while the flow waits for it.
        seen.done = fetch(`${redirect}?${query(authorize.searchParams.get('state')!)}`).then(async (response) => {
          seen.status = response.status
          seen.page = await response.text()
        })
      },
    }
  }

  it('a callback with another state is refused: no token request, a failure page, nothing finished', async () => {
    const agent = stubAgent()
    const seen: Seen = {}
    const {input, finished} = flow(agent, browserReturning(() => 'code=abc&state=forged', seen))
    try {
      await assert.rejects(browserLogin(input), {name: 'LoginError', code: 'state-mismatch'}, 'the login fails with a state mismatch')
      assert.equal(finished.length, 0, 'nothing was finished (saved)')
      agent.assertNoPendingInterceptors()
      await seen.done
      assert.equal(seen.status, 400, 'the browser is told it failed')
      assert.match(seen.page ?? '', /Login failed/, 'the failure page')
    } finally {
      await agent.close()
    }
  })

  it('an approved callback is exchanged with the verifier, finished, and the browser told', async () => {
    const agent = stubAgent()
    let form: URLSearchParams | undefined
    const accessToken = `h.${Buffer.from(JSON.stringify({workspace_id: 'ws_1', exp: 4102444800})).toString('base64url')}.s`
    agent
      .get(AUTH)
      .intercept({method: 'POST', path: '/token'})
      .reply(200, (options) => {
        form = new URLSearchParams(String(options.body))
        return {access_token: accessToken, refresh_token: 'rt-1', token_type: 'Bearer', expires_in: 3600}
      }, {headers: {'content-type': 'application/json'}})
    let challenge = ''
    const seen: Seen = {}
    const browser = browserReturning((state) => `code=abc&state=${state}`, seen)
    const spying: BrowserOpener = {
      available: () => true,
      open: async (url) => {
        challenge = new URL(url).searchParams.get('code_challenge')!
        return browser.open(url)
      },
    }
    const {input, finished, said} = flow(agent, spying)
    try {
      assert.equal(await browserLogin(input), 'Logged in to workspace Acme.', 'the flow says how it ended')
      assert.ok(form, 'the token endpoint was asked')
      assert.equal(form.get('grant_type'), 'authorization_code', 'grant type')
      assert.equal(form.get('code'), 'abc', 'the code')
      assert.equal(form.get('client_id'), 'client-1', 'the client id')
      assert.match(form.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/auth\/callback$/, 'the same redirect URI')
      assert.equal(challengeOf(form.get('code_verifier') ?? ''), challenge, 'the verifier matches the challenge sent')
      assert.equal(finished[0]?.refreshToken, 'rt-1', 'the tokens were handed to finish')
      assert.equal(jwtPayload(finished[0].accessToken)?.workspace_id, 'ws_1', 'the access token is the JWT')
      assert.ok(said.some((line) => line.includes(`${AUTH}/authorize?`)), `the URL was printed: ${said.join('\n')}`)
      await seen.done
      assert.equal(seen.status, 200, 'the browser got the success page')
      assert.match(seen.page ?? '', /Logged in to workspace Acme\. You can close this tab/, 'the success page')
    } finally {
      await agent.close()
    }
  })

  it('no callback before the timeout: a LoginError that says so, nothing finished', async () => {
    const agent = stubAgent()
    const {input, finished} = flow(agent, {available: () => true, open: async () => {}}, {
      timeoutSeconds: 2,
      clock: {now: () => new Date(), sleep: async () => {}},
    })
    try {
      await assert.rejects(browserLogin(input), (error: unknown) => {
        assert.ok(error instanceof LoginError, 'a LoginError')
        assert.equal(error.code, 'timeout', 'its code')
        assert.equal(error.message, 'The login was not completed within 2 seconds; nothing was saved.', 'its message')
        return true
      })
      assert.equal(finished.length, 0, 'nothing finished')
    } finally {
      await agent.close()
    }
  })

  it('--no-browser on a terminal takes the pasted callback URL', async () => {
    const agent = stubAgent()
    agent.get(AUTH).intercept({method: 'POST', path: '/token'}).reply(200, {access_token: 'a.b.c', refresh_token: 'rt-2', expires_in: 60}, {headers: {'content-type': 'application/json'}})
    const opened: string[] = []
    let state = ''
    const prompter = scriptedPrompter({})
    prompter.input = async (_message, options) => {
      const pasted = `http://127.0.0.1:1/auth/callback?code=pasted&state=${state}`
      assert.equal(options?.validate?.(pasted), true, 'the pasted URL passes the check')
      return pasted
    }
    const {input, finished, said} = flow(agent, {available: () => true, open: async (url) => void opened.push(url)}, {mode: 'paste', canPrompt: true, prompter})
    const sayAndCatch = input.say
    input.say = (line) => {
      const match = /state=([^&\s]+)/.exec(line)
      if (match) state = decodeURIComponent(match[1])
      sayAndCatch(line)
    }
    try {
      await browserLogin(input)
      assert.equal(opened.length, 0, 'no browser was opened')
      assert.equal(finished[0]?.refreshToken, 'rt-2', 'the pasted code was exchanged')
      assert.ok(said.some((line) => line.includes('Open this URL in a browser')), 'the URL was printed for the person')
    } finally {
      await agent.close()
    }
  })

  it('where no browser can be opened, says so and prints the URL', () => {
    assert.equal(browserAvailable({}, 'linux'), false, 'Linux without a display')
    assert.equal(browserAvailable({DISPLAY: ':0'}, 'linux'), true, 'Linux with X')
    assert.equal(browserAvailable({WAYLAND_DISPLAY: 'wayland-0'}, 'linux'), true, 'Linux with Wayland')
    assert.equal(browserAvailable({DISPLAY: ':0', SSH_CONNECTION: '1 2 3 4'}, 'linux'), false, 'over SSH')
    assert.equal(browserAvailable({SSH_CONNECTION: '1 2 3 4', BROWSER: 'lynx'}, 'linux'), true, 'BROWSER set wins')
    assert.equal(browserAvailable({}, 'darwin'), true, 'macOS')
  })
})

describe('refreshing a session under the store\'s lock', () => {
  const session = (refreshToken: string, accessToken = 'at-0'): Profile => ({
    credential: 'oauth',
    accessToken,
    refreshToken,
    expiresAt: '2020-01-01T00:00:00.000Z',
    clientId: 'client-1',
    authUrl: AUTH,
    workspace: {id: 'ws_1', name: 'Acme'},
  })

  it('two stores racing with the same refresh token: one refresh, both end with its tokens', async () => {
    const first = await freshStore()
    const second = new ProfileStore(first.dir)
    await first.saveProfile('default', session('rt-1'))
    await first.saveProfile('other', {token: 'service-token'}, {makeCurrent: false})
    let calls = 0
    const refresh = async (refreshToken: string): Promise<TokenSet> => {
      calls++
      assert.equal(refreshToken, 'rt-1', 'the refresh token sent is the stored one')
      await new Promise((resolve) => setTimeout(resolve, 50))
      return {accessToken: 'at-2', refreshToken: 'rt-2', expiresAt: new Date('2030-01-01T00:00:00.000Z')}
    }
    const results = await Promise.all([first, second].map((store) => renewUnderLock({store, profile: 'default', known: 'rt-1', refresh})))
    assert.equal(calls, 1, 'the token endpoint was asked once')
    assert.deepEqual(results.map((r) => r.outcome).sort(), ['adopted', 'refreshed'], 'one refreshed, the other took its tokens')
    for (const result of results) assert.equal(result.session.accessToken, 'at-2', 'both use the new access token')
    const stored = JSON.parse(await readFile(first.path, 'utf8'))
    assert.equal(stored.profiles.default.refreshToken, 'rt-2', 'the new refresh token is stored')
    assert.equal(stored.profiles.default.expiresAt, '2030-01-01T00:00:00.000Z', 'its expiry too')
    assert.equal(stored.profiles.other.token, 'service-token', 'the other profile is kept')
  })

  it('a stored refresh token other than the known one is taken without asking the server', async () => {
    const store = await freshStore()
    await store.saveProfile('default', session('rt-new', 'at-new'))
    const result = await renewUnderLock({store, profile: 'default', known: 'rt-old', refresh: async () => assert.fail('no refresh when another process already did')})
    assert.equal(result.outcome, 'adopted', 'adopted')
    assert.equal(result.session.accessToken, 'at-new', 'the stored access token')
  })

  it('invalid_grant clears the session\'s tokens, keeps the rest, and ends the session', async () => {
    const store = await freshStore()
    await store.saveProfile('default', session('rt-1'))
    await assert.rejects(
      renewUnderLock({store, profile: 'default', known: 'rt-1', refresh: async () => Promise.reject(new TokenRequestError('invalid_grant', 'revoked', 'refused'))}),
      (error: unknown) => {
        assert.ok(error instanceof AuthError, 'an AuthError (exit 3)')
        assert.equal(error.message, 'Your session has ended; log in again with `prisma-mgmt login`.', 'its message')
        return true
      },
    )
    const stored = (await store.read()).profiles?.default
    assert.deepEqual(stored, {credential: 'oauth', clientId: 'client-1', authUrl: AUTH, workspace: {id: 'ws_1', name: 'Acme'}}, 'only the tokens are gone')
  })

  it('a server that cannot be reached changes nothing', async () => {
    const store = await freshStore()
    await store.saveProfile('default', session('rt-1'))
    const before = await readFile(store.path, 'utf8')
    await assert.rejects(renewUnderLock({store, profile: 'default', known: 'rt-1', refresh: async () => Promise.reject(new AuthServerError('down', undefined, 'network'))}), {name: 'AuthServerError'})
    assert.equal(await readFile(store.path, 'utf8'), before, 'the file is unchanged')
  })

  it('OAuthSession: an expiring token is refreshed once for many requests; a 401 after that refreshes no more', async () => {
    const store = await freshStore()
    await store.saveProfile('default', session('rt-1'))
    const stored = (await store.read()).profiles!.default
    let calls = 0
    const provider = new OAuthSession({
      store,
      profile: 'default',
      session: stored,
      now: () => new Date('2026-01-01T00:00:00.000Z'),
      refresh: async () => {
        calls++
        return {accessToken: 'at-2', refreshToken: 'rt-2', expiresAt: new Date('2026-01-01T01:00:00.000Z')}
      },
    })
    const tokens = await Promise.all(Array.from({length: 5}, () => provider.current()))
    assert.deepEqual(new Set(tokens), new Set(['at-2']), 'every request gets the new token')
    assert.equal(calls, 1, 'one refresh')
    assert.equal(await provider.refresh('at-0'), 'at-2', 'a 401 with the old token: the new one, no refresh')
    assert.equal(calls, 1, 'still one refresh')
    assert.equal(await provider.refresh('at-2'), 'at-2', 'a 401 with the current token refreshes once more')
    assert.equal(calls, 2, 'the 401 refresh')
    assert.equal(await provider.refresh('at-2'), undefined, 'a second 401 gets nothing more')
    assert.equal(calls, 2, 'no third refresh')
    assert.equal(provider.expiresAt?.toISOString(), '2026-01-01T01:00:00.000Z', 'the expiry follows the refresh')
  })
})
