// Opening a URL in the user's browser: the command in BROWSER when it is set (run with the URL as
// its one argument), else the system's opener through the `open` package. Whether a browser can
// be expected at all: not over SSH, not on Linux without a display.

export interface BrowserOpener {
  /** Whether opening a browser can work here. */
  available(): boolean
  /** Starts the browser on `url`; rejects when it could not be started. */
  open(url: string): Promise<void>
}

export function browserAvailable(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): boolean {
  if (env.BROWSER?.trim()) return true
  if (env.SSH_CONNECTION) return false
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return false
  return true
}

/** Runs BROWSER with the URL as "$1", through the shell so a BROWSER with arguments works, without the URL ever being parsed by it. */
async function runBrowserCommand(command: string, url: string, env: NodeJS.ProcessEnv): Promise<void> {
  const {spawn} = await import('node:child_process')
  return new Promise((resolve, reject) => {
    const child =
      process.platform === 'win32'
        ? spawn(command, [url], {stdio: 'ignore', env, windowsHide: true})
        : spawn('/bin/sh', ['-c', `${command} "$1"`, 'sh', url], {stdio: 'ignore', env})
    child.once('error', reject)
    child.once('spawn', () => {
      // The browser may outlive the login, and the login must not wait for it.
      child.unref()
      resolve()
    })
  })
}

export function systemBrowser(env: NodeJS.ProcessEnv): BrowserOpener {
  return {
    available: () => browserAvailable(env),
    async open(url) {
      // The login checks its URLs first; this is the last guard before a program is handed one.
      const {protocol} = new URL(url)
      if (protocol !== 'https:' && protocol !== 'http:') throw new Error(`refusing to open a ${protocol} URL`)
      const command = env.BROWSER?.trim()
      if (command) return runBrowserCommand(command, url, env)
      const {default: open} = await import('open')
      const child = await open(url)
      // The opener's own process (xdg-open, open, PowerShell) must not keep the command running.
      child.unref()
    },
  }
}
