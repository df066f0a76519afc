// The stored configuration under parallel writers and hostile content, and tokens kept out of
// DEBUG output, through the built binary.
import assert from 'node:assert/strict'
import {mkdir, readdir, readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {Emulator, removeDir, run, tempDir} from './harness.js'

describe('the stored configuration under parallel writers and hostile content', () => {
  let emulator: Emulator
  const homes: string[] = []
  const newHome = async () => {
    const home = await tempDir()
    homes.push(home)
    return home
  }
  const folder = (home: string) => join(home, 'prisma-mgmt')
  const configFile = (home: string) => join(folder(home), 'config.json')
  /** The emulator's URL, a private config folder, and no token in the environment. */
  const bare = (home: string, extra: Record<string, string | undefined> = {}) => ({XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url, ...extra})

  before(async () => {
    emulator = await Emulator.start()
  })
  after(async () => {
    await emulator?.stop()
    await Promise.all(homes.map(removeDir))
  })

  it('twenty parallel logins into one config folder all succeed and every profile is kept', async () => {
    const home = await newHome()
    const names = Array.from({length: 20}, (_, i) => `p${i}`)
    const results = await Promise.all(names.map((name) => run(['login', '--profile', name, '--token', emulator.token], {env: bare(home), emulator})))
    results.forEach((result, i) => assert.equal(result.code, 0, `login --profile p${i} exited ${result.code}: ${result.stderr}`))
    const saved = JSON.parse(await readFile(configFile(home), 'utf8'))
    assert.deepEqual(Object.keys(saved.profiles).sort(), [...names].sort(), `profiles in the file: ${Object.keys(saved.profiles).join(', ')}`)
    for (const name of names) assert.equal(saved.profiles[name].token, emulator.token, `profile ${name} holds its token`)
    assert.ok(names.includes(saved.currentProfile), `currentProfile is one of the logins: ${saved.currentProfile}`)
    assert.equal((await stat(configFile(home))).mode & 0o777, 0o600, 'the file stays 0600')
    assert.equal((await stat(folder(home))).mode & 0o777, 0o700, 'the folder stays 0700')
    assert.deepEqual(await readdir(folder(home)), ['config.json'], 'no lock or temporary file is left behind')
  })

  it('parallel logins and logouts on different profiles lose nothing', async () => {
    const home = await newHome()
    await mkdir(folder(home), {recursive: true, mode: 0o700})
    const existing = Array.from({length: 8}, (_, i) => `old${i}`)
    const added = Array.from({length: 8}, (_, i) => `new${i}`)
    const profiles = Object.fromEntries(existing.map((name) => [name, {token: emulator.token, apiUrl: emulator.url, note: `kept ${name}`}]))
    await writeFile(configFile(home), JSON.stringify({currentProfile: 'old0', profiles}), {mode: 0o600})
    const runs = [
      ...existing.map((name) => run(['logout', '--profile', name], {env: bare(home), emulator})),
      ...added.map((name) => run(['login', '--profile', name, '--token', emulator.token], {env: bare(home), emulator})),
    ]
    const results = await Promise.all(runs)
    results.forEach((result, i) => assert.equal(result.code, 0, `run ${i} exited ${result.code}: ${result.stderr}`))
    const saved = JSON.parse(await readFile(configFile(home), 'utf8'))
    for (const name of existing) {
      assert.equal(saved.profiles[name]?.token, undefined, `logout removed the token of ${name}: ${JSON.stringify(saved.profiles[name])}`)
      assert.equal(saved.profiles[name]?.note, `kept ${name}`, `the rest of ${name} is kept: ${JSON.stringify(saved.profiles[name])}`)
    }
    for (const name of added) assert.equal(saved.profiles[name]?.token, emulator.token, `login saved ${name}: ${JSON.stringify(saved.profiles[name])}`)
    assert.equal((await stat(configFile(home))).mode & 0o777, 0o600, 'the file stays 0600')
    assert.equal((await stat(folder(home))).mode & 0o777, 0o700, 'the folder stays 0700')
  })

  const wrongTypes: Array<{content: string; key: string}> = [
    {content: '{"profiles": {"default": {"token": 42}}}', key: 'profiles.default.token'},
    {content: '{"profiles": []}', key: 'profiles'},
    {content: '{"currentProfile": {}, "profiles": {}}', key: 'currentProfile'},
    {content: '{\n  "currentProfile": "default",\n  "profiles": {"default": {"token": "t0ken", "workspace": "acme"}}\n}\n', key: 'profiles.default.workspace'},
  ]
  for (const {content, key} of wrongTypes) {
    it(`a config with the wrong type at ${key}: exit 1 naming the file and the key, file untouched`, async () => {
      const home = await newHome()
      await mkdir(folder(home), {recursive: true, mode: 0o700})
      await writeFile(configFile(home), content, {mode: 0o600})
      const before = await stat(configFile(home))
      for (const args of [['whoami'], ['login', '--token', emulator.token], ['logout']]) {
        const result = await run(args, {env: bare(home), emulator})
        assert.equal(result.code, 1, `${args[0]} exited ${result.code}: ${result.stderr}`)
        assert.ok(result.stderr.startsWith(`Error: Cannot read the configuration file ${configFile(home)}: ${key} should be `), `${args[0]} stderr: ${result.stderr}`)
        assert.match(result.stderr, /Fix or remove that file yourself \(prisma-mgmt never overwrites it\)/, `${args[0]} says what to do: ${result.stderr}`)
        assert.doesNotMatch(result.stderr, /\n\s+at /, `${args[0]} printed a stack trace: ${result.stderr}`)
        assert.equal(result.stdout, '', `${args[0]} printed on stdout: ${result.stdout}`)
      }
      assert.equal(await readFile(configFile(home), 'utf8'), content, 'the file holds the same bytes')
      assert.equal((await stat(configFile(home))).mtimeMs, before.mtimeMs, 'the file was not written')
      assert.deepEqual(await readdir(folder(home)), ['config.json'], 'no lock or temporary file is left behind')
    })
  }

  describe('with DEBUG=* the token appears nowhere', () => {
    /** oclif's debug lines are there, so a missing token is not just missing output. */
    const assertDebugOn = (stderr: string, what: string) => assert.match(stderr, /oclif:config runCommand /, `${what}: no oclif debug output on stderr:\n${stderr.slice(0, 500)}`)
    const assertNoToken = ({stdout, stderr}: {stdout: string; stderr: string}, what: string) => {
      assert.ok(!stdout.includes(emulator.token), `${what}: the token is on stdout`)
      assert.ok(!stderr.includes(emulator.token), `${what}: the token is on stderr`)
    }

    it('given with --token <value> and --token=<value>', async () => {
      const home = await newHome()
      for (const args of [['whoami', '--token', emulator.token], ['whoami', `--token=${emulator.token}`]]) {
        const result = await run(args, {env: bare(home, {DEBUG: '*'}), emulator})
        const what = args.join(' ').replace(emulator.token, 'T')
        assert.equal(result.code, 0, `${what} exited ${result.code}: ${result.stderr.slice(-500)}`)
        assertDebugOn(result.stderr, what)
        assertNoToken(result, what)
        // oclif echoes argv; the value is there, masked.
        assert.match(result.stderr, /runCommand whoami \[ .*\*\*\*.* \]/, `${what}: the argv line shows the token masked`)
      }
    })

    it('given with PRISMA_SERVICE_TOKEN, with a padded value too', async () => {
      const home = await newHome()
      for (const value of [emulator.token, `  ${emulator.token}\n`]) {
        const result = await run(['whoami', '--json'], {env: bare(home, {DEBUG: '*', PRISMA_SERVICE_TOKEN: value}), emulator})
        assert.equal(result.code, 0, `whoami exited ${result.code}: ${result.stderr.slice(-500)}`)
        assertDebugOn(result.stderr, 'whoami with PRISMA_SERVICE_TOKEN')
        assertNoToken(result, 'whoami with PRISMA_SERVICE_TOKEN')
      }
    })

    it('read from stdin by login --with-token, then stored in a profile and used by whoami', async () => {
      const home = await newHome()
      const login = await run(['login', '--with-token'], {env: bare(home, {DEBUG: '*'}), input: `${emulator.token}\n`, emulator})
      assert.equal(login.code, 0, `login exited ${login.code}: ${login.stderr.slice(-500)}`)
      assertDebugOn(login.stderr, 'login --with-token')
      assertNoToken(login, 'login --with-token')
      const saved = JSON.parse(await readFile(configFile(home), 'utf8'))
      assert.equal(saved.profiles.default.token, emulator.token, 'the token was saved unmasked')
      const whoami = await run(['whoami'], {env: bare(home, {DEBUG: '*'}), emulator})
      assert.equal(whoami.code, 0, `whoami exited ${whoami.code}: ${whoami.stderr.slice(-500)}`)
      assertDebugOn(whoami.stderr, 'whoami with a stored token')
      assertNoToken(whoami, 'whoami with a stored token')
      assert.match(whoami.stdout, /\tthe stored profile \(/, `whoami used the stored token: ${whoami.stdout}`)
    })
  })
})
