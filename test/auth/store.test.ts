import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {chmod, mkdir, readdir, readFile, stat, utimes, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import lockfile from 'proper-lockfile'

import {Settings} from '../../src/auth/settings.js'
import {ProfileStore} from '../../src/auth/store.js'
import {AuthError, ConfigError} from '../../src/errors.js'
import {removeDir, tempDir} from '../e2e/harness.js'

describe('ProfileStore', () => {
  it('creates the file 0600 in a folder 0700, and tightens an existing folder', async () => {
    const home = await tempDir()
    const dir = join(home, 'prisma-mgmt')
    await mkdir(dir, {mode: 0o755})
    await chmod(dir, 0o755)
    const store = new ProfileStore(dir)
    await store.saveProfile('default', {token: 'tok', apiUrl: 'http://127.0.0.1:1'})
    assert.equal((await stat(store.path)).mode & 0o777, 0o600)
    assert.equal((await stat(dir)).mode & 0o777, 0o700)
    assert.deepEqual(JSON.parse(await readFile(store.path, 'utf8')), {
      currentProfile: 'default',
      profiles: {default: {token: 'tok', apiUrl: 'http://127.0.0.1:1'}},
    })
    await removeDir(home)
  })

  it('keeps other profiles when saving one and when removing a token', async () => {
    const home = await tempDir()
    const store = new ProfileStore(join(home, 'prisma-mgmt'))
    await store.saveProfile('a', {token: 'ta'})
    await store.saveProfile('b', {token: 'tb', workspace: {id: 'w', name: 'W'}}, {makeCurrent: false})
    assert.equal(await store.currentProfileName(), 'a')
    assert.equal(await store.removeToken('b'), true)
    assert.equal(await store.removeToken('b'), false)
    assert.equal(await store.removeToken('missing'), false)
    assert.deepEqual((await store.read()).profiles, {a: {token: 'ta'}, b: {workspace: {id: 'w', name: 'W'}}})
    await removeDir(home)
  })

  it('a corrupt file is a ConfigError naming the file, and is never rewritten', async () => {
    const home = await tempDir()
    const dir = join(home, 'prisma-mgmt')
    await mkdir(dir, {recursive: true})
    await writeFile(join(dir, 'config.json'), 'not json', {mode: 0o600})
    const store = new ProfileStore(dir)
    await assert.rejects(store.read(), (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`)
      assert.equal(error.message, `Cannot read the configuration file ${store.path}: it is not valid JSON.`)
      return true
    })
    await assert.rejects(store.saveProfile('default', {token: 'x'}), ConfigError)
    assert.equal(await readFile(store.path, 'utf8'), 'not json')
    await removeDir(home)
  })
})

describe('Settings precedence', () => {
  const setup = async () => {
    const home = await tempDir()
    const store = new ProfileStore(join(home, 'prisma-mgmt'))
    await store.saveProfile('default', {token: 'profile-token', apiUrl: 'http://profile.example'})
    await store.saveProfile('other', {token: 'other-token'}, {makeCurrent: false})
    return {home, store}
  }

  it('flag, then environment, then profile, then default; blank env is unset', async () => {
    const {home, store} = await setup()
    const make = (flags: Record<string, string>, env: Record<string, string>) => new Settings({flags, env, store})
    assert.deepEqual(await make({'api-url': 'http://flag'}, {PRISMA_MANAGEMENT_API_URL: 'http://env'}).apiUrl(), {value: 'http://flag', source: 'flag'})
    assert.deepEqual(await make({}, {PRISMA_MANAGEMENT_API_URL: 'http://env'}).apiUrl(), {value: 'http://env', source: 'env'})
    assert.deepEqual(await make({}, {PRISMA_MANAGEMENT_API_URL: ' '}).apiUrl(), {value: 'http://profile.example', source: 'profile'})
    assert.deepEqual(await make({}, {}).token(), {value: 'profile-token', source: 'profile'})
    assert.deepEqual(await make({}, {PRISMA_SERVICE_TOKEN: ' env-token\n'}).token(), {value: 'env-token', source: 'env'})
    assert.deepEqual(await make({token: 'flag-token '}, {PRISMA_SERVICE_TOKEN: 'env-token'}).token(), {value: 'flag-token', source: 'flag'})
    assert.deepEqual(await make({}, {PRISMA_MGMT_PROFILE: 'other'}).token(), {value: 'other-token', source: 'profile'})
    assert.deepEqual(await make({profile: 'other'}, {PRISMA_MGMT_PROFILE: 'default'}).profileName(), {value: 'other', source: 'flag'})
    assert.deepEqual(await make({}, {PRISMA_MGMT_PROFILE: ''}).profileName(), {value: 'default', source: 'profile'})
    await removeDir(home)
  })

  it('the default API URL, and an auth error for a blank env token or none at all', async () => {
    const home = await tempDir()
    const store = new ProfileStore(join(home, 'prisma-mgmt'))
    const settings = new Settings({flags: {}, env: {}, store})
    assert.deepEqual(await settings.apiUrl(), {value: 'https://api.prisma.io', source: 'default'})
    assert.deepEqual(await settings.profileName(), {value: 'default', source: 'default'})
    await assert.rejects(settings.token(), {name: 'AuthError', message: 'Not logged in: no token for profile "default".'})
    await assert.rejects(new Settings({flags: {}, env: {PRISMA_SERVICE_TOKEN: '  '}, store}).token(), (error: unknown) => {
      assert.ok(error instanceof AuthError, `expected AuthError, got ${String(error)}`)
      assert.equal(error.message, 'PRISMA_SERVICE_TOKEN is set but empty.')
      return true
    })
    await removeDir(home)
  })

  it('does not open the config file when flags and env say everything', async () => {
    const home = await tempDir()
    const dir = join(home, 'prisma-mgmt')
    await mkdir(dir, {recursive: true})
    await writeFile(join(dir, 'config.json'), '{broken', {mode: 0o600})
    const settings = new Settings({flags: {}, env: {PRISMA_SERVICE_TOKEN: 't', PRISMA_MANAGEMENT_API_URL: 'http://127.0.0.1:9'}, store: new ProfileStore(dir)})
    assert.equal((await settings.token()).value, 't')
    assert.equal((await settings.apiUrl()).value, 'http://127.0.0.1:9')
    await removeDir(home)
  })
})

describe('ProfileStore under concurrent writers and hostile files', () => {
  const homes: string[] = []
  const fresh = async () => {
    const home = await tempDir()
    homes.push(home)
    return join(home, 'prisma-mgmt')
  }
  after(async () => {
    await Promise.all(homes.map(removeDir))
  })

  it('update waits for the lock holder and re-reads the file, so the holder\'s write is kept', async () => {
    const dir = await fresh()
    const store = new ProfileStore(dir)
    await store.saveProfile('first', {token: 'first-token'})
    const holder = await lockfile.lock(store.path, {realpath: false, lockfilePath: store.lockPath})
    let pending: Promise<unknown> | undefined
    try {
      pending = store.saveProfile('mine', {token: 'mine-token'}, {makeCurrent: false})
      // What another process writes while it holds the lock.
      const held = JSON.parse(await readFile(store.path, 'utf8'))
      held.profiles.holder = {token: 'holder-token'}
      await writeFile(store.path, JSON.stringify(held))
      await new Promise((resolve) => setTimeout(resolve, 50))
      const during = JSON.parse(await readFile(store.path, 'utf8'))
      assert.deepEqual(Object.keys(during.profiles), ['first', 'holder'], `the file changed while another writer held the lock: ${JSON.stringify(during)}`)
    } finally {
      await holder()
    }
    await pending
    const saved = JSON.parse(await readFile(store.path, 'utf8'))
    assert.deepEqual(Object.keys(saved.profiles).sort(), ['first', 'holder', 'mine'], `profiles after the update: ${JSON.stringify(saved.profiles)}`)
    assert.equal(existsSync(store.lockPath), false, 'the lock is gone after the update')
  })

  it('twenty writers through separate stores lose no profile; file 0600, folder 0700, no lock left', async () => {
    const dir = await fresh()
    await Promise.all(Array.from({length: 20}, (_, i) => new ProfileStore(dir).saveProfile(`p${i}`, {token: `token-${i}`})))
    const saved = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))
    assert.equal(Object.keys(saved.profiles).length, 20, `profiles saved: ${Object.keys(saved.profiles).join(', ')}`)
    assert.ok(Object.keys(saved.profiles).includes(saved.currentProfile), `currentProfile is ${saved.currentProfile}`)
    assert.equal((await stat(join(dir, 'config.json'))).mode & 0o777, 0o600, 'file mode')
    assert.equal((await stat(dir)).mode & 0o777, 0o700, 'folder mode')
    assert.deepEqual(await readdir(dir), ['config.json'], 'nothing but the config file is left in the folder')
  })

  it('a stale lock left by a crashed writer is taken over', async () => {
    const dir = await fresh()
    const store = new ProfileStore(dir)
    await mkdir(store.lockPath, {recursive: true})
    const minuteAgo = new Date(Date.now() - 60_000)
    await utimes(store.lockPath, minuteAgo, minuteAgo)
    await store.saveProfile('default', {token: 'tok'})
    assert.equal((await store.profile('default'))?.token, 'tok', 'the profile was saved despite the stale lock')
    assert.equal(existsSync(store.lockPath), false, 'the stale lock was removed')
  })

  it('a lock held by a live writer past the retries is a ConfigError naming the lock; the file is untouched', async () => {
    const dir = await fresh()
    await mkdir(dir, {recursive: true})
    await writeFile(join(dir, 'config.json'), '{"profiles": {}}', {mode: 0o600})
    const store = new ProfileStore(dir, {staleMs: 60_000, retries: {retries: 2, factor: 1, minTimeout: 10, maxTimeout: 10, randomize: false}})
    await mkdir(store.lockPath)
    await assert.rejects(store.saveProfile('default', {token: 'tok'}), (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`)
      assert.ok(error.message.includes(store.lockPath), `the message names the lock: ${error.message}`)
      assert.match(error.next ?? '', /If no other prisma-mgmt is running, remove /, `what to do: ${error.next}`)
      return true
    })
    assert.equal(await readFile(join(dir, 'config.json'), 'utf8'), '{"profiles": {}}', 'the file is unchanged')
    assert.equal(existsSync(store.lockPath), true, 'the other writer\'s lock is left alone')
  })

  const wrongTypes: Array<[string, string]> = [
    ['{"profiles": {"default": {"token": 42}}}', 'profiles.default.token should be a string but is 42'],
    ['{"profiles": []}', 'profiles should be an object but is an array'],
    ['{"currentProfile": {}}', 'currentProfile should be a string but is an object'],
    ['{"profiles": {"default": {"workspace": "acme"}}}', 'profiles.default.workspace should be an object but is "acme"'],
    ['{"profiles": {"default": {"workspace": {"id": 1, "name": "W"}}}}', 'profiles.default.workspace.id should be a string but is 1'],
    ['[]', 'the top level should be an object but is an array'],
  ]
  for (const [content, problem] of wrongTypes) {
    it(`${content}: reads and writes fail naming the key path, and the file is never rewritten`, async () => {
      const dir = await fresh()
      await mkdir(dir, {recursive: true})
      const file = join(dir, 'config.json')
      await writeFile(file, content, {mode: 0o600})
      const before = await stat(file)
      const store = new ProfileStore(dir)
      const expected = `Cannot read the configuration file ${file}: ${problem}.`
      const named = (error: unknown) => {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`)
        assert.equal(error.message, expected, 'the message names the file and the key')
        return true
      }
      await assert.rejects(store.read(), named)
      await assert.rejects(store.saveProfile('default', {token: 'tok'}), named)
      await assert.rejects(store.removeToken('default'), named)
      await assert.rejects(store.setCurrentProfile('default'), named)
      assert.equal(await readFile(file, 'utf8'), content, 'the bytes are unchanged')
      assert.equal((await stat(file)).mtimeMs, before.mtimeMs, 'the file was not written')
    })
  }

  it('keys this version does not know are kept by every write', async () => {
    const dir = await fresh()
    await mkdir(dir, {recursive: true})
    const file = join(dir, 'config.json')
    await writeFile(file, JSON.stringify({
      telemetry: {enabled: false},
      currentProfile: 'a',
      profiles: {a: {token: 'ta', region: 'eu', workspace: {id: 'w', name: 'W', plan: 'pro'}}, b: {token: 'tb', refreshToken: 'r'}},
    }), {mode: 0o600})
    const store = new ProfileStore(dir)
    await store.saveProfile('a', {token: 'ta2'}, {makeCurrent: false})
    assert.equal(await store.removeToken('b'), true, 'profile b had a token')
    await store.setCurrentProfile('b')
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), {
      telemetry: {enabled: false},
      currentProfile: 'b',
      profiles: {a: {token: 'ta2', region: 'eu', workspace: {id: 'w', name: 'W', plan: 'pro'}}, b: {refreshToken: 'r'}},
    }, 'unknown keys at every level survive')
  })

  it('a change that changes nothing writes nothing', async () => {
    const dir = await fresh()
    const store = new ProfileStore(dir)
    assert.equal(await store.removeToken('default'), false, 'there was no token to remove')
    assert.equal(existsSync(store.path), false, 'no file was created')
    const result = await store.update((config) => Object.keys(config).length)
    assert.equal(result, 0, 'update returns what the change returned')
    assert.equal(existsSync(store.path), false, 'still no file')
  })
})

describe('stored tokens and DEBUG output', () => {
  const REGISTRY = Symbol.for('prisma-mgmt.debug-secrets')
  const global = globalThis as {[REGISTRY]?: Set<string>}

  it('reading a profile adds its token to the secrets bin/run.js masks when DEBUG is set', async () => {
    const home = await tempDir()
    const secrets = new Set<string>()
    try {
      const store = new ProfileStore(join(home, 'prisma-mgmt'))
      await store.saveProfile('default', {token: ' stored-token\n'})
      await store.saveProfile('short', {token: 'abc'}, {makeCurrent: false})
      global[REGISTRY] = secrets
      await store.profile('default')
      assert.deepEqual([...secrets], ['stored-token'], `secrets registered: ${[...secrets].join(', ')}`)
    } finally {
      delete global[REGISTRY]
      await removeDir(home)
    }
  })
})

describe('the current profile through login and logout', () => {
  it('saveProfile unless-another: a logged-in current profile stays current; one without credentials, or none, gives way', async () => {
    const home = await tempDir()
    try {
      const store = new ProfileStore(join(home, 'prisma-mgmt'))
      assert.deepEqual(await store.saveProfile('first', {token: 't1'}, {makeCurrent: 'unless-another'}), {current: 'first', previous: undefined}, 'no current profile yet')
      assert.deepEqual(await store.saveProfile('second', {token: 't2'}, {makeCurrent: 'unless-another'}), {current: 'first', previous: 'first'}, 'first holds a token')
      assert.deepEqual(await store.saveProfile('first', {token: 't1b'}, {makeCurrent: 'unless-another'}), {current: 'first', previous: 'first'}, 'saving the current one')
      await store.removeCredentials('first')
      assert.deepEqual(await store.saveProfile('second', {token: 't2b'}, {makeCurrent: 'unless-another'}), {current: 'second', previous: 'first'}, 'first holds nothing now')
      assert.deepEqual(await store.saveProfile('first', {token: 't1c'}), {current: 'first', previous: 'second'}, 'true always makes it current')
    } finally {
      await removeDir(home)
    }
  })

  it('logOut of the current profile: the most recently saved profile with credentials (then by name) becomes current; none leaves it', async () => {
    const home = await tempDir()
    try {
      const store = new ProfileStore(join(home, 'prisma-mgmt'))
      await store.saveProfile('b', {token: 'tb', savedAt: '2026-11-01T00:00:00.000Z'})
      await store.saveProfile('a', {token: 'ta', savedAt: '2026-11-01T00:00:00.000Z'}, {makeCurrent: false})
      await store.saveProfile('old', {token: 'to', savedAt: '2026-10-01T00:00:00.000Z'}, {makeCurrent: false})
      await store.saveProfile('newest', {token: 'tn', savedAt: '2026-11-20T00:00:00.000Z'})
      const first = await store.logOut('newest')
      assert.deepEqual(first, {removed: {token: 'tn', savedAt: '2026-11-20T00:00:00.000Z'}, before: 'newest', after: 'a'}, 'a and b were saved together: by name')
      assert.deepEqual(await store.logOut('old'), {removed: {token: 'to', savedAt: '2026-10-01T00:00:00.000Z'}, before: 'a', after: 'a'}, 'not the current one: nothing changes')
      assert.deepEqual((await store.logOut('a')).after, 'b')
      const last = await store.logOut('b')
      assert.deepEqual([last.before, last.after], ['b', 'b'], 'no other profile holds credentials: b stays current')
      assert.deepEqual(await store.logOut('b'), {removed: undefined, before: 'b', after: 'b'}, 'a second logout removes nothing')
    } finally {
      await removeDir(home)
    }
  })

  it('logOut with no current profile treats the fallback as current', async () => {
    const home = await tempDir()
    try {
      const store = new ProfileStore(join(home, 'prisma-mgmt'))
      await store.saveProfile('default', {token: 'td'}, {makeCurrent: false})
      await store.saveProfile('ci', {token: 'tc'}, {makeCurrent: false})
      assert.deepEqual(await store.logOut('default', {fallback: 'default'}), {removed: {token: 'td'}, before: 'default', after: 'ci'})
      assert.equal(await store.currentProfileName(), 'ci')
    } finally {
      await removeDir(home)
    }
  })
})
