// README.md's console sessions, run as a reader runs them: every `$ ` line of every ```console
// block, in order, as one story, in a real terminal (tmux, 100 columns), through bash, with the
// built binary on PATH as `prisma-mgmt`, against the emulator the README itself starts (its
// default mode: a real PostgreSQL server; the AWS CLI and psql are real clients).
//
// Why this design:
// - A terminal, not a pipe: the README shows what a person sees (tables, spinners' last lines,
//   stderr between stdout), and the CLI prints differently off a terminal.
// - bash, one process per line, with the exported variables carried from one line to the next
//   (`set -a`, then `export -p` into a state file): lines with pipes, `$(...)`, `jq` and
//   variables run exactly as written, and a variable no earlier line defined is empty, so the
//   step's output differs and the test fails.
// - Output compared line by line after replacing what varies from run to run by placeholders
//   (ids, passwords, tokens, keys: "opaque" tokens; times; numbers of four or more digits such as
//   ports) and collapsing table padding; every other character must match. Each opaque token
//   shown is bound to the real one at the same place, so the ids a later line types (copied from
//   the output above it, as a reader does) are replaced by this run's, and one shown id must
//   stand for one real id throughout.
// - Every line must exit 0, unless it prints its own exit code (`; echo "exit $?"`).
// - README_EXAMPLES_WRITE=1 rewrites the README's sessions with this run's output (and the ids in
//   its command lines), which is how the README is refreshed after the output changes on purpose.
//
// Blocks of other languages (sh, yaml, json) and the sessions in docs/ are not run here; every
// `prisma-mgmt` line in them is parsed against the CLI's manifest by test/docs/examples.test.ts.
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdir, readFile, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {after, before, describe, it} from 'node:test'

import {Bindings, codeBlocks, compareOutput, consoleSteps, opaqueTokens, type Step} from '../docs/examples.js'
import {BIN, CACHE_HOME, ROOT, removeDir, tempDir} from './harness.js'

const exec = promisify(execFile)
const README = join(ROOT, 'README.md')
const WIDTH = 100
const WRITE = process.env.README_EXAMPLES_WRITE === '1'
/** Variables of the test's own process that must not reach the reader's shell. */
const NOT_THE_READERS = ['CI', 'PRISMA_SERVICE_TOKEN', 'PRISMA_MANAGEMENT_API_URL', 'PRISMA_MGMT_PROFILE', 'NO_COLOR', 'FORCE_COLOR', 'DEBUG', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'PRISMA_MGMT_OIDC', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3']

interface Shell {
  /** The folder the reader works in (a .env file lands here). */
  work: string
  /** PATH first entry: `prisma-mgmt` linked to the built bin/run.js. */
  bin: string
  home: string
  state: string
}

/** Runs one command line in a new terminal; the screen's lines and the exit code. */
async function runInTerminal(shell: Shell, command: string): Promise<{lines: string[]; code: number}> {
  const script = join(shell.home, `step-${randomBytes(4).toString('hex')}.sh`)
  await writeFile(
    script,
    [
      'set -a',
      `. '${shell.state}'`,
      // The terminal's shell sets its own PATH: the built binary goes first here.
      `case ":$PATH:" in *':${shell.bin}:'*) ;; *) PATH='${shell.bin}':"$PATH" ;; esac`,
      command,
      '__exit=$?',
      // Carry the reader's variables to the next line, not the terminal's own.
      `export -p | grep -v -E '^declare -x (TMUX|TMUX_PANE|PWD|OLDPWD|SHLVL|_|__exit)=' > '${shell.state}'`,
      'printf "[exit %s]\\n" "$__exit"',
      '',
    ].join('\n'),
  )
  const socket = `pmgmt-readme-${randomBytes(4).toString('hex')}`
  const env = {...process.env}
  for (const key of NOT_THE_READERS) delete env[key]
  const paneEnv = {TERM: 'xterm-256color', XDG_CONFIG_HOME: join(shell.home, 'config'), XDG_DATA_HOME: join(shell.home, 'data'), XDG_CACHE_HOME: CACHE_HOME, AWS_CONFIG_FILE: join(shell.home, 'aws-config'), AWS_SHARED_CREDENTIALS_FILE: join(shell.home, 'aws-credentials')}
  const envArgs = Object.entries(paneEnv).flatMap(([key, value]) => ['-e', `${key}=${value}`])
  await exec('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-c', shell.work, '-x', String(WIDTH), '-y', '300', ...envArgs, `bash --noprofile --norc '${script}'; sleep 600`], {env})
  try {
    const deadline = Date.now() + 180_000
    for (;;) {
      const {stdout} = await exec('tmux', ['-L', socket, 'capture-pane', '-p', '-J'])
      const lines = stdout.split('\n').map((line) => line.trimEnd())
      const end = lines.findIndex((line) => /\[exit \d+\]$/.test(line))
      if (end !== -1) {
        const code = Number(/\[exit (\d+)\]$/.exec(lines[end])![1])
        const last = lines[end].replace(/\[exit \d+\]$/, '')
        const shown = [...lines.slice(0, end), ...(last === '' ? [] : [last])]
        while (shown.at(-1) === '') shown.pop()
        return {lines: shown, code}
      }
      if (Date.now() > deadline) throw new Error(`"${command}" did not finish within 180 s; the screen:\n${stdout}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  } finally {
    await exec('tmux', ['-L', socket, 'kill-server']).catch(() => {})
  }
}

/** Every step of the README's console blocks, with the block it belongs to. */
function readmeSteps(text: string): {step: Step; block: number}[] {
  return codeBlocks('README.md', text)
    .filter((block) => block.lang === 'console')
    .flatMap((block, index) => consoleSteps(block).map((step) => ({step, block: index})))
}

describe('README.md, run as written', () => {
  let shell: Shell

  before(async () => {
    const home = await tempDir('prisma-mgmt-readme-')
    shell = {work: join(home, 'work'), bin: join(home, 'bin'), home, state: join(home, 'state.sh')}
    await mkdir(shell.work)
    await mkdir(shell.bin)
    await symlink(BIN, join(shell.bin, 'prisma-mgmt'))
    await writeFile(shell.state, '')
  })

  after(async () => {
    // The README starts an emulator in the background and may not stop it: stop it here whatever happened.
    if (!shell) return
    await runInTerminal(shell, 'prisma-mgmt emulator stop').catch(() => {})
    await removeDir(shell.home)
  })

  it('every console session prints what the README shows', {timeout: 900_000}, async () => {
    const text = await readFile(README, 'utf8')
    const steps = readmeSteps(text)
    assert.ok(steps.length >= 20, `the README has ${steps.length} console command lines; its everyday tasks show more`)
    const bindings = new Bindings()
    const rewritten: {step: Step; command: string; output: string[]}[] = []
    for (const {step} of steps) {
      const {command, unknown} = bindings.substitute(step.command)
      if (!WRITE) assert.deepEqual(unknown, [], `README.md:${step.line}: "${step.command}" names ${unknown.join(', ')}, which no output above it shows`)
      const result = await runInTerminal(shell, command)
      const printsItsExitCode = /\$\?/.test(step.command)
      if (WRITE) {
        step.output.forEach((line, i) => {
          if (result.lines[i] !== undefined && opaqueTokens(line).length === opaqueTokens(result.lines[i]).length) bindings.bind(line, result.lines[i])
        })
        rewritten.push({step, command, output: result.lines})
        if (result.code !== 0 && !printsItsExitCode) process.stderr.write(`README.md:${step.line}: "${command}" exited ${result.code}\n`)
        continue
      }
      assert.ok(result.code === 0 || printsItsExitCode, `README.md:${step.line}: "${command}" exited ${result.code}:\n${result.lines.join('\n')}`)
      const difference = compareOutput(step.output, result.lines, bindings)
      assert.equal(difference, undefined, `README.md:${step.line}: "${step.command}" (run as "${command}"):\n${difference}`)
    }
    if (WRITE) await writeFile(README, rewrite(text, rewritten))
  })
})

/** The README with each step's command line and output replaced by those of this run. */
function rewrite(text: string, steps: {step: Step; command: string; output: string[]}[]): string {
  const lines = text.split('\n')
  // From the bottom up, so that earlier line numbers stay right.
  for (const {step, command, output} of [...steps].reverse()) {
    const start = step.line - 1
    const commandLines = step.command.split('\n').length
    let end = start + commandLines
    while (end < lines.length && !lines[end].startsWith('$ ') && !/^\s*```\s*$/.test(lines[end])) end++
    const trailingBlank = lines.slice(start + commandLines, end).reverse().findIndex((line) => line.trim() !== '')
    const blanks = trailingBlank === -1 ? end - start - commandLines : trailingBlank
    const shownCommand = command.split('\n').map((line, i, all) => `${i === 0 ? '$ ' : ''}${line}${i < all.length - 1 ? '\\' : ''}`)
    lines.splice(start, end - start, ...shownCommand, ...output, ...Array<string>(blanks).fill(''))
  }
  return lines.join('\n')
}
