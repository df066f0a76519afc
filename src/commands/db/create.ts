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

  static override description = 'Creates the database (POST /v1/projects/{id}/databases), waits until it is ready, then prints it with the connection details the API returned. The secrets are shown only once; --json keeps them for scripts. --from-backup or --clone start it with data: a backup\'s (its database is found among the project\'s databases unless --from names it), or a copy of another database\'s.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001',
    '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --name analytics --region eu-central-1',
    '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --default --json > db.json',
    '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --name staging --clone cmf1db2x0003',
    '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --name yesterday --from-backup cmf1bk9z0001',
  ]

  static override flags = {
    project: Flags.string({description: 'Project id', required: true}),
    name: Flags.string({description: 'Database name [default: chosen by the API]'}),
    region: Flags.string({description: 'Region id, e.g. us-east-1, or "inherit" for the project\'s [default: the API\'s]'}),
    default: Flags.boolean({description: 'Make it the project\'s default database', default: false}),
    'from-backup': Flags.string({description: 'Start it with the data of this backup (see `db backups list`)', exclusive: ['clone']}),
    from: Flags.string({description: 'With --from-backup: the database the backup belongs to [default: found among the project\'s databases]', dependsOn: ['from-backup']}),
    clone: Flags.string({description: 'Start it with a copy of this database\'s data as it is now', exclusive: ['from-backup']}),
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
    const source = await this.source(api)
    if (source) input.source = source

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

  /** What the database starts with: a backup (its database found when --from is not given), a clone, or nothing. */
  private async source(api: Awaited<ReturnType<DbCreate['api']>>): Promise<CreateDatabaseInput['source']> {
    const given = (name: 'from-backup' | 'from' | 'clone'): string | undefined => {
      const value = this.flags[name]?.trim()
      if (value === '') throw new UsageError(`The --${name} flag is empty.`, `Pass an id, or leave --${name} out.`)
      return value
    }
    const clone = given('clone')
    if (clone !== undefined) return {type: 'database', databaseId: clone}
    const backupId = given('from-backup')
    if (backupId === undefined) return undefined
    const {findBackupDatabase} = await import('../../flows/find-backup.js')
    const databaseId = given('from') ?? (await findBackupDatabase({api, backupId, projectId: this.flags.project}))
    return {type: 'backup', databaseId, backupId}
  }
}
