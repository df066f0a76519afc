// The terminal closes under the CLI (its window shut, an SSH session dropped): SIGHUP arrives and
// every later write to the terminal fails with EIO. The CLI finishes what it must (deletes the
// db psql session's connection, keeps what the API created) and exits with SIGHUP's code, 129:
// no uncaught write error, no failed native assertion. A reader that goes away (EPIPE) does not
// crash it either.
import assert from 'node:assert/strict'
import {chmod, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, afterEach, before, describe, it} from 'node:test'

import {Emulator, eventually, parseJson, removeDir, run, start, tempDir, type Started} from './harness.js'
import {HoldingProxy} from './holding-proxy.js'
import {Terminal} from './terminal.js'

interface Ended {
  code: number | null
  signal: string | null
}

describe('a terminal that closes under the CLI', () => {
  let emulator: Emulator
  let home: string
  let scratch: string
  let databaseId: string
  const terminals: Terminal[] = []
  const proxies: HoldingProxy[] = []
  const running: Started[] = []
  let records = 0

  const env = (extra: Record<string, string> = {}): Record<string, string> => ({XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url, PRISMA_SERVICE_TOKEN: emulator.token, NO_COLOR: '1', ...extra})
  const requests = async () => (await emulator.call<{data: {method: string; path: string; status?: number}[]}>('GET', '/__emulator/requests')).body.data
  const connections = async () => (await emulator.call<{data: {id: string; name: string}[]}>('GET', `/v1/databases/${databaseId}/connections`)).body.data

  /** Runs the command on a terminal, closes the terminal once `ready` holds, and says how the command ended. */
  async function hangUpWhen(args: string[], extra: Record<string, string>, ready: (terminal: Terminal) => Promise<unknown>): Promise<Ended> {
    const record = join(scratch, `ended-${++records}.json`)
    const terminal = await Terminal.startToHangUp(args, env(extra), record)
    terminals.push(terminal)
    await ready(terminal)
    await terminal.hangUp()
    const text = await eventually('the command to end after the terminal closed', () => readFile(record, 'utf8').catch(() => undefined), 30_000)
    return JSON.parse(text) as Ended
  }

  before(async () => {
    emulator = await Emulator.start(['--databases', 'none'])
    home = await tempDir()
    scratch = await tempDir('prisma-mgmt-hangup-')
    const created = await run(['projects', 'create', '--name', 'hangup', '--json'], {env: emulator.env(home), emulator})
    assert.equal(created.code, 0, created.stderr)
    databaseId = parseJson<{database: {id: string}}>(created).database.id
  })
  afterEach(async () => {
    for (const terminal of terminals.splice(0)) await terminal.close()
    for (const proxy of proxies.splice(0)) await proxy.stop()
    for (const started of running.splice(0)) started.child.kill('SIGKILL')
  })
  after(async () => {
    await emulator.stop()
    await removeDir(home)
    await removeDir(scratch)
  })

  it('db psql: psql and the CLI are hung up; the connection is deleted and the CLI exits 129, without a crash', async () => {
    // A psql that stays on the terminal until it is hung up, as the real one does.
    const psql = join(scratch, 'psql')
    await writeFile(psql, '#!/bin/sh\nexec sleep 300\n')
    await chmod(psql, 0o755)
    await emulator.call('DELETE', '/__emulator/requests')
    const ended = await hangUpWhen(['db', 'psql', databaseId], {PSQL: psql, USER: 'hangup'}, (terminal) => terminal.waitFor(/Connecting to database/))
    assert.deepEqual(ended, {code: 129, signal: null}, 'exit 129 (psql ended by SIGHUP), not a crash')
    const log = await requests()
    const minted = log.find((r) => r.method === 'POST' && r.path === `/v1/databases/${databaseId}/connections`)
    assert.ok(minted, 'a connection was minted for the session')
    assert.ok(log.some((r) => r.method === 'DELETE' && r.path.startsWith('/v1/connections/') && r.status === 204), `the session's connection was deleted: ${JSON.stringify(log)}`)
    assert.deepEqual((await connections()).filter((c) => c.name.startsWith('psql-')), [], 'no psql connection is left')
  })

  it('projects create waiting for its database on the terminal: exit 129, the project kept, no crash', async () => {
    const slow = await Emulator.start(['--databases', 'none', '--provision-delay-ms', '600000'])
    try {
      const record = join(scratch, `ended-${++records}.json`)
      const terminal = await Terminal.startToHangUp(['projects', 'create', '--name', 'hung-up', '--region', 'us-east-1'], {...env(), PRISMA_MANAGEMENT_API_URL: slow.url, PRISMA_SERVICE_TOKEN: slow.token}, record)
      terminals.push(terminal)
      await terminal.waitFor(/Waiting for database/)
      await terminal.hangUp()
      const ended = JSON.parse(await eventually('the command to end', () => readFile(record, 'utf8').catch(() => undefined), 30_000)) as Ended
      assert.deepEqual(ended, {code: 129, signal: null}, 'exit 129, not a crash')
      const projects = (await slow.call<{data: {name: string}[]}>('GET', '/v1/projects')).body.data
      assert.ok(projects.some((p) => p.name === 'hung-up'), 'the project exists')
    } finally {
      await slow.stop()
    }
  })

  it('db credentials with the POST on its way: exit 129 once the answer came, the connection kept, no crash', async () => {
    const proxy = await HoldingProxy.start(emulator.url)
    proxies.push(proxy)
    proxy.hold = (method) => method === 'POST'
    const record = join(scratch, `ended-${++records}.json`)
    const terminal = await Terminal.startToHangUp(['db', 'credentials', databaseId, '--name', 'hung-up'], env({PRISMA_MANAGEMENT_API_URL: proxy.url}), record)
    terminals.push(terminal)
    const held = await eventually('the answer to be held', () => proxy.held[0])
    // The terminal is gone, and the hang-up has reached the command, before the answer arrives.
    await terminal.hangUp()
    await eventually('the hang-up to reach the command', () => readFile(`${record}.hup`, 'utf8').catch(() => undefined), 30_000)
    held.release()
    const ended = JSON.parse(await eventually('the command to end', () => readFile(record, 'utf8').catch(() => undefined), 30_000)) as Ended
    assert.deepEqual(ended, {code: 129, signal: null}, 'exit 129, not a crash')
    assert.ok((await connections()).some((c) => c.name === 'hung-up'), 'the connection exists')
  })

  it('a reader that goes away (EPIPE) before the answer is printed: no uncaught error', async () => {
    const proxy = await HoldingProxy.start(emulator.url)
    proxies.push(proxy)
    proxy.hold = (method) => method === 'POST'
    const started = start(['db', 'credentials', databaseId, '--name', 'no-reader', '--json'], {env: emulator.env(home, {PRISMA_MANAGEMENT_API_URL: proxy.url}), emulator})
    running.push(started)
    const held = await eventually('the answer to be held', () => proxy.held[0])
    started.child.stdout!.destroy()
    held.release()
    const result = await started.done
    assert.equal(result.code, 0, `exit code; stderr:\n${result.stderr}`)
    assert.equal(result.stderr, '', 'nothing said of a failed write')
  })
})
