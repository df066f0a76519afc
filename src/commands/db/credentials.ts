import {Flags} from '@oclif/core'

import type {CreatedConnection} from '../../api/contract.js'
import {idArg} from '../../flags.js'
import {BaseCommand} from '../../base-command.js'
import {collect} from '../../api/collect.js'
import {checkEnvFileFlag, credentialFlags, pickEndpoint, presentCredential, type CredentialFormat} from '../../render/credential-output.js'
import {pickDatabase} from '../../flows/pick-database.js'
import {timestampName, unusedName} from '../../flows/names.js'
import {safe} from '../../output/safe-text.js'
import {DeliveredError, UsageError} from '../../errors.js'

export default class DbCredentials extends BaseCommand<typeof DbCredentials> {
  static override summary = 'Mint a new credential for a database and print its connection details'

  static override description = `The API shows a secret only once, so this creates a new connection (POST /v1/databases/{id}/connections) and prints it: every endpoint's connection string, host, port, user and password.

Without a database id, --project picks that project's default database; on a terminal you choose a project, then a database.`

  static override examples = [
    {description: 'Print the connection details as tables', command: '<%= config.bin %> <%= command.id %> cmf1db2x0003'},
    {description: 'One connection string, for a script', command: 'DATABASE_URL=$(<%= config.bin %> <%= command.id %> cmf1db2x0003 --format url)'},
    {description: 'Write DATABASE_URL into .env, keeping every other line', command: '<%= config.bin %> <%= command.id %> cmf1db2x0003 --env-file .env'},
    {description: 'The pooled endpoint of a project\'s default database', command: '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --format env --endpoint pooled'},
  ]

  static override args = {
    'db-id': idArg({description: 'Database id [default: --project\'s default database, or a choice on a terminal]'}),
  }

  static override flags = {
    ...credentialFlags,
    name: Flags.string({description: 'Name of the new connection [default: prisma-mgmt-<UTC yyyymmdd-hhmmss>, with -2, -3... when the database already has that name]'}),
    project: Flags.string({description: 'Use this project\'s default database'}),
  }

  public async run(): Promise<CreatedConnection> {
    const given = this.flags.name?.trim()
    if (given === '') throw new UsageError('The --name flag is empty.', 'Pass a name, or leave --name out for a generated one.')
    // Checked before any request: a path that cannot be written must not cost a credential.
    const envFile = await checkEnvFileFlag(this.flags['env-file'])
    const databaseId = await pickDatabase({api: () => this.api(), prompter: this.deps.prompter, canAsk: this.canChoose}, this.args['db-id'], this.flags.project)
    const api = await this.api()
    // Every call mints a connection: the default name must not repeat one the database already has.
    const existing = await collect(api.listConnections(databaseId))
    const name = given ?? unusedName(timestampName('prisma-mgmt', this.deps.clock.now()), existing.map((c) => c.name))
    const connection = await api.createConnection(databaseId, {name})
    const {connectionDetails} = await import('../../api/connection-details.js')
    const view = connectionDetails(connection)
    const format = this.output.format as CredentialFormat
    if (this.flags.endpoint || this.flags['env-file'] || format === 'url' || format === 'env') {
      try {
        pickEndpoint(view, this.flags.endpoint)
      } catch (error) {
        // Nobody has seen this credential's secret: revoke it rather than leave it behind, and say which happened.
        const deleted = await api.deleteConnection(connection.id).then(() => true, () => false)
        if (!(error instanceof UsageError)) throw error
        const minted = safe`The connection just minted, ${connection.name} (${connection.id}),`
        const after = deleted ? `${minted} was deleted again.` : `${minted} could not be deleted again; delete it with \`prisma-mgmt db connections delete ${connection.id}\`.`
        throw new UsageError(error.message, [error.next, after].filter(Boolean).join('\n'))
      }
    }
    try {
      await presentCredential(
        view,
        {io: this.io, format, explicit: this.explicitFormat, endpoint: this.flags.endpoint, envFile, action: 'created'},
        (text) => this.out(text),
      )
    } catch (error) {
      throw new DeliveredError(connection, error)
    }
    const count = existing.length + 1
    this.aside(
      safe`Minted a new connection, ${connection.name} (${connection.id}); database ${databaseId} now has ${count} connection${count === 1 ? '' : 's'}. ` +
        safe`List them with \`prisma-mgmt db connections list ${databaseId}\`; delete this one with \`prisma-mgmt db connections delete ${connection.id}\`.`,
    )
    return this.machine ? this.document(connection, () => '') : connection
  }
}
