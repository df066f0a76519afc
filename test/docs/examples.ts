// The examples in README.md and docs/*.md, read as a reader reads them: code blocks, the command
// lines of console sessions, and every `prisma-mgmt` invocation in them, checked against the
// commands and flags the CLI declares (oclif.manifest.json). No process is started here; the
// README's sessions are run for real by test/e2e/readme-examples.test.ts.
import {readFileSync, readdirSync} from 'node:fs'
import {join, resolve} from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')

export interface CodeBlock {
  file: string
  /** The fence's info string: console, sh, yaml, json, ... */
  lang: string
  /** 1-based line of the opening fence. */
  line: number
  /** The lines inside the fence, with the fence's own indentation removed. */
  lines: string[]
}

/** Every fenced code block of a markdown text, indented ones (in lists) included. */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const blocks: CodeBlock[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i])
    if (!open) continue
    const indent = open[1].length
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) body.push(lines[j].slice(Math.min(indent, lines[j].length - lines[j].trimStart().length)))
    if (j === lines.length) throw new Error(`${file}:${i + 1}: a code block is never closed`)
    blocks.push({file, lang: open[2], line: i + 1, lines: body})
    i = j
  }
  return blocks
}

export interface Step {
  /** What follows `$ `, continuation lines (ending in `\`) joined. */
  command: string
  /** 1-based line in the file. */
  line: number
  /** The lines shown after it, up to the next command. */
  output: string[]
}

/** A console block as commands, each with the output shown under it. */
export function consoleSteps(block: CodeBlock): Step[] {
  const steps: Step[] = []
  for (let i = 0; i < block.lines.length; i++) {
    const line = block.lines[i]
    if (line.startsWith('$ ')) {
      let command = line.slice(2)
      const start = i
      while (command.endsWith('\\') && i + 1 < block.lines.length) command = `${command.slice(0, -1)}\n${block.lines[++i]}`
      steps.push({command, line: block.line + 1 + start, output: []})
    } else if (steps.length === 0) {
      if (line.trim() !== '') throw new Error(`${block.file}:${block.line + 1 + i}: a console block starts with output, not a "$ " command line`)
    } else {
      steps.at(-1)!.output.push(line)
    }
  }
  for (const step of steps) while (step.output.at(-1)?.trim() === '') step.output.pop()
  return steps
}

/** The shell lines of a sh/bash block (comments and blank lines dropped, continuations joined). */
export function shellLines(block: CodeBlock): {command: string; line: number}[] {
  const commands: {command: string; line: number}[] = []
  for (let i = 0; i < block.lines.length; i++) {
    const start = i
    let command = block.lines[i]
    while (command.endsWith('\\') && i + 1 < block.lines.length) command = `${command.slice(0, -1)}\n${block.lines[++i]}`
    if (command.trim() === '' || command.trim().startsWith('#')) continue
    commands.push({command, line: block.line + 1 + start})
  }
  return commands
}

/**
 * The words of each `prisma-mgmt` invocation in a shell command line: from the word `prisma-mgmt`
 * to the first unquoted `|`, `;`, `&`, `)`, `<`, `>` or `#` comment, split as the shell splits
 * words (quotes removed; `$VAR` kept as written). Invocations inside `$( ... )` count too.
 */
export function invocations(command: string): string[][] {
  const found: string[][] = []
  const pattern = /(^|[\s;|&(`"])prisma-mgmt(?=\s|$)/g
  for (const match of withoutComments(command).matchAll(pattern)) {
    const from = match.index + match[1].length + 'prisma-mgmt'.length
    found.push(['prisma-mgmt', ...words(command.slice(from))])
  }
  return found
}

/** A command line without its shell comments (an unquoted `#` that starts a word, to the end of its line). */
function withoutComments(command: string): string {
  return command
    .split('\n')
    .map((line) => {
      let quote: string | undefined
      for (let i = 0; i < line.length; i++) {
        const c = line[i]
        if (quote) {
          if (c === quote) quote = undefined
        } else if (c === '"' || c === "'") {
          quote = c
        } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
          return line.slice(0, i)
        }
      }
      return line
    })
    .join('\n')
}

/** Shell words up to the first unquoted operator; a placeholder such as `<db-id>` is one word. */
function words(text: string): string[] {
  const out: string[] = []
  let current: string | undefined
  let quote: '"' | "'" | undefined
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quote) {
      if (c === quote) quote = undefined
      else if (c === '\\' && quote === '"' && i + 1 < text.length) current += text[++i]
      else current += c
      continue
    }
    if (c === '"' || c === "'") {
      quote = c
      current ??= ''
    } else if (c === '\\' && i + 1 < text.length) {
      current = (current ?? '') + text[++i]
    } else if (/\s/.test(c)) {
      if (current !== undefined) out.push(current)
      current = undefined
    } else if (c === '<' && current === undefined && /^<[A-Za-z][\w-]*>/.test(text.slice(i))) {
      const placeholder = /^<[A-Za-z][\w-]*>/.exec(text.slice(i))![0]
      current = placeholder
      i += placeholder.length - 1
    } else if ('|;&)<>'.includes(c) || (c === '#' && current === undefined)) {
      break
    } else {
      current = (current ?? '') + c
    }
  }
  if (current !== undefined) out.push(current)
  return out
}

interface ManifestFlag {
  char?: string
  type: 'option' | 'boolean'
  allowNo?: boolean
  hidden?: boolean
  options?: string[]
}

interface ManifestCommand {
  args: Record<string, unknown>
  flags: Record<string, ManifestFlag>
  examples?: (string | {command: string})[]
}

export interface Manifest {
  commands: Record<string, ManifestCommand>
}

export function readManifest(): Manifest {
  return JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as Manifest
}

/** Commands of the plugins (help, autocomplete), which the project's manifest does not list. */
const PLUGIN_COMMANDS = new Set(['help', 'autocomplete'])

/**
 * What is wrong with one invocation, or undefined when the CLI would parse it: the command
 * exists, every flag is one of its flags (not a hidden alias), every value is one it accepts,
 * and it passes no more arguments than it takes. Values written as `$VAR` or `<...>` are not
 * judged. Everything after `--` belongs to another program (psql).
 */
export function invocationProblem(argv: string[], manifest: Manifest): string | undefined {
  const rest = argv.slice(1)
  if (rest.length === 1 && ['--version', '--help', '-h'].includes(rest[0])) return undefined
  const topicWords: string[] = []
  for (const word of rest) {
    if (word.startsWith('-')) break
    topicWords.push(word)
  }
  if (PLUGIN_COMMANDS.has(topicWords[0])) return undefined
  let id: string | undefined
  for (let n = topicWords.length; n > 0; n--) {
    if (manifest.commands[topicWords.slice(0, n).join(':')]) {
      id = topicWords.slice(0, n).join(':')
      break
    }
  }
  const line = argv.join(' ')
  if (!id) return rest.includes('--help') ? undefined : `"${line}": no such command`
  const command = manifest.commands[id]
  const args = rest.slice(id.split(':').length)
  let positionals = 0
  for (let i = 0; i < args.length; i++) {
    const word = args[i]
    if (word === '--') break
    if (!word.startsWith('-') || word === '-') {
      positionals++
      continue
    }
    const [flagPart, inline] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined]
    const name = flagPart.startsWith('--') ? flagPart.slice(2) : undefined
    const entry = name
      ? (Object.entries(command.flags).find(([key]) => key === name) ?? Object.entries(command.flags).find(([key, flag]) => flag.allowNo && `no-${key}` === name))
      : Object.entries(command.flags).find(([, flag]) => flag.char === flagPart.slice(1))
    if (flagPart === '--help' || flagPart === '-h') continue
    if (!entry) return `"${line}": ${id.replaceAll(':', ' ')} has no flag ${flagPart}`
    const [key, flag] = entry
    if (flag.hidden) return `"${line}": --${key} is a hidden alias; use the flag --help shows`
    if (flag.type === 'boolean') {
      if (inline !== undefined) return `"${line}": ${flagPart} takes no value`
      continue
    }
    const value = inline ?? args[++i]
    if (value === undefined) return `"${line}": ${flagPart} needs a value`
    if (flag.options && !/[$<]/.test(value) && !flag.options.includes(value)) return `"${line}": ${flagPart} ${value} is not one of ${flag.options.join(', ')}`
  }
  const takes = Object.keys(command.args).length
  if (positionals > takes) return `"${line}": ${id.replaceAll(':', ' ')} takes ${takes} argument(s), given ${positionals}`
  return undefined
}

/** README.md and every docs/*.md, as [path relative to the root, text]. */
export function documents(): [string, string][] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`)
  return ['README.md', ...docs].map((file) => [file, readFileSync(join(ROOT, file), 'utf8')])
}

/** Every command line a reader may copy from a document: console `$ ` lines, sh/bash lines, and workflow `run:` lines. */
export function commandLines(file: string, text: string): {command: string; where: string}[] {
  const lines: {command: string; where: string}[] = []
  for (const block of codeBlocks(file, text)) {
    if (block.lang === 'console') for (const step of consoleSteps(block)) lines.push({command: step.command, where: `${file}:${step.line}`})
    else if (['sh', 'bash', 'shell'].includes(block.lang)) for (const {command, line} of shellLines(block)) lines.push({command, where: `${file}:${line}`})
    else if (['yaml', 'yml'].includes(block.lang)) {
      block.lines.forEach((line, i) => {
        const run = /^\s*(?:-\s+)?run:\s*(.+)$/.exec(line)
        if (run) lines.push({command: run[1], where: `${file}:${block.line + 1 + i}`})
      })
    }
  }
  return lines
}

// Comparing what a session printed with what a document shows. Ids, secrets, times and ports
// differ from run to run; everything else must be the same, word for word and line for line.

/**
 * An opaque token: 16 or more of [A-Za-z0-9_-] holding a digit or both cases (ids such as
 * `cmxe3sp4w04xcav6po79mohox`, `pmgmt_<id>` roles and databases, passwords, tokens, access keys).
 * Names of environment variables (`PRISMA_MANAGEMENT_API_URL`, `AWS_ENDPOINT_URL_S3`: capitals,
 * digits and underscores) are not.
 */
const OPAQUE = /(?<![A-Za-z0-9_-])(?![A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![A-Za-z0-9_-]))(?=[A-Za-z0-9_-]*(?:\d|[a-z][A-Za-z0-9_-]*[A-Z]|[A-Z][A-Za-z0-9_-]*[a-z]))[A-Za-z0-9_-]{16,}(?![A-Za-z0-9_-])/g
/** What varies but is not opaque: masked secrets (`emu_…JkKb`), temp folders, process ids, times (ISO, and the terminal's short form), time-stamped default names, numbers of four or more digits (ports, pids, sizes). */
const VARYING: [RegExp, string][] = [
  [/[A-Za-z0-9_]+…[A-Za-z0-9_-]+/g, '<masked>'],
  [/\/tmp\/[^\s/]+/g, '/tmp/<temp>'],
  [/\bpid \d+/g, 'pid <n>'],
  [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, '<time>'],
  [/\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?(?: UTC)?/g, '<time>'],
  [/\d{8}-\d{6}/g, '<stamp>'],
  [/\b\d{4,}\b/g, '<n>'],
]

/** The opaque tokens of a line, in order. */
export function opaqueTokens(line: string): string[] {
  return line.match(OPAQUE) ?? []
}

/** A line with what varies replaced by placeholders and the padding of table cells collapsed. */
export function normalise(line: string): string {
  let text = line.replace(OPAQUE, '<opaque>')
  for (const [pattern, placeholder] of VARYING) text = text.replace(pattern, placeholder)
  return text
    .replace(/─+/g, '─')
    .replace(/ +/g, ' ')
    .trimEnd()
}

/**
 * What a document's token stands for in this run: each opaque token of the shown output is bound
 * to the token at the same place in the real output, so a later command that names it (an id
 * printed by `projects create`, used by `db credentials`) runs with the real one. One shown token
 * stands for one real token throughout, and the other way round.
 */
export class Bindings {
  private readonly real = new Map<string, string>()
  private readonly shown = new Map<string, string>()

  /** Binds the tokens of one shown line to those of the real one; a message when they contradict an earlier binding. */
  bind(shownLine: string, realLine: string): string | undefined {
    const shown = opaqueTokens(shownLine)
    const real = opaqueTokens(realLine)
    if (shown.length !== real.length) return undefined // the lines differ anyway; the comparison says how
    for (const [i, token] of shown.entries()) {
      const bound = this.real.get(token)
      if (bound !== undefined && bound !== real[i]) return `${token} stood for ${bound} earlier, but here the output has ${real[i]}`
      const back = this.shown.get(real[i])
      if (back !== undefined && back !== token) return `${real[i]} was shown as ${back} earlier, but here as ${token}`
      this.real.set(token, real[i])
      this.shown.set(real[i], token)
    }
    return undefined
  }

  /** The command line as it runs now: every opaque token replaced by what it stands for. Unknown tokens are returned. */
  substitute(command: string): {command: string; unknown: string[]} {
    const unknown: string[] = []
    const replaced = command.replace(OPAQUE, (token) => {
      const real = this.real.get(token)
      if (real === undefined) unknown.push(token)
      return real ?? token
    })
    return {command: replaced, unknown}
  }
}

/**
 * Compares a step's shown output with what really ran, binding tokens as it goes; undefined when
 * they match, else a message showing both.
 */
export function compareOutput(shown: string[], real: string[], bindings: Bindings): string | undefined {
  const a = shown.map(normalise)
  const b = real.map(normalise)
  const count = Math.max(a.length, b.length)
  for (let i = 0; i < count; i++) {
    if (a[i] !== b[i]) return `line ${i + 1} differs:\n  shown: ${shown[i] ?? '(nothing)'}\n  real:  ${real[i] ?? '(nothing)'}\n--- the whole real output:\n${real.join('\n')}`
    const contradiction = bindings.bind(shown[i], real[i])
    if (contradiction) return `line ${i + 1}: ${contradiction}`
  }
  return undefined
}
