// `npm run bench`: start-up time and peak memory of the built CLI, as a user runs it, against
// in-process emulators, and how long those emulators take to page, seed and create. Commands
// alternate round by round so the machine's drift hits all alike; every command's time is also
// taken as a ratio to `node -e 0` of the same round.
//
//   npm run bench                 20 rounds, 10,000 projects in the large case
//   npm run bench -- --short      5 rounds, 1,000 projects (CI: proves the script still runs)
//   npm run bench -- --rounds 40 --large 10000
//
// Exits non-zero only when it could not run (no build, a command failed, bad arguments);
// budget lines are informational.
import {existsSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {cpus, loadavg, tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {startEmulator} from '../src/emulator/index.js'
import type {Emulator} from '../src/emulator/index.js'
import {runDatabaseBench} from './bench-databases.js'
import {measureCreates, measurePaging, runOnce, TIME_BIN, type Case} from './bench-run.js'
import {formatTable, median, percent} from './bench-report.js'

const ROOT = resolve(import.meta.dirname, '..')
const BIN = join(ROOT, 'bin/run.js')

interface Options {
  rounds: number
  small: number
  large: number
  pageSamples: number
  short: boolean
}

function parseOptions(argv: string[]): Options {
  const short = argv.includes('--short')
  const options: Options = {rounds: short ? 5 : 20, small: 100, large: short ? 1000 : 10_000, pageSamples: short ? 200 : 2000, short}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--short') continue
    const key = ({'--rounds': 'rounds', '--large': 'large', '--page-samples': 'pageSamples'} as const)[arg]
    const value = Number(argv[i + 1])
    if (!key || !Number.isInteger(value) || value < 1) throw new Error(`Unknown or bad argument ${arg} ${argv[i + 1] ?? ''}; use --short, --rounds N, --large N, --page-samples N.`)
    options[key] = value
    i++
  }
  return options
}

function commas(n: number): string {
  return n.toLocaleString('en-US')
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  if (!existsSync(join(ROOT, 'dist/commands')) || !existsSync(join(ROOT, 'oclif.manifest.json'))) {
    throw new Error('No build: run `npm run build` first (npm run bench does).')
  }
  if (!TIME_BIN) process.stderr.write('Warning: /usr/bin/time is missing (Debian package "time"), so peak memory is not measured.\n')

  const loadBefore = loadavg()[0]
  const configHome = await mkdtemp(join(tmpdir(), 'prisma-mgmt-bench-'))
  const emulators: Emulator[] = []
  try {
    const small = await startEmulator({port: 0, databases: 'none'})
    emulators.push(small)
    await small.seedProjects(options.small - 1)
    const [withDatabase] = await small.seedProjects(1, {namePrefix: 'with-db', createDatabase: true})
    const large = await startEmulator({port: 0, databases: 'none'})
    emulators.push(large)
    const seedStarted = process.hrtime.bigint()
    await large.seedProjects(options.large)
    const seedMs = Number(process.hrtime.bigint() - seedStarted) / 1e6

    // Only what a user's shell would have, pointed at one emulator; never the user's config.
    const base: Record<string, string | undefined> = {...process.env, XDG_CONFIG_HOME: configHome, NO_COLOR: '1'}
    for (const name of ['PRISMA_MANAGEMENT_API_URL', 'PRISMA_SERVICE_TOKEN', 'PRISMA_MGMT_PROFILE', 'DEBUG']) delete base[name]
    const at = (e: Emulator) => ({...base, PRISMA_MANAGEMENT_API_URL: e.url, PRISMA_SERVICE_TOKEN: e.token})

    const floor: Case = {name: 'node -e 0 (floor)', command: [process.execPath, '-e', '0'], env: base, check: (out) => out === ''}
    const cases: Case[] = [
      floor,
      {name: 'prisma-mgmt --version', command: [BIN, '--version'], env: base, check: (out) => /^prisma-mgmt\/\S+ \S+ node-v\S+\n$/.test(out)},
      {name: 'prisma-mgmt --help', command: [BIN, '--help'], env: base, check: (out) => out.includes('USAGE') && out.includes('projects')},
      {
        name: `projects list --json (${commas(options.small)})`,
        command: [BIN, 'projects', 'list', '--json'],
        env: at(small),
        check: (out) => (JSON.parse(out) as unknown[]).length === options.small,
      },
      {
        name: `projects list --json (${commas(options.large)})`,
        command: [BIN, 'projects', 'list', '--json'],
        env: at(large),
        check: (out) => (JSON.parse(out) as unknown[]).length === options.large,
      },
      {
        name: 'db credentials <id> --format url',
        command: [BIN, 'db', 'credentials', withDatabase.databaseId!, '--format', 'url'],
        env: at(small),
        check: (out) => /^postgres(ql)?:\/\/\S+\n$/.test(out),
      },
    ]

    // One checked run of each first: it proves the output is right and warms the file cache.
    for (const c of cases) await runOnce(c, {capture: true})

    const samples = cases.map(() => [] as {ms: number; kb: number | undefined}[])
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
      return {name: c.name, medianMs: median(ms), ratio: median(ratios), peakMb: kbs.length ? Math.max(...kbs) / 1024 : undefined, minMs: Math.min(...ms), maxMs: Math.max(...ms)}
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
        ['Command', 'Median', 'x floor', 'Peak RSS', 'Range'],
        rows.map((r) => [
          r.name,
          `${r.medianMs.toFixed(0)} ms`,
          r === rows[0] ? '1.00' : r.ratio.toFixed(2),
          r.peakMb === undefined ? 'n/a' : `${r.peakMb.toFixed(0)} MB`,
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

    const [, version, help, list, listLarge] = rows
    const budget = (ok: boolean | undefined, text: string) => console.log(`${ok === undefined ? 'n/a ' : ok ? 'PASS' : 'FAIL'}  ${text}`)
    budget(version.ratio <= 2.0, `--version at most 2.0x the floor: ${version.ratio.toFixed(2)}x`)
    budget(help.ratio <= 2.5, `--help at most 2.5x the floor: ${help.ratio.toFixed(2)}x`)
    budget(list.ratio <= 3.0, `projects list --json, ${commas(options.small)} projects, at most 3.0x the floor: ${list.ratio.toFixed(2)}x`)
    budget(listLarge.medianMs <= 3000, `${commas(options.large)} projects listed in at most 3 s: ${(listLarge.medianMs / 1000).toFixed(2)} s`)
    budget(listLarge.peakMb === undefined ? undefined : listLarge.peakMb <= 150, `${commas(options.large)} projects listed in at most 150 MB peak RSS: ${listLarge.peakMb === undefined ? 'n/a' : `${listLarge.peakMb.toFixed(0)} MB`}`)
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
