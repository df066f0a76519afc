// `prisma-mgmt emulator start --detach` and `emulator stop` through the built binary, as separate
// processes the way a shell runs them, each test with its own data and config folders.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {mkdir, readFile, stat, symlink, writeFile} from 'node:fs/promises'
import {createServer} from 'node:net'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {BIN, removeDir, run, tempDir} from '../e2e/harness.js'
import type {RunResult} from '../e2e/harness.js'

const EXPORTS = /^export PRISMA_MANAGEMENT_API_URL=(http:\/\/127\.0\.0\.1:\d+)\nexport PRISMA_SERVICE_TOKEN=(\S+)\n$/

interface Homes {
  root: string
  /** oclif's data dir for prisma-mgmt: where the record and the log live. */
  dataDir: string
  env: Record<string, string | undefined>
}

async function homes(): Promise<Homes> {
  const root = await tempDir('prisma-mgmt-detach-')
  const env = {
    XDG_DATA_HOME: join(root, 'data'),
    XDG_CONFIG_HOME: join(root, 'config'),
    // oclif's own overrides would point both commands elsewhere.
    PRISMA_MGMT_DATA_DIR: undefined,
    PRISMA_MGMT_CONFIG_DIR: undefined,
    PRISMA_EMULATOR_POSTGRES_URL: undefined,
    NO_COLOR: '1',
  }
  return {root, dataDir: join(root, 'data', 'prisma-mgmt'), env}
}

/** Exited, or a zombie no one has reaped yet: either way it no longer runs. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

/** Every live process started with this test's data folder in its environment. */
function processesOf(home: Homes): number[] {
  const marker = `XDG_DATA_HOME=${home.env.XDG_DATA_HOME}\0`
  const found: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').includes(marker) && running(Number(name))) found.push(Number(name))
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found
}

/** Kills what the test started, whatever happened: the recorded pid and anything else with its environment. */
async function cleanUp(home: Homes): Promise<void> {
  const pids = new Set(processesOf(home))
  try {
    const recorded = (JSON.parse(await readFile(join(home.dataDir, 'emulator.json'), 'utf8')) as {pid: number}).pid
    if (running(recorded) && processesOf(home).includes(recorded)) pids.add(recorded)
  } catch {
    // No record: nothing recorded to kill.
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
  await removeDir(home.root)
}

function cli(home: Homes, args: string[]): Promise<RunResult> {
  return run(args, {env: home.env, timeoutMs: 150_000})
}

async function modeOf(path: string): Promise<string> {
  return ((await stat(path)).mode & 0o777).toString(8)
}

describe('emulator start --detach, then emulator stop', () => {
  let home: Homes
  let started: RunResult
  let url: string
  let token: string

  before(async () => {
    home = await homes()
    started = await cli(home, ['emulator', 'start', '--detach', '--port', '0', '--databases', 'none'])
    const match = EXPORTS.exec(started.stdout)
    url = match?.[1] ?? ''
    token = match?.[2] ?? ''
  })
  after(async () => cleanUp(home))

  it('prints exactly the two export lines, returns 0, and the emulator keeps serving', async () => {
    assert.equal(started.code, 0, `exit code; stderr: ${started.stderr}`)
    assert.match(started.stdout, EXPORTS, `stdout holds only the export lines, saw:\n${started.stdout}`)
    const record = JSON.parse(await readFile(join(home.dataDir, 'emulator.json'), 'utf8')) as {pid: number}
    const expected = `Emulator running at ${url} (pid ${record.pid}), logging to ${join(home.dataDir, 'emulator.log')}. Stop it with: prisma-mgmt emulator stop\n`
    assert.equal(started.stderr, expected, 'stderr names the URL, pid, log file and how to stop it')

    const me = await fetch(`${url}/v1/me`, {headers: {authorization: `Bearer ${token}`}})
    assert.equal(me.status, 200, `GET /v1/me with the printed URL and token answered ${me.status}`)
    const list = await run(['projects', 'list', '--json'], {env: {...home.env, PRISMA_MANAGEMENT_API_URL: url, PRISMA_SERVICE_TOKEN: token}, secrets: [token]})
    assert.equal(list.code, 0, `projects list against the detached emulator; stderr: ${list.stderr}`)
    assert.equal(list.stdout.trim(), '[]', `projects list printed: ${list.stdout}`)
  })

  it('records pid, URL, log and start time (no token) in a 0600 file in a 0700 folder', async () => {
    const file = join(home.dataDir, 'emulator.json')
    assert.equal(await modeOf(home.dataDir), '700', 'mode of the data folder')
    assert.equal(await modeOf(file), '600', 'mode of the record')
    assert.equal(await modeOf(join(home.dataDir, 'emulator.log')), '600', 'mode of the log, which holds the token as the emulator prints it')
    const text = await readFile(file, 'utf8')
    assert.ok(token && !text.includes(token), `the record holds no token, saw:\n${text}`)
    const record = JSON.parse(text) as {pid: number; url: string; logFile: string; startedAt: string}
    assert.deepEqual(Object.keys(record).sort(), ['logFile', 'pid', 'startedAt', 'url'], `record fields: ${text}`)
    assert.equal(record.url, url, 'recorded URL')
    assert.equal(record.logFile, join(home.dataDir, 'emulator.log'), 'recorded log file')
    assert.ok(running(record.pid), `recorded pid ${record.pid} runs`)
    assert.ok(!Number.isNaN(Date.parse(record.startedAt)), `startedAt is a date, saw ${record.startedAt}`)
    assert.deepEqual(readdirSync(home.dataDir).sort(), ['emulator.json', 'emulator.log'], 'no temporary file is left next to the record')
  })

  it('a second --detach refuses with exit 2, naming the running one and emulator stop, and leaves it alone', async () => {
    const before = await readFile(join(home.dataDir, 'emulator.json'), 'utf8')
    const second = await cli(home, ['emulator', 'start', '--detach', '--port', '0', '--databases', 'none'])
    assert.equal(second.code, 2, `exit code; stderr: ${second.stderr}`)
    assert.equal(second.stdout, '', `nothing on stdout, saw: ${second.stdout}`)
    assert.ok(second.stderr.includes(url) && second.stderr.includes('prisma-mgmt emulator stop'), `stderr names the URL and emulator stop, saw:\n${second.stderr}`)
    assert.equal(await readFile(join(home.dataDir, 'emulator.json'), 'utf8'), before, 'the record is unchanged')
    assert.match(await readFile(join(home.dataDir, 'emulator.log'), 'utf8'), /^export PRISMA_SERVICE_TOKEN=/m, 'the running emulator\'s log is not truncated')
    const me = await fetch(`${url}/v1/me`, {headers: {authorization: `Bearer ${token}`}})
    assert.equal(me.status, 200, `the first emulator still serves, answered ${me.status}`)
  })

  it('emulator stop stops it: the pid is gone, the port refuses connections, the record is removed', async () => {
    const {pid} = JSON.parse(await readFile(join(home.dataDir, 'emulator.json'), 'utf8')) as {pid: number}
    const stopped = await cli(home, ['emulator', 'stop'])
    assert.equal(stopped.code, 0, `exit code; stderr: ${stopped.stderr}`)
    assert.equal(stopped.stdout, `Stopped the emulator at ${url} (pid ${pid}).\n`, 'stdout of emulator stop')
    assert.ok(!running(pid), `pid ${pid} no longer runs`)
    await assert.rejects(fetch(`${url}/v1/me`), `${url} refuses connections`)
    assert.ok(!existsSync(join(home.dataDir, 'emulator.json')), 'the record is removed')
    assert.match(await readFile(join(home.dataDir, 'emulator.log'), 'utf8'), /^SIGTERM: stopping the emulator$/m, 'it stopped through SIGTERM, closing cleanly')

    const again = await cli(home, ['emulator', 'stop'])
    assert.equal(again.code, 0, `a second stop; stderr: ${again.stderr}`)
    assert.equal(again.stdout, 'No detached emulator is running.\n', 'stdout of a second stop')
  })
})

describe('emulator stop with nothing to stop', () => {
  it('exits 0 saying so, with no data folder at all', async () => {
    const home = await homes()
    try {
      const result = await cli(home, ['emulator', 'stop'])
      assert.equal(result.code, 0, `exit code; stderr: ${result.stderr}`)
      assert.equal(result.stdout, 'No detached emulator is running.\n', 'stdout')
      assert.equal(result.stderr, '', 'stderr')
    } finally {
      await cleanUp(home)
    }
  })

  it('a record whose pid is now another program is not signalled: stop ignores and removes it, --detach replaces it', async () => {
    const home = await homes()
    const other = spawn('sleep', ['300'], {stdio: 'ignore'})
    try {
      const pid = other.pid!
      const stale = {pid, url: 'http://127.0.0.1:9', logFile: join(home.dataDir, 'emulator.log'), startedAt: new Date().toISOString()}
      await mkdir(home.dataDir, {recursive: true, mode: 0o700})
      await writeFile(join(home.dataDir, 'emulator.json'), JSON.stringify(stale), {mode: 0o600})

      const stopped = await cli(home, ['emulator', 'stop'])
      assert.equal(stopped.code, 0, `exit code; stderr: ${stopped.stderr}`)
      assert.equal(stopped.stdout, 'No detached emulator is running.\n', 'stdout of stop')
      assert.ok(running(pid), `the unrelated process ${pid} was not signalled`)
      assert.ok(!existsSync(join(home.dataDir, 'emulator.json')), 'the stale record is removed')

      await writeFile(join(home.dataDir, 'emulator.json'), JSON.stringify(stale), {mode: 0o600})
      const started = await cli(home, ['emulator', 'start', '--detach', '--port', '0', '--databases', 'none'])
      assert.equal(started.code, 0, `--detach over a stale record; stderr: ${started.stderr}`)
      assert.match(started.stdout, EXPORTS, `stdout: ${started.stdout}`)
      const record = JSON.parse(await readFile(join(home.dataDir, 'emulator.json'), 'utf8')) as {pid: number}
      assert.notEqual(record.pid, pid, 'the record names the new emulator')
      assert.ok(running(pid), `the unrelated process ${pid} still runs`)
      const stoppedNew = await cli(home, ['emulator', 'stop'])
      assert.equal(stoppedNew.code, 0, `stop; stderr: ${stoppedNew.stderr}`)
      assert.ok(!running(record.pid), `the new emulator ${record.pid} no longer runs`)
    } finally {
      other.kill('SIGKILL')
      await cleanUp(home)
    }
  })
})

describe('emulator start --detach when the emulator cannot start', () => {
  it('a port already in use: exit 1 with the end of its log, nothing on stdout, no record', async () => {
    const home = await homes()
    const taken = createServer()
    await new Promise<void>((ok) => taken.listen(0, '127.0.0.1', ok))
    const {port} = taken.address() as AddressInfo
    try {
      const result = await cli(home, ['emulator', 'start', '--detach', '--port', String(port), '--databases', 'none'])
      assert.equal(result.code, 1, `exit code; stderr: ${result.stderr}`)
      assert.equal(result.stdout, '', `nothing on stdout, saw: ${result.stdout}`)
      assert.match(result.stderr, /^Error: The emulator exited \(exit code 1\) before it listened\. The end of its log/m, `stderr: ${result.stderr}`)
      assert.ok(result.stderr.includes(`Port ${port} on 127.0.0.1 is already in use`), `stderr carries the log's end, saw:\n${result.stderr}`)
      assert.ok(!existsSync(join(home.dataDir, 'emulator.json')), 'no record is left')
      assert.deepEqual(processesOf(home), [], 'no process is left')
    } finally {
      taken.close()
      await cleanUp(home)
    }
  })

  it('an unreadable --data-dir state: exit 1 with the emulator\'s own error', async () => {
    const home = await homes()
    try {
      const state = join(home.root, 'state')
      await mkdir(state)
      await writeFile(join(state, 'emulator-state.json'), '{not json')
      const result = await cli(home, ['emulator', 'start', '--detach', '--port', '0', '--databases', 'none', '--data-dir', state])
      assert.equal(result.code, 1, `exit code; stderr: ${result.stderr}`)
      assert.equal(result.stdout, '', `nothing on stdout, saw: ${result.stdout}`)
      assert.ok(result.stderr.includes('emulator-state.json is not valid JSON'), `stderr carries the log's end, saw:\n${result.stderr}`)
      assert.ok(!existsSync(join(home.dataDir, 'emulator.json')), 'no record is left')
    } finally {
      await cleanUp(home)
    }
  })
})

describe('the detached example of emulator start --help', () => {
  it('is in the help, and runs in one bash shell: eval, use, stop, nothing left running', async () => {
    const help = await run(['emulator', 'start', '--help'])
    assert.equal(help.code, 0, `--help exit code; stderr: ${help.stderr}`)
    assert.ok(help.stdout.includes('\n  eval "$(prisma-mgmt emulator start --detach --port 0)"\n'), `the eval example, saw:\n${help.stdout}`)
    assert.ok(help.stdout.includes('\n  $ prisma-mgmt emulator stop\n'), `the stop example, saw:\n${help.stdout}`)
    assert.ok(!help.stdout.includes('grep ^export'), 'the blocking example is gone')

    const home = await homes()
    try {
      const bin = join(home.root, 'bin')
      await mkdir(bin)
      await symlink(BIN, join(bin, 'prisma-mgmt'))
      const env: Record<string, string> = {}
      for (const [key, value] of Object.entries({...process.env, ...home.env})) if (value !== undefined) env[key] = value
      for (const key of ['PRISMA_MANAGEMENT_API_URL', 'PRISMA_SERVICE_TOKEN', 'PRISMA_MGMT_PROFILE', 'CI']) delete env[key]
      env.PATH = `${bin}:${process.env.PATH}`
      const script = 'eval "$(prisma-mgmt emulator start --detach --port 0 --databases none)"; prisma-mgmt projects list --json; prisma-mgmt emulator stop'
      const shell = spawn('bash', ['-c', script], {env, stdio: ['ignore', 'pipe', 'pipe']})
      let stdout = ''
      let stderr = ''
      shell.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      shell.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const code = await new Promise<number | null>((ok, fail) => {
        const timer = setTimeout(() => {
          shell.kill('SIGKILL')
          fail(new Error(`bash -c '${script}' did not finish:\n${stdout}\n${stderr}`))
        }, 150_000)
        shell.once('close', (exitCode) => {
          clearTimeout(timer)
          ok(exitCode)
        })
      })
      assert.equal(code, 0, `bash exit code; stdout:\n${stdout}\nstderr:\n${stderr}`)
      const url = /^Emulator running at (http:\/\/127\.0\.0\.1:\d+) \(pid (\d+)\)/m.exec(stderr)
      assert.ok(url, `stderr names the emulator, saw:\n${stderr}`)
      assert.equal(stdout, `[]\nStopped the emulator at ${url[1]} (pid ${url[2]}).\n`, 'stdout: the empty project list, then the stop line')
      assert.ok(!running(Number(url[2])), `the emulator ${url[2]} no longer runs`)
      assert.deepEqual(processesOf(home), [], 'no process started by the script is left')
      assert.ok(!existsSync(join(home.dataDir, 'emulator.json')), 'the record is removed')
    } finally {
      await cleanUp(home)
    }
  })
})
