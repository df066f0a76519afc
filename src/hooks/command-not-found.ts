// Words oclif could not match to a command. When they start with a real command, the rest are
// arguments that command does not take: it runs with them and refuses them itself (exit 2, naming
// each, in the format asked for). Otherwise it is a mistyped command: name the closest real one,
// on a terminal or not, and exit 127 (what shells use for "command not found"). Nothing is run in
// a mistyped command's place: a script must never do something else.
import type {Hook} from '@oclif/core'

import {terminalSafe} from '../output/safe-text.js'

const hook: Hook<'command_not_found'> = async function ({id, argv, config}) {
  const words = id.split(':')
  // With a space as topic separator, oclif reads `projects list extra` as the command id `projects:list:extra`.
  for (let end = words.length - 1; end > 0; end--) {
    const command = words.slice(0, end).join(':')
    if (config.findCommand(command)) return config.runCommand(command, [...words.slice(end), ...(argv ?? [])])
  }

  const {distance} = await import('fastest-levenshtein')
  const typed = id.replaceAll(':', ' ')
  const candidates = config.commands.filter((command) => !command.hidden).map((command) => command.id.replaceAll(':', ' '))
  let best: {id: string; distance: number} | undefined
  for (const candidate of candidates) {
    // A longer command starting with what was typed (`projects` → `projects list`) is as close as it gets.
    const score = candidate.startsWith(`${typed} `) ? 0 : distance(typed, candidate)
    if (!best || score < best.distance) best = {id: candidate, distance: score}
  }
  const lines = [`Error: "${terminalSafe(typed)}" is not a ${config.bin} command.`]
  // Far-off guesses are noise; a third of the length catches typos and swapped letters.
  if (best && best.distance <= Math.max(2, Math.ceil(typed.length / 3))) lines.push(`Did you mean "${best.id}"?`)
  lines.push(`Run \`${config.bin} help\` for a list of commands.`)
  process.stderr.write(`${lines.join('\n')}\n`)
  this.exit(127)
}

export default hook
