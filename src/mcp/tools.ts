// Every tool of `prisma-mgmt mcp`, one declaration each: name, description, input schema,
// annotations and handler. The server (server.ts), the tool table of docs/mcp.md and the tests all read
// this one list. Handlers call the same api/ and flows/ the commands use and return the API
// objects as `--json` prints them; a throw becomes a tool error (results.ts).
import {ApiError} from '../api/errors.js'
import type {AnyDatabase} from '../api/connection-details.js'
import type {
  CreateBucketInput,
  CreateBucketKeyInput,
  CreatedConnection,
  RotatedConnection,
  CreatedDatabase,
  CreatedProject,
  CreateDatabaseInput,
  CreateProjectInput,
  RegionId,
  RestoredDatabase,
} from '../api/contract.js'
import type {ManagementApi, OnePage} from '../api/management-api.js'
import {DeliveredError, NotFoundError, UsageError} from '../errors.js'
import {checkRegion} from '../flows/check-region.js'
import {timestampName, unusedName} from '../flows/names.js'
import type {FieldSpec} from '../output/fields.js'
import {toTsv} from '../output/print.js'
import {
  backupFields,
  bucketFields,
  bucketKeyFields,
  connectionFields,
  createdBucketKeyFields,
  createdEndpointFields,
  databaseFields,
  endpointFields,
  endpointRows,
  projectFields,
  regionFields,
  usageFields,
  workspaceFields,
} from '../output/resources.js'
import {safe} from '../output/safe-text.js'
import {z} from './sdk.js'

/** What a handler works with. */
export interface ToolContext {
  api: ManagementApi
  now: () => Date
  /** Waits between status polls; rejects when the signal aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Aborted when the client cancels the call or the server closes. */
  signal: AbortSignal
  /** A progress line for a long call (sent only when the client asked for progress). */
  progress: (message: string) => void
}

/** A tool's answer: the API objects as `--json` has them, and a rendering for people. */
export interface ToolOutcome {
  structured: Record<string, unknown>
  text: string
}

/** The MCP tool annotations, always all three stated. */
export interface Hints {
  readOnlyHint: boolean
  destructiveHint: boolean
  idempotentHint: boolean
}

export interface ToolDeclaration<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string
  title: string
  description: string
  input: S
  /** destructiveHint true: the tool exists only with --allow-destructive and takes a `confirm` name. */
  annotations: Hints
  handler: (args: z.infer<z.ZodObject<S>>, context: ToolContext) => Promise<ToolOutcome>
}

// Type-checks each handler against its own schema, then joins the list.
function tool<S extends z.ZodRawShape>(declaration: ToolDeclaration<S>): ToolDeclaration {
  return declaration as unknown as ToolDeclaration
}

const READ: Hints = {readOnlyHint: true, destructiveHint: false, idempotentHint: true}
const ADD: Hints = {readOnlyHint: false, destructiveHint: false, idempotentHint: false}
const DESTROY: Hints = {readOnlyHint: false, destructiveHint: true, idempotentHint: false}

/** The largest page a list tool returns (the API's own page size). */
export const MAX_LIMIT = 100
const DEFAULT_LIMIT = 20
/** How long create tools wait for a database by default (under the SDK client's 60 s call timeout, so the created object still arrives), and at most. */
const DEFAULT_WAIT_SECONDS = 45
const MAX_WAIT_SECONDS = 600

const id = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} cannot be empty`)
    .describe(`${what}, as the list tools return it`)

const name = (what: string) => z.string().trim().min(1, `${what} cannot be empty`).max(255)

const paging = {
  cursor: z.string().min(1).optional().describe('The nextCursor of the previous page; leave it out for the first page'),
  limit: z.number().int().min(1).max(MAX_LIMIT).optional().describe(`At most this many items (1 to ${MAX_LIMIT}, default ${DEFAULT_LIMIT})`),
}

const confirm = (what: string) => z.string().describe(`The ${what}'s exact name, to confirm; anything else deletes nothing`)

const waitSeconds = z
  .number()
  .int()
  .min(1)
  .max(MAX_WAIT_SECONDS)
  .optional()
  .describe(`Seconds to wait until the database is ready (default ${DEFAULT_WAIT_SECONDS}, at most ${MAX_WAIT_SECONDS})`)

function rows<T>(fields: FieldSpec<T>, items: readonly T[]): string {
  return toTsv(fields, items).trimEnd()
}

async function page<T>(what: string, fields: FieldSpec<T>, load: Promise<OnePage<T>>): Promise<ToolOutcome> {
  const {data, nextCursor} = await load
  const count = `${data.length} ${what}${data.length === 1 ? '' : 's'}`
  const more = nextCursor ? `; more follow: call again with cursor ${JSON.stringify(nextCursor)}` : ''
  return {structured: {data, nextCursor}, text: `${count}${more}.\n${rows(fields, data)}`}
}

function record<T extends object>(fields: FieldSpec<T>, item: T): ToolOutcome {
  return {structured: item as Record<string, unknown>, text: rows(fields, [item])}
}

/** A real calendar day as YYYY-MM-DD. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`)
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
  }, 'not a calendar date')

/** Looks the resource up and deletes it only when `confirm` is its exact name. */
async function confirmed<R extends {id: string; name: string}>(what: string, resource: R, given: string, lookup: string): Promise<R> {
  if (given !== resource.name) {
    throw new UsageError(
      `confirm does not match the name of ${what} ${resource.id}; nothing was changed.`,
      `Pass the ${what}'s exact name as confirm (${lookup} shows it).`,
    )
  }
  return resource
}

interface WaitFor {
  timeoutSeconds: number
  /** What to do when the wait fails: the result still holds the object. */
  next: string
  /** What a `failure` status means (default `provision`). */
  failedTo?: string
}

/** Waits for the database; what the API answered is never lost, even when the wait fails. */
async function waitForDatabase<C extends object>(
  context: ToolContext,
  created: C,
  database: {id: string; status: string} | undefined,
  withStatus: (created: C, status: string) => C,
  {timeoutSeconds, next, failedTo}: WaitFor,
): Promise<C> {
  if (!database) return created
  const {waitUntilReady} = await import('../flows/wait-until-ready.js')
  let current = created
  try {
    const ready = await waitUntilReady(context.api, database, {
      timeoutSeconds,
      signal: context.signal,
      sleep: context.sleep,
      failedTo,
      spinner: {update: (text) => context.progress(text), succeed() {}, fail() {}, stop() {}},
      onStatus: (status) => {
        current = withStatus(current, status)
      },
    })
    return withStatus(current, ready.status)
  } catch (error) {
    throw new DeliveredError(current, error, next, `Waiting for database ${database.id} failed`)
  }
}

const keptAfterCreate = (check: string) => `It was created all the same; this result holds its ids and connection strings. Check it with ${check}.`

/** The create, its refusal explained as the CLI explains it when the workspace's usage is blocked. */
async function explained<T>(api: ManagementApi, workspace: (signal: AbortSignal) => Promise<{id: string; name?: string} | undefined>, create: () => Promise<T>): Promise<T> {
  const {explainRefusedCreate} = await import('../flows/usage-blocked.js')
  return explainRefusedCreate(api, workspace, create)
}

/** The database a backup belongs to, found among the project's databases (`first` first) as `db restore` finds it. */
async function backupDatabase(api: ManagementApi, backupId: string, projectId: string, first?: string): Promise<string> {
  const {findBackupDatabase} = await import('../flows/find-backup.js')
  try {
    return await findBackupDatabase({api, backupId, projectId, first})
  } catch (error) {
    // The flow's advice names a CLI flag; a tool names its argument.
    if (error instanceof NotFoundError) throw new NotFoundError(error.message, 'Pass sourceDatabaseId, the database the backup belongs to (list_backups lists a database\'s backups).')
    throw error
  }
}

async function connectionStrings(database: AnyDatabase, ids: {project?: string; database?: string}): Promise<string> {
  const {databaseConnectionDetails} = await import('../api/connection-details.js')
  const details = databaseConnectionDetails(database)
  return details.length > 0 ? `\n${rows(createdEndpointFields, endpointRows(details, ids))}` : ''
}

export const TOOLS: readonly ToolDeclaration[] = [
  tool({
    name: 'whoami',
    title: 'Who am I',
    description: 'The workspace, user and credential the configured token belongs to (GET /v1/me).',
    input: {},
    annotations: READ,
    handler: async (_args, {api}) => {
      const me = await api.getMe()
      const workspace = me.workspace ? safe`${me.workspace.name} (${me.workspace.id})` : '-'
      const user = me.user ? safe`${me.user.name ?? me.user.email} <${me.user.email}>` : '-'
      return {structured: me, text: safe`Workspace: ${workspace}\nUser: ${user}\nCredential: ${me.credential.type}${me.credential.name ? safe` (${me.credential.name})` : ''}`}
    },
  }),
  tool({
    name: 'list_workspaces',
    title: 'List workspaces',
    description: 'Workspaces the token can see, one page at a time (pass nextCursor as cursor for the next).',
    input: {...paging},
    annotations: READ,
    handler: ({cursor, limit = DEFAULT_LIMIT}, {api}) => page('workspace', workspaceFields, api.workspacesPage({cursor, limit})),
  }),
  tool({
    name: 'list_regions',
    title: 'List regions',
    description: 'Regions where Prisma Postgres databases can be created, with their status (only "available" ones accept new databases).',
    input: {},
    annotations: READ,
    handler: async (_args, {api}) => {
      const data = await api.listPostgresRegions()
      return {structured: {data}, text: rows(regionFields, data)}
    },
  }),
  tool({
    name: 'list_projects',
    title: 'List projects',
    description: 'Projects of the workspace, one page at a time (pass nextCursor as cursor for the next).',
    input: {...paging},
    annotations: READ,
    handler: ({cursor, limit = DEFAULT_LIMIT}, {api}) => page('project', projectFields, api.projectsPage({cursor, limit})),
  }),
  tool({
    name: 'show_project',
    title: 'Show a project',
    description: 'One project by id: its name, workspace, default region and when it was created.',
    input: {projectId: id('Project id')},
    annotations: READ,
    handler: async ({projectId}, {api}) => record(projectFields, await api.getProject(projectId)),
  }),
  tool({
    name: 'create_project',
    title: 'Create a project',
    description:
      'Creates a project with a Prisma Postgres database, waits until the database is ready, and returns the project with its connection strings. The API shows the connection strings only this once: keep them. If the wait fails, the error result still holds what was created.',
    input: {
      name: name('name').optional().describe('Project name (default project-<UTC yyyymmdd-hhmmss>)'),
      region: z.string().trim().min(1).optional().describe('Region of the database, e.g. us-east-1 (see list_regions; default us-east-1)'),
      workspaceId: z.string().trim().min(1).optional().describe('Workspace id (default: the token\'s workspace)'),
      createDatabase: z.boolean().optional().describe('Create the project\'s first database (default true)'),
      waitSeconds,
    },
    annotations: ADD,
    handler: async (args, context) => {
      const {api} = context
      const createDatabase = args.createDatabase ?? true
      const input: CreateProjectInput = {name: args.name ?? timestampName('project', context.now()), createDatabase}
      if (createDatabase) {
        const region = args.region ?? 'us-east-1'
        await checkRegion(api, region)
        input.region = region as RegionId
      }
      if (args.workspaceId) input.workspaceId = args.workspaceId
      // As `projects create`: a refusal is explained when the workspace's usage is blocked (the one named, else the token's).
      const created = await explained(
        api,
        async (signal) => (input.workspaceId ? {id: input.workspaceId} : ((await api.getMe({signal})).workspace ?? undefined)),
        () => api.createProject(input),
      )
      const project = await waitForDatabase<CreatedProject>(
        context,
        created,
        created.database ?? undefined,
        (p, status) => (p.database ? {...p, database: {...p.database, status: status as NonNullable<CreatedProject['database']>['status']}} : p),
        {
          timeoutSeconds: args.waitSeconds ?? DEFAULT_WAIT_SECONDS,
          next: keptAfterCreate(created.database ? `show_database ${created.database.id}` : `show_project ${created.id}`),
        },
      )
      const database = project.database ? safe`; database ${project.database.id} is ${project.database.status}` : ''
      const strings = project.database ? await connectionStrings(project.database, {project: project.id, database: project.database.id}) : ''
      return {structured: project, text: safe`Created project ${project.name} (${project.id})${database}.` + strings}
    },
  }),
  tool({
    name: 'rename_project',
    title: 'Rename a project',
    description: 'Gives a project a new name; its id, databases and connections stay as they are.',
    input: {projectId: id('Project id'), name: name('name').describe('The new name')},
    annotations: {readOnlyHint: false, destructiveHint: false, idempotentHint: true},
    handler: async ({projectId, name}, {api}) => record(projectFields, await api.renameProject(projectId, name)),
  }),
  tool({
    name: 'list_databases',
    title: 'List databases',
    description: 'Databases of the workspace, or of one project, with their status; one page at a time (pass nextCursor as cursor for the next).',
    input: {projectId: id('Project id').optional().describe('Only this project\'s databases'), ...paging},
    annotations: READ,
    handler: ({projectId, cursor, limit = DEFAULT_LIMIT}, {api}) => page('database', databaseFields, api.databasesPage({projectId, cursor, limit})),
  }),
  tool({
    name: 'show_database',
    title: 'Show a database',
    description: 'One database by id, with its status and region (never its secrets).',
    input: {databaseId: id('Database id')},
    annotations: READ,
    handler: async ({databaseId}, {api}) => record(databaseFields, await api.getDatabase(databaseId)),
  }),
  tool({
    name: 'create_database',
    title: 'Create a database',
    description:
      'Creates a database in a project (empty, with a backup\'s data given fromBackup, or with a copy of another database\'s given cloneOf), waits until it is ready, and returns it with its connection strings. The API shows them only this once: keep them. If the wait fails, the error result still holds what was created.',
    input: {
      projectId: id('Project id'),
      name: name('name').optional().describe('Database name (default: the API\'s)'),
      region: z.string().trim().min(1).optional().describe('Region id, e.g. us-east-1 (see list_regions), or "inherit" for the project\'s (default: the API\'s)'),
      isDefault: z.boolean().optional().describe('Make it the project\'s default database'),
      fromBackup: id('Backup id').optional().describe('Start it with the data of this backup (see list_backups)'),
      backupDatabaseId: id('Database id').optional().describe('With fromBackup: the database the backup belongs to (default: found among the project\'s databases)'),
      cloneOf: id('Database id').optional().describe('Start it with a copy of this database\'s data as it is now'),
      waitSeconds,
    },
    annotations: ADD,
    handler: async (args, context) => {
      const {api} = context
      if (args.fromBackup !== undefined && args.cloneOf !== undefined) throw new UsageError('fromBackup and cloneOf cannot be combined; nothing was created.', 'Pass one of them: a backup or a database to copy.')
      if (args.backupDatabaseId !== undefined && args.fromBackup === undefined) throw new UsageError('backupDatabaseId needs fromBackup; nothing was created.', 'Pass the backup id as fromBackup, or leave backupDatabaseId out.')
      const input: CreateDatabaseInput = {}
      if (args.name) input.name = args.name
      if (args.region) {
        if (args.region !== 'inherit') await checkRegion(api, args.region)
        input.region = args.region as NonNullable<CreateDatabaseInput['region']>
      }
      if (args.isDefault) input.isDefault = true
      if (args.cloneOf !== undefined) input.source = {type: 'database', databaseId: args.cloneOf}
      if (args.fromBackup !== undefined) {
        const databaseId = args.backupDatabaseId ?? (await backupDatabase(api, args.fromBackup, args.projectId))
        input.source = {type: 'backup', databaseId, backupId: args.fromBackup}
      }
      // As `db create`: a refusal is explained when the project's workspace has its usage blocked.
      const created = await explained(api, async (signal) => (await api.getProject(args.projectId, {signal})).workspace, () => api.createDatabase(args.projectId, input))
      const database = await waitForDatabase<CreatedDatabase>(
        context,
        created,
        created,
        (d, status) => ({...d, status: status as CreatedDatabase['status']}),
        {timeoutSeconds: args.waitSeconds ?? DEFAULT_WAIT_SECONDS, next: keptAfterCreate(`show_database ${created.id}`)},
      )
      const strings = await connectionStrings(database, {project: args.projectId, database: database.id})
      return {structured: database, text: safe`Created database ${database.name} (${database.id}); it is ${database.status}.` + strings}
    },
  }),
  tool({
    name: 'list_connections',
    title: 'List connections',
    description: 'Connections (credentials) of a database, one page at a time (pass nextCursor as cursor for the next); never their secrets.',
    input: {databaseId: id('Database id'), ...paging},
    annotations: READ,
    handler: ({databaseId, cursor, limit = DEFAULT_LIMIT}, {api}) => page('connection', connectionFields, api.connectionsPage(databaseId, {cursor, limit})),
  }),
  tool({
    name: 'create_connection',
    title: 'Create a connection',
    description:
      'Mints a new connection (credential) for a database and returns its connection strings, host, user and password. The API shows them only this once: keep them.',
    input: {
      databaseId: id('Database id'),
      name: name('name').optional().describe('Connection name (default prisma-mgmt-<UTC yyyymmdd-hhmmss>, unique in the database)'),
    },
    annotations: ADD,
    handler: async ({databaseId, name}, {api, now}) => {
      let chosen = name
      if (chosen === undefined) {
        const {collect} = await import('../api/collect.js')
        const taken = (await collect(api.listConnections(databaseId))).map((c) => c.name)
        chosen = unusedName(timestampName('prisma-mgmt', now()), taken)
      }
      return credential('Created', await api.createConnection(databaseId, {name: chosen}))
    },
  }),
  tool({
    name: 'rotate_connection',
    title: 'Rotate a connection',
    description: 'Gives a connection a new password and returns its new connection strings once; the old password stops working.',
    input: {connectionId: id('Connection id')},
    annotations: ADD,
    handler: async ({connectionId}, {api}) => credential('Rotated', await api.rotateConnection(connectionId)),
  }),
  tool({
    name: 'list_buckets',
    title: 'List buckets',
    description: 'Object-store buckets the token can see, or one project\'s; one page at a time (pass nextCursor as cursor for the next). providerName is the bucket\'s name at its S3 endpoint.',
    input: {projectId: id('Project id').optional().describe('Only this project\'s buckets'), ...paging},
    annotations: READ,
    handler: ({projectId, cursor, limit = DEFAULT_LIMIT}, {api}) => page('bucket', bucketFields, api.bucketsPage({projectId, cursor, limit})),
  }),
  tool({
    name: 'show_bucket',
    title: 'Show a bucket',
    description: 'One bucket by id: its name, its name at the S3 endpoint (providerName), project, branch and status.',
    input: {bucketId: id('Bucket id')},
    annotations: READ,
    handler: async ({bucketId}, {api}) => record(bucketFields, await api.getBucket(bucketId)),
  }),
  tool({
    name: 'list_bucket_keys',
    title: 'List bucket keys',
    description: 'Access keys of a bucket with their role (read or read_write), one page at a time (pass nextCursor as cursor for the next); never their secrets, only a hint.',
    input: {bucketId: id('Bucket id'), ...paging},
    annotations: READ,
    handler: ({bucketId, cursor, limit = DEFAULT_LIMIT}, {api}) => page('bucket key', bucketKeyFields, api.bucketKeysPage(bucketId, {cursor, limit})),
  }),
  tool({
    name: 'create_bucket',
    title: 'Create a bucket',
    description: 'Creates an object-store bucket in a project (S3-compatible) and returns it. Objects are reached with an access key: create one with create_bucket_key.',
    input: {
      projectId: id('Project id'),
      name: name('name').optional().describe('Display name (default: the API\'s)'),
      branchGitName: z.string().trim().min(1).optional().describe('Git name of the project branch to put the bucket on'),
    },
    annotations: ADD,
    handler: async ({projectId, name, branchGitName}, {api}) => {
      const input: CreateBucketInput = {projectId}
      if (name !== undefined) input.name = name
      if (branchGitName !== undefined) input.branchGitName = branchGitName
      const bucket = await api.createBucket(input)
      return {structured: bucket, text: `${safe`Created bucket ${bucket.name} (${bucket.id}).`}\n${rows(bucketFields, [bucket])}`}
    },
  }),
  tool({
    name: 'create_bucket_key',
    title: 'Create a bucket key',
    description:
      'Creates an access key for a bucket and returns what an S3 client needs: endpoint, bucketName, accessKeyId and secretAccessKey. The API shows the secret access key only this once: keep it. role read gets and lists objects; read_write also puts and deletes them.',
    input: {
      bucketId: id('Bucket id'),
      role: z.enum(['read', 'read_write']).describe('read: get and list objects; read_write: also put and delete them'),
      name: name('name').optional().describe('Key name (default: the API\'s)'),
    },
    annotations: ADD,
    handler: async ({bucketId, role, name}, {api}) => {
      const input: CreateBucketKeyInput = {role}
      if (name !== undefined) input.name = name
      const key = await api.createBucketKey(bucketId, input)
      return {structured: key, text: `${safe`Created ${key.role} key ${key.name} (${key.id}) for bucket ${key.bucketName}.`}\n${rows(createdBucketKeyFields, [key])}`}
    },
  }),
  tool({
    name: 'list_backups',
    title: 'List backups',
    description: 'Backups of a database, newest first, and how many days they are kept. A database without backup support gives an empty list and a note.',
    input: {databaseId: id('Database id'), limit: paging.limit},
    annotations: READ,
    handler: async ({databaseId, limit = DEFAULT_LIMIT}, {api}) => {
      try {
        const list = await api.listBackups(databaseId, {limit})
        return {structured: list, text: `Backups are kept for ${list.meta.backupRetentionDays} days.\n${rows(backupFields, list.data)}`}
      } catch (error) {
        // As `db backups list`: a database without backups is not a failure.
        if (error instanceof ApiError && error.status === 422) {
          return {structured: {data: [], note: error.message}, text: safe`Backups are not available for database ${databaseId}: ${error.message}`}
        }
        throw error
      }
    },
  }),
  tool({
    name: 'usage',
    title: 'Database usage',
    description: 'A database\'s operations and storage for a period (default: the API\'s, the current billing period).',
    input: {
      databaseId: id('Database id'),
      from: day.optional().describe('First day, YYYY-MM-DD'),
      to: day.optional().describe('Last day, YYYY-MM-DD'),
    },
    annotations: READ,
    handler: async ({databaseId, from, to}, {api}) => {
      if (from && to && from > to) throw new UsageError(`from ${from} is after to ${to}.`)
      return record(usageFields, await api.getUsage(databaseId, {startDate: from, endDate: to}))
    },
  }),
  tool({
    name: 'delete_project',
    title: 'Delete a project',
    description: 'Deletes a project and all its databases for good. confirm must be the project\'s exact name.',
    input: {projectId: id('Project id'), confirm: confirm('project')},
    annotations: DESTROY,
    handler: async ({projectId, confirm}, {api}) => {
      const project = await confirmed('project', await api.getProject(projectId), confirm, `show_project ${projectId}`)
      await api.deleteProject(project.id)
      return {structured: {id: project.id, deleted: true}, text: safe`Deleted project ${project.name} (${project.id}).`}
    },
  }),
  tool({
    name: 'delete_database',
    title: 'Delete a database',
    description: 'Deletes a database and its connections for good. confirm must be the database\'s exact name.',
    input: {databaseId: id('Database id'), confirm: confirm('database')},
    annotations: DESTROY,
    handler: async ({databaseId, confirm}, {api}) => {
      const database = await confirmed('database', await api.getDatabase(databaseId), confirm, `show_database ${databaseId}`)
      await api.deleteDatabase(database.id)
      return {structured: {id: database.id, deleted: true}, text: safe`Deleted database ${database.name} (${database.id}).`}
    },
  }),
  tool({
    name: 'delete_connection',
    title: 'Delete a connection',
    description: 'Deletes a connection; its credential stops working. confirm must be the connection\'s exact name.',
    input: {connectionId: id('Connection id'), confirm: confirm('connection')},
    annotations: DESTROY,
    handler: async ({connectionId, confirm}, {api}) => {
      const connection = await confirmed('connection', await api.getConnection(connectionId), confirm, 'list_connections')
      await api.deleteConnection(connection.id)
      return {structured: {id: connection.id, deleted: true}, text: safe`Deleted connection ${connection.name} (${connection.id}).`}
    },
  }),
  tool({
    name: 'delete_bucket',
    title: 'Delete a bucket',
    description: 'Deletes a bucket for good, with every object in it and every access key of it. confirm must be the bucket\'s exact name.',
    input: {bucketId: id('Bucket id'), confirm: confirm('bucket')},
    annotations: DESTROY,
    handler: async ({bucketId, confirm}, {api}) => {
      const bucket = await confirmed('bucket', await api.getBucket(bucketId), confirm, `show_bucket ${bucketId}`)
      await api.deleteBucket(bucket.id)
      return {structured: {id: bucket.id, deleted: true}, text: safe`Deleted bucket ${bucket.name} (${bucket.id}) with its objects and access keys.`}
    },
  }),
  tool({
    name: 'delete_bucket_key',
    title: 'Delete a bucket key',
    description:
      'Deletes a bucket\'s access key; S3 requests signed with it are refused from then on. confirm must be the key\'s exact name. Without bucketId the key is looked for among the keys of every bucket the token can see.',
    input: {
      keyId: id('Key id'),
      bucketId: id('Bucket id').optional().describe('The key\'s bucket (default: found among the buckets the token can see)'),
      confirm: confirm('bucket key'),
    },
    annotations: DESTROY,
    handler: async ({keyId, bucketId, confirm}, {api}) => {
      const {findBucketKey} = await import('../flows/find-bucket-key.js')
      let found
      try {
        found = await findBucketKey(api, keyId, bucketId)
      } catch (error) {
        // The flow's advice names a CLI command; a tool names its own.
        if (error instanceof NotFoundError) throw new NotFoundError(error.message, 'Check the ids; list_bucket_keys lists a bucket\'s keys.')
        throw error
      }
      const key = await confirmed('bucket key', found.key, confirm, `list_bucket_keys ${found.bucketId}`)
      await api.deleteBucketKey(found.bucketId, key.id)
      return {structured: {id: key.id, bucketId: found.bucketId, deleted: true}, text: safe`Deleted access key ${key.name} (${key.id}) of bucket ${found.bucketId}.`}
    },
  }),
  tool({
    name: 'restore_database',
    title: 'Restore a backup',
    description:
      'Overwrites every row of a database with a backup\'s (its own or another database\'s), waits until it is ready again, and returns it. confirm must be the target database\'s exact name. If the wait fails, the error result still holds the database.',
    input: {
      databaseId: id('Target database id'),
      backupId: id('Backup id (see list_backups)'),
      sourceDatabaseId: id('Database id').optional().describe('The database the backup belongs to (default: found among the databases of the target\'s project, the target first)'),
      confirm: confirm('target database'),
      waitSeconds,
    },
    annotations: DESTROY,
    handler: async ({databaseId, backupId, sourceDatabaseId, confirm, waitSeconds}, context) => {
      const {api} = context
      // The name is checked before the search for the backup: a wrong confirm asks nothing more of the API.
      const target = await confirmed('database', await api.getDatabase(databaseId), confirm, `show_database ${databaseId}`)
      const source = sourceDatabaseId ?? (await backupDatabase(api, backupId, target.project.id, target.id))
      const started = await api.restoreDatabase(target.id, {type: 'backup', databaseId: source, backupId})
      const restored = await waitForDatabase<RestoredDatabase>(context, started, started, (d, status) => ({...d, status: status as RestoredDatabase['status']}), {
        timeoutSeconds: waitSeconds ?? DEFAULT_WAIT_SECONDS,
        next: `The restore was started; check the database with show_database ${target.id}.`,
        failedTo: 'restore',
      })
      return {structured: restored, text: safe`Restored backup ${backupId} into database ${restored.name} (${restored.id}); it is ${restored.status}.`}
    },
  }),
]

async function credential(verb: string, connection: CreatedConnection | RotatedConnection): Promise<ToolOutcome> {
  const {connectionDetails} = await import('../api/connection-details.js')
  const text = `${safe`${verb} connection ${connection.name} (${connection.id}).`}\n${rows(endpointFields, endpointRows([connectionDetails(connection)]))}`
  return {structured: connection, text}
}

/** The tools a server exposes with these flags: --read-only keeps the read-only ones; destructive ones need --allow-destructive. */
export function selectTools(flags: {readOnly: boolean; allowDestructive: boolean}, tools: readonly ToolDeclaration[] = TOOLS): ToolDeclaration[] {
  return tools.filter((t) => (flags.readOnly ? t.annotations.readOnlyHint : !t.annotations.destructiveHint || flags.allowDestructive))
}
