import {Flags} from '@oclif/core'

import type {CreatedDatabase, CreateDatabaseInput} from '../../api/contract.js'
import {BaseCommand, waitFlags} from '../../base-command.js'
import {UsageError} from '../../errors.js'

export default class DbCreate extends BaseCommand<typeof DbCreate> {
  static override summary = 'Add a database to a project and print its connection details'

  static override description = 'Creates the database (POST /v1/projects/{id}/databases), waits until it is ready, then prints it with the connection details the API returned. The secrets are shown only once; --json keeps them for scripts.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001',
    '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --name analytics --region eu-central-1',
    '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --default --json > db.json',
  ]

  static override flags = {
    project: Flags.string({description: 'Project id', required: true}),
    name: Flags.string({description: 'Database name [default: chosen by the API]'}),
    region: Flags.string({description: 'Region id, e.g. us-east-1, or "inherit" for the project\'s [default: the API\'s]'}),
    default: Flags.boolean({description: 'Make it the project\'s default database', default: false}),
    ...waitFlags,
  }

  public async run(): Promise<CreatedDatabase> {
    const input: CreateDatabaseInput = {}
    if (this.flags.name !== undefined) {
      const name = this.flags.name.trim()
      if (!name) throw new UsageError('The --name flag is empty.', 'Pass a name, or leave --name out.')
      input.name = name
    }
    if (this.flags.region !== undefined) input.region = this.flags.region.trim() as NonNullable<CreateDatabaseInput['region']>
    if (this.flags.default) input.isDefault = true

    const api = await this.api()
    const {startSpinner} = await import('../../render/spinner.js')
    const spinner = await startSpinner(`Creating a database in project ${this.flags.project}`, {json: this.json})
    let database: CreatedDatabase
    try {
      database = await api.createDatabase(this.flags.project, input)
      if (this.flags.wait) database = await this.waitUntilReady(database, {timeoutSeconds: this.flags['wait-timeout'], spinner})
    } catch (error) {
      spinner.fail()
      throw error
    }
    spinner.succeed(`Created database ${database.name} (${database.id}); ${database.status}`)
    if (!this.json) {
      const [{renderCreatedDatabase}, {databaseConnectionDetails}] = await Promise.all([
        import('../../render/created-database.js'),
        import('../../api/connection-details.js'),
      ])
      this.out(await renderCreatedDatabase(database, databaseConnectionDetails(database)))
    }
    return database
  }
}
