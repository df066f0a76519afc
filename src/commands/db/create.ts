import {Flags} from '@oclif/core'

import type {CreatedDatabase, CreateDatabaseInput} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {waitFlags} from '../../flags.js'
import {checkRegion} from '../../flows/check-region.js'
import {isTerminal} from '../../io/streams.js'
import {createdEndpointFields, databaseFields, endpointRows} from '../../output/resources.js'

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
    const api = await this.api()
    if (this.flags.region !== undefined) {
      const region = this.flags.region.trim()
      // "inherit" is the API's word for the project's own region.
      if (region !== 'inherit') await checkRegion(api, region)
      input.region = region as NonNullable<CreateDatabaseInput['region']>
    }
    if (this.flags.default) input.isDefault = true

    const [{createAndDeliver}, created, details, {explainRefusedCreate}] = await Promise.all([
      import('../../flows/create-and-deliver.js'),
      import('../../render/created-database.js'),
      import('../../api/connection-details.js'),
      import('../../flows/usage-blocked.js'),
    ])
    const database = await createAndDeliver<CreatedDatabase>({
      ...(await this.delivery(`Creating a database in project ${this.flags.project}`, this.flags)),
      // A refusal is explained when the project's workspace has its usage blocked.
      create: () => explainRefusedCreate(api, async (signal) => (await api.getProject(this.flags.project, {signal})).workspace, () => api.createDatabase(this.flags.project, input)),
      database: (d) => d,
      // A later poll may report a status the POST's answer never has (failure, recovering); JSON shows it as seen.
      withStatus: (d, status) => ({...d, status: status as CreatedDatabase['status']}),
      done: (d) => `Created database ${d.name} (${d.id}); ${d.status}`,
      print: async (d) => {
        const connections = details.databaseConnectionDetails(d)
        if (this.output.format === 'table' && isTerminal(this.io.stdout)) this.out(await created.renderCreatedDatabase(this.io, d, connections))
        else if (connections.length > 0) await this.list(createdEndpointFields, endpointRows(connections, {project: this.flags.project, database: d.id}))
        else await this.record(databaseFields, d)
      },
      plain: (d) => created.plainCreatedDatabase(d, details.databaseConnectionDetails(d)),
      check: (d) => `prisma-mgmt db show ${d.id}`,
    })
    return this.machine ? this.document(database, () => '') : database
  }
}
