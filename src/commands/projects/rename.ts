import {Args, Flags} from '@oclif/core'

import type {Project} from '../../api/contract.js'
import {idArg} from '../../flags.js'
import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {projectFields} from '../../output/resources.js'
import {safe} from '../../output/safe-text.js'

const USAGE = 'prisma-mgmt projects rename <id> <name>'

export default class ProjectsRename extends BaseCommand<typeof ProjectsRename> {
  static override summary = 'Rename a project'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1abc2d0001 billing-prod', '<%= config.bin %> <%= command.id %> cmf1abc2d0001 "billing prod" --json']

  static override args = {
    id: idArg({description: 'Project id', required: true}),
    // Not required by the parser: the hidden --name may give it instead.
    name: Args.string({description: 'The new name'}),
  }

  static override flags = {
    // The form before the name became an argument, as `db rename` takes it; kept so scripts keep working.
    name: Flags.string({description: 'The new name (the same as the name argument)', hidden: true}),
  }

  public async run(): Promise<Project> {
    const name = this.newName()
    const api = await this.api()
    const project = await api.renameProject(this.args.id, name)
    this.aside(safe`Renamed project ${project.id} to "${project.name}".`)
    return this.record(projectFields, project)
  }

  /** The name argument, or the --name flag; both only when they agree. */
  private newName(): string {
    const {name: argument} = this.args
    const {name: flag} = this.flags
    if (argument !== undefined && flag !== undefined && argument.trim() !== flag.trim()) {
      throw new UsageError(safe`Two new names: the argument "${argument}" and --name "${flag}".`, `Pass the name once: ${USAGE}.`)
    }
    const given = argument ?? flag
    if (given === undefined) throw new UsageError('Missing the new name (the name argument).', `Pass it after the project id: ${USAGE}.`)
    const name = given.trim()
    if (!name) throw new UsageError(`The ${argument === undefined ? '--name flag' : 'name argument'} is empty.`, `Pass the new name: ${USAGE}.`)
    return name
  }
}
