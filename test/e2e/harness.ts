// Runs the built CLI (bin/run.js) as a separate process, the way a user does, against an
// emulator started the same way. Every run also checks that the token never leaks.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import type {ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {createInterface} from 'node:readline'
import {after, before} from 'node:test'

import type {ReceivedRequest} from '../../src/emulator/request-log.js'

export const ROOT = resolve(import.meta.dirname, '../..')
/** A GitHub Actions job's OIDC variables: inherited, they would make every command without a token exchange one. */
const GITHUB_ACTIONS_RUNNER_ENV = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'PRISMA_MGMT_OIDC']
export const BIN = join(ROOT, 'bin/run.js')
/**
 * The cache folder of the emulators this test file starts (their PostgreSQL cluster template):
 * never the user's own. One per test process: its first database makes the template, the others copy it.
 */
export const CACHE_HOME = mkdtempSync(join(tmpdir(), 'prisma-mgmt-test-cache-'))
process.on('exit', () => rmSync(CACHE_HOME, {recursive: true, force: true}))

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  env?: Record<string, string | undefined>
  input?: string
  /** Secrets that must not appear in stdout or stderr (the emulator's token is always checked). */
  secrets?: string[]
  timeoutMs?: number
}

/** A scratch folder; the caller removes it. */
export async function tempDir(prefix = 'prisma-mgmt-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

export class Emulator {
  private constructor(
    readonly url: string,
    readonly token: string,
    private readonly child: ChildProcess,
    readonly output: {stdout: string; stderr: string},
  ) {}

  /** `prisma-mgmt emulator start --port 0`, resolved once it prints its export lines. */
  static async start(args: string[] = ['--databases', 'none']): Promise<Emulator> {
    const child = spawn(process.execPath, [BIN, 'emulator', 'start', '--port', '0', ...args], {
      cwd: ROOT,
      env: {...process.env, NO_COLOR: '1', XDG_CACHE_HOME: CACHE_HOME},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const output = {stdout: '', stderr: ''}
    child.stderr!.on('data', (chunk: Buffer) => {
      output.stderr += chunk.toString()
    })
    const lines = createInterface({input: child.stdout!})
    const found: {url?: string; token?: string} = {}
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`emulator did not start:\n${output.stdout}\n${output.stderr}`)), 60_000)
      child.once('exit', (code) => fail(new Error(`emulator exited with ${code}:\n${output.stdout}\n${output.stderr}`)))
      lines.on('line', (line) => {
        output.stdout += `${line}\n`
        const url = /^export PRISMA_MANAGEMENT_API_URL=(\S+)$/.exec(line)
        const token = /^export PRISMA_SERVICE_TOKEN=(\S+)$/.exec(line)
        if (url) found.url = url[1]
        if (token) found.token = token[1]
        if (found.url && found.token) {
          clearTimeout(timer)
          ok()
        }
      })
    })
    child.removeAllListeners('exit')
    return new Emulator(found.url!, found.token!, child, output)
  }

  /** Environment that points the CLI at this emulator, with a private config folder. */
  env(configHome: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return {XDG_CONFIG_HOME: configHome, PRISMA_MANAGEMENT_API_URL: this.url, PRISMA_SERVICE_TOKEN: this.token, ...extra}
  }

  /** A call to the emulator's API, for setting up state and checking what the CLI did. */
  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<{status: number; body: T}> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {authorization: `Bearer ${this.token}`, 'content-type': 'application/json', accept: 'application/json'},
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    return {status: response.status, body: (text ? JSON.parse(text) : undefined) as T}
  }

  /** What the emulator received, oldest first (its request log, secrets redacted). */
  async requests(): Promise<ReceivedRequest[]> {
    return (await this.call<{data: ReceivedRequest[]}>('GET', '/__emulator/requests')).body.data
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode
    const exited = new Promise<number | null>((ok) => this.child.once('exit', (code) => ok(code)))
    this.child.kill('SIGTERM')
    return exited
  }
}

/** The command line for a failure message, with every secret the run knows of (--token values too) replaced. */
function described(args: string[], options: RunOptions & {emulator?: Emulator}): string {
  const secrets = [...(options.secrets ?? []), ...(options.emulator ? [options.emulator.token] : [])]
  return secrets.reduce((line, secret) => line.split(secret).join('<secret>'), args.join(' '))
}

/** Runs `prisma-mgmt <args>` through its shebang, as a shell does; env replaces only the given keys (undefined removes one). */
export async function run(args: string[], options: RunOptions & {emulator?: Emulator} = {}): Promise<RunResult> {
  const env: Record<string, string | undefined> = {...process.env}
  // A test's outcome must not depend on the developer's shell.
  for (const key of ['PRISMA_MANAGEMENT_API_URL', 'PRISMA_SERVICE_TOKEN', 'PRISMA_MGMT_PROFILE', 'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'NO_PROXY', 'no_proxy', 'CI', 'FORCE_COLOR', 'DEBUG', ...GITHUB_ACTIONS_RUNNER_ENV]) {
    delete env[key]
  }
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }
  const child = spawn(BIN, args, {cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  child.stdin.end(options.input ?? '')
  const timeout = options.timeoutMs ?? 60_000
  const code = await new Promise<number | null>((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`prisma-mgmt ${described(args, options)} did not finish within ${timeout} ms\n${stdout}\n${stderr}`))
    }, timeout)
    child.once('close', (exitCode) => {
      clearTimeout(timer)
      ok(exitCode)
    })
  })
  const secrets = [...(options.secrets ?? []), ...(options.emulator ? [options.emulator.token] : [])]
  const shown = described(args, options)
  for (const secret of secrets) {
    assert.ok(!stdout.includes(secret), `a secret appeared on stdout of: prisma-mgmt ${shown}`)
    assert.ok(!stderr.includes(secret), `a secret appeared on stderr of: prisma-mgmt ${shown}`)
  }
  return {code, stdout, stderr}
}

/** stdout must be exactly one JSON document. */
export function parseJson<T = unknown>(result: RunResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    assert.fail(`stdout is not one JSON document:\n${result.stdout}\n--- stderr:\n${result.stderr}`)
  }
}

/** One row of tab-separated output, keyed by the header line's names. */
export type TsvRow = Record<string, string>

/**
 * Tab-separated rows as the CLI prints them off a terminal: a header line, then one line per
 * row. Fails on output that does not end its last line, on a repeated header, and on a line
 * whose number of fields differs from the header's.
 */
export function tsv(text: string): TsvRow[] {
  assert.ok(text.endsWith('\n'), `tab-separated output must end with a newline; saw:\n${JSON.stringify(text)}`)
  const [headerLine, ...lines] = text.slice(0, -1).split('\n')
  const header = headerLine.split('\t')
  assert.ok(header.every((name) => /^[A-Z][A-Z ]*$/.test(name)), `the header line is not upper-case names separated by tabs: ${JSON.stringify(headerLine)}`)
  assert.equal(new Set(header).size, header.length, `the header line repeats a name: ${JSON.stringify(headerLine)}`)
  return lines.map((line, i) => {
    const fields = line.split('\t')
    assert.equal(fields.length, header.length, `line ${i + 2} has ${fields.length} fields where the header has ${header.length}:\n${JSON.stringify(line)}\nin:\n${text}`)
    return Object.fromEntries(header.map((name, j) => [name, fields[j]]))
  })
}

/** The header line of tab-separated output, split into its names. */
export function tsvHeader(text: string): string[] {
  return text.split('\n')[0].split('\t')
}

/** The columns of a connection's endpoint rows (`db credentials`, `db connections rotate`). */
export const ENDPOINT_COLUMNS = ['CONNECTION', 'ENDPOINT', 'CONNECTION STRING', 'HOST', 'PORT', 'USER', 'PASSWORD', 'DATABASE NAME']

/** The same led by the ids of what was created (`projects create`, `db create`). */
export const CREATED_ENDPOINT_COLUMNS = ['PROJECT', 'DATABASE', ...ENDPOINT_COLUMNS]

/** An endpoint row's fields are all there and its connection string is built from them. */
export function assertEndpointRow(row: TsvRow, seen: string): void {
  for (const column of ['CONNECTION', 'ENDPOINT', 'CONNECTION STRING', 'HOST', 'PORT', 'USER', 'PASSWORD', 'DATABASE NAME']) {
    assert.ok(row[column], `${column} of the ${row.ENDPOINT} row is empty in:\n${seen}`)
  }
  assert.match(row.PORT, /^\d+$/, `PORT of the ${row.ENDPOINT} row in:\n${seen}`)
  const url = new URL(row['CONNECTION STRING'])
  assert.match(url.protocol, /^postgres(ql)?:$/, `scheme of the ${row.ENDPOINT} connection string in:\n${seen}`)
  assert.deepEqual(
    [decodeURIComponent(url.username), decodeURIComponent(url.password), url.hostname, url.port, decodeURIComponent(url.pathname)],
    [row.USER, row.PASSWORD, row.HOST, row.PORT, `/${row['DATABASE NAME']}`],
    `the ${row.ENDPOINT} connection string and the row's other fields disagree in:\n${seen}`,
  )
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, {recursive: true, force: true})
}

export interface Started {
  child: ChildProcess
  /** What the command printed so far. */
  output: {stdout: string; stderr: string}
  /** Resolves when it exits, with the same checks as `run`. */
  done: Promise<RunResult>
}

/** Starts `prisma-mgmt <args>` like `run`, for a test that acts while it runs (signals, races). */
export function start(args: string[], options: RunOptions & {emulator?: Emulator} = {}): Started {
  const env: Record<string, string | undefined> = {...process.env}
  for (const key of ['PRISMA_MANAGEMENT_API_URL', 'PRISMA_SERVICE_TOKEN', 'PRISMA_MGMT_PROFILE', 'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'NO_PROXY', 'no_proxy', 'CI', 'FORCE_COLOR', 'DEBUG', ...GITHUB_ACTIONS_RUNNER_ENV]) {
    delete env[key]
  }
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }
  const child = spawn(BIN, args, {cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe']})
  const output = {stdout: '', stderr: ''}
  child.stdout!.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString()
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString()
  })
  child.stdin!.end(options.input ?? '')
  const timeout = options.timeoutMs ?? 60_000
  const done = new Promise<RunResult>((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`prisma-mgmt ${described(args, options)} did not finish within ${timeout} ms\n${output.stdout}\n${output.stderr}`))
    }, timeout)
    child.once('close', (code) => {
      clearTimeout(timer)
      const secrets = [...(options.secrets ?? []), ...(options.emulator ? [options.emulator.token] : [])]
      const shown = described(args, options)
      for (const secret of secrets) {
        if (output.stdout.includes(secret) || output.stderr.includes(secret)) {
          fail(new Error(`a secret appeared in the output of: prisma-mgmt ${shown}`))
          return
        }
      }
      ok({code, ...output})
    })
  })
  return {child, output, done}
}

/** Polls `check` every 50 ms until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A project as `projects create --json` prints it, as far as the local-database suites read it. */
interface ReadyProject<M> {
  database: {id: string; status: string; connections: M[]}
}

/**
 * For one describe block: `emulator start` in its default mode (`local` databases) and a project
 * created through the CLI, ready; the emulator and the config folder are removed after the block.
 */
export function localProject<P extends ReadyProject<M>, M>(
  name: string,
): {readonly emulator: Emulator; readonly project: P; run(args: string[]): Promise<RunResult>; mint(): Promise<M>} {
  let emulator: Emulator | undefined
  let home = ''
  let project: P | undefined
  const started = (): Emulator => {
    assert.ok(emulator, 'the emulator started in before()')
    return emulator
  }
  const cli = (args: string[], timeoutMs?: number): Promise<RunResult> => run(args, {env: started().env(home), emulator: started(), timeoutMs})

  before(async () => {
    home = await tempDir()
    // No --databases: the default mode people use.
    emulator = await Emulator.start([])
    assert.match(emulator.output.stdout, /Databases: local/)
    const created = await cli(['projects', 'create', '--name', name, '--json'], 120_000)
    assert.equal(created.code, 0, created.stderr)
    project = parseJson<P>(created)
    assert.equal(project.database.status, 'ready')
  })
  after(async () => {
    await emulator?.stop()
    await removeDir(home)
  })

  return {
    get emulator() {
      return started()
    },
    get project() {
      assert.ok(project, 'the project was created in before()')
      return project
    },
    run: (args) => cli(args),
    /** A new connection of the project's database, through `db credentials --json`. */
    async mint() {
      const minted = await cli(['db', 'credentials', this.project.database.id, '--json'])
      assert.equal(minted.code, 0, minted.stderr)
      return parseJson<M>(minted)
    },
  }
}
