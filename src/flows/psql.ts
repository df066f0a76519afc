// `db psql`: find the psql client, build its environment from a connection's endpoint (the
// password only in PGPASSWORD, never in argv), run it on the terminal, and hand back its exit
// code, with SIGINT left to psql and SIGTERM/SIGHUP forwarded to it.
import {spawn} from 'node:child_process'
import {constants as fsConstants} from 'node:fs'
import {access, stat} from 'node:fs/promises'
import {constants as osConstants} from 'node:os'
import {delimiter, isAbsolute, join, resolve} from 'node:path'

import type {EndpointDetails} from '../api/connection-details.js'
import {UsageError, type EndingSignal} from '../errors.js'

export const INSTALL_HINT =
  'Install the PostgreSQL client: `apt-get install postgresql-client` (Debian, Ubuntu), `dnf install postgresql` (Fedora), ' +
  '`brew install libpq` and `brew link --force libpq` (macOS), or the PostgreSQL installer (Windows). ' +
  'Or set PSQL to the path of a psql executable.'

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false
    await access(path, fsConstants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The psql to run: `PSQL` when set, else the first `psql` on PATH; a usage error (exit 2) when there is none. */
export async function findPsql(env: NodeJS.ProcessEnv, cwd = process.cwd()): Promise<string> {
  const given = env.PSQL?.trim()
  if (given) {
    const path = isAbsolute(given) ? given : resolve(cwd, given)
    if (await isExecutableFile(path)) return path
    throw new UsageError(`PSQL is set to ${JSON.stringify(given)}, which is not an executable file.`, `Point PSQL at psql, or unset it to use the psql on PATH. ${INSTALL_HINT}`)
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral,ArrayDeclaration: the Windows branch; the tests run on Linux
  const names = process.platform === 'win32' ? ['psql.exe', 'psql'] : ['psql']
  // Stryker disable next-line StringLiteral: with neither PATH nor Path set, any other text names no folder holding psql either
  for (const folder of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (folder === '') continue
    for (const name of names) {
      const path = join(folder, name)
      if (await isExecutableFile(path)) return path
    }
  }
  throw new UsageError('psql, the PostgreSQL client, was not found on PATH; no connection was created.', INSTALL_HINT)
}

/** The `sslmode` of a connection string, if it has one. */
export function sslModeOf(connectionString: string | undefined): string | undefined {
  // Stryker disable next-line ConditionalExpression: new URL('') throws, which the catch answers with undefined too
  if (!connectionString) return undefined
  try {
    return new URL(connectionString).searchParams.get('sslmode') ?? undefined
  } catch {
    return undefined
  }
}

/** psql's environment: the caller's, with the endpoint's PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD and PGSSLMODE. */
export function psqlEnvironment(endpoint: EndpointDetails, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {...base}
  // A service definition or a password file would override or mix with the connection's own values.
  for (const key of ['PGSERVICE', 'PGPASSFILE', 'PSQL']) delete env[key]
  env.PGHOST = endpoint.host
  env.PGPORT = String(endpoint.port)
  if (endpoint.user !== undefined) env.PGUSER = endpoint.user
  if (endpoint.database !== undefined) env.PGDATABASE = endpoint.database
  if (endpoint.password !== undefined) env.PGPASSWORD = endpoint.password
  const sslMode = sslModeOf(endpoint.connectionString)
  if (sslMode) env.PGSSLMODE = sslMode
  return env
}

/**
 * Signals while a psql session is set up, runs and is cleaned up. The CLI never dies of SIGINT
 * or SIGTERM meanwhile: the terminal sends Ctrl-C to psql itself (psql cancels its query), and
 * SIGTERM and SIGHUP are passed on to psql. A signal before psql starts means: do not start it.
 */
export interface SignalGuard {
  /** The first SIGINT, SIGTERM or SIGHUP received while no psql was running. */
  readonly before: EndingSignal | undefined
  /** Forward signals to this child from now on (undefined: stop forwarding). */
  forwardTo(child: {kill(signal: NodeJS.Signals): boolean} | undefined): void
  dispose(): void
}

// Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral,ArrayDeclaration: the Windows branch; the tests run on Linux (the Linux list is held by the tests)
const GUARDED: EndingSignal[] = process.platform === 'win32' ? ['SIGINT', 'SIGTERM'] : ['SIGINT', 'SIGTERM', 'SIGHUP']

export function guardSignals(): SignalGuard {
  let child: {kill(signal: NodeJS.Signals): boolean} | undefined
  let started = false
  let before: EndingSignal | undefined
  const onSignal = (signal: EndingSignal) => {
    if (child) {
      // Ctrl-C reached psql from the terminal already; a second copy would cancel twice.
      if (signal !== 'SIGINT') child.kill(signal)
      return
    }
    if (!started) before ??= signal
  }
  for (const name of GUARDED) process.on(name, onSignal)
  return {
    get before() {
      return before
    },
    forwardTo(next) {
      if (next) started = true
      child = next
    },
    dispose() {
      for (const name of GUARDED) process.off(name, onSignal)
    },
  }
}

/** How psql ended: an exit code, or the signal that ended it as 128+n. */
export interface PsqlExit {
  code: number
  signal?: NodeJS.Signals
}

/** 128 + the signal's number, as shells report a process a signal ended. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (osConstants.signals[signal] ?? 0)
}

/** Runs psql on the process's own terminal (stdio inherited); rejects only when it cannot be started. */
export function runPsql(path: string, args: readonly string[], env: NodeJS.ProcessEnv, guard: SignalGuard): Promise<PsqlExit> {
  return new Promise((ok, fail) => {
    const child = spawn(path, [...args], {stdio: 'inherit', env})
    guard.forwardTo(child)
    child.once('error', (error) => {
      guard.forwardTo(undefined)
      fail(error)
    })
    child.once('exit', (code, signal) => {
      guard.forwardTo(undefined)
      ok(signal ? {code: signalExitCode(signal), signal} : {code: code ?? 1})
    })
  })
}
