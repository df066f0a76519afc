// /v1/projects: list, create (with its first database), show, rename, delete.
import type {RegionId, ResponseBody} from '../../api/contract.js'
import type {Call, Reply} from '../core.js'
import {requireProject} from '../core.js'
import {newId} from '../ids.js'
import {pageOf, pageOfArray, readPageRequest} from '../pagination.js'
import {ApiProblem, conflict, notFound} from '../problems.js'
import type {ProjectRecord} from '../records.js'
import {DEFAULT_REGION} from '../regions.js'
import {optionalBoolean, optionalIdentifier, optionalName, optionalRegion, optionalString, objectBody} from '../validation.js'
import type {FieldProblem} from '../validation.js'
import {createdProjectDatabaseView, projectView} from '../views.js'

/** The CLI's own default looks like this too: `project-20250102-030405` (UTC). */
function defaultProjectName(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  return `project-${stamp}`
}

export function listProjects({core, principal, query}: Call): Reply {
  const request = readPageRequest(query)
  const logicalId = query.get('logicalId')
  const workspaceId = principal.workspace.id
  const page =
    logicalId === null
      ? pageOf(core.store.projectsIn(workspaceId), request)
      : pageOfArray([core.store.projectByLogicalId(workspaceId, logicalId)].filter((project) => project !== undefined), request)
  const data = page.items.map((project) => projectView(core.views, project))
  return {status: 200, body: {data, pagination: page.pagination} satisfies ResponseBody<'getV1Projects', 200>}
}

export async function createProject({core, principal, body}: Call): Promise<Reply> {
  const {store} = core
  const fields = objectBody(body)
  const now = new Date()
  const name = optionalName(fields) ?? defaultProjectName(now)
  const region = optionalRegion(fields) as RegionId | undefined
  const workspaceId = optionalString(fields, 'workspaceId')
  const createDatabase = optionalBoolean(fields, 'createDatabase') ?? true
  const logicalId = optionalIdentifier(fields, 'logicalId') ?? null
  // A token sees one workspace; any other is, for it, a workspace that does not exist.
  if (workspaceId !== undefined && workspaceId !== principal.workspace.id) throw notFound('Workspace', workspaceId)
  if (logicalId !== null) {
    const existing = store.projectByLogicalId(principal.workspace.id, logicalId)
    if (existing) throw conflict(`A project with logicalId ${JSON.stringify(logicalId)} already exists (${existing.id}).`, 'Use that project, or pick another logicalId.')
  }

  const project: ProjectRecord = {
    id: newId(),
    seq: store.nextSeq(),
    workspaceId: principal.workspace.id,
    name,
    logicalId,
    createdAt: now.toISOString(),
    defaultRegion: region ?? (createDatabase ? DEFAULT_REGION : null),
  }
  store.addProject(project)

  let database = null
  if (createDatabase) {
    const created = await core.provisioning.create(project, {name, region: project.defaultRegion ?? DEFAULT_REGION, isDefault: true, logicalId: null})
    database = createdProjectDatabaseView(core.views, created.database, created.minted)
  }
  return {status: 201, body: {data: {...projectView(core.views, project), database}} satisfies ResponseBody<'postV1Projects', 201>}
}

export function getProject(call: Call): Reply {
  const {core, params} = call
  const project = requireProject(call, params.id)
  return {status: 200, body: {data: projectView(core.views, project)} satisfies ResponseBody<'getV1ProjectsById', 200>}
}

// The contract answers a PATCH that fails validation with 422, not 400.
const validationFailed: FieldProblem = (message) => new ApiProblem(422, 'validation-error', message)

export function renameProject(call: Call): Reply {
  const {core, params, body} = call
  const project = requireProject(call, params.id)
  const fields = objectBody(body)
  const name = optionalName(fields, 'name', validationFailed)
  const {settings} = fields
  if (settings !== undefined && (typeof settings !== 'object' || settings === null || Array.isArray(settings))) {
    throw validationFailed('settings must be a JSON object.')
  }
  if (name !== undefined && name !== project.name) {
    project.name = name
    core.store.changed()
  }
  return {status: 200, body: {data: projectView(core.views, project)} satisfies ResponseBody<'patchV1ProjectsById', 200>}
}

export async function deleteProject(call: Call): Promise<Reply> {
  const project = requireProject(call, call.params.id)
  await call.core.provisioning.deleteProject(project)
  return {status: 204}
}
