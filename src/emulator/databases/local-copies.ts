// Backups and copies for the `local` backend. PGlite cannot copy itself while it serves, so the
// backend stops the databases involved, copies PGlite's data folder (`.pglite`, under the folder
// @prisma/dev keeps per server) with these, and starts them again behind their unchanged front.
// A backup is `<root>/backups/<backupId>/`: the `.pglite` folder as it was.
import {cp, mkdir, readdir, rename, rm, stat} from 'node:fs/promises'
import {join} from 'node:path'

const DATA_FOLDER = '.pglite'
/** @prisma/dev nests its folders a few levels under XDG_DATA_HOME; deeper means something else. */
const MAX_DEPTH = 6

export function backupDir(root: string, backupId: string): string {
  return join(root, 'backups', backupId)
}

/** The `.pglite` folder under a database's folder, or undefined when it was never started. */
export async function findDataFolder(dir: string, depth = 0): Promise<string | undefined> {
  if (depth > MAX_DEPTH) return undefined
  const entries = await readdir(dir, {withFileTypes: true}).catch(() => [])
  for (const entry of entries) if (entry.isDirectory() && entry.name === DATA_FOLDER) return join(dir, entry.name)
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === 'cache') continue
    const found = await findDataFolder(join(dir, entry.name), depth + 1)
    if (found) return found
  }
  return undefined
}

async function sizeOf(path: string): Promise<number> {
  const info = await stat(path)
  if (!info.isDirectory()) return info.size
  let total = 0
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry))
  return total
}

export async function dataFolderOf(databaseDir: string, what: string): Promise<string> {
  const found = await findDataFolder(databaseDir)
  if (!found) throw new Error(`${what} has no PGlite data folder under ${databaseDir}`)
  return found
}

/** Copies a stopped database's data into the backup's folder; its size in bytes. */
export async function copyToBackup(databaseDir: string, backup: string): Promise<number> {
  const data = await dataFolderOf(databaseDir, 'the database')
  await rm(backup, {recursive: true, force: true})
  await mkdir(backup, {recursive: true})
  await cp(data, join(backup, DATA_FOLDER), {recursive: true})
  return sizeOf(backup)
}

/** Replaces a stopped database's data with a copy of `fromData` (a `.pglite` folder). */
export async function replaceData(databaseDir: string, fromData: string): Promise<void> {
  const data = await dataFolderOf(databaseDir, 'the target database')
  const incoming = `${data}.incoming`
  await rm(incoming, {recursive: true, force: true})
  await cp(fromData, incoming, {recursive: true})
  await rm(data, {recursive: true, force: true})
  await rename(incoming, data)
}

export async function backupData(backup: string): Promise<string> {
  const data = join(backup, DATA_FOLDER)
  if (!(await stat(data).catch(() => undefined))?.isDirectory()) throw new Error(`backup folder ${backup} holds no data`)
  return data
}
