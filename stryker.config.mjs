// Mutation testing of the modules that carry the safety promises (docs/mutation.md): StrykerJS
// changes one thing at a time in them (a condition, a bound, a regular expression, a string) and
// runs the test files that cover it; a change no test notices is a promise no test holds.
//
// One group at a time, named by STRYKER_GROUP (scripts/mutation.js runs them all): each group
// mutates its modules, or the functions of a module that hold the promise, and runs only the
// in-process test files that exercise them. The tap runner runs each test file as its own node
// process (node:test writes TAP) and records which files reach which mutant, so a mutant runs
// only the files that reach it.
import {readFileSync} from 'node:fs'

/**
 * The lines of `file` from the one that starts with `start` to the first line after it that is
 * `end` (a closing brace at the declaration's indent): a function, found by its text so that
 * edits elsewhere in the file never move the range.
 */
function lines(file, start, end = start.startsWith('  ') ? '  }' : '}') {
  const text = readFileSync(new URL(file, import.meta.url), 'utf8').split('\n')
  const from = text.findIndex((line) => line.startsWith(start))
  if (from === -1) throw new Error(`${file}: no line starts with ${JSON.stringify(start)}`)
  const to = text.findIndex((line, index) => index > from && line === end)
  if (to === -1) throw new Error(`${file}: ${JSON.stringify(start)} has no closing ${JSON.stringify(end)}`)
  return `${file}:${from + 1}-${to + 1}`
}

/** Module groups: what is mutated, and the test files that hold it. */
export const GROUPS = {
  'terminal-safe': {
    mutate: [
      'src/output/safe-text.ts',
      'src/output/json.ts',
      lines('src/output/print.ts', 'export async function toYaml'),
      lines('src/output/print.ts', 'export function toTsv'),
      lines('src/output/print.ts', 'export function toCsv'),
    ],
    tests: ['test/render/safe-text.test.ts', 'test/render/controls.test.ts', 'test/render/yaml.test.ts', 'test/unit/output.test.ts', 'test/render/render.test.ts'],
  },
  'env-file': {
    mutate: ['src/files/env-file.ts', 'src/render/credential-output.ts'],
    tests: [
      'test/files/env-file.test.ts',
      'test/files/env-file-paths.test.ts',
      'test/render/credential-output.test.ts',
      'test/unit/commands/credentials.test.ts',
      'test/unit/commands/connections.test.ts',
      'test/unit/commands/tokens.test.ts',
      'test/unit/commands/bucket-keys.test.ts',
    ],
  },
  schemas: {
    mutate: ['src/api/schemas.ts'],
    tests: ['test/api/schemas.test.ts', 'test/api/required-fields.test.ts'],
  },
  pagination: {
    mutate: [
      'src/api/collect.ts',
      lines('src/api/transport.ts', '  async *paginate<T>'),
      lines('src/api/management-api.ts', '  private async onePage<T>'),
      lines('src/api/management-api.ts', '  private paginate<T>'),
    ],
    tests: ['test/api/pagination.test.ts', 'test/api/management-api.test.ts', 'test/unit/commands/projects.test.ts'],
  },
  'profile-store': {
    mutate: ['src/auth/store.ts'],
    tests: ['test/auth/store.test.ts', 'test/auth/store-edges.test.ts', 'test/unit/oauth.test.ts', 'test/unit/commands/profiles.test.ts', 'test/unit/commands/auth.test.ts'],
  },
  'oauth-session': {
    mutate: ['src/auth/oauth/session.ts', 'src/auth/oauth/tokens.ts'],
    tests: ['test/auth/session.test.ts', 'test/auth/tokens.test.ts', 'test/unit/oauth.test.ts', 'test/unit/transport-refresh.test.ts', 'test/unit/commands/auth.test.ts'],
  },
  'github-actions': {
    mutate: ['src/auth/github-actions.ts'],
    tests: ['test/auth/github-actions-provider.test.ts', 'test/auth/github-actions-runner.test.ts', 'test/unit/commands/github-actions.test.ts'],
  },
  'create-and-deliver': {
    mutate: ['src/flows/create-and-deliver.ts', 'src/flows/deliver-secret.ts', 'src/flows/interrupts.ts'],
    tests: [
      'test/flows/create-and-deliver.test.ts',
      'test/flows/deliver-secret.test.ts',
      'test/unit/commands/create.test.ts',
      'test/unit/commands/credentials.test.ts',
      'test/unit/commands/tokens.test.ts',
    ],
  },
  'mcp-destructive-guard': {
    mutate: [lines('src/mcp/tools.ts', 'async function confirmed'), lines('src/mcp/tools.ts', 'export function selectTools')],
    tests: ['test/mcp/tools.test.ts'],
  },
  'psql-cleanup': {
    mutate: ['src/flows/psql.ts', lines('src/commands/db/psql.ts', '  public async run()'), lines('src/commands/db/psql.ts', '  private async finish(')],
    tests: ['test/flows/psql.test.ts', 'test/unit/commands/psql.test.ts'],
  },
  'emulator-refresh-rotation': {
    mutate: [
      lines('src/emulator/oauth/authorization-server.ts', '  private refresh('),
      lines('src/emulator/oauth/authorization-server.ts', '  private issue('),
      lines('src/emulator/oauth/authorization-server.ts', '  private revokeRefreshToken('),
      lines('src/emulator/oauth/authorization-server.ts', '  private revokeAuthorization('),
    ],
    tests: ['test/emulator/refresh-rotation.test.ts'],
  },
}

const group = process.env.STRYKER_GROUP ?? 'terminal-safe'
const chosen = GROUPS[group]
if (!chosen) throw new Error(`STRYKER_GROUP=${group} is not one of: ${Object.keys(GROUPS).join(', ')}`)

const REPORTS = 'reports/mutation'

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  tap: {
    testFiles: chosen.tests,
    // tsx runs the TypeScript tests and the instrumented sources; node:test prints TAP.
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap', '-r', '{{hookFile}}', '-r', './scripts/stryker-signals.cjs', '{{testFile}}'],
  },
  coverageAnalysis: 'perTest',
  mutate: chosen.mutate,
  // Log lines and debug output say things; they promise nothing (see docs/mutation.md).
  ignorePatterns: ['reports', 'dist', '.stryker-tmp', 'tmp', '.test-build'],
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 1),
  timeoutMS: 20_000,
  incremental: true,
  incrementalFile: `${REPORTS}/${group}.incremental.json`,
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  jsonReporter: {fileName: `${REPORTS}/${group}.json`},
  htmlReporter: {fileName: `${REPORTS}/${group}.html`},
  clearTextReporter: {allowColor: false, logTests: false, reportScoreTable: true},
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: {high: 95, low: 90, break: null},
}
