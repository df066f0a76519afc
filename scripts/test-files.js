#!/usr/bin/env node
// Prints the test files of one tier, space-separated, so the npm scripts and .ci/run share one list:
//   unit         in process; nothing spawns the CLI (a fake or an in-process emulator at most)
//   e2e          the CLI as a separate process (bin/run.js, or bin/dev.js) against an emulator
//   integration  real databases: the emulator's PostgreSQL server, and one standing for a user's;
//                the real AWS CLI against the S3 endpoint
//   all          every test file once
// Usage: node scripts/test-files.js unit|e2e|integration|all [--built]
//   --built  the files as scripts/test-build.js transpiled them (.test-build/test/….test.js)
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative, resolve} from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')

const INTEGRATION = [
  'test/emulator/databases-local.test.ts',
  'test/emulator/databases-postgres.test.ts',
  'test/e2e/postgres-clients.test.ts',
  'test/emulator/aws-cli.test.ts',
  'test/e2e/psql.test.ts',
  'test/e2e/real-databases.test.ts',
  'test/e2e/real-databases-restore.test.ts',
  'test/e2e/mcp-databases.test.ts',
  'test/e2e/sdk-local.test.ts',
  'test/e2e/prisma-client.test.ts',
]
/** Outside test/e2e but spawning the CLI all the same. */
const E2E_ELSEWHERE = ['test/bench-fast-path.test.ts', 'test/emulator/command.test.ts', 'test/emulator/detach.test.ts', 'test/emulator/oauth.test.ts']

// Fixtures hold installed packages (node_modules under test/fixtures) whose own tests are not ours.
const NOT_TESTS = new Set(['node_modules', 'fixtures'])

function walk(dir) {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return NOT_TESTS.has(entry.name) ? [] : walk(path)
    return [path]
  })
}

function tierOf(file) {
  if (INTEGRATION.includes(file)) return 'integration'
  if (file.startsWith('test/e2e/') || E2E_ELSEWHERE.includes(file)) return 'e2e'
  return 'unit'
}

/** Why a file put in the unit tier starts the CLI after all, or undefined. */
function spawnsCli(file) {
  const text = readFileSync(join(ROOT, file), 'utf8')
  const fromHarness = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'[./]*(?:e2e\/)?harness\.js'/g)].flatMap((match) => match[1].split(',').map((name) => name.trim()))
  const spawning = fromHarness.filter((name) => ['BIN', 'run', 'start', 'Emulator', 'Started'].includes(name))
  if (spawning.length > 0) return `imports ${spawning.join(', ')} from the e2e harness`
  if (/['"`](?:\.\/)?bin\/(?:run|dev)\.js['"`]/.test(text)) return 'names bin/run.js or bin/dev.js'
  return undefined
}

const tier = process.argv[2]
if (!['unit', 'e2e', 'integration', 'all'].includes(tier)) {
  process.stderr.write('Usage: node scripts/test-files.js unit|e2e|integration|all\n')
  process.exit(2)
}

const files = walk(join(ROOT, 'test'))
  .map((path) => relative(ROOT, path).split('\\').join('/'))
  .filter((file) => file.endsWith('.test.ts'))
  .sort()
// A spawning file in the unit tier would get the wrong timeout and blur what "unit" promises.
const misplaced = files.filter((file) => tierOf(file) === 'unit').flatMap((file) => {
  const reason = spawnsCli(file)
  return reason ? [`${file} ${reason}: list it in E2E_ELSEWHERE in scripts/test-files.js`] : []
})
if (misplaced.length > 0) {
  process.stderr.write(`${misplaced.join('\n')}\n`)
  process.exit(1)
}
const chosen = tier === 'all' ? files : files.filter((file) => tierOf(file) === tier)
if (chosen.length === 0) {
  process.stderr.write(`No test files in the ${tier} tier.\n`)
  process.exit(1)
}
const built = process.argv.includes('--built')
process.stdout.write(`${chosen.map((file) => (built ? `.test-build/${file.replace(/\.ts$/, '.js')}` : file)).join(' ')}\n`)
