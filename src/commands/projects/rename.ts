import {Flags} from '@oclif/core'

import type {Project} from '../../api/contract.js'
import {idArg} from '../../flags.js'
import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {projectFields} from '../../output/resources.js'
import {safe} from '../../output/safe-text.js'

export default class ProjectsRename extends BaseCommand<typeof ProjectsRename> {
  static override summary = 'Rename a project'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1abc2d0001 --name billing-prod']

  static override args = {
    id: idArg({description: 'Project id', required: true}),
  }

  static override flags = {
    name: Flags.string({description: 'The new name', required: true}),
  }

  public async run(): Promise<Project> {
    const name = this.flags.name.trim()
    if (!name) throw new UsageError('The --name flag is empty.', 'Pass the new name: --name <name>.')
    const api = await this.api()
    const project = await api.renameProject(this.args.id, name)
    this.aside(safe`Renamed project ${project.id} to "${project.name}".`)
    return this.record(projectFields, project)
  }
}
