import assert from 'node:assert/strict'
import {chmod, mkdir, readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, it} from 'node:test'

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
      assert.ok(error instanceof ConfigError)
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
      assert.ok(error instanceof AuthError)
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
