// /v1/projects: list, create (with its first database), show, rename, delete, transfer.
import type {RegionId, ResponseBody} from '../../api/contract.js'
import type {Call, Reply} from '../core.js'
import {requireProject} from '../core.js'
import {newId} from '../ids.js'
import {pageOf, pageOfArray, readPageRequest} from '../pagination.js'
import {ApiProblem, conflict, invalid, notFound} from '../problems.js'
import type {ProjectRecord} from '../records.js'
import {DEFAULT_REGION} from '../regions.js'
import {optionalBoolean, optionalIdentifier, optionalName, optionalRegion, optionalString, objectBody} from '../validation.js'
import type {FieldProblem} from '../validation.js'
import {createdProjectDatabaseView, projectView} from '../views.js'
import {refuseWhileUsageBlocked} from './subscriptions.js'

/** A generated name; the CLI's own default looks like this too: `project-20250102-030405` (UTC). */
export function defaultName(kind: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  return `${kind}-${stamp}`
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
  const name = optionalName(fields) ?? defaultName('project', now)
  const region = optionalRegion(fields) as RegionId | undefined
  const workspaceId = optionalString(fields, 'workspaceId')
  const createDatabase = optionalBoolean(fields, 'createDatabase') ?? true
  const logicalId = optionalIdentifier(fields, 'logicalId') ?? null
  // A token sees one workspace; any other is, for it, a workspace that does not exist.
  if (workspaceId !== undefined && workspaceId !== principal.workspace.id) throw notFound('Workspace', workspaceId)
  refuseWhileUsageBlocked({core, principal}, 'project')
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

/**
 * Moves the project, its databases and their connections to the workspace the recipient's access
 * token (any token the API accepts) belongs to. 204 and no body, as the contract says.
 */
export function transferProject(call: Call): Reply {
  const {core, params, body} = call
  const project = requireProject(call, params.id)
  const token = optionalString(objectBody(body), 'recipientAccessToken')?.trim()
  if (!token) throw invalid('recipientAccessToken is required: an access token of the workspace that is to receive the project.')
  const recipient = core.authenticate(token)
  if (!recipient) {
    throw new ApiProblem(
      401,
      'invalid-recipient-token',
      'The recipient access token is not valid: it authenticates no workspace.',
      'Send a service token or OAuth access token of the workspace that is to receive the project.',
    )
  }
  const to = recipient.workspace
  if (to.id === project.workspaceId) throw conflict(`Project ${project.id} is already in workspace ${to.id}; a transfer needs another workspace's token.`)
  // A database the backend is still starting (or recovering) would change hands halfway.
  const busy = core.store.databasesOf(project.id)?.values().find((database) => database.status === 'provisioning' || database.status === 'recovering')
  if (busy) {
    throw conflict(`Project ${project.id} cannot be transferred in its current state: database ${busy.id} is ${busy.status}.`, 'Wait until its databases are ready, then try again.')
  }
  if (project.logicalId !== null && core.store.projectByLogicalId(to.id, project.logicalId)) {
    throw conflict(`Project ${project.id} cannot be transferred: workspace ${to.id} already has a project with logicalId ${JSON.stringify(project.logicalId)}.`)
  }
  core.store.moveProject(project.id, to.id)
  core.log(`project ${project.id} transferred to workspace ${to.id}`)
  return {status: 204}
}
