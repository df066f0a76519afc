// The create flow in process: what the API created is delivered whatever fails after the POST.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {ManagementApi} from '../../src/api/management-api.js'
import {CancelledError, DeliveredError, describeFailure, ProvisioningError} from '../../src/errors.js'
import {createAndDeliver, type CreateAndDeliver} from '../../src/flows/create-and-deliver.js'
import type {Spinner} from '../../src/render/spinner.js'

interface Created {
  id: string
  status: string
  secret: string
}

const spinner: Spinner = {update() {}, succeed() {}, fail() {}, stop() {}}

function fakeApi(statuses: string[]): ManagementApi & {polls: number} {
  const api = {
    polls: 0,
    async getDatabase(id: string) {
      const status = statuses[Math.min(api.polls, statuses.length - 1)]
      api.polls++
      return {id, status}
    },
  }
  return api as unknown as ManagementApi & {polls: number}
}

function options(api: ManagementApi, written: string[], overrides: Partial<CreateAndDeliver<Created>> = {}): CreateAndDeliver<Created> {
  return {
    api,
    spinner,
    machine: false,
    wait: true,
    timeoutSeconds: 30,
    say: () => {},
    write: (text) => written.push(text),
    create: async () => ({id: 'db_1', status: 'provisioning', secret: 'postgres://u:p@h/db'}),
    database: (created) => created,
    withStatus: (created, status) => ({...created, status}),
    done: (created) => `created ${created.id}`,
    print: async (created) => {
      written.push(`table ${created.id} ${created.secret} ${created.status}`)
    },
    plain: (created) => `plain ${created.id} ${created.secret}`,
    check: (created) => `prisma-mgmt db show ${created.id}`,
    ...overrides,
  }
}

describe('create and deliver', () => {
  it('waits until ready and returns the object with the status it waited for', async () => {
    const api = fakeApi(['provisioning', 'ready'])
    const written: string[] = []
    const created = await createAndDeliver(options(api, written))
    assert.equal(created.status, 'ready')
    assert.deepEqual(written, ['table db_1 postgres://u:p@h/db ready'])
  })

  it('a rendering error still prints the ids and secrets plainly, then fails naming what happened', async () => {
    const written: string[] = []
    const failing = options(fakeApi(['ready']), written, {
      print: async () => {
        throw new Error('cannot draw')
      },
    })
    await assert.rejects(createAndDeliver(failing), (error: unknown) => {
      assert.ok(error instanceof DeliveredError, `a DeliveredError, not ${String(error)}`)
      assert.equal(error.lead, 'Printing the connection details failed; they are shown plainly instead')
      assert.deepEqual(error.created, {id: 'db_1', status: 'ready', secret: 'postgres://u:p@h/db'})
      assert.equal(error.next, 'It was created all the same (shown above); check it with `prisma-mgmt db show db_1`.')
      return true
    })
    assert.deepEqual(written, ['plain db_1 postgres://u:p@h/db'], 'the plain lines were written')
  })

  it('a database that fails keeps its last status in the delivered object; nothing says to try again', async () => {
    const written: string[] = []
    await assert.rejects(createAndDeliver(options(fakeApi(['provisioning', 'failure']), written)), (error: unknown) => {
      assert.ok(error instanceof DeliveredError, String(error))
      assert.ok(error.cause instanceof ProvisioningError, String(error.cause))
      assert.equal((error.created as Created).status, 'failure')
      assert.doesNotMatch(`${error.message} ${error.next} ${(error.cause as ProvisioningError).next}`, /try again/i)
      return true
    })
    assert.deepEqual(written, ['table db_1 postgres://u:p@h/db failure'])
  })

  it('a failed POST is the POST error itself: nothing was created, nothing is printed', async () => {
    const written: string[] = []
    const refused = new Error('refused')
    await assert.rejects(createAndDeliver(options(fakeApi(['ready']), written, {create: () => Promise.reject(refused)})), (error) => error === refused)
    assert.deepEqual(written, [])
  })

  /** The create's answer arrives after an interrupt (Ctrl-C) came while the POST was on its way. */
  const interruptedPost = (answer: Created) => async () => {
    process.emit('SIGINT', 'SIGINT')
    return answer
  }

  it('Ctrl-C while the POST is on its way and the answer says ready: nothing was cut short, no error; it says so', async () => {
    const api = fakeApi(['ready'])
    const written: string[] = []
    const said: string[] = []
    const created = await createAndDeliver(
      options(api, written, {say: (line) => said.push(line), create: interruptedPost({id: 'db_1', status: 'ready', secret: 'postgres://u:p@h/db'})}),
    )
    assert.equal(created.status, 'ready')
    assert.deepEqual(written, ['table db_1 postgres://u:p@h/db ready'])
    assert.equal(said.at(-1), 'Nothing was left to wait for: database db_1 is ready.')
    assert.equal(api.polls, 0, 'no status poll')
  })

  it('Ctrl-C while the POST is on its way and the database is provisioning: delivered, then "still provisioning when interrupted" (exit 130)', async () => {
    const api = fakeApi(['ready'])
    const written: string[] = []
    await assert.rejects(createAndDeliver(options(api, written, {create: interruptedPost({id: 'db_1', status: 'provisioning', secret: 'postgres://u:p@h/db'})})), (error: unknown) => {
      assert.ok(error instanceof DeliveredError, String(error))
      assert.ok(error.cause instanceof CancelledError, String(error.cause))
      const failure = describeFailure(error)
      assert.deepEqual([failure.exitCode, failure.message], [130, 'Interrupted while database db_1 was still provisioning.'])
      assert.equal(failure.next, 'It was created all the same (shown above); check it with `prisma-mgmt db show db_1`.')
      return true
    })
    assert.deepEqual(written, ['table db_1 postgres://u:p@h/db provisioning'], 'what was created is printed first, with its status')
    assert.equal(api.polls, 0, 'no status poll after the interrupt')
  })

  it('Ctrl-C, SIGTERM or SIGHUP during the wait: the last status seen is said, never "ready", with the signal\'s exit code', async () => {
    const said = {SIGINT: [130, 'Interrupted'], SIGTERM: [143, 'Terminated'], SIGHUP: [129, 'Hung up (the terminal closed)']} as const
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const api = fakeApi(['provisioning'])
      const written: string[] = []
      const sleep = async (_ms: number, abort?: AbortSignal) => {
        process.emit(signal, signal)
        assert.ok(abort?.aborted, 'the wait is aborted')
        throw new Error('aborted')
      }
      await assert.rejects(createAndDeliver(options(api, written, {sleep})), (error: unknown) => {
        assert.ok(error instanceof DeliveredError, String(error))
        const failure = describeFailure(error)
        assert.deepEqual([failure.exitCode, failure.message], [said[signal][0], `${said[signal][1]} while database db_1 was still provisioning.`])
        return true
      })
      assert.deepEqual(written, ['table db_1 postgres://u:p@h/db provisioning'], signal)
    }
  })
})

describe('create and deliver: what it says, and what it leaves behind', () => {
  const listeners = () => ['SIGINT', 'SIGTERM', 'SIGHUP'].map((signal) => process.listenerCount(signal))
  const waiting = "Interrupted: waiting for the API's answer so that nothing it creates is lost (interrupt again to stop at once)."

  function recorded(): {spinner: Spinner; calls: string[]} {
    const calls: string[] = []
    return {calls, spinner: {update() {}, succeed: (text?: string) => void calls.push(`succeed ${text}`), fail: () => void calls.push('fail'), stop() {}}}
  }

  it('ready: the spinner succeeds with the done line, and no signal listener is left', async () => {
    const before = listeners()
    const {spinner: rec, calls} = recorded()
    await createAndDeliver(options(fakeApi(['ready']), [], {spinner: rec}))
    assert.deepEqual(calls, ['succeed created db_1'])
    assert.deepEqual(listeners(), before)
  })

  it('a database that fails: the spinner fails, never succeeds; no listener is left', async () => {
    const before = listeners()
    const {spinner: rec, calls} = recorded()
    await assert.rejects(createAndDeliver(options(fakeApi(['failure']), [], {spinner: rec, sleep: async () => undefined})), DeliveredError)
    assert.deepEqual(calls, ['fail'])
    assert.deepEqual(listeners(), before)
  })

  it('Ctrl-C while the POST is on its way: it says it waits for the answer', async () => {
    const said: string[] = []
    const create = async () => {
      process.emit('SIGINT', 'SIGINT')
      return {id: 'db_1', status: 'provisioning', secret: 'postgres://u:p@h/db'}
    }
    await assert.rejects(createAndDeliver(options(fakeApi(['ready']), [], {say: (line) => said.push(line), create})), DeliveredError)
    assert.deepEqual(said, [waiting])
  })

  it('Ctrl-C during the wait for the database: nothing is said about waiting for an answer (the answer is in hand)', async () => {
    const said: string[] = []
    const sleep = async () => {
      process.emit('SIGINT', 'SIGINT')
      throw new Error('aborted')
    }
    await assert.rejects(createAndDeliver(options(fakeApi(['provisioning']), [], {say: (line) => said.push(line), sleep})), DeliveredError)
    assert.deepEqual(said, [])
  })

  it('Ctrl-C while the POST is on its way for a create without a database: nothing was left to wait for', async () => {
    const said: string[] = []
    const create = async () => {
      process.emit('SIGINT', 'SIGINT')
      return {id: 'proj_1', status: 'n/a', secret: ''}
    }
    const created = await createAndDeliver(options(fakeApi([]), [], {say: (line) => said.push(line), create, database: () => undefined}))
    assert.equal(created.id, 'proj_1')
    assert.deepEqual(said, [waiting, 'Nothing was left to wait for.'])
  })

  it('a database that fails and a rendering that fails: the database\'s failure is the error, the details shown plainly', async () => {
    const written: string[] = []
    const print = async () => {
      throw new Error('terminal gone')
    }
    await assert.rejects(createAndDeliver(options(fakeApi(['failure']), written, {print, sleep: async () => undefined})), (error: unknown) => {
      assert.ok(error instanceof DeliveredError && error.cause instanceof ProvisioningError, String(error))
      return true
    })
    assert.deepEqual(written, ['plain db_1 postgres://u:p@h/db'])
  })
})
