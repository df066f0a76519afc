import {Flags} from '@oclif/core'

import type {CreatedDatabase, CreateDatabaseInput} from '../../api/contract.js'
import {BaseCommand, waitFlags} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {streams} from '../../render/terminal.js'

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
    const [{startSpinner}, {createAndDeliver}, created, details] = await Promise.all([
      import('../../render/spinner.js'),
      import('../../flows/create-and-deliver.js'),
      import('../../render/created-database.js'),
      import('../../api/connection-details.js'),
    ])
    const spinner = await startSpinner(`Creating a database in project ${this.flags.project}`, {json: this.json})
    return createAndDeliver<CreatedDatabase>({
      api,
      spinner,
      json: this.json,
      wait: this.flags.wait,
      timeoutSeconds: this.flags['wait-timeout'],
      say: (line) => streams.stderr.write(`${line}\n`),
      write: (text) => this.out(text),
      create: () => api.createDatabase(this.flags.project, input),
      database: (database) => database,
      // A later poll may report a status the POST's answer never has (failure, recovering); JSON shows it as seen.
      withStatus: (database, status) => ({...database, status: status as CreatedDatabase['status']}),
      done: (database) => `Created database ${database.name} (${database.id}); ${database.status}`,
      render: (database) => created.renderCreatedDatabase(database, details.databaseConnectionDetails(database)),
      plain: (database) => created.plainCreatedDatabase(database, details.databaseConnectionDetails(database)),
      check: (database) => `prisma-mgmt db show ${database.id}`,
    })
  }
}
