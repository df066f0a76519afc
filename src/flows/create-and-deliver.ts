// Creating a project or a database: once the API has answered the POST, what it created (ids and
// the one-time connection strings) reaches the user whatever happens next: an interrupt, a failing
// status poll, the wait's timeout, or an error while rendering. An interrupt says what it cut short
// (a database still provisioning); one that came when nothing was left to wait for is no failure.
import type {ManagementApi} from '../api/management-api.js'
import {CancelledError, CliError, DeliveredError} from '../errors.js'
import type {Spinner} from '../render/spinner.js'
import {watchInterrupts} from './interrupts.js'
import {waitUntilReady} from './wait-until-ready.js'

export interface CreateAndDeliver<C extends object> {
  api: ManagementApi
  spinner: Spinner
  /** A machine format (json, yaml): nothing is printed here; the command prints what this returns or throws. */
  machine: boolean
  /** --wait and --wait-timeout. */
  wait: boolean
  timeoutSeconds: number
  /** Waits between status polls (the clock's). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Lines on stderr while interrupts are held. */
  say: (line: string) => void
  /** The POST. */
  create: () => Promise<C>
  /** The database to wait for and a copy of the created object with its new status. */
  database: (created: C) => {id: string; status: string} | undefined
  withStatus: (created: C, status: string) => C
  /** The spinner's last line on success. */
  done: (created: C) => string
  /** Prints the created object for people (tables, or tab-separated rows), which may fail; then `plain` is printed instead. */
  print: (created: C) => Promise<void>
  /** The ids and connection strings as plain lines; never fails. */
  plain: (created: C) => string
  /** Where to look next, e.g. `prisma-mgmt db show <id>`. */
  check: (created: C) => string
  write: (text: string) => void
}

/** What every create shares: the client, the spinner, the output mode and --wait/--wait-timeout. */
export type Delivery = Pick<CreateAndDeliver<object>, 'api' | 'spinner' | 'machine' | 'wait' | 'timeoutSeconds' | 'sleep' | 'say' | 'write'>

export async function createAndDeliver<C extends object>(options: CreateAndDeliver<C>): Promise<C> {
  const {spinner} = options
  const interrupts = watchInterrupts(options.say)
  let created: C
  interrupts.holding = true
  try {
    created = await options.create()
  } catch (error) {
    interrupts.dispose()
    spinner.fail()
    throw error
  }
  interrupts.holding = false

  let failure: unknown
  let lead: string | undefined
  // What an interrupt cut short: the database as last seen, still not ready.
  // Stryker disable next-line OptionalChaining: it is only called with the database in hand
  const stillNotReady = (database: {id: string}) => interrupts.error(`while database ${database.id} was still ${options.database(created)?.status ?? 'not ready'}`)
  try {
    const database = options.database(created)
    if (interrupts.signal.aborted) {
      // The interrupt came while the POST was on its way: it cuts short only a wait still to come.
      if (database && database.status !== 'ready') throw stillNotReady(database)
      options.say(database ? `Nothing was left to wait for: database ${database.id} is ready.` : 'Nothing was left to wait for.')
    } else if (database && options.wait) {
      let ready: {status: string}
      try {
        ready = await waitUntilReady(options.api, database, {
          timeoutSeconds: options.timeoutSeconds,
          spinner,
          signal: interrupts.signal,
          sleep: options.sleep,
          onStatus: (status) => {
            created = options.withStatus(created, status)
          },
        })
      } catch (error) {
        if (error instanceof CancelledError && interrupts.signal.aborted) throw stillNotReady(database)
        throw error
      }
      created = options.withStatus(created, ready.status)
    }
  } catch (error) {
    failure = error
    // The CLI's own errors (interrupted, failed, timed out) already say what happened to the wait.
    const database = options.database(created)
    if (!(error instanceof CliError) && database) lead = `Waiting for database ${database.id} failed`
  } finally {
    interrupts.dispose()
  }
  if (failure === undefined) spinner.succeed(options.done(created))
  else spinner.fail()

  if (!options.machine) {
    try {
      await options.print(created)
    } catch (error) {
      if (failure === undefined) {
        failure = error
        lead = 'Printing the connection details failed; they are shown plainly instead'
      }
      options.write(options.plain(created))
    }
  }
  if (failure !== undefined) {
    throw new DeliveredError(created, failure, `It was created all the same${options.machine ? '' : ' (shown above)'}; check it with \`${options.check(created)}\`.`, lead)
  }
  return created
}
