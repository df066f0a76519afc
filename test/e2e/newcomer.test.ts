// What a newcomer meets first, through the built binary: typos in flags, commands and regions are
// named and nothing is sent; repeated `db credentials` never reuse a name and say what they did;
// prompts on a real terminal (tmux) read well and never look like a success when they are not.
import assert from 'node:assert/strict'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {Emulator, parseJson, removeDir, run, tempDir} from './harness.js'
import {Terminal} from './terminal.js'

describe('newcomer fixes', () => {
  let emulator: Emulator
  let home: string
  let scratch: string

  const env = (extra: Record<string, string | undefined> = {}) => emulator.env(home, extra)
  const cli = (args: string[], extra: Record<string, string | undefined> = {}) => run(args, {env: env(extra), emulator})
  const terminalEnv = () => ({XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url, PRISMA_SERVICE_TOKEN: emulator.token})
  const requests = () => emulator.requests()
  const forgetRequests = () => emulator.call('DELETE', '/__emulator/requests')

  async function createProject(name: string): Promise<{id: string; databaseId: string}> {
    const created = await emulator.call<{data: {id: string; database: {id: string}}}>('POST', '/v1/projects', {name, region: 'us-east-1'})
    assert.equal(created.status, 201, `creating project ${name}: ${JSON.stringify(created.body)}`)
    return {id: created.body.data.id, databaseId: created.body.data.database.id}
  }

  async function onTerminal<T>(args: string[], act: (terminal: Terminal) => Promise<T>, extra: Record<string, string> = {}): Promise<T> {
    const terminal = await Terminal.start(args, {...terminalEnv(), ...extra})
    try {
      return await act(terminal)
    } finally {
      await terminal.close()
    }
  }

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
    scratch = await tempDir('prisma-mgmt-newcomer-')
  })
  after(async () => {
    await emulator?.stop()
    if (home) await removeDir(home)
    if (scratch) await removeDir(scratch)
  })

  it('an unknown flag off a terminal is exit 2 with "Did you mean --region?", and nothing is created', async () => {
    await forgetRequests()
    const result = await cli(['projects', 'create', '--regoin', 'eu-west-3'])
    assert.equal(result.code, 2, `exit 2 for an unknown flag, saw ${result.code}; stderr: ${result.stderr}`)
    assert.match(result.stderr, /^Error: Nonexistent flag: --regoin$/m, `the error names the flag: ${result.stderr}`)
    assert.match(result.stderr, /^Did you mean --region\?$/m, `the suggestion: ${result.stderr}`)
    assert.ok(!result.stderr.includes(' ›'), `no oclif-style error lines: ${result.stderr}`)
    const posts = (await requests()).filter((r) => r.method === 'POST')
    assert.deepEqual(posts, [], `no POST was sent, saw ${JSON.stringify(posts)}`)
  })

  it('a mistyped command off a terminal exits 127 and names the command meant', async () => {
    const result = await cli(['projcts', 'list'])
    assert.equal(result.code, 127, `exit 127 for an unknown command, saw ${result.code}; stderr: ${result.stderr}`)
    assert.match(result.stderr, /^Error: "projcts list" is not a prisma-mgmt command\.$/m, `stderr: ${result.stderr}`)
    assert.match(result.stderr, /^Did you mean "projects list"\?$/m, `the suggestion: ${result.stderr}`)
    assert.equal(result.stdout, '', `nothing on stdout, saw ${JSON.stringify(result.stdout)}`)
  })

  it('a mistyped command on a terminal exits 127 and names the command meant', async () => {
    await onTerminal(['projcts', 'list'], async (terminal) => {
      const code = await terminal.exitCode()
      const screen = await terminal.screen()
      assert.equal(code, 127, `exit 127 on a terminal, the screen shows:\n${screen}`)
      assert.ok(screen.includes('Did you mean "projects list"?'), `the suggestion on the screen:\n${screen}`)
      assert.ok(!/^\? /m.test(screen), `no prompt to run another command instead:\n${screen}`)
    })
  })

  it('db credentials several times within one second: unique default names, and stderr says what was minted', async () => {
    const {databaseId} = await createProject('minted')
    // Every run sees the same second, so the default names all start alike.
    const frozen = join(scratch, 'frozen-clock.mjs')
    await writeFile(
      frozen,
      `const fixed = Date.parse('2026-11-29T10:00:00.000Z')
const RealDate = Date
globalThis.Date = class extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(fixed)
    else super(...args)
  }
}
`,
    )
    const existing = (await emulator.call<{data: {name: string}[]}>('GET', `/v1/databases/${databaseId}/connections`)).body.data.length
    const names: string[] = []
    for (let i = 1; i <= 3; i++) {
      const result = await cli(['db', 'credentials', databaseId], {NODE_OPTIONS: `--import=${frozen}`})
      assert.equal(result.code, 0, `db credentials run ${i}: exit ${result.code}, stderr: ${result.stderr}`)
      const note = /^Minted a new connection, (\S+) \((\S+)\); database (\S+) now has (\d+) connections?\. List them with `prisma-mgmt db connections list (\S+)`; delete this one with `prisma-mgmt db connections delete (\S+)`\.$/m.exec(result.stderr)
      assert.ok(note, `run ${i}: stderr says a connection was minted, how many there are and the list and delete commands:\n${result.stderr}`)
      const [, name, id, database, count, listed, deleted] = note
      assert.equal(database, databaseId, `run ${i}: the database named, saw ${database}`)
      assert.equal(Number(count), existing + i, `run ${i}: the count of connections, saw ${count}, expected ${existing + i}`)
      assert.equal(listed, databaseId, `run ${i}: the list command names the database, saw ${listed}`)
      assert.equal(deleted, id, `run ${i}: the delete command names the new connection, saw ${deleted}`)
      assert.ok(!result.stdout.includes('Minted a new connection'), `run ${i}: the note is on stderr, not among the piped rows:\n${result.stdout}`)
      names.push(name)
    }
    assert.deepEqual(names, ['prisma-mgmt-20261129-100000', 'prisma-mgmt-20261129-100000-2', 'prisma-mgmt-20261129-100000-3'], `unique default names, saw ${names.join(', ')}`)
    const listed = (await emulator.call<{data: {name: string}[]}>('GET', `/v1/databases/${databaseId}/connections`)).body.data.map((c) => c.name)
    assert.equal(new Set(listed).size, listed.length, `the database's connection names are unique, saw ${listed.join(', ')}`)
  })

  it('projects create --region mars-1 is exit 2 naming the valid regions, and sends no POST', async () => {
    const regions = (await emulator.call<{data: {id: string; status: string}[]}>('GET', '/v1/regions/postgres')).body.data
    const valid = regions.filter((r) => r.status === 'available').map((r) => r.id)
    await forgetRequests()
    const result = await cli(['projects', 'create', '--region', 'mars-1'])
    assert.equal(result.code, 2, `exit 2 for an unknown region, saw ${result.code}; stderr: ${result.stderr}`)
    assert.match(result.stderr, /^Error: Unknown region "mars-1"\.$/m, `stderr: ${result.stderr}`)
    assert.ok(result.stderr.includes(`Valid regions: ${valid.join(', ')}`), `the valid regions (${valid.join(', ')}) are named: ${result.stderr}`)
    const seen = await requests()
    assert.deepEqual(seen.filter((r) => r.method === 'POST'), [], `no POST was sent, saw ${JSON.stringify(seen.map((r) => `${r.method} ${r.path}`))}`)
  })

  it('emulator start --port abc and --databases postgres (without a URL) print Error: lines, exit 2', async () => {
    for (const args of [['emulator', 'start', '--port', 'abc'], ['emulator', 'start', '--port', '0', '--databases', 'postgres']]) {
      const result = await run(args, {env: {PRISMA_EMULATOR_POSTGRES_URL: undefined, XDG_CONFIG_HOME: home}, timeoutMs: 30_000})
      const shown = args.join(' ')
      assert.equal(result.code, 2, `${shown}: exit 2, saw ${result.code}; stderr: ${result.stderr}`)
      assert.match(result.stderr, /^Error: \S/, `${shown}: stderr starts with "Error: ", saw: ${JSON.stringify(result.stderr)}`)
      assert.ok(!result.stderr.includes('›'), `${shown}: no oclif-style " ›   Error:" lines, saw: ${JSON.stringify(result.stderr)}`)
      assert.ok(!result.stdout.includes('listening'), `${shown}: no emulator started, stdout: ${result.stdout}`)
    }
    const port = await run(['emulator', 'start', '--port', 'abc'], {env: {XDG_CONFIG_HOME: home}})
    assert.match(port.stderr, /--port/, `the --port error names the flag: ${port.stderr}`)
    assert.match(port.stderr, /abc/, `the --port error names the value: ${port.stderr}`)
    const postgres = await run(['emulator', 'start', '--port', '0', '--databases', 'postgres'], {env: {PRISMA_EMULATOR_POSTGRES_URL: undefined, XDG_CONFIG_HOME: home}})
    assert.match(postgres.stderr, /^Error: --databases postgres needs --postgres-url/m, `the --databases postgres error says what is missing: ${postgres.stderr}`)
  })

  it('logout --json prints {"profile":"default","removed":...,"current":...}', async () => {
    const config = await tempDir()
    try {
      const env = {XDG_CONFIG_HOME: config, PRISMA_MANAGEMENT_API_URL: emulator.url}
      const login = await run(['login', '--token', emulator.token], {env, emulator})
      assert.equal(login.code, 0, `login: exit ${login.code}, stderr: ${login.stderr}`)
      const first = await run(['logout', '--json'], {env, emulator})
      assert.equal(first.code, 0, `logout --json: exit ${first.code}, stderr: ${first.stderr}`)
      assert.deepEqual(parseJson(first), {profile: 'default', removed: true, current: 'default'}, `after a login, the token was removed: ${first.stdout}`)
      const again = await run(['logout', '--json'], {env, emulator})
      assert.equal(again.code, 0, `second logout --json: exit ${again.code}, stderr: ${again.stderr}`)
      assert.deepEqual(parseJson(again), {profile: 'default', removed: false, current: 'default'}, `nothing left to remove: ${again.stdout}`)
    } finally {
      await removeDir(config)
    }
  })

  it("projects show on a terminal lists the project's databases (id, name, region, status, default)", async () => {
    const project = await createProject('shown-with-databases')
    const extra = await emulator.call<{data: {id: string}}>('POST', `/v1/projects/${project.id}/databases`, {name: 'second-db', region: 'ap-northeast-1'})
    assert.equal(extra.status, 201, `creating the second database: ${JSON.stringify(extra.body)}`)
    await onTerminal(['projects', 'show', project.id], async (terminal) => {
      const code = await terminal.exitCode()
      const screen = await terminal.screen()
      assert.equal(code, 0, `projects show: exit 0, the screen shows:\n${screen}`)
      const lines = screen.split('\n')
      const heading = lines.findIndex((line) => line.trim() === 'Databases')
      assert.ok(heading > 0, `a "Databases" heading under the project:\n${screen}`)
      const below = lines.slice(heading + 1).join('\n')
      assert.match(below, /│ ID\s+│ NAME\s+│ REGION\s+│ STATUS\s+│ DEFAULT\s+│/, `the columns id, name, region, status, default:\n${screen}`)
      assert.match(below, new RegExp(`│ ${project.databaseId}\\s+│ shown-with-databases\\s+│ us-east-1\\s+│ ready\\s+│ yes\\s+│`), `the default database's row:\n${screen}`)
      assert.match(below, new RegExp(`│ ${extra.body.data.id}\\s+│ second-db\\s+│ ap-northeast-1\\s+│ \\w+\\s+│ no\\s+│`), `the second database's row:\n${screen}`)
    })
  })

  it('the region picker on a terminal shows aligned columns', async () => {
    const regions = (await emulator.call<{data: {id: string; name: string}[]}>('GET', '/v1/regions/postgres')).body.data
    await forgetRequests()
    await onTerminal(['projects', 'create'], async (terminal) => {
      const screen = await terminal.waitFor(/Region for the database[\s\S]*navigate/)
      const lines = screen.split('\n')
      const idColumns = new Set<number>()
      const nameColumns = new Set<number>()
      for (const region of regions) {
        const line = lines.find((l) => new RegExp(`(^|\\s)${region.id}\\s`).test(l))
        assert.ok(line, `region ${region.id} is offered:\n${screen}`)
        idColumns.add(line.indexOf(region.id))
        nameColumns.add(line.indexOf(region.name, line.indexOf(region.id) + region.id.length))
      }
      assert.equal(idColumns.size, 1, `the ids start in one column, saw columns ${[...idColumns].join(', ')}:\n${screen}`)
      assert.equal(nameColumns.size, 1, `the names start in one column, saw columns ${[...nameColumns].join(', ')}:\n${screen}`)
      assert.ok(![...nameColumns].includes(-1), `every name is on its region's line:\n${screen}`)
      await terminal.press('C-c')
      assert.equal(await terminal.exitCode(), 130, `Ctrl-C at the picker is exit 130:\n${await terminal.screen()}`)
    })
    const posts = (await requests()).filter((r) => r.method === 'POST')
    assert.deepEqual(posts, [], `cancelling the picker created nothing, saw ${JSON.stringify(posts)}`)
  })

  it('a wrong name at a delete prompt is not shown with a success tick, and nothing is deleted', async () => {
    const project = await createProject('keep-me')
    await onTerminal(['projects', 'delete', project.id], async (terminal) => {
      await terminal.waitFor(/Type its name to confirm:/)
      await terminal.type('not-the-name')
      await terminal.press('Enter')
      const code = await terminal.exitCode()
      const screen = await terminal.screen()
      assert.equal(code, 2, `a wrong name is exit 2, the screen shows:\n${screen}`)
      assert.ok(!screen.includes('✔'), `no success tick beside the answer:\n${screen}`)
      assert.match(screen, /The name did not match; project \S+ was not deleted\./, `the screen says nothing was deleted:\n${screen}`)
    })
    const still = await emulator.call('GET', `/v1/projects/${project.id}`)
    assert.equal(still.status, 200, `the project still exists, GET answered ${still.status}`)
  })
})
