import type {WorkspaceDetails} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {columnsFlag, idArg} from '../../flags.js'
import {workspaceFields} from '../../output/resources.js'

export default class WorkspacesShow extends BaseCommand<typeof WorkspacesShow> {
  static override summary = 'Show one workspace'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1ws0000001', '<%= config.bin %> <%= command.id %> cmf1ws0000001 --json']

  static override args = {
    id: idArg({description: 'Workspace id (see `workspaces list`)', required: true}),
  }

  static override fields = workspaceFields

  static override flags = {
    ...columnsFlag,
  }

  public async run(): Promise<WorkspaceDetails> {
    const api = await this.api()
    return this.record(workspaceFields, await api.getWorkspace(this.args.id))
  }
}
