import {Flags} from '@oclif/core'

import type {Workspace} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {collect} from '../../api/collect.js'
import {columnsFlag} from '../../flags.js'
import {workspaceFields} from '../../output/resources.js'

export default class WorkspacesList extends BaseCommand<typeof WorkspacesList> {
  static override summary = 'List the workspaces the token can see'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  static override fields = workspaceFields

  static override flags = {
    ...columnsFlag,
    limit: Flags.integer({description: 'Stop after this many workspaces', min: 1}),
  }

  public async run(): Promise<Workspace[]> {
    const api = await this.api()
    const workspaces = await collect(api.listWorkspaces({limit: this.flags.limit}))
    return this.list(workspaceFields, workspaces, {empty: 'No workspaces.'})
  }

}
