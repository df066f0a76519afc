// bin/run.js answers exactly `--version` and `--help` without loading oclif (for start-up time,
// see `npm run bench`); what it prints must be, byte for byte, what oclif itself prints.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {BIN, ROOT, run} from './e2e/harness.js'

/** oclif from node_modules, not bin/run.js nor the bundle: the reference. */
async function oclifSays(args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  const env: Record<string, string | undefined> = {...process.env}
  for (const key of ['CI', 'FORCE_COLOR', 'DEBUG', 'OCLIF_COLUMNS']) delete env[key]
  const script = "import {execute} from '@oclif/core'; await execute({dir: process.argv[1], args: JSON.parse(process.argv[2])})"
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, BIN, JSON.stringify(args)], {cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve))
  return {code, stdout, stderr}
}

describe('the --version and --help fast path of bin/run.js', () => {
  it('the build cached the root help', () => {
    assert.ok(existsSync(join(ROOT, 'dist/root-help.json')), 'npm run build writes dist/root-help.json')
  })

  for (const flag of ['--version', '--help']) {
    it(`${flag} prints exactly what oclif prints`, async () => {
      const reference = await oclifSays([flag])
      assert.equal(reference.code, 0)
      const fast = await run([flag])
      assert.deepEqual(fast, reference)
      // FORCE_COLOR (0: no colour, the same text) sends bin/run.js through the bundled oclif.
      const bundled = await run([flag], {env: {FORCE_COLOR: '0'}})
      assert.deepEqual(bundled, reference)
    })
  }

  it('leaves anything else to oclif: --help after a command, --version with more arguments', async () => {
    const help = await run(['projects', '--help'])
    assert.deepEqual(help, await oclifSays(['projects', '--help']))
    const version = await run(['--version', 'extra'])
    assert.deepEqual(version, await oclifSays(['--version', 'extra']))
  })
})
