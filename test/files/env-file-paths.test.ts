// --env-file paths that cannot be written, checked before any request: each refusal's words and
// next step, symlink chains up to the system's limit, a path through a file; the failure words for
// each file system error; an existing `export` kept only where it was.
import assert from 'node:assert/strict'
import {mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {UsageError} from '../../src/errors.js'
import {checkEnvFileTarget, EnvFileError, EnvValueError, fsReason, mergeEnv} from '../../src/files/env-file.js'

let dir: string
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-env-paths-'))
})
after(async () => {
  await rm(dir, {recursive: true, force: true})
})

async function refusal(given: string): Promise<UsageError> {
  const error = await checkEnvFileTarget(given).catch((error: unknown) => error)
  assert.ok(error instanceof UsageError, `${given}: ${String(error)}`)
  return error
}

describe('--env-file paths refused before any request', () => {
  it('an empty or blank flag', async () => {
    for (const given of ['', '  \t']) {
      const error = await refusal(given)
      assert.deepEqual([error.message, error.next], ['The --env-file flag is empty.', 'Pass the path of a dotenv file, such as .env.'])
    }
  })

  it('a folder, named as one, with the file path to pass instead', async () => {
    const error = await refusal(dir)
    assert.deepEqual([error.message, error.next], [`Cannot write --env-file ${dir}: it is a folder, not a file.`, `Pass a file path, such as ${join(dir, '.env')}; nothing was sent to the API.`])
  })

  it('a device is not a regular file; the next step is to fix the path', async () => {
    const error = await refusal('/dev/null')
    assert.deepEqual([error.message, error.next], ['Cannot write --env-file /dev/null: it is not a regular file.', 'Fix the path and run the command again; nothing was sent to the API.'])
  })

  it('a path through a file: the reason in words, not a missing folder', async () => {
    await writeFile(join(dir, 'plain'), '')
    const given = join(dir, 'plain', '.env')
    const error = await refusal(given)
    assert.equal(error.message, `Cannot write --env-file ${given}: a part of the path is a file, not a folder (ENOTDIR).`)
  })

  it('a chain of 40 symlinks is followed to its file; one of 41 is refused as a loop', async () => {
    const chain = join(dir, 'chain')
    await mkdir(chain)
    await writeFile(join(chain, 'target.env'), 'A=1\n')
    let previous = 'target.env'
    for (let n = 1; n <= 41; n++) {
      await symlink(previous, join(chain, `link-${n}`))
      previous = `link-${n}`
    }
    assert.deepEqual(await checkEnvFileTarget(join(chain, 'link-40')), {given: join(chain, 'link-40'), path: join(chain, 'target.env')})
    const error = await refusal(join(chain, 'link-41'))
    assert.equal(error.message, `Cannot write --env-file ${join(chain, 'link-41')}: too many levels of symbolic links (ELOOP).`)
  })
})

describe('failure words', () => {
  it('each file system error in words with its code; anything else as its message', () => {
    const words: Record<string, string> = {
      EACCES: 'permission denied',
      EPERM: 'operation not permitted',
      ENOENT: 'no such file or folder',
      ENOTDIR: 'a part of the path is a file, not a folder',
      EISDIR: 'it is a folder',
      ENOSPC: 'no space left on the device',
      EDQUOT: 'disk quota exceeded',
      EROFS: 'read-only file system',
      ELOOP: 'too many levels of symbolic links',
    }
    for (const [code, said] of Object.entries(words)) assert.equal(fsReason(Object.assign(new Error('raw'), {code})), `${said} (${code})`)
    assert.equal(fsReason(Object.assign(new Error('odd failure'), {code: 'EWHAT'})), 'odd failure')
    assert.equal(fsReason(new Error('no code')), 'no code')
    assert.equal(fsReason(undefined), 'undefined')
    assert.equal(fsReason('text'), 'text')
  })

  it('the errors name themselves', () => {
    const failed = new EnvFileError('Could not write .env.')
    assert.deepEqual([failed.name, failed.code, failed.exitCode], ['EnvFileError', 'env-file', 1])
    assert.equal(new EnvValueError('a newline').message, "The value holds a newline, which bash, dotenv and Node's --env-file would not read back alike.")
  })
})

describe('export kept where it was', () => {
  it('an indented export stays; a value that says export does not make one', () => {
    assert.equal(mergeEnv("  export DATABASE_URL='old'\n", 'DATABASE_URL', 'new'), "export DATABASE_URL='new'\n")
    assert.equal(mergeEnv("DATABASE_URL='see export here'\n", 'DATABASE_URL', 'new'), "DATABASE_URL='new'\n")
  })
})
