// The emulator's state: workspaces, the user, projects, databases and connections, buckets and
// their keys, with the indexes lists need (all, per workspace, per project, per database, per
// bucket), kept consistent on every add and remove. No I/O: `onChange` tells the persistence layer
// that something changed, `onBucketRemoved` the object store that a bucket's objects must go.
import {newId} from './ids.js'
import {OrderedCollection, OrderedGroups} from './ordered-collection.js'
import type {
  BackupRecord,
  BranchRecord,
  BucketKeyRecord,
  BucketRecord,
  ConnectionRecord,
  DatabaseRecord,
  ProjectRecord,
  ServiceTokenRecord,
  StateSnapshot,
  UserRecord,
  WorkspaceRecord,
} from './records.js'

export const DEFAULT_WORKSPACE_NAME = 'Emulator Workspace'

function newUser(): UserRecord {
  return {id: newId(), email: 'emulator-user@example.com', name: 'Emulator User'}
}

export class Store {
  readonly projects = new OrderedCollection<ProjectRecord>()
  readonly databases = new OrderedCollection<DatabaseRecord>()
  readonly connections = new OrderedCollection<ConnectionRecord>()
  readonly serviceTokens = new OrderedCollection<ServiceTokenRecord>()
  readonly backups = new OrderedCollection<BackupRecord>()
  readonly branches = new OrderedCollection<BranchRecord>()
  readonly buckets = new OrderedCollection<BucketRecord>()
  readonly bucketKeys = new OrderedCollection<BucketKeyRecord>()
  /** Insertion order: the first workspace, then the ones added, oldest first. */
  private readonly workspaces = new Map<string, WorkspaceRecord>()
  /** Keyed by workspace id and logicalId: a logicalId is unique within its workspace. */
  private readonly projectsByLogicalId = new Map<string, ProjectRecord>()
  private readonly projectsByWorkspace = new OrderedGroups<ProjectRecord>()
  private readonly databasesByWorkspace = new OrderedGroups<DatabaseRecord>()
  private readonly connectionsByWorkspace = new OrderedGroups<ConnectionRecord>()
  private readonly databasesByProject = new OrderedGroups<DatabaseRecord>()
  private readonly connectionsByDatabase = new OrderedGroups<ConnectionRecord>()
  private readonly serviceTokensByWorkspace = new OrderedGroups<ServiceTokenRecord>()
  private readonly serviceTokensByDigest = new Map<string, ServiceTokenRecord>()
  private readonly backupsByDatabase = new OrderedGroups<BackupRecord>()
  private readonly branchesByProject = new OrderedGroups<BranchRecord>()
  private readonly bucketsByProject = new OrderedGroups<BucketRecord>()
  private readonly bucketKeysByBucket = new OrderedGroups<BucketKeyRecord>()
  private readonly bucketKeysByAccessKeyId = new Map<string, BucketKeyRecord>()
  private readonly bucketsByProviderName = new Map<string, BucketRecord>()
  private seq: number
  onChange: () => void = () => undefined
  /** Told of every bucket removed (its own delete, or its project's), so its objects go too. */
  onBucketRemoved: (bucket: BucketRecord) => void = () => undefined

  private constructor(
    /** The first workspace: the one the service token belongs to. */
    readonly workspace: WorkspaceRecord,
    readonly user: UserRecord,
    readonly credentialId: string,
    nextSeq: number,
    /** The generated token, kept so a restart with the same data dir serves it again. */
    readonly generatedToken: string | undefined,
  ) {
    this.seq = nextSeq
    this.workspaces.set(workspace.id, workspace)
  }

  static empty(generatedToken: string | undefined, now = new Date()): Store {
    const workspace = {id: newId(), name: DEFAULT_WORKSPACE_NAME, createdAt: now.toISOString()}
    return new Store(workspace, newUser(), newId(), 1, generatedToken)
  }

  static fromSnapshot(snapshot: StateSnapshot, generatedToken: string | undefined): Store {
    const store = new Store(snapshot.workspace, snapshot.user ?? newUser(), snapshot.credentialId, snapshot.nextSeq, generatedToken)
    for (const workspace of snapshot.otherWorkspaces ?? []) store.addWorkspace(workspace)
    // Files written before there were several workspaces have projects without one.
    for (const project of snapshot.projects) store.addProject({...project, workspaceId: project.workspaceId ?? snapshot.workspace.id})
    for (const database of snapshot.databases) store.addDatabase(database)
    for (const connection of snapshot.connections) store.addConnection(connection)
    const serviceTokens = snapshot.serviceTokens ?? []
    for (const token of serviceTokens) store.addServiceToken(token)
    // A backup still running when the emulator stopped never finished.
    const backups = (snapshot.backups ?? []).filter((backup) => backup.status !== 'running')
    for (const backup of backups) store.addBackup(backup)
    const {branches = [], buckets = [], bucketKeys = []} = snapshot
    for (const branch of branches) store.addBranch(branch)
    for (const bucket of buckets) store.addBucket(bucket)
    for (const key of bucketKeys) store.addBucketKey(key)
    // A state file edited by hand could hold a seq at or below one in use.
    for (const record of [...snapshot.projects, ...snapshot.databases, ...snapshot.connections, ...serviceTokens, ...backups, ...branches, ...buckets, ...bucketKeys]) {
      store.seq = Math.max(store.seq, record.seq + 1)
    }
    return store
  }

  snapshot(): StateSnapshot {
    return {
      version: 1,
      ...(this.generatedToken === undefined ? {} : {token: this.generatedToken}),
      workspace: this.workspace,
      otherWorkspaces: this.allWorkspaces().slice(1),
      user: this.user,
      credentialId: this.credentialId,
      nextSeq: this.seq,
      projects: [...this.projects.values()],
      databases: [...this.databases.values()],
      connections: [...this.connections.values()],
      serviceTokens: [...this.serviceTokens.values()],
      backups: [...this.backups.values()],
      branches: [...this.branches.values()],
      buckets: [...this.buckets.values()],
      bucketKeys: [...this.bucketKeys.values()],
    }
  }

  nextSeq(): number {
    return this.seq++
  }

  changed(): void {
    this.onChange()
  }

  allWorkspaces(): WorkspaceRecord[] {
    return [...this.workspaces.values()]
  }

  workspaceById(id: string): WorkspaceRecord | undefined {
    return this.workspaces.get(id)
  }

  addWorkspace(workspace: WorkspaceRecord): void {
    if (this.workspaces.has(workspace.id)) throw new Error(`duplicate workspace id ${workspace.id}`)
    this.workspaces.set(workspace.id, workspace)
    this.changed()
  }

  /** The workspace a database belongs to, through its project. */
  workspaceIdOf(database: DatabaseRecord): string | undefined {
    return this.projects.get(database.projectId)?.workspaceId
  }

  projectByLogicalId(workspaceId: string, logicalId: string): ProjectRecord | undefined {
    return this.projectsByLogicalId.get(logicalIdKey(workspaceId, logicalId))
  }

  projectsIn(workspaceId: string): OrderedCollection<ProjectRecord> | undefined {
    return this.projectsByWorkspace.of(workspaceId)
  }

  databasesIn(workspaceId: string): OrderedCollection<DatabaseRecord> | undefined {
    return this.databasesByWorkspace.of(workspaceId)
  }

  connectionsIn(workspaceId: string): OrderedCollection<ConnectionRecord> | undefined {
    return this.connectionsByWorkspace.of(workspaceId)
  }

  databasesOf(projectId: string): OrderedCollection<DatabaseRecord> | undefined {
    return this.databasesByProject.of(projectId)
  }

  connectionsOf(databaseId: string): OrderedCollection<ConnectionRecord> | undefined {
    return this.connectionsByDatabase.of(databaseId)
  }

  addProject(project: ProjectRecord): void {
    if (!this.workspaces.has(project.workspaceId)) throw new Error(`project ${project.id} names unknown workspace ${project.workspaceId}`)
    this.projects.add(project)
    this.projectsByWorkspace.add(project.workspaceId, project)
    if (project.logicalId !== null) this.projectsByLogicalId.set(logicalIdKey(project.workspaceId, project.logicalId), project)
    this.changed()
  }

  addDatabase(database: DatabaseRecord): void {
    const project = this.projects.get(database.projectId)
    if (!project) throw new Error(`database ${database.id} names unknown project ${database.projectId}`)
    this.databases.add(database)
    this.databasesByProject.add(database.projectId, database)
    this.databasesByWorkspace.add(project.workspaceId, database)
    this.changed()
  }

  addConnection(connection: ConnectionRecord): void {
    const database = this.databases.get(connection.databaseId)
    const workspaceId = database && this.workspaceIdOf(database)
    if (!workspaceId) throw new Error(`connection ${connection.id} names unknown database ${connection.databaseId}`)
    this.connections.add(connection)
    this.connectionsByDatabase.add(connection.databaseId, connection)
    this.connectionsByWorkspace.add(workspaceId, connection)
    this.changed()
  }

  removeConnection(id: string): ConnectionRecord | undefined {
    const connection = this.connections.delete(id)
    if (!connection) return undefined
    this.connectionsByDatabase.delete(connection.databaseId, id)
    const database = this.databases.get(connection.databaseId)
    const workspaceId = database && this.workspaceIdOf(database)
    if (workspaceId) this.connectionsByWorkspace.delete(workspaceId, id)
    if (database?.defaultConnectionId === id) database.defaultConnectionId = null
    this.changed()
    return connection
  }

  serviceTokensIn(workspaceId: string): OrderedCollection<ServiceTokenRecord> | undefined {
    return this.serviceTokensByWorkspace.of(workspaceId)
  }

  /** The minted token whose value has this hex SHA-256 digest. */
  serviceTokenByDigest(digest: string): ServiceTokenRecord | undefined {
    return this.serviceTokensByDigest.get(digest)
  }

  addServiceToken(token: ServiceTokenRecord): void {
    if (!this.workspaces.has(token.workspaceId)) throw new Error(`service token ${token.id} names unknown workspace ${token.workspaceId}`)
    if (this.serviceTokensByDigest.has(token.digest)) throw new Error(`service token ${token.id} repeats the digest of another`)
    this.serviceTokens.add(token)
    this.serviceTokensByWorkspace.add(token.workspaceId, token)
    this.serviceTokensByDigest.set(token.digest, token)
    this.changed()
  }

  removeServiceToken(id: string): ServiceTokenRecord | undefined {
    const token = this.serviceTokens.delete(id)
    if (!token) return undefined
    this.serviceTokensByWorkspace.delete(token.workspaceId, id)
    this.serviceTokensByDigest.delete(token.digest)
    this.changed()
    return token
  }

  /** Oldest first, like every collection; the API lists them newest first. */
  backupsOf(databaseId: string): OrderedCollection<BackupRecord> | undefined {
    return this.backupsByDatabase.of(databaseId)
  }

  addBackup(backup: BackupRecord): void {
    if (!this.databases.has(backup.databaseId)) throw new Error(`backup ${backup.id} names unknown database ${backup.databaseId}`)
    this.backups.add(backup)
    this.backupsByDatabase.add(backup.databaseId, backup)
    this.changed()
  }

  removeBackup(id: string): BackupRecord | undefined {
    const backup = this.backups.delete(id)
    if (!backup) return undefined
    this.backupsByDatabase.delete(backup.databaseId, id)
    this.changed()
    return backup
  }

  /** Removes the database, its connections and its backups. */
  removeDatabase(id: string): DatabaseRecord | undefined {
    const database = this.databases.get(id)
    if (!database) return undefined
    for (const connection of [...(this.connectionsByDatabase.of(id)?.values() ?? [])]) this.removeConnection(connection.id)
    for (const backup of [...(this.backupsByDatabase.of(id)?.values() ?? [])]) this.removeBackup(backup.id)
    const workspaceId = this.workspaceIdOf(database)
    this.databases.delete(id)
    this.databasesByProject.delete(database.projectId, id)
    if (workspaceId) this.databasesByWorkspace.delete(workspaceId, id)
    this.changed()
    return database
  }

  branchesOf(projectId: string): OrderedCollection<BranchRecord> | undefined {
    return this.branchesByProject.of(projectId)
  }

  addBranch(branch: BranchRecord): void {
    if (!this.projects.has(branch.projectId)) throw new Error(`branch ${branch.id} names unknown project ${branch.projectId}`)
    this.branches.add(branch)
    this.branchesByProject.add(branch.projectId, branch)
    this.changed()
  }

  bucketsOf(projectId: string): OrderedCollection<BucketRecord> | undefined {
    return this.bucketsByProject.of(projectId)
  }

  /** The workspace a bucket belongs to, through its project. */
  workspaceIdOfBucket(bucket: BucketRecord): string | undefined {
    return this.projects.get(bucket.projectId)?.workspaceId
  }

  addBucket(bucket: BucketRecord): void {
    if (!this.projects.has(bucket.projectId)) throw new Error(`bucket ${bucket.id} names unknown project ${bucket.projectId}`)
    if (bucket.branchId !== null && this.branches.get(bucket.branchId)?.projectId !== bucket.projectId) throw new Error(`bucket ${bucket.id} names unknown branch ${bucket.branchId}`)
    if (this.bucketsByProviderName.has(bucket.providerName)) throw new Error(`bucket ${bucket.id} repeats the provider name ${bucket.providerName}`)
    this.buckets.add(bucket)
    this.bucketsByProject.add(bucket.projectId, bucket)
    this.bucketsByProviderName.set(bucket.providerName, bucket)
    this.changed()
  }

  /** Removes the bucket and its keys; onBucketRemoved takes its objects away. */
  removeBucket(id: string): BucketRecord | undefined {
    const bucket = this.buckets.get(id)
    if (!bucket) return undefined
    for (const key of [...(this.bucketKeysByBucket.of(id)?.values() ?? [])]) this.removeBucketKey(key.id)
    this.buckets.delete(id)
    this.bucketsByProject.delete(bucket.projectId, id)
    this.bucketsByProviderName.delete(bucket.providerName)
    this.changed()
    this.onBucketRemoved(bucket)
    return bucket
  }

  /** The bucket S3 clients address by this name. */
  bucketByProviderName(name: string): BucketRecord | undefined {
    return this.bucketsByProviderName.get(name)
  }

  keysOf(bucketId: string): OrderedCollection<BucketKeyRecord> | undefined {
    return this.bucketKeysByBucket.of(bucketId)
  }

  bucketKeyByAccessKeyId(accessKeyId: string): BucketKeyRecord | undefined {
    return this.bucketKeysByAccessKeyId.get(accessKeyId)
  }

  addBucketKey(key: BucketKeyRecord): void {
    if (!this.buckets.has(key.bucketId)) throw new Error(`bucket key ${key.id} names unknown bucket ${key.bucketId}`)
    if (this.bucketKeysByAccessKeyId.has(key.accessKeyId)) throw new Error(`bucket key ${key.id} repeats the access key id of another`)
    this.bucketKeys.add(key)
    this.bucketKeysByBucket.add(key.bucketId, key)
    this.bucketKeysByAccessKeyId.set(key.accessKeyId, key)
    this.changed()
  }

  removeBucketKey(id: string): BucketKeyRecord | undefined {
    const key = this.bucketKeys.delete(id)
    if (!key) return undefined
    this.bucketKeysByBucket.delete(key.bucketId, id)
    this.bucketKeysByAccessKeyId.delete(key.accessKeyId)
    this.changed()
    return key
  }

  /** Moves the project, its databases and their connections to another workspace (a transfer). */
  moveProject(id: string, workspaceId: string): void {
    const project = this.projects.get(id)
    if (!project) throw new Error(`unknown project ${id}`)
    if (!this.workspaces.has(workspaceId)) throw new Error(`unknown workspace ${workspaceId}`)
    const from = project.workspaceId
    const databases = [...(this.databasesByProject.of(id)?.values() ?? [])]
    const connections = databases.flatMap((database) => [...(this.connectionsByDatabase.of(database.id)?.values() ?? [])])
    for (const connection of connections) this.connectionsByWorkspace.delete(from, connection.id)
    for (const database of databases) this.databasesByWorkspace.delete(from, database.id)
    this.projectsByWorkspace.delete(from, id)
    if (project.logicalId !== null) {
      const key = logicalIdKey(from, project.logicalId)
      if (this.projectsByLogicalId.get(key) === project) this.projectsByLogicalId.delete(key)
    }
    project.workspaceId = workspaceId
    this.projectsByWorkspace.add(workspaceId, project)
    if (project.logicalId !== null) this.projectsByLogicalId.set(logicalIdKey(workspaceId, project.logicalId), project)
    for (const database of databases) this.databasesByWorkspace.add(workspaceId, database)
    for (const connection of connections) this.connectionsByWorkspace.add(workspaceId, connection)
    this.changed()
  }

  /** Removes the project, its databases and their connections, its buckets and branches; returns the removed databases. */
  removeProject(id: string): {project: ProjectRecord; databases: DatabaseRecord[]} | undefined {
    const project = this.projects.get(id)
    if (!project) return undefined
    const databases = [...(this.databasesByProject.of(id)?.values() ?? [])]
    for (const database of databases) this.removeDatabase(database.id)
    for (const bucket of [...(this.bucketsByProject.of(id)?.values() ?? [])]) this.removeBucket(bucket.id)
    for (const branch of [...(this.branchesByProject.of(id)?.values() ?? [])]) {
      this.branches.delete(branch.id)
      this.branchesByProject.delete(id, branch.id)
    }
    this.projects.delete(id)
    this.projectsByWorkspace.delete(project.workspaceId, id)
    if (project.logicalId !== null) {
      const key = logicalIdKey(project.workspaceId, project.logicalId)
      if (this.projectsByLogicalId.get(key) === project) this.projectsByLogicalId.delete(key)
    }
    this.changed()
    return {project, databases}
  }
}

function logicalIdKey(workspaceId: string, logicalId: string): string {
  return `${workspaceId}\u0000${logicalId}`
}
