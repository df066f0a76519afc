import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {chmod, mkdir, readdir, readFile, readlink, stat, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {promisify} from 'node:util'

import dotenv from 'dotenv'

import {checkEnvFileTarget, envLine, EnvValueError, mergeEnv, writeEnvEntries, writeEnvFile} from '../../src/files/env-file.js'
import {UsageError} from '../../src/errors.js'
import {removeDir, tempDir} from '../e2e/harness.js'

const run = promisify(execFile)
const escape = (text: string) => text.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')
const isRoot = process.getuid?.() === 0

/** What `set -a; . ./file` gives a shell script. */
async function readWithBash(dir: string, file: string): Promise<string> {
  const {stdout} = await run('bash', ['-c', `set -a; . ./${file}; printf %s "$DATABASE_URL"`], {cwd: dir, encoding: 'utf8'})
  return stdout
}

/** What Node's own --env-file reader gives a program. */
async function readWithNode(dir: string, file: string): Promise<string> {
  const {stdout} = await run(process.execPath, [`--env-file=${file}`, '-e', 'process.stdout.write(process.env.DATABASE_URL ?? "<unset>")'], {
    cwd: dir,
    encoding: 'utf8',
  })
  return stdout
}

describe('env file quoting: bash, dotenv and Node read back exactly what the API sent', () => {
  let dir: string
  let marker: string
  before(async () => {
    dir = await tempDir()
    marker = join(dir, 'executed')
  })
  after(async () => {
    await removeDir(dir)
  })

  it('writes single quotes, and double quotes only for a value with a single quote and nothing they expand', () => {
    const cases: [value: string, line: string][] = [
      ['postgres://u:p@h:5432/d', "K='postgres://u:p@h:5432/d'"],
      ['a"b\\c$d`e', `K='a"b\\c$d\`e'`],
      ["it's", `K="it's"`],
      ['', "K=''"],
    ]
    for (const [value, line] of cases) {
      const written = envLine('K', value)
      assert.equal(written, line, `${JSON.stringify(value)} was written as ${JSON.stringify(written)}`)
    }
  })

  it('refuses what no quoting carries exactly, naming the character but never the value', () => {
    const refused: [string, string][] = [
      ['pa\nss', 'a newline'],
      ['pa\rss', 'a carriage return'],
      ['pa\0ss', 'a NUL character'],
      ["it's $HOME", 'a single quote together with one of $ ` " \\'],
      ["it's \\", 'a single quote together with one of $ ` " \\'],
    ]
    for (const [value, problem] of refused) {
      assert.throws(
        () => envLine('DATABASE_URL', value),
        (error: unknown) => error instanceof EnvValueError && error instanceof UsageError && error.problem === problem && !error.message.includes(value),
        `envLine should refuse ${JSON.stringify(value)} as holding ${problem}`,
      )
    }
  })

  const hostile = (markerPath: string): string[] => [
    `$(touch ${markerPath})`,
    `\`touch ${markerPath}\``,
    `postgres://u:p$(touch ${markerPath})@h:5432/d?x="1"&y=\`touch ${markerPath}\``,
    '$HOME',
    '${HOME}',
    'a"b',
    '"',
    'a\\',
    '\\',
    'a\\nb',
    'x#y',
    'x #y',
    '#',
    '  spaces inside  ',
    '%PATH%',
    'ünïcødé €😀',
    "it's",
    "x'#y",
    'tab\there',
    'a=b',
  ]

  it('every hostile value round-trips byte for byte through bash, dotenv.parse and node --env-file, and nothing runs', async () => {
    for (const value of hostile(marker)) {
      const file = '.env'
      await writeFile(join(dir, file), 'BEFORE=1\nDATABASE_URL=old\nAFTER=2\n')
      await writeEnvFile(join(dir, file), 'DATABASE_URL', value)
      const text = await readFile(join(dir, file), 'utf8')
      const bash = await readWithBash(dir, file)
      assert.equal(bash, value, `bash read ${JSON.stringify(bash)} from ${JSON.stringify(text)}`)
      const parsed = dotenv.parse(text)
      assert.equal(parsed.DATABASE_URL, value, `dotenv read ${JSON.stringify(parsed.DATABASE_URL)} from ${JSON.stringify(text)}`)
      assert.deepEqual([parsed.BEFORE, parsed.AFTER], ['1', '2'], `dotenv lost a neighbouring line of ${JSON.stringify(text)}`)
      const node = await readWithNode(dir, file)
      assert.equal(node, value, `node --env-file read ${JSON.stringify(node)} from ${JSON.stringify(text)}`)
      assert.equal(existsSync(marker), false, `sourcing ${JSON.stringify(text)} ran a command: ${marker} exists`)
    }
  })

  it('--format env lines use the same quoting: sourcing one runs nothing', async () => {
    const line = envLine('DATABASE_URL', `$(touch ${marker})\`touch ${marker}\``)
    await writeFile(join(dir, 'line.env'), `${line}\n`)
    assert.equal(await readWithBash(dir, 'line.env'), `$(touch ${marker})\`touch ${marker}\``, `bash read back a different value from ${line}`)
    assert.equal(existsSync(marker), false, `sourcing ${line} created ${marker}`)
  })

  it('a refused value leaves the existing file untouched and no temp file behind', async () => {
    const sub = join(dir, 'refused')
    await mkdir(sub)
    const file = join(sub, '.env')
    const original = 'A=1\nDATABASE_URL=\'old\'\n'
    await writeFile(file, original)
    await assert.rejects(writeEnvFile(file, 'DATABASE_URL', 'new\nline'), EnvValueError, 'a value with a newline should be refused')
    assert.equal(await readFile(file, 'utf8'), original, 'the file changed although the value was refused')
    assert.deepEqual(await readdir(sub), ['.env'], 'a temp file was left behind')
  })
})

describe('env file merge', () => {
  /** Each case: the file before, the file after setting DATABASE_URL to x, and why. */
  const check = (cases: [before: string, after: string, why: string][]) => {
    for (const [before, after, why] of cases) {
      const merged = mergeEnv(before, 'DATABASE_URL', 'x')
      assert.equal(merged, after, `${why}: ${JSON.stringify(before)} became ${JSON.stringify(merged)}`)
    }
  }

  it('replaces the key in place, keeps export, comments and blanks, drops later duplicates', () => {
    check([
      ['', "DATABASE_URL='x'\n", 'an empty file gets one line'],
      ['A=1\nDATABASE_URL=old\n# c\n\nB=2\n', "A=1\nDATABASE_URL='x'\n# c\n\nB=2\n", 'the key is replaced in place'],
      ['export DATABASE_URL="old"\n', "export DATABASE_URL='x'\n", 'export is kept'],
      ['DATABASE_URL=a\nDATABASE_URL=b\n', "DATABASE_URL='x'\n", 'a later duplicate is dropped'],
      ['DATABASE_URL_REPLICA=r\n', "DATABASE_URL_REPLICA=r\nDATABASE_URL='x'\n", 'a key that merely starts the same is kept'],
      ['# DATABASE_URL=commented\n', "# DATABASE_URL=commented\nDATABASE_URL='x'\n", 'a comment is kept'],
    ])
  })

  it('keeps each line\'s own ending in a file that mixes CRLF and LF, byte for byte', () => {
    check([
      ['A=1\r\nB=2\nDATABASE_URL=old\r\nC=3\n\r\nD=4\r\n', "A=1\r\nB=2\nDATABASE_URL='x'\r\nC=3\n\r\nD=4\r\n", 'every line keeps its ending'],
      ['A=1\r\nDATABASE_URL=old\nB=2\r\n', "A=1\r\nDATABASE_URL='x'\nB=2\r\n", 'the replaced line keeps its LF in a mostly CRLF file'],
      ['DATABASE_URL=a\r\nB=2\nDATABASE_URL=b\r\nC=3\n', "DATABASE_URL='x'\r\nB=2\nC=3\n", 'a dropped duplicate takes its own ending with it'],
      ['A=1\r2\nDATABASE_URL=old\n', "A=1\r2\nDATABASE_URL='x'\n", 'a lone CR is part of the line, not an ending'],
    ])
  })

  it('an appended line takes the file\'s dominant ending', () => {
    check([
      ['A=1\r\nB=2\r\nC=3\n', "A=1\r\nB=2\r\nC=3\nDATABASE_URL='x'\r\n", 'mostly CRLF'],
      ['A=1\nB=2\nC=3\r\n', "A=1\nB=2\nC=3\r\nDATABASE_URL='x'\n", 'mostly LF'],
      ['A=1\r\nB=2\n', "A=1\r\nB=2\nDATABASE_URL='x'\n", 'a tie goes to LF'],
    ])
  })

  it('a file without a final newline: an append ends the last line first; a replaced last line stays unterminated', () => {
    check([
      ['A=1', "A=1\nDATABASE_URL='x'\n", 'one line without an ending'],
      ['A=1\r\nB=2', "A=1\r\nB=2\r\nDATABASE_URL='x'\r\n", 'the last line is ended with the dominant ending'],
      ['A=1\r\nDATABASE_URL=old', "A=1\r\nDATABASE_URL='x'", 'the replaced last line keeps having no ending'],
    ])
  })
})

describe('env file write', () => {
  let dir: string
  before(async () => {
    dir = await tempDir()
  })
  after(async () => {
    await removeDir(dir)
  })

  it('writes atomically: a new file is 0600, an existing one keeps its mode, no temp file is left', async () => {
    const sub = join(dir, 'atomic')
    await mkdir(sub)
    const file = join(sub, '.env')
    assert.deepEqual(await writeEnvFile(file, 'DATABASE_URL', 'one'), {created: true}, 'a new file should be reported as created')
    assert.equal((await stat(file)).mode & 0o777, 0o600, 'a new file should have mode 0600')
    await writeFile(file, 'A=1\nDATABASE_URL="one"\n')
    await chmod(file, 0o644)
    assert.deepEqual(await writeEnvFile(file, 'DATABASE_URL', 'two'), {created: false}, 'an existing file should be reported as updated')
    assert.equal(await readFile(file, 'utf8'), "A=1\nDATABASE_URL='two'\n")
    assert.equal((await stat(file)).mode & 0o777, 0o644, 'an existing file should keep its mode')
    assert.deepEqual(await readdir(sub), ['.env'], 'a temp file was left behind')
    await assert.rejects(writeEnvFile(join(sub, 'nope', '.env'), 'DATABASE_URL', 'x'), {code: 'ENOENT'})
  })

  it('never renames over something that is not a regular file, even when called without the check', async () => {
    const fifo = join(dir, 'fifo')
    await run('mkfifo', [fifo])
    await assert.rejects(writeEnvFile(fifo, 'DATABASE_URL', 'x'), {message: 'it is not a regular file'})
    assert.ok((await stat(fifo)).isFIFO(), 'the FIFO was replaced')
    await assert.rejects(writeEnvFile(dir, 'DATABASE_URL', 'x'), {message: 'it is a folder, not a file'})
  })

  it('keeps lines that are not UTF-8 byte for byte and writes the value as UTF-8', async () => {
    const file = join(dir, 'latin1.env')
    const before = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\r\nDATABASE_URL=old\r\n')])
    await writeFile(file, before)
    await writeEnvFile(file, 'DATABASE_URL', 'pässword€')
    const expected = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from("\r\nDATABASE_URL='pässword€'\r\n", 'utf8')])
    assert.deepEqual(await readFile(file), expected, 'the bytes of the file differ from the expected merge')
  })
})

describe('env file write of several keys', () => {
  let dir: string
  before(async () => {
    dir = await tempDir()
  })
  after(async () => {
    await removeDir(dir)
  })

  it('sets every key in one replacement: existing ones in place (export kept), new ones appended in order', async () => {
    const file = join(dir, 's3.env')
    await writeFile(file, '# app\r\nexport AWS_SECRET_ACCESS_KEY=old\r\nPORT=3000\r\nAWS_ACCESS_KEY_ID=old\r\n', {mode: 0o640})
    const entries = [
      ['AWS_ACCESS_KEY_ID', 'AKIA1'],
      ['AWS_SECRET_ACCESS_KEY', 's/e+c=r$et'],
      ['AWS_ENDPOINT_URL_S3', 'https://s3.example.test'],
      ['S3_BUCKET', 'bkt-1'],
    ] as const
    assert.deepEqual(await writeEnvEntries(file, entries), {created: false})
    assert.equal(
      await readFile(file, 'utf8'),
      "# app\r\nexport AWS_SECRET_ACCESS_KEY='s/e+c=r$et'\r\nPORT=3000\r\nAWS_ACCESS_KEY_ID='AKIA1'\r\nAWS_ENDPOINT_URL_S3='https://s3.example.test'\r\nS3_BUCKET='bkt-1'\r\n",
    )
    assert.equal((await stat(file)).mode & 0o777, 0o640, 'the file keeps its mode')
    assert.deepEqual(dotenv.parse(await readFile(file)), {AWS_SECRET_ACCESS_KEY: 's/e+c=r$et', PORT: '3000', AWS_ACCESS_KEY_ID: 'AKIA1', AWS_ENDPOINT_URL_S3: 'https://s3.example.test', S3_BUCKET: 'bkt-1'})
  })

  it('a value no quoting carries stops them all: the file is untouched, no temp file is left', async () => {
    const sub = join(dir, 'refused')
    await mkdir(sub)
    const file = join(sub, '.env')
    await writeFile(file, 'AWS_ACCESS_KEY_ID=old\n')
    await assert.rejects(writeEnvEntries(file, [['AWS_ACCESS_KEY_ID', 'new'], ['AWS_SECRET_ACCESS_KEY', 'two\nlines']]), EnvValueError)
    assert.equal(await readFile(file, 'utf8'), 'AWS_ACCESS_KEY_ID=old\n', 'not even the first key was written')
    assert.deepEqual(await readdir(sub), ['.env'])
  })
})

describe('env file target check (before any request)', () => {
  let dir: string
  before(async () => {
    dir = await tempDir()
  })
  after(async () => {
    await removeDir(dir)
  })

  const refusal = (pattern: RegExp) => (error: unknown) => {
    assert.ok(error instanceof UsageError, `expected a usage error, got ${String(error)}`)
    assert.match(error.message, pattern, `the refusal said: ${error.message}`)
    return true
  }

  it('accepts a new file in an existing folder and an existing file, leaving no probe file behind', async () => {
    const sub = join(dir, 'ok')
    await mkdir(sub)
    assert.deepEqual(await checkEnvFileTarget(join(sub, '.env')), {given: join(sub, '.env'), path: join(sub, '.env')}, 'a new file should be its own target')
    await writeFile(join(sub, 'existing.env'), 'A=1\n')
    assert.equal((await checkEnvFileTarget(join(sub, 'existing.env'))).path, join(sub, 'existing.env'), 'an existing file should be its own target')
    assert.deepEqual(await readdir(sub), ['existing.env'], 'the writability probe was left behind')
  })

  it('refuses a missing folder, a folder, a path under a file, a FIFO and an empty path, naming the path', async () => {
    const missing = join(dir, 'missing', '.env')
    await assert.rejects(checkEnvFileTarget(missing), refusal(new RegExp(`^Cannot write --env-file ${escape(missing)}: the folder ${escape(join(dir, 'missing'))} does not exist\\.$`)))
    await assert.rejects(checkEnvFileTarget(dir), refusal(new RegExp(`^Cannot write --env-file ${escape(dir)}: it is a folder, not a file\\.$`)))
    await writeFile(join(dir, 'plain'), '')
    await assert.rejects(checkEnvFileTarget(join(dir, 'plain', '.env')), refusal(/: a part of the path is a file, not a folder \(ENOTDIR\)\.$/))
    // A FIFO of our own stands for devices: a check that regressed must not replace /dev/null.
    const fifo = join(dir, 'fifo')
    await run('mkfifo', [fifo])
    await assert.rejects(checkEnvFileTarget(fifo), refusal(new RegExp(`^Cannot write --env-file ${escape(fifo)}: it is not a regular file\\.$`)))
    await assert.rejects(checkEnvFileTarget(''), refusal(/^The --env-file flag is empty\.$/))
  })

  it('refuses a folder where files cannot be created (/proc refuses even root, which ignores mode bits)', async () => {
    await assert.rejects(checkEnvFileTarget('/proc/prisma-mgmt.env'), refusal(/^Cannot write --env-file \/proc\/prisma-mgmt\.env: files cannot be created in the folder \/proc: /))
  })

  it('refuses an unwritable folder and an unreadable file by their mode bits', {skip: isRoot && 'root ignores mode bits'}, async () => {
    const locked = join(dir, 'locked')
    await mkdir(locked, {mode: 0o500})
    await assert.rejects(checkEnvFileTarget(join(locked, '.env')), refusal(/files cannot be created in the folder .*permission denied \(EACCES\)/))
    const file = join(dir, 'readonly.env')
    await writeFile(file, 'A=1\n', {mode: 0o400})
    await assert.rejects(checkEnvFileTarget(file), refusal(/the file cannot be read and written: permission denied \(EACCES\)/))
  })

  it('follows symlinks (relative, chained, dangling) to the file they point to; a link to a folder is refused', async () => {
    const real = join(dir, 'real')
    await mkdir(real)
    await writeFile(join(real, 'app.env'), 'A=1\n')
    await symlink('real/app.env', join(dir, 'hop1'))
    await symlink('hop1', join(dir, 'hop2'))
    assert.deepEqual(await checkEnvFileTarget(join(dir, 'hop2')), {given: join(dir, 'hop2'), path: join(real, 'app.env')}, 'a chain of links should resolve to the file')
    await symlink('real/new.env', join(dir, 'dangling'))
    assert.equal((await checkEnvFileTarget(join(dir, 'dangling'))).path, join(real, 'new.env'), 'a dangling link should name the file it would create')
    await symlink('real', join(dir, 'to-folder'))
    await assert.rejects(checkEnvFileTarget(join(dir, 'to-folder')), refusal(/it is a folder, not a file \(the symlink points to .*real\)\.$/))
    await symlink('loop-b', join(dir, 'loop-a'))
    await symlink('loop-a', join(dir, 'loop-b'))
    await assert.rejects(checkEnvFileTarget(join(dir, 'loop-a')), refusal(/too many levels of symbolic links \(ELOOP\)/))
    // Writing through the link updates the file and keeps the link.
    await writeEnvFile((await checkEnvFileTarget(join(dir, 'hop2'))).path, 'DATABASE_URL', 'x')
    assert.equal(await readFile(join(real, 'app.env'), 'utf8'), "A=1\nDATABASE_URL='x'\n")
    assert.equal(await readlink(join(dir, 'hop2')), 'hop1', 'the symlink itself should be kept')
  })
})
