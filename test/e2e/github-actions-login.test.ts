// GitHub Actions OIDC through the built binary: a fake runner (a local HTTP endpoint answering
// ACTIONS_ID_TOKEN_REQUEST_URL with a JWT signed by a test issuer) and an emulator that trusts
// that issuer's key set and links acme/web to its workspace. The emulator's request log shows
// what the CLI sent; no token (the runner's, the OIDC token, the minted one) is ever printed.
import assert from 'node:assert/strict'
import {existsSync, statSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {after, afterEach, before, beforeEach, describe, it} from 'node:test'

import type {ReceivedRequest} from '../../src/emulator/request-log.js'
import {testIssuer, type TestIssuer, type TokenClaims} from '../emulator/oidc-issuer.js'
import {Emulator, parseJson, removeDir, run, tempDir, type RunResult} from './harness.js'

const RUNNER_TOKEN = 'runner-request-token-e2e-7f3a9c'
const EXCHANGE = '/v1/auth/github-actions/token'
const REFUSED = [
  'Error: The Prisma API refused the GitHub Actions OIDC token (401): the repository "acme/web" must be connected to your workspace in the Prisma Console.',
  'Connect the repository to the workspace in the Prisma Console, then run the job again.',
  '',
].join('\n')

/** The runner's token endpoint: checks its bearer token and hands out a JWT for the audience asked, with the claims the test sets. */
class FakeRunner {
  /** The audience of each request, in order. */
  readonly asked: string[] = []
  /** Every OIDC token handed out, to check none is printed. */
  readonly issued: string[] = []
  claims: TokenClaims = {}
  private server?: Server

  constructor(private readonly issuer: TestIssuer) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      if (url.pathname !== '/idtoken' || url.searchParams.get('api-version') !== '2.0' || req.headers.authorization !== `Bearer ${RUNNER_TOKEN}`) {
        res.writeHead(401, {'content-type': 'application/json'}).end('{"message":"unauthorized"}')
        return
      }
      const audience = url.searchParams.get('audience') ?? ''
      this.asked.push(audience)
      this.issuer
        .sign({audience, ...this.claims})
        .then((value) => {
          this.issued.push(value)
          res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({count: 1, value}))
        })
        .catch(() => res.writeHead(500).end())
    })
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok))
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/idtoken?api-version=2.0`
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise((ok) => this.server!.close(ok))
  }
}

describe('GitHub Actions OIDC login through the built binary', () => {
  let dir: string
  let emulator: Emulator
  let runner: FakeRunner
  let runnerUrl: string
  let configHome: string
  let homes = 0

  before(async () => {
    dir = await tempDir('prisma-mgmt-oidc-e2e-')
    const issuer = await testIssuer()
    runner = new FakeRunner(issuer)
    runnerUrl = await runner.start()
    emulator = await Emulator.start(['--databases', 'none', '--github-oidc-jwks', await issuer.writeJwks(dir), '--github-repository', 'acme/web'])
  })
  after(async () => {
    await emulator?.stop()
    await runner?.stop()
    await removeDir(dir)
  })
  beforeEach(async () => {
    configHome = join(dir, `home-${++homes}`)
    runner.claims = {}
    runner.asked.length = 0
    await emulator.call('DELETE', '/__emulator/requests')
  })
  afterEach(async () => {
    await removeDir(configHome)
  })

  /** A job's environment: the emulator's URL, the runner's two variables, no token. */
  function jobEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return {
      XDG_CONFIG_HOME: configHome,
      PRISMA_MANAGEMENT_API_URL: emulator.url,
      ACTIONS_ID_TOKEN_REQUEST_URL: runnerUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: RUNNER_TOKEN,
      GITHUB_REPOSITORY: 'acme/web',
      NO_COLOR: '1',
      ...extra,
    }
  }

  async function cli(args: string[], env: Record<string, string | undefined>): Promise<RunResult> {
    const result = await run(args, {env, emulator, secrets: [RUNNER_TOKEN]})
    for (const token of runner.issued) assert.ok(!result.stdout.includes(token) && !result.stderr.includes(token), 'an OIDC token was printed')
    return result
  }

  async function received(): Promise<ReceivedRequest[]> {
    return (await emulator.call<{data: ReceivedRequest[]}>('GET', '/__emulator/requests')).body.data
  }

  const configFile = () => join(configHome, 'prisma-mgmt', 'config.json')
  const savedProfile = async (name = 'default') => (JSON.parse(await readFile(configFile(), 'utf8')) as {profiles: Record<string, Record<string, unknown>>}).profiles[name]

  it('login --github-actions: the runner is asked for audience prisma-cloud, the token exchanged and checked; nothing is written', async () => {
    const result = await cli(['login', '--github-actions'], jobEnv())
    assert.equal(result.code, 0, result.stderr)
    assert.match(
      result.stdout,
      new RegExp(
        `^Logged in to workspace Emulator Workspace \\(\\w+\\) with GitHub Actions OIDC; the token expires at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\.\\n` +
          'Not saved: pass --save to keep it in a profile for later commands of this job\\.\\n' +
          `API URL: ${emulator.url.replaceAll('.', '\\.')} \\(from PRISMA_MANAGEMENT_API_URL\\)\\n$`,
      ),
    )
    assert.deepEqual(runner.asked, ['prisma-cloud'])
    const requests = await received()
    assert.deepEqual(requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.headers.authorization ?? '-'}`), [`POST ${EXCHANGE} 201 -`, 'GET /v1/me 200 Bearer <valid>'])
    // The request log redacts the OIDC token; the 201 says the emulator verified one the runner issued.
    assert.deepEqual(requests[0].body, {token: '<redacted>'}, "the runner's OIDC token, and the API's default lifetime")
    assert.ok(!existsSync(configFile()), 'without --save no config file is written')
  })

  it('--save --expires-in 900 --json: the lifetime is sent, the profile (0600) keeps the token and its expiry, and a later command needs no runner', async () => {
    const result = await cli(['login', '--github-actions', '--save', '--expires-in', '900', '--json'], jobEnv())
    assert.equal(result.code, 0, result.stderr)
    const document = parseJson<Record<string, unknown>>(result)
    const [exchange] = await received()
    assert.deepEqual(exchange.body, {token: '<redacted>', expiresInSeconds: 900})
    const profile = await savedProfile()
    assert.equal(profile.credential, 'github-actions')
    assert.equal(profile.expiresAt, document.expiresAt)
    assert.match(String(profile.token), /^emu_/)
    assert.ok(!result.stdout.includes(String(profile.token)), 'the minted token is not printed')
    const lifetime = Date.parse(String(profile.expiresAt)) - Date.parse(exchange.at)
    assert.ok(lifetime > 895_000 && lifetime <= 901_000, `expires about 900 s after the exchange: ${lifetime} ms`)
    assert.deepEqual(document, {
      credential: 'github-actions',
      workspace: (await emulator.call<{data: {workspace: unknown}}>('GET', '/v1/me')).body.data.workspace,
      tokenId: document.tokenId,
      expiresAt: profile.expiresAt,
      saved: true,
      profile: 'default',
    })
    assert.equal((statSync(configFile()).mode & 0o777).toString(8), '600')

    await emulator.call('DELETE', '/__emulator/requests')
    const later = await cli(['projects', 'list', '--json'], {XDG_CONFIG_HOME: configHome, PRISMA_MANAGEMENT_API_URL: emulator.url})
    assert.equal(later.code, 0, later.stderr)
    assert.deepEqual((await received()).map((r) => `${r.method} ${r.path} ${r.status} ${r.headers.authorization}`), ['GET /v1/projects?limit=100 200 Bearer <valid>'])
    assert.deepEqual(runner.asked, ['prisma-cloud'], 'the runner was asked once, at login')
  })

  it('any command with no token configured exchanges on its own: the exchange, then the list with the minted token', async () => {
    const result = await cli(['projects', 'list', '--json'], jobEnv())
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(parseJson(result), [])
    assert.deepEqual((await received()).map((r) => `${r.method} ${r.path} ${r.status} ${r.headers.authorization ?? '-'}`), [
      `POST ${EXCHANGE} 201 -`,
      'GET /v1/projects?limit=100 200 Bearer <valid>',
    ])
    assert.ok(!existsSync(configFile()), 'the minted token lives in that process only')

    const whoami = await cli(['whoami', '--columns', 'credential,token-from'], jobEnv())
    assert.equal(whoami.code, 0, whoami.stderr)
    assert.match(whoami.stdout, /^CREDENTIAL\tTOKEN FROM\ngithub-actions\tGitHub Actions OIDC \(ACTIONS_ID_TOKEN_REQUEST_URL\), for this command only \(emu_…\S{4}\)\n$/)
  })

  it('PRISMA_MGMT_OIDC=0 turns the automatic exchange off: not logged in, the runner not asked', async () => {
    const result = await cli(['projects', 'list'], jobEnv({PRISMA_MGMT_OIDC: '0'}))
    assert.equal(result.code, 3)
    assert.match(result.stderr, /^Error: Not logged in: no token for profile "default"\./)
    assert.deepEqual(runner.asked, [])
    assert.deepEqual(await received(), [])
  })

  it('an explicitly configured token wins: no exchange happens', async () => {
    const result = await cli(['projects', 'list', '--json'], jobEnv({PRISMA_SERVICE_TOKEN: emulator.token}))
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(runner.asked, [])
    assert.deepEqual((await received()).map((r) => `${r.method} ${r.path}`), ['GET /v1/projects?limit=100'])
  })

  const refusals: [string, TokenClaims][] = [
    ['an expired OIDC token', {expiresIn: -60}],
    ['a token for another audience', {audience: 'sts.amazonaws.com'}],
    ['a token of a repository not connected to a workspace', {repository: 'acme/unlinked'}],
  ]
  for (const [what, claims] of refusals) {
    it(`${what} is refused with the plain message about connecting the repository (exit 3), by login and by the automatic path`, async () => {
      runner.claims = claims
      const login = await cli(['login', '--github-actions', '--save'], jobEnv())
      assert.equal(login.code, 3)
      assert.equal(login.stderr, REFUSED)
      assert.equal(login.stdout, '')
      assert.ok(!existsSync(configFile()), 'nothing saved')
      const list = await cli(['projects', 'list'], jobEnv())
      assert.equal(list.code, 3)
      assert.equal(list.stderr, REFUSED)
      assert.deepEqual((await received()).map((r) => `${r.method} ${r.path} ${r.status}`), [`POST ${EXCHANGE} 401`, `POST ${EXCHANGE} 401`], 'no API call follows a refused exchange')
    })
  }

  it('an expired saved token is exchanged again in a job (the profile updated), and outside one is a clear auth error', async () => {
    const login = await cli(['login', '--github-actions', '--save', '--expires-in', '1'], jobEnv())
    assert.equal(login.code, 0, login.stderr)
    const first = await savedProfile()
    while (Date.now() <= Date.parse(String(first.expiresAt))) await sleep(100)

    const outside = await cli(['projects', 'list'], {XDG_CONFIG_HOME: configHome, PRISMA_MANAGEMENT_API_URL: emulator.url})
    assert.equal(outside.code, 3)
    assert.equal(
      outside.stderr,
      [
        `Error: The GitHub Actions token saved in profile "default" expired at ${first.expiresAt}.`,
        'Run `prisma-mgmt login --github-actions --save` again inside the workflow (the runner mints a new one), or log in another way.',
        '',
      ].join('\n'),
    )

    await emulator.call('DELETE', '/__emulator/requests')
    const inside = await cli(['projects', 'list', '--json'], jobEnv())
    assert.equal(inside.code, 0, inside.stderr)
    assert.deepEqual((await received()).map((r) => `${r.method} ${r.path} ${r.status} ${r.headers.authorization ?? '-'}`), [
      `POST ${EXCHANGE} 201 -`,
      'GET /v1/projects?limit=100 200 Bearer <valid>',
    ])
    const renewed = await savedProfile()
    assert.notEqual(renewed.token, first.token, 'the new token replaces the expired one')
    assert.ok(Date.parse(String(renewed.expiresAt)) > Date.parse(String(first.expiresAt)), 'with its new expiry')
    assert.equal(renewed.credential, 'github-actions')
  })

  for (const value of ['0', '3601']) {
    it(`--expires-in ${value} is refused (exit 2) with nothing requested`, async () => {
      const result = await cli(['login', '--github-actions', '--expires-in', value], jobEnv())
      assert.equal(result.code, 2)
      assert.equal(result.stderr, `Error: --expires-in must be from 1 to 3600 seconds (the API's limits), not ${value}.\n`)
      assert.deepEqual(runner.asked, [])
      assert.deepEqual(await received(), [])
    })
  }

  it('outside a job, login --github-actions names the two variables and the permission (exit 2)', async () => {
    const result = await cli(['login', '--github-actions'], {XDG_CONFIG_HOME: configHome, PRISMA_MANAGEMENT_API_URL: emulator.url})
    assert.equal(result.code, 2)
    assert.match(result.stderr, /^Error: --github-actions needs ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, which are not set\.\n.*`permissions: id-token: write`/)
  })

  it('a runner that refuses its request token is exit 6 naming the runner, never the token', async () => {
    const result = await cli(['login', '--github-actions'], jobEnv({ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-runner-token'}))
    assert.equal(result.code, 6)
    assert.match(result.stderr, /^Error: The GitHub Actions runner's token service \(http:\/\/127\.0\.0\.1:\d+\) answered HTTP 401 instead of an OIDC token\.\n/)
    assert.ok(!result.stderr.includes('not-the-runner-token'))
    assert.deepEqual(await received(), [])
  })
})
