import {Flags} from '@oclif/core'

import type {RestoredDatabase} from '../../api/contract.js'
import {columnsFlag, idArg, waitFlags} from '../../flags.js'
import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {databaseFields} from '../../output/resources.js'
import {safe} from '../../output/safe-text.js'

export default class DbRestore extends BaseCommand<typeof DbRestore> {
  static override summary = 'Overwrite a database with the data of a backup'

  static override description =
    'Replaces every row of the database with the backup\'s (POST /v1/databases/{id}/restore); its connections and credentials stay. ' +
    'The backup may be one of another database: without --from, the CLI looks for it among the backups of the databases in the target\'s project. ' +
    'On a terminal, asks you to type the database\'s name; elsewhere nothing happens without --yes. Waits until the database is ready again (--no-wait returns at once).'

  static override examples = [
    '<%= config.bin %> <%= command.id %> cmf1db2x0003 --backup cmf1bk9z0001',
    '<%= config.bin %> <%= command.id %> cmf1db2x0003 --backup cmf1bk9z0001 --from cmf1db7y0002 --yes --json',
  ]

  static override args = {
    'db-id': idArg({description: 'Database to overwrite', required: true}),
  }

  static override fields = databaseFields

  static override flags = {
    backup: Flags.string({description: 'Backup id (see `db backups list`)', required: true}),
    from: Flags.string({description: 'Database the backup belongs to [default: found among the project\'s databases]'}),
    yes: Flags.boolean({char: 'y', description: 'Restore without asking', default: false}),
    ...waitFlags,
    ...columnsFlag,
  }

  public async run(): Promise<RestoredDatabase> {
    const backupId = this.flags.backup.trim()
    if (!backupId) throw new UsageError('The --backup flag is empty.', 'Pass a backup id (see `prisma-mgmt db backups list <db-id>`).')
    const from = this.flags.from?.trim()
    if (from === '') throw new UsageError('The --from flag is empty.', 'Pass the id of the database the backup belongs to, or leave --from out.')
    const api = await this.api()
    // A typo in the target fails with "not found" before any search or question.
    const target = await api.getDatabase(this.args['db-id'])
    const {findBackupDatabase} = await import('../../flows/find-backup.js')
    const databaseId = from ?? (await findBackupDatabase({api, backupId, projectId: target.project.id, first: target.id}))
    if (!this.flags.yes) {
      if (!this.interactive) {
        throw new UsageError(`Refusing to restore database ${target.id} without confirmation: it overwrites all its data.`, 'Pass --yes to restore without a prompt.')
      }
      const question = safe`This overwrites every row of database ${target.name} (${target.id}) with backup ${backupId}. Type its name to confirm:`
      if (!(await this.deps.prompter.confirmName(question, target.name))) {
        throw new UsageError(`The name did not match; database ${target.id} was not restored.`)
      }
    }
    const {restoreAndWait} = await import('../../flows/restore-database.js')
    const restored = await restoreAndWait({
      ...(await this.delivery(`Restoring database ${target.id} from backup ${backupId}`, this.flags)),
      targetId: target.id,
      source: {type: 'backup', databaseId, backupId},
    })
    return this.record(databaseFields, restored)
  }
}
