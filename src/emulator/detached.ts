// The record `emulator start --detach` keeps in prisma-mgmt's data folder so that `emulator stop`
// finds the background emulator: its pid, URL and log file, never its token. Loaded without the
// emulator itself, so neither command pays for the server to read it.
import {existsSync, readFileSync} from 'node:fs'
import {readFile, rm} from 'node:fs/promises'
import {join} from 'node:path'

import {writeFileAtomically} from '../files/atomic-write.js'

/** What `emulator start --detach` keeps in oclif's data dir so that `emulator stop` finds it; never the token. */
export interface DetachedRecord {
  pid: number
  /** null while it is still starting. */
  url: string | null
  logFile: string
  startedAt: string
}

export const DETACHED_RECORD = 'emulator.json'
export const DETACHED_LOG = 'emulator.log'

export async function readDetachedRecord(dataDir: string): Promise<DetachedRecord | undefined> {
  let text: string
  try {
    text = await readFile(join(dataDir, DETACHED_RECORD), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const record = JSON.parse(text) as Partial<DetachedRecord>
    if (Number.isInteger(record.pid) && (record.pid as number) > 0 && typeof record.logFile === 'string') return record as DetachedRecord
  } catch {
    // Falls through: a record no one can read names no process to stop.
  }
  return undefined
}

/** Removes the record only while it still names `pid`, so a newer emulator's record survives. */
export async function removeDetachedRecord(dataDir: string, pid: number): Promise<void> {
  const file = join(dataDir, DETACHED_RECORD)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return
  }
  let recorded: unknown
  try {
    recorded = (JSON.parse(text) as Partial<DetachedRecord>).pid
  } catch {
    recorded = undefined
  }
  if (recorded === pid || recorded === undefined) await rm(file, {force: true})
}

/** True when `pid` is a live `emulator start`; a pid the system gave to another program since is not. */
export function isEmulatorProcess(pid: number): boolean {
  let cmdline: string
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    // Without /proc (macOS), a pid that takes signals is the best evidence there is.
    if (!existsSync('/proc/self/cmdline')) return takesSignals(pid)
    return false
  }
  // A zombie's cmdline is empty: it has exited, whoever reaps it.
  const args = cmdline.split('\0')
  return args.some((arg, i) => arg === 'emulator' && args[i + 1] === 'start')
}

function takesSignals(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Kills the emulator and whatever it started (its process group: it was spawned detached). */
export function killEmulatorGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL')
    } catch {
      // Already gone, or not a group leader after all: the other target covers it.
    }
  }
}

/** Written whole into place; `exclusive` fails with EEXIST when a record exists already. */
export async function writeDetachedRecord(dataDir: string, record: DetachedRecord, exclusive: boolean): Promise<void> {
  // No folder sync: after a power cut there is no emulator for the record to name.
  await writeFileAtomically(join(dataDir, DETACHED_RECORD), `${JSON.stringify(record, null, 2)}\n`, {mode: 0o600, exclusive})
}
