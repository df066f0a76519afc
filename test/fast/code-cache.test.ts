import assert from 'node:assert/strict'
import {chmod, mkdir, readdir, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {after, before, beforeEach, describe, it} from 'node:test'

import {requireCached} from '../../src/fast/code-cache.js'
import {removeDir, tempDir} from '../e2e/harness.js'

const uid = process.getuid?.()

describe('code cache', {skip: uid === undefined && 'no user ids on this platform'}, () => {
  let dir: string
  let previousTmp: string | undefined
  let bundle: URL
  const cacheFolder = () => join(dir, 'tmp', `prisma-mgmt-code-cache-${uid}`)
  const cacheName = (hash: string) => `bundle.cjs-${hash}-${process.version}-${process.arch}.bin`

  /** Loads the bundle and returns its exports and the exit listener it added to write its cache, if any. */
  function load(hash: string): {exports: {answer: number; sibling: string; file: string}; write?: () => void} {
    const before = new Set(process.listeners('exit'))
    const exports = requireCached(bundle, hash) as {answer: number; sibling: string; file: string}
    const added = process.listeners('exit').filter((listener) => !before.has(listener))
    for (const listener of added) process.off('exit', listener)
    assert.ok(added.length <= 1)
    return {exports, write: added[0] && (() => (added[0] as () => void)())}
  }

  before(async () => {
    dir = await tempDir()
    previousTmp = process.env.TMPDIR
    await writeFile(join(dir, 'sibling.cjs'), "module.exports = 'from beside the bundle'\n")
    bundle = pathToFileURL(join(dir, 'bundle.cjs'))
  })
  let build = 0
  beforeEach(async () => {
    // A new source for every test: V8 keeps what it compiled in this process, whatever the cache says.
    build += 1
    await writeFile(join(dir, 'bundle.cjs'), `// build ${build}\nexports.answer = 42\nexports.sibling = require('./sibling.cjs')\nexports.file = __filename\n`)
    await removeDir(join(dir, 'tmp'))
    await mkdir(join(dir, 'tmp'))
    process.env.TMPDIR = join(dir, 'tmp')
  })
  after(async () => {
    if (previousTmp === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = previousTmp
    await removeDir(dir)
  })

  it('runs the bundle as Node runs a CommonJS module: its exports, require beside it, __filename', () => {
    const {exports} = load('aaaa')
    assert.deepEqual({...exports}, {answer: 42, sibling: 'from beside the bundle', file: join(dir, 'bundle.cjs')})
  })

  it('writes the cache at exit into a folder only the user can use, then uses it without writing again', async () => {
    const first = load('aaaa')
    assert.equal((await stat(cacheFolder())).mode & 0o777, 0o700)
    assert.ok(first.write, 'a first run writes the cache')
    first.write()
    const cache = join(cacheFolder(), cacheName('aaaa'))
    assert.equal((await stat(cache)).mode & 0o777, 0o600)
    assert.ok((await stat(cache)).size > 0)
    const second = load('aaaa')
    assert.equal(second.write, undefined, 'an accepted cache is not written again')
    assert.equal(second.exports.answer, 42)
  })

  it('refuses a cache that is not V8\'s for this source, loads all the same and writes it anew, removing the other builds\' caches', async () => {
    await mkdir(cacheFolder(), {mode: 0o700})
    await writeFile(join(cacheFolder(), cacheName('aaaa')), 'an earlier build', {mode: 0o600})
    await writeFile(join(cacheFolder(), cacheName('bbbb')), 'not a code cache', {mode: 0o600})
    await writeFile(join(cacheFolder(), 'other.cjs-cccc.bin'), 'another bundle', {mode: 0o600})
    const {exports, write} = load('bbbb')
    assert.equal(exports.answer, 42)
    assert.ok(write, 'a refused cache is written anew')
    write()
    assert.deepEqual((await readdir(cacheFolder())).sort(), [cacheName('bbbb'), 'other.cjs-cccc.bin'])
    assert.ok((await stat(join(cacheFolder(), cacheName('bbbb')))).size > 100)
  })

  it('leaves a cache folder alone that others can write: no cache read or written', async () => {
    await mkdir(cacheFolder(), {mode: 0o700})
    await chmod(cacheFolder(), 0o777)
    const {exports, write} = load('aaaa')
    assert.equal(exports.answer, 42)
    assert.equal(write, undefined)
    assert.deepEqual(await readdir(cacheFolder()), [])
  })
})
