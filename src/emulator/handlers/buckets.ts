// /v1/buckets: object-store buckets of a project (list, create, show, update, delete) and the
// branches they sit on. A bucket is on a branch of its project or on none (`branchId: null`); its
// `logicalId` is unique on that branch. The emulator serves no branch endpoints (the contract marks
// them experimental): a branch comes into being when a bucket names it by `branchGitName`.
import type {ResponseBody} from '../../api/contract.js'
import type {Call, Reply, Scope} from '../core.js'
import {findProject, requireProject} from '../core.js'
import {newId} from '../ids.js'
import {pageOfArray, readPageRequest} from '../pagination.js'
import {conflict, invalid, notFound} from '../problems.js'
import type {FieldProblem, Fields} from '../validation.js'
import {objectBody, optionalIdentifier, optionalName, optionalString, unprocessableField} from '../validation.js'
import type {BranchRecord, BucketRecord, ProjectRecord} from '../records.js'
import type {Store} from '../store.js'
import {bucketView} from '../views.js'
import {defaultName} from './projects.js'

/** The bucket, when its project is in the caller's workspace: any other does not exist for the caller. */
export function requireBucket({core, principal}: Scope, id: string): BucketRecord {
  const bucket = core.store.buckets.get(id)
  if (!bucket || core.store.workspaceIdOfBucket(bucket) !== principal.workspace.id) throw notFound('Bucket', id)
  return bucket
}

/** S3's rules for a bucket name: 3 to 63 of a-z, 0-9 and "-", led and ended by a letter or digit. */
function providerName(name: string, id: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30)
    .replace(/-+$/, '')
  return `${slug || 'bucket'}-${id}`
}

/** A git branch name as git allows it, within reason: no spaces, control characters or "..". */
function checkGitName(gitName: string, problem: FieldProblem): string {
  if (gitName.trim() === '') throw problem('branchGitName must not be empty or blank.')
  if (gitName.length > 255) throw problem(`branchGitName must be at most 255 characters long, got ${gitName.length}.`)
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|^\/|\/$|\.lock$|^-/.test(gitName)) throw problem(`branchGitName ${JSON.stringify(gitName)} is not a valid git branch name.`)
  return gitName
}

/** Where a body puts the bucket: an existing branch, or a git name to create a branch for. */
type Placement = {branchId: string | null} | {newGitName: string}

/** `branchId` or `branchGitName` of a body, looked up in the project; undefined when neither is given. */
function readBranch(store: Store, project: ProjectRecord, fields: Fields, problem: FieldProblem): Placement | undefined {
  const branchId = optionalString(fields, 'branchId', problem)
  const gitName = optionalString(fields, 'branchGitName', problem)
  if (branchId !== undefined && gitName !== undefined) throw problem('branchId and branchGitName are mutually exclusive: send one of them.')
  if (branchId !== undefined) {
    const branch = store.branches.get(branchId)
    if (!branch || branch.projectId !== project.id) throw notFound('Branch', branchId)
    return {branchId: branch.id}
  }
  if (gitName === undefined) return undefined
  checkGitName(gitName, problem)
  const existing = store.branchesOf(project.id)?.values().find((branch) => branch.gitName === gitName)
  return existing ? {branchId: existing.id} : {newGitName: gitName}
}

/** The branch id of a placement, creating the branch it names when it is new (once every check passed). */
function place(store: Store, project: ProjectRecord, placement: Placement): string | null {
  if ('branchId' in placement) return placement.branchId
  const branch: BranchRecord = {id: newId(), seq: store.nextSeq(), projectId: project.id, gitName: placement.newGitName, createdAt: new Date().toISOString()}
  store.addBranch(branch)
  return branch.id
}

/** The bucket holding this logicalId on the placement's branch; a branch not created yet holds none. */
function holderOf(store: Store, projectId: string, placement: Placement, logicalId: string): BucketRecord | undefined {
  if (!('branchId' in placement)) return undefined
  return store.bucketsOf(projectId)?.values().find((bucket) => bucket.branchId === placement.branchId && bucket.logicalId === logicalId)
}

function branchLabel(store: Store, branchId: string | null): string {
  const branch = branchId === null ? undefined : store.branches.get(branchId)
  return branch ? `branch ${JSON.stringify(branch.gitName)} (${branch.id})` : 'no branch'
}

export function listBuckets(call: Call): Reply {
  const {core, principal, query} = call
  const {store} = core
  const request = readPageRequest(query)
  const projectId = query.get('projectId')
  const logicalId = query.get('logicalId')
  const branchId = query.get('branchId')
  const gitName = query.get('branchGitName')
  // A project of another workspace has, for this caller, no buckets.
  const projects: ProjectRecord[] =
    projectId === null ? [...(store.projectsIn(principal.workspace.id)?.values() ?? [])] : [findProject(call, projectId)].filter((project) => project !== undefined)
  const inProjects = new Set(projects.map((project) => project.id))
  const branchIds =
    gitName === null ? undefined : new Set(store.branches.values().flatMap((branch) => (inProjects.has(branch.projectId) && branch.gitName === gitName ? [branch.id] : [])))
  const buckets = store.buckets.values().filter((bucket) => {
    if (!inProjects.has(bucket.projectId)) return false
    if (logicalId !== null && bucket.logicalId !== logicalId) return false
    if (branchId !== null && bucket.branchId !== (branchId === 'unassigned' ? null : branchId)) return false
    return branchIds === undefined || (bucket.branchId !== null && branchIds.has(bucket.branchId))
  })
  const page = pageOfArray(buckets, request)
  const data = page.items.map((bucket) => bucketView(core.views, bucket))
  return {status: 200, body: {data, pagination: page.pagination} satisfies ResponseBody<'getV1Buckets', 200>}
}

export function createBucket(call: Call): Reply {
  const {core, body} = call
  const {store} = core
  const fields = objectBody(body)
  const projectId = optionalString(fields, 'projectId')
  if (projectId === undefined || projectId.trim() === '') throw invalid('projectId is required: the project to create the bucket in.', 'List your projects with GET /v1/projects.')
  const now = new Date()
  const name = optionalName(fields) ?? defaultName('bucket', now)
  const logicalId = optionalIdentifier(fields, 'logicalId') ?? null
  const project = requireProject(call, projectId)
  const placement = readBranch(store, project, fields, invalid) ?? {branchId: null}
  const holder = logicalId === null ? undefined : holderOf(store, project.id, placement, logicalId)
  if (holder) {
    const where = branchLabel(store, holder.branchId)
    throw conflict(`A bucket with logicalId ${JSON.stringify(logicalId)} already exists on ${where} (${holder.id}).`, 'Use that bucket, or pick another logicalId.')
  }
  const branchId = place(store, project, placement)
  const id = newId()
  const bucket: BucketRecord = {id, seq: store.nextSeq(), projectId: project.id, name, providerName: providerName(name, id), createdAt: now.toISOString(), branchId, logicalId}
  store.addBucket(bucket)
  core.log(`bucket ${bucket.id} created (${bucket.providerName})`)
  return {status: 201, body: {data: bucketView(core.views, bucket)} satisfies ResponseBody<'postV1Buckets', 201>}
}

export function getBucket(call: Call): Reply {
  const bucket = requireBucket(call, call.params.bucketId)
  return {status: 200, body: {data: bucketView(call.core.views, bucket)} satisfies ResponseBody<'getV1BucketsByBucketId', 200>}
}

/** The display name, the branch (a move) or the logicalId; the provider name, objects and keys stay. */
export function updateBucket(call: Call): Reply {
  const {core, params, body} = call
  const {store} = core
  const bucket = requireBucket(call, params.bucketId)
  const fields = objectBody(body)
  const problem = unprocessableField
  const displayName = optionalName(fields, 'displayName', problem)
  const logicalId = optionalIdentifier(fields, 'logicalId', problem)
  const moving = fields.branchId !== undefined || fields.branchGitName !== undefined
  if (displayName === undefined && logicalId === undefined && !moving) throw problem('Nothing to update: send displayName, logicalId, branchId or branchGitName.')
  if (logicalId !== undefined && moving) throw problem('logicalId cannot be combined with branchId or branchGitName: move the bucket first, then set its logicalId.')
  const project = store.projects.get(bucket.projectId)!
  if (moving) {
    const placement = readBranch(store, project, fields, problem)!
    const holder = bucket.logicalId === null ? undefined : holderOf(store, project.id, placement, bucket.logicalId)
    if (holder && holder !== bucket) {
      throw conflict(`The bucket's logicalId ${JSON.stringify(bucket.logicalId)} is already taken on ${branchLabel(store, holder.branchId)} (${holder.id}).`)
    }
    bucket.branchId = place(store, project, placement)
  }
  if (logicalId !== undefined && logicalId !== bucket.logicalId) {
    const holder = holderOf(store, project.id, {branchId: bucket.branchId}, logicalId)
    if (holder) throw conflict(`A bucket with logicalId ${JSON.stringify(logicalId)} already exists on ${branchLabel(store, bucket.branchId)} (${holder.id}).`)
    bucket.logicalId = logicalId
  }
  if (displayName !== undefined) bucket.name = displayName
  store.changed()
  return {status: 200, body: {data: bucketView(core.views, bucket)} satisfies ResponseBody<'patchV1BucketsByBucketId', 200>}
}

/** Deletes the bucket, its keys (refused by the S3 endpoint from now on) and every object in it. */
export function deleteBucket(call: Call): Reply {
  const bucket = requireBucket(call, call.params.bucketId)
  call.core.store.removeBucket(bucket.id)
  call.core.log(`bucket ${bucket.id} deleted with its keys and objects`)
  return {status: 204}
}
