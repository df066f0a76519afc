import {Flags} from '@oclif/core'

import type {Project} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {collect} from '../../api/collect.js'
import {columnsFlag} from '../../flags.js'
import {projectFields} from '../../output/resources.js'

export default class ProjectsList extends BaseCommand<typeof ProjectsList> {
  static override summary = 'List the projects of the workspace'

  static override description = 'Follows every page of GET /v1/projects. With --json, prints one JSON array of the API\'s project objects.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --limit 20',
    '<%= config.bin %> <%= command.id %> --json | jq -r \'.[].id\'',
  ]

  static override fields = projectFields

  static override flags = {
    ...columnsFlag,
    limit: Flags.integer({description: 'Stop after this many projects', min: 1}),
  }

  public async run(): Promise<Project[]> {
    const api = await this.api()
    const projects = await collect(api.listProjects({limit: this.flags.limit}))
    return this.list(projectFields, projects, {empty: 'No projects yet. Create one with `prisma-mgmt projects create`.'})
  }

}
