// The database a backup belongs to. The API names a backup by the database it belongs to and its
// own id, but people copy the backup id alone from `db backups list`: the CLI looks for it among
// the backups of one project's databases (the database given first), and no further.
import type {ManagementApi} from '../api/management-api.js'
import {ApiError} from '../api/errors.js'
import {NotFoundError} from '../errors.js'

/** More databases than this in one project are not searched one by one: --from says where to look. */
export const MAX_DATABASES_SEARCHED = 50

export interface FindBackup {
  api: ManagementApi
  backupId: string
  projectId: string
  /** Searched first (the restore's target: most restores bring a database back to its own backup). */
  first?: string
}

export async function findBackupDatabase({api, backupId, projectId, first}: FindBackup): Promise<string> {
  const ids: string[] = first ? [first] : []
  for await (const database of api.listDatabases({projectId, limit: MAX_DATABASES_SEARCHED})) if (database.id !== first) ids.push(database.id)
  const searched = ids.slice(0, MAX_DATABASES_SEARCHED)
  for (const databaseId of searched) {
    let backups
    try {
      backups = (await api.listBackups(databaseId)).data
    } catch (error) {
      // A database without backups (422) or gone meanwhile (404) holds none of them.
      if (error instanceof ApiError && (error.status === 422 || error.status === 404)) continue
      throw error
    }
    if (backups.some((backup) => backup.id === backupId)) return databaseId
  }
  throw new NotFoundError(
    `Backup ${backupId} is not among the backups of the ${searched.length === 1 ? 'database' : `${searched.length} databases`} of project ${projectId}.`,
    'Pass --from <db-id>, the database the backup belongs to (`prisma-mgmt db backups list <db-id>` lists its backups).',
  )
}
