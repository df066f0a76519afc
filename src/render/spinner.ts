// Spinners write to stderr, only on a terminal, never with a machine format (json, yaml).
import type {Ora} from 'ora'

import {UNSIZED_TERMINAL_COLUMNS, type IOStreams} from '../io/streams.js'
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
  const spinner: Ora = ora({text: terminalSafe(text), stream: withKnownWidth(io.stderr as NodeJS.WriteStream), discardStdin: false}).start()
  return {
    update: (next) => {
      spinner.text = terminalSafe(next)
    },
    succeed: (done) => spinner.succeed(terminalSafe(done)),
    fail: (why) => spinner.fail(why === undefined ? undefined : terminalSafe(why)),
    stop: () => spinner.stop(),
  }
}

/**
 * A terminal that reports 0 columns (a pseudo-terminal nobody sized, as `script` or `docker exec
 * -t` make) is drawn on as wide as tables assume (terminalWidth): ora divides by the width to count the lines it
 * clears, and 0 would have it clear lines without end.
 */
function withKnownWidth(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  if (typeof stream.columns === 'number' && stream.columns > 0) return stream
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'columns') return UNSIZED_TERMINAL_COLUMNS
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}
