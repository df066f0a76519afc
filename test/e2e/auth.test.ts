import assert from 'node:assert/strict'
import {mkdir, readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {Emulator, parseJson, removeDir, run, tempDir, tsv, tsvHeader} from './harness.js'
import {Terminal} from './terminal.js'

describe('login, logout, whoami', () => {
  let emulator: Emulator
  let home: string
  const configFile = () => join(home, 'prisma-mgmt', 'config.json')
  /** The emulator's URL for the CLI, with no token in the environment. */
  const bare = (extra: Record<string, string | undefined> = {}) => ({
    XDG_CONFIG_HOME: home,
    PRISMA_MANAGEMENT_API_URL: emulator.url,
    ...extra,
  })

  before(async () => {
    emulator = await Emulator.start()
  })
  after(async () => {
    await emulator.stop()
  })

  it('login --token validates the token, saves the profile 0600 in a 0700 folder and names the workspace', async () => {
    home = await tempDir()
    const result = await run(['login', '--token', emulator.token], {env: bare(), emulator})
    assert.equal(result.code, 0, result.stderr)
    const me = await emulator.call<{data: {workspace: {id: string; name: string}}}>('GET', '/v1/me')
    assert.equal(result.stdout.split('\n')[0], `Logged in to workspace ${me.body.data.workspace.name} (${me.body.data.workspace.id}) as profile "default"; it is now the current profile.`)
    const file = await stat(configFile())
    assert.equal(file.mode & 0o777, 0o600)
    assert.equal((await stat(join(home, 'prisma-mgmt'))).mode & 0o777, 0o700)
    const saved = JSON.parse(await readFile(configFile(), 'utf8'))
    assert.equal(saved.currentProfile, 'default')
    assert.equal(saved.profiles.default.token, emulator.token)
    assert.equal(saved.profiles.default.apiUrl, emulator.url)
    assert.deepEqual(saved.profiles.default.workspace, {id: me.body.data.workspace.id, name: me.body.data.workspace.name})
    assert.match(saved.profiles.default.savedAt, /^\d{4}-\d\d-\d\dT/)

    // The stored profile now serves later commands without any token in the environment.
    const whoami = await run(['whoami'], {env: {XDG_CONFIG_HOME: home}, emulator})
    assert.equal(whoami.code, 0, whoami.stderr)
    assert.deepEqual(tsvHeader(whoami.stdout), ['WORKSPACE', 'USER', 'CREDENTIAL', 'EXPIRES', 'API URL', 'TOKEN FROM', 'PROFILE'], `whoami header line: ${whoami.stdout}`)
    const [row, ...more] = tsv(whoami.stdout)
    assert.equal(more.length, 0, `whoami printed more than one row: ${whoami.stdout}`)
    assert.match(row['TOKEN FROM'], /^the stored profile \(\S{4}…\S{4}\)$/, `TOKEN FROM in: ${whoami.stdout}`)
    assert.equal(row['API URL'], emulator.url, `API URL in: ${whoami.stdout}`)
    assert.equal(row.WORKSPACE, `${me.body.data.workspace.name} (${me.body.data.workspace.id})`, `WORKSPACE in: ${whoami.stdout}`)
    assert.equal(row.CREDENTIAL, 'service token', `CREDENTIAL in: ${whoami.stdout}`)
    await removeDir(home)
  })

  it('login --with-token reads stdin and trims it; --json prints the API object', async () => {
    home = await tempDir()
    const result = await run(['login', '--with-token', '--json'], {env: bare(), input: `  ${emulator.token}\n\n`, emulator})
    assert.equal(result.code, 0, result.stderr)
    const me = parseJson<{credential: {type: string}; workspace: {id: string}}>(result)
    assert.equal(me.credential.type, 'service_token')
    const saved = JSON.parse(await readFile(configFile(), 'utf8'))
    assert.equal(saved.profiles.default.token, emulator.token)
    await removeDir(home)
  })

  it('a rejected token is not saved and exits 3; an existing profile survives', async () => {
    home = await tempDir()
    assert.equal((await run(['login', '--token', emulator.token], {env: bare(), emulator})).code, 0)
    const before = await readFile(configFile(), 'utf8')
    const result = await run(['login', '--token', 'not-a-real-token-123456'], {env: bare(), emulator, secrets: ['not-a-real-token-123456']})
    assert.equal(result.code, 3, result.stderr)
    assert.equal(result.stdout, '', `stdout of a rejected login: ${result.stdout}`)
    assert.match(result.stderr, /^Error: The API rejected that token \(401\); it was not saved\.$/m)
    assert.equal(await readFile(configFile(), 'utf8'), before)
    await removeDir(home)
  })

  it('login off a terminal without a token is a usage error naming the flags', async () => {
    home = await tempDir()
    const result = await run(['login'], {env: bare(), emulator})
    assert.equal(result.code, 2, result.stderr)
    assert.match(result.stderr, /^Error: No token given and no terminal to ask for one\.\nPass --token <token>, pipe it in with --with-token, or log in with a browser: --browser\.\n$/)
    await assert.rejects(stat(configFile()), {code: 'ENOENT'})
    await removeDir(home)
  })

  it('login to a named profile, then --profile and PRISMA_MGMT_PROFILE pick it', async () => {
    home = await tempDir()
    const login = await run(['login', '--token', emulator.token, '--profile', 'staging'], {env: bare(), emulator})
    assert.equal(login.code, 0, login.stderr)
    // The first profile there is becomes the current one.
    assert.match(login.stdout, /as profile "staging"; it is now the current profile\.\n/)
    const viaEnv = await run(['whoami'], {env: {XDG_CONFIG_HOME: home, PRISMA_MGMT_PROFILE: 'staging'}, emulator})
    assert.equal(viaEnv.code, 0, viaEnv.stderr)
    assert.deepEqual(tsv(viaEnv.stdout).map((row) => row.PROFILE), ['staging'], `PROFILE in: ${viaEnv.stdout}`)
    // A profile that does not exist is a usage error that names the ones there are.
    const other = await run(['whoami', '--profile', 'nobody'], {env: {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url}, emulator})
    assert.equal(other.code, 2, other.stderr)
    assert.equal(other.stderr, 'Error: There is no profile named "nobody" (from --profile).\nProfiles: staging.\n')
    await removeDir(home)
  })

  it('logout removes the token, keeps the profile, and succeeds when there was none', async () => {
    home = await tempDir()
    await run(['login', '--token', emulator.token], {env: bare(), emulator})
    const first = await run(['logout'], {env: {XDG_CONFIG_HOME: home}, emulator})
    assert.equal(first.code, 0, first.stderr)
    assert.equal(first.stdout, 'Logged out: removed the token of profile "default".\nNo other profile is logged in: log in again with `prisma-mgmt login`.\n')
    const saved = JSON.parse(await readFile(configFile(), 'utf8'))
    assert.equal(saved.profiles.default.token, undefined)
    assert.equal(saved.profiles.default.apiUrl, emulator.url)
    const second = await run(['logout'], {env: {XDG_CONFIG_HOME: home}, emulator})
    assert.equal(second.code, 0, second.stderr)
    assert.equal(second.stdout, 'Profile "default" had no stored token; nothing to remove.\nNo other profile is logged in: log in again with `prisma-mgmt login`.\n')
    const whoami = await run(['whoami'], {env: {XDG_CONFIG_HOME: home}, emulator})
    assert.equal(whoami.code, 3, whoami.stderr)
    assert.match(whoami.stderr, /^Error: Not logged in: no token for profile "default"\.\nRun `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN\.\n$/)
    // --json says the same as one document. The current profile held no token: ci became current.
    await run(['login', '--token', emulator.token, '--profile', 'ci'], {env: bare(), emulator})
    for (const removed of [true, false]) {
      const json = await run(['logout', '--profile', 'ci', '--json'], {env: {XDG_CONFIG_HOME: home}, emulator})
      assert.equal(json.code, 0, json.stderr)
      assert.equal(json.stdout, `${JSON.stringify({profile: 'ci', removed, current: 'ci'}, null, 2)}\n`, `logout --json when the token was ${removed ? '' : 'not '}there`)
      assert.equal(json.stderr, '', 'nothing on stderr')
    }
    await removeDir(home)
  })

  it('login --profile beside a logged-in profile leaves it current and says so; logout of the current one makes the other current, and the next command uses it', async () => {
    home = await tempDir()
    const env = {XDG_CONFIG_HOME: home}
    const first = await run(['login', '--token', emulator.token], {env: bare(), emulator})
    assert.equal(first.code, 0, first.stderr)
    const second = await run(['login', '--token', emulator.token, '--profile', 'ci'], {env: bare(), emulator})
    assert.equal(second.code, 0, second.stderr)
    assert.match(
      second.stdout,
      /^Logged in to workspace .+ as profile "ci"\. The current profile is still "default": use this one with --profile ci, or make it current with `prisma-mgmt profiles use ci`\.\n/,
    )
    assert.equal(JSON.parse(await readFile(configFile(), 'utf8')).currentProfile, 'default')
    const listed = await run(['profiles', 'list', '--columns', 'name,current'], {env, emulator})
    assert.equal(listed.stdout, 'NAME\tCURRENT\nci\t\ndefault\t*\n')

    const out = await run(['logout'], {env, emulator})
    assert.equal(out.code, 0, out.stderr)
    const me = await emulator.call<{data: {workspace: {name: string}}}>('GET', '/v1/me')
    assert.equal(out.stdout, `Logged out: removed the token of profile "default".\nProfile "ci" (workspace ${me.body.data.workspace.name}) is now the current profile.\n`)
    const next = await run(['whoami', '--columns', 'profile'], {env, emulator})
    assert.equal(next.code, 0, `the next command runs as ci, not "Not logged in": ${next.stderr}`)
    assert.equal(next.stdout, 'PROFILE\nci\n')
    // Asking for the profile logged out of names the one that is logged in.
    const named = await run(['whoami', '--profile', 'default'], {env, emulator})
    assert.equal(named.code, 3, named.stderr)
    assert.equal(
      named.stderr,
      'Error: Not logged in: no token for profile "default".\nProfiles logged in: ci. Use one with --profile <name> or `prisma-mgmt profiles use <name>`, or log this one in: `prisma-mgmt login --profile default`.\n',
    )
    await removeDir(home)
  })

  it('on an 80-column terminal: login --profile and logout say which profile is current', async () => {
    home = await tempDir()
    const env = {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url}
    async function onTerminal(args: string[]): Promise<string> {
      const terminal = await Terminal.start(args, env, 80)
      try {
        assert.equal(await terminal.exitCode(), 0, await terminal.screen())
        // Long lines wrap at 80 columns; joined again, they are the sentences.
        return (await terminal.screen()).replaceAll('\n', ' ').replaceAll(/ +/g, ' ')
      } finally {
        await terminal.close()
      }
    }
    assert.match(await onTerminal(['login', '--token', emulator.token]), /as profile "default"; it is now the current profile\./)
    assert.match(
      await onTerminal(['login', '--token', emulator.token, '--profile', 'ci']),
      /as profile "ci"\. The current profile is still "default": use this one with --profile ci, or make it current with `prisma-mgmt profiles use ci`\./,
    )
    assert.match(await onTerminal(['logout']), /Logged out: removed the token of profile "default"\. Profile "ci" \(workspace .+\) is now the current profile\./)
    assert.match(await onTerminal(['logout']), /Logged out: removed the token of profile "ci"\. No other profile is logged in: log in again with `prisma-mgmt login`\./)
    await removeDir(home)
  })

  it('token precedence: flag over environment over profile, and whoami says which', async () => {
    home = await tempDir()
    await run(['login', '--token', emulator.token], {env: bare(), emulator})
    const fromEnv = await run(['whoami'], {env: {XDG_CONFIG_HOME: home, PRISMA_SERVICE_TOKEN: `${emulator.token}\n`}, emulator})
    assert.equal(fromEnv.code, 0, fromEnv.stderr)
    assert.deepEqual(tsv(fromEnv.stdout).map((row) => row['TOKEN FROM'].replace(/ \(\S{4}…\S{4}\)$/, ' (masked)')), ['PRISMA_SERVICE_TOKEN (masked)'], `TOKEN FROM in: ${fromEnv.stdout}`)
    // A wrong flag wins over a good environment variable: 401, exit 3.
    const wrongFlag = await run(['whoami', '--token', 'wrong-token-abcdef'], {env: {XDG_CONFIG_HOME: home, PRISMA_SERVICE_TOKEN: emulator.token}, emulator, secrets: ['wrong-token-abcdef']})
    assert.equal(wrongFlag.code, 3, wrongFlag.stderr)
    const fromFlag = await run(['whoami', '--token', emulator.token], {env: {XDG_CONFIG_HOME: home, PRISMA_SERVICE_TOKEN: 'wrong-token-abcdef'}, emulator})
    assert.equal(fromFlag.code, 0, fromFlag.stderr)
    assert.deepEqual(tsv(fromFlag.stdout).map((row) => row['TOKEN FROM'].replace(/ \(\S{4}…\S{4}\)$/, ' (masked)')), ['--token (masked)'], `TOKEN FROM in: ${fromFlag.stdout}`)
    await removeDir(home)
  })

  it('PRISMA_SERVICE_TOKEN set but blank is an auth error that says so (exit 3)', async () => {
    home = await tempDir()
    for (const blank of ['', '   ', '\n']) {
      const result = await run(['projects', 'list'], {env: bare({PRISMA_SERVICE_TOKEN: blank}), emulator})
      assert.equal(result.code, 3, result.stderr)
      assert.match(result.stderr, /^Error: PRISMA_SERVICE_TOKEN is set but empty\.$/m)
    }
    const json = await run(['projects', 'list', '--json'], {env: bare({PRISMA_SERVICE_TOKEN: ''}), emulator})
    assert.equal(json.code, 3, json.stderr)
    assert.deepEqual(parseJson(json), {error: {code: 'auth-required', message: 'PRISMA_SERVICE_TOKEN is set but empty.'}})
    await removeDir(home)
  })

  it('an empty PRISMA_MANAGEMENT_API_URL or PRISMA_MGMT_PROFILE counts as unset', async () => {
    home = await tempDir()
    await run(['login', '--token', emulator.token], {env: bare(), emulator})
    const result = await run(['whoami'], {env: {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: '', PRISMA_MGMT_PROFILE: ''}, emulator})
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(tsv(result.stdout).map((row) => row.PROFILE), ['default'], `PROFILE in: ${result.stdout}`)
    await removeDir(home)
  })

  it('a corrupt config file is a clear error naming it (exit 1) and is left untouched', async () => {
    home = await tempDir()
    await mkdir(join(home, 'prisma-mgmt'), {recursive: true})
    await writeFile(configFile(), '{"profiles": {', {mode: 0o600})
    for (const args of [['whoami'], ['login', '--token', emulator.token], ['logout']]) {
      const result = await run(args, {env: {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url}, emulator})
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`)
      assert.equal(
        result.stderr,
        `Error: Cannot read the configuration file ${configFile()}: it is not valid JSON.\nFix or remove that file yourself (prisma-mgmt never overwrites it), then run the command again.\n`,
      )
      assert.doesNotMatch(result.stderr, /\n\s+at /)
    }
    assert.equal(await readFile(configFile(), 'utf8'), '{"profiles": {')
    await removeDir(home)
  })

  it('whoami --json is the API object and holds no token', async () => {
    home = await tempDir()
    const result = await run(['whoami', '--json'], {env: emulator.env(home), emulator})
    assert.equal(result.code, 0, result.stderr)
    const me = parseJson<{workspace: {name: string}; credential: {type: string}; user: null}>(result)
    assert.equal(me.credential.type, 'service_token')
    assert.equal(typeof me.workspace.name, 'string')
    await removeDir(home)
  })
})
