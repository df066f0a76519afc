import assert from 'node:assert/strict'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import Login from '../../../src/commands/login.js'
import ProfilesList from '../../../src/commands/profiles/list.js'
import ProfilesRemove from '../../../src/commands/profiles/remove.js'
import ProfilesUse from '../../../src/commands/profiles/use.js'
import {me} from '../fixtures.js'
import {reply, runCommand, TOKEN} from '../run-command.js'

const ACCESS = 'eyJhbGciOiJub25lIn0.eyJ3b3Jrc3BhY2VfaWQiOiJ3c18xIn0.access-token-secret'
const REFRESH = 'rt_unit_refresh_token_secret'

const dirs: string[] = []
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, {recursive: true, force: true})))
})

/** A config folder with an OAuth profile (current), a service token profile and an empty one. */
async function configured(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-profiles-'))
  dirs.push(dir)
  await mkdir(dir, {recursive: true})
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      currentProfile: 'work',
      profiles: {
        work: {credential: 'oauth', accessToken: ACCESS, refreshToken: REFRESH, expiresAt: '2026-11-29T11:00:00.000Z', clientId: 'app-1', authUrl: 'https://auth.example.test', workspace: {id: 'ws_1', name: 'Acme'}, apiUrl: 'https://api.example.test'},
        ci: {token: 'sk_ci_token_secret', workspace: {id: 'ws_2', name: 'Builds'}},
        old: {apiUrl: 'http://127.0.0.1:4000'},
      },
    }),
    {mode: 0o600},
  )
  return dir
}

const noSecrets = (text: string) => {
  for (const secret of [ACCESS, REFRESH, 'sk_ci_token_secret']) assert.ok(!text.includes(secret), `a token in the output:\n${text}`)
}

describe('profiles in process', () => {
  it('list, piped: one tab-separated row per profile, the current one marked', async () => {
    const configDir = await configured()
    const result = await runCommand(ProfilesList, [], {configDir})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      'NAME\tCREDENTIAL\tWORKSPACE\tAPI URL\tCURRENT\nci\tservice token\tBuilds\thttps://api.prisma.io\t\nold\tnone\t\thttp://127.0.0.1:4000\t\nwork\toauth\tAcme\thttps://api.example.test\t*\n',
      'the rows',
    )
    noSecrets(result.stdout + result.stderr)
  })

  it('list --json: the profiles without any token; -o csv and --columns go through the output layer', async () => {
    const configDir = await configured()
    const json = await runCommand(ProfilesList, ['--json'], {configDir})
    assert.equal(json.code, 0, json.stderr)
    noSecrets(json.stdout)
    const rows = JSON.parse(json.stdout) as {name: string; credential: string; current: boolean; expiresAt: string | null}[]
    assert.deepEqual(rows.map((r) => [r.name, r.credential, r.current]), [['ci', 'service token', false], ['old', 'none', false], ['work', 'oauth', true]], 'names, credentials, current')
    assert.equal(rows[2].expiresAt, '2026-11-29T11:00:00.000Z', 'the session\'s expiry')
    const csv = await runCommand(ProfilesList, ['-o', 'csv', '--columns', 'name,current'], {configDir})
    assert.equal(csv.stdout, 'NAME,CURRENT\r\nci,\r\nold,\r\nwork,*\r\n', 'csv with two columns')
    const bad = await runCommand(ProfilesList, ['--columns', 'token'], {configDir})
    assert.equal(bad.code, 2, 'an unknown column is a usage error')
    assert.match(bad.stderr, /Valid columns: name, credential, workspace, api-url, current\./, 'it names the valid ones')
  })

  it('list marks the profile --profile names as current; an empty config says how to start', async () => {
    const configDir = await configured()
    const result = await runCommand(ProfilesList, ['--profile', 'ci', '--columns', 'name,current'], {configDir})
    assert.equal(result.stdout, 'NAME\tCURRENT\nci\t*\nold\t\nwork\t\n', 'ci is current for this command')
    const empty = await runCommand(ProfilesList, [], {tty: true})
    assert.equal(empty.stdout, 'No profiles yet; `prisma-mgmt login` creates one.\n', 'the empty list on a terminal')
  })

  it('use: sets the current profile; an unknown name is exit 2 listing the profiles', async () => {
    const configDir = await configured()
    const used = await runCommand(ProfilesUse, ['ci'], {configDir})
    assert.equal(used.code, 0, used.stderr)
    assert.equal(used.stdout, 'Now using profile "ci".\n', 'what it says')
    assert.equal(JSON.parse(await readFile(join(configDir, 'config.json'), 'utf8')).currentProfile, 'ci', 'stored')
    const unknown = await runCommand(ProfilesUse, ['nope'], {configDir})
    assert.equal(unknown.code, 2, 'exit 2')
    assert.equal(unknown.stderr, 'Error: There is no profile named "nope".\nProfiles: ci, old, work.\n', 'the error lists the profiles')
  })

  it('remove: refused off a terminal without --yes; asks for the name on one', async () => {
    const configDir = await configured()
    const refused = await runCommand(ProfilesRemove, ['ci'], {configDir})
    assert.equal(refused.code, 2, 'exit 2 without --yes')
    assert.match(refused.stderr, /^Error: Refusing to remove profile "ci" without confirmation\.\nPass --yes/, 'says why')
    const removed = await runCommand(ProfilesRemove, ['ci'], {configDir, tty: true, answers: {confirmName: ['ci']}})
    assert.equal(removed.code, 0, removed.stderr)
    assert.equal(removed.stdout, 'Removed profile "ci".\n', 'what it says')
    const stored = JSON.parse(await readFile(join(configDir, 'config.json'), 'utf8'))
    assert.deepEqual(Object.keys(stored.profiles).sort(), ['old', 'work'], 'the others stay')
  })

  it('remove of the current profile: the most recently saved logged-in profile becomes current, and it says so', async () => {
    const configDir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-profiles-'))
    dirs.push(configDir)
    await writeFile(
      join(configDir, 'config.json'),
      JSON.stringify({
        currentProfile: 'ci',
        profiles: {
          ci: {token: 'sk_ci_token_secret', workspace: {id: 'ws_2', name: 'Builds'}, savedAt: '2026-12-01T10:00:00.000Z'},
          staging: {token: 'sk_staging_secret', workspace: {id: 'ws_3', name: 'Staging'}, savedAt: '2026-12-05T10:00:00.000Z'},
          prod: {token: 'sk_prod_secret', workspace: {id: 'ws_4', name: 'Prod'}, savedAt: '2026-12-03T10:00:00.000Z'},
          old: {apiUrl: 'http://127.0.0.1:4000', savedAt: '2026-12-07T10:00:00.000Z'},
        },
      }),
      {mode: 0o600},
    )
    const stored = async () => JSON.parse(await readFile(join(configDir, 'config.json'), 'utf8')) as {currentProfile?: string; profiles: Record<string, unknown>}

    const first = await runCommand(ProfilesRemove, ['ci', '--yes'], {configDir})
    assert.equal(first.code, 0, first.stderr)
    assert.equal(first.stdout, 'Removed profile "ci".\nProfile "staging" (workspace Staging) is now the current profile.\n', 'the newest logged-in profile, not the newer one without a token')
    assert.equal((await stored()).currentProfile, 'staging', 'stored as current')

    const other = await runCommand(ProfilesRemove, ['prod', '--yes', '--json'], {configDir})
    assert.equal(other.code, 0, other.stderr)
    assert.deepEqual(JSON.parse(other.stdout), {profile: 'prod', removed: true, current: 'staging'}, 'removing another profile leaves the current one')

    const last = await runCommand(ProfilesRemove, ['staging', '--yes', '--json'], {configDir})
    assert.equal(last.code, 0, last.stderr)
    assert.deepEqual(JSON.parse(last.stdout), {profile: 'staging', removed: true, current: 'default'}, 'none logged in: commands fall back to default')
    const after = await stored()
    assert.equal(after.currentProfile, undefined, 'no profile is current')
    assert.deepEqual(Object.keys(after.profiles), ['old'], 'the profile without a token stays')
    await writeFile(join(configDir, 'config.json'), JSON.stringify({currentProfile: 'solo', profiles: {solo: {token: 'sk_solo_secret'}}}), {mode: 0o600})
    const alone = await runCommand(ProfilesRemove, ['solo', '--yes'], {configDir})
    assert.equal(alone.stdout, 'Removed profile "solo".\nNo other profile is logged in: log in again with `prisma-mgmt login`.\n', 'says there is nothing to switch to')
    for (const result of [first, other, last, alone]) assert.ok(!/sk_\w+_secret/.test(result.stdout + result.stderr), 'no token in the output')
  })
})

describe('login in process', () => {
  it('on a terminal, asks how: choosing the service token asks for it (masked) and saves it', async () => {
    const result = await runCommand(Login, [], {
      tty: true,
      env: {PRISMA_SERVICE_TOKEN: undefined},
      answers: {
        choose: [(choices) => {
          assert.deepEqual(choices.map((c) => c.value), ['browser', 'token'], 'the browser first (the default), then the token')
          return 'token'
        }],
        secret: [TOKEN],
      },
      stub: (api) => reply(api, 'GET', '/v1/me', {data: me}),
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(result.asked, ['How do you want to log in?', 'Paste your Prisma service token:'], 'the questions')
  })

  it('--browser against Prisma\'s API without a client id: exit 2 saying how to register an app', async () => {
    const result = await runCommand(Login, ['--browser'], {env: {PRISMA_SERVICE_TOKEN: undefined, PRISMA_MANAGEMENT_API_URL: undefined}})
    assert.equal(result.code, 2, 'a usage error')
    assert.match(result.stderr, /^Error: No OAuth client id for https:\/\/auth\.prisma\.io: prisma-mgmt has none of its own for Prisma's API\.$/m, 'the error')
    assert.match(result.stderr, /Prisma Console \(Integrations → Published Applications\)/, 'where to register an app')
    assert.match(result.stderr, /--client-id <id>, or PRISMA_OAUTH_CLIENT_ID=<id>/, 'how to pass its id')
  })

  it('a token and --browser together are a usage error', async () => {
    const result = await runCommand(Login, ['--browser', '--token', TOKEN])
    assert.equal(result.code, 2, 'exit 2')
    assert.equal(result.stderr, 'Error: Pass either a service token (--token, --with-token) or --browser, not both.\n', 'the error')
  })
})
