// Tables on a real 80-column terminal (tmux): they fit, each row is one screen line, long names
// end with `…`, ids stay whole, a connection string too wide stands alone; colour follows the
// terminal, NO_COLOR, FORCE_COLOR=0 and TERM=dumb.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {Emulator, removeDir, tempDir} from './harness.js'
import {Terminal} from './terminal.js'

const WIDTH = 80
const ESC = '\u001b'
const LONG_NAME = 'a-project-name-far-too-long-for-any-eighty-column-terminal-table-cell-to-hold'

/** The lines of a table: those that start with a border. */
const tableLines = (screen: string) => screen.split('\n').filter((line) => /^[┌│├└]/.test(line))

/** The cells of a table row. */
const cells = (line: string) => line.split('│').slice(1, -1).map((cell) => cell.trim())

/** A screen line's width in columns (each character here takes one). */
const widthOf = (line: string) => [...line.trimEnd()].length

describe('tables on an 80-column terminal', () => {
  let emulator: Emulator
  let home: string

  const terminalEnv = (extra: Record<string, string> = {}) => ({XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url, PRISMA_SERVICE_TOKEN: emulator.token, ...extra})

  /** Runs the command on a terminal WIDTH columns wide and returns its finished screen (wrapped lines joined, so a wrap shows as a long line). */
  async function finished(args: string[], extra: Record<string, string> = {}): Promise<{screen: string; styled: string}> {
    const terminal = await Terminal.start(args, terminalEnv(extra), WIDTH)
    try {
      const code = await terminal.exitCode()
      const screen = await terminal.screen()
      assert.equal(code, 0, `${args.join(' ')}: exit 0 on a terminal, the screen shows:\n${screen}`)
      return {screen, styled: await terminal.styledScreen()}
    } finally {
      await terminal.close()
    }
  }

  async function createProject(name: string): Promise<{id: string; databaseId: string}> {
    const created = await emulator.call<{data: {id: string; database: {id: string}}}>('POST', '/v1/projects', {name, region: 'eu-central-1'})
    assert.equal(created.status, 201, `creating project ${name}: ${JSON.stringify(created.body)}`)
    return {id: created.body.data.id, databaseId: created.body.data.database.id}
  }

  function assertAllFit(screen: string, what: string): void {
    for (const line of screen.split('\n')) {
      assert.ok(widthOf(line) <= WIDTH, `${what}: a line of ${widthOf(line)} columns (wider than ${WIDTH}, so it wrapped):\n${line}\n--- screen:\n${screen}`)
    }
  }

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
  })
  after(async () => {
    await emulator?.stop()
    if (home) await removeDir(home)
  })

  it('projects list fits: the workspace every project shares said once above, names, regions, ids and times whole', async () => {
    for (const name of ['billing-prod', 'marketing-website', 'analytics']) await createProject(name)
    const all = (await emulator.call<{data: {id: string; name: string; workspace: {name: string}; defaultRegion: string; createdAt: string}[]}>('GET', '/v1/projects')).body.data
    const {screen} = await finished(['projects', 'list'])
    assertAllFit(screen, 'projects list')
    const lines = screen.split('\n')
    assert.equal(lines[0], `Workspace: ${all[0].workspace.name}`, `the one workspace is said once, first:\n${screen}`)
    const rows = tableLines(screen).filter((line) => line.startsWith('│'))
    const header = cells(rows[0])
    assert.ok(!header.includes('WORKSPACE'), `no WORKSPACE column repeats it:\n${screen}`)
    assert.deepEqual(header.slice(0, 2), ['ID', 'NAME'], `ids and names first, saw ${rows[0]}`)
    assert.equal(rows.length - 1, all.length, `one screen line per project (${all.length}):\n${screen}`)
    for (const project of all) {
      const row = rows.find((line) => cells(line)[0] === project.id)
      assert.ok(row, `project ${project.id} has its whole id on one row:\n${screen}`)
      assert.equal(cells(row)[1], project.name, `the whole name, never cut:\n${screen}`)
      const region = header.indexOf('REGION')
      if (region !== -1) assert.equal(cells(row)[region], project.defaultRegion, `the whole region:\n${screen}`)
      const time = header.indexOf('CREATED')
      if (time !== -1) assert.equal(cells(row)[time], project.createdAt.slice(0, 16).replace('T', ' '), `a short UTC time:\n${screen}`)
    }
    assert.ok(!screen.includes('…'), `nothing is cut:\n${screen}`)
  })

  it('projects list with a name too long for any room: it wraps in its cell, every character kept, the table fits', async () => {
    const long = await createProject(LONG_NAME)
    const {screen} = await finished(['projects', 'list'])
    assertAllFit(screen, 'projects list')
    const lines = tableLines(screen)
    const first = lines.findIndex((line) => line.startsWith('│') && cells(line)[0] === long.id)
    assert.ok(first > 0, `the long-named project's id is whole in the ID column:\n${screen}`)
    let name = cells(lines[first])[1]
    for (let i = first + 1; i < lines.length && lines[i].startsWith('│') && cells(lines[i])[0] === ''; i++) name += cells(lines[i])[1]
    assert.equal(name, LONG_NAME, `the wrapped lines of its NAME cell make the whole name:\n${screen}`)
    assert.ok(!screen.includes('…'), `nothing is cut:\n${screen}`)
  })

  it('db list fits: ids, names and project ids whole, status the last column to go, the columns left out named', async () => {
    const project = await createProject('db-list-fits')
    const all = (await emulator.call<{data: {id: string; name: string; status: string}[]}>('GET', '/v1/databases')).body.data
    const {screen} = await finished(['db', 'list'])
    assertAllFit(screen, 'db list')
    const rows = tableLines(screen).filter((line) => line.startsWith('│'))
    const order = ['ID', 'NAME', 'PROJECT', 'REGION', 'STATUS', 'DEFAULT', 'CREATED']
    const header = cells(rows[0])
    assert.deepEqual(header.slice(0, 2), ['ID', 'NAME'], `ids and names first, saw ${rows[0]}`)
    assert.ok(header.includes('STATUS'), `STATUS is the last to go, and 80 columns hold it:\n${screen}`)
    assert.deepEqual(header, order.filter((h) => header.includes(h)), `the columns kept stay in their order, saw ${rows[0]}`)
    const said = order.filter((h) => !header.includes(h)).filter((h) => new RegExp(`^${h[0]}${h.slice(1).toLowerCase()}: `, 'm').test(screen))
    const left = order.filter((h) => !header.includes(h) && !said.includes(h)).map((h) => h.toLowerCase())
    if (left.length > 0) assert.ok(screen.includes(`Left out to fit: ${left.join(', ')} (see --columns).`), `the columns left out (${left.join(', ')}) are named:\n${screen}`)
    // A long name (an earlier test's) wraps onto lines of its own with an empty ID cell.
    assert.equal(rows.filter((line) => cells(line)[0] !== '').length - 1, all.length, `one row per database (${all.length}):\n${screen}`)
    const row = rows.find((line) => cells(line)[0] === project.databaseId)
    assert.ok(row, `the database id is whole:\n${screen}`)
    assert.equal(cells(row)[1], 'db-list-fits', `the whole name:\n${screen}`)
    if (header.includes('PROJECT')) assert.equal(cells(row)[header.indexOf('PROJECT')], project.id, `the project id is whole, saw ${row}`)
    assert.equal(cells(row)[header.indexOf('STATUS')], 'ready', `its status, saw ${row}`)
  })

  it('db list --project at 80 columns: the project said once above, and its databases with region, status and default', async () => {
    const project = await createProject('one-project')
    const second = await emulator.call<{data: {id: string}}>('POST', `/v1/projects/${project.id}/databases`, {name: 'replica', region: 'us-east-1'})
    assert.equal(second.status, 201, JSON.stringify(second.body))
    const {screen} = await finished(['db', 'list', '--project', project.id])
    assertAllFit(screen, 'db list --project')
    assert.equal(screen.split('\n')[0], `Project: ${project.id}`, `the project is said once:\n${screen}`)
    const rows = tableLines(screen).filter((line) => line.startsWith('│'))
    assert.deepEqual(cells(rows[0]), ['ID', 'NAME', 'REGION', 'STATUS', 'DEFAULT'], `the header, saw ${rows[0]}`)
    const byId = (a: string[], b: string[]) => (a[0] < b[0] ? -1 : 1)
    const expected = [
      [project.databaseId, 'one-project', 'eu-central-1', 'ready', 'yes'],
      [second.body.data.id, 'replica', 'us-east-1', 'ready', 'no'],
    ]
    assert.deepEqual(rows.slice(1).map(cells).sort(byId), expected.sort(byId), `one line per database, every value whole:\n${screen}`)
    assert.ok(screen.includes('Left out to fit: created (see --columns).'), `created went first and is named:\n${screen}`)
  })

  it('db list --columns keeps the columns asked for, in that order', async () => {
    await createProject('columns')
    const {screen} = await finished(['db', 'list', '--columns', 'name,id,status'])
    assertAllFit(screen, 'db list --columns name,id,status')
    const rows = tableLines(screen).filter((line) => line.startsWith('│'))
    assert.deepEqual(cells(rows[0]), ['NAME', 'ID', 'STATUS'], `the header is NAME, ID, STATUS, saw ${rows[0]}`)
    assert.ok(!screen.includes('Left out'), `nothing is left out:\n${screen}`)
  })

  it('db credentials fits: the tables fit, a connection string too long stands whole on its own line', async () => {
    const {databaseId} = await createProject('credentials')
    const {screen} = await finished(['db', 'credentials', databaseId])
    for (const line of tableLines(screen)) {
      assert.ok(widthOf(line) <= WIDTH, `a table line of ${widthOf(line)} columns:\n${line}\n--- screen:\n${screen}`)
    }
    const header = /^Connection (\S+) \((\S+)\)$/m.exec(screen)
    assert.ok(header, `the connection's name and id head the output:\n${screen}`)
    const connection = await emulator.call<{data: {endpoints: Record<string, {host: string; port: number} | undefined>}}>('GET', `/v1/connections/${header[2]}`)
    assert.equal(connection.status, 200, `the minted connection exists: ${JSON.stringify(connection.body)}`)

    const lines = screen.split('\n').map((line) => line.trimEnd())
    const strings = lines.flatMap((line, i) => (line === 'Connection string:' ? [lines[i + 1]] : []))
    const endpoints = Object.values(connection.body.data.endpoints).filter((e) => e !== undefined)
    assert.equal(strings.length, endpoints.length, `one connection string per endpoint (${endpoints.length}) on its own line, saw ${strings.length}:\n${screen}`)
    for (const [i, text] of strings.entries()) {
      assert.ok(widthOf(text) > WIDTH - 20, `a connection string moved out of the table is one too wide for it, saw ${text}`)
      let url: URL | undefined
      assert.doesNotThrow(() => (url = new URL(text)), `the whole line is one URL, saw ${JSON.stringify(text)}`)
      assert.match(url!.protocol, /^postgres(ql)?:$/, `a postgres URL, saw ${text}`)
      assert.ok(url!.username && url!.password, `the URL has its user and password, saw ${text}`)
      assert.equal(`${url!.hostname}:${url!.port}`, `${endpoints[i].host}:${endpoints[i].port}`, `the URL reaches the endpoint's host and port, saw ${text}`)
    }
    assert.ok(!tableLines(screen).some((line) => line.includes('://')), `no connection string is cut inside a table:\n${screen}`)
    for (const label of ['Host', 'Port', 'User', 'Password', 'Database']) {
      assert.match(screen, new RegExp(`^│ ${label} +│ \\S+ +│$`, 'm'), `the ${label} row is one screen line:\n${screen}`)
    }
  })

  it('colour on a terminal: bold headers only; none with NO_COLOR=1, FORCE_COLOR=0 or TERM=dumb', async () => {
    const {styled} = await finished(['regions', 'list'])
    const lines = styled.split('\n')
    const header = lines.find((line) => line.includes('ID') && line.includes('STATUS'))
    assert.ok(header?.includes(`${ESC}[1m`), `the header row is bold on a terminal, saw ${JSON.stringify(header)}`)
    const others = lines.filter((line) => line !== header && line.includes(ESC))
    assert.deepEqual(others, [], `only the header row carries colour codes, saw ${JSON.stringify(others)}`)

    for (const extra of [{NO_COLOR: '1'}, {FORCE_COLOR: '0'}, {TERM: 'dumb'}] as Record<string, string>[]) {
      const plain = await finished(['regions', 'list'], extra)
      assert.ok(!plain.styled.includes(ESC), `${JSON.stringify(extra)}: no colour on the terminal, saw ${JSON.stringify(plain.styled)}`)
      assert.ok(plain.screen.includes('us-east-1'), `${JSON.stringify(extra)}: the table is still there:\n${plain.screen}`)
    }
  })

  it('colour in projects list, db list and db credentials by default; none with NO_COLOR=1', async () => {
    const {databaseId} = await createProject('colour')
    for (const args of [['projects', 'list'], ['db', 'list'], ['db', 'credentials', databaseId]]) {
      const coloured = await finished(args)
      assert.ok(coloured.styled.includes(`${ESC}[1m`), `${args.join(' ')}: bold text on a terminal by default, saw:\n${coloured.styled}`)
      const plain = await finished(args, {NO_COLOR: '1'})
      assert.ok(!plain.styled.includes(ESC), `${args.join(' ')} with NO_COLOR=1: no escape at all, saw:\n${JSON.stringify(plain.styled)}`)
    }
  })
})
