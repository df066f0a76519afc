#!/usr/bin/env node
// Stands in for a login shell on a terminal that closes: it runs the command in its own process
// group on the terminal and, on SIGHUP, hangs up that group once, as bash hangs up its jobs when
// its terminal goes (and says so in <record>.hup). It outlives the terminal to write how the command ended to the file given.
//   node hangup-shell.mjs <record.json> <command> [args...]
import {spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'

const [record, command, ...args] = process.argv.slice(2)
const child = spawn(command, args, {stdio: 'inherit'})
let hungUp = false
process.on('SIGHUP', () => {
  if (hungUp) return
  hungUp = true
  try {
    // The whole group, this process included (it ignores the second one): the command and whatever it runs, psql too.
    process.kill(-process.pid, 'SIGHUP')
  } catch {
    child.kill('SIGHUP')
  }
  // Said once the hang-up is on its way to the command, so that a test can let an answer through only after it.
  writeFileSync(`${record}.hup`, 'SIGHUP')
})
child.once('exit', (code, signal) => {
  writeFileSync(record, JSON.stringify({code, signal}))
  process.exit(0)
})
