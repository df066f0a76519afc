// bin/run.js runs a plain command line without oclif (src/fast/run.ts) and leaves every other one
// to oclif: either way, what a user gets (exit code, stdout, stderr) must be byte for byte what
// oclif itself gives for the same command line against the same API.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {after, before, describe, it} from 'node:test'

import {BIN, Emulator, ROOT, removeDir, run, tempDir, type RunResult} from './harness.js'

/** The bundled oclif's own run of the command line, as bin/run.js ran every command before it had a fast path. */
async function oclifSays(args: string[], env: Record<string, string | undefined>): Promise<RunResult> {
  const script = "const {execute} = await import(new URL('../dist/cli.js', process.argv[1]).href); await execute({dir: process.argv[1], args: JSON.parse(process.argv[2])})"
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, `file://${BIN}`, JSON.stringify(args)], {cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdin.end('')
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  return {code, stdout, stderr}
}

describe('the fast path of bin/run.js against oclif itself', () => {
  let emulator: Emulator
  let configHome: string
  let env: Record<string, string | undefined>
  const ids = {project: '', database: '', workspace: '', bucket: ''}

  before(async () => {
    emulator = await Emulator.start()
    configHome = await tempDir()
    env = emulator.env(configHome, {NO_COLOR: '1'})
    const project = await emulator.call<{data: {id: string; database?: {id: string}}}>('POST', '/v1/projects', {name: 'fast-path'})
    ids.project = project.body.data.id
    ids.database = project.body.data.database!.id
    ids.workspace = (await emulator.call<{data: {id: string}[]}>('GET', '/v1/workspaces')).body.data[0].id
    ids.bucket = (await emulator.call<{data: {id: string}}>('POST', '/v1/buckets', {projectId: ids.project, name: 'fast-path-bucket'})).body.data.id
  })

  after(async () => {
    await emulator?.stop()
    if (configHome) await removeDir(configHome)
  })

  async function same(args: string[], extra: Record<string, string | undefined> = {}): Promise<RunResult> {
    // What run() gives the CLI: the developer's shell without these, then the test's own.
    const fullEnv: Record<string, string | undefined> = {...process.env}
    for (const key of ['CI', 'FORCE_COLOR', 'DEBUG', 'PRISMA_MGMT_PROFILE', 'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'NO_PROXY', 'no_proxy']) delete fullEnv[key]
    for (const [key, value] of Object.entries({...env, ...extra})) {
      if (value === undefined) delete fullEnv[key]
      else fullEnv[key] = value
    }
    const reference = await oclifSays(args, fullEnv)
    const fast = await run(args, {emulator, env: {...env, ...extra}})
    assert.deepEqual(fast, reference, `prisma-mgmt ${args.join(' ')}`)
    return fast
  }

  it('prints the same for the commands people run most, in every format', async () => {
    const lines = [
      ['whoami'],
      ['whoami', '--json'],
      ['workspaces', 'list', '--json'],
      ['workspaces', 'show', ids.workspace, '-o', 'yaml'],
      ['regions', 'list'],
      ['regions', 'list', '--product', 'accelerate', '--json'],
      ['projects', 'list'],
      ['projects', 'list', '--json', '--limit', '1'],
      ['projects', 'list', '--columns', 'id,name', '-o', 'csv'],
      ['projects:list', '--output=yaml'],
      ['projects', 'show', ids.project, '--json'],
      ['db', 'list', '--json'],
      ['db', 'show', ids.database],
      ['db', 'connections', 'list', ids.database, '--json'],
      ['buckets', 'list', '--json'],
      ['buckets', 'show', ids.bucket],
      ['buckets', 'keys', 'list', ids.bucket, '--json'],
      ['tokens', 'list', '--json'],
      ['profiles', 'list'],
    ]
    for (const args of lines) {
      const result = await same(args)
      assert.equal(result.code, 0, `prisma-mgmt ${args.join(' ')}: ${result.stderr}`)
    }
  })

  it('gives the same errors and exit codes for command lines that are not plain', async () => {
    const lines = [
      ['projects', 'list', 'extra'],
      ['projects', 'list', '--bogus'],
      ['projects', 'list', '--limit', '0'],
      ['projects', 'list', '--limit', 'many'],
      ['projects', 'list', '--json', '--json'],
      ['projects', 'list', '--json=true'],
      ['projects', 'list', '--no-json'],
      ['projects', 'list', '-o'],
      ['projects', 'list', '--output', 'xml'],
      ['projects', 'list', '--json', '--output', 'yaml'],
      ['projects', 'list', '--columns', 'nope'],
      ['projects', 'list', '--', 'x'],
      ['projects', 'show'],
      ['projects', 'show', '.'],
      ['projects', 'show', 'no-such-project', '--json'],
      ['db', 'show'],
      ['db', 'credentials', ids.database, '--format', 'nope'],
      ['whoami', '--timeout', '-1'],
      ['whoami', '--timeout', 'soon'],
      ['whoami', '--token', 'not-a-token'],
      ['whoami', '--api-url', 'ftp://127.0.0.1'],
      ['whoami', '--api-url', 'http://example.com'],
      ['projects', 'lst'],
      ['projects'],
      ['projects', 'list', '--help'],
    ]
    for (const args of lines) await same(args)
  })

  it('reads the settings oclif reads: another config folder, a profile that does not exist', async () => {
    const elsewhere = await tempDir()
    try {
      await same(['profiles', 'list'], {PRISMA_MGMT_CONFIG_DIR: elsewhere})
      await same(['whoami'], {PRISMA_SERVICE_TOKEN: undefined, PRISMA_MGMT_PROFILE: 'nobody'})
    } finally {
      await removeDir(elsewhere)
    }
  })
})
