import {Flags} from '@oclif/core'

import {idArg} from '../../arguments.js'
import {BaseCommand} from '../../base-command.js'
import {safe} from '../../render/safe-text.js'

export default class ProjectsDelete extends BaseCommand<typeof ProjectsDelete> {
  static override summary = 'Delete a project and all of its databases'

  static override description = 'On a terminal, asks you to type the project\'s name. Elsewhere (scripts, CI) nothing is deleted without --yes.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> cmf1abc2d0001',
    '<%= config.bin %> <%= command.id %> cmf1abc2d0001 --yes',
  ]

  static override args = {
    id: idArg({description: 'Project id', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Delete without asking', default: false}),
  }

  public async run(): Promise<{id: string; deleted: true}> {
    const api = await this.api()
    const {id} = this.args
    // Look it up first: a typo fails with "not found" before any question is asked.
    const project = await api.getProject(id)
    await this.confirmDeletion({what: 'project', id: project.id, name: project.name, yes: this.flags.yes})
    await api.deleteProject(project.id)
    this.out(safe`Deleted project ${project.name} (${project.id}).`)
    return {id: project.id, deleted: true}
  }
}
