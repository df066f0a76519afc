// The database half of `npm run bench`: what the emulator's default databases cost, measured
// through the built CLI's `emulator start` as a user runs it (its own process, a private cache
// folder) and the Management API it serves.
//
//   node --import tsx scripts/bench-databases.ts            10 databases, cold and warm start, the demo
//   node --import tsx scripts/bench-databases.ts --short    3 databases, warm start only (CI: proves it runs)
//   ... --databases MODE                                    another mode than the default
//
// Figures: the time from spawning `emulator start` to the first database `ready` (cold: an empty
// cache folder; warm: the cache the cold run left), each further database from its POST to
// `ready`, the slowest POST answer while other databases start, and the proportional set size
// (PSS, /proc/<pid>/smaps_rollup: shared pages divided among the processes sharing them) of the
// emulator and every process under it, with one open idle connection per database.
// Exits non-zero only when it could not run; budget lines are informational.
import {spawn} from 'node:child_process'
import type {ChildProcess} from 'node:child_process'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {cpus, loadavg, tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {createInterface} from 'node:readline'

import pg from 'pg'

import {formatTable, median} from './bench-report.js'

const ROOT = resolve(import.meta.dirname, '..')
const BIN = join(ROOT, 'bin/run.js')
const READY_TIMEOUT_MS = 180_000

export interface DatabaseBenchOptions {
  short: boolean
  /** `--databases` of the emulator; undefined measures the default. */
  databases?: string
}

interface Running {
  child: ChildProcess
  url: string
  token: string
  spawnedAt: number
  listeningAt: number
  stderr: () => string
}

interface Created {
  id: string
  postMs: number
  readyMs: number
  direct: string
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6

/** PSS in KiB of a process and every process under it (Linux /proc). */
function treePssKb(root: number): number {
  const parents = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // ended while we looked
    }
  }
  const tree = [root]
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid)
  let total = 0
  for (const pid of tree) {
    try {
      total += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0)
    } catch {
      // ended, or not ours to read
    }
  }
  return total
}

async function startEmulator(cacheHome: string, configHome: string, databases: string | undefined): Promise<Running> {
  const spawnedAt = now()
  const args = [BIN, 'emulator', 'start', '--port', '0', ...(databases ? ['--databases', databases] : [])]
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {...process.env, XDG_CACHE_HOME: cacheHome, XDG_CONFIG_HOME: configHome, NO_COLOR: '1'},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000)
  })
  const found: Record<string, string> = {}
  await new Promise<void>((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`emulator start exited with ${code}:\n${stderr}`)))
    createInterface({input: child.stdout!}).on('line', (line) => {
      const match = /^export (PRISMA_MANAGEMENT_API_URL|PRISMA_SERVICE_TOKEN)=(\S+)$/.exec(line)
      if (match) found[match[1]] = match[2]
      if (found.PRISMA_MANAGEMENT_API_URL && found.PRISMA_SERVICE_TOKEN) ok()
    })
  })
  child.removeAllListeners('exit')
  return {child, url: found.PRISMA_MANAGEMENT_API_URL, token: found.PRISMA_SERVICE_TOKEN, spawnedAt, listeningAt: now(), stderr: () => stderr}
}

async function stopEmulator(running: Running): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return
  const exited = new Promise((ok) => running.child.once('exit', ok))
  running.child.kill('SIGTERM')
  await exited
}

async function call<T>(running: Running, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${running.url}${path}`, {
    method,
    headers: {authorization: `Bearer ${running.token}`, 'content-type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`)
  return JSON.parse(text) as T
}

interface ProjectAnswer {
  data: {database: {id: string; status: string; connections: {endpoints: {direct: {connectionString: string}}}[]}}
}

/** POSTs a project with its database; resolves with the POST's time and, once it is ready, the time to ready. */
async function createDatabase(running: Running, name: string): Promise<Created> {
  const started = now()
  const answer = await call<ProjectAnswer>(running, 'POST', '/v1/projects', {name, region: 'us-east-1'})
  const postMs = now() - started
  const {database} = answer.data
  for (let status = database.status; status !== 'ready'; ) {
    if (status === 'failure') throw new Error(`database ${database.id} failed:\n${running.stderr()}`)
    if (now() - started > READY_TIMEOUT_MS) throw new Error(`database ${database.id} not ready after ${READY_TIMEOUT_MS / 1000} s`)
    await new Promise((ok) => setTimeout(ok, 10))
    status = (await call<{data: {status: string}}>(running, 'GET', `/v1/databases/${database.id}`)).data.status
  }
  return {id: database.id, postMs, readyMs: now() - started, direct: database.connections[0].endpoints.direct.connectionString}
}

async function openIdle(url: string): Promise<pg.Client> {
  const client = new pg.Client({connectionString: url})
  client.on('error', () => undefined)
  await client.connect()
  await client.query('SELECT 1')
  return client
}

async function timeDemo(): Promise<{ms: number; ok: boolean}> {
  const started = now()
  const child = spawn(process.execPath, [join(ROOT, 'scripts/demo.js')], {cwd: ROOT, stdio: ['ignore', 'ignore', 'ignore']})
  const code = await new Promise<number | null>((ok) => child.once('exit', ok))
  return {ms: now() - started, ok: code === 0}
}

const mib = (kb: number): string => `${(kb / 1024).toFixed(0)} MiB`
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

export async function runDatabaseBench(options: DatabaseBenchOptions): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/commands'))) throw new Error('No build: run `npm run build` first (npm run bench does).')
  if (!existsSync('/proc/self/smaps_rollup')) throw new Error('PSS is read from /proc/<pid>/smaps_rollup, which this system does not have (Linux 4.14 or newer).')
  const count = options.short ? 3 : 10
  const loadBefore = loadavg()[0]
  const scratch = await mkdtemp(join(tmpdir(), 'prisma-mgmt-bench-db-'))
  const cacheHome = join(scratch, 'cache')
  const configHome = join(scratch, 'config')
  const clients: pg.Client[] = []
  let running: Running | undefined
  try {
    // Cold: nothing in the cache folder. In short mode this start only fills the cache.
    running = await startEmulator(cacheHome, configHome, options.databases)
    const cold = await createDatabase(running, 'bench-cold')
    const coldMs = running.listeningAt - running.spawnedAt + cold.readyMs
    await stopEmulator(running)

    running = await startEmulator(cacheHome, configHome, options.databases)
    const baselineKb = treePssKb(running.child.pid!)
    const listeningMs = running.listeningAt - running.spawnedAt
    const created: Created[] = []
    const pss: number[] = []
    for (let i = 0; i < count; i++) {
      created.push(await createDatabase(running, `bench-${i}`))
      clients.push(await openIdle(created[i].direct))
      await new Promise((ok) => setTimeout(ok, 300))
      pss.push(treePssKb(running.child.pid!))
    }
    const firstMs = listeningMs + created[0].readyMs
    const further = created.slice(1).map((c) => c.readyMs)
    const perDatabaseKb = count > 1 ? (pss[count - 1] - pss[0]) / (count - 1) : Number.NaN

    // POSTs while others start: a few at once, each answer timed.
    const burst = await Promise.all(Array.from({length: options.short ? 3 : 5}, (_, i) => createDatabase(running!, `bench-burst-${i}`)))
    const slowestPostMs = Math.max(...burst.map((c) => c.postMs), ...created.map((c) => c.postMs))

    for (const client of clients.splice(0)) await client.end().catch(() => undefined)
    await stopEmulator(running)
    running = undefined
    const demo = options.short ? undefined : await timeDemo()

    const mode = options.databases ?? 'the default'
    console.log(`\nprisma-mgmt bench: databases (${mode}), ${new Date().toISOString().slice(0, 10)}, node ${process.version}${options.short ? ' (short mode)' : ''}`)
    console.log(`${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after\n`)
    console.log(
      formatTable(
        ['Measure', 'Value'],
        [
          ['emulator start to listening', secs(listeningMs)],
          ['first database ready after emulator start, cold cache', secs(coldMs)],
          ['first database ready after emulator start, warm cache', secs(firstMs)],
          [`each further database, POST to ready (median of ${further.length})`, further.length ? secs(median(further)) : 'n/a'],
          ['slowest further database, POST to ready', further.length ? secs(Math.max(...further)) : 'n/a'],
          [`slowest POST /v1/projects answer (of ${created.length + burst.length}, ${burst.length} at once)`, `${slowestPostMs.toFixed(0)} ms`],
          ['PSS of the emulator, no database', mib(baselineKb)],
          ['PSS with 1 database and its open connection', mib(pss[0])],
          [`PSS with ${count} databases, one open connection each`, mib(pss[count - 1])],
          ['PSS added per further idle database with one open connection', Number.isNaN(perDatabaseKb) ? 'n/a' : mib(perDatabaseKb)],
          ...(demo ? [['npm run demo (node scripts/demo.js)', `${secs(demo.ms)}${demo.ok ? '' : ' (FAILED)'}`]] : []),
        ],
      ),
    )
    const budget = (ok: boolean, text: string): void => console.log(`${ok ? 'PASS' : 'FAIL'}  ${text}`)
    console.log('')
    budget(firstMs <= 2000, `first database ready within 2 s of emulator start, warm cache: ${secs(firstMs)}`)
    budget(coldMs <= 8000, `first database ready within 8 s of emulator start, cold cache: ${secs(coldMs)}`)
    if (further.length) budget(Math.max(...further) <= 500, `each further database ready within 0.5 s: slowest ${secs(Math.max(...further))}`)
    budget(slowestPostMs <= 200, `POST /v1/projects answered within 200 ms while others start: slowest ${slowestPostMs.toFixed(0)} ms`)
    if (!Number.isNaN(perDatabaseKb)) budget(perDatabaseKb <= 30 * 1024, `at most 30 MiB PSS per idle database with one open connection: ${mib(perDatabaseKb)}`)
    if (count >= 10) budget(pss[count - 1] <= 400 * 1024, `ten databases within 400 MiB PSS for the whole emulator: ${mib(pss[count - 1])}`)
    if (demo) budget(demo.ok && demo.ms < 30_000, `npm run demo under 30 s: ${secs(demo.ms)}`)
  } finally {
    for (const client of clients) await client.end().catch(() => undefined)
    if (running) await stopEmulator(running)
    await rm(scratch, {recursive: true, force: true})
  }
}

function parseArgs(argv: string[]): DatabaseBenchOptions {
  const options: DatabaseBenchOptions = {short: false}
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--short') options.short = true
    else if (argv[i] === '--databases' && argv[i + 1]) options.databases = argv[++i]
    else throw new Error(`Unknown argument ${argv[i]}; use --short and --databases MODE.`)
  }
  return options
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await runDatabaseBench(parseArgs(process.argv.slice(2)))
  } catch (error) {
    process.stderr.write(`\nbench (databases) could not run: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  }
}
