import {Command, Errors} from '@oclif/core'

import {isEmulatorProcess, killEmulatorGroup, readDetachedRecord, removeDetachedRecord} from '../../emulator/detached.js'
import {EmulatorError} from '../../errors.js'
import {processStreams} from '../../io/streams.js'
import {reportFailure} from '../../output/failure.js'

// Closing `local` databases takes a few seconds each; past this, something is stuck.
const STOP_TIMEOUT_MS = 30_000
const KILL_TIMEOUT_MS = 5_000

export default class EmulatorStop extends Command {
  // The same streams every command writes through.
  private readonly io = processStreams()

  static override summary = 'Stop the emulator started with "emulator start --detach"'

  static override description = `Sends SIGTERM to the emulator that "emulator start --detach" recorded, waits until it has exited (its databases closed cleanly) and removes the record. If it has not exited after 30 seconds, it is killed, with a warning.

Succeeds also when no detached emulator is running.`

  static override examples = ['<%= config.bin %> <%= command.id %>']

  public async run(): Promise<void> {
    await this.parse(EmulatorStop)
    const {dataDir} = this.config
    const record = await readDetachedRecord(dataDir)
    if (!record || !isEmulatorProcess(record.pid)) {
      // A record of a process that is gone stops nothing; the next `start --detach` would replace it anyway.
      if (record) await removeDetachedRecord(dataDir, record.pid)
      this.io.stdout.write('No detached emulator is running.\n')
      return
    }

    const {pid, url} = record
    try {
      process.kill(pid, 'SIGTERM')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
    }
    if (!(await exited(pid, STOP_TIMEOUT_MS))) {
      this.io.stderr.write(`Warning: the emulator (pid ${pid}) did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; killing it. Its databases may not have closed cleanly.\n`)
      killEmulatorGroup(pid)
      if (!(await exited(pid, KILL_TIMEOUT_MS))) {
        throw new EmulatorError(`The emulator (pid ${pid}) is still running after SIGKILL; its record stays in ${dataDir}.`)
      }
    }
    await removeDetachedRecord(dataDir, pid)
    this.io.stdout.write(url ? `Stopped the emulator at ${url} (pid ${pid}).\n` : `Stopped the emulator (pid ${pid}), which had not started listening yet.\n`)
  }

  // Failures read like every other command's: `Error: ...`, then what to do.
  public override async catch(error: Error & {exitCode?: number}): Promise<void> {
    if (error instanceof Errors.ExitError) throw error
    process.exitCode = await reportFailure(error, {io: this.io, flagNames: Object.keys(EmulatorStop.flags ?? {}), command: {id: 'emulator:stop', args: EmulatorStop.args}})
  }
}

async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (isEmulatorProcess(pid)) {
    if (Date.now() > deadline) return false
    await new Promise((ok) => setTimeout(ok, 100))
  }
  return true
}
