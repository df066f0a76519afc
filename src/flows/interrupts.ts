// Ctrl-C and SIGTERM while something the API created is in hand: the process does not die on
// the spot, it finishes delivering what was created, then exits 130.
import {CancelledError} from '../errors.js'

export interface InterruptWatch {
  /** Aborts when SIGINT or SIGTERM arrives. */
  readonly signal: AbortSignal
  /** The signal received, if any. */
  readonly received: NodeJS.Signals | undefined
  /** While true, an interrupt only says it was heard (the create's answer is still on its way). */
  holding: boolean
  /** The error an interrupted command ends with. */
  error(during: string): CancelledError
  dispose(): void
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']

/** Watches for SIGINT/SIGTERM; a second one while holding ends the process at once (exit 130). */
export function watchInterrupts(say: (line: string) => void): InterruptWatch {
  const controller = new AbortController()
  let received: NodeJS.Signals | undefined
  const onSignal = (signal: NodeJS.Signals) => {
    if (received && watch.holding) {
      say('Interrupted again: stopping without the API\'s answer.')
      process.exit(130)
    }
    received = signal
    if (watch.holding) say(`${signal === 'SIGINT' ? 'Interrupted' : 'Terminated'}: waiting for the API's answer so that nothing it creates is lost (interrupt again to stop at once).`)
    controller.abort()
  }
  const watch: InterruptWatch = {
    signal: controller.signal,
    get received() {
      return received
    },
    holding: false,
    error: (during) => new CancelledError(`${received === 'SIGTERM' ? 'Terminated' : 'Interrupted'} ${during}.`),
    dispose: () => {
      for (const name of SIGNALS) process.off(name, onSignal)
    },
  }
  for (const name of SIGNALS) process.on(name, onSignal)
  return watch
}
