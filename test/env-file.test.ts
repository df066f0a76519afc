import assert from 'node:assert/strict'
import {chmod, readdir, readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {envLine, mergeEnv, writeEnvFile} from '../src/env-file.js'
import {removeDir, tempDir} from './e2e/harness.js'

describe('env file merge', () => {
  it('quotes and escapes the value', () => {
    assert.equal(envLine('DATABASE_URL', 'postgres://u:p@h:5432/d'), 'DATABASE_URL="postgres://u:p@h:5432/d"')
    assert.equal(envLine('K', 'a"b\\c'), 'K="a\\"b\\\\c"')
  })

  it('replaces the key in place, keeps export, comments, blanks and line endings', () => {
    assert.equal(mergeEnv('', 'DATABASE_URL', 'x'), 'DATABASE_URL="x"\n')
    assert.equal(mergeEnv('A=1', 'DATABASE_URL', 'x'), 'A=1\nDATABASE_URL="x"\n')
    assert.equal(mergeEnv('A=1\nDATABASE_URL=old\n# c\n\nB=2\n', 'DATABASE_URL', 'x'), 'A=1\nDATABASE_URL="x"\n# c\n\nB=2\n')
    assert.equal(mergeEnv('export DATABASE_URL="old"\n', 'DATABASE_URL', 'x'), 'export DATABASE_URL="x"\n')
    assert.equal(mergeEnv('A=1\r\nDATABASE_URL=old\r\n', 'DATABASE_URL', 'x'), 'A=1\r\nDATABASE_URL="x"\r\n')
    assert.equal(mergeEnv('DATABASE_URL=a\nDATABASE_URL=b\n', 'DATABASE_URL', 'x'), 'DATABASE_URL="x"\n')
    // Other keys that merely start the same way are not touched.
    assert.equal(mergeEnv('DATABASE_URL_REPLICA=r\n', 'DATABASE_URL', 'x'), 'DATABASE_URL_REPLICA=r\nDATABASE_URL="x"\n')
    assert.equal(mergeEnv('# DATABASE_URL=commented\n', 'DATABASE_URL', 'x'), '# DATABASE_URL=commented\nDATABASE_URL="x"\n')
  })

  it('writes atomically: a new file is 0600, an existing one keeps its mode, no temp file is left', async () => {
    const dir = await tempDir()
    const file = join(dir, '.env')
    assert.deepEqual(await writeEnvFile(file, 'DATABASE_URL', 'one'), {created: true})
    assert.equal((await stat(file)).mode & 0o777, 0o600)
    await writeFile(file, 'A=1\nDATABASE_URL="one"\n')
    await chmod(file, 0o644)
    assert.deepEqual(await writeEnvFile(file, 'DATABASE_URL', 'two'), {created: false})
    assert.equal(await readFile(file, 'utf8'), 'A=1\nDATABASE_URL="two"\n')
    assert.equal((await stat(file)).mode & 0o777, 0o644)
    assert.deepEqual(await readdir(dir), ['.env'])
    await assert.rejects(writeEnvFile(join(dir, 'nope', '.env'), 'DATABASE_URL', 'x'), {code: 'ENOENT'})
    await removeDir(dir)
  })
})
