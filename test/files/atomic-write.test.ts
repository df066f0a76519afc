import assert from 'node:assert/strict'
import {chmod, lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {checkEnvFileTarget, writeEnvFile} from '../../src/files/env-file.js'
import {writeFileAtomically} from '../../src/files/atomic-write.js'
import {removeDir, tempDir} from '../e2e/harness.js'

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777

describe('atomic write', () => {
  let dir: string
  let previousUmask: number
  before(async () => {
    dir = await tempDir()
    // A permissive umask shows that the mode is set, not merely left to the umask.
    previousUmask = process.umask(0)
  })
  after(async () => {
    process.umask(previousUmask)
    await removeDir(dir)
  })

  const folder = async (name: string): Promise<string> => {
    const path = join(dir, name)
    await mkdir(path)
    return path
  }

  it('a new file gets mode 0600 unless told otherwise, and nothing else is left in the folder', async () => {
    const sub = await folder('new')
    await writeFileAtomically(join(sub, 'a.json'), '{"a":1}')
    assert.equal(await readFile(join(sub, 'a.json'), 'utf8'), '{"a":1}')
    assert.equal(await modeOf(join(sub, 'a.json')), 0o600, 'a new file should have mode 0600')
    await writeFileAtomically(join(sub, 'b.json'), Buffer.from([0xe9]), {mode: 0o640, syncFolder: true})
    assert.deepEqual(await readFile(join(sub, 'b.json')), Buffer.from([0xe9]), 'bytes should be written as given')
    assert.equal(await modeOf(join(sub, 'b.json')), 0o640, 'the given mode should be applied')
    assert.deepEqual((await readdir(sub)).sort(), ['a.json', 'b.json'], 'a temp file was left behind')
  })

  it('replaces an existing file: with its mode kept when asked, with the given mode otherwise', async () => {
    const sub = await folder('existing')
    const file = join(sub, 'f')
    await writeFile(file, 'old')
    await chmod(file, 0o644)
    await writeFileAtomically(file, 'kept', {mode: 0o600, keepMode: true})
    assert.equal(await readFile(file, 'utf8'), 'kept')
    assert.equal(await modeOf(file), 0o644, 'keepMode should keep the existing file\'s mode')
    await writeFileAtomically(join(sub, 'g'), 'new', {mode: 0o600, keepMode: true})
    assert.equal(await modeOf(join(sub, 'g')), 0o600, 'keepMode should give a new file the given mode')
    await writeFileAtomically(file, 'reset')
    assert.equal(await modeOf(file), 0o600, 'without keepMode the file should get the given (default) mode')
    assert.deepEqual((await readdir(sub)).sort(), ['f', 'g'], 'a temp file was left behind')
  })

  it('leaves no temp file and the target untouched when the rename fails', async () => {
    const sub = await folder('failure')
    const target = join(sub, 'taken')
    await mkdir(target)
    await writeFile(join(target, 'inside'), 'x')
    // A folder that is not empty cannot be renamed over.
    await assert.rejects(writeFileAtomically(target, 'data'), (error: NodeJS.ErrnoException) => ['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(error.code ?? ''))
    assert.deepEqual(await readdir(sub), ['taken'], 'a temp file was left behind')
    assert.deepEqual(await readdir(target), ['inside'], 'the folder should be untouched')
  })

  it('leaves no temp file when writing the data fails', async () => {
    const sub = await folder('bad-data')
    await assert.rejects(writeFileAtomically(join(sub, 'f'), 42 as unknown as string))
    assert.deepEqual(await readdir(sub), [], 'a temp file was left behind')
  })

  it('fails with ENOENT in a missing folder', async () => {
    await assert.rejects(writeFileAtomically(join(dir, 'missing', 'f'), 'x'), {code: 'ENOENT'})
  })

  it('exclusive: creates a missing file, refuses an existing one with EEXIST and leaves it as it was', async () => {
    const sub = await folder('exclusive')
    const file = join(sub, 'record.json')
    await writeFileAtomically(file, 'first', {exclusive: true})
    assert.equal(await readFile(file, 'utf8'), 'first')
    assert.equal(await modeOf(file), 0o600)
    await assert.rejects(writeFileAtomically(file, 'second', {exclusive: true}), {code: 'EEXIST'})
    assert.equal(await readFile(file, 'utf8'), 'first', 'an exclusive write replaced the existing file')
    assert.deepEqual(await readdir(sub), ['record.json'], 'a temp file was left behind')
  })

  it('renames over a symlink itself, which is why the env file resolves links first and keeps them', async () => {
    const sub = await folder('links')
    await mkdir(join(sub, 'real'))
    await writeFile(join(sub, 'real', 'app.env'), 'A=1\n')
    await chmod(join(sub, 'real', 'app.env'), 0o640)
    await symlink('real/app.env', join(sub, 'raw-link'))
    await writeFileAtomically(join(sub, 'raw-link'), 'replaced')
    assert.ok((await lstat(join(sub, 'raw-link'))).isFile(), 'a write to a link path replaces the link')

    await symlink('real/app.env', join(sub, 'app.env'))
    const target = await checkEnvFileTarget(join(sub, 'app.env'))
    await writeEnvFile(target.path, 'DATABASE_URL', 'postgres://u:p@h/d')
    assert.equal(await readlink(join(sub, 'app.env')), 'real/app.env', 'the env file\'s symlink should be kept')
    assert.equal(await readFile(join(sub, 'real', 'app.env'), 'utf8'), "A=1\nDATABASE_URL='postgres://u:p@h/d'\n")
    assert.equal(await modeOf(join(sub, 'real', 'app.env')), 0o640, 'the file the link points to should keep its mode')
    assert.deepEqual((await readdir(join(sub, 'real'))).sort(), ['app.env'], 'a temp file was left behind')
  })
})
