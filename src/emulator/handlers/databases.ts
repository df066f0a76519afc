// /v1/databases and /v1/projects/{projectId}/databases.
import type {RegionId, ResponseBody} from '../../api/contract.js'
import type {Call, EmulatorCore, Reply} from '../core.js'
import {findProject, requireDatabase, requireProject} from '../core.js'
import {pageOf, pageOfArray, readPageRequest} from '../pagination.js'
import {conflict, forbidden, invalid, unprocessable} from '../problems.js'
import type {DatabaseRecord, ProjectRecord} from '../records.js'
import {DEFAULT_REGION} from '../regions.js'
import {objectBody, optionalBoolean, optionalIdentifier, optionalName, optionalRegion, optionalString} from '../validation.js'
import type {Fields} from '../validation.js'
import {createdDatabaseView, databaseView} from '../views.js'
import {readCreateSource} from './backups.js'
import {refuseWhileUsageBlocked} from './subscriptions.js'

function views(core: EmulatorCore, databases: readonly DatabaseRecord[]) {
  return databases.map((database) => databaseView(core.views, database))
}

export function listProjectDatabases(call: Call): Reply {
  const {core, params, query} = call
  const project = requireProject(call, params.projectId)
  const page = pageOf(core.store.databasesOf(project.id), readPageRequest(query))
  return {status: 200, body: {data: views(core, page.items), pagination: page.pagination} satisfies ResponseBody<'getV1ProjectsByProjectIdDatabases', 200>}
}

export function listDatabases(call: Call): Reply {
  const {core, principal, query} = call
  const request = readPageRequest(query)
  const projectId = query.get('projectId')
  const logicalId = query.get('logicalId')
  for (const name of ['branchId', 'branchGitName']) {
    // Every emulated database sits on its project's default branch, which has no id.
    if (query.get(name) !== null && query.get(name) !== 'unassigned') throw unprocessable(`The emulator has no branches; ${name} cannot be filtered on.`)
  }
  // A project of another workspace has, for this caller, no databases.
  const source = projectId === null ? core.store.databasesIn(principal.workspace.id) : findProject(call, projectId) && core.store.databasesOf(projectId)
  const page =
    logicalId === null
      ? pageOf(source, request)
      : pageOfArray((source?.values() ?? []).filter((database) => database.logicalId === logicalId), request)
  return {status: 200, body: {data: views(core, page.items), pagination: page.pagination} satisfies ResponseBody<'getV1Databases', 200>}
}

function readBranch(fields: Fields): void {
  for (const name of ['branchId', 'branchGitName']) {
    const value = fields[name]
    if (value === undefined) continue
    if (value === null) throw invalid(`${name} must not be null: every database belongs to a branch. Leave it out for the project's default branch.`)
    throw unprocessable(`The emulator has no branches; leave ${name} out to use the project's default branch.`)
  }
}

function inheritedRegion(core: EmulatorCore, project: ProjectRecord): RegionId {
  const databases = core.store.databasesOf(project.id)?.values() ?? []
  return project.defaultRegion ?? databases.find((database) => database.isDefault)?.region ?? DEFAULT_REGION
}

/** Creates a database in the project from a body of the create forms (the project itself left out). */
async function createDatabaseIn(call: Call, project: ProjectRecord, fields: Fields) {
  const {core} = call
  refuseWhileUsageBlocked(call, 'database')
  const siblings = core.store.databasesOf(project.id)
  const name = optionalName(fields) ?? `${project.name}-${(siblings?.size ?? 0) + 1}`
  const region = optionalRegion(fields, {allowInherit: true})
  const isDefault = optionalBoolean(fields, 'isDefault') ?? false
  const logicalId = optionalIdentifier(fields, 'logicalId') ?? null
  const source = readCreateSource(call, fields)
  readBranch(fields)
  if (logicalId !== null) {
    const existing = siblings?.values().find((database) => database.logicalId === logicalId)
    if (existing) throw conflict(`A database with logicalId ${JSON.stringify(logicalId)} already exists in project ${project.id} (${existing.id}).`)
  }
  const {database, minted} = await core.provisioning.create(project, {
    name,
    region: region === 'inherit' ? inheritedRegion(core, project) : (region ?? DEFAULT_REGION),
    isDefault,
    logicalId,
    source,
  })
  return createdDatabaseView(core.views, database, minted)
}

export async function createProjectDatabase(call: Call): Promise<Reply> {
  const project = requireProject(call, call.params.projectId)
  const data = await createDatabaseIn(call, project, objectBody(call.body))
  return {status: 201, body: {data} satisfies ResponseBody<'postV1ProjectsByProjectIdDatabases', 201>}
}

/** POST /v1/databases: the same create, the project named in the body. */
export async function createDatabase(call: Call): Promise<Reply> {
  const fields = objectBody(call.body)
  const projectId = optionalString(fields, 'projectId')
  if (projectId === undefined || projectId.trim() === '') throw invalid('projectId is required: the project to create the database in.', 'List your projects with GET /v1/projects.')
  const data = await createDatabaseIn(call, requireProject(call, projectId), fields)
  return {status: 201, body: {data} satisfies ResponseBody<'postV1Databases', 201>}
}

export function getDatabase(call: Call): Reply {
  const database = requireDatabase(call, call.params.databaseId)
  return {status: 200, body: {data: databaseView(call.core.views, database)} satisfies ResponseBody<'getV1DatabasesByDatabaseId', 200>}
}

/** Renames the database, or sets its logicalId; the emulator has no branches to move it to. */
export function renameDatabase(call: Call): Reply {
  const {core, params, body} = call
  const database = requireDatabase(call, params.databaseId)
  const fields = objectBody(body)
  const name = optionalName(fields)
  const logicalId = optionalIdentifier(fields, 'logicalId')
  readBranch(fields)
  if (logicalId !== undefined && logicalId !== database.logicalId) {
    const existing = core.store.databasesOf(database.projectId)?.values().find((other) => other.logicalId === logicalId)
    if (existing) throw conflict(`A database with logicalId ${JSON.stringify(logicalId)} already exists in project ${database.projectId} (${existing.id}).`)
    database.logicalId = logicalId
  }
  if (name !== undefined) database.name = name
  core.store.changed()
  return {status: 200, body: {data: databaseView(core.views, database)} satisfies ResponseBody<'patchV1DatabasesByDatabaseId', 200>}
}

export async function deleteDatabase(call: Call): Promise<Reply> {
  const database = requireDatabase(call, call.params.databaseId)
  if (database.isDefault) {
    // As the API: a project's default database goes with the project, or after another took its place.
    throw forbidden(
      `Database ${database.id} is the default database of project ${database.projectId} and cannot be deleted.`,
      `Delete the project, or create another database with isDefault: true first.`,
    )
  }
  await call.core.provisioning.deleteDatabase(database)
  return {status: 204}
}
