import {spawn} from 'node:child_process'
import type {ChildProcess} from 'node:child_process'
import {chmod, mkdir, open, readFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import {Command, Errors, Flags} from '@oclif/core'

import {DETACHED_LOG, DETACHED_RECORD, isEmulatorProcess, killEmulatorGroup, readDetachedRecord, removeDetachedRecord, writeDetachedRecord} from '../../emulator/detached.js'
import type {DetachedRecord} from '../../emulator/detached.js'
import type {Emulator} from '../../emulator/index.js'
import {EmulatorError, UsageError} from '../../errors.js'
import {processStreams} from '../../io/streams.js'
import {reportFailure} from '../../output/failure.js'
import {terminalSafe} from '../../output/safe-text.js'

// How long --detach waits for the background emulator to listen.
const READY_TIMEOUT_MS = 120_000

function logTail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

export default class EmulatorStart extends Command {
  // The same streams every command writes through.
  private readonly io = processStreams()

  static override summary = 'Serve the Prisma Management API on this machine'

  static override description = `A faithful local peer of https://api.prisma.io for tests, demos and offline scripting: projects, databases, connections, pagination, errors and statuses behave as the real API documents them.

It prints its URL, its token, its OAuth client id and the two export lines that point prisma-mgmt at it, then serves until Ctrl-C or SIGTERM, closing its databases cleanly. One line per request (method, path, status, time) goes to stderr.

With --detach it runs in the background instead: once it listens, only the two export lines are printed (for eval) and the command returns; its output goes to a log file next to its record in prisma-mgmt's data folder, and "emulator stop" stops it. One detached emulator runs at a time.

--databases chooses what stands behind connection strings: "local" (the default: a real PostgreSQL 17 server the emulator runs on loopback, started with its first database, its binaries from npm or --postgres-bin), "postgres" (databases and roles on the server named by --postgres-url) or "none" (endpoints where nothing listens; fast). Each database is a database on the server, each connection a role with its own password; "pooled" strings reach a pooler in transaction mode, "accelerate" strings Prisma's query executor.

POST /v1/auth/github-actions/token exchanges a GitHub Actions OIDC token for a short-lived service token when --github-oidc-jwks names the issuer's key set (a JWKS URL or file) and --github-repository links the token's repository to a workspace.

The same URL is an OAuth 2.0 authorization server for browser logins (/authorize, /token, /revoke, and its metadata at /.well-known/oauth-authorization-server), with one public client, --oauth-client-id; its access tokens work on the API like the service token.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --port 0 --databases none',
    '<%= config.bin %> <%= command.id %> --data-dir .emulator --token dev-token',
    '<%= config.bin %> <%= command.id %> --port 0 --databases none --oauth-client-id my-cli --access-token-ttl 5',
    '<%= config.bin %> <%= command.id %> --databases postgres --postgres-url postgres://postgres:secret@127.0.0.1:5432/postgres',
    '<%= config.bin %> <%= command.id %> --postgres-bin /usr/lib/postgresql/17/bin',
    '<%= config.bin %> <%= command.id %> --github-oidc-jwks ./jwks.json --github-oidc-issuer http://127.0.0.1:9000 --github-repository acme/web',
    'eval "$(<%= config.bin %> <%= command.id %> --detach --port 0)"',
    '<%= config.bin %> emulator stop',
  ]

  static override flags = {
    host: Flags.string({description: 'Address to listen on', default: '127.0.0.1'}),
    port: Flags.integer({description: 'Port to listen on (0 takes a free port)', default: 7466, min: 0, max: 65535}),
    token: Flags.string({description: 'The service token to accept [default: generated, or the one saved in --data-dir]'}),
    'data-dir': Flags.string({description: 'Keep state (and databases) in this folder across restarts [default: memory only]'}),
    databases: Flags.string({description: 'What stands behind connection strings', options: ['none', 'local', 'postgres'], default: 'local'}),
    'postgres-url': Flags.string({
      description: 'Admin URL of the PostgreSQL server for --databases postgres',
      env: 'PRISMA_EMULATOR_POSTGRES_URL',
    }),
    'postgres-bin': Flags.string({
      description: 'For --databases local: the bin folder of a PostgreSQL server on this machine (initdb, postgres) [default: the binaries npm installed]',
      env: 'PRISMA_EMULATOR_POSTGRES_BIN',
      helpValue: '<dir>',
    }),
    'provision-delay-ms': Flags.integer({description: 'How long new databases stay "provisioning" at least', default: 0, min: 0}),
    'backup-interval': Flags.integer({description: 'Back up every ready database this often, in seconds [default: only on request]', min: 1}),
    'oauth-client-id': Flags.string({description: 'The public OAuth client id browser logins must use', default: 'prisma-mgmt-emulator'}),
    'access-token-ttl': Flags.integer({description: 'Lifetime of OAuth access tokens, in seconds', default: 3600, min: 1}),
    'github-oidc-jwks': Flags.string({
      description: 'The GitHub Actions OIDC issuer\'s key set, a JWKS URL or file, for POST /v1/auth/github-actions/token [default: exchanges are refused]',
      helpValue: '<url|file>',
    }),
    'github-oidc-issuer': Flags.string({description: 'The "iss" GitHub Actions OIDC tokens must carry', default: 'https://token.actions.githubusercontent.com', helpValue: '<url>'}),
    'github-repository': Flags.string({
      description: 'A repository connected to a workspace for the OIDC exchange: owner/name (the first workspace) or owner/name=<workspace-id>; repeat for more',
      multiple: true,
      helpValue: '<owner/name>',
    }),
    detach: Flags.boolean({description: 'Run in the background; print only the export lines once it listens (stop it with "emulator stop")'}),
  }

  public async run(): Promise<void> {
    const {flags} = await this.parse(EmulatorStart)
    const databases = flags.databases as 'none' | 'local' | 'postgres'
    const postgresUrl = flags['postgres-url']?.trim() || undefined
    if (databases === 'postgres' && !postgresUrl) {
      return this.fail('--databases postgres needs --postgres-url (or PRISMA_EMULATOR_POSTGRES_URL), the admin URL of a PostgreSQL server.', 2)
    }
    if (flags.token !== undefined && !/^[\x21-\x7e]+$/.test(flags.token)) {
      return this.fail('--token must be printable characters without spaces.', 2)
    }
    if (!/^[\x21-\x7e]{1,255}$/.test(flags['oauth-client-id'])) {
      return this.fail('--oauth-client-id must be 1 to 255 printable characters without spaces.', 2)
    }

    if (flags.detach) {
      const args = ['--host', flags.host, '--port', String(flags.port), '--databases', databases, '--provision-delay-ms', String(flags['provision-delay-ms'])]
      args.push('--oauth-client-id', flags['oauth-client-id'], '--access-token-ttl', String(flags['access-token-ttl']))
      if (flags.token !== undefined) args.push('--token', flags.token)
      if (flags['data-dir'] !== undefined) args.push('--data-dir', resolve(flags['data-dir']))
      if (flags['postgres-bin'] !== undefined) args.push('--postgres-bin', resolve(flags['postgres-bin']))
      if (flags['github-oidc-jwks'] !== undefined) {
        const jwks = flags['github-oidc-jwks']
        args.push('--github-oidc-jwks', /^https?:\/\//i.test(jwks) ? jwks : resolve(jwks), '--github-oidc-issuer', flags['github-oidc-issuer'])
      }
      for (const repository of flags['github-repository'] ?? []) args.push('--github-repository', repository)
      if (flags['backup-interval'] !== undefined) args.push('--backup-interval', String(flags['backup-interval']))
      return this.detach(args, postgresUrl)
    }

    // Loaded here so that no other command pays for the emulator.
    const {startEmulator} = await import('../../emulator/index.js')
    let emulator: Emulator
    try {
      emulator = await startEmulator({
        host: flags.host,
        port: flags.port,
        token: flags.token,
        dataDir: flags['data-dir'],
        databases,
        postgresUrl,
        postgresBin: flags['postgres-bin'],
        provisionDelayMs: flags['provision-delay-ms'],
        backupIntervalSeconds: flags['backup-interval'],
        oauthClientId: flags['oauth-client-id'],
        accessTokenTtlSeconds: flags['access-token-ttl'],
        githubActions:
          flags['github-oidc-jwks'] === undefined && flags['github-repository'] === undefined
            ? undefined
            : {jwks: flags['github-oidc-jwks'], issuer: flags['github-oidc-issuer'], repositories: flags['github-repository']},
        // Request paths, database output and error text come from outside: shown, never obeyed.
        log: (line) => this.io.stderr.write(`${terminalSafe(line)}\n`),
      })
    } catch (error) {
      return this.fail(error instanceof Error ? error.message : String(error), 1)
    }

    // Listening before the export lines go out: a script may signal as soon as it reads them.
    const stopped = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'))
      process.once('SIGTERM', () => resolve('SIGTERM'))
    })
    this.io.stdout.write(
      [
        `Prisma Management API emulator listening on ${emulator.url}`,
        `Token: ${emulator.token}`,
        `Databases: ${emulator.databases}`,
        `OAuth client: ${emulator.oauthClientId}`,
        ...(flags['github-oidc-jwks'] === undefined
          ? []
          : [terminalSafe(`GitHub Actions OIDC: issuer ${flags['github-oidc-issuer']}, repositories ${flags['github-repository']?.join(', ') ?? 'none'}`)]),
        '',
        `export PRISMA_MANAGEMENT_API_URL=${emulator.url}`,
        `export PRISMA_SERVICE_TOKEN=${emulator.token}`,
        '',
      ].join('\n'),
    )

    const signal = await stopped
    // A second signal while closing means "now".
    const force = (): never => process.exit(1)
    process.once('SIGINT', force)
    process.once('SIGTERM', force)
    this.io.stderr.write(`${signal}: stopping the emulator\n`)
    await emulator.close()
    // Whatever a backend left behind must not keep a stopped emulator alive.
    setTimeout(() => process.exit(0), 2000).unref()
  }

  /** Starts `emulator start <args>` in the background, waits until it listens, prints its export lines and returns. */
  private async detach(args: string[], postgresUrl: string | undefined): Promise<void> {
    const {dataDir, bin} = this.config
    await mkdir(dataDir, {recursive: true, mode: 0o700})
    await chmod(dataDir, 0o700)

    const previous = await readDetachedRecord(dataDir)
    if (previous && isEmulatorProcess(previous.pid)) {
      const where = previous.url ? `at ${previous.url}` : '(still starting)'
      return this.fail(`An emulator started with --detach is already running ${where}, pid ${previous.pid}, log ${previous.logFile}.\nStop it first: ${bin} emulator stop`, 2)
    }
    // What is left names a process that is gone (or a pid now someone else's).
    if (previous) await removeDetachedRecord(dataDir, previous.pid)

    const logFile = join(dataDir, DETACHED_LOG)
    const log = await open(logFile, 'w', 0o600)
    let child: ChildProcess
    try {
      // The log holds the token, as the emulator prints it.
      await log.chmod(0o600)
      // The same bin script (and Node options: bin/dev.js runs through tsx) serves it.
      child = spawn(process.execPath, [...process.execArgv, process.argv[1], 'emulator', 'start', ...args], {
        detached: true,
        stdio: ['ignore', log.fd, log.fd],
        // Through the environment, so the admin password stays out of the process list.
        env: postgresUrl === undefined ? process.env : {...process.env, PRISMA_EMULATOR_POSTGRES_URL: postgresUrl},
      })
    } finally {
      await log.close()
    }
    const pid = child.pid
    if (pid === undefined) {
      const error = await new Promise<Error>((ok) => child.once('error', ok))
      return this.fail(`could not start the emulator: ${error.message}`, 1)
    }

    const record: DetachedRecord = {pid, url: null, logFile, startedAt: new Date().toISOString()}
    try {
      await writeDetachedRecord(dataDir, record, true)
    } catch (error) {
      killEmulatorGroup(pid)
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        return this.fail(`Another emulator was started with --detach at the same time; see it in ${join(dataDir, DETACHED_RECORD)} or stop it: ${bin} emulator stop`, 2)
      }
      throw error
    }

    const outcome = await this.untilListening(child, logFile)
    if (outcome.kind !== 'ready') {
      // An exited child's pid is free for the system to reuse: only a live one is ours to kill.
      if (outcome.kind !== 'exited') killEmulatorGroup(pid)
      await removeDetachedRecord(dataDir, pid)
      const tail = logTail(await readFile(logFile, 'utf8').catch(() => ''))
      if (outcome.kind === 'interrupted') {
        this.io.stderr.write('Interrupted: stopped the emulator that was starting.\n')
        return this.exit(130)
      }
      const why = outcome.kind === 'exited' ? `exited (${outcome.how}) before it listened` : `did not listen within ${READY_TIMEOUT_MS / 1000} s`
      return this.fail(`The emulator ${why}. The end of its log (${logFile}):\n${tail || '(empty)'}`, 1)
    }

    await writeDetachedRecord(dataDir, {...record, url: outcome.url}, false)
    child.unref()
    this.io.stdout.write(`export PRISMA_MANAGEMENT_API_URL=${outcome.url}\nexport PRISMA_SERVICE_TOKEN=${outcome.token}\n`)
    this.io.stderr.write(`Emulator running at ${outcome.url} (pid ${pid}), logging to ${logFile}. Stop it with: ${bin} emulator stop\n`)
  }

  /** Reads the log until both export lines are there, or the child exits, or time runs out, or Ctrl-C. */
  private async untilListening(
    child: ChildProcess,
    logFile: string,
  ): Promise<{kind: 'ready'; url: string; token: string} | {kind: 'exited'; how: string} | {kind: 'timeout'} | {kind: 'interrupted'}> {
    let exited: string | undefined
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      exited = signal ? `killed by ${signal}` : `exit code ${code}`
    }
    let interrupted = false
    const onSignal = (): void => {
      interrupted = true
    }
    child.once('exit', onExit)
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    try {
      const deadline = Date.now() + READY_TIMEOUT_MS
      for (;;) {
        // Read before looking at `exited`, so output written just before a quick exit is seen.
        const text = await readFile(logFile, 'utf8').catch(() => '')
        const url = /^export PRISMA_MANAGEMENT_API_URL=(\S+)$/m.exec(text)?.[1]
        const token = /^export PRISMA_SERVICE_TOKEN=(\S+)$/m.exec(text)?.[1]
        if (url && token && exited === undefined) return {kind: 'ready', url, token}
        if (exited !== undefined) return {kind: 'exited', how: exited}
        if (interrupted) return {kind: 'interrupted'}
        if (Date.now() > deadline) return {kind: 'timeout'}
        await new Promise((ok) => setTimeout(ok, 100))
      }
    } finally {
      child.off('exit', onExit)
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }

  private fail(message: string, exitCode: 1 | 2): never {
    const [first, ...rest] = message.split('\n')
    throw exitCode === 2 ? new UsageError(first, rest.join('\n') || undefined) : new EmulatorError(first, rest.join('\n') || undefined)
  }

  // Parse errors and failures read like every other command's: `Error: ...`, then what to do.
  public override async catch(error: Error & {exitCode?: number}): Promise<void> {
    if (error instanceof Errors.ExitError) throw error
    process.exitCode = await reportFailure(error, {io: this.io, flagNames: Object.keys(EmulatorStart.flags), command: {id: 'emulator:start', args: EmulatorStart.args}})
  }
}
