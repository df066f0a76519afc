// `prisma-mgmt emulator start` as a user runs it: a child process that prints where it listens,
// serves, logs requests to stderr without the token, and exits 0 on SIGTERM.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import type {ChildProcess} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {createInterface} from 'node:readline'
import {describe, it} from 'node:test'

const ROOT = resolve(import.meta.dirname, '../..')

function startCli(args: string[], env: Record<string, string> = {}): {child: ChildProcess; stdout: string[]; stderr: () => string} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/dev.js', 'emulator', 'start', ...args], {
    cwd: ROOT,
    env: {...process.env, NO_COLOR: '1', ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const stdout: string[] = []
  let stderr = ''
  createInterface({input: child.stdout!}).on('line', (line) => stdout.push(line))
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return {child, stdout, stderr: () => stderr}
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((ok) => child.once('exit', (code) => ok(code)))
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((ok) => setTimeout(ok, 25))
  }
}

describe('prisma-mgmt emulator start', () => {
  it('the oclif manifest knows the command (else dev.js cannot find it)', () => {
    let manifest: {commands: Record<string, unknown>}
    try {
      manifest = JSON.parse(readFileSync(resolve(ROOT, 'oclif.manifest.json'), 'utf8'))
    } catch (error) {
      assert.fail(`oclif.manifest.json is missing or unreadable (${error instanceof Error ? error.message : String(error)}): run \`npm run build\` and commit it`)
    }
    assert.ok('emulator:start' in manifest.commands, 'oclif.manifest.json is stale: run `npm run build` and commit it')
  })

  it('prints URL, token and export lines, serves, logs to stderr without the token, exits 0 on SIGTERM', async () => {
    const {child, stdout, stderr} = startCli(['--port', '0', '--databases', 'none'])
    try {
      await until(() => stdout.length >= 7 || child.exitCode !== null, 'the export lines')
      assert.equal(child.exitCode, null, `the emulator exited early:\n${stdout.join('\n')}\n${stderr()}`)
      const [listening, tokenLine, databases, oauthClient, blank, exportUrl, exportToken] = stdout
      const url = /^Prisma Management API emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(listening)?.[1]
      const token = /^Token: (\S+)$/.exec(tokenLine)?.[1]
      assert.ok(url && token, stdout.join('\n'))
      assert.equal(databases, 'Databases: none')
      assert.equal(oauthClient, 'OAuth client: prisma-mgmt-emulator', 'the default OAuth client id')
      assert.equal(blank, '')
      assert.equal(exportUrl, `export PRISMA_MANAGEMENT_API_URL=${url}`)
      assert.equal(exportToken, `export PRISMA_SERVICE_TOKEN=${token}`)

      const me = await fetch(`${url}/v1/me`, {headers: {authorization: `Bearer ${token}`}})
      assert.equal(me.status, 200)
      assert.equal(((await me.json()) as {data: {credential: {type: string}}}).data.credential.type, 'service_token')
      assert.equal((await fetch(`${url}/v1/projects`)).status, 401)
      await until(() => /GET \/v1\/projects 401/.test(stderr()), 'the request log line')
      assert.match(stderr(), /^GET \/v1\/me 200 \d+(\.\d+)?ms$/m)
      assert.ok(!stderr().includes(token), 'the token is not logged')

      child.kill('SIGTERM')
      assert.equal(await exitOf(child), 0)
      assert.equal(stdout.length, 7, 'nothing else on stdout')
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('a SIGINT sent the moment the export lines arrive still stops it cleanly (exit 0)', async () => {
    const {child, stdout, stderr} = startCli(['--port', '0', '--databases', 'none'])
    try {
      // No polling delay: a script may signal as soon as it has read the lines.
      const lines = createInterface({input: child.stdout!})
      await new Promise<void>((ok, fail) => {
        child.once('exit', (code, signal) => fail(new Error(`the emulator exited early (${signal ?? code}):\n${stdout.join('\n')}\n${stderr()}`)))
        lines.on('line', (line) => {
          if (line.startsWith('export PRISMA_SERVICE_TOKEN=')) {
            child.kill('SIGINT')
            ok()
          }
        })
      })
      child.removeAllListeners('exit')
      const exit = await new Promise<{code: number | null; signal: NodeJS.Signals | null}>((ok) => {
        if (child.exitCode !== null || child.signalCode !== null) ok({code: child.exitCode, signal: child.signalCode})
        else child.once('exit', (code, signal) => ok({code, signal}))
      })
      assert.deepEqual(exit, {code: 0, signal: null}, `stderr:\n${stderr()}`)
      await until(() => /^SIGINT: stopping the emulator$/m.test(stderr()), 'the stopping line')
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('--token fixes the token; --databases postgres without a URL is a usage error (exit 2)', async () => {
    const fixed = startCli(['--port', '0', '--databases', 'none', '--token', 'cli-test-token', '--provision-delay-ms', '10'])
    try {
      await until(() => fixed.stdout.length >= 7 || fixed.child.exitCode !== null, 'the export lines')
      assert.equal(fixed.stdout[1], 'Token: cli-test-token')
      fixed.child.kill('SIGINT')
      assert.equal(await exitOf(fixed.child), 0)
    } finally {
      fixed.child.kill('SIGKILL')
    }

    const {PRISMA_EMULATOR_POSTGRES_URL: _ignored, ...env} = process.env
    const postgres = spawn(process.execPath, ['--import', 'tsx', 'bin/dev.js', 'emulator', 'start', '--port', '0', '--databases', 'postgres'], {
      cwd: ROOT,
      env: {...env, NO_COLOR: '1'},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    postgres.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    assert.equal(await exitOf(postgres), 2)
    assert.match(stderr, /^Error: --databases postgres needs --postgres-url/m)
  })
})
