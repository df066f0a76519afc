import {Flags} from '@oclif/core'

import type {Database} from '../../api/contract.js'
import {ApiError} from '../../api/errors.js'
import {AdvisedError} from '../../errors.js'
import {idArg} from '../../flags.js'
import {BaseCommand} from '../../base-command.js'
import {confirmAndDelete} from '../../flows/confirm-delete.js'
import {safe} from '../../output/safe-text.js'

export default class DbDelete extends BaseCommand<typeof DbDelete> {
  static override summary = 'Delete a database and its connections'

  static override description = 'On a terminal, asks you to type the database\'s name. Elsewhere (scripts, CI) nothing is deleted without --yes.'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1db2x0003', '<%= config.bin %> <%= command.id %> cmf1db2x0003 --yes']

  static override args = {
    'db-id': idArg({description: 'Database id', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Delete without asking', default: false}),
  }

  public async run(): Promise<{id: string; deleted: true}> {
    const api = await this.api()
    const deleted = await confirmAndDelete({
      what: 'database',
      yes: this.flags.yes,
      canAsk: this.interactive,
      prompter: this.deps.prompter,
      get: () => api.getDatabase(this.args['db-id']),
      remove: (resource) => api.deleteDatabase(resource.id).catch((error: unknown) => Promise.reject(refusedDefault(error, resource))),
    })
    return this.document({id: deleted.id, deleted: true}, () => safe`Deleted database ${deleted.name} (${deleted.id}).`)
  }

}

/** A project's default database cannot be deleted: say how, with this CLI's commands. */
function refusedDefault(error: unknown, database: Database): unknown {
  if (!(error instanceof ApiError && error.status === 403 && database.isDefault)) return error
  const project = database.project?.id ?? '<project-id>'
  return new AdvisedError(
    error,
    `It is its project's default database. Create the database to take its place with \`prisma-mgmt db create --project ${project} --default\`, then delete this one; or delete the whole project: \`prisma-mgmt projects delete ${project}\`.`,
  )
}
