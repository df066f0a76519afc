// The browser login through the built binary, against a small authorization server of our own
// (oauth-server.ts) that is also the API: BROWSER runs a script that plays the browser's part, a
// real terminal (tmux) takes a pasted callback URL, and a real Chromium clicks Approve or Deny.
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {eventually, removeDir, run, start, tempDir, type RunResult} from './harness.js'
import {CLIENT_ID, OAuthTestServer, WORKSPACE} from './oauth-server.js'
import {Terminal} from './terminal.js'

const FAKE_BROWSER = join(import.meta.dirname, 'fake-browser.mjs')
const CHROMIUM = '/usr/bin/chromium'

interface StoredProfile {
  credential?: string
  token?: string
  accessToken?: string
  refreshToken?: string
  expiresAt?: string
  clientId?: string
  authUrl?: string
  apiUrl?: string
  workspace?: {id: string; name: string}
}

interface Stored {
  currentProfile?: string
  profiles?: Record<string, StoredProfile>
}

describe('login with a browser (OAuth) through the built binary', () => {
  let server: OAuthTestServer
  const homes: string[] = []
  const terminals: Terminal[] = []

  before(async () => {
    server = await OAuthTestServer.start()
  })
  after(async () => {
    await Promise.all(terminals.map((t) => t.close()))
    await server?.stop()
    await Promise.all(homes.map(removeDir))
  })

  const newHome = async () => {
    const home = await tempDir('prisma-mgmt-oauth-')
    homes.push(home)
    return home
  }
  const configFile = (home: string) => join(home, 'prisma-mgmt', 'config.json')
  const stored = async (home: string): Promise<Stored> => JSON.parse(await readFile(configFile(home), 'utf8')) as Stored
  const browserLog = async (home: string) =>
    (await readFile(join(home, 'browser.log'), 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as {opened?: string; callback?: string; status?: number; page?: string; error?: string})

  /** The CLI pointed at the test server (API and authorization server alike), with BROWSER playing `action`. */
  const env = (home: string, action = 'approve', extra: Record<string, string | undefined> = {}) => ({
    XDG_CONFIG_HOME: home,
    PRISMA_MANAGEMENT_API_URL: server.url,
    BROWSER: `"${process.execPath}" "${FAKE_BROWSER}"`,
    FAKE_BROWSER_ACTION: action,
    FAKE_BROWSER_LOG: join(home, 'browser.log'),
    ...extra,
  })

  /** Every token the file holds now or held before must be absent from what a command printed. */
  const tokensSeen = new Set<string>()
  const remember = async (home: string) => {
    if (!existsSync(configFile(home))) return
    for (const profile of Object.values((await stored(home)).profiles ?? {})) {
      for (const token of [profile.accessToken, profile.refreshToken, profile.token]) if (token) tokensSeen.add(token)
    }
  }
  const noTokens = async (home: string, ...results: RunResult[]) => {
    await remember(home)
    for (const result of results) {
      for (const token of tokensSeen) {
        assert.ok(!result.stdout.includes(token), 'a token appeared on stdout')
        assert.ok(!result.stderr.includes(token), 'a token appeared on stderr')
      }
    }
  }

  /** Waits until the profile's access token no longer works at the server: it has expired. */
  const expired = async (home: string, profile = 'default') => {
    const token = (await stored(home)).profiles![profile].accessToken!
    await eventually(`the access token of ${profile} to expire`, () => !server.accessTokenValid(token))
  }

  const login = async (home: string, args: string[] = [], extra: Record<string, string | undefined> = {}) => {
    const result = await run(['login', '--browser', ...args], {env: env(home, 'approve', extra)})
    assert.equal(result.code, 0, `login --browser ${args.join(' ')} failed: ${result.stderr}`)
    await noTokens(home, result)
    return result
  }

  it('login --browser: the browser approves, the session is saved 0600, whoami says oauth', async () => {
    const home = await newHome()
    const before = {...server.counters}
    const result = await run(['login', '--browser'], {env: env(home)})
    assert.equal(result.code, 0, `login failed: ${result.stderr}`)
    assert.equal(result.stdout, `Logged in to workspace ${WORKSPACE.name} (${WORKSPACE.id}) as profile "default"; it is now the current profile.\nAPI URL: ${server.url} (from PRISMA_MANAGEMENT_API_URL)\n`, 'what login says')
    assert.match(result.stderr, new RegExp(`visit this URL:\\n\\n  ${server.url.replaceAll('.', '\\.')}/authorize\\?response_type=code&client_id=${CLIENT_ID}&`), `the URL is printed on stderr:\n${result.stderr}`)
    assert.equal(server.counters.codeExchanges - before.codeExchanges, 1, 'one code exchange')

    const [opened, callback] = await browserLog(home)
    const authorize = new URL(opened.opened!)
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256', 'PKCE S256')
    assert.equal(authorize.searchParams.get('scope'), 'workspace:admin offline_access', 'the scope')
    assert.equal(callback.status, 200, `the browser's callback page: ${JSON.stringify(callback)}`)
    assert.match(callback.page ?? '', /Logged in to workspace OAuth Test Workspace\. You can close this tab/, 'the page says it worked')

    assert.equal((await stat(configFile(home))).mode & 0o777, 0o600, 'the file is 0600')
    const profile = (await stored(home)).profiles!.default
    assert.equal(profile.credential, 'oauth', 'an OAuth session')
    assert.ok(profile.accessToken && server.accessTokenValid(profile.accessToken), 'a working access token is stored')
    assert.ok(profile.refreshToken && server.refreshTokenLive(profile.refreshToken), 'a live refresh token is stored')
    assert.ok(!Number.isNaN(Date.parse(profile.expiresAt ?? '')), `an ISO expiry: ${profile.expiresAt}`)
    assert.deepEqual(
      {clientId: profile.clientId, authUrl: profile.authUrl, apiUrl: profile.apiUrl, workspace: profile.workspace, token: profile.token},
      {clientId: CLIENT_ID, authUrl: server.url, apiUrl: server.url, workspace: WORKSPACE, token: undefined},
      'the rest of the session',
    )
    await noTokens(home, result)

    const whoami = await run(['whoami'], {env: {XDG_CONFIG_HOME: home}})
    assert.equal(whoami.code, 0, whoami.stderr)
    assert.match(whoami.stdout, /\toauth\t\d{4}-\d\d-\d\dT[\d:.]+Z\t/, `whoami shows oauth and the expiry:\n${whoami.stdout}`)
    assert.match(whoami.stdout, /the stored profile \(browser login\)/, 'and where the credential came from')
    await noTokens(home, whoami)
  })

  it('with DEBUG=* no access or refresh token appears, at login or at a refresh', async () => {
    const home = await newHome()
    server.accessTtlSeconds = 1
    let loggedIn: RunResult
    try {
      loggedIn = await run(['login', '--browser'], {env: env(home, 'approve', {DEBUG: '*'})})
    } finally {
      server.accessTtlSeconds = 3600
    }
    assert.equal(loggedIn.code, 0, `login failed: ${loggedIn.stderr}`)
    await remember(home)
    await expired(home)
    const before = server.counters.refreshes
    const listed = await run(['projects', 'list'], {env: {XDG_CONFIG_HOME: home, DEBUG: '*'}})
    assert.equal(listed.code, 0, `projects list failed: ${listed.stderr}`)
    assert.equal(server.counters.refreshes - before, 1, 'the expiring token was refreshed')
    assert.match(listed.stderr, /prisma-mgmt:http|oclif/, 'debug output was on')
    await noTokens(home, loggedIn, listed)
  })

  it('login --browser --json: stdout holds the API object alone; the URL still goes to stderr', async () => {
    const home = await newHome()
    const result = await run(['login', '--browser', '--json'], {env: env(home)})
    assert.equal(result.code, 0, result.stderr)
    const me = JSON.parse(result.stdout) as {workspace: {id: string}; credential: {type: string}}
    assert.equal(me.workspace.id, WORKSPACE.id, 'the workspace')
    assert.equal(me.credential.type, 'oauth', 'an OAuth credential')
    assert.match(result.stderr, /\/authorize\?/, 'the URL on stderr')
    await noTokens(home, result)
  })

  it('denied in the browser: a clear error, exit 3, nothing saved', async () => {
    const home = await newHome()
    const result = await run(['login', '--browser'], {env: env(home, 'deny')})
    assert.equal(result.code, 3, `exit 3: ${result.stderr}`)
    assert.match(result.stderr, /^Error: The login was denied in the browser \(access_denied: The user denied the request\); nothing was saved\.$/m, result.stderr)
    assert.equal(existsSync(configFile(home)), false, 'no config file was written')
    const [, callback] = await browserLog(home)
    assert.equal(callback.status, 400, 'the browser is told it failed')
    assert.match(callback.page ?? '', /Login failed/, 'the failure page')
  })

  it('a callback with another state is refused: exit 3, no code exchanged, nothing saved', async () => {
    const home = await newHome()
    const before = server.counters.codeExchanges
    const result = await run(['login', '--browser'], {env: env(home, 'wrong-state')})
    assert.equal(result.code, 3, `exit 3: ${result.stderr}`)
    assert.match(result.stderr, /^Error: The browser came back with a state that does not belong to this login, so it was refused; nothing was saved\.$/m, result.stderr)
    assert.equal(server.counters.codeExchanges, before, 'the code was never exchanged')
    assert.equal(existsSync(configFile(home)), false, 'nothing was saved')
  })

  it('--login-timeout 2 with no answer from the browser: a message, exit 3, nothing saved', async () => {
    const home = await newHome()
    const result = await run(['login', '--browser', '--login-timeout', '2'], {env: env(home, 'record')})
    assert.equal(result.code, 3, `exit 3: ${result.stderr}`)
    assert.match(result.stderr, /^Error: The login was not completed within 2 seconds; nothing was saved\.\nRun `prisma-mgmt login` again \(--login-timeout <seconds> allows more time\)\.$/m, result.stderr)
    assert.equal(existsSync(configFile(home)), false, 'nothing was saved')
  })

  it('Ctrl-C while waiting for the browser exits 130 and saves nothing', async () => {
    const home = await newHome()
    const started = start(['login', '--browser'], {env: env(home, 'record')})
    await eventually('the login to wait for the browser', () => started.output.stderr.includes('Waiting up to'))
    started.child.kill('SIGINT')
    const result = await started.done
    assert.equal(result.code, 130, `exit 130: ${result.stderr}`)
    assert.match(result.stderr, /^Error: Interrupted while waiting for the browser login; nothing was saved\.$/m, result.stderr)
    assert.equal(existsSync(configFile(home)), false, 'nothing was saved')
  })

  it('an access token about to expire is refreshed once before the request, and the command succeeds', async () => {
    const home = await newHome()
    server.accessTtlSeconds = 1
    try {
      await login(home)
    } finally {
      server.accessTtlSeconds = 3600
    }
    await expired(home)
    const first = (await stored(home)).profiles!.default
    const before = server.counters.refreshes
    const result = await run(['projects', 'list', '--json'], {env: {XDG_CONFIG_HOME: home}})
    assert.equal(result.code, 0, `projects list failed: ${result.stderr}`)
    assert.equal((JSON.parse(result.stdout) as {id: string}[])[0].id, 'proj_oauth_1', 'the projects')
    assert.equal(server.counters.refreshes - before, 1, 'exactly one refresh')
    const second = (await stored(home)).profiles!.default
    assert.notEqual(second.refreshToken, first.refreshToken, 'the rotated refresh token is stored')
    assert.ok(server.refreshTokenLive(second.refreshToken!), 'and it is the live one')
    assert.ok(Date.parse(second.expiresAt!) > Date.parse(first.expiresAt!), 'with the new expiry')
    await noTokens(home, result)

    const again = await run(['projects', 'list', '--json'], {env: {XDG_CONFIG_HOME: home}})
    assert.equal(again.code, 0, again.stderr)
    assert.equal(server.counters.refreshes - before, 1, 'a fresh token is not refreshed again')
  })

  it('a 401 from the API refreshes once and repeats the request', async () => {
    const home = await newHome()
    await login(home)
    const first = (await stored(home)).profiles!.default
    server.rejected.add(first.accessToken!)
    const before = {...server.counters}
    const result = await run(['whoami', '--json'], {env: {XDG_CONFIG_HOME: home}})
    assert.equal(result.code, 0, `whoami failed: ${result.stderr}`)
    assert.equal(server.counters.refreshes - before.refreshes, 1, 'one refresh')
    assert.equal(server.counters.unauthorized - before.unauthorized, 1, 'after one 401')
    assert.notEqual((await stored(home)).profiles!.default.accessToken, first.accessToken, 'the new access token is stored')
    await noTokens(home, result)
  })

  it('twenty parallel commands with an expired token: one refresh, all succeed, no profile lost', async () => {
    const home = await newHome()
    server.accessTtlSeconds = 1
    try {
      await login(home)
      await login(home, ['--profile', 'second'])
    } finally {
      server.accessTtlSeconds = 3600
    }
    await expired(home)
    // The current profile is the one the twenty use; "second" and a service token profile must survive them.
    const config = await stored(home)
    config.currentProfile = 'default'
    config.profiles!.ci = {token: 'sk_kept_service_token', workspace: WORKSPACE}
    await writeFile(configFile(home), JSON.stringify(config), {mode: 0o600})
    await remember(home)
    const before = {...server.counters}
    // A slow token endpoint widens the window in which the others find the lock taken.
    server.refreshDelayMs = 300
    let results: RunResult[]
    try {
      results = await Promise.all(Array.from({length: 20}, () => run(['projects', 'list', '--json'], {env: {XDG_CONFIG_HOME: home}})))
    } finally {
      server.refreshDelayMs = 0
    }
    results.forEach((result, i) => assert.equal(result.code, 0, `command ${i} exited ${result.code}: ${result.stderr}`))
    assert.equal(server.counters.refreshes - before.refreshes, 1, `exactly one refresh, not ${server.counters.refreshes - before.refreshes}`)
    assert.equal(server.counters.refreshFailures - before.refreshFailures, 0, 'no refresh token was used twice')
    const after = await stored(home)
    assert.deepEqual(Object.keys(after.profiles!).sort(), ['ci', 'default', 'second'], 'every profile is kept')
    assert.ok(server.refreshTokenLive(after.profiles!.default.refreshToken!), 'the stored refresh token is the live one')
    assert.equal(after.profiles!.second.refreshToken, config.profiles!.second.refreshToken, 'the other session is untouched')
    assert.equal(after.profiles!.ci.token, 'sk_kept_service_token', 'the service token profile is untouched')
    assert.equal((await stat(configFile(home))).mode & 0o777, 0o600, 'the file stays 0600')
    await noTokens(home, ...results)
  })

  it('a refresh token the server refuses (invalid_grant) ends the session: exit 3, tokens cleared, the rest kept', async () => {
    const home = await newHome()
    server.accessTtlSeconds = 1
    try {
      await login(home)
    } finally {
      server.accessTtlSeconds = 3600
    }
    await expired(home)
    server.revokeAll()
    const result = await run(['projects', 'list'], {env: {XDG_CONFIG_HOME: home}})
    assert.equal(result.code, 3, `exit 3: ${result.stderr}`)
    assert.equal(result.stderr, 'Error: Your session has ended; log in again with `prisma-mgmt login`.\n', 'the message')
    const profile = (await stored(home)).profiles!.default
    assert.equal(profile.accessToken, undefined, 'the access token is cleared')
    assert.equal(profile.refreshToken, undefined, 'the refresh token is cleared')
    assert.deepEqual({credential: profile.credential, clientId: profile.clientId, authUrl: profile.authUrl, workspace: profile.workspace}, {credential: 'oauth', clientId: CLIENT_ID, authUrl: server.url, workspace: WORKSPACE}, 'the rest of the profile stays')
    const json = await run(['whoami', '--json'], {env: {XDG_CONFIG_HOME: home}})
    assert.equal(json.code, 3, 'still exit 3 afterwards')
    assert.deepEqual(JSON.parse(json.stdout), {error: {code: 'auth-required', message: 'Your session has ended; log in again with `prisma-mgmt login`.'}}, 'the JSON error')
    await noTokens(home, result, json)
  })

  it('logout removes the session and revokes its refresh token; a failed revocation is a warning', async () => {
    const home = await newHome()
    await login(home)
    const session = (await stored(home)).profiles!.default
    const out = await run(['logout'], {env: {XDG_CONFIG_HOME: home}})
    assert.equal(out.code, 0, out.stderr)
    assert.equal(out.stdout, 'Logged out: removed the browser session of profile "default" and revoked it at the authorization server.\nNo other profile is logged in: log in again with `prisma-mgmt login`.\n', 'what logout says')
    assert.ok(server.revoked.includes(session.refreshToken!), 'the refresh token was revoked')
    assert.equal(server.refreshTokenLive(session.refreshToken!), false, 'it no longer works')
    const after = (await stored(home)).profiles!.default
    assert.deepEqual([after.credential, after.accessToken, after.refreshToken], [undefined, undefined, undefined], 'the credentials are gone')
    assert.deepEqual({workspace: after.workspace, clientId: after.clientId}, {workspace: WORKSPACE, clientId: CLIENT_ID}, 'the rest stays')

    await login(home)
    server.revocationFails = true
    try {
      const failed = await run(['logout'], {env: {XDG_CONFIG_HOME: home}})
      assert.equal(failed.code, 0, `a failed revocation is not a failure: ${failed.stderr}`)
      assert.match(failed.stderr, /^Warning: could not revoke the session at http:\/\/127\.0\.0\.1:\d+: The revocation endpoint .* answered 503 \(temporarily_unavailable\)\. It was removed from this machine/m, failed.stderr)
      assert.equal(failed.stdout, 'Logged out: removed the browser session of profile "default".\nNo other profile is logged in: log in again with `prisma-mgmt login`.\n', 'what logout says')
      assert.equal((await stored(home)).profiles!.default.refreshToken, undefined, 'removed anyway')
      await noTokens(home, out, failed)
    } finally {
      server.revocationFails = false
    }
  })

  it('profiles list, use and remove', async () => {
    const home = await newHome()
    await login(home)
    await login(home, ['--profile', 'staging'])
    const config = await stored(home)
    config.profiles!.ci = {token: 'sk_listed_service_token', workspace: {id: 'wksp_ci', name: 'CI'}}
    await writeFile(configFile(home), JSON.stringify(config), {mode: 0o600})
    await remember(home)

    const list = await run(['profiles', 'list'], {env: {XDG_CONFIG_HOME: home}})
    assert.equal(list.code, 0, list.stderr)
    assert.equal(
      list.stdout,
      // login --profile staging left default, logged in, the current profile.
      `NAME\tCREDENTIAL\tWORKSPACE\tAPI URL\tCURRENT\nci\tservice token\tCI\thttps://api.prisma.io\t\ndefault\toauth\t${WORKSPACE.name}\t${server.url}\t*\nstaging\toauth\t${WORKSPACE.name}\t${server.url}\t\n`,
      'the rows',
    )
    const json = await run(['profiles', 'list', '--json'], {env: {XDG_CONFIG_HOME: home}})
    assert.equal(json.code, 0, json.stderr)
    const rows = JSON.parse(json.stdout) as {name: string; credential: string; current: boolean; clientId: string | null}[]
    assert.deepEqual(rows.map((r) => r.name), ['ci', 'default', 'staging'], 'every profile')
    assert.equal(rows[1].clientId, CLIENT_ID, 'the client id is shown; it is not a secret')
    assert.ok(!json.stdout.includes('sk_listed_service_token'), 'no service token in the JSON')
    await noTokens(home, list, json)

    const use = await run(['profiles', 'use', 'staging'], {env: {XDG_CONFIG_HOME: home}})
    assert.equal(use.code, 0, use.stderr)
    assert.equal((await stored(home)).currentProfile, 'staging', 'staging is current')
    const unknown = await run(['profiles', 'use', 'prod'], {env: {XDG_CONFIG_HOME: home}})
    assert.equal(unknown.code, 2, 'an unknown profile is exit 2')
    assert.equal(unknown.stderr, 'Error: There is no profile named "prod".\nProfiles: ci, default, staging.\n', 'listing the profiles')

    const staging = (await stored(home)).profiles!.staging
    const refused = await run(['profiles', 'remove', 'staging'], {env: {XDG_CONFIG_HOME: home}})
    assert.equal(refused.code, 2, 'no --yes off a terminal: exit 2')
    assert.ok((await stored(home)).profiles!.staging, 'nothing removed')
    const before = server.counters.revocations
    const removed = await run(['profiles', 'remove', 'staging', '--yes'], {env: {XDG_CONFIG_HOME: home}})
    assert.equal(removed.code, 0, removed.stderr)
    // staging was current: the most recently saved profile still logged in (default) is now, and it says so.
    assert.equal(removed.stdout, `Removed profile "staging" and revoked its session at the authorization server.\nProfile "default" (workspace ${WORKSPACE.name}) is now the current profile.\n`, 'what it says')
    assert.equal((await stored(home)).currentProfile, 'default', 'default is current')
    assert.equal(server.counters.revocations - before, 1, 'its refresh token was revoked')
    assert.equal(server.refreshTokenLive(staging.refreshToken!), false, 'and no longer works')
    assert.deepEqual(Object.keys((await stored(home)).profiles!).sort(), ['ci', 'default'], 'the others stay')
    await noTokens(home, removed)
  })

  /** `login --no-browser` on a real terminal, and the callback URL a browser is sent to once it approves the URL shown. */
  async function approvedNoBrowserLogin(home: string): Promise<{term: Terminal; callback: string}> {
    const term = await Terminal.start(['login', '--no-browser'], {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: server.url})
    terminals.push(term)
    const screen = await term.waitFor(/Callback URL:/)
    const shown = /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/.exec(screen)
    assert.ok(shown, `the authorization URL is on the screen:\n${screen}`)
    const authorize = new URL(shown[1])
    authorize.searchParams.set('auto', 'approve')
    const consent = await fetch(authorize, {redirect: 'manual'})
    const callback = consent.headers.get('location')
    assert.ok(callback, 'the server redirected to the callback')
    return {term, callback}
  }

  it('on a real terminal: --no-browser prints the URL and takes the callback URL pasted back', async () => {
    const home = await newHome()
    // The browser on another machine: it approves, and its address bar ends on a callback this machine never receives.
    const {term, callback} = await approvedNoBrowserLogin(home)
    await term.type(callback)
    await term.press('Enter')
    const code = await term.exitCode()
    const end = await term.screen()
    assert.equal(code, 0, `login --no-browser exited ${code}:\n${end}`)
    assert.match(end, /Logged in to workspace OAuth Test Workspace \(wksp_oauth_test\) as profile "default"; it is now the current profile\./, 'it says so')
    const profile = (await stored(home)).profiles!.default
    assert.equal(profile.credential, 'oauth', 'the session is saved')
    assert.equal((await stat(configFile(home))).mode & 0o777, 0o600, 'file 0600')
    await remember(home)
    for (const token of tokensSeen) assert.ok(!end.includes(token), 'no token on the screen')
  })

  it('on a real terminal: with --no-browser, a browser on this machine still completes the login and the prompt goes', async () => {
    const home = await newHome()
    const {term, callback} = await approvedNoBrowserLogin(home)
    // This time the browser reaches the listener itself: nothing is pasted.
    const page = await fetch(callback)
    assert.equal(page.status, 200, 'the callback page says it worked')
    const code = await term.exitCode()
    const end = await term.screen()
    assert.equal(code, 0, `login --no-browser exited ${code}:\n${end}`)
    assert.match(end, /Logged in to workspace OAuth Test Workspace/, 'it says so')
    assert.equal((await stored(home)).profiles!.default.credential, 'oauth', 'the session is saved')
  })

  it('on a real terminal, plain login asks how; the browser is the default', async () => {
    const home = await newHome()
    const term = await Terminal.start(['login'], {
      XDG_CONFIG_HOME: home,
      PRISMA_MANAGEMENT_API_URL: server.url,
      BROWSER: `"${process.execPath}" "${FAKE_BROWSER}"`,
      FAKE_BROWSER_ACTION: 'approve',
      FAKE_BROWSER_LOG: join(home, 'browser.log'),
    })
    terminals.push(term)
    const menu = await term.waitFor(/How do you want to log in\?/)
    assert.match(menu, /With a browser/, 'the browser is offered')
    assert.match(menu, /With a service token/, 'and the token')
    await term.press('Enter')
    const code = await term.exitCode()
    assert.equal(code, 0, `login exited ${code}:\n${await term.screen()}`)
    assert.equal((await stored(home)).profiles!.default.credential, 'oauth', 'a browser session was saved')
  })

  it('a real browser (Chromium): Approve saves the session; Deny ends with a clear error and saves nothing', async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip(`${CHROMIUM} is not installed (Debian package chromium); .ci/run installs it`)
      return
    }
    // Nothing may download a browser: playwright-core drives the system's Chromium.
    process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1'
    const {chromium} = await import('playwright-core')
    for (const decision of ['approve', 'deny'] as const) {
      const home = await newHome()
      const started = start(['login', '--browser'], {env: env(home, 'record')})
      const profileDir = await newHome()
      let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined
      try {
        const url = await eventually('the URL handed to BROWSER', async () => (await browserLog(home))[0]?.opened)
        context = await chromium.launchPersistentContext(profileDir, {
          executablePath: CHROMIUM,
          headless: true,
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        })
        const page = await context.newPage()
        await page.goto(url)
        await page.click(`#${decision}`)
        await page.waitForSelector(decision === 'approve' ? '#success' : '#failure')
        const text = await page.textContent('body')
        const result = await started.done
        if (decision === 'approve') {
          assert.equal(result.code, 0, `login failed: ${result.stderr}`)
          assert.match(text ?? '', /Logged in to workspace OAuth Test Workspace\./, 'the page in the browser says so')
          assert.equal((await stored(home)).profiles!.default.credential, 'oauth', 'the session is saved')
          await noTokens(home, result)
        } else {
          assert.equal(result.code, 3, `exit 3: ${result.stderr}`)
          assert.match(result.stderr, /^Error: The login was denied in the browser \(access_denied: The user denied the request\); nothing was saved\.$/m, result.stderr)
          assert.match(text ?? '', /Login failed/, 'the page in the browser says so')
          assert.equal(existsSync(configFile(home)), false, 'nothing was saved')
        }
      } finally {
        await context?.close()
        if (started.child.exitCode === null) started.child.kill('SIGKILL')
        await started.done.catch(() => undefined)
      }
    }
  })
})
