// A terminal that reports 0 columns: a pseudo-terminal nobody sized (`script` without a terminal of
// its own, `docker exec -t` in some set-ups). The spinner draws as on an 80-column terminal and
// stops; it must not clear lines without end, and the command must end as it does anywhere else.
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'
import {after, before, describe, it} from 'node:test'

import {BIN, Emulator, ROOT, removeDir, tempDir} from './harness.js'

// Far more than a spinner of a few seconds writes; a runaway one passes it within a second.
const BOUND = 256 * 1024

describe('a terminal of 0 columns', () => {
  let emulator: Emulator
  let home: string
  let child: ChildProcess | undefined

  before(async () => {
    // A database that takes a moment to be ready, so the spinner turns a few times.
    emulator = await Emulator.start(['--databases', 'none', '--provision-delay-ms', '1500'])
    home = await tempDir('prisma-mgmt-unsized-')
  })

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await emulator?.stop()
    if (home) await removeDir(home)
  })

  it('projects create spins, says the database is ready and exits 0, with a bounded output', async () => {
    const env: Record<string, string | undefined> = {...process.env, TERM: 'xterm-256color', XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url, PRISMA_SERVICE_TOKEN: emulator.token}
    for (const key of ['CI', 'FORCE_COLOR', 'NO_COLOR', 'DEBUG', 'PRISMA_MGMT_PROFILE', 'COLUMNS', 'LINES']) delete env[key]
    // `script` gives the command a pseudo-terminal; with no terminal of its own to copy, its size is 0x0.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} projects create --name unsized --region us-east-1`
    child = spawn('script', ['-qec', command, '/dev/null'], {cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe']})
    let output = ''
    let runaway = false
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        if (output.length > BOUND && !runaway) {
          runaway = true
          child?.kill('SIGKILL')
        }
      })
    }
    const code = await new Promise<number | null>((resolve) => child!.once('close', (exit) => resolve(exit)))
    // Only the spinner's part is ever shown in a failure: what follows holds the new connection's password.
    const spinning = output.split('Created project')[0]!.slice(-600)
    assert.equal(runaway, false, `the spinner wrote over ${BOUND} bytes; it began: ${JSON.stringify(output.slice(0, 400))}`)
    assert.equal(code, 0, `exit code; the spinner's last output: ${JSON.stringify(spinning)}`)
    // A pseudo-terminal ends lines with \r\n; colour and cursor escapes are taken out to read the text.
    // eslint-disable-next-line no-control-regex -- the escapes are what is matched
    const text = output.replaceAll(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
    assert.match(text, /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Waiting for database \w+ \(provisioning\)/, `the spinner turned: ${JSON.stringify(spinning)}`)
    assert.match(text, /✔ Created project unsized \(\w+\); database ready\r?\n/, `the spinner ends with the database ready: ${JSON.stringify(spinning)}`)
    assert.match(text, /│ NAME +│ unsized +│/, 'the project is shown')
    assert.ok(output.length < 64 * 1024, `a few spinner frames and the result, not ${output.length} bytes`)
  })
})
