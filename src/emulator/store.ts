// The emulator's state: projects, databases and connections with the indexes lists need (all,
// per project, per database), kept consistent on every add and remove. No I/O: `onChange` tells
// the persistence layer that something changed.
import {newId} from './ids.js'
import {OrderedCollection, OrderedGroups} from './ordered-collection.js'
import type {ConnectionRecord, DatabaseRecord, ProjectRecord, StateSnapshot, WorkspaceRecord} from './records.js'

export class Store {
  readonly projects = new OrderedCollection<ProjectRecord>()
  readonly databases = new OrderedCollection<DatabaseRecord>()
  readonly connections = new OrderedCollection<ConnectionRecord>()
  private readonly projectsByLogicalId = new Map<string, ProjectRecord>()
  private readonly databasesByProject = new OrderedGroups<DatabaseRecord>()
  private readonly connectionsByDatabase = new OrderedGroups<ConnectionRecord>()
  private seq: number
  onChange: () => void = () => undefined

  private constructor(
    readonly workspace: WorkspaceRecord,
    readonly credentialId: string,
    nextSeq: number,
    /** The generated token, kept so a restart with the same data dir serves it again. */
    readonly generatedToken: string | undefined,
  ) {
    this.seq = nextSeq
  }

  static empty(generatedToken: string | undefined, now = new Date()): Store {
    const workspace = {id: newId(), name: 'Emulator Workspace', createdAt: now.toISOString()}
    return new Store(workspace, newId(), 1, generatedToken)
  }

  static fromSnapshot(snapshot: StateSnapshot, generatedToken: string | undefined): Store {
    const store = new Store(snapshot.workspace, snapshot.credentialId, snapshot.nextSeq, generatedToken)
    for (const project of snapshot.projects) store.addProject(project)
    for (const database of snapshot.databases) store.addDatabase(database)
    for (const connection of snapshot.connections) store.addConnection(connection)
    // A state file edited by hand could hold a seq at or below one in use.
    for (const record of [...snapshot.projects, ...snapshot.databases, ...snapshot.connections]) store.seq = Math.max(store.seq, record.seq + 1)
    return store
  }

  snapshot(): StateSnapshot {
    return {
      version: 1,
      ...(this.generatedToken === undefined ? {} : {token: this.generatedToken}),
      workspace: this.workspace,
      credentialId: this.credentialId,
      nextSeq: this.seq,
      projects: [...this.projects.values()],
      databases: [...this.databases.values()],
      connections: [...this.connections.values()],
    }
  }

  nextSeq(): number {
    return this.seq++
  }

  changed(): void {
    this.onChange()
  }

  projectByLogicalId(logicalId: string): ProjectRecord | undefined {
    return this.projectsByLogicalId.get(logicalId)
  }

  databasesOf(projectId: string): OrderedCollection<DatabaseRecord> | undefined {
    return this.databasesByProject.of(projectId)
  }

  connectionsOf(databaseId: string): OrderedCollection<ConnectionRecord> | undefined {
    return this.connectionsByDatabase.of(databaseId)
  }

  addProject(project: ProjectRecord): void {
    this.projects.add(project)
    if (project.logicalId !== null) this.projectsByLogicalId.set(project.logicalId, project)
    this.changed()
  }

  addDatabase(database: DatabaseRecord): void {
    if (!this.projects.has(database.projectId)) throw new Error(`database ${database.id} names unknown project ${database.projectId}`)
    this.databases.add(database)
    this.databasesByProject.add(database.projectId, database)
    this.changed()
  }

  addConnection(connection: ConnectionRecord): void {
    if (!this.databases.has(connection.databaseId)) throw new Error(`connection ${connection.id} names unknown database ${connection.databaseId}`)
    this.connections.add(connection)
    this.connectionsByDatabase.add(connection.databaseId, connection)
    this.changed()
  }

  removeConnection(id: string): ConnectionRecord | undefined {
    const connection = this.connections.delete(id)
    if (!connection) return undefined
    this.connectionsByDatabase.delete(connection.databaseId, id)
    const database = this.databases.get(connection.databaseId)
    if (database?.defaultConnectionId === id) database.defaultConnectionId = null
    this.changed()
    return connection
  }

  /** Removes the database and its connections. */
  removeDatabase(id: string): DatabaseRecord | undefined {
    const database = this.databases.get(id)
    if (!database) return undefined
    for (const connection of [...(this.connectionsByDatabase.of(id)?.values() ?? [])]) this.removeConnection(connection.id)
    this.databases.delete(id)
    this.databasesByProject.delete(database.projectId, id)
    this.changed()
    return database
  }

  /** Removes the project, its databases and their connections; returns the removed databases. */
  removeProject(id: string): {project: ProjectRecord; databases: DatabaseRecord[]} | undefined {
    const project = this.projects.get(id)
    if (!project) return undefined
    const databases = [...(this.databasesByProject.of(id)?.values() ?? [])]
    for (const database of databases) this.removeDatabase(database.id)
    this.projects.delete(id)
    if (project.logicalId !== null && this.projectsByLogicalId.get(project.logicalId) === project) this.projectsByLogicalId.delete(project.logicalId)
    this.changed()
    return {project, databases}
  }
}
