// Spinners write to stderr, only on a TTY, never with --json.
import type {Ora} from 'ora'

import {terminalSafe} from './safe-text.js'
import {streams} from './terminal.js'

export interface Spinner {
  update(text: string): void
  succeed(text: string): void
  fail(text?: string): void
  stop(): void
}

const silent: Spinner = {update() {}, succeed() {}, fail() {}, stop() {}}

export async function startSpinner(text: string, {json}: {json: boolean}): Promise<Spinner> {
  if (json || !streams.stderr.isTTY) return silent
  const {default: ora} = await import('ora')
  const spinner: Ora = ora({text: terminalSafe(text), stream: streams.stderr, discardStdin: false}).start()
  return {
    update: (next) => {
      spinner.text = terminalSafe(next)
    },
    succeed: (done) => spinner.succeed(terminalSafe(done)),
    fail: (why) => spinner.fail(why === undefined ? undefined : terminalSafe(why)),
    stop: () => spinner.stop(),
  }
}
