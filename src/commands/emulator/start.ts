import {Command, Flags} from '@oclif/core'

import type {Emulator} from '../../emulator/index.js'

export default class EmulatorStart extends Command {
  static override summary = 'Serve the Prisma Management API on this machine'

  static override description = `A faithful local peer of https://api.prisma.io for tests, demos and offline scripting: projects, databases, connections, pagination, errors and statuses behave as the real API documents them.

It prints its URL, its token and the two export lines that point prisma-mgmt at it, then serves until Ctrl-C or SIGTERM, closing its databases cleanly. One line per request (method, path, status, time) goes to stderr.

--databases chooses what stands behind connection strings: "none" (endpoints where nothing listens; fast), "local" (a real PostgreSQL per database, started in-process) or "postgres" (databases and roles on the server named by --postgres-url).`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --port 0 --databases none',
    '<%= config.bin %> <%= command.id %> --data-dir .emulator --token dev-token',
    '<%= config.bin %> <%= command.id %> --databases postgres --postgres-url postgres://postgres:secret@127.0.0.1:5432/postgres',
    'eval "$(<%= config.bin %> <%= command.id %> --port 0 | grep ^export)"  # in one shell; run prisma-mgmt in another with the printed exports',
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
    'provision-delay-ms': Flags.integer({description: 'How long new databases stay "provisioning" at least', default: 0, min: 0}),
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
        provisionDelayMs: flags['provision-delay-ms'],
        log: (line) => process.stderr.write(`${line}\n`),
      })
    } catch (error) {
      return this.fail(error instanceof Error ? error.message : String(error), 1)
    }

    process.stdout.write(
      [
        `Prisma Management API emulator listening on ${emulator.url}`,
        `Token: ${emulator.token}`,
        `Databases: ${emulator.databases}`,
        '',
        `export PRISMA_MANAGEMENT_API_URL=${emulator.url}`,
        `export PRISMA_SERVICE_TOKEN=${emulator.token}`,
        '',
      ].join('\n'),
    )

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'))
      process.once('SIGTERM', () => resolve('SIGTERM'))
    })
    // A second signal while closing means "now".
    const force = (): never => process.exit(1)
    process.once('SIGINT', force)
    process.once('SIGTERM', force)
    process.stderr.write(`${signal}: stopping the emulator\n`)
    await emulator.close()
    // Whatever a backend left behind must not keep a stopped emulator alive.
    setTimeout(() => process.exit(0), 2000).unref()
  }

  private fail(message: string, exitCode: number): never {
    process.stderr.write(`Error: ${message}\n`)
    return this.exit(exitCode)
  }
}
