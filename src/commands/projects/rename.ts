import {Args, Flags} from '@oclif/core'
import type {Input, ParserOutput} from '@oclif/core/interfaces'

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
    // Required, as help and usage show it; parse() below makes it optional to the parser alone.
    name: Args.string({description: 'The new name', required: true}),
  }

  static override flags = {
    // The form before the name became an argument, as `db rename` takes it; kept so scripts keep working.
    name: Flags.string({description: 'The new name (the same as the name argument)', hidden: true}),
  }

  /** Parses with the name argument optional: the hidden --name may give it instead, and newName() says what is missing. */
  protected override parse<F extends Record<string, unknown>, B extends Record<string, unknown>, A extends Record<string, unknown>>(options?: Input<F, B, A>, argv?: string[]): Promise<ParserOutput<F, B, A>> {
    const name = options?.args?.name
    if (!options?.args || !name) return super.parse(options, argv)
    const args: typeof options.args = {...options.args, name: {...name, required: false}}
    return super.parse({...options, args}, argv)
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
