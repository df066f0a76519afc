import {userInfo} from 'node:os'

import {Flags} from '@oclif/core'

import {collect} from '../../api/collect.js'
import type {EndpointDetails} from '../../api/connection-details.js'
import type {CreatedConnection} from '../../api/contract.js'
import type {ManagementApi} from '../../api/management-api.js'
import {idArg} from '../../flags.js'
import {BaseCommand} from '../../base-command.js'
import {CancelledError, ToolError, UsageError} from '../../errors.js'
import {SIGNAL_WORDS} from '../../flows/interrupts.js'
import {pickDatabase} from '../../flows/pick-database.js'
import {findPsql, guardSignals, psqlEnvironment, runPsql, type PsqlExit} from '../../flows/psql.js'
import {timestampName, unusedName} from '../../flows/names.js'
import {safe} from '../../output/safe-text.js'

const ENDPOINTS = ['direct', 'pooled'] as const

/** The local user's name as it may stand in a connection's name: lower case, letters, digits, `_`, `.` and `-`. */
export function sessionUser(env: NodeJS.ProcessEnv): string {
  let name = env.USER ?? env.LOGNAME ?? env.USERNAME
  if (!name) {
    try {
      name = userInfo().username
    } catch {
      name = ''
    }
  }
  return name
    .toLowerCase()
    .replaceAll(/[^a-z0-9_.-]+/g, '-')
    .replaceAll(/^-+|-+$/g, '')
    .slice(0, 32)
}

export interface PsqlSession {
  databaseId: string
  connectionId: string
  name: string
  endpoint: string
  kept: boolean
  deleted: boolean
  exitCode: number
}

export default class DbPsql extends BaseCommand<typeof DbPsql> {
  static override summary = 'Open psql on a database with a connection minted for this session, deleted when psql exits'

  static override description = `Mints a connection (POST /v1/databases/{id}/connections) named psql-<user>-<UTC yyyymmdd-hhmmss>, runs psql on it, and deletes the connection when psql exits: a normal exit, an error, Ctrl-C, or psql failing to start. A connection that cannot be deleted is named on stderr with the command that deletes it.

psql gets the host, port, user and database as PGHOST, PGPORT, PGUSER and PGDATABASE, the password only as PGPASSWORD (never on its command line, where other users' \`ps\` could read it), and PGSSLMODE from the connection string's sslmode. Arguments after -- go to psql. The exit code is psql's (128+n when a signal ended it).

psql is the first on PATH, or the PSQL environment variable's path; without one this is a usage error (exit 2) and nothing is created.

Without a database id, --project picks that project's default database; on a terminal you choose a project, then a database.

stdout is psql's alone: -o json, yaml and csv are refused (exit 2); pass psql's own options (--csv, -A -t) after -- instead.`

  static override examples = [
    {description: 'An interactive session', command: '<%= config.bin %> <%= command.id %> cmf1db2x0003'},
    {description: 'One query, through the pooled endpoint', command: '<%= config.bin %> <%= command.id %> cmf1db2x0003 --endpoint pooled -- -c \'select 1\''},
    {description: 'Run a file and stop at the first error', command: '<%= config.bin %> <%= command.id %> cmf1db2x0003 -- -v ON_ERROR_STOP=1 -f migrate.sql'},
    {description: 'Keep the connection afterwards', command: '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --keep'},
  ]

  static override args = {
    'db-id': idArg({description: 'Database id [default: --project\'s default database, or a choice on a terminal]'}),
  }

  static override flags = {
    endpoint: Flags.option({options: ENDPOINTS, description: 'Endpoint to connect to [default: direct, else the first with a connection string]'})(),
    keep: Flags.boolean({description: 'Keep the connection after psql exits (its id is printed on stderr)', default: false}),
    project: Flags.string({description: 'Use this project\'s default database'}),
  }

  /** The arguments after `--`, for psql; oclif never sees them. */
  private psqlArgs: string[] = []

  public override async init(): Promise<void> {
    const dashes = this.argv.indexOf('--')
    if (dashes !== -1) {
      this.psqlArgs = this.argv.slice(dashes + 1)
      this.argv = this.argv.slice(0, dashes)
    }
    await super.init()
  }

  public async run(): Promise<PsqlSession> {
    if (this.output.format !== 'table') {
      throw new UsageError(
        `db psql prints psql's own output; -o ${this.output.format} is not available.`,
        'Pass psql\'s options after -- instead, e.g. `-- --csv -c \'select ...\'` or `-- -A -t -c \'select ...\'`.',
      )
    }
    // Checked before any request: without psql, a minted connection would only be a leftover.
    const psql = await findPsql(this.io.env)
    const databaseId = await pickDatabase({api: () => this.api(), prompter: this.deps.prompter, canAsk: this.canChoose}, this.args['db-id'], this.flags.project)
    const api = await this.api()
    const existing = await collect(api.listConnections(databaseId))
    const user = sessionUser(this.io.env)
    const name = unusedName(timestampName(user ? `psql-${user}` : 'psql', this.deps.clock.now()), existing.map((c) => c.name))

    const guard = guardSignals()
    try {
      const connection = await api.createConnection(databaseId, {name})
      let exit: PsqlExit | undefined
      let failure: unknown
      let endpoint: EndpointDetails | undefined
      try {
        endpoint = await this.chooseEndpoint(connection)
        if (guard.before) throw new CancelledError(`${SIGNAL_WORDS[guard.before]} before psql started.`, guard.before)
        this.note(safe`Connecting to database ${databaseId} as ${connection.name} (${connection.id}), ${endpoint.endpoint} endpoint ${endpoint.host}:${String(endpoint.port)}.`)
        try {
          exit = await runPsql(psql, this.psqlArgs, psqlEnvironment(endpoint, this.io.env), guard)
        } catch (error) {
          throw new ToolError(`psql (${psql}) could not be started: ${(error as Error).message}`, 'Check that it runs, or set PSQL to another psql.')
        }
      } catch (error) {
        failure = error
      }
      const deleted = await this.finish(api, connection)
      if (failure !== undefined) throw failure
      process.exitCode = exit!.code
      // Stryker disable next-line ObjectLiteral: oclif prints nothing of the session (-o json is refused); the notes say what happened
      return {databaseId, connectionId: connection.id, name: connection.name, endpoint: endpoint!.endpoint, kept: this.flags.keep, deleted, exitCode: exit!.code}
    } finally {
      guard.dispose()
    }
  }

  /** The endpoint asked for, else direct, else pooled; a usage error when the API returned neither with a connection string. */
  private async chooseEndpoint(connection: CreatedConnection): Promise<EndpointDetails> {
    const {connectionDetails} = await import('../../api/connection-details.js')
    const usable = connectionDetails(connection).endpoints.filter((e) => (ENDPOINTS as readonly string[]).includes(e.endpoint) && e.connectionString)
    const wanted = this.flags.endpoint
    const found = wanted ? usable.find((e) => e.endpoint === wanted) : usable[0]
    if (found) return found
    const returned = usable.map((e) => e.endpoint).join(', ') || 'none'
    throw new UsageError(
      wanted
        ? `The API returned no ${wanted} connection string for connection ${connection.id} (psql can use: ${returned}).`
        : `The API returned no direct or pooled connection string for connection ${connection.id}.`,
      wanted ? 'Choose one of the returned endpoints with --endpoint.' : undefined,
    )
  }

  /** Deletes the session's connection (or says how to, with --keep); a failed deletion is a warning naming it. */
  private async finish(api: ManagementApi, connection: CreatedConnection): Promise<boolean> {
    const deleteCommand = `prisma-mgmt db connections delete ${connection.id} --yes`
    if (this.flags.keep) {
      this.note(safe`Kept connection ${connection.name} (${connection.id}); delete it with \`${deleteCommand}\`.`)
      // Stryker disable next-line BooleanLiteral: only the session returned to oclif holds it, and nothing prints that
      return false
    }
    try {
      await api.deleteConnection(connection.id)
    } catch (error) {
      this.note(
        safe`Warning: connection ${connection.name} (${connection.id}) could not be deleted (${(error as Error).message}); its credential still works. ` +
          safe`Delete it with \`${deleteCommand}\`.`,
      )
      // Stryker disable next-line BooleanLiteral: only the session returned to oclif holds it, and nothing prints that
      return false
    }
    this.note(safe`Deleted connection ${connection.name} (${connection.id}).`)
    // Stryker disable next-line BooleanLiteral: only the session returned to oclif holds it, and nothing prints that
    return true
  }
}
