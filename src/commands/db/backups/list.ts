import {Flags} from '@oclif/core'

import type {Backup} from '../../../api/contract.js'
import {ApiError} from '../../../api/errors.js'
import {columnsFlag, idArg} from '../../../flags.js'
import {BaseCommand} from '../../../base-command.js'
import {isTerminal} from '../../../io/streams.js'
import {backupFields} from '../../../output/resources.js'
import {safe} from '../../../output/safe-text.js'

export default class DbBackupsList extends BaseCommand<typeof DbBackupsList> {
  static override summary = 'List the backups of a database'

  static override description = 'When the API says backups are not supported for the database (HTTP 422), that is reported as a plain message, not a failure: exit 0, and [] with --json.'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1db2x0003', '<%= config.bin %> <%= command.id %> cmf1db2x0003 --limit 5 --json']

  static override args = {
    'db-id': idArg({description: 'Database id', required: true}),
  }

  static override fields = backupFields

  static override flags = {
    limit: Flags.integer({description: 'At most this many backups', min: 1}),
    ...columnsFlag,
  }

  public async run(): Promise<Backup[]> {
    const api = await this.api()
    try {
      const {data, meta} = await api.listBackups(this.args['db-id'], {limit: this.flags.limit})
      await this.list(backupFields, data, {empty: 'No backups yet.'})
      const emulator = data.length === 0 ? await this.emulatorBase() : undefined
      if (emulator) this.aside(howToBackUp(emulator, this.args['db-id'], this.io.env.PRISMA_SERVICE_TOKEN?.trim() ? '"$PRISMA_SERVICE_TOKEN"' : "<the emulator's token>"))
      this.aside(`Backups are kept for ${meta.backupRetentionDays} days.`)
      return data
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        // Not a failure: this database has no backups to list.
        this.aside(safe`Backups are not available for database ${this.args['db-id']}: ${error.message}`)
        // Scripts still get their empty document ([] in json, a header line in tsv and csv).
        if (!(this.output.format === 'table' && isTerminal(this.io.stdout))) await this.list(backupFields, [])
        return []
      }
      throw error
    }
  }

  /** The API's base URL when it is on this machine, the emulator (Prisma's API never is); undefined otherwise. */
  private async emulatorBase(): Promise<string | undefined> {
    const {isLoopbackHost, normalizeApiUrl} = await import('../../../api/url.js')
    try {
      const base = normalizeApiUrl((await this.settings.apiUrl()).value)
      return isLoopbackHost(base.hostname) ? base.href.replace(/\/+$/, '') : undefined
    } catch {
      return undefined
    }
  }
}

/** How the emulator is asked for a backup: there is no such request in the API, nor a command for it. */
function howToBackUp(base: string, databaseId: string, token: string): string {
  return [
    'The emulator backs up only when asked. Take one now with',
    `  curl -X POST --oauth2-bearer ${token} ${base}/__emulator/databases/${encodeURIComponent(databaseId)}/backups`,
    'or start it with `prisma-mgmt emulator start --backup-interval 3600` to back up every ready database every hour.',
  ].join('\n')
}
