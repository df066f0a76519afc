// Spinners write to stderr, only on a terminal, never with a machine format (json, yaml).
import type {Ora} from 'ora'

import type {IOStreams} from '../io/streams.js'
import {terminalSafe} from '../output/safe-text.js'

export interface Spinner {
  update(text: string): void
  succeed(text: string): void
  fail(text?: string): void
  stop(): void
}

const silent: Spinner = {update() {}, succeed() {}, fail() {}, stop() {}}

export async function startSpinner(io: IOStreams, text: string, {enabled}: {enabled: boolean}): Promise<Spinner> {
  if (!enabled || io.stderr.isTTY !== true) return silent
  const {default: ora} = await import('ora')
  const spinner: Ora = ora({text: terminalSafe(text), stream: io.stderr as NodeJS.WritableStream, discardStdin: false}).start()
  return {
    update: (next) => {
      spinner.text = terminalSafe(next)
    },
    succeed: (done) => spinner.succeed(terminalSafe(done)),
    fail: (why) => spinner.fail(why === undefined ? undefined : terminalSafe(why)),
    stop: () => spinner.stop(),
  }
}
