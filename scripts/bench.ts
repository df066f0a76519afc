// `npm run bench`: start-up time, CPU time and peak memory of the built CLI, as a user runs it,
// against in-process emulators, and how long those emulators take to page, seed and create.
// Every command a user runs often is timed: the --version and --help fast answers, each list and
// show, credentials and rotation, and the MCP server from its start to its first answer. Commands
// alternate round by round so the machine's drift hits all alike; every command's time is also
// taken as a ratio to `node -e 0` of the same round.
//
//   npm run bench                 20 rounds, 10,000 projects in the large case
//   npm run bench -- --short      5 rounds, 1,000 projects (CI: proves the script still runs)
//   npm run bench -- --rounds 40 --large 10000
//   npm run bench -- --bin /elsewhere/bin/run.js   another build of the CLI (a comparison)
//
// Exits non-zero only when it could not run (no build, a command failed, bad arguments);
// budget lines are informational.
import {existsSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {cpus, loadavg, tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'

import {startEmulator} from '../src/emulator/index.js'
import type {Emulator} from '../src/emulator/index.js'
import {runDatabaseBench} from './bench-databases.js'
import {callApi, measureCreates, measurePaging, runOnce, TIME_BIN, type Case, type Sample} from './bench-run.js'
import {formatTable, median, percent} from './bench-report.js'

const ROOT = resolve(import.meta.dirname, '..')

interface Options {
  rounds: number
  small: number
  large: number
  pageSamples: number
  short: boolean
  bin: string
}

function parseOptions(argv: string[]): Options {
  const short = argv.includes('--short')
  const options: Options = {rounds: short ? 5 : 20, small: 100, large: short ? 1000 : 10_000, pageSamples: short ? 200 : 2000, short, bin: join(ROOT, 'bin/run.js')}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--short') continue
    if (arg === '--bin' && argv[i + 1]) {
      options.bin = resolve(argv[++i])
      continue
    }
    const key = ({'--rounds': 'rounds', '--large': 'large', '--page-samples': 'pageSamples'} as const)[arg]
    const value = Number(argv[i + 1])
    if (!key || !Number.isInteger(value) || value < 1) throw new Error(`Unknown or bad argument ${arg} ${argv[i + 1] ?? ''}; use --short, --rounds N, --large N, --page-samples N, --bin PATH.`)
    options[key] = value
    i++
  }
  return options
}

function commas(n: number): string {
  return n.toLocaleString('en-US')
}

/** A JSON document of the right kind: an array of `length` items, or an object with an `id`. */
function jsonArray(length?: number): (out: string) => boolean {
  return (out) => {
    const value = JSON.parse(out) as unknown
    return Array.isArray(value) && (length === undefined ? value.length > 0 : value.length === length)
  }
}

function jsonObject(key: string): (out: string) => boolean {
  return (out) => {
    const value = JSON.parse(out) as Record<string, unknown> | null
    return value !== null && typeof value === 'object' && !Array.isArray(value) && key in value
  }
}

/** What the commands read beside the seeded projects: a workspace, a bucket with a key, a connection to rotate. */
interface Fixture {
  workspaceId: string
  projectId: string
  databaseId: string
  bucketId: string
  connectionId: string
}

async function prepare(emulator: Emulator, projects: number): Promise<Fixture> {
  await emulator.seedProjects(projects - 1)
  const [withDatabase] = await emulator.seedProjects(1, {namePrefix: 'with-db', createDatabase: true})
  const [workspace] = await callApi<{id: string}[]>(emulator, 'GET', '/v1/workspaces')
  const bucket = await callApi<{id: string}>(emulator, 'POST', '/v1/buckets', {projectId: withDatabase.id, name: 'bench-bucket'})
  await callApi(emulator, 'POST', `/v1/buckets/${bucket.id}/keys`, {role: 'read', name: 'bench-key'})
  const connection = await callApi<{id: string}>(emulator, 'POST', `/v1/databases/${withDatabase.databaseId}/connections`, {name: 'bench-rotate'})
  return {workspaceId: workspace.id, projectId: withDatabase.id, databaseId: withDatabase.databaseId!, bucketId: bucket.id, connectionId: connection.id}
}

const MCP_HANDSHAKE = [
  {jsonrpc: '2.0', id: 1, method: 'initialize', params: {protocolVersion: '2025-06-18', capabilities: {}, clientInfo: {name: 'prisma-mgmt-bench', version: '1'}}},
  {jsonrpc: '2.0', method: 'notifications/initialized'},
]

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  if (!existsSync(join(ROOT, 'dist/commands')) || !existsSync(join(ROOT, 'oclif.manifest.json'))) {
    throw new Error('No build: run `npm run build` first (npm run bench does).')
  }

  const BIN = options.bin
  if (!existsSync(BIN) || !existsSync(join(dirname(BIN), '../dist/commands')) || !existsSync(join(dirname(BIN), '../oclif.manifest.json'))) {
    throw new Error(`No build at ${BIN}: run \`npm run build\` first (npm run bench does).`)
  }
  if (!TIME_BIN) process.stderr.write('Warning: /usr/bin/time is missing (Debian package "time"), so CPU time and peak memory are not measured.\n')

  const loadBefore = loadavg()[0]
  const configHome = await mkdtemp(join(tmpdir(), 'prisma-mgmt-bench-'))
  const emulators: Emulator[] = []
  try {
    const small = await startEmulator({port: 0, databases: 'none'})
    emulators.push(small)
    const fixture = await prepare(small, options.small)
    const large = await startEmulator({port: 0, databases: 'none'})
    emulators.push(large)
    const seedStarted = process.hrtime.bigint()
    await large.seedProjects(options.large)
    const seedMs = Number(process.hrtime.bigint() - seedStarted) / 1e6

    // Only what a user's shell would have, pointed at one emulator; never the user's config.
    const base: Record<string, string | undefined> = {...process.env, XDG_CONFIG_HOME: configHome, NO_COLOR: '1'}
    for (const name of ['PRISMA_MANAGEMENT_API_URL', 'PRISMA_SERVICE_TOKEN', 'PRISMA_MGMT_PROFILE', 'DEBUG']) delete base[name]
    const at = (e: Emulator) => ({...base, PRISMA_MANAGEMENT_API_URL: e.url, PRISMA_SERVICE_TOKEN: e.token})
    const api = (name: string, args: string[], check: (out: string) => boolean, emulator: Emulator = small): Case => ({name, command: [BIN, ...args], env: at(emulator), check})
    const {workspaceId, projectId, databaseId, bucketId, connectionId} = fixture

    const floor: Case = {name: 'node -e 0 (floor)', command: [process.execPath, '-e', '0'], env: base, check: (out) => out === ''}
    const cases: Case[] = [
      floor,
      {name: '--version', command: [BIN, '--version'], env: base, check: (out) => /^prisma-mgmt\/\S+ \S+ node-v\S+\n$/.test(out)},
      {name: '--help', command: [BIN, '--help'], env: base, check: (out) => out.includes('USAGE') && out.includes('projects')},
      api('whoami --json', ['whoami', '--json'], jsonObject('workspace')),
      api('whoami', ['whoami'], (out) => out.includes(workspaceId)),
      api('workspaces list --json', ['workspaces', 'list', '--json'], jsonArray()),
      api('workspaces show <id> --json', ['workspaces', 'show', workspaceId, '--json'], jsonObject('id')),
      api('regions list --json', ['regions', 'list', '--json'], jsonArray()),
      api(`projects list --json (${commas(options.small)})`, ['projects', 'list', '--json'], jsonArray(options.small)),
      api(`projects list, piped (${commas(options.small)})`, ['projects', 'list'], (out) => out.trimEnd().split('\n').length === options.small + 1),
      api(`projects list --json (${commas(options.large)})`, ['projects', 'list', '--json'], jsonArray(options.large), large),
      api('projects show <id> --json', ['projects', 'show', projectId, '--json'], jsonObject('id')),
      api('db list --json', ['db', 'list', '--json'], jsonArray(1)),
      api('db show <id> --json', ['db', 'show', databaseId, '--json'], jsonObject('id')),
      api('db credentials <id> --format url', ['db', 'credentials', databaseId, '--format', 'url'], (out) => /^postgres(ql)?:\/\/\S+\n$/.test(out)),
      api('db connections rotate <id> --yes', ['db', 'connections', 'rotate', connectionId, '--yes', '--json'], jsonObject('endpoints')),
      api('buckets list --json', ['buckets', 'list', '--json'], jsonArray(1)),
      api('buckets show <id> --json', ['buckets', 'show', bucketId, '--json'], jsonObject('id')),
      api('buckets keys list <id> --json', ['buckets', 'keys', 'list', bucketId, '--json'], jsonArray(1)),
      api('tokens list --json', ['tokens', 'list', '--json'], jsonArray()),
      {
        name: 'mcp: start to the first list',
        command: [BIN, 'mcp'],
        env: at(small),
        mcp: [...MCP_HANDSHAKE, {jsonrpc: '2.0', id: 2, method: 'tools/call', params: {name: 'list_projects', arguments: {}}}],
        check: (out) => {
          const {result} = JSON.parse(out) as {result?: {isError?: boolean; content?: {text?: string}[]}}
          return result?.isError !== true && Boolean(result?.content?.[0]?.text?.includes('seed-00001'))
        },
      },
    ]

    // One checked run of each first: it proves the output is right and warms the file cache.
    for (const c of cases) await runOnce(c, {capture: true})

    const samples = cases.map(() => [] as Sample[])
    for (let round = 0; round < options.rounds; round++) {
      // Rotating the start too, so no command always follows the same one.
      for (let k = 0; k < cases.length; k++) {
        const i = (round + k) % cases.length
        samples[i].push(await runOnce(cases[i], {capture: false}))
      }
      if (process.stderr.isTTY) process.stderr.write(`\rround ${round + 1}/${options.rounds}`)
    }
    if (process.stderr.isTTY) process.stderr.write('\n')

    const rows = cases.map((c, i) => {
      const ms = samples[i].map((s) => s.ms)
      const ratios = samples[i].map((s, round) => s.ms / samples[0][round].ms)
      const kbs = samples[i].map((s) => s.kb).filter((kb): kb is number => kb !== undefined)
      const cpu = samples[i].map((s) => s.cpuMs).filter((v): v is number => v !== undefined)
      return {
        name: c.name,
        medianMs: median(ms),
        ratio: median(ratios),
        // A mean: each sample is counted in 10 ms steps, which a median would keep.
        cpuMs: cpu.length ? cpu.reduce((a, b) => a + b, 0) / cpu.length : undefined,
        peakMb: kbs.length ? Math.max(...kbs) / 1024 : undefined,
        minMs: Math.min(...ms),
        maxMs: Math.max(...ms),
      }
    })

    const paging = await measurePaging(large, options.pageSamples)
    // Its own emulator: the large one must keep exactly options.large projects.
    const creating = await startEmulator({port: 0, databases: 'none'})
    emulators.push(creating)
    const creates = options.short ? 200 : 1000
    const createMs = await measureCreates(creating, creates)

    const when = new Date().toISOString().slice(0, 10)
    // Other work on the machine slows every command; the load says how much to trust the numbers.
    const machine = `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`
    console.log(`\nprisma-mgmt bench, ${when}, node ${process.version}, ${options.rounds} rounds${options.short ? ' (short mode)' : ''}\n${machine}\n`)
    console.log(
      formatTable(
        ['Command', 'Median', 'x floor', 'CPU', 'Peak RSS', 'Range'],
        rows.map((r) => [
          r.name,
          `${r.medianMs.toFixed(0)} ms`,
          r === rows[0] ? '1.00' : r.ratio.toFixed(2),
          r.cpuMs === undefined ? 'n/a' : `${r.cpuMs.toFixed(0)} ms`,
          r.peakMb === undefined ? 'n/a' : `${r.peakMb.toFixed(0)} MiB`,
          `${r.minMs.toFixed(0)}-${r.maxMs.toFixed(0)} ms`,
        ]),
      ),
    )
    console.log(
      `\nEmulator, GET /v1/projects?limit=100 of ${commas(options.large)}, ${options.pageSamples} samples each: ` +
        `first page ${paging.firstMs.toFixed(2)} ms, page at item ${commas(paging.deepOffset)} ${paging.deepMs.toFixed(2)} ms (median)`,
    )
    console.log(`Emulator, seeding ${commas(options.large)} projects in process: ${seedMs.toFixed(0)} ms`)
    console.log(`Emulator, ${commas(creates)} POST /v1/projects from 10 clients at once: ${createMs.toFixed(0)} ms (${(createMs / creates).toFixed(2)} ms each)\n`)

    const row = (name: string) => rows.find((r) => r.name === name)!
    const version = row('--version')
    const help = row('--help')
    const listLarge = row(`projects list --json (${commas(options.large)})`)
    const budget = (ok: boolean | undefined, text: string) => console.log(`${ok === undefined ? 'n/a ' : ok ? 'PASS' : 'FAIL'}  ${text}`)
    budget(version.ratio <= 1.5, `--version at most 1.5x the floor: ${version.ratio.toFixed(2)}x`)
    budget(help.ratio <= 1.5, `--help at most 1.5x the floor: ${help.ratio.toFixed(2)}x`)
    // Every command that talks to the API (the large list has a budget of its own).
    const apiRows = rows.filter((r) => r !== rows[0] && r !== version && r !== help && r !== listLarge)
    const slowest = apiRows.reduce((a, b) => (b.ratio > a.ratio ? b : a))
    budget(slowest.ratio <= 2.0, `every API command at most 2.0x the floor: the slowest is ${slowest.name}, ${slowest.ratio.toFixed(2)}x`)
    const over = apiRows.filter((r) => r.ratio > 1.5).map((r) => `${r.name} ${r.ratio.toFixed(2)}x`)
    budget(over.length === 0, `every API command at most 1.5x the floor (the aim)${over.length ? `: over it, ${over.join('; ')}` : ''}`)
    budget(listLarge.medianMs <= 500, `${commas(options.large)} projects listed in at most 0.5 s: ${(listLarge.medianMs / 1000).toFixed(2)} s`)
    budget(listLarge.peakMb === undefined ? undefined : listLarge.peakMb <= 80, `${commas(options.large)} projects listed in at most 80 MiB peak RSS: ${listLarge.peakMb === undefined ? 'n/a' : `${listLarge.peakMb.toFixed(0)} MiB`}`)
    // "Does not grow": a deep page within a quarter (plus timer noise) of the first one.
    budget(paging.deepMs <= paging.firstMs * 1.25 + 0.05, `emulator page time does not grow with the cursor: deep/first = ${percent(paging.deepMs / paging.firstMs)}`)
    // The bounds the emulator tests once asserted, kept here where timing is reported, not judged by CI.
    budget(seedMs <= 2000, `${commas(options.large)} projects seeded in process in at most 2 s: ${(seedMs / 1000).toFixed(2)} s`)
    budget(createMs <= creates * 5, `${commas(creates)} POSTs in at most ${commas(creates * 5)} ms: ${createMs.toFixed(0)} ms`)
    if (options.short) console.log('\n(short mode: fewer rounds and a smaller large case; the budget is set for the full run)')
  } finally {
    await Promise.all(emulators.map((e) => e.close()))
    await rm(configHome, {recursive: true, force: true})
  }
}

try {
  await main()
  // What the default databases cost: a section of its own (scripts/bench-databases.ts).
  await runDatabaseBench({short: process.argv.includes('--short')})
} catch (error) {
  process.stderr.write(`\nbench could not run: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
}
