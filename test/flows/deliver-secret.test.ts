// A one-time secret's request and its delivery, with signals sent to this process (process.emit):
// an interrupt while the request is on its way is heard, the answer awaited and delivered, then
// the command ends with the signal's code; a second one stops at once; a failed delivery wins over
// the interrupt. The interrupt watch itself: what it aborts with, what it says, what it leaves.
import assert from 'node:assert/strict'
import {describe, it, mock} from 'node:test'

import {CancelledError, DeliveredError} from '../../src/errors.js'
import {deliverSecret} from '../../src/flows/deliver-secret.js'
import {endingSignal, watchInterrupts} from '../../src/flows/interrupts.js'

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
const WORDS = {SIGINT: 'Interrupted', SIGTERM: 'Terminated', SIGHUP: 'Hung up (the terminal closed)'} as const
const CODES = {SIGINT: 130, SIGTERM: 143, SIGHUP: 129} as const
const waiting = (word: string) => `${word}: waiting for the API's answer so that nothing it creates is lost (interrupt again to stop at once).`
const listeners = () => SIGNALS.map((signal) => process.listenerCount(signal))
const ANSWER = {id: 'tok_1', value: 'secret-1'}

/** A request whose answer comes after `during` ran, as if the signal arrived while it was on its way. */
function request(during: () => void = () => undefined, deliver: (answer: typeof ANSWER) => void = () => undefined) {
  const said: string[] = []
  const delivered: unknown[] = []
  return {
    said,
    delivered,
    run: () =>
      deliverSecret({
        say: (line) => said.push(line),
        send: async () => {
          during()
          return {...ANSWER}
        },
        deliver: async (answer) => {
          delivered.push(answer)
          deliver(answer)
        },
        kept: (answer) => `Service token ${answer.id} WAS created; its value is printed above.`,
      }),
  }
}

describe('delivering a one-time secret', () => {
  it('no signal: delivered once and returned, nothing said, no listener left', async () => {
    const before = listeners()
    const {said, delivered, run} = request()
    assert.deepEqual(await run(), ANSWER)
    assert.deepEqual([said, delivered], [[], [ANSWER]])
    assert.deepEqual(listeners(), before)
  })

  for (const signal of SIGNALS) {
    it(`${signal} while the request is on its way: heard, the answer delivered, then exit ${CODES[signal]} saying where the secret is`, async () => {
      const before = listeners()
      const {said, delivered, run} = request(() => process.emit(signal, signal))
      const error = await run().catch((error: unknown) => error)
      assert.ok(error instanceof DeliveredError, String(error))
      assert.deepEqual(error.created, ANSWER)
      assert.ok(error.cause instanceof CancelledError)
      assert.deepEqual([error.cause.message, error.cause.exitCode, error.cause.signal], [`${WORDS[signal]} while waiting for the API's answer.`, CODES[signal], signal])
      assert.equal(error.next, 'Service token tok_1 WAS created; its value is printed above.')
      assert.deepEqual([said, delivered], [[waiting(WORDS[signal])], [ANSWER]])
      assert.deepEqual(listeners(), before)
    })
  }

  it('a signal while the secret is being delivered: nothing said then, the delivery finishes, then the signal ends the command', async () => {
    const {said, delivered, run} = request(undefined, () => process.emit('SIGTERM', 'SIGTERM'))
    const error = await run().catch((error: unknown) => error)
    assert.ok(error instanceof DeliveredError && error.cause instanceof CancelledError, String(error))
    assert.equal(error.cause.exitCode, 143)
    assert.deepEqual([said, delivered], [[], [ANSWER]])
  })

  it('a delivery that fails after an interrupt: its failure is the error, beside the answer', async () => {
    const broken = new Error('stdout closed')
    const {run} = request(
      () => process.emit('SIGINT', 'SIGINT'),
      () => {
        throw broken
      },
    )
    const error = await run().catch((error: unknown) => error)
    assert.ok(error instanceof DeliveredError)
    assert.deepEqual([error.cause, error.created, error.next], [broken, ANSWER, undefined])
  })

  it('a request that fails is its own error, nothing delivered, no listener left', async () => {
    const before = listeners()
    const refused = new Error('409 conflict')
    const delivered: unknown[] = []
    await assert.rejects(
      deliverSecret({
        say: () => undefined,
        send: async () => Promise.reject(refused),
        deliver: async (answer) => {
          delivered.push(answer)
        },
        kept: () => '',
      }),
      refused,
    )
    assert.deepEqual(delivered, [])
    assert.deepEqual(listeners(), before)
  })

  it('a second interrupt while the answer is still on its way stops at once, with that signal\'s code', async () => {
    const exits: number[] = []
    const exit = mock.method(process, 'exit', (code?: number) => {
      exits.push(code ?? 0)
      return undefined as never
    })
    try {
      const {said, run} = request(() => {
        process.emit('SIGINT', 'SIGINT')
        process.emit('SIGTERM', 'SIGTERM')
      })
      await run().catch(() => undefined)
      assert.deepEqual(exits, [143])
      assert.deepEqual(said.slice(0, 2), [waiting('Interrupted'), "Interrupted again: stopping without the API's answer."])
    } finally {
      exit.mock.restore()
    }
  })
})

describe('the interrupt watch', () => {
  it('aborts with the signal as its reason and remembers it; its error names the signal and what was cut short', () => {
    for (const signal of SIGNALS) {
      const said: string[] = []
      const watch = watchInterrupts((line) => said.push(line))
      try {
        assert.deepEqual([watch.received, watch.signal.aborted, watch.holding], [undefined, false, false])
        process.emit(signal, signal)
        assert.deepEqual([watch.received, watch.signal.aborted, watch.signal.reason, said], [signal, true, signal, []])
        const error = watch.error('while database db_1 was still provisioning')
        assert.deepEqual([error.message, error.exitCode], [`${WORDS[signal]} while database db_1 was still provisioning.`, CODES[signal]])
      } finally {
        watch.dispose()
      }
    }
  })

  it('with no signal, its error speaks of an interrupt', () => {
    const watch = watchInterrupts(() => undefined)
    watch.dispose()
    assert.deepEqual([watch.error('while waiting').message, watch.error('while waiting').exitCode], ['Interrupted while waiting.', 130])
  })

  it('a second signal when not holding is noted again, never ends the process', () => {
    const exit = mock.method(process, 'exit', () => undefined as never)
    const watch = watchInterrupts(() => undefined)
    try {
      process.emit('SIGINT', 'SIGINT')
      process.emit('SIGTERM', 'SIGTERM')
      assert.equal(exit.mock.callCount(), 0)
      assert.equal(watch.received, 'SIGTERM')
    } finally {
      watch.dispose()
      exit.mock.restore()
    }
  })

  it('endingSignal: the three signals it watches, nothing else', () => {
    for (const signal of SIGNALS) assert.equal(endingSignal(signal), signal)
    for (const reason of ['SIGKILL', '', 2, undefined, new Error('SIGINT'), {SIGINT: true}, ['SIGINT']]) assert.equal(endingSignal(reason), undefined, String(reason))
  })
})
