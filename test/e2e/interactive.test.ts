import assert from 'node:assert/strict'
import {readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {Emulator, removeDir, tempDir} from './harness.js'
import {Terminal} from './terminal.js'

describe('prompts on a real terminal', () => {
  let emulator: Emulator
  let home: string
  const terminals: Terminal[] = []
  const open = async (args: string[], env: Record<string, string>) => {
    const terminal = await Terminal.start(args, env)
    terminals.push(terminal)
    return terminal
  }

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
  })
  after(async () => {
    await Promise.all(terminals.map((t) => t.close()))
    await emulator.stop()
    await removeDir(home)
  })

  it('login asks how, then for the token with a masked prompt, and saves the profile', async () => {
    const term = await open(['login'], {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url})
    await term.waitFor(/How do you want to log in\?/)
    // The browser is first (the default); the service token is the second choice.
    await term.press('Down', 'Enter')
    await term.waitFor(/Paste your Prisma service token:/)
    await term.type(emulator.token)
    const typed = await term.waitFor(/Paste your Prisma service token: \*{8,}/)
    assert.ok(!typed.includes(emulator.token), 'the typed token is masked')
    await term.press('Enter')
    const screen = await term.waitFor(/\[exit \d+\]/)
    assert.equal(await term.exitCode(), 0, screen)
    assert.match(screen, /Logged in to workspace .+ as profile "default"; it is now the current profile\./)
    assert.ok(!screen.includes(emulator.token), 'the token never shows on screen')
    const file = join(home, 'prisma-mgmt', 'config.json')
    assert.equal((await stat(file)).mode & 0o777, 0o600)
    assert.equal(JSON.parse(await readFile(file, 'utf8')).profiles.default.token, emulator.token)
  })

  it('Ctrl-C at the login prompt exits 130 and saves nothing', async () => {
    const dir = await tempDir()
    const term = await open(['login'], {XDG_CONFIG_HOME: dir, PRISMA_MANAGEMENT_API_URL: emulator.url})
    await term.waitFor(/How do you want to log in\?/)
    await term.press('Down', 'Enter')
    await term.waitFor(/Paste your Prisma service token:/)
    await term.type('half-typed')
    await term.press('C-c')
    assert.equal(await term.exitCode(), 130, await term.screen())
    await assert.rejects(stat(join(dir, 'prisma-mgmt', 'config.json')), {code: 'ENOENT'})
    await removeDir(dir)
  })

  it('with CI=true even a terminal gets no prompt: a usage error naming the flags', async () => {
    const dir = await tempDir()
    const term = await open(['login'], {XDG_CONFIG_HOME: dir, PRISMA_MANAGEMENT_API_URL: emulator.url, CI: 'true'})
    assert.equal(await term.exitCode(), 2, await term.screen())
    assert.match(await term.screen(), /Error: No token given and no terminal to ask for one\.\nPass --token <token>, pipe it in with --with-token, or log in with a browser: --browser\./)
    await removeDir(dir)
  })

  it('projects create without --region offers the regions and creates in the chosen one', async () => {
    const term = await open(['projects', 'create', '--name', 'picked-region'], {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url, PRISMA_SERVICE_TOKEN: emulator.token})
    const menu = await term.waitFor(/Region for the database/)
    assert.match(menu, /us-east-1/)
    assert.match(menu, /eu-central-1/)
    // Move to the second region in the list and pick it.
    const regions = (await emulator.call<{data: {id: string; status: string}[]}>('GET', '/v1/regions/postgres')).body.data
    const second = regions.filter((r) => r.status === 'available')[1]
    await term.press('Down', 'Enter')
    assert.equal(await term.exitCode(), 0, await term.screen())
    const projects = (await emulator.call<{data: {id: string; name: string}[]}>('GET', '/v1/projects')).body.data
    const project = projects.find((p) => p.name === 'picked-region')!
    const dbs = (await emulator.call<{data: {region: {id: string}}[]}>('GET', `/v1/projects/${project.id}/databases`)).body.data
    assert.equal(dbs[0].region.id, second.id)
  })

  it('db credentials without an id picks a project, then a database', async () => {
    const env = {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url, PRISMA_SERVICE_TOKEN: emulator.token}
    const created = await emulator.call<{data: {id: string; name: string; database: {id: string}}}>('POST', '/v1/projects', {name: 'two-dbs', region: 'us-east-1'})
    const second = await emulator.call<{data: {id: string; name: string}}>('POST', `/v1/projects/${created.body.data.id}/databases`, {name: 'analytics', region: 'eu-west-3'})
    assert.equal(second.status, 201)
    const term = await open(['db', 'credentials', '--format', 'url'], env)
    await term.waitFor(/Project/)
    // Walk the project list to `two-dbs`.
    for (let i = 0; i < 20 && !/❯ two-dbs/.test(await term.screen()); i++) await term.press('Down')
    await term.waitFor(/❯ two-dbs/)
    await term.press('Enter')
    await term.waitFor(/Database/)
    for (let i = 0; i < 5 && !/❯ analytics/.test(await term.screen()); i++) await term.press('Down')
    await term.waitFor(/❯ analytics/)
    await term.press('Enter')
    const screen = await term.waitFor(/\[exit \d+\]/)
    assert.equal(await term.exitCode(), 0, screen)
    assert.match(screen, /postgres(ql)?:\/\/\S+/)
    const connections = (await emulator.call<{data: {name: string}[]}>('GET', `/v1/databases/${second.body.data.id}/connections`)).body.data
    assert.ok(connections.some((c) => /^prisma-mgmt-\d{8}-\d{6}$/.test(c.name)), 'the credential was minted on the chosen database')
  })

  it('on a terminal, projects create and db credentials print the connection details as boxed tables', async () => {
    const env = {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url, PRISMA_SERVICE_TOKEN: emulator.token}
    const create = await open(['projects', 'create', '--name', 'tty-shop', '--region', 'us-east-1'], env)
    const created = await create.waitFor(/\[exit \d+\]/)
    assert.equal(await create.exitCode(), 0, created)
    const project = (await emulator.call<{data: {id: string; name: string}[]}>('GET', '/v1/projects')).body.data.find((p) => p.name === 'tty-shop')
    assert.ok(project, `the emulator has no project tty-shop; the screen shows:\n${created}`)
    const database = (await emulator.call<{data: {id: string}[]}>('GET', `/v1/projects/${project.id}/databases`)).body.data[0]
    assert.match(created, new RegExp(`^│ ID +│ ${project.id} +│$`, 'm'), `the project's table:\n${created}`)
    assert.match(created, /^│ NAME +│ tty-shop +│$/m, `the project's table:\n${created}`)
    assert.match(created, /^│ REGION +│ us-east-1 +│$/m, `the project's table:\n${created}`)
    assert.ok(created.includes(`Database tty-shop (${database.id}) in us-east-1: ready`), `the database line:\n${created}`)
    assert.match(created, /Direct connection\n┌/, `a boxed table for the direct endpoint:\n${created}`)
    const direct = /^│ Connection string │ (postgres(?:ql)?:\/\/(\S+?):(\S+?)@(\S+?):(\d+)\/\S+?) +│$/m.exec(created)
    assert.ok(direct, `a direct connection string:\n${created}`)
    const [, , user, password, host, port] = direct
    for (const [label, value] of [['Host', host], ['Port', port], ['User', decodeURIComponent(user)], ['Password', decodeURIComponent(password)]]) {
      assert.ok(created.split('\n').some((line) => new RegExp(`^│ ${label} +│ `).test(line) && line.includes(`│ ${value} `)), `the ${label} row holds ${value}:\n${created}`)
    }
    assert.match(created, /These secrets are shown only once\. Store them now\./, `the warning:\n${created}`)

    const credentials = await open(['db', 'credentials', database.id], env)
    const minted = await credentials.waitFor(/\[exit \d+\]/)
    assert.equal(await credentials.exitCode(), 0, minted)
    const connections = (await emulator.call<{data: {id: string; name: string}[]}>('GET', `/v1/databases/${database.id}/connections`)).body.data
    const connection = connections.find((c) => /^prisma-mgmt-\d{8}-\d{6}$/.test(c.name))
    assert.ok(connection, `no connection was minted: ${JSON.stringify(connections)}`)
    assert.ok(minted.includes(`Connection ${connection.name} (${connection.id})\n`), `the connection's line:\n${minted}`)
    assert.match(minted, /Direct connection\n┌/, `a boxed table for the direct endpoint:\n${minted}`)
    assert.match(minted, /^│ Connection string │ postgres(ql)?:\/\/\S+ +│$/m, `the connection string row:\n${minted}`)
    for (const label of ['Host', 'Port', 'User', 'Password', 'Database']) assert.match(minted, new RegExp(`^│ ${label} +│ \\S`, 'm'), `the ${label} row:\n${minted}`)
    assert.ok(
      minted.includes(
        `Minted a new connection, ${connection.name} (${connection.id}); database ${database.id} now has ${connections.length} connections. ` +
          `List them with \`prisma-mgmt db connections list ${database.id}\`; delete this one with \`prisma-mgmt db connections delete ${connection.id}\`.`,
      ),
      `the minted line:\n${minted}`,
    )
  })

  it('projects delete on a terminal asks to type the name: a wrong name deletes nothing, the right one deletes', async () => {
    const env = {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url, PRISMA_SERVICE_TOKEN: emulator.token}
    const created = await emulator.call<{data: {id: string}}>('POST', '/v1/projects', {name: 'keep-me', createDatabase: false})
    const id = created.body.data.id
    const wrong = await open(['projects', 'delete', id], env)
    await wrong.waitFor(new RegExp(`This deletes project keep-me \\(${id}\\) for good\\. Type its name to confirm:`))
    await wrong.type('keep-you')
    await wrong.press('Enter')
    assert.equal(await wrong.exitCode(), 2, await wrong.screen())
    assert.match(await wrong.screen(), /The name did not match; project \S+ was not deleted\./)
    assert.equal((await emulator.call('GET', `/v1/projects/${id}`)).status, 200)

    const right = await open(['projects', 'delete', id], env)
    await right.waitFor(new RegExp(`This deletes project keep-me \\(${id}\\) for good\\. Type its name to confirm:`))
    await right.type('keep-me')
    await right.press('Enter')
    assert.equal(await right.exitCode(), 0, await right.screen())
    assert.match(await right.screen(), /Deleted project keep-me/)
    assert.equal((await emulator.call('GET', `/v1/projects/${id}`)).status, 404)
  })
  it('db delete and db connections delete ask for the name on a terminal too', async () => {
    const env = {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url, PRISMA_SERVICE_TOKEN: emulator.token}
    const project = await emulator.call<{data: {id: string}}>('POST', '/v1/projects', {name: 'tty-deletes', region: 'us-east-1'})
    const extra = await emulator.call<{data: {id: string; name: string}}>('POST', `/v1/projects/${project.body.data.id}/databases`, {name: 'extra-db'})
    const connection = await emulator.call<{data: {id: string}}>('POST', `/v1/databases/${extra.body.data.id}/connections`, {name: 'ci-key'})

    const conn = await open(['db', 'connections', 'delete', connection.body.data.id], env)
    await conn.waitFor(new RegExp(`This deletes connection ci-key \\(${connection.body.data.id}\\) for good\\. Type its name to confirm:`))
    await conn.type('ci-key')
    await conn.press('Enter')
    assert.equal(await conn.exitCode(), 0, await conn.screen())
    assert.equal((await emulator.call('GET', `/v1/connections/${connection.body.data.id}`)).status, 404)

    const db = await open(['db', 'delete', extra.body.data.id], env)
    await db.waitFor(new RegExp(`This deletes database extra-db \\(${extra.body.data.id}\\) for good\\. Type its name to confirm:`))
    await db.type('extra-db')
    await db.press('Enter')
    assert.equal(await db.exitCode(), 0, await db.screen())
    assert.equal((await emulator.call('GET', `/v1/databases/${extra.body.data.id}`)).status, 404)
  })
})
