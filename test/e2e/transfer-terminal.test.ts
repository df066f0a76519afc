// projects transfer on a real terminal (tmux): the receiving workspace's token is asked with a
// masked prompt, then the project's name; the token never shows on the screen.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {Emulator, removeDir, tempDir} from './harness.js'
import {Terminal} from './terminal.js'

type Data<T> = {data: T}

describe('projects transfer on a real terminal', () => {
  let emulator: Emulator
  let home: string
  const terminals: Terminal[] = []

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
  })
  after(async () => {
    await Promise.all(terminals.map((t) => t.close()))
    await emulator.stop()
    await removeDir(home)
  })

  it('asks for the token (masked) and the project\'s name, then transfers', async () => {
    const workspace = await emulator.call<Data<{id: string}>>('POST', '/__emulator/workspaces', {name: 'Acme Team'})
    const token = (await emulator.call<Data<{value: string}>>('POST', `/__emulator/workspaces/${workspace.body.data.id}/service-tokens`, {name: 'handover'})).body.data.value
    const project = (await emulator.call<Data<{id: string}>>('POST', '/v1/projects', {name: 'handed-over', createDatabase: false})).body.data

    const term = await Terminal.start(['projects', 'transfer', project.id], {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url, PRISMA_SERVICE_TOKEN: emulator.token, NO_COLOR: '1'})
    terminals.push(term)
    await term.waitFor(/Access token of the receiving workspace:/)
    await term.type(token)
    const typed = await term.waitFor(/Access token of the receiving workspace: \*{8,}/)
    assert.ok(!typed.includes(token), 'the typed token is masked')
    await term.press('Enter')
    const question = await term.waitFor(/Type its name to confirm:/)
    assert.match(question, /This moves project handed-over \(\S+\) and its databases out of workspace Emulator Workspace into workspace Acme Team/)
    await term.type('handed-over')
    await term.press('Enter')
    const screen = await term.waitFor(/\[exit \d+\]/)
    assert.equal(await term.exitCode(), 0, screen)
    assert.match(screen, new RegExp(`Transferred project handed-over \\(${project.id}\\) to workspace Acme Team`))
    assert.ok(!screen.includes(token), 'the token never shows on screen')
    const asRecipient = await fetch(`${emulator.url}/v1/projects/${project.id}`, {headers: {authorization: `Bearer ${token}`}})
    assert.equal(asRecipient.status, 200, 'the receiving workspace has it')
    assert.equal((await emulator.call('GET', `/v1/projects/${project.id}`)).status, 404, 'the source workspace does not')
  })
})
