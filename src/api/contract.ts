// The Management API's shapes, taken from the official OpenAPI types so that an API change
// shows up as a type error. Shared by the client and the emulator; types and the endpoint order
// only: no I/O, nothing imported at run time, so either side may load it.
import type {operations, paths} from '@prisma/management-api-sdk'

export type {operations, paths}

/** The JSON body of an operation's answer with a given status. */
export type ResponseBody<Op extends keyof operations, Status extends number> =
  operations[Op]['responses'] extends Record<Status, {content: {'application/json': infer B}}> ? B : never

/** The JSON body an operation takes. */
export type RequestBody<Op extends keyof operations> =
  NonNullable<operations[Op]['requestBody']> extends {content: {'application/json': infer B}} ? B : never

/** The query parameters an operation takes. */
export type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>

type Item<T> = T extends readonly (infer I)[] ? I : never

export type ErrorBody = ResponseBody<'getV1Me', 401>
export type Pagination = ResponseBody<'getV1Projects', 200>['pagination']

export type Me = ResponseBody<'getV1Me', 200>['data']
export type Workspace = Item<ResponseBody<'getV1Workspaces', 200>['data']>
export type PostgresRegion = Item<ResponseBody<'getV1RegionsPostgres', 200>['data']>
export type Region = Item<ResponseBody<'getV1Regions', 200>['data']>
export type RegionId = NonNullable<RequestBody<'postV1Projects'>['region']>

export type Project = ResponseBody<'getV1ProjectsById', 200>['data']
export type CreatedProject = ResponseBody<'postV1Projects', 201>['data']
export type CreateProjectInput = RequestBody<'postV1Projects'>
export type RenameProjectInput = RequestBody<'patchV1ProjectsById'>

export type Database = ResponseBody<'getV1DatabasesByDatabaseId', 200>['data']
export type ListedDatabase = Item<ResponseBody<'getV1Databases', 200>['data']>
export type CreatedDatabase = ResponseBody<'postV1ProjectsByProjectIdDatabases', 201>['data']
export type CreateDatabaseInput = RequestBody<'postV1ProjectsByProjectIdDatabases'>
export type DatabaseStatus = ListedDatabase['status']
/** The answer to a restore: the target database, `recovering` until the copy is done. */
export type RestoredDatabase = ResponseBody<'postV1DatabasesByTargetDatabaseIdRestore', 200>['data']
export type RestoreSource = NonNullable<RequestBody<'postV1DatabasesByTargetDatabaseIdRestore'>>['source']

export type Connection = Item<ResponseBody<'getV1DatabasesByDatabaseIdConnections', 200>['data']>
export type CreatedConnection = ResponseBody<'postV1DatabasesByDatabaseIdConnections', 200>['data']
export type RotatedConnection = ResponseBody<'postV1ConnectionsByIdRotate', 200>['data']
export type CreateConnectionInput = RequestBody<'postV1DatabasesByDatabaseIdConnections'>

export type BackupList = ResponseBody<'getV1DatabasesByDatabaseIdBackups', 200>
export type Backup = Item<BackupList['data']>
export type Usage = ResponseBody<'getV1DatabasesByDatabaseIdUsage', 200>
export type UsageQuery = Query<'getV1DatabasesByDatabaseIdUsage'>

// Added for the API client and connection details.
export type RenamedProject = ResponseBody<'patchV1ProjectsById', 200>['data']
export type ProjectDatabase = Item<ResponseBody<'getV1ProjectsByProjectIdDatabases', 200>['data']>
export type CreatedProjectDatabase = NonNullable<CreatedProject['database']>
export type DatabaseConnection = Item<CreatedDatabase['connections']>
export type CreatedProjectConnection = Item<CreatedProjectDatabase['connections']>
/** Deprecated per-database credentials of the older shape (`apiKeys[]`). */
export type LegacyApiKey = Item<CreatedDatabase['apiKeys']>
export type FetchedConnection = ResponseBody<'getV1ConnectionsById', 200>['data']

/** A connection's endpoint names, as the contract spells them. */
export type EndpointName = keyof NonNullable<Connection['endpoints']>

/** The order endpoints are shown and chosen in: the CLI and the emulator alike. */
export const ENDPOINT_ORDER = ['direct', 'pooled', 'accelerate'] as const satisfies readonly EndpointName[]

type MustHold<T extends true> = T
/** Compiles only while ENDPOINT_ORDER names every endpoint of the contract. */
export type EndpointOrderIsComplete = MustHold<[Exclude<EndpointName, (typeof ENDPOINT_ORDER)[number]>] extends [never] ? true : false>

export type ServiceToken = Item<ResponseBody<'getV1WorkspacesByWorkspaceIdService-tokens', 200>['data']>
/** A service token just created: the only answer that carries its `value`. */
export type CreatedServiceToken = ResponseBody<'postV1WorkspacesByWorkspaceIdService-tokens', 201>['data']

/** A database after PATCH /v1/databases/{id} (a rename). */
export type RenamedDatabase = ResponseBody<'patchV1DatabasesByDatabaseId', 200>['data']
export type RenameDatabaseInput = RequestBody<'patchV1DatabasesByDatabaseId'>
/** The body of POST /v1/projects/{id}/transfer: the receiving workspace's access token. */
export type TransferProjectInput = RequestBody<'postV1ProjectsByIdTransfer'>
export type Subscription = ResponseBody<'getV1WorkspacesByIdSubscription', 200>['data']
/** A short-lived workspace service token minted for a GitHub Actions OIDC token. */
export type GithubActionsToken = ResponseBody<'postV1AuthGithub-actionsToken', 201>['data']
export type GithubActionsTokenInput = NonNullable<RequestBody<'postV1AuthGithub-actionsToken'>>

/** An object-store bucket of a project, as every bucket endpoint answers it. */
export type Bucket = ResponseBody<'getV1BucketsByBucketId', 200>['data']
export type ListedBucket = Item<ResponseBody<'getV1Buckets', 200>['data']>
export type CreatedBucket = ResponseBody<'postV1Buckets', 201>['data']
export type UpdatedBucket = ResponseBody<'patchV1BucketsByBucketId', 200>['data']
export type CreateBucketInput = NonNullable<RequestBody<'postV1Buckets'>>
export type UpdateBucketInput = NonNullable<RequestBody<'patchV1BucketsByBucketId'>>
export type BucketQuery = Query<'getV1Buckets'>
/** An access key of a bucket as lists show it: never its secret, only `valueHint`. */
export type BucketKey = Item<ResponseBody<'getV1BucketsByBucketIdKeys', 200>['data']>
/** A bucket key just created: the only answer that carries `secretAccessKey`, with the S3 `endpoint` and `bucketName`. */
export type CreatedBucketKey = ResponseBody<'postV1BucketsByBucketIdKeys', 201>['data']
export type CreateBucketKeyInput = NonNullable<RequestBody<'postV1BucketsByBucketIdKeys'>>
export type BucketKeyRole = BucketKey['role']

/** An OAuth application with access to a workspace. */
export type Integration = ResponseBody<'getV1IntegrationsById', 200>['data']
export type ListedIntegration = Item<ResponseBody<'getV1Integrations', 200>['data']>
export type WorkspaceIntegration = Item<ResponseBody<'getV1WorkspacesByWorkspaceIdIntegrations', 200>['data']>
/** A workspace by id (GET /v1/workspaces/{id}). */
export type WorkspaceDetails = ResponseBody<'getV1WorkspacesById', 200>['data']
export type AccelerateRegion = Item<ResponseBody<'getV1RegionsAccelerate', 200>['data']>
/** The products GET /v1/regions can be narrowed to. */
export type RegionProduct = NonNullable<Query<'getV1Regions'>['product']>

/** The body forms of creating a database and a connection (the project or database named in the body). */
export type CreateDatabaseBodyInput = NonNullable<RequestBody<'postV1Databases'>>
export type CreatedDatabaseFromBody = ResponseBody<'postV1Databases', 201>['data']
export type CreateConnectionBodyInput = NonNullable<RequestBody<'postV1Connections'>>
export type CreatedConnectionFromBody = ResponseBody<'postV1Connections', 201>['data']
