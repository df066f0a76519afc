// GitHub Actions OIDC in process: login --github-actions asks the runner for an OIDC token
// (audience prisma-cloud), exchanges it without a token of ours, checks the minted token with
// GET /v1/me and saves it only with --save; any command mints one on its own in a job where no
// token is configured. The runner's endpoint is stubbed on the API's origin.
import assert from 'node:assert/strict'
import {existsSync, statSync} from 'node:fs'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import type {Interceptable} from 'undici'

import Login from '../../../src/commands/login.js'
import ProjectsList from '../../../src/commands/projects/list.js'
import WhoAmI from '../../../src/commands/whoami.js'
import {me, page, project} from '../fixtures.js'
import {API, parseJson, reply, runCommand, type Outcome, type Received} from '../run-command.js'

const RUNNER_PATH = '/_apis/idtoken?api-version=2.0'
const RUNNER_TOKEN = 'runner_request_token_4a8e61'
const OIDC_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJyZXBvc2l0b3J5IjoiYWNtZS93ZWIifQ.c2lnbmVkLWJ5LWdpdGh1Yg'
const MINTED = 'emu_minted_service_token_77c1e0'
const EXPIRES_AT = '2026-11-29T10:50:30.000Z'
const minted = {id: 'itgr_1', type: 'serviceToken', value: MINTED, expiresAt: EXPIRES_AT, workspaceId: 'ws_1'}
const refused = {error: 'unauthorized', errorDescription: 'Invalid token'}

/** A GitHub Actions job: the runner's two variables, and no service token. */
const job = {
  PRISMA_SERVICE_TOKEN: undefined,
  ACTIONS_ID_TOKEN_REQUEST_URL: `${API}${RUNNER_PATH}`,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: RUNNER_TOKEN,
  GITHUB_REPOSITORY: 'acme/web',
}

interface Exchange {
  runner: Received[]
  exchange: Received[]
}

/** The runner's answer and the API's exchange, each once. */
function stubExchange(api: Interceptable, answer: {status?: number; body?: unknown} = {}): Exchange {
  const runner = reply(api, 'GET', `${RUNNER_PATH}&audience=prisma-cloud`, {value: OIDC_TOKEN})
  const exchange = reply(api, 'POST', '/v1/auth/github-actions/token', answer.body ?? {data: minted}, {status: answer.status ?? 201})
  return {runner, exchange}
}

function assertNoSecrets(result: Outcome): void {
  for (const secret of [RUNNER_TOKEN, OIDC_TOKEN, MINTED]) {
    assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), `a secret appeared in the output:\n${result.stdout}\n${result.stderr}`)
  }
}

let root: string
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'prisma-mgmt-oidc-unit-'))
})
after(async () => {
  await rm(root, {recursive: true, force: true})
})

let folders = 0
function freshConfigDir(): string {
  return join(root, `config-${++folders}`, 'prisma-mgmt')
}

async function withConfig(config: unknown): Promise<string> {
  const configDir = freshConfigDir()
  await mkdir(configDir, {recursive: true})
  await writeFile(join(configDir, 'config.json'), JSON.stringify(config))
  return configDir
}

async function readConfig(configDir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(configDir, 'config.json'), 'utf8')) as Record<string, unknown>
}

describe('login --github-actions in process', () => {
  it("asks the runner for an audience prisma-cloud token, exchanges it without a token of ours, checks the minted one, and saves nothing", async () => {
    const configDir = freshConfigDir()
    let sent: Exchange = {runner: [], exchange: []}
    let checked: Received[] = []
    const result = await runCommand(Login, ['--github-actions'], {
      env: job,
      configDir,
      stub: (api) => {
        sent = stubExchange(api)
        checked = reply(api, 'GET', '/v1/me', {data: me})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      [
        `Logged in to workspace Acme (ws_1) with GitHub Actions OIDC; the token expires at ${EXPIRES_AT}.`,
        'Not saved: pass --save to keep it in a profile for later commands of this job.',
        `API URL: ${API} (from PRISMA_MANAGEMENT_API_URL)`,
        '',
      ].join('\n'),
    )
    assert.equal(result.stderr, '')
    assert.equal(sent.runner[0].headers.authorization, `Bearer ${RUNNER_TOKEN}`, "the runner's request token")
    assert.deepEqual(sent.exchange[0].body, {token: OIDC_TOKEN}, "the OIDC token, and the API's default lifetime")
    assert.equal(sent.exchange[0].headers.authorization, undefined, 'the exchange carries no token of ours')
    assert.equal(checked[0].headers.authorization, `Bearer ${MINTED}`, 'the minted token is checked')
    assert.ok(!existsSync(join(configDir, 'config.json')), 'nothing is written without --save')
    assertNoSecrets(result)
  })

  it('--save says which profile it saved to and whether it is current: --profile beside a logged-in current profile leaves that one current', async () => {
    const configDir = await withConfig({currentProfile: 'work', profiles: {work: {token: 'sk_work_token_00001'}}})
    const stub = (api: Interceptable) => {
      stubExchange(api)
      reply(api, 'GET', '/v1/me', {data: me})
    }
    const named = await runCommand(Login, ['--github-actions', '--save', '--profile', 'ci'], {env: job, configDir, stub})
    assert.equal(named.code, 0, named.stderr)
    assert.equal(
      named.stdout.split('\n')[1],
      'Saved to profile "ci". The current profile is still "work": use this one with --profile ci, or make it current with `prisma-mgmt profiles use ci`.',
    )
    assert.equal((await readConfig(configDir)).currentProfile, 'work')
    const current = await runCommand(Login, ['--github-actions', '--save'], {env: job, configDir, stub})
    assert.equal(current.code, 0, current.stderr)
    assert.equal(current.stdout.split('\n')[1], 'Saved to profile "work"; it is the current profile.')
    assertNoSecrets(current)
  })

  it('--save --expires-in 900 --json: the lifetime is asked for, the profile keeps the token with its expiry (0600), the document never the token', async () => {
    const configDir = freshConfigDir()
    let sent: Exchange = {runner: [], exchange: []}
    const result = await runCommand(Login, ['--github-actions', '--save', '--expires-in', '900', '--profile', 'ci', '--json'], {
      env: job,
      configDir,
      stub: (api) => {
        sent = stubExchange(api)
        reply(api, 'GET', '/v1/me', {data: me})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(sent.exchange[0].body, {token: OIDC_TOKEN, expiresInSeconds: 900})
    assert.deepEqual(parseJson(result.stdout), {
      credential: 'github-actions',
      workspace: {id: 'ws_1', name: 'Acme'},
      tokenId: 'itgr_1',
      expiresAt: EXPIRES_AT,
      saved: true,
      profile: 'ci',
    })
    assert.deepEqual(await readConfig(configDir), {
      profiles: {
        ci: {apiUrl: API, credential: 'github-actions', token: MINTED, expiresAt: EXPIRES_AT, workspace: {id: 'ws_1', name: 'Acme'}, savedAt: '2026-11-29T10:20:30.000Z'},
      },
      currentProfile: 'ci',
    })
    assert.equal((statSync(join(configDir, 'config.json')).mode & 0o777).toString(8), '600')
    assertNoSecrets(result)
  })

  for (const value of ['0', '3601', '-5']) {
    it(`--expires-in ${value} is a usage error naming the range; nothing is requested`, async () => {
      const result = await runCommand(Login, ['--github-actions', `--expires-in=${value}`], {env: job})
      assert.equal(result.code, 2)
      assert.equal(result.stderr, `Error: --expires-in must be from 1 to 3600 seconds (the API's limits), not ${value}.\n`)
      assert.equal(result.stdout, '')
    })
  }

  it('outside a job: a usage error naming both variables and the permission; nothing is requested', async () => {
    const result = await runCommand(Login, ['--github-actions'], {env: {PRISMA_SERVICE_TOKEN: undefined}})
    assert.equal(result.code, 2)
    assert.equal(
      result.stderr,
      [
        'Error: --github-actions needs ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, which are not set.',
        'This works only inside a GitHub Actions job that may request an OIDC token: give the job `permissions: id-token: write`, which makes the runner set ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN.',
        '',
      ].join('\n'),
    )
  })

  it('--save and --expires-in need --github-actions; --github-actions goes with no other way of logging in', async () => {
    const save = await runCommand(Login, ['--save', '--token', 'sk_other_token_0001'], {env: job})
    assert.equal(save.code, 2)
    assert.match(save.stderr, /^Error: --save goes with --github-actions\./)
    const both = await runCommand(Login, ['--github-actions', '--with-token'], {env: job})
    assert.equal(both.code, 2)
    assert.match(both.stderr, /^Error: Pass either --github-actions or --with-token, not both\./)
  })

  it('a refused exchange (401) says the repository must be connected in the Console: exit 3, nothing saved', async () => {
    const configDir = freshConfigDir()
    const result = await runCommand(Login, ['--github-actions', '--save'], {env: job, configDir, stub: (api) => stubExchange(api, {status: 401, body: refused})})
    assert.equal(result.code, 3)
    assert.equal(
      result.stderr,
      [
        'Error: The Prisma API refused the GitHub Actions OIDC token (401): the repository "acme/web" must be connected to your workspace in the Prisma Console.',
        'Connect the repository to the workspace in the Prisma Console, then run the job again.',
        '',
      ].join('\n'),
    )
    assert.ok(!existsSync(join(configDir, 'config.json')), 'nothing saved')
    assertNoSecrets(result)
  })

  it('a runner that fails, or answers something that is not its JSON, is exit 6 naming the runner, never a token', async () => {
    const answers: [number, string, string][] = [
      [500, '{"message": "boom"}', "the GitHub Actions runner's token service (https://api.example.test) answered HTTP 500 instead of an OIDC token."],
      [200, '<html>sign in</html>', "the GitHub Actions runner's token service (https://api.example.test) answered with something that is not JSON."],
      [200, '{"count": 1}', 'the GitHub Actions runner\'s token service (https://api.example.test) answered JSON without an OIDC token in "value".'],
    ]
    for (const [status, body, message] of answers) {
      const result = await runCommand(Login, ['--github-actions', '--json'], {
        env: job,
        stub: (api) => {
          api.intercept({method: 'GET', path: `${RUNNER_PATH}&audience=prisma-cloud`}).reply(status, body)
        },
      })
      assert.equal(result.code, 6, result.stderr)
      const expected = message.charAt(0).toUpperCase() + message.slice(1)
      assert.equal(result.stderr.split('\n')[0], `Error: ${expected}`)
      assert.deepEqual(parseJson(result.stdout), {error: {code: 'invalid-response', message: expected}})
      assertNoSecrets(result)
    }
  })
})

describe('the automatic exchange in a GitHub Actions job', () => {
  it('a command with no token configured mints one for itself: the exchange, then the list with the minted token; nothing saved', async () => {
    const configDir = freshConfigDir()
    let sent: Exchange = {runner: [], exchange: []}
    let listed: Received[] = []
    const result = await runCommand(ProjectsList, ['--columns', 'id,name'], {
      env: job,
      configDir,
      stub: (api) => {
        sent = stubExchange(api)
        listed = reply(api, 'GET', '/v1/projects?limit=100', page([project(1)]))
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, 'ID\tNAME\nproj_1\tshop-1\n')
    assert.equal(sent.exchange.length, 1)
    assert.equal(listed[0].headers.authorization, `Bearer ${MINTED}`)
    assert.ok(!existsSync(join(configDir, 'config.json')), 'the token lives in this process only')
    assertNoSecrets(result)
  })

  it('whoami says the token was minted from the runner, for this command only, with its expiry', async () => {
    const result = await runCommand(WhoAmI, ['--columns', 'credential,expires,token-from'], {
      env: job,
      stub: (api) => {
        stubExchange(api)
        reply(api, 'GET', '/v1/me', {data: me})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, `CREDENTIAL\tEXPIRES\tTOKEN FROM\ngithub-actions\t${EXPIRES_AT}\tGitHub Actions OIDC (ACTIONS_ID_TOKEN_REQUEST_URL), for this command only (emu_…c1e0)\n`)
  })

  it('PRISMA_MGMT_OIDC=0 turns it off: not logged in, nothing requested', async () => {
    const result = await runCommand(ProjectsList, [], {env: {...job, PRISMA_MGMT_OIDC: '0'}})
    assert.equal(result.code, 3)
    assert.match(result.stderr, /^Error: Not logged in: no token for profile "default"\./)
  })

  it('a configured token wins: PRISMA_SERVICE_TOKEN, or a profile token, and no exchange happens', async () => {
    const fromEnv = await runCommand(ProjectsList, [], {
      env: {...job, PRISMA_SERVICE_TOKEN: 'sk_env_token_000000aa'},
      stub: (api) => reply(api, 'GET', '/v1/projects?limit=100', page([])),
    })
    assert.equal(fromEnv.code, 0, fromEnv.stderr)
    const configDir = await withConfig({currentProfile: 'default', profiles: {default: {token: 'sk_profile_token_00bb'}}})
    let listed: Received[] = []
    const fromProfile = await runCommand(ProjectsList, [], {env: job, configDir, stub: (api) => (listed = reply(api, 'GET', '/v1/projects?limit=100', page([])))})
    assert.equal(fromProfile.code, 0, fromProfile.stderr)
    assert.equal(listed[0].headers.authorization, 'Bearer sk_profile_token_00bb')
  })

  it('a 401 on the minted token mints once more and repeats the request', async () => {
    const second = 'emu_second_minted_token_0d9a'
    let listed: Received[] = []
    const result = await runCommand(ProjectsList, [], {
      env: job,
      stub: (api) => {
        reply(api, 'GET', `${RUNNER_PATH}&audience=prisma-cloud`, {value: OIDC_TOKEN}, {times: 2})
        reply(api, 'POST', '/v1/auth/github-actions/token', {data: minted})
        reply(api, 'POST', '/v1/auth/github-actions/token', {data: {...minted, id: 'itgr_2', value: second}})
        reply(api, 'GET', '/v1/projects?limit=100', {error: {code: 'unauthorized', message: 'expired'}}, {status: 401})
        listed = reply(api, 'GET', '/v1/projects?limit=100', page([]))
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(listed[0].headers.authorization, `Bearer ${second}`)
  })
})

describe('a token saved by login --github-actions --save', () => {
  const saved = (expiresAt: string) => ({
    currentProfile: 'default',
    profiles: {default: {apiUrl: API, credential: 'github-actions', token: MINTED, expiresAt, workspace: {id: 'ws_1', name: 'Acme'}}},
  })

  it('is used until it expires, without the runner; whoami says so', async () => {
    const configDir = await withConfig(saved(EXPIRES_AT))
    const result = await runCommand(WhoAmI, ['--columns', 'credential,expires,token-from'], {env: {PRISMA_SERVICE_TOKEN: undefined}, configDir, stub: (api) => reply(api, 'GET', '/v1/me', {data: me})})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, `CREDENTIAL\tEXPIRES\tTOKEN FROM\ngithub-actions\t${EXPIRES_AT}\tthe stored profile (login --github-actions) (emu_…c1e0)\n`)
  })

  it('expired, in a job: exchanged again and the profile updated', async () => {
    const configDir = await withConfig(saved('2026-11-29T10:00:00.000Z'))
    const renewed = {...minted, id: 'itgr_3', value: 'emu_renewed_token_value_5e5e', expiresAt: '2026-11-29T10:55:00.000Z'}
    let listed: Received[] = []
    const result = await runCommand(ProjectsList, [], {
      env: job,
      configDir,
      stub: (api) => {
        stubExchange(api, {body: {data: renewed}})
        listed = reply(api, 'GET', '/v1/projects?limit=100', page([]))
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(listed[0].headers.authorization, `Bearer ${renewed.value}`)
    const profile = ((await readConfig(configDir)).profiles as Record<string, Record<string, unknown>>).default
    assert.equal(profile.token, renewed.value)
    assert.equal(profile.expiresAt, renewed.expiresAt)
    assert.equal(profile.credential, 'github-actions')
  })

  it('expired, outside a job: exit 3 saying to run login --github-actions again; nothing requested', async () => {
    const configDir = await withConfig(saved('2026-11-29T10:00:00.000Z'))
    const result = await runCommand(ProjectsList, [], {env: {PRISMA_SERVICE_TOKEN: undefined}, configDir})
    assert.equal(result.code, 3)
    assert.equal(
      result.stderr,
      [
        'Error: The GitHub Actions token saved in profile "default" expired at 2026-11-29T10:00:00.000Z.',
        'Run `prisma-mgmt login --github-actions --save` again inside the workflow (the runner mints a new one), or log in another way.',
        '',
      ].join('\n'),
    )
  })
})

describe('the runner URL', () => {
  it('a plain http:// runner URL on another machine is refused before the runner token is sent (exit 2)', async () => {
    const result = await runCommand(Login, ['--github-actions'], {env: {...job, ACTIONS_ID_TOKEN_REQUEST_URL: 'http://runner.example.test/idtoken?api-version=2.0'}})
    assert.equal(result.code, 2)
    assert.equal(
      result.stderr,
      "Error: ACTIONS_ID_TOKEN_REQUEST_URL must be an https:// URL (plain http:// only on this machine): the request carries the runner's token.\n",
    )
  })

  it('a runner URL that is not a URL is exit 2 naming the variable', async () => {
    const result = await runCommand(Login, ['--github-actions'], {env: {...job, ACTIONS_ID_TOKEN_REQUEST_URL: 'not a url'}})
    assert.equal(result.code, 2)
    assert.match(result.stderr, /^Error: ACTIONS_ID_TOKEN_REQUEST_URL is not a URL\.\n/)
  })

  it('--save with PRISMA_SERVICE_TOKEN set notes that the environment wins over the profile', async () => {
    const result = await runCommand(Login, ['--github-actions', '--save'], {
      env: {...job, PRISMA_SERVICE_TOKEN: 'sk_env_token_000000cc'},
      stub: (api) => {
        stubExchange(api)
        reply(api, 'GET', '/v1/me', {data: me})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stderr, 'Note: PRISMA_SERVICE_TOKEN is set in your environment and is used before any profile.\n')
    assertNoSecrets(result)
  })
})

describe('the HTTP trace of the exchange', () => {
  it('DEBUG=prisma-mgmt:http shows the exchange and the check with every token redacted', async () => {
    const result = await runCommand(Login, ['--github-actions'], {
      env: {...job, DEBUG: 'prisma-mgmt:http'},
      stub: (api) => {
        stubExchange(api)
        reply(api, 'GET', '/v1/me', {data: me})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stderr, /POST https:\/\/api\.example\.test\/v1\/auth\/github-actions\/token/)
    assert.match(result.stderr, /GET https:\/\/api\.example\.test\/v1\/me/)
    assertNoSecrets(result)
  })
})
