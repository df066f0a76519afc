// The profile store's edges in process: which profile becomes current on save and log-out,
// removing credentials or a whole profile, the order of profiles that hold credentials, and every
// file that cannot be read or written refused with a message naming it (never overwritten).
import assert from 'node:assert/strict'
import {mkdir, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {ProfileStore, profilesWithCredentials, type Profile, type StoredConfig} from '../../src/auth/store.js'

const dirs: string[] = []
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, {recursive: true, force: true})))
})

async function store(config?: StoredConfig): Promise<ProfileStore> {
  const dir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-store-'))
  dirs.push(dir)
  const created = new ProfileStore(join(dir, 'prisma-mgmt'), {staleMs: 5000, retries: {retries: 0, factor: 1, minTimeout: 1, maxTimeout: 1, randomize: false}})
  if (config) {
    await mkdir(created.dir, {recursive: true})
    await writeFile(created.path, JSON.stringify(config))
  }
  return created
}

const token = (name: string, savedAt?: string): Profile => ({token: `tok-${name}`, ...(savedAt ? {savedAt} : {})})

describe('profiles that hold credentials', () => {
  it('the most recently saved first, then by name; those without credentials left out', () => {
    const config: StoredConfig = {
      profiles: {
        c: token('c'),
        b: token('b'),
        old: token('old', '2026-01-01T00:00:00.000Z'),
        new: token('new', '2026-06-01T00:00:00.000Z'),
        empty: {apiUrl: 'https://api.example.test'},
        a: token('a'),
      },
    }
    assert.deepEqual(profilesWithCredentials(config), ['new', 'old', 'a', 'b', 'c'])
    assert.deepEqual(profilesWithCredentials({}), [])
  })
})

describe('saving and removing', () => {
  it("save 'unless-another': current only when no other profile with credentials is", async () => {
    const s = await store({currentProfile: 'work', profiles: {work: token('work')}})
    assert.deepEqual(await s.saveProfile('ci', token('ci'), {makeCurrent: 'unless-another'}), {current: 'work', previous: 'work'})
    assert.deepEqual(await s.saveProfile('work', token('work2'), {makeCurrent: 'unless-another'}), {current: 'work', previous: 'work'}, 'saving the current one keeps it current')
    const loggedOut = await store({currentProfile: 'work', profiles: {work: {apiUrl: 'https://api.example.test'}}})
    assert.deepEqual(await loggedOut.saveProfile('ci', token('ci'), {makeCurrent: 'unless-another'}), {current: 'ci', previous: 'work'})
    const none = await store()
    assert.deepEqual(await none.saveProfile('ci', token('ci'), {makeCurrent: 'unless-another'}), {current: 'ci', previous: undefined})
    const gone = await store({currentProfile: 'missing', profiles: {}})
    assert.deepEqual(await gone.saveProfile('ci', token('ci'), {makeCurrent: 'unless-another'}), {current: 'ci', previous: 'missing'})
    assert.deepEqual(await gone.saveProfile('other', token('other'), {makeCurrent: false}), {current: 'ci', previous: 'ci'})
    assert.deepEqual(await (await store()).saveProfile('quiet', token('quiet'), {makeCurrent: false}), {current: undefined, previous: undefined}, 'makeCurrent false: never current')
  })

  it('removeCredentials returns what it removed and keeps the rest; nothing for a profile without credentials or none at all', async () => {
    const s = await store({profiles: {work: {...token('work'), apiUrl: 'https://api.example.test'}, bare: {apiUrl: 'https://api.example.test'}}})
    assert.deepEqual(await s.removeCredentials('work'), {token: 'tok-work', apiUrl: 'https://api.example.test'})
    assert.deepEqual((await s.read()).profiles?.work, {apiUrl: 'https://api.example.test'})
    assert.equal(await s.removeCredentials('bare'), undefined)
    assert.equal(await s.removeCredentials('nobody'), undefined)
    assert.equal(await (await store()).removeCredentials('work'), undefined, 'no file at all')
  })

  it('logging out of a profile that is not the one in use switches nothing', async () => {
    const s = await store({currentProfile: 'work', profiles: {work: token('work'), ci: token('ci'), newest: token('newest', '2026-11-01T00:00:00.000Z')}})
    assert.deepEqual(await s.logOut('ci'), {removed: token('ci'), before: 'work', after: 'work'})
    assert.equal((await s.read()).currentProfile, 'work')
  })

  it('removeProfile: gone; the current one is succeeded by the most recently saved logged-in profile, or by none; another profile leaves the current one alone', async () => {
    const s = await store({currentProfile: 'work', profiles: {work: token('work'), ci: token('ci'), old: token('old', '2026-01-01T00:00:00.000Z')}})
    assert.deepEqual(await s.removeProfile('old'), {profile: token('old', '2026-01-01T00:00:00.000Z'), before: 'work', after: 'work', next: undefined})
    assert.deepEqual(await s.read(), {currentProfile: 'work', profiles: {work: token('work'), ci: token('ci')}})
    assert.deepEqual(await s.removeProfile('work'), {profile: token('work'), before: 'work', after: 'ci', next: 'ci'})
    assert.deepEqual(await s.read(), {currentProfile: 'ci', profiles: {ci: token('ci')}})
    assert.deepEqual(await s.removeProfile('ci', {fallback: 'default'}), {profile: token('ci'), before: 'ci', after: 'default', next: undefined})
    assert.deepEqual(await s.read(), {profiles: {}})
    assert.equal(await s.removeProfile('ci'), undefined)
    assert.equal(await (await store()).removeProfile('work'), undefined, 'no file at all')
  })
})

describe('files that cannot be read or written', () => {
  it('a folder where the file should be: unreadable, named, never overwritten', async () => {
    const s = await store()
    await mkdir(s.path, {recursive: true})
    await assert.rejects(s.read(), (error: Error & {next?: string}) => {
      assert.equal(error.name, 'ConfigError')
      assert.match(error.message, new RegExp(`^Cannot read the configuration file ${s.path}: EISDIR`))
      assert.equal(error.next, 'Fix or remove that file yourself (prisma-mgmt never overwrites it), then run the command again.')
      return true
    })
  })

  it('content that breaks two rules: both named', async () => {
    const s = await store({currentProfile: 5, profiles: []} as unknown as StoredConfig)
    const error = (await s.read().catch((error: unknown) => error)) as Error
    assert.match(error.message, /^Cannot read the configuration file .*: .+; .+\.$/)
    assert.equal(await readFile(s.path, 'utf8'), JSON.stringify({currentProfile: 5, profiles: []}), 'left as it was')
  })

  it('a change that would make the file invalid is refused and nothing is written', async () => {
    const s = await store({profiles: {work: token('work')}})
    await assert.rejects(
      s.update((config) => {
        ;(config as {currentProfile?: unknown}).currentProfile = 42
        ;(config as {profiles?: unknown}).profiles = 'none'
      }),
      (error: Error & {next?: string}) => {
        assert.match(error.message, new RegExp(`^Cannot write the configuration file ${s.path}: the new content would be invalid: .+; .+\\.$`))
        assert.equal(error.next, 'Check that the folder is writable by you.')
        return true
      },
    )
    assert.deepEqual(await s.read(), {profiles: {work: token('work')}})
  })

  it('a folder that cannot be created: unwritable, naming the file and the reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-store-'))
    dirs.push(dir)
    await writeFile(join(dir, 'file'), '')
    const s = new ProfileStore(join(dir, 'file', 'prisma-mgmt'))
    await assert.rejects(s.saveProfile('work', token('work')), (error: Error) => {
      assert.match(error.message, new RegExp(`^Cannot write the configuration file ${s.path}: ENOTDIR`))
      return true
    })
  })

  it('a lock another process holds: refused after the tries, naming the lock to remove', async () => {
    const s = await store({profiles: {}})
    await mkdir(s.lockPath)
    await assert.rejects(s.saveProfile('work', token('work')), (error: Error & {next?: string}) => {
      assert.equal(error.message, `Cannot write the configuration file ${s.path}: another prisma-mgmt process kept it locked (${s.lockPath}).`)
      assert.equal(error.next, `Try again in a moment. If no other prisma-mgmt is running, remove ${s.lockPath}.`)
      return true
    })
    assert.deepEqual(await s.read(), {profiles: {}})
  })

  it('the file is written where the store says, with mode 0600, and the lock is released', async () => {
    const s = await store()
    await s.saveProfile('work', token('work'))
    assert.deepEqual(JSON.parse(await readFile(s.path, 'utf8')), {profiles: {work: token('work')}, currentProfile: 'work'})
    assert.equal((await stat(s.path)).mode & 0o777, 0o600)
    await assert.rejects(stat(s.lockPath), {code: 'ENOENT'}, 'the lock is gone')
    await s.saveProfile('ci', token('ci'), {makeCurrent: false})
    assert.equal((await s.read()).profiles?.ci?.token, 'tok-ci', 'a second write takes the lock again')
  })
})
