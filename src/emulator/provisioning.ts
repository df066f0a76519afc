// A database's life with its backend: creating it (provision, then its first credential),
// minting, rotating and revoking credentials, dropping it, and starting it again after a restart.
//
// Status: a database is `provisioning` until both the backend's provision() resolved and
// provisionDelayMs passed since it was created, then `ready`; a rejected provision (or first
// credential) makes it `failure`, with the reason logged. Creating answers at once, with the
// endpoints and first credential the backend hands out before it starts anything, while the
// database is made in the background. A server that goes down turns its ready databases
// `recovering` (`failure`, with the reason, if it cannot be brought back), and `ready` once it is up.
import type {RegionId} from '../api/contract.js'
import type {BackendHealth, Credential, DatabaseBackend, DatabaseEndpoints} from './databases/backend.js'
import {newId} from './ids.js'
import {ApiProblem, conflict} from './problems.js'
import type {BackupRecord, ConnectionRecord, DatabaseRecord, DatabaseSource, ProjectRecord} from './records.js'
import type {Store} from './store.js'
import type {Minted} from './views.js'

export const DEFAULT_CONNECTION_NAME = 'default'
/** Databases started side by side when the emulator restarts with a data dir. */
const RESUME_CONCURRENCY = 2

export interface NewDatabase {
  name: string
  region: RegionId
  isDefault: boolean
  logicalId: string | null
  /** Data to copy in before it is ready (a backup, or another database); empty when absent. */
  source?: DatabaseSource
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export class Provisioning {
  /** Provisions in flight, so credential work and drops wait for the database to exist. */
  private readonly starting = new Map<string, Promise<boolean>>()
  /** Databases that are not `ready` because the server behind them is down. */
  private readonly unreachable = new Set<DatabaseRecord>()
  /** Backups, restores and copies in flight per database, so a drop waits for them. */
  private readonly copying = new Map<string, Promise<unknown>>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private closed = false

  constructor(
    private readonly store: Store,
    private readonly backend: DatabaseBackend,
    private readonly provisionDelayMs: number,
    private readonly log: (line: string) => void,
  ) {}

  /** A backend error as the API's 500, logged with its stack for whoever runs the emulator. */
  private backendFailure(action: string, error: unknown): ApiProblem {
    this.log(`${action}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    return new ApiProblem(500, 'internal-error', `${action}: ${reason(error)}`, 'The emulator log (stderr) has the details.')
  }

  private alive(database: DatabaseRecord): boolean {
    return this.store.databases.get(database.id) === database
  }

  private fail(database: DatabaseRecord, why: string): void {
    this.log(`database ${database.id} failed to provision: ${why}`)
    if (!this.alive(database)) return
    database.status = 'failure'
    database.failureReason = why
    this.store.changed()
  }

  /** The endpoints the backend names now (they may move after a restart), kept when they changed. */
  private async refreshEndpoints(database: DatabaseRecord): Promise<DatabaseEndpoints> {
    const endpoints = await this.backend.endpoints(database.id)
    if (this.alive(database) && JSON.stringify(endpoints) !== JSON.stringify(database.endpoints)) {
      database.endpoints = endpoints
      this.store.changed()
    }
    return endpoints
  }

  /**
   * Runs the backend's provision() once `after` settled; false when it failed (the database is
   * then `failure`). Registered at once, so credential work waits for it even while queued.
   */
  private start(database: DatabaseRecord, after: Promise<unknown> = Promise.resolve()): Promise<boolean> {
    const started = after
      .then(() => this.backend.provision(database.id))
      .then(() => this.refreshEndpoints(database))
      .then(
        () => {
          if (this.alive(database) && database.failureReason) {
            delete database.failureReason
            this.store.changed()
          }
          return true
        },
        (error: unknown) => {
          this.fail(database, reason(error))
          return false
        },
      )
    this.starting.set(database.id, started)
    void started.finally(() => {
      if (this.starting.get(database.id) === started) this.starting.delete(database.id)
    })
    return started
  }

  /** The server behind the databases went down, came back, or could not be brought back. */
  health(event: BackendHealth): void {
    const databases = [...this.store.databases.values()]
    if (event.state === 'down') {
      this.log(`databases unreachable: ${event.reason}`)
      for (const database of databases) {
        if (database.status !== 'ready') continue
        database.status = 'recovering'
        this.unreachable.add(database)
      }
    } else if (event.state === 'failed') {
      this.log(`databases failed: ${event.reason}`)
      for (const database of databases) {
        if (database.status !== 'ready' && !this.unreachable.has(database)) continue
        database.status = 'failure'
        database.failureReason = event.reason
        this.unreachable.add(database)
      }
    } else {
      for (const database of this.unreachable) {
        if (!this.alive(database)) continue
        database.status = 'ready'
        delete database.failureReason
      }
      this.unreachable.clear()
    }
    this.store.changed()
  }

  private readyAt(database: DatabaseRecord, when: number): void {
    const flip = (): void => {
      if (!this.alive(database) || database.status !== 'provisioning') return
      database.status = 'ready'
      this.store.changed()
    }
    const wait = when - Date.now()
    if (wait <= 0 || this.closed) return flip()
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      flip()
    }, wait)
    this.timers.add(timer)
  }

  /** Creates the database and its default connection; resolves when the create answer can be given. */
  async create(project: ProjectRecord, input: NewDatabase): Promise<{database: DatabaseRecord; minted?: Minted}> {
    const created = new Date()
    const readyAt = created.getTime() + this.provisionDelayMs
    const siblings = this.store.databasesOf(project.id)
    // A project's first database is its default; asking for the default moves it.
    const isDefault = input.isDefault || !siblings || siblings.size === 0
    if (isDefault) for (const sibling of siblings?.values() ?? []) sibling.isDefault = false
    const database: DatabaseRecord = {
      id: newId(),
      seq: this.store.nextSeq(),
      projectId: project.id,
      name: input.name,
      region: input.region,
      status: 'provisioning',
      createdAt: created.toISOString(),
      isDefault,
      defaultConnectionId: null,
      logicalId: input.logicalId,
      operations: {},
      ...(input.source ? {source: input.source} : {}),
    }
    this.store.addDatabase(database)

    // Where it will be, and its first credential: handed out before the backend starts anything.
    const connectionId = newId()
    let credential: Credential
    try {
      database.endpoints = await this.backend.endpoints(database.id)
      credential = await this.backend.createCredential(database.id, connectionId)
    } catch (error) {
      this.fail(database, `its endpoints and first credential could not be made: ${reason(error)}`)
      return {database}
    }
    if (!this.alive(database)) return {database}
    const connection = this.addConnection(database, connectionId, DEFAULT_CONNECTION_NAME, credential)
    database.defaultConnectionId = connection.id
    this.store.changed()
    const started = this.start(database)
    const {source} = input
    void started.then((ok) => {
      if (!ok) return
      if (!source) return this.readyAt(database, readyAt)
      // The database stays `provisioning` until its data is in.
      void this.copyData(database, () => (source.type === 'backup' ? this.backend.restore(database.id, source.backupId) : this.backend.cloneFrom(database.id, source.databaseId)), [source.databaseId]).then(
        () => this.readyAt(database, readyAt),
        (error: unknown) => this.fail(database, `its data could not be copied from ${source.type} ${source.type === 'backup' ? source.backupId : source.databaseId}: ${reason(error)}`),
      )
    })
    // A backend with nothing to start (`none`) is done within this turn, and the answer says `ready`; a real one is not waited for.
    await Promise.race([started, new Promise((resolve) => setImmediate(resolve))])
    return {database, minted: {connection, credential}}
  }

  private addConnection(database: DatabaseRecord, id: string, name: string, credential: Credential): ConnectionRecord {
    const connection: ConnectionRecord = {id, seq: this.store.nextSeq(), databaseId: database.id, name, createdAt: new Date().toISOString(), user: credential.user}
    this.store.addConnection(connection)
    return connection
  }

  /** The endpoints of a database that has started, waiting for one that is starting. */
  async endpointsOf(database: DatabaseRecord): Promise<DatabaseEndpoints> {
    const pending = this.starting.get(database.id)
    if (pending) await pending
    if (database.status === 'failure' || !database.endpoints) {
      throw conflict(
        `Database ${database.id} is in status ${database.status} and has no endpoints to connect to.`,
        database.failureReason ? `It failed to provision: ${database.failureReason}` : 'Wait until it is ready.',
      )
    }
    return database.endpoints
  }

  async mintConnection(database: DatabaseRecord, name: string): Promise<{minted: Minted; endpoints: DatabaseEndpoints}> {
    const endpoints = await this.endpointsOf(database)
    const id = newId()
    let credential: Credential
    try {
      credential = await this.backend.createCredential(database.id, id)
    } catch (error) {
      throw this.backendFailure(`Could not create a credential on database ${database.id}`, error)
    }
    return {minted: {connection: this.addConnection(database, id, name, credential), credential}, endpoints}
  }

  async rotate(connection: ConnectionRecord, database: DatabaseRecord): Promise<{minted: Minted; endpoints: DatabaseEndpoints}> {
    const endpoints = await this.endpointsOf(database)
    let credential: Credential
    try {
      credential = await this.backend.rotateCredential(database.id, connection.id)
    } catch (error) {
      throw this.backendFailure(`Could not rotate connection ${connection.id}`, error)
    }
    connection.user = credential.user
    this.store.changed()
    return {minted: {connection, credential}, endpoints}
  }

  /** Revokes the credential first: a connection that could not be revoked stays listed. */
  async deleteConnection(connection: ConnectionRecord): Promise<void> {
    await this.starting.get(connection.databaseId)
    try {
      await this.backend.dropCredential(connection.databaseId, connection.id)
    } catch (error) {
      throw this.backendFailure(`Could not revoke connection ${connection.id}`, error)
    }
    this.store.removeConnection(connection.id)
  }

  /**
   * Runs `work` on the backend once the databases named (and `database`) have no copy in flight,
   * and registers it, so drops and other copies of the same databases wait for it.
   */
  private copyData(database: DatabaseRecord, work: () => Promise<unknown>, others: readonly string[] = []): Promise<unknown> {
    const ids = [database.id, ...others]
    const before = Promise.allSettled([this.starting.get(database.id), ...ids.map((id) => this.copying.get(id))])
    const running = before.then(work)
    const tail = running.catch(() => undefined)
    for (const id of ids) this.copying.set(id, tail)
    void tail.then(() => {
      for (const id of ids) if (this.copying.get(id) === tail) this.copying.delete(id)
    })
    return running
  }

  /** A real copy of the database's data now (records only in `none` mode); resolves once it is complete. */
  async takeBackup(database: DatabaseRecord): Promise<BackupRecord> {
    if (database.status !== 'ready') {
      throw conflict(`Database ${database.id} is ${database.status}; a backup can be taken once it is ready.`, 'Wait until it is ready.')
    }
    const backup: BackupRecord = {id: newId(), seq: this.store.nextSeq(), databaseId: database.id, createdAt: new Date().toISOString(), status: 'running'}
    this.store.addBackup(backup)
    try {
      const {size} = (await this.copyData(database, () => this.backend.backup(database.id, backup.id))) as {size?: number}
      backup.status = 'completed'
      if (size !== undefined) backup.size = size
    } catch (error) {
      backup.status = 'failed'
      this.store.changed()
      throw this.backendFailure(`Could not back up database ${database.id}`, error)
    }
    this.store.changed()
    return backup
  }

  /** Starts replacing the target's data with the backup's: `recovering` now, `ready` once done (`failure` if it fails). */
  restore(target: DatabaseRecord, backup: BackupRecord): void {
    target.status = 'recovering'
    this.store.changed()
    void this.copyData(target, () => this.backend.restore(target.id, backup.id), [backup.databaseId]).then(
      () => {
        if (!this.alive(target) || target.status !== 'recovering') return
        target.status = 'ready'
        this.store.changed()
      },
      (error: unknown) => {
        this.log(`database ${target.id} could not be restored from backup ${backup.id}: ${reason(error)}`)
        if (!this.alive(target)) return
        target.status = 'failure'
        target.failureReason = `the restore from backup ${backup.id} failed: ${reason(error)}`
        this.store.changed()
      },
    )
  }

  /** Drops the backend's database and its backups' copies, then forgets it, its connections and its backups. */
  async deleteDatabase(database: DatabaseRecord): Promise<void> {
    await this.starting.get(database.id)
    await this.copying.get(database.id)
    try {
      for (const backup of this.store.backupsOf(database.id)?.values() ?? []) await this.backend.dropBackup(backup.id)
      await this.backend.drop(database.id)
    } catch (error) {
      throw this.backendFailure(`Could not drop database ${database.id}`, error)
    }
    this.store.removeDatabase(database.id)
  }

  /** Drops every database of the project; the project goes only when all of them went. */
  async deleteProject(project: ProjectRecord): Promise<void> {
    const databases = [...(this.store.databasesOf(project.id)?.values() ?? [])]
    const results = await Promise.allSettled(databases.map((database) => this.deleteDatabase(database)))
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
    if (failed) throw failed.reason
    this.store.removeProject(project.id)
  }

  /**
   * After a restart: every known database is made ready again (reusing its data) in the
   * background, a few at a time.
   */
  resume(): void {
    const lanes: Promise<unknown>[] = Array.from({length: RESUME_CONCURRENCY}, () => Promise.resolve())
    let next = 0
    for (const database of this.store.databases.values()) {
      database.status = 'provisioning'
      const lane = next++ % RESUME_CONCURRENCY
      const started = this.start(database, lanes[lane])
      lanes[lane] = started
      void started.then((ok) => {
        if (ok) this.readyAt(database, 0)
      })
    }
    if (this.store.databases.size > 0) this.store.changed()
  }

  /** Waits for provisions, backups and restores in flight (tests use it to settle); does not stop the backend. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.starting.values()])
    await Promise.allSettled([...this.copying.values()])
  }

  close(): void {
    this.closed = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }
}
