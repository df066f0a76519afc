import type {Project} from '../../api/contract.js'
import {idArg} from '../../arguments.js'
import {BaseCommand} from '../../base-command.js'
import {projectColumns} from '../../render/resources.js'
import {renderRecord} from '../../render/table.js'

export default class ProjectsShow extends BaseCommand<typeof ProjectsShow> {
  static override summary = 'Show one project'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1abc2d0001', '<%= config.bin %> <%= command.id %> cmf1abc2d0001 --json']

  static override args = {
    id: idArg({description: 'Project id', required: true}),
  }

  public async run(): Promise<Project> {
    const api = await this.api()
    const project = await api.getProject(this.args.id)
    this.out(await renderRecord(projectColumns, project))
    return project
  }
}
