// A real terminal for the interactive paths: tmux runs the CLI, send-keys types, capture-pane
// reads the screen. Each terminal has its own tmux server socket, so tests never collide.
import {execFile} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {BIN, ROOT} from './harness.js'

const exec = promisify(execFile)
const HANGUP_SHELL = join(import.meta.dirname, 'hangup-shell.mjs')
const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`

export class Terminal {
  private constructor(private readonly socket: string) {}

  /** Starts `prisma-mgmt <args>` in a terminal `width` columns wide (160 unless given) and 50 lines high; the line `[exit N]` follows when it ends. */
  static async start(args: string[], env: Record<string, string>, width = 160): Promise<Terminal> {
    const quoted = [BIN, ...args].map(quote).join(' ')
    // tmux sets TERM in the pane to its own terminal type, whatever -e says: a TERM asked for is set by the shell.
    const term = env.TERM === undefined ? '' : `TERM=${quote(env.TERM)} `
    // Ctrl-C outside a prompt reaches the shell too: it stays (the CLI, run without the trap, gets the signal) to report the exit code.
    return Terminal.launch(['sh', '-c', `trap : INT; cd '${ROOT}' && ${term}${quoted}; echo "[exit $?]"; sleep 120`], env, width)
  }

  /**
   * Starts `prisma-mgmt <args>` under a stand-in login shell (hangup-shell.mjs) for a test that
   * closes the terminal (hangUp): the shell hangs its job up as bash does, and writes how the
   * command ended to `record` as {code, signal}.
   */
  static async startToHangUp(args: string[], env: Record<string, string>, record: string): Promise<Terminal> {
    return Terminal.launch([process.execPath, HANGUP_SHELL, record, BIN, ...args], env, 160)
  }

  private static async launch(command: string[], env: Record<string, string>, width: number): Promise<Terminal> {
    const socket = `pmgmt-${randomBytes(4).toString('hex')}`
    const envArgs = Object.entries({TERM: 'xterm-256color', ...env}).flatMap(([k, v]) => ['-e', `${k}=${v}`])
    // A person at a terminal: the runner's CI variable (set in CI) must not reach the session.
    const clean = {...process.env}
    for (const key of ['CI', 'PRISMA_SERVICE_TOKEN', 'PRISMA_MANAGEMENT_API_URL', 'PRISMA_MGMT_PROFILE', 'NO_COLOR', 'FORCE_COLOR']) delete clean[key]
    await exec('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-c', ROOT, '-x', String(width), '-y', '50', ...envArgs, ...command], {env: clean})
    return new Terminal(socket)
  }

  async screen(): Promise<string> {
    const {stdout} = await exec('tmux', ['-L', this.socket, 'capture-pane', '-p', '-J'])
    return stdout
  }

  /** The screen with its colour escapes (`capture-pane -e`), wrapped lines joined. */
  async styledScreen(): Promise<string> {
    const {stdout} = await exec('tmux', ['-L', this.socket, 'capture-pane', '-p', '-J', '-e'])
    return stdout
  }

  /** Waits until the screen matches; fails with the screen's text when it does not in time. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    let last = ''
    while (Date.now() < deadline) {
      last = await this.screen()
      if (pattern.test(last)) return last
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    throw new Error(`the terminal never showed ${pattern}; it shows:\n${last}`)
  }

  /** The exit code, once the command has ended. */
  async exitCode(timeoutMs = 30_000): Promise<number> {
    const screen = await this.waitFor(/\[exit \d+\]/, timeoutMs)
    return Number(/\[exit (\d+)\]/.exec(screen)![1])
  }

  async type(text: string): Promise<void> {
    await exec('tmux', ['-L', this.socket, 'send-keys', '-l', text])
  }

  /** tmux key names: Enter, Down, Up, C-c. */
  async press(...keys: string[]): Promise<void> {
    for (const key of keys) {
      await exec('tmux', ['-L', this.socket, 'send-keys', key])
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  /** Closes the terminal under the command, as closing its window does: the pane's terminal hangs up. */
  async hangUp(): Promise<void> {
    await this.close()
  }

  async close(): Promise<void> {
    await exec('tmux', ['-L', this.socket, 'kill-server']).catch(() => {})
  }
}
