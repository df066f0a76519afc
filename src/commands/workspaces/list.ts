import {Flags} from '@oclif/core'

import type {Workspace} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {workspaceColumns} from '../../render/resources.js'
import {renderTable} from '../../render/table.js'

export default class WorkspacesList extends BaseCommand<typeof WorkspacesList> {
  static override summary = 'List the workspaces the token can see'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  static override flags = {
    limit: Flags.integer({description: 'Stop after this many workspaces', min: 1}),
  }

  public async run(): Promise<Workspace[]> {
    const api = await this.api()
    const workspaces = await this.collect(api.listWorkspaces({limit: this.flags.limit}))
    this.out(workspaces.length > 0 ? await renderTable(workspaceColumns, workspaces) : 'No workspaces.')
    return workspaces
  }
}
