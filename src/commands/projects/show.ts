import type {Project} from '../../api/contract.js'
import {collect} from '../../api/collect.js'
import {columnsFlag, idArg} from '../../flags.js'
import {BaseCommand} from '../../base-command.js'
import {isTerminal} from '../../io/streams.js'
import {bucketFields, databaseFields, projectFields} from '../../output/resources.js'

export default class ProjectsShow extends BaseCommand<typeof ProjectsShow> {
  static override summary = 'Show one project, its databases and its buckets'

  static override description = 'On a terminal, the project is followed by a table of its databases (id, name, region, status, default) and one of its buckets (id, name, provider name, status). Tab-separated, csv, json and yaml output hold the project alone; `db list --project <id>` and `buckets list --project <id>` list them in any format.'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1abc2d0001', '<%= config.bin %> <%= command.id %> cmf1abc2d0001 --json']

  static override args = {
    id: idArg({description: 'Project id', required: true}),
  }

  static override fields = projectFields

  static override flags = {
    ...columnsFlag,
  }

  public async run(): Promise<Project> {
    const api = await this.api()
    const project = await api.getProject(this.args.id)
    await this.record(projectFields, project)
    if (this.output.format === 'table' && isTerminal(this.io.stdout)) {
      const [databases, buckets, {printList}] = await Promise.all([
        collect(api.listDatabases({projectId: project.id})),
        collect(api.listBuckets({projectId: project.id})),
        import('../../output/print.js'),
      ])
      this.out(`\nDatabases`)
      const shown = databaseFields.filter((f) => ['id', 'name', 'region', 'status', 'default'].includes(f.name))
      await printList({io: this.io, format: 'table'}, shown, databases, {empty: `No databases. Create one with \`prisma-mgmt db create --project ${project.id}\`.`})
      this.out(`\nBuckets`)
      const bucketColumns = bucketFields.filter((f) => ['id', 'name', 'provider-name', 'status'].includes(f.name))
      await printList({io: this.io, format: 'table'}, bucketColumns, buckets, {empty: `No buckets. Create one with \`prisma-mgmt buckets create --project ${project.id}\`.`})
    }
    return project
  }
}
