// One running `postgres` (the postmaster) on a cluster: started in a process group of its own, so
// a Ctrl-C meant for the emulator does not stop it before the emulator does; stopped with a fast
// shutdown. A watchdog (a shell reading a pipe from the emulator) stops it, and removes a
// temporary cluster, when the emulator dies without closing it: nothing is left running.
import {spawn} from 'node:child_process'
import type {ChildProcess} from 'node:child_process'

import type {PostgresBinaries} from './binaries.js'
import type {OsUser} from './cluster.js'

const STOP_TIMEOUT_MS = 15_000
const OUTPUT_TAIL_CHARS = 4000

/** Settings for a server that one emulator's databases share, on loopback alone. */
function settings(port: number): string[] {
  const values: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    // No socket file: loopback TCP with SCRAM is the only way in.
    unix_socket_directories: '',
    shared_buffers: '16MB',
    max_connections: '200',
    jit: 'off',
    lc_messages: 'C',
    log_min_messages: 'warning',
    log_line_prefix: '%m [%p] ',
  }
  return Object.entries(values).flatMap(([name, value]) => ['-c', `${name}=${value}`])
}

export interface StartOptions {
  binaries: PostgresBinaries
  linkDir: string
  data: string
  port: number
  user: OsUser | undefined
  /** Removed by the watchdog once the server stopped, when the emulator died without closing it. */
  removeIfOrphaned?: string
  /** Each line the server writes (its log). */
  onLine: (line: string) => void
}

export class PostgresProcess {
  private output = ''
  private stopping: Promise<void> | undefined
  readonly exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>

  private constructor(
    private readonly child: ChildProcess,
    private readonly watchdog: ChildProcess | undefined,
    onLine: (line: string) => void,
  ) {
    let partial = ''
    const read = (chunk: Buffer): void => {
      const text = chunk.toString('utf8')
      this.output = (this.output + text).slice(-OUTPUT_TAIL_CHARS)
      const lines = (partial + text).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) if (line.trim()) onLine(line)
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', read)
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        // Its server is gone: nothing left for it to watch, and its pid may soon be someone else's.
        watchdog?.kill('SIGKILL')
        resolve({code, signal})
      }),
    )
    // Spawning failed (ENOENT, EACCES): 'exit' may never come.
    child.once('error', (error) => {
      this.output += `\n${error.message}`
      if (child.exitCode === null && child.signalCode === null) child.emit('exit', null, null)
    })
  }

  static start(options: StartOptions): PostgresProcess {
    const child = spawn(options.binaries.postgres, ['-D', options.data, ...settings(options.port)], {
      env: {...process.env, ...options.binaries.env(options.linkDir), LC_ALL: 'C'},
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
      ...(options.user ? {uid: options.user.uid, gid: options.user.gid} : {}),
    })
    let watchdog: ChildProcess | undefined
    if (process.platform !== 'win32' && child.pid !== undefined) {
      // stdin is a pipe from the emulator: it reads end-of-file when the emulator is gone, however it went.
      const script = 'read _ignored; kill -INT "$1" 2>/dev/null; while kill -0 "$1" 2>/dev/null; do sleep 0.2; done; [ -n "$2" ] && rm -rf "$2"'
      watchdog = spawn('/bin/sh', ['-c', script, 'postgres-watchdog', String(child.pid), options.removeIfOrphaned ?? ''], {
        stdio: ['pipe', 'ignore', 'ignore'],
        detached: true,
      })
      watchdog.on('error', () => undefined)
      watchdog.stdin?.on('error', () => undefined)
    }
    return new PostgresProcess(child, watchdog, options.onLine)
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** The end of what the server wrote: the reason it would not start. */
  tail(lines = 15): string {
    return this.output.trim().split('\n').slice(-lines).join('\n')
  }

  /** Fast shutdown (sessions ended, data consistent), then harder if it hangs. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.watchdog?.kill('SIGKILL')
      if (!this.running) return
      const waited = (ms: number): Promise<boolean> =>
        Promise.race([this.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())])
      this.child.kill('SIGINT')
      if (await waited(STOP_TIMEOUT_MS)) return
      this.child.kill('SIGQUIT')
      if (await waited(STOP_TIMEOUT_MS)) return
      this.child.kill('SIGKILL')
      await waited(STOP_TIMEOUT_MS)
    })()
    return this.stopping
  }
}
