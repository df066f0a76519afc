import {Flags} from '@oclif/core'

import type {Project} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {projectColumns} from '../../render/resources.js'
import {renderTable} from '../../render/table.js'

export default class ProjectsList extends BaseCommand<typeof ProjectsList> {
  static override summary = 'List the projects of the workspace'

  static override description = 'Follows every page of GET /v1/projects. With --json, prints one JSON array of the API\'s project objects.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --limit 20',
    '<%= config.bin %> <%= command.id %> --json | jq -r \'.[].id\'',
  ]

  static override flags = {
    limit: Flags.integer({description: 'Stop after this many projects', min: 1}),
  }

  public async run(): Promise<Project[]> {
    const api = await this.api()
    const projects = await this.collect(api.listProjects({limit: this.flags.limit}))
    if (!this.json) this.out(projects.length > 0 ? await renderTable(projectColumns, projects) : 'No projects yet. Create one with `prisma-mgmt projects create`.')
    return projects
  }
}
