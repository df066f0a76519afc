// Ctrl-C, SIGTERM and SIGHUP (the terminal closed) while something the API created is in hand:
// the process does not die on the spot, it finishes delivering what was created, then exits
// with the signal's code (130, 143, 129).
import {CancelledError, SIGNAL_EXIT, type EndingSignal} from '../errors.js'

export interface InterruptWatch {
  /** Aborts when SIGINT, SIGTERM or SIGHUP arrives. */
  readonly signal: AbortSignal
  /** The signal received, if any. */
  readonly received: EndingSignal | undefined
  /** While true, an interrupt only says it was heard (the create's answer is still on its way). */
  holding: boolean
  /** The error an interrupted command ends with, with the signal's exit code. */
  error(during: string): CancelledError
  dispose(): void
}

const SIGNALS = Object.keys(SIGNAL_EXIT) as EndingSignal[]

/** How a signal is said: `Interrupted while waiting…`. */
export const SIGNAL_WORDS: Record<EndingSignal, string> = {SIGINT: 'Interrupted', SIGTERM: 'Terminated', SIGHUP: 'Hung up (the terminal closed)'}

/** The signal an interrupt watch aborted with, when `reason` is one. */
export function endingSignal(reason: unknown): EndingSignal | undefined {
  return typeof reason === 'string' && reason in SIGNAL_EXIT ? (reason as EndingSignal) : undefined
}

/** Watches for SIGINT, SIGTERM and SIGHUP; a second one while holding ends the process at once, with its own exit code. */
export function watchInterrupts(say: (line: string) => void): InterruptWatch {
  const controller = new AbortController()
  let received: EndingSignal | undefined
  const onSignal = (signal: EndingSignal) => {
    if (received && watch.holding) {
      say('Interrupted again: stopping without the API\'s answer.')
      process.exit(SIGNAL_EXIT[signal])
    }
    received = signal
    if (watch.holding) say(`${SIGNAL_WORDS[signal]}: waiting for the API's answer so that nothing it creates is lost (interrupt again to stop at once).`)
    // The reason says which signal it was, for whoever the signal ends (the wait for a database).
    controller.abort(signal)
  }
  const watch: InterruptWatch = {
    signal: controller.signal,
    get received() {
      return received
    },
    holding: false,
    error: (during) => new CancelledError(`${SIGNAL_WORDS[received ?? 'SIGINT']} ${during}.`, received),
    dispose: () => {
      for (const name of SIGNALS) process.off(name, onSignal)
    },
  }
  for (const name of SIGNALS) process.on(name, onSignal)
  return watch
}
