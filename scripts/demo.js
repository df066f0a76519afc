#!/usr/bin/env node
// The README's first command: the whole job end to end on the embedded emulator.
// Starts `prisma-mgmt emulator start`, logs in, creates a project in us-east-1, lists projects,
// mints credentials, runs a query through the printed connection string, then stops the
// emulator. Uses a throwaway config folder.
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'bin', 'run.js')
const databases = process.env.DEMO_DATABASES ?? 'local'
let emulatorLog = ''
const configHome = mkdtempSync(join(tmpdir(), 'prisma-mgmt-demo-'))

function startEmulator() {
  const child = spawn(process.execPath, [bin, 'emulator', 'start', '--port', '0', '--databases', databases, '--provision-delay-ms', '1500'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // Its request log would interleave with the demo's output; it is shown only if something fails.
  child.stderr.on('data', (chunk) => {
    emulatorLog += chunk
  })
  return new Promise((resolve, reject) => {
    const found = {}
    child.once('exit', (code) => reject(new Error(`the emulator exited with code ${code}`)))
    createInterface({input: child.stdout}).on('line', (line) => {
      console.log(`  ${line}`)
      const match = /^export (PRISMA_MANAGEMENT_API_URL|PRISMA_SERVICE_TOKEN)=(\S+)$/.exec(line)
      if (match) found[match[1]] = match[2]
      if (found.PRISMA_MANAGEMENT_API_URL && found.PRISMA_SERVICE_TOKEN) {
        child.removeAllListeners('exit')
        resolve({child, url: found.PRISMA_MANAGEMENT_API_URL, token: found.PRISMA_SERVICE_TOKEN})
      }
    })
  })
}

function step(title, args, env, input) {
  console.log(`\n$ prisma-mgmt ${args.join(' ')}`)
  const result = spawnSync(process.execPath, [bin, ...args], {env, input, stdio: [input === undefined ? 'inherit' : 'pipe', 'pipe', 'inherit'], encoding: 'utf8'})
  process.stdout.write(result.stdout)
  if (result.status !== 0) throw new Error(`${title} failed with exit code ${result.status}`)
  return result.stdout
}

let emulator
try {
  console.log(`Starting the local Management API (databases: ${databases})`)
  emulator = await startEmulator()
  const env = {...process.env, XDG_CONFIG_HOME: configHome, PRISMA_MANAGEMENT_API_URL: emulator.url}
  delete env.PRISMA_SERVICE_TOKEN
  step('login', ['login', '--with-token'], env, emulator.token)
  step('whoami', ['whoami'], env)
  const created = JSON.parse(spawnSync(process.execPath, [bin, 'projects', 'create', '--name', 'demo-shop', '--region', 'us-east-1', '--json'], {env, encoding: 'utf8'}).stdout)
  console.log(`\n$ prisma-mgmt projects create --name demo-shop --region us-east-1 --json   # created ${created.id}`)
  step('projects create', ['projects', 'create', '--name', 'demo-blog', '--region', 'us-east-1'], env)
  step('projects list', ['projects', 'list'], env)
  step('db credentials', ['db', 'credentials', created.database.id, '--name', 'demo-app'], env)
  const url = step('db credentials --format url', ['db', 'credentials', created.database.id, '--format', 'url', '--endpoint', 'direct'], env).trim()
  if (databases !== 'none') {
    // Proof that the credential works: a real query through the printed direct connection string.
    console.log(`\n$ node -e "<connect with pg to that string; create a table, insert, select>"`)
    const {default: pg} = await import('pg')
    const client = new pg.Client({connectionString: url})
    await client.connect()
    try {
      await client.query('create table if not exists greetings (id serial primary key, body text not null)')
      await client.query("insert into greetings (body) values ('hello from prisma-mgmt')")
      const {rows} = await client.query('select id, body, current_user as "user", current_database() as database from greetings')
      console.table(rows)
    } finally {
      await client.end()
    }
  }
  console.log('\nDemo finished.')
} catch (error) {
  console.error(`\nDemo failed: ${error.message}\n--- emulator log:\n${emulatorLog}`)
  process.exitCode = 1
} finally {
  if (emulator) {
    emulator.child.kill('SIGTERM')
    await new Promise((resolve) => emulator.child.once('exit', resolve))
  }
  rmSync(configHome, {recursive: true, force: true})
}
