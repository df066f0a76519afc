import {Flags} from '@oclif/core'

import type {CreatedConnection, RotatedConnection} from '../../api/contract.js'
import type {ManagementApi} from '../../api/management-api.js'
import {idArg} from '../../flags.js'
import {BaseCommand} from '../../base-command.js'
import {collect} from '../../api/collect.js'
import {checkEnvFileFlag, credentialFlags, credentialKept, pickEndpoint, presentCredential, type CredentialFormat, type CredentialOutput} from '../../render/credential-output.js'
import {deliverSecret} from '../../flows/deliver-secret.js'
import {pickDatabase} from '../../flows/pick-database.js'
import {timestampName, unusedName} from '../../flows/names.js'
import {safe} from '../../output/safe-text.js'
import {UsageError} from '../../errors.js'

export default class DbCredentials extends BaseCommand<typeof DbCredentials> {
  static override summary = 'Mint a new credential for a database and print its connection details'

  static override description = `The API shows a secret only once, so this creates a new connection (POST /v1/databases/{id}/connections) and prints it: every endpoint's connection string, host, port, user and password.

--name names the connection. When the database already has a connection of that name, nothing is minted (exit 2) unless --replace is passed: then that connection is rotated (POST /v1/connections/{id}/rotate), its old password stops working, and the database keeps as many connections as before. Run it again with the same --name --replace to get a fresh secret without piling up connections.

An interrupt (Ctrl-C, SIGTERM, the terminal closing) while the request is on its way waits for the API's answer and prints it before exiting (130, 143, 129); a second one stops at once.

Without a database id, --project picks that project's default database; on a terminal you choose a project, then a database.`

  static override examples = [
    {description: 'Print the connection details as tables', command: '<%= config.bin %> <%= command.id %> cmf1db2x0003'},
    {description: 'One connection string, for a script', command: 'DATABASE_URL=$(<%= config.bin %> <%= command.id %> cmf1db2x0003 --format url)'},
    {description: 'Write DATABASE_URL into .env, keeping every other line', command: '<%= config.bin %> <%= command.id %> cmf1db2x0003 --env-file .env'},
    {description: 'The same named credential again, with a new password (the old one stops working)', command: '<%= config.bin %> <%= command.id %> cmf1db2x0003 --name app --replace --env-file .env'},
    {description: 'The pooled endpoint of a project\'s default database', command: '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --format env --endpoint pooled'},
  ]

  static override args = {
    'db-id': idArg({description: 'Database id [default: --project\'s default database, or a choice on a terminal]'}),
  }

  static override flags = {
    ...credentialFlags,
    name: Flags.string({description: 'Name of the connection [default: prisma-mgmt-<UTC yyyymmdd-hhmmss>, with -2, -3... when the database already has that name]'}),
    replace: Flags.boolean({
      description: 'When the database already has a connection named --name, rotate it (its old password stops working) instead of refusing',
      // No default: oclif counts a flag with a default as given, and --replace needs --name only when it is.
      dependsOn: ['name'],
    }),
    project: Flags.string({description: 'Use this project\'s default database'}),
  }

  public async run(): Promise<CreatedConnection | RotatedConnection> {
    const given = this.flags.name?.trim()
    if (given === '') throw new UsageError('The --name flag is empty.', 'Pass a name, or leave --name out for a generated one.')
    // Checked before any request: a path that cannot be written must not cost a credential.
    const envFile = await checkEnvFileFlag(this.flags['env-file'])
    const databaseId = await pickDatabase({api: () => this.api(), prompter: this.deps.prompter, canAsk: this.canChoose}, this.args['db-id'], this.flags.project)
    const api = await this.api()
    const existing = await collect(api.listConnections(databaseId))
    const replaced = given === undefined ? undefined : this.namedConnection(databaseId, given, existing)
    const name = given ?? unusedName(timestampName('prisma-mgmt', this.deps.clock.now()), existing.map((c) => c.name))
    const output: CredentialOutput = {
      io: this.io,
      format: this.output.format as CredentialFormat,
      explicit: this.explicitFormat,
      endpoint: this.flags.endpoint,
      envFile,
      action: replaced ? 'rotated' : 'created',
    }
    const {connectionDetails} = await import('../../api/connection-details.js')
    const connection = await deliverSecret<CreatedConnection | RotatedConnection>({
      say: (line) => this.say(line),
      send: () => (replaced ? api.rotateConnection(replaced.id) : this.mint(api, databaseId, name)),
      deliver: (answer) => presentCredential(connectionDetails(answer), output, (text) => this.out(text)),
      kept: (answer) => credentialKept(answer, output),
    })
    const count = existing.length + (replaced ? 0 : 1)
    const plural = `${count} connection${count === 1 ? '' : 's'}`
    this.aside(
      (replaced
        ? safe`Rotated connection ${connection.name} (${connection.id}): its old password no longer works; database ${databaseId} still has ${plural}. `
        : safe`Minted a new connection, ${connection.name} (${connection.id}); database ${databaseId} now has ${plural}. `) +
        safe`List them with \`prisma-mgmt db connections list ${databaseId}\`; delete this one with \`prisma-mgmt db connections delete ${connection.id}\`.`,
    )
    return this.machine ? this.document(connection, () => '') : connection
  }

  /** The connection --name names, when the database has one: refused without --replace, before anything is minted. */
  private namedConnection(databaseId: string, name: string, existing: readonly {id: string; name: string}[]): {id: string; name: string} | undefined {
    const named = existing.filter((c) => c.name === name)
    if (named.length === 0) return undefined
    const ids = named.map((c) => c.id).join(', ')
    if (!this.flags.replace) {
      throw new UsageError(
        safe`Database ${databaseId} already has a connection named ${name} (${ids}); nothing was minted.`,
        'Pass --replace to rotate it (its old password stops working), or choose another --name.',
      )
    }
    if (named.length > 1) {
      throw new UsageError(
        safe`Database ${databaseId} has ${String(named.length)} connections named ${name} (${ids}); --replace cannot tell which to rotate, so nothing was changed.`,
        'Rotate one with `prisma-mgmt db connections rotate <conn-id>`, or delete the others with `prisma-mgmt db connections delete <conn-id>`.',
      )
    }
    return named[0]
  }

  /** POSTs the new connection; one without the endpoint asked for is deleted again at once (nobody has seen its secret). */
  private async mint(api: ManagementApi, databaseId: string, name: string): Promise<CreatedConnection> {
    const connection = await api.createConnection(databaseId, {name})
    const format = this.output.format as CredentialFormat
    if (!this.flags.endpoint && !this.flags['env-file'] && format !== 'url' && format !== 'env') return connection
    const {connectionDetails} = await import('../../api/connection-details.js')
    try {
      pickEndpoint(connectionDetails(connection), this.flags.endpoint)
    } catch (error) {
      const deleted = await api.deleteConnection(connection.id).then(() => true, () => false)
      if (!(error instanceof UsageError)) throw error
      const minted = safe`The connection just minted, ${connection.name} (${connection.id}),`
      const after = deleted ? `${minted} was deleted again.` : `${minted} could not be deleted again; delete it with \`prisma-mgmt db connections delete ${connection.id}\`.`
      throw new UsageError(error.message, [error.next, after].filter(Boolean).join('\n'))
    }
    return connection
  }
}
