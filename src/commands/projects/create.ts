import {Flags} from '@oclif/core'

import type {CreatedProject, CreatedProjectDatabase, CreateProjectInput, RegionId} from '../../api/contract.js'
import type {ManagementApi} from '../../api/management-api.js'
import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {waitFlags} from '../../flags.js'
import {checkRegion} from '../../flows/check-region.js'
import {alignColumns} from '../../io/prompts.js'
import {isTerminal} from '../../io/streams.js'
import {timestampName} from '../../flows/names.js'
import {createdEndpointFields, endpointRows, projectFields} from '../../output/resources.js'

export const DEFAULT_REGION: RegionId = 'us-east-1'

export default class ProjectsCreate extends BaseCommand<typeof ProjectsCreate> {
  static override summary = 'Create a project with a Prisma Postgres database and print its connection details'

  static override description = `Creates the project (POST /v1/projects), waits until its database is ready, then prints the project and every connection detail the API returned: each endpoint's connection string (direct, pooled, accelerate), host, port, user and password.

The API shows these secrets only once. With --json the output is the API's project object, secrets included, for scripts to store.

Without --region, a terminal offers the available regions; elsewhere the region is ${DEFAULT_REGION}.`

  static override examples = [
    {description: 'Create a project in us-east-1', command: '<%= config.bin %> <%= command.id %> --region us-east-1'},
    {description: 'Name it, and keep the secrets for a script', command: '<%= config.bin %> <%= command.id %> --name billing --region eu-central-1 --json > billing.json'},
    {description: 'A project without a database', command: '<%= config.bin %> <%= command.id %> --no-database'},
  ]

  static override flags = {
    name: Flags.string({description: 'Project name [default: project-<UTC yyyymmdd-hhmmss>]'}),
    region: Flags.string({description: `Region of the database, e.g. us-east-1 (see \`regions list\`) [default: ${DEFAULT_REGION}, or a choice on a terminal]`}),
    workspace: Flags.string({description: 'Workspace id [default: the token\'s workspace]'}),
    database: Flags.boolean({description: 'Create the project\'s first database (--no-database skips it)', default: true, allowNo: true}),
    ...waitFlags,
  }

  public async run(): Promise<CreatedProject> {
    const name = this.flags.name === undefined ? timestampName('project', this.deps.clock.now()) : this.flags.name.trim()
    if (!name) throw new UsageError('The --name flag is empty.', 'Pass a name, or leave --name out for a generated one.')
    const api = await this.api()
    const region = await this.chooseRegion(api)
    const input: CreateProjectInput = {name, createDatabase: this.flags.database}
    if (this.flags.database) input.region = region as RegionId
    if (this.flags.workspace) input.workspaceId = this.flags.workspace

    const [{createAndDeliver}, created, details, {safe}, {explainRefusedCreate}] = await Promise.all([
      import('../../flows/create-and-deliver.js'),
      import('../../render/created-database.js'),
      import('../../api/connection-details.js'),
      import('../../output/safe-text.js'),
      import('../../flows/usage-blocked.js'),
    ])
    const project = await createAndDeliver<CreatedProject>({
      ...(await this.delivery(`Creating project ${name} in ${region}`, this.flags)),
      // A refusal is explained when the workspace's usage is blocked: the one named, else the token's.
      create: () =>
        explainRefusedCreate(
          api,
          async (signal) => (input.workspaceId ? {id: input.workspaceId} : ((await api.getMe({signal})).workspace ?? undefined)),
          () => api.createProject(input),
        ),
      database: (p) => p.database ?? undefined,
      // A later poll may report a status the POST's answer never has (failure, recovering); JSON shows it as seen.
      withStatus: (p, status) => (p.database ? {...p, database: {...p.database, status: status as CreatedProjectDatabase['status']}} : p),
      done: ({database, id, name}) => (database ? `Created project ${name} (${id}); database ${database.status}` : `Created project ${name} (${id})`),
      print: async (p) => {
        const connections = p.database ? details.databaseConnectionDetails(p.database) : []
        if (this.output.format === 'table' && isTerminal(this.io.stdout)) {
          await this.record(projectFields, p)
          if (p.database) this.out(`\n${await created.renderCreatedDatabase(this.io, p.database, connections)}`)
        } else if (connections.length > 0) {
          await this.list(createdEndpointFields, endpointRows(connections, {project: p.id, database: p.database?.id}))
        } else await this.record(projectFields, p)
      },
      plain: (p) =>
        [safe`Project ${p.name} (${p.id})`, ...(p.database ? [created.plainCreatedDatabase(p.database, details.databaseConnectionDetails(p.database))] : [])].join('\n'),
      check: (p) => (p.database ? `prisma-mgmt db show ${p.database.id}` : `prisma-mgmt projects show ${p.id}`),
    })
    return this.machine ? this.document(project, () => '') : project
  }

  private async chooseRegion(api: ManagementApi): Promise<string> {
    if (this.flags.region !== undefined) {
      const region = this.flags.region.trim()
      if (!region) throw new UsageError('The --region flag is empty.', 'Pass a region id such as us-east-1 (see `prisma-mgmt regions list`).')
      if (this.flags.database) await checkRegion(api, region)
      return region
    }
    if (!this.flags.database || !this.canChoose) return DEFAULT_REGION
    const regions = await api.listPostgresRegions()
    const names = alignColumns(regions.map((r) => [r.id, r.name, r.status === 'available' ? '' : `(${r.status})`]))
    return this.deps.prompter.choose(
      'Region for the database',
      regions.map((r, i) => ({name: names[i], value: r.id, disabled: r.status === 'available' ? false : `(${r.status})`})),
    )
  }
}
