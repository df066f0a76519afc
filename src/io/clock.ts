// Time, passed in so that waits and generated names can be tested without waiting.
import {setTimeout as sleep} from 'node:timers/promises'

export interface Clock {
  now(): Date
  /** Rejects with an AbortError when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) => sleep(ms, undefined, {signal}),
}
