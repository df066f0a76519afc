// Polls a database the API just created until it is ready, for `projects create` and `db create`.
import {setTimeout as timer} from 'node:timers/promises'

import type {ManagementApi} from '../api/management-api.js'
import {CancelledError, ProvisioningError} from '../errors.js'
import type {Spinner} from '../render/spinner.js'
import {endingSignal, SIGNAL_WORDS} from './interrupts.js'

export interface WaitOptions {
  /** The whole wait, measured from its start; the last poll happens at or after this. */
  timeoutSeconds: number
  spinner: Spinner
  /** Ends the wait (an interrupt, whose signal may be its reason); the wait then throws CancelledError. */
  signal?: AbortSignal
  /** Each status seen, so that a caller whose wait fails still knows the last one. */
  onStatus?: (status: string) => void
  /** Waits between polls (default a timer); rejects when the signal aborts. Tests pass an instant one. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** What `failure` means here: `provision` (default), or `restore` for a database being restored. */
  failedTo?: string
}

const FIRST_DELAY_MS = 200
const MAX_DELAY_MS = 2000

/**
 * Returns the database with the status it waited for (scripts read the state the command waited
 * for, not the one the POST answered). Throws ProvisioningError when it failed or was not ready
 * within the timeout, CancelledError when the signal aborted, or the API's error.
 */
export async function waitUntilReady<D extends {id: string; status: string}>(
  api: ManagementApi,
  database: D,
  {timeoutSeconds, spinner, signal, onStatus, sleep = (ms, abort) => timer(ms, undefined, {signal: abort}), failedTo = 'provision'}: WaitOptions,
): Promise<D> {
  const {id} = database
  let status = database.status
  const interrupted = () => {
    const received = endingSignal(signal?.reason) ?? 'SIGINT'
    return new CancelledError(`${SIGNAL_WORDS[received]} while database ${id} was still ${status}.`, received)
  }
  const deadline = Date.now() + timeoutSeconds * 1000
  let delay = FIRST_DELAY_MS
  for (let polls = 0; ; polls++) {
    if (status === 'ready') return {...database, status}
    if (status === 'failure') {
      throw new ProvisioningError(`Database ${id} failed to ${failedTo}.`, `See what the API says of it with \`prisma-mgmt db show ${id}\`.`)
    }
    spinner.update(`Waiting for database ${id} (${status})`)
    try {
      // The first poll goes at once; later ones back off, and the last lands on the deadline, not before it.
      if (polls > 0) {
        const left = deadline - Date.now()
        if (left <= 0) {
          throw new ProvisioningError(
            `Database ${id} is still ${status} after ${timeoutSeconds}s.`,
            `It may still become ready: check it with \`prisma-mgmt db show ${id}\`.`,
          )
        }
        await sleep(Math.min(delay, left), signal)
        delay = Math.min(delay * 2, MAX_DELAY_MS)
      }
      status = (await api.getDatabase(id, {signal})).status
    } catch (error) {
      if (signal?.aborted) throw interrupted()
      throw error
    }
    onStatus?.(status)
  }
}
