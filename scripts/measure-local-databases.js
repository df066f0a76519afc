#!/usr/bin/env node
// Measures the emulator's `local` databases (its own PostgreSQL server) through the built CLI: the
// time from `projects create` to a ready database, and the resident memory each database adds (the
// emulator and every process under it, read from /proc). `npm run bench` measures more (PSS, cold
// and warm starts, the demo): scripts/bench-databases.ts. Usage: node scripts/measure-local-databases.js [count]
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

const count = Number(process.argv[2] ?? 5)
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.js')
const home = mkdtempSync(join(tmpdir(), 'prisma-mgmt-measure-'))

/** Resident KiB of a process and all its descendants. */
function treeRss(root) {
  const parents = new Map()
  const rss = new Map()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8')
      parents.set(Number(entry), Number(/^PPid:\s+(\d+)/m.exec(status)[1]))
      rss.set(Number(entry), Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0))
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0
  const walk = (pid) => {
    total += rss.get(pid) ?? 0
    for (const [child, parent] of parents) if (parent === pid) walk(child)
  }
  walk(root)
  return total
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

const emulator = spawn(bin, ['emulator', 'start', '--port', '0', '--databases', 'local'], {stdio: ['ignore', 'pipe', 'ignore']})
const env = await new Promise((resolve) => {
  const found = {}
  createInterface({input: emulator.stdout}).on('line', (line) => {
    const match = /^export (\w+)=(\S+)$/.exec(line)
    if (match) found[match[1]] = match[2]
    if (found.PRISMA_MANAGEMENT_API_URL && found.PRISMA_SERVICE_TOKEN) resolve({...process.env, ...found, XDG_CONFIG_HOME: home})
  })
})

try {
  const times = []
  const added = []
  let before = treeRss(emulator.pid)
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint()
    const result = spawnSync(bin, ['projects', 'create', '--name', `measure-${i}`, '--json'], {env, encoding: 'utf8'})
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    if (result.status !== 0) throw new Error(result.stderr)
    if (JSON.parse(result.stdout).database.status !== 'ready') throw new Error('not ready')
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const after = treeRss(emulator.pid)
    times.push(ms)
    added.push((after - before) / 1024)
    before = after
    console.log(`database ${i + 1}: ready after ${ms.toFixed(0)} ms, +${added.at(-1).toFixed(0)} MiB resident (total ${(after / 1024).toFixed(0)} MiB)`)
  }
  const perDb = median(added)
  console.log(`\nmedian create-to-ready: ${median(times).toFixed(0)} ms (of ${count})`)
  console.log(`median resident memory per database: ${perDb.toFixed(0)} MiB`)
  const totalMiB = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))[1]) / 1024
  console.log(`databases that fit in this machine's ${(totalMiB / 1024).toFixed(1)} GiB at once: about ${Math.floor((totalMiB - 1024) / perDb)} (leaving 1 GiB for the system)`)
} finally {
  emulator.kill('SIGTERM')
  await new Promise((resolve) => emulator.once('exit', resolve))
  rmSync(home, {recursive: true, force: true})
}
