import {Flags} from '@oclif/core'

import type {Me} from '../api/contract.js'
import {ApiError} from '../api/errors.js'
import {BaseCommand} from '../base-command.js'
import {hideFromDebugOutput} from '../auth/debug-output.js'
import {GITHUB_ACTIONS_CREDENTIAL, GITHUB_ACTIONS_ENV, MAX_EXPIRES_IN, MIN_EXPIRES_IN, RUNNER_MISSING_NEXT, runnerFromEnv} from '../auth/github-actions.js'
import type {OAuthHttp} from '../auth/oauth/http.js'
import type {TokenSet} from '../auth/oauth/tokens.js'
import {cleanToken, ENV, type Resolved} from '../auth/settings.js'
import {describeSource} from '../deps.js'
import {AuthError, LoginError, UsageError} from '../errors.js'
import {safe} from '../output/safe-text.js'

type Method = 'token' | 'browser' | 'paste'

/** What login --github-actions prints with --json: never the token itself. */
export interface GithubActionsLogin {
  credential: 'github-actions'
  workspace: {id: string; name: string | null}
  tokenId: string
  expiresAt: string
  saved: boolean
  /** The profile it was saved to; null when it was not saved. */
  profile: string | null
}

export default class Login extends BaseCommand<typeof Login> {
  static override summary = 'Log in with a browser or a service token and save it to a profile'

  static override description = `On a terminal, asks how to log in: with a browser (the default) or by pasting a service token.

The browser login (OAuth 2.0 with PKCE) opens the authorization server's page, waits for the browser on http://127.0.0.1:<port>/auth/callback and saves the session (an access token and a refresh token, renewed automatically) in the profile. The URL is always printed too; with --no-browser, or where no browser can be opened (SSH, no display), open it anywhere and paste the address the browser ends on. BROWSER chooses the browser command.

Against Prisma's API, the browser login needs the client id of an OAuth app you registered in the Prisma Console (Integrations → Published Applications): --client-id or PRISMA_OAUTH_CLIENT_ID. Against the emulator it needs nothing.

A service token is checked with the API (GET /v1/me) before it is saved. Nothing is saved when a login fails. The profile file has mode 0600.

The login is saved to the current profile (or "default"), which stays or becomes current. With --profile (or PRISMA_MGMT_PROFILE) it is saved to that profile, which becomes current only when no other profile that is logged in is current: login says which profile is current, and \`profiles use <name>\` switches.

Inside a GitHub Actions job with \`permissions: id-token: write\`, --github-actions asks the runner for an OIDC token (audience prisma-cloud, from ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN) and exchanges it for a short-lived service token of the workspace the repository is connected to in the Prisma Console. The token is never printed; it is saved (with its expiry) only with --save. Without any token configured, every command does the same exchange on its own in such a job, for itself only (PRISMA_MGMT_OIDC=0 turns that off).`

  static override examples = [
    {description: 'Log in interactively (asks: browser or token)', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Log in with a browser against Prisma\'s API, with the client id of your OAuth app', command: '<%= config.bin %> <%= command.id %> --browser --client-id <your-app-client-id>'},
    {description: 'Log in on a machine without a browser: open the URL elsewhere, paste the result', command: '<%= config.bin %> <%= command.id %> --no-browser'},
    {description: 'Log in from a script, reading the token from stdin', command: 'echo "$TOKEN" | <%= config.bin %> <%= command.id %> --with-token'},
    {description: 'Save a token to a second profile', command: '<%= config.bin %> <%= command.id %> --profile staging --token "$STAGING_TOKEN"'},
    {description: 'In a GitHub Actions job (permissions: id-token: write): mint a token for 15 minutes and save it', command: '<%= config.bin %> <%= command.id %> --github-actions --save --expires-in 900'},
  ]

  static override flags = {
    'with-token': Flags.boolean({description: 'Read a service token from standard input', default: false}),
    browser: Flags.boolean({
      description: 'Log in with a browser (OAuth); --no-browser prints the URL and takes the callback address pasted back',
      allowNo: true,
    }),
    'login-timeout': Flags.integer({description: 'Seconds to wait for the browser login before giving up', default: 300, min: 1, helpValue: '<seconds>'}),
    'auth-url': Flags.string({
      description: `OAuth authorization server [env: ${ENV.authUrl}] (default https://auth.prisma.io; for an emulator, its own URL)`,
      helpValue: '<url>',
    }),
    'client-id': Flags.string({
      description: `Client id of your OAuth app [env: ${ENV.clientId}] (default: the profile's; the emulator's own for an emulator)`,
      helpValue: '<id>',
    }),
    'github-actions': Flags.boolean({description: 'Exchange the GitHub Actions runner\'s OIDC token (audience prisma-cloud) for a short-lived service token', default: false}),
    save: Flags.boolean({description: 'With --github-actions: save the minted token and its expiry in the profile', default: false}),
    'expires-in': Flags.integer({description: `With --github-actions: the token's lifetime in seconds, ${MIN_EXPIRES_IN} to ${MAX_EXPIRES_IN} (default: the API's, 1800)`, helpValue: '<seconds>'}),
  }

  public async run(): Promise<Me | GithubActionsLogin> {
    if (this.flags['github-actions']) return this.githubActionsLogin()
    if (this.flags.save || this.flags['expires-in'] !== undefined) {
      throw new UsageError(`--${this.flags.save ? 'save' : 'expires-in'} goes with --github-actions.`, 'A token or browser login is always saved; for a GitHub Actions job pass --github-actions.')
    }
    const method = await this.method()
    if (method === 'token') return this.tokenLogin(await this.readToken())
    return this.browserLogin(method)
  }

  /** How to log in: a token given, a browser asked for, or (on a terminal) the person's choice. */
  private async method(): Promise<Method> {
    const tokenGiven = this.flags['with-token'] || this.flags.token !== undefined
    if (tokenGiven && this.flags.browser !== undefined) {
      throw new UsageError(`Pass either a service token (--token, --with-token) or --${this.flags.browser ? '' : 'no-'}browser, not both.`)
    }
    if (tokenGiven) return 'token'
    if (this.flags.browser !== undefined) return this.flags.browser ? 'browser' : 'paste'
    if (!this.interactive) {
      throw new UsageError('No token given and no terminal to ask for one.', 'Pass --token <token>, pipe it in with --with-token, or log in with a browser: --browser.')
    }
    return this.deps.prompter.choose<Method>('How do you want to log in?', [
      {name: 'With a browser', value: 'browser', description: 'Approve prisma-mgmt in your browser; the session renews itself'},
      {name: 'With a service token', value: 'token', description: 'Paste a token created in the Prisma Console'},
    ])
  }

  private async tokenLogin(token: string): Promise<Me> {
    // bin/run.js finds --token in argv; a token from stdin or the prompt is known only here.
    hideFromDebugOutput(token)
    const profile = await this.settings.profileName()
    const apiUrl = await this.settings.apiUrl()
    const api = await this.api({value: token, source: 'flag'})
    let me: Me
    try {
      me = await api.getMe()
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        throw new AuthError(`The API rejected that token (${error.status}); it was not saved.`, 'Check that you copied the whole service token and that it has not been revoked.')
      }
      throw error
    }
    // Merged under the store's lock into the profile as it is then, keeping keys this version does not know; a browser session it replaces goes.
    const current = await this.settings.store.saveProfile(profile.value, {
      apiUrl: apiUrl.source === 'default' ? undefined : apiUrl.value,
      token,
      credential: undefined,
      accessToken: undefined,
      refreshToken: undefined,
      expiresAt: undefined,
      workspace: me.workspace ? {id: me.workspace.id, name: me.workspace.name} : undefined,
      savedAt: this.deps.clock.now().toISOString(),
    }, {makeCurrent: becomesCurrent(profile)})
    return this.loggedIn(me, profile.value, apiUrl, current)
  }

  private async browserLogin(mode: 'browser' | 'paste'): Promise<Me> {
    const profile = await this.settings.profileName()
    const apiUrl = await this.settings.apiUrl()
    const authUrl = await this.settings.authUrl()
    const clientId = await this.settings.clientId()
    if (!clientId) {
      throw new UsageError(
        `No OAuth client id for ${authUrl.value}: prisma-mgmt has none of its own for Prisma's API.`,
        [
          'Register an app in the Prisma Console (Integrations → Published Applications) with the redirect URI',
          'http://127.0.0.1/auth/callback (a loopback URI: prisma-mgmt picks the port), then pass its client id:',
          `--client-id <id>, or ${ENV.clientId}=<id> (login saves it in the profile). Or log in with a service token: --token.`,
        ].join('\n'),
      )
    }
    const [{browserLogin}, {parseAuthBase}] = await Promise.all([import('../flows/browser-login.js'), import('../auth/oauth/discovery.js')])
    const http = await this.deps.oauthHttp()
    let me: Me | undefined
    let current: Currentness | undefined
    try {
      await browserLogin({
        authUrl: authUrl.value,
        clientId: clientId.value,
        mode,
        canPrompt: this.interactive,
        timeoutSeconds: this.flags['login-timeout'],
        http,
        browser: this.deps.browser,
        prompter: this.deps.prompter,
        clock: this.deps.clock,
        // The URL and the waiting are said even with --json: stdout carries only the document.
        say: (line) => this.io.stderr.write(`${line}\n`),
        finish: async (tokens) => {
          me = await this.checkSession(tokens, http, authUrl.value, clientId.value)
          ;(current = await this.settings.store.saveProfile(profile.value, {
            credential: 'oauth',
            token: undefined,
            accessToken: tokens.accessToken,
            refreshToken: tokens.refreshToken,
            expiresAt: tokens.expiresAt?.toISOString(),
            clientId: clientId.value,
            authUrl: parseAuthBase(authUrl.value).href.replace(/\/+$/, ''),
            apiUrl: apiUrl.source === 'default' ? undefined : apiUrl.value,
            workspace: me.workspace ? {id: me.workspace.id, name: me.workspace.name} : undefined,
            savedAt: new Date().toISOString(),
          }, {makeCurrent: becomesCurrent(profile)}))
          return me.workspace ? safe`Logged in to workspace ${me.workspace.name}.` : 'Logged in.'
        },
      })
    } finally {
      await http.close()
    }
    return this.loggedIn(me!, profile.value, apiUrl, current)
  }

  /** The runner's OIDC token exchanged for a service token, checked with GET /v1/me, saved only with --save. */
  private async githubActionsLogin(): Promise<GithubActionsLogin> {
    const other = this.flags['with-token'] ? '--with-token' : this.flags.token === undefined ? (this.flags.browser === undefined ? undefined : `--${this.flags.browser ? '' : 'no-'}browser`) : '--token'
    if (other) throw new UsageError(`Pass either --github-actions or ${other}, not both.`)
    const expiresIn = this.flags['expires-in']
    if (expiresIn !== undefined && !(expiresIn >= MIN_EXPIRES_IN && expiresIn <= MAX_EXPIRES_IN)) {
      throw new UsageError(`--expires-in must be from ${MIN_EXPIRES_IN} to ${MAX_EXPIRES_IN} seconds (the API's limits), not ${expiresIn}.`)
    }
    const runner = runnerFromEnv(this.io.env)
    if (!runner) {
      const missing = [GITHUB_ACTIONS_ENV.requestUrl, GITHUB_ACTIONS_ENV.requestToken].filter((name) => !this.io.env[name]?.trim())
      throw new UsageError(`--github-actions needs ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not set.`, RUNNER_MISSING_NEXT)
    }
    const profile = await this.settings.profileName()
    const apiUrl = await this.settings.apiUrl()
    const minted = await this.deps.mintGithubActionsToken({runner, expiresInSeconds: expiresIn})
    const me = await (await this.api({value: minted.value, source: 'flag'})).getMe()
    const workspace = me.workspace ? {id: me.workspace.id, name: me.workspace.name} : {id: minted.workspaceId, name: null}
    let current: Currentness | undefined
    if (this.flags.save) {
      ;(current = await this.settings.store.saveProfile(profile.value, {
        apiUrl: apiUrl.source === 'default' ? undefined : apiUrl.value,
        credential: GITHUB_ACTIONS_CREDENTIAL,
        token: minted.value,
        expiresAt: minted.expiresAt.toISOString(),
        accessToken: undefined,
        refreshToken: undefined,
        workspace: me.workspace ? {id: me.workspace.id, name: me.workspace.name} : undefined,
        savedAt: this.deps.clock.now().toISOString(),
      }, {makeCurrent: becomesCurrent(profile)}))
    }
    const result: GithubActionsLogin = {
      credential: 'github-actions',
      workspace,
      tokenId: minted.id,
      expiresAt: minted.expiresAt.toISOString(),
      saved: this.flags.save,
      profile: this.flags.save ? profile.value : null,
    }
    if (this.flags.save && this.io.env[ENV.token]?.trim()) this.note(`Note: ${ENV.token} is set in your environment and is used before any profile.`)
    return this.document(result, () => {
      const where = workspace.name === null ? safe`workspace ${workspace.id}` : safe`workspace ${workspace.name} (${workspace.id})`
      const lines = [`Logged in to ${where} with GitHub Actions OIDC; the token expires at ${result.expiresAt}.`]
      lines.push(this.flags.save ? safe`Saved to profile "${profile.value}"` + currentness(profile.value, current) : 'Not saved: pass --save to keep it in a profile for later commands of this job.')
      if (apiUrl.source !== 'default') lines.push(safe`API URL: ${apiUrl.value} (from ${describeSource(apiUrl.source, 'api-url')})`)
      return lines.join('\n')
    })
  }

  /** GET /v1/me with the new access token; a session the API refuses is revoked (when the server can) and not saved. */
  private async checkSession(tokens: TokenSet, http: OAuthHttp, authUrl: string, clientId: string): Promise<Me> {
    const api = await this.api({value: tokens.accessToken, source: 'flag'})
    try {
      return await api.getMe()
    } catch (error) {
      const {revokeSession} = await import('../auth/oauth/revoke.js')
      await revokeSession(http, {authUrl, clientId, refreshToken: tokens.refreshToken}).catch(() => undefined)
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        throw new LoginError(`The API rejected the new session (${error.status}); nothing was saved.`, 'Check that --api-url and --auth-url belong together, then log in again.')
      }
      throw error
    }
  }

  private loggedIn(me: Me, profile: string, apiUrl: Resolved<string>, current: Currentness | undefined): Promise<Me> {
    if (this.io.env[ENV.token]?.trim()) this.note(`Note: ${ENV.token} is set in your environment and is used before any profile.`)
    return this.document(me, () => {
      const where = me.workspace ? safe`workspace ${me.workspace.name} (${me.workspace.id})` : 'the API'
      const lines = [`Logged in to ${where} as profile ${safe`"${profile}"`}${currentness(profile, current)}`]
      if (apiUrl.source !== 'default') lines.push(safe`API URL: ${apiUrl.value} (from ${describeSource(apiUrl.source, 'api-url')})`)
      return lines.join('\n')
    })
  }

  private async readToken(): Promise<string> {
    if (this.flags['with-token']) {
      if (this.flags.token !== undefined) throw new UsageError('Pass either --token or --with-token, not both.')
      const {readStdin} = await import('../io/prompts.js')
      const token = cleanToken(await readStdin(this.io))
      if (!token) throw new AuthError('No token on standard input.', 'Pipe the token in: echo "$TOKEN" | prisma-mgmt login --with-token')
      return token
    }
    if (this.flags.token !== undefined) {
      const token = cleanToken(this.flags.token)
      if (!token) throw new AuthError('The --token flag is empty.', 'Pass a service token: --token <token>.')
      return token
    }
    return cleanToken(await this.deps.prompter.secret('Paste your Prisma service token:'))
  }
}

/**
 * A profile named by --profile or PRISMA_MGMT_PROFILE is for that command: it becomes current only
 * when no other profile that holds credentials is; logging in to the current (or default) profile keeps it current.
 */
function becomesCurrent(profile: Resolved<string>): true | 'unless-another' {
  return profile.source === 'flag' || profile.source === 'env' ? 'unless-another' : true
}

/** The current profile before and after a login saved one. */
type Currentness = {current?: string; previous?: string}

/** What login says of the current profile after saving `profile`, ending the sentence it follows. */
function currentness(profile: string, {current, previous}: Currentness = {}): string {
  if (current === profile) return previous === profile ? '; it is the current profile.' : '; it is now the current profile.'
  return safe`. The current profile is still "${current}": use this one with --profile ${profile}, or make it current with \`prisma-mgmt profiles use ${profile}\`.`
}
