// Backups, restore and clone with real rows, through the built binary, in `local` (the emulator's
// own PostgreSQL server) and `postgres` (a throwaway server standing for the user's) modes: a row written before the backup is
// there after the restore, in a database created from the backup, and in a clone.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'


import {Emulator, parseJson, removeDir, run, tempDir} from './harness.js'
import {query} from './sql.js'
import {startCluster, type Cluster} from './postgres-cluster.js'

interface CreatedDatabase {
  id: string
  status: string
  source: unknown
  connections: {endpoints: {direct: {connectionString: string}}}[]
}
interface CreatedProject {
  id: string
  database: CreatedDatabase
}

const bodies = async (url: string) => (await query(url, 'select body from notes order by id')).map((row) => row.body)

/** The whole story, the same in both modes. */
async function restoreAndClone(emulator: Emulator, home: string, timeoutMs: number): Promise<{databaseId: string; backupId: string; url: string}> {
  const cli = (args: string[]) => run(args, {env: emulator.env(home), emulator, timeoutMs})
  const created = await cli(['projects', 'create', '--name', 'real-restore', '--region', 'us-east-1', '--json'])
  assert.equal(created.code, 0, created.stderr)
  const project = parseJson<CreatedProject>(created)
  const databaseId = project.database.id
  const url = project.database.connections[0].endpoints.direct.connectionString
  await query(url, 'create table notes (id serial primary key, body text not null)')
  await query(url, "insert into notes (body) values ('written before the backup')")

  const taken = await emulator.call<{data: {id: string}}>('POST', `/__emulator/databases/${databaseId}/backups`)
  assert.equal(taken.status, 201, JSON.stringify(taken.body))
  const backupId = taken.body.data.id
  const listed = parseJson<{id: string; size?: number; status: string}[]>(await cli(['db', 'backups', 'list', databaseId, '--json']))
  assert.deepEqual(listed.map((b) => [b.id, b.status]), [[backupId, 'completed']])
  assert.ok((listed[0].size ?? 0) > 0, `a real copy has a size: ${listed[0].size}`)

  // The data changes after the backup: the row goes, another comes.
  await query(url, 'delete from notes')
  await query(url, "insert into notes (body) values ('written after the backup')")
  assert.deepEqual(await bodies(url), ['written after the backup'])

  const restored = await cli(['db', 'restore', databaseId, '--backup', backupId, '--yes', '--json'])
  assert.equal(restored.code, 0, restored.stderr)
  assert.equal(parseJson<{status: string}>(restored).status, 'ready')
  // The same connection string as before: credentials and endpoints survive a restore.
  assert.deepEqual(await bodies(url), ['written before the backup'])

  const clone = await cli(['db', 'create', '--project', project.id, '--name', 'clone', '--clone', databaseId, '--json'])
  assert.equal(clone.code, 0, clone.stderr)
  const cloned = parseJson<CreatedDatabase>(clone)
  assert.equal(cloned.status, 'ready')
  const cloneUrl = cloned.connections[0].endpoints.direct.connectionString
  assert.deepEqual(await bodies(cloneUrl), ['written before the backup'])
  await query(cloneUrl, "insert into notes (body) values ('only in the clone')")
  assert.deepEqual(await bodies(url), ['written before the backup'], 'a clone is a copy: the source does not change')
  assert.equal((await cli(['db', 'delete', cloned.id, '--yes'])).code, 0)

  // A backup id alone: the CLI finds its database.
  const fromBackup = await cli(['db', 'create', '--project', project.id, '--name', 'from-backup', '--from-backup', backupId, '--json'])
  assert.equal(fromBackup.code, 0, fromBackup.stderr)
  const copy = parseJson<CreatedDatabase>(fromBackup)
  assert.deepEqual(copy.source, {type: 'backup', databaseId, backupId})
  assert.deepEqual(await bodies(copy.connections[0].endpoints.direct.connectionString), ['written before the backup'])
  assert.equal((await cli(['db', 'delete', copy.id, '--yes'])).code, 0)
  return {databaseId, backupId, url}
}

describe('restore and clone with real rows: local (the emulator\'s PostgreSQL server)', {timeout: 300_000}, () => {
  let emulator: Emulator | undefined
  let home: string
  let dataDir: string

  before(async () => {
    home = await tempDir()
    dataDir = await tempDir()
  })
  after(async () => {
    await emulator?.stop()
    await removeDir(home)
    await removeDir(dataDir)
  })

  it('a row written before the backup is back after the restore, in a database made from the backup, and in a clone; backups survive a restart', async () => {
    emulator = await Emulator.start(['--databases', 'local', '--data-dir', dataDir])
    const {databaseId, backupId, url} = await restoreAndClone(emulator, home, 180_000)
    await query(url, "insert into notes (body) values ('written before the restart')")
    await emulator.stop()

    emulator = await Emulator.start(['--databases', 'local', '--data-dir', dataDir])
    const cli = (args: string[]) => run(args, {env: emulator!.env(home), emulator, timeoutMs: 180_000})
    const listed = parseJson<{id: string}[]>(await cli(['db', 'backups', 'list', databaseId, '--json']))
    assert.deepEqual(listed.map((b) => b.id), [backupId])
    // Minting a credential waits for the database to start again; then it is ready to be restored.
    const fresh = (await cli(['db', 'credentials', databaseId, '--format', 'url'])).stdout.trim()
    assert.deepEqual(await bodies(fresh), ['written before the backup', 'written before the restart'])
    const again = await cli(['db', 'restore', databaseId, '--backup', backupId, '--yes', '--json'])
    assert.equal(again.code, 0, again.stderr)
    assert.deepEqual(await bodies(fresh), ['written before the backup'])
  })
})

describe('restore and clone with real rows: postgres', {timeout: 240_000}, () => {
  let cluster: Cluster | undefined
  let emulator: Emulator | undefined
  let home: string

  before(async () => {
    cluster = await startCluster()
    home = await tempDir()
    emulator = await Emulator.start(['--databases', 'postgres', '--postgres-url', cluster.adminUrl])
  })
  after(async () => {
    await emulator?.stop()
    await cluster?.stop()
    await removeDir(home)
  })

  it('a row written before the backup is back after the restore, in a database made from the backup, and in a clone', async () => {
    await restoreAndClone(emulator!, home, 60_000)
    // Deleting the project drops its backups' copies too: nothing of this run is left on the server.
    const projects = (await emulator!.call<{data: {id: string}[]}>('GET', '/v1/projects')).body.data
    for (const project of projects) assert.equal((await run(['projects', 'delete', project.id, '--yes'], {env: emulator!.env(home), emulator})).code, 0)
    const left = await query(cluster!.adminUrl, "select datname from pg_database where datname like 'pmgmt\\_%'")
    assert.deepEqual(left, [])
  })
})
