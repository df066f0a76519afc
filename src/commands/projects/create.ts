import {Flags} from '@oclif/core'

import type {CreatedProject, CreatedProjectDatabase, CreateProjectInput, RegionId} from '../../api/contract.js'
import {BaseCommand, waitFlags} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {timestampName} from '../../render/format.js'
import {projectColumns} from '../../render/resources.js'
import {renderRecord} from '../../render/table.js'
import {streams} from '../../render/terminal.js'

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
    const name = this.flags.name === undefined ? timestampName('project') : this.flags.name.trim()
    if (!name) throw new UsageError('The --name flag is empty.', 'Pass a name, or leave --name out for a generated one.')
    const region = await this.chooseRegion()
    const input: CreateProjectInput = {name, createDatabase: this.flags.database}
    if (this.flags.database) input.region = region as RegionId
    if (this.flags.workspace) input.workspaceId = this.flags.workspace

    const api = await this.api()
    const [{startSpinner}, {createAndDeliver}, created, details, {safe}] = await Promise.all([
      import('../../render/spinner.js'),
      import('../../flows/create-and-deliver.js'),
      import('../../render/created-database.js'),
      import('../../api/connection-details.js'),
      import('../../render/safe-text.js'),
    ])
    const spinner = await startSpinner(`Creating project ${name} in ${region}`, {json: this.json})
    return createAndDeliver<CreatedProject>({
      api,
      spinner,
      json: this.json,
      wait: this.flags.wait,
      timeoutSeconds: this.flags['wait-timeout'],
      say: (line) => streams.stderr.write(`${line}\n`),
      write: (text) => this.out(text),
      create: () => api.createProject(input),
      database: (project) => project.database ?? undefined,
      // A later poll may report a status the POST's answer never has (failure, recovering); JSON shows it as seen.
      withStatus: (project, status) =>
        project.database ? {...project, database: {...project.database, status: status as CreatedProjectDatabase['status']}} : project,
      done: ({database, id, name}) => (database ? `Created project ${name} (${id}); database ${database.status}` : `Created project ${name} (${id})`),
      render: async (project) => {
        const table = await renderRecord(projectColumns, project)
        if (!project.database) return table
        return `${table}\n\n${await created.renderCreatedDatabase(project.database, details.databaseConnectionDetails(project.database))}`
      },
      plain: (project) =>
        [safe`Project ${project.name} (${project.id})`, ...(project.database ? [created.plainCreatedDatabase(project.database, details.databaseConnectionDetails(project.database))] : [])].join('\n'),
      check: (project) => (project.database ? `prisma-mgmt db show ${project.database.id}` : `prisma-mgmt projects show ${project.id}`),
    })
  }

  private async chooseRegion(): Promise<string> {
    if (this.flags.region !== undefined) {
      const region = this.flags.region.trim()
      if (!region) throw new UsageError('The --region flag is empty.', 'Pass a region id such as us-east-1 (see `prisma-mgmt regions list`).')
      return region
    }
    if (!this.flags.database || !this.interactive || this.json) return DEFAULT_REGION
    const api = await this.api()
    const regions = await api.listPostgresRegions()
    const {choose} = await import('../../render/prompts.js')
    return choose(
      'Region for the database',
      regions.map((r) => ({
        name: `${r.id}  ${r.name}`,
        value: r.id,
        disabled: r.status === 'available' ? false : `(${r.status})`,
      })),
    )
  }
}
