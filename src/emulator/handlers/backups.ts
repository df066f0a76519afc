// A database's backups, restoring one into a database, and the `source` a new database is copied
// from. Backups are taken by the emulator (the test hook, or --backup-interval), never invented:
// the list holds only copies that exist, newest first, none older than its database.
import type {Backup, ResponseBody} from '../../api/contract.js'
import type {Call, EmulatorCore, Reply, Scope} from '../core.js'
import {findDatabase, requireDatabase} from '../core.js'
import {readLimit} from '../pagination.js'
import {ApiProblem, conflict, invalid, notFound, unprocessable} from '../problems.js'
import type {BackupRecord, DatabaseRecord, DatabaseSource} from '../records.js'
import {objectBody} from '../validation.js'
import type {Fields} from '../validation.js'
import {backupView, databaseView} from '../views.js'

/** What the list's `meta` says; the emulator keeps a backup as long as its database. */
export const BACKUP_RETENTION_DAYS = 7

export function listBackups(call: Call): Reply {
  const {core, params, query} = call
  const database = requireDatabase(call, params.databaseId)
  const limit = readLimit(query)
  const all = [...(core.store.backupsOf(database.id)?.values() ?? [])].reverse()
  const data = (limit === undefined ? all : all.slice(0, limit)).map(backupView)
  return {
    status: 200,
    body: {data, meta: {backupRetentionDays: BACKUP_RETENTION_DAYS}, pagination: {hasMore: data.length < all.length, limit: limit ?? null}} satisfies ResponseBody<
      'getV1DatabasesByDatabaseIdBackups',
      200
    >,
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  return Array.isArray(value) ? 'an array' : `${typeof value} ${JSON.stringify(value)}`
}

function sourceId(source: Fields, name: 'databaseId' | 'backupId'): string {
  const value = source[name]
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`source.${name} must be a non-empty string, got ${describe(value)}.`)
  return value
}

/** The source database, which the caller must be able to see; 404 otherwise, as for any database. */
function sourceDatabase(scope: Scope, id: string): DatabaseRecord {
  const database = findDatabase(scope, id)
  if (!database) throw new ApiProblem(404, 'not-found', `Source database ${JSON.stringify(id)} was not found.`)
  return database
}

/** The backup, when it is one of that database's and complete. */
function usableBackup(scope: Scope, database: DatabaseRecord, backupId: string): BackupRecord {
  const backup = scope.core.store.backups.get(backupId)
  if (!backup || backup.databaseId !== database.id) {
    throw new ApiProblem(404, 'not-found', `Backup ${JSON.stringify(backupId)} of database ${database.id} was not found.`, `Pick one of the backups listed for database ${database.id}.`)
  }
  if (backup.status !== 'completed') throw unprocessable(`Backup ${backup.id} is ${backup.status} and cannot be restored.`, 'Pick a completed backup.')
  return backup
}

function sourceObject(value: unknown): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as Fields).type !== 'string') {
    throw invalid(`source must be an object with a type, got ${describe(value)}.`)
  }
  return value as Fields
}

/**
 * The `source` of a new database (or the deprecated `fromDatabase`), checked: the backup exists
 * and belongs to the database named, a database to clone exists and is ready. Undefined: empty.
 */
export function readCreateSource(scope: Scope, fields: Fields): DatabaseSource | undefined {
  if (fields.source !== undefined && fields.fromDatabase !== undefined) throw invalid('Send source or fromDatabase (deprecated), not both.')
  const from = fields.fromDatabase
  if (from !== undefined) {
    if (typeof from !== 'object' || from === null || Array.isArray(from)) throw invalid(`fromDatabase must be an object {id, backupId?}, got ${describe(from)}.`)
    const {id, backupId} = from as Fields
    return readCreateSource(scope, {source: backupId === undefined ? {type: 'database', databaseId: id} : {type: 'backup', databaseId: id, backupId}})
  }
  if (fields.source === undefined) return undefined
  const source = sourceObject(fields.source)
  switch (source.type) {
    case 'empty':
      return undefined
    case 'backup': {
      const database = sourceDatabase(scope, sourceId(source, 'databaseId'))
      const backup = usableBackup(scope, database, sourceId(source, 'backupId'))
      return {type: 'backup', databaseId: database.id, backupId: backup.id}
    }
    case 'database': {
      const database = sourceDatabase(scope, sourceId(source, 'databaseId'))
      if (database.status !== 'ready') throw conflict(`Database ${database.id} is ${database.status}; it can be cloned once it is ready.`, 'Wait until it is ready.')
      return {type: 'database', databaseId: database.id}
    }
    default:
      throw invalid(`source.type must be "empty", "backup" or "database", got ${describe(source.type)}.`)
  }
}

/** POST /v1/databases/{targetDatabaseId}/restore: answers at once with the target `recovering`. */
export function restoreDatabase(call: Call): Reply {
  const {core, params, body} = call
  const target = requireDatabase(call, params.targetDatabaseId)
  const fields = objectBody(body)
  if (fields.source === undefined) throw invalid('source is required: {"type": "backup", "databaseId": "...", "backupId": "..."}.')
  const source = sourceObject(fields.source)
  if (source.type !== 'backup') throw unprocessable(`source.type must be "backup" to restore a database, got ${describe(source.type)}.`)
  const databaseId = sourceId(source, 'databaseId')
  const backupId = sourceId(source, 'backupId')
  const database = sourceDatabase(call, databaseId)
  const backup = usableBackup(call, database, backupId)
  if (target.status === 'provisioning' || target.status === 'recovering') {
    throw conflict(`Database ${target.id} is ${target.status} and cannot be restored now.`, 'Wait until it is ready, then restore it.')
  }
  if (target.status !== 'ready') {
    throw conflict(`Database ${target.id} is in status ${target.status} and cannot be restored.`, target.failureReason ? `It failed: ${target.failureReason}` : undefined)
  }
  core.provisioning.restore(target, backup)
  return {
    status: 200,
    body: {
      data: {...databaseView(core.views, target), source: {type: 'backup', databaseId: database.id, backupId: backup.id}},
    } satisfies ResponseBody<'postV1DatabasesByTargetDatabaseIdRestore', 200>,
  }
}

/** The test hook POST /__emulator/databases/{id}/backups: a backup now, answered once it is complete. */
export async function takeBackupNow(core: EmulatorCore, databaseId: string): Promise<Backup & {databaseId: string}> {
  const database = core.store.databases.get(databaseId)
  if (!database) throw notFound('Database', databaseId)
  const backup = await core.provisioning.takeBackup(database)
  return {...backupView(backup), databaseId: database.id}
}
