// What the emulator keeps, as plain JSON-safe records: the same objects live in memory and in
// the data dir's state file. API shapes are derived from them in views.ts.
import type {RegionId} from '../api/contract.js'
import type {DatabaseEndpoints} from './databases/backend.js'
import type {OAuthState} from './oauth/records.js'

export type EmulatedStatus = 'provisioning' | 'ready' | 'recovering' | 'failure'

/** Every record carries `seq`: a global creation counter, the order lists are served in. */
export interface Sequenced {
  id: string
  seq: number
}

export interface WorkspaceRecord {
  id: string
  name: string
  createdAt: string
  /** Set through the test hook; absent: the free plan with usage not blocked. */
  subscription?: SubscriptionRecord
}

/** A workspace's plan, as GET /v1/workspaces/{id}/subscription shows it. */
export interface SubscriptionRecord {
  planName: string
  /** Creates of projects and databases are refused while this is true. */
  usageBlocked: boolean
  /** Absent: the console's billing page for the workspace. */
  upgradeUrl?: string
}

/** The person OAuth logins act as; service tokens have no user. */
export interface UserRecord {
  id: string
  email: string
  name: string
}

export interface ProjectRecord extends Sequenced {
  workspaceId: string
  name: string
  logicalId: string | null
  createdAt: string
  defaultRegion: RegionId | null
}

export interface DatabaseRecord extends Sequenced {
  projectId: string
  name: string
  region: RegionId
  status: EmulatedStatus
  createdAt: string
  isDefault: boolean
  defaultConnectionId: string | null
  logicalId: string | null
  /** Where the backend said the database answers; absent until provision() first resolved. */
  endpoints?: DatabaseEndpoints
  /** Why provisioning failed, for the log and `failure` status. */
  failureReason?: string
  /** API requests about this database per UTC day (YYYY-MM-DD), for the usage endpoint. */
  operations: Record<string, number>
  /** What it was created from (a backup, or a clone of another database); absent: empty. */
  source?: DatabaseSource
}

/** The API's `source` of a database that was not created empty. */
export type DatabaseSource = {type: 'backup'; databaseId: string; backupId: string} | {type: 'database'; databaseId: string}

/**
 * A backup the emulator took of a database: a real copy of its data in `local` and `postgres`
 * modes, a record alone in `none` mode. It goes when its database goes.
 */
export interface BackupRecord extends Sequenced {
  databaseId: string
  createdAt: string
  status: 'running' | 'completed' | 'failed'
  /** Bytes the copy takes, when the backend can tell. */
  size?: number
}

/** A connection; its password is never stored, it is shown once when created or rotated. */
export interface ConnectionRecord extends Sequenced {
  databaseId: string
  name: string
  createdAt: string
  user: string
}

/**
 * A service token minted through the API. Its value is shown once, in the answer that creates it;
 * only its SHA-256 digest is kept, which is all that checking a bearer token needs.
 */
export interface ServiceTokenRecord extends Sequenced {
  workspaceId: string
  name: string
  /** Hex SHA-256 of the value. */
  digest: string
  /** The value's first and last characters (`emu_…9f2c`), as the API's `valueHint`. */
  valueHint: string
  createdAt: string
  /** Null: tokens minted through the API do not expire; a state file may set one. */
  expiresAt: string | null
}

/**
 * A branch of a project, known by its git name. Buckets are placed on one (or on none); the
 * emulator serves no branch endpoints, so a branch comes into being when a bucket names it.
 */
export interface BranchRecord extends Sequenced {
  projectId: string
  gitName: string
  createdAt: string
}

/** An object-store bucket; its objects live in the object store's folder, under its id. */
export interface BucketRecord extends Sequenced {
  projectId: string
  /** The display name: a label only. */
  name: string
  /** The S3 bucket name clients address (path-style); never changes. */
  providerName: string
  createdAt: string
  branchId: string | null
  logicalId: string | null
}

/**
 * An access key of a bucket. The secret is shown once, in the answer that creates the key; it is
 * kept (in the state file, mode 0600) because checking a request's SigV4 signature needs it.
 */
export interface BucketKeyRecord extends Sequenced {
  bucketId: string
  name: string
  role: 'read' | 'read_write'
  accessKeyId: string
  secretAccessKey: string
  /** The secret's first and last characters, as the API's `valueHint`. */
  valueHint: string
  createdAt: string
}

export interface StateSnapshot {
  version: 1
  /** Kept only when the emulator generated it, so a restart serves the same token. */
  token?: string
  /** The first workspace: the service token's. */
  workspace: WorkspaceRecord
  /** Workspaces added since (for OAuth logins that pick one); absent in older files. */
  otherWorkspaces?: WorkspaceRecord[]
  /** Absent in older files: one is made up on load. */
  user?: UserRecord
  credentialId: string
  nextSeq: number
  /** Older files have projects without `workspaceId`: they belong to the first workspace. */
  projects: ProjectRecord[]
  databases: DatabaseRecord[]
  connections: ConnectionRecord[]
  /** Service tokens minted through the API (digests, never values); absent in older files. */
  serviceTokens?: ServiceTokenRecord[]
  /** Backups taken so far; absent in older files. */
  backups?: BackupRecord[]
  /** Branches, buckets and bucket keys; absent in older files. */
  branches?: BranchRecord[]
  buckets?: BucketRecord[]
  bucketKeys?: BucketKeyRecord[]
  /** The authorization server's grants and signing secret; absent in older files. */
  oauth?: OAuthState
}
