import {Flags} from '@oclif/core'

import {idArg} from '../../flags.js'
import {BaseCommand} from '../../base-command.js'
import {confirmAndDelete} from '../../flows/confirm-delete.js'
import {safe} from '../../output/safe-text.js'

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
    const deleted = await confirmAndDelete({
      what: 'project',
      yes: this.flags.yes,
      canAsk: this.interactive,
      prompter: this.deps.prompter,
      get: () => api.getProject(this.args.id),
      remove: (resource) => api.deleteProject(resource.id),
    })
    return this.document({id: deleted.id, deleted: true}, () => safe`Deleted project ${deleted.name} (${deleted.id}).`)
  }

}
