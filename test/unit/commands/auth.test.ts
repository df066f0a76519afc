import assert from 'node:assert/strict'
import {existsSync, statSync} from 'node:fs'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import Login from '../../../src/commands/login.js'
import Logout from '../../../src/commands/logout.js'
import WhoAmI from '../../../src/commands/whoami.js'
import {me} from '../fixtures.js'
import {API, apiError, fixJitter, parseJson, reply, runCommand, TOKEN} from '../run-command.js'

const NEW_TOKEN = 'sk_login_new_token_9f2c'
const noEnvToken = {PRISMA_SERVICE_TOKEN: undefined}

let root: string
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'prisma-mgmt-auth-'))
})
after(async () => {
  await rm(root, {recursive: true, force: true})
})

let folders = 0
/** A config folder that does not exist yet, so the CLI creates it (and its mode can be checked). */
function freshConfigDir(): string {
  return join(root, `config-${++folders}`, 'prisma-mgmt')
}

async function readConfig(configDir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(configDir, 'config.json'), 'utf8')) as Record<string, unknown>
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8)

describe('login in process', () => {
  it('on a terminal: asks how, then for the token (masked), checks it with GET /v1/me, saves the profile 0600 in a 0700 folder', async () => {
    const configDir = freshConfigDir()
    let sent: ReturnType<typeof reply> = []
    let offered: string[] = []
    const result = await runCommand(Login, [], {
      tty: true,
      env: {NO_COLOR: '1', ...noEnvToken},
      configDir,
      answers: {
        choose: [
          (choices) => {
            offered = choices.map((c) => String(c.value))
            return 'token'
          },
        ],
        secret: [`  ${NEW_TOKEN}\n`],
      },
      stub: (api) => {
        sent = reply(api, 'GET', '/v1/me', {data: me})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(result.asked, ['How do you want to log in?', 'Paste your Prisma service token:'])
    assert.deepEqual(offered, ['browser', 'token'], 'the browser first, as the default')
    assert.equal(result.stdout, `Logged in to workspace Acme (ws_1) as profile "default"; it is now the current profile.\nAPI URL: ${API} (from PRISMA_MANAGEMENT_API_URL)\n`)
    assert.equal(result.stderr, '')
    assert.equal(sent[0]?.headers.authorization, `Bearer ${NEW_TOKEN}`, 'the trimmed token from the prompt is what was checked')
    assert.deepEqual(await readConfig(configDir), {
      profiles: {default: {apiUrl: API, token: NEW_TOKEN, workspace: {id: 'ws_1', name: 'Acme'}, savedAt: '2026-11-29T10:20:30.000Z'}},
      currentProfile: 'default',
    })
    assert.equal(mode(join(configDir, 'config.json')), '600', 'config.json mode')
    assert.equal(mode(configDir), '700', 'config folder mode')
  })

  it('--with-token reads stdin; --profile saves to that profile and leaves the logged-in current profile current, saying so', async () => {
    const configDir = freshConfigDir()
    await mkdir(configDir, {recursive: true})
    await writeFile(join(configDir, 'config.json'), JSON.stringify({currentProfile: 'default', profiles: {default: {token: 'sk_old_default_token'}}}))
    const result = await runCommand(Login, ['--with-token', '--profile', 'staging'], {
      env: noEnvToken,
      input: `${NEW_TOKEN}\n`,
      configDir,
      stub: (api) => reply(api, 'GET', '/v1/me', {data: me}),
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      'Logged in to workspace Acme (ws_1) as profile "staging". The current profile is still "default": use this one with --profile staging, or make it current with `prisma-mgmt profiles use staging`.\n' +
        `API URL: ${API} (from PRISMA_MANAGEMENT_API_URL)\n`,
    )
    assert.ok(!result.stdout.includes(NEW_TOKEN) && !result.stderr.includes(NEW_TOKEN), 'the new token is never printed')
    const config = await readConfig(configDir)
    assert.equal(config.currentProfile, 'default')
    assert.deepEqual(config.profiles, {
      default: {token: 'sk_old_default_token'},
      staging: {apiUrl: API, token: NEW_TOKEN, workspace: {id: 'ws_1', name: 'Acme'}, savedAt: '2026-11-29T10:20:30.000Z'},
    })
  })

  it('--profile (or PRISMA_MGMT_PROFILE) makes the profile current when no logged-in profile is, and says so', async () => {
    for (const [argv, env] of [[['--profile', 'staging'], {}], [[], {PRISMA_MGMT_PROFILE: 'staging'}]] as [string[], NodeJS.ProcessEnv][]) {
      const configDir = freshConfigDir()
      await mkdir(configDir, {recursive: true})
      // The current profile was logged out of: it holds no token.
      await writeFile(join(configDir, 'config.json'), JSON.stringify({currentProfile: 'default', profiles: {default: {apiUrl: API}}}))
      const result = await runCommand(Login, ['--token', NEW_TOKEN, ...argv], {env: {...noEnvToken, ...env}, configDir, stub: (api) => reply(api, 'GET', '/v1/me', {data: me})})
      assert.equal(result.code, 0, result.stderr)
      assert.equal(result.stdout, `Logged in to workspace Acme (ws_1) as profile "staging"; it is now the current profile.\nAPI URL: ${API} (from PRISMA_MANAGEMENT_API_URL)\n`, argv.join(' '))
      assert.equal((await readConfig(configDir)).currentProfile, 'staging', argv.join(' '))
    }
  })

  it('logging in again to the current profile keeps it current and says so', async () => {
    const configDir = freshConfigDir()
    await mkdir(configDir, {recursive: true})
    await writeFile(join(configDir, 'config.json'), JSON.stringify({currentProfile: 'work', profiles: {work: {token: 'sk_old_work_token'}, other: {token: 'sk_other_token'}}}))
    const result = await runCommand(Login, ['--token', NEW_TOKEN], {env: noEnvToken, configDir, stub: (api) => reply(api, 'GET', '/v1/me', {data: me})})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, `Logged in to workspace Acme (ws_1) as profile "work"; it is the current profile.\nAPI URL: ${API} (from PRISMA_MANAGEMENT_API_URL)\n`)
    assert.equal((await readConfig(configDir)).currentProfile, 'work')
  })

  it('--token with --json prints the API\'s account; -o yaml the same as YAML', async () => {
    const json = await runCommand(Login, ['--token', NEW_TOKEN, '--json'], {env: noEnvToken, stub: (api) => reply(api, 'GET', '/v1/me', {data: me})})
    assert.equal(json.code, 0, json.stderr)
    assert.deepEqual(parseJson(json.stdout), me)
    assert.equal(json.stderr, '')
    const yaml = await runCommand(Login, ['--token', NEW_TOKEN, '-o', 'yaml'], {env: noEnvToken, stub: (api) => reply(api, 'GET', '/v1/me', {data: me})})
    assert.equal(yaml.code, 0, yaml.stderr)
    assert.deepEqual(parseYaml(yaml.stdout), me)
  })

  it('a token the API rejects (401) is exit 3 and is not saved', async () => {
    const configDir = freshConfigDir()
    const result = await runCommand(Login, ['--token', NEW_TOKEN], {
      env: noEnvToken,
      configDir,
      stub: (api) => reply(api, 'GET', '/v1/me', apiError('unauthorized', 'Invalid token.'), {status: 401}),
    })
    assert.equal(result.code, 3, result.stderr)
    assert.equal(result.stdout, '')
    assert.equal(result.stderr, 'Error: The API rejected that token (401); it was not saved.\nCheck that you copied the whole service token and that it has not been revoked.\n')
    assert.ok(!existsSync(join(configDir, 'config.json')), 'no config file was written')
  })

  it('the API unavailable (503 after retries) is exit 6 and nothing is saved', async (t) => {
    fixJitter(t)
    const configDir = freshConfigDir()
    const result = await runCommand(Login, ['--token', NEW_TOKEN, '--json'], {
      env: noEnvToken,
      configDir,
      stub: (api) => reply(api, 'GET', '/v1/me', apiError('unavailable', 'Down for maintenance.'), {status: 503, times: 5}),
    })
    assert.equal(result.code, 6, result.stderr)
    assert.deepEqual(parseJson(result.stdout), {error: {code: 'unavailable', message: 'Down for maintenance.', status: 503}})
    assert.equal(result.stderr, 'Error: Down for maintenance.\nThe API is unavailable or busy; try again in a moment.\n')
    assert.ok(!existsSync(join(configDir, 'config.json')), 'no config file was written')
  })

  it('off a terminal without a token: exit 2 naming the flags, no request', async () => {
    const result = await runCommand(Login, [], {env: noEnvToken})
    assert.equal(result.code, 2, result.stderr)
    assert.equal(result.stderr, 'Error: No token given and no terminal to ask for one.\nPass --token <token>, pipe it in with --with-token, or log in with a browser: --browser.\n')
    assert.equal(result.stdout, '')
  })

  it('usage errors: --token with --with-token, an empty --token, nothing on stdin, --json with -o yaml', async () => {
    const both = await runCommand(Login, ['--with-token', '--token', NEW_TOKEN], {env: noEnvToken, input: NEW_TOKEN})
    assert.equal(both.code, 2, both.stderr)
    assert.equal(both.stderr, 'Error: Pass either --token or --with-token, not both.\n')

    const empty = await runCommand(Login, ['--token', '  '], {env: noEnvToken})
    assert.equal(empty.code, 3, 'an empty token is an auth error')
    assert.equal(empty.stderr, 'Error: The --token flag is empty.\nPass a service token: --token <token>.\n')

    const nothing = await runCommand(Login, ['--with-token'], {env: noEnvToken, input: '\n'})
    assert.equal(nothing.code, 3, nothing.stderr)
    assert.equal(nothing.stderr, 'Error: No token on standard input.\nPipe the token in: echo "$TOKEN" | prisma-mgmt login --with-token\n')

    const formats = await runCommand(Login, ['--token', NEW_TOKEN, '--json', '-o', 'yaml'], {env: noEnvToken})
    assert.equal(formats.code, 2, formats.stderr)
    assert.equal(formats.stderr, 'Error: --json and --output yaml ask for different formats.\nPass one of them.\n')
    assert.deepEqual(parseJson(formats.stdout), {error: {code: 'usage', message: '--json and --output yaml ask for different formats.'}})
  })
})

describe('logout in process', () => {
  async function loggedIn(): Promise<string> {
    const configDir = freshConfigDir()
    await mkdir(configDir, {recursive: true})
    await writeFile(
      join(configDir, 'config.json'),
      JSON.stringify({currentProfile: 'default', profiles: {default: {apiUrl: API, token: NEW_TOKEN, workspace: {id: 'ws_1', name: 'Acme'}}}}),
    )
    return configDir
  }

  it('removes the token and keeps the rest of the profile', async () => {
    const configDir = await loggedIn()
    const result = await runCommand(Logout, [], {tty: true, env: {NO_COLOR: '1', ...noEnvToken}, configDir})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, 'Logged out: removed the token of profile "default".\nNo other profile is logged in: log in again with `prisma-mgmt login`.\n')
    assert.equal(result.stderr, '')
    assert.deepEqual(await readConfig(configDir), {currentProfile: 'default', profiles: {default: {apiUrl: API, workspace: {id: 'ws_1', name: 'Acme'}}}})
    assert.equal(mode(join(configDir, 'config.json')), '600', 'config.json mode after the rewrite')
  })

  it('--json says what it did; a second logout succeeds and removes nothing', async () => {
    const configDir = await loggedIn()
    const first = await runCommand(Logout, ['--json'], {env: noEnvToken, configDir})
    assert.equal(first.code, 0, first.stderr)
    assert.deepEqual(parseJson(first.stdout), {profile: 'default', removed: true, current: 'default'})
    const second = await runCommand(Logout, ['--json'], {env: noEnvToken, configDir})
    assert.equal(second.code, 0, second.stderr)
    assert.deepEqual(parseJson(second.stdout), {profile: 'default', removed: false, current: 'default'})
    const human = await runCommand(Logout, [], {env: noEnvToken, configDir})
    assert.equal(human.stdout, 'Profile "default" had no stored token; nothing to remove.\nNo other profile is logged in: log in again with `prisma-mgmt login`.\n')
  })

  it('without a config file: succeeds, creates no file', async () => {
    const configDir = freshConfigDir()
    const result = await runCommand(Logout, ['--profile', 'staging'], {env: noEnvToken, configDir})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, 'There is no profile named "staging"; nothing to remove.\n')
    assert.ok(!existsSync(join(configDir, 'config.json')), 'no config file was written')
  })

  it('-o yaml says what it did as YAML; --json with -o yaml is exit 2 and leaves the token', async () => {
    const configDir = await loggedIn()
    const formats = await runCommand(Logout, ['--json', '-o', 'yaml'], {env: noEnvToken, configDir})
    assert.equal(formats.code, 2, formats.stderr)
    assert.equal(formats.stderr, 'Error: --json and --output yaml ask for different formats.\nPass one of them.\n')
    assert.equal((await readConfig(configDir) as {profiles: {default: {token?: string}}}).profiles.default.token, NEW_TOKEN, 'the token is still stored')
    const yaml = await runCommand(Logout, ['-o', 'yaml'], {env: noEnvToken, configDir})
    assert.equal(yaml.code, 0, yaml.stderr)
    assert.deepEqual(parseYaml(yaml.stdout), {profile: 'default', removed: true, current: 'default'})
  })

  it('says on stderr that PRISMA_SERVICE_TOKEN still applies; not with --json', async () => {
    const configDir = await loggedIn()
    const result = await runCommand(Logout, [], {configDir})
    assert.equal(result.stdout, 'Logged out: removed the token of profile "default".\nNo other profile is logged in: log in again with `prisma-mgmt login`.\n')
    assert.equal(result.stderr, 'Note: PRISMA_SERVICE_TOKEN is still set in your environment and is used before any profile.\n')
    const json = await runCommand(Logout, ['--json'], {configDir})
    assert.equal(json.stderr, '', 'no note with --json')
    assert.deepEqual(parseJson(json.stdout), {profile: 'default', removed: false, current: 'default'})
  })

  /** Three profiles: work (current), ci saved later than home, and an empty one. */
  async function threeProfiles(): Promise<string> {
    const configDir = freshConfigDir()
    await mkdir(configDir, {recursive: true})
    await writeFile(
      join(configDir, 'config.json'),
      JSON.stringify({
        currentProfile: 'work',
        profiles: {
          work: {apiUrl: API, token: NEW_TOKEN, workspace: {id: 'ws_1', name: 'Acme'}, savedAt: '2026-11-20T00:00:00.000Z'},
          home: {apiUrl: API, token: 'sk_home_token_0001', workspace: {id: 'ws_2', name: 'Side project'}, savedAt: '2026-11-01T00:00:00.000Z'},
          ci: {apiUrl: API, token: 'sk_ci_token_00002', workspace: {id: 'ws_3', name: 'Builds'}, savedAt: '2026-11-10T00:00:00.000Z'},
          empty: {apiUrl: API},
        },
      }),
    )
    return configDir
  }

  it('logging out of the current profile makes the most recently saved logged-in one current, says so, and the next command uses it', async () => {
    const configDir = await threeProfiles()
    const result = await runCommand(Logout, [], {env: noEnvToken, configDir})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, 'Logged out: removed the token of profile "work".\nProfile "ci" (workspace Builds) is now the current profile.\n')
    assert.equal(result.stderr, '')
    assert.equal((await readConfig(configDir)).currentProfile, 'ci')
    let sent: ReturnType<typeof reply> = []
    const next = await runCommand(WhoAmI, ['--columns', 'profile,token-from'], {env: noEnvToken, configDir, stub: (api) => (sent = reply(api, 'GET', '/v1/me', {data: me}))})
    assert.equal(next.code, 0, next.stderr)
    assert.equal(next.stdout, 'PROFILE\tTOKEN FROM\nci\tthe stored profile (sk_c…0002)\n')
    assert.equal(sent[0].headers.authorization, 'Bearer sk_ci_token_00002', 'the next command sends the new current profile\'s token')
    const json = await runCommand(Logout, ['--json'], {env: noEnvToken, configDir})
    assert.deepEqual(parseJson(json.stdout), {profile: 'ci', removed: true, current: 'home'})
  })

  it('logging out of another profile leaves the current one and says nothing of it', async () => {
    const configDir = await threeProfiles()
    const result = await runCommand(Logout, ['--profile', 'home'], {env: noEnvToken, configDir})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, 'Logged out: removed the token of profile "home".\n')
    assert.equal((await readConfig(configDir)).currentProfile, 'work')
  })

  it('an unknown --profile names the profiles there are, and removes nothing', async () => {
    const configDir = await threeProfiles()
    const result = await runCommand(Logout, ['--profile', 'nothere'], {env: noEnvToken, configDir})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, 'There is no profile named "nothere"; nothing to remove. Profiles: ci, empty, home, work.\n')
    assert.equal((await readConfig(configDir)).currentProfile, 'work')
  })
})

describe('which profile a command uses', () => {
  async function profiles(config: object): Promise<string> {
    const configDir = freshConfigDir()
    await mkdir(configDir, {recursive: true})
    await writeFile(join(configDir, 'config.json'), JSON.stringify(config))
    return configDir
  }

  it('an unknown --profile or PRISMA_MGMT_PROFILE is exit 2 naming the profiles there are; no request is sent', async () => {
    const configDir = await profiles({currentProfile: 'work', profiles: {work: {token: NEW_TOKEN}, ci: {token: 'sk_ci_token_00002'}}})
    const flag = await runCommand(WhoAmI, ['--profile', 'nothere'], {env: noEnvToken, configDir})
    assert.equal(flag.code, 2, flag.stderr)
    assert.equal(flag.stderr, 'Error: There is no profile named "nothere" (from --profile).\nProfiles: ci, work.\n')
    const env = await runCommand(WhoAmI, ['--json'], {env: {...noEnvToken, PRISMA_MGMT_PROFILE: 'nothere'}, configDir})
    assert.equal(env.code, 2, env.stderr)
    assert.deepEqual(parseJson(env.stdout), {error: {code: 'usage', message: 'There is no profile named "nothere" (from PRISMA_MGMT_PROFILE).'}})
  })

  it('a profile without a token names the profiles that are logged in', async () => {
    const configDir = await profiles({currentProfile: 'work', profiles: {work: {apiUrl: API}, ci: {token: 'sk_ci_token_00002'}, home: {token: 'sk_home_token_0001'}}})
    const current = await runCommand(WhoAmI, [], {env: noEnvToken, configDir})
    assert.equal(current.code, 3, current.stderr)
    assert.equal(
      current.stderr,
      'Error: Not logged in: no token for profile "work".\nProfiles logged in: ci, home. Use one with --profile <name> or `prisma-mgmt profiles use <name>`, or log this one in: `prisma-mgmt login`.\n',
    )
    const named = await runCommand(WhoAmI, ['--profile', 'work'], {env: noEnvToken, configDir})
    assert.equal(named.code, 3, named.stderr)
    assert.match(named.stderr, /log this one in: `prisma-mgmt login --profile work`\.\n$/)
  })
})

describe('whoami in process', () => {
  const stub = (api: Parameters<typeof reply>[0]) => reply(api, 'GET', '/v1/me', {data: me})

  it('on a terminal: a label/value table with the workspace, credential and where the token came from (masked)', async () => {
    const result = await runCommand(WhoAmI, [], {tty: true, env: {NO_COLOR: '1'}, stub})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        '┌────────────┬──────────────────────────────────┐',
        '│ WORKSPACE  │ Acme (ws_1)                      │',
        '│ USER       │ - (service token)                │',
        '│ CREDENTIAL │ service token · CI token         │',
        '│ EXPIRES    │ -                                │',
        '│ API URL    │ https://api.example.test         │',
        '│ TOKEN FROM │ PRISMA_SERVICE_TOKEN (sk_u…5d1e) │',
        '│ PROFILE    │ default                          │',
        '└────────────┴──────────────────────────────────┘',
        '',
      ].join('\n'),
    )
    assert.equal(result.stderr, '')
  })

  it('piped: one tab-separated row; a user and a token from --token show as such', async () => {
    const withUser = {...me, user: {id: 'usr_1', email: 'ada@example.test', name: 'Ada'}, credential: {type: 'user', id: 'ses_1', name: null}}
    const result = await runCommand(WhoAmI, ['--token', 'sk_flag_token_0000abcd'], {stub: (api) => reply(api, 'GET', '/v1/me', {data: withUser})})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      'WORKSPACE\tUSER\tCREDENTIAL\tEXPIRES\tAPI URL\tTOKEN FROM\tPROFILE\nAcme (ws_1)\tAda <ada@example.test>\tservice token\t\thttps://api.example.test\t--token (sk_f…abcd)\tdefault\n',
    )
  })

  it('a token from the stored profile says so', async () => {
    const configDir = freshConfigDir()
    await mkdir(configDir, {recursive: true})
    await writeFile(join(configDir, 'config.json'), JSON.stringify({currentProfile: 'work', profiles: {work: {token: TOKEN}}}))
    const result = await runCommand(WhoAmI, ['--columns', 'token-from,profile'], {env: noEnvToken, configDir, stub})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, 'TOKEN FROM\tPROFILE\nthe stored profile (sk_u…5d1e)\twork\n')
  })

  it('--json and -o yaml: the API\'s account; -o csv: one row', async () => {
    const json = await runCommand(WhoAmI, ['--json'], {stub})
    assert.deepEqual(parseJson(json.stdout), me)
    const yaml = await runCommand(WhoAmI, ['-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), me)
    const csv = await runCommand(WhoAmI, ['-o', 'csv', '--columns', 'workspace,credential'], {stub})
    assert.equal(csv.stdout, 'WORKSPACE,CREDENTIAL\r\nAcme (ws_1),service token\r\n')
  })

  it('a 401 is exit 3; with --json one error document', async () => {
    const result = await runCommand(WhoAmI, ['--json'], {stub: (api) => reply(api, 'GET', '/v1/me', apiError('unauthorized', 'Invalid token.'), {status: 401})})
    assert.equal(result.code, 3, result.stderr)
    assert.deepEqual(parseJson(result.stdout), {error: {code: 'unauthorized', message: 'Invalid token.', status: 401}})
    assert.equal(result.stderr, 'Error: Invalid token.\nCheck the token: run `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN.\n')
  })

  it('no token anywhere, or an empty PRISMA_SERVICE_TOKEN: exit 3 before any request', async () => {
    const none = await runCommand(WhoAmI, [], {env: noEnvToken})
    assert.equal(none.code, 3, none.stderr)
    assert.equal(none.stderr, 'Error: Not logged in: no token for profile "default".\nRun `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN.\n')
    const empty = await runCommand(WhoAmI, ['--json'], {env: {PRISMA_SERVICE_TOKEN: ' \n'}})
    assert.equal(empty.code, 3, empty.stderr)
    assert.equal(empty.stderr, 'Error: PRISMA_SERVICE_TOKEN is set but empty.\nSet PRISMA_SERVICE_TOKEN to a service token, or unset it to use the stored profile.\n')
    assert.deepEqual(parseJson(empty.stdout), {error: {code: 'auth-required', message: 'PRISMA_SERVICE_TOKEN is set but empty.'}})
  })

  it('503 after retries is exit 6; the retry that waits over a second is said on stderr', async (t) => {
    fixJitter(t, 0.99)
    const result = await runCommand(WhoAmI, [], {stub: (api) => reply(api, 'GET', '/v1/me', apiError('unavailable', 'Try later.'), {status: 503, times: 5})})
    assert.equal(result.code, 6, result.stderr)
    assert.equal(result.stdout, '')
    assert.equal(
      result.stderr,
      'The API answered 503 Service Unavailable; retrying in 2 s (attempt 5 of 5)\nError: Try later.\nThe API is unavailable or busy; try again in a moment.\n',
    )
  })

  it('usage errors: an unknown column, an unknown flag, --json with -o yaml (no request)', async () => {
    const column = await runCommand(WhoAmI, ['--columns', 'workspace,email'])
    assert.equal(column.code, 2, column.stderr)
    assert.equal(column.stderr, 'Error: Unknown column for --columns: email.\nValid columns: workspace, user, credential, expires, api-url, token-from, profile.\n')
    const flag = await runCommand(WhoAmI, ['--jsno'])
    assert.equal(flag.code, 2, flag.stderr)
    assert.match(flag.stderr, /^Error: Nonexistent flag: --jsno\nDid you mean --json\?\n/, flag.stderr)
    const formats = await runCommand(WhoAmI, ['--json', '-o', 'yaml'])
    assert.equal(formats.code, 2, formats.stderr)
    assert.equal(formats.stderr, 'Error: --json and --output yaml ask for different formats.\nPass one of them.\n')
  })
})
