// What each answer of the API must look like before anything reads it: the API is untrusted.
// The schemas check the fields the CLI reads; objects are loose, so every other field passes,
// and callers get the value as received (not valibot's copy), so --json prints it untouched.
// Loaded with the API client only, never for --help or --version.
import * as v from 'valibot'

import type {
  AccelerateRegion,
  BackupList,
  Bucket,
  BucketKey,
  CreatedBucket,
  CreatedBucketKey,
  Integration,
  ListedBucket,
  WorkspaceIntegration,
  UpdatedBucket,
  WorkspaceDetails,
  Connection,
  CreatedConnection,
  CreatedDatabase,
  CreatedProject,
  Database,
  FetchedConnection,
  ListedDatabase,
  Me,
  Pagination,
  PostgresRegion,
  Project,
  ProjectDatabase,
  Region,
  RenamedDatabase,
  RenamedProject,
  RestoredDatabase,
  RotatedConnection,
  Subscription,
  CreatedServiceToken,
  GithubActionsToken,
  ServiceToken,
  Usage,
  Workspace,
} from './contract.js'
import {InvalidResponseError} from './errors.js'
import {isUsableId} from './path.js'
import type {Page} from './transport.js'

// ---------------------------------------------------------------------------------------------
// The compile-time tie to the contract.

/**
 * A type as the checks compare it: without index signatures (loose objects have one), without
 * optionality, and string enums as `string`, so a status the API adds later is shown, not refused.
 */
type Bare<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends null
        ? null
        : T extends readonly (infer I)[]
          ? Bare<I>[]
          : T extends object
            ? {[K in keyof T as string extends K ? never : K]-?: Bare<Exclude<T[K], undefined>>}
            : T

/** The part of contract type C that schema output O checks: O's fields, taken from C, all the way down. */
type Checked<C, O> = C extends readonly (infer CI)[]
  ? O extends readonly (infer OI)[]
    ? Checked<CI, OI>[]
    : C
  : C extends object
    ? {[K in keyof C & keyof Bare<Extract<O, object>>]: Checked<C[K], Extract<O, object>[K & keyof Extract<O, object>]>}
    : C

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

/**
 * True when every answer the contract allows passes the schema (it never refuses a valid
 * answer) and each field the schema checks has the contract's type (what it proves is what the
 * type says). Presence is the schema's own choice: deprecated fields may be absent.
 */
type FitsContract<C, S extends v.GenericSchema> = [C] extends [v.InferInput<S>] ? Same<Bare<Checked<C, v.InferOutput<S>>>, Bare<v.InferOutput<S>>> : false

/** How to read one kind of answer: the schema of its body, and what a caller gets from it. */
export interface Expected<T> {
  /** Completes "the API answered with something that is not …": `a project`, `a project list`. */
  readonly what: string
  readonly body: v.GenericSchema
  /** `data` for `{data: …}` answers; `body` for backups and usage, whose callers take it whole. */
  readonly part: 'data' | 'body'
  /** Never set: carries T from the schema's declaration to the caller. */
  readonly type?: T
}

// A schema that differs from the contract asks for an extra argument, which no call gives.
type Fits<C, S extends v.GenericSchema> = FitsContract<C, S> extends true ? [] : [schemaDoesNotFitTheContract: never]

/** A `{data: …}` answer whose data is contract type C. */
function data<C>() {
  return <S extends v.GenericSchema>(what: string, schema: S, ..._fits: Fits<C, S>): Expected<C> => ({
    what,
    body: v.looseObject({data: schema}),
    part: 'data',
  })
}

/** An answer taken whole (no `data` wrapper to unpack), of contract type C. */
function whole<C>() {
  // Stryker disable next-line StringLiteral: only part 'data' is told apart; any other word means the whole body
  return <S extends v.GenericSchema>(what: string, schema: S, ..._fits: Fits<C, S>): Expected<C> => ({what, body: schema, part: 'body'})
}

/** A schema that accepts every value of contract type C (and maybe more): for envelopes the client reads itself. */
function accepting<C>() {
  return <S extends v.GenericSchema>(schema: S, ..._fits: [C] extends [v.InferInput<S>] ? [] : [schemaRefusesTheContract: never]): S => schema
}

// Some lists have no pagination, and a last page may leave out its cursor: both read as "no more".
const pagination = accepting<Pagination>()(v.optional(v.looseObject({nextCursor: v.optional(v.nullable(v.string())), hasMore: v.boolean()})))

/** One page of a list whose items are contract type C. */
function page<C>() {
  return <S extends v.GenericSchema>(what: string, item: S, ..._fits: Fits<C, S>): Expected<Page<C>> => ({
    what,
    body: v.looseObject({data: v.array(item), pagination}),
    // Stryker disable next-line StringLiteral: only part 'data' is told apart; any other word means the whole body
    part: 'body',
  })
}

// ---------------------------------------------------------------------------------------------
// The fields the CLI reads.

// Ids go back into API paths (show after list, delete after show): they must be usable there.
const id = v.pipe(v.string(), v.check(isUsableId, 'is empty, blank, "." or "..", which is not an id'))
const nullableString = v.nullable(v.string())
const named = v.looseObject({id, name: v.string()})

const project = v.looseObject({
  id,
  name: v.string(),
  createdAt: v.string(),
  defaultRegion: nullableString,
  workspace: named,
})

const endpoint = v.looseObject({host: v.string(), port: v.number()})
const endpointWithString = v.looseObject({host: v.string(), port: v.number(), connectionString: v.string()})
const endpointMaybeString = v.looseObject({host: v.string(), port: v.number(), connectionString: v.optional(v.string())})

function endpoints<E extends v.GenericSchema>(each: E) {
  return v.looseObject({direct: v.optional(each), pooled: v.optional(each), accelerate: v.optional(each)})
}

// The older shape kept secrets beside the endpoints; deprecated, so it may be absent.
const legacyDirect = v.optional(v.nullable(v.looseObject({host: v.string(), user: v.string(), pass: v.string()})))

const connection = v.looseObject({
  id,
  name: v.string(),
  kind: v.string(),
  createdAt: v.string(),
  endpoints: endpoints(endpoint),
  directConnection: legacyDirect,
})

/** Created or rotated: the only answers that carry secrets. */
const connectionWithSecrets = v.looseObject({
  id,
  name: v.string(),
  kind: v.string(),
  createdAt: v.string(),
  endpoints: endpoints(endpointWithString),
  connectionString: v.optional(v.string()),
  directConnection: legacyDirect,
  host: v.optional(nullableString),
  user: v.optional(nullableString),
  pass: v.optional(nullableString),
})

const databaseConnection = v.looseObject({
  id,
  name: v.string(),
  kind: v.string(),
  createdAt: v.string(),
  endpoints: endpoints(endpointMaybeString),
  directConnection: legacyDirect,
})

const legacyApiKey = v.looseObject({
  id,
  name: v.string(),
  endpoints: endpoints(endpoint),
  connectionString: v.string(),
  directConnection: legacyDirect,
})

const databaseFields = {
  id,
  name: v.string(),
  status: v.string(),
  createdAt: v.string(),
  isDefault: v.boolean(),
}

const database = v.looseObject({
  ...databaseFields,
  project: v.looseObject({id}),
  region: v.nullable(v.looseObject({id})),
})

/** A database just created: what it was created with, its secrets included. */
const createdDatabaseFields = {
  ...databaseFields,
  region: v.looseObject({id}),
  defaultConnectionId: nullableString,
  connections: v.array(databaseConnection),
  apiKeys: v.optional(v.array(legacyApiKey)),
  connectionString: v.optional(nullableString),
  directConnection: legacyDirect,
}

const createdDatabase = v.looseObject({...createdDatabaseFields, project: v.looseObject({id})})

const createdProject = v.looseObject({
  ...project.entries,
  // null (or left out) when the project was created without a database.
  database: v.optional(v.nullable(v.looseObject(createdDatabaseFields))),
})

const me = v.looseObject({
  user: v.nullable(v.looseObject({email: v.string(), name: nullableString})),
  workspace: v.nullable(named),
  credential: v.looseObject({type: v.string(), name: nullableString}),
})

const workspace = v.looseObject({id, name: v.string(), createdAt: v.string()})
const postgresRegion = v.looseObject({id, name: v.string(), status: v.string()})
// GET /v1/regions names the product of each; only some products have a status.
const region = v.looseObject({id, name: v.string(), product: v.string(), status: v.optional(v.string())})
const accelerateRegion = v.looseObject({id, name: v.string()})

const backup = v.looseObject({
  id,
  backupType: v.string(),
  status: v.string(),
  size: v.optional(v.number()),
  createdAt: v.string(),
})

const serviceTokenFields = {
  id,
  name: v.string(),
  valueHint: v.string(),
  createdAt: v.string(),
  expiresAt: v.optional(nullableString),
}
const serviceToken = v.looseObject(serviceTokenFields)
/** Created: the one answer with the token's value. */
const createdServiceToken = v.looseObject({...serviceTokenFields, value: v.string()})

const subscription = v.looseObject({planName: v.string(), usageBlocked: v.boolean(), upgradeUrl: v.string()})
/** Minted for a GitHub Actions OIDC token: its value, and when it stops working (a time the CLI compares with now). */
const githubActionsToken = v.looseObject({
  id,
  type: v.string(),
  value: v.string(),
  expiresAt: v.pipe(v.string(), v.check((text) => !Number.isNaN(Date.parse(text)), 'is not a date and time')),
  workspaceId: id,
})

const bucket = v.looseObject({
  id,
  name: v.string(),
  // The bucket's name at the S3 endpoint; `name` is a label only.
  providerName: v.string(),
  status: v.string(),
  createdAt: v.string(),
  project: named,
  branchId: nullableString,
})

/** A value a client cannot do without: present and not empty (never quoted back: it may be a secret). */
const filled = v.pipe(v.string(), v.check((text) => text !== '', 'is empty'))

const bucketKeyFields = {
  id,
  name: v.string(),
  valueHint: v.string(),
  role: v.string(),
  createdAt: v.string(),
}
const bucketKey = v.looseObject(bucketKeyFields)
/** Created: the one answer with the secret, and what an S3 client needs beside it. */
const createdBucketKey = v.looseObject({
  ...bucketKeyFields,
  secretAccessKey: filled,
  accessKeyId: filled,
  endpoint: filled,
  bucketName: filled,
})

const integration = v.looseObject({
  id,
  createdAt: v.string(),
  scopes: v.array(v.string()),
  client: v.looseObject({id, name: v.string()}),
  createdByUser: v.looseObject({email: v.string(), displayName: nullableString}),
})

const backupList = v.looseObject({data: v.array(backup), meta: v.looseObject({backupRetentionDays: v.number()})})

const usage = v.looseObject({
  period: v.looseObject({start: v.string(), end: v.string()}),
  metrics: v.looseObject({
    operations: v.looseObject({used: v.number(), unit: v.string()}),
    storage: v.looseObject({used: v.number(), unit: v.string()}),
  }),
  generatedAt: v.string(),
})

// ---------------------------------------------------------------------------------------------
// One per kind of answer; each is checked against its contract type when this file compiles.

export const expected = {
  me: data<Me>()('an account', me),
  workspaces: page<Workspace>()('a workspace list', workspace),
  workspace: data<WorkspaceDetails>()('a workspace', workspace),
  postgresRegions: data<PostgresRegion[]>()('a region list', v.array(postgresRegion)),
  regions: data<Region[]>()('a region list', v.array(region)),
  accelerateRegions: data<AccelerateRegion[]>()('a region list', v.array(accelerateRegion)),
  projects: page<Project>()('a project list', project),
  project: data<Project>()('a project', project),
  renamedProject: data<RenamedProject>()('a project', project),
  createdProject: data<CreatedProject>()('a project', createdProject),
  databases: page<ListedDatabase>()('a database list', database),
  projectDatabases: page<ProjectDatabase>()('a database list', database),
  database: data<Database>()('a database', database),
  renamedDatabase: data<RenamedDatabase>()('a database', database),
  subscription: data<Subscription>()('a workspace subscription', subscription),
  createdDatabase: data<CreatedDatabase>()('a database', createdDatabase),
  restoredDatabase: data<RestoredDatabase>()('a database', database),
  connections: page<Connection>()('a connection list', connection),
  connection: data<FetchedConnection>()('a connection', connection),
  createdConnection: data<CreatedConnection>()('a connection', connectionWithSecrets),
  rotatedConnection: data<RotatedConnection>()('a connection', connectionWithSecrets),
  serviceTokens: page<ServiceToken>()('a service token list', serviceToken),
  createdServiceToken: data<CreatedServiceToken>()('a service token', createdServiceToken),
  githubActionsToken: data<GithubActionsToken>()('a minted service token', githubActionsToken),
  buckets: page<ListedBucket>()('a bucket list', bucket),
  bucket: data<Bucket>()('a bucket', bucket),
  createdBucket: data<CreatedBucket>()('a bucket', bucket),
  updatedBucket: data<UpdatedBucket>()('a bucket', bucket),
  bucketKeys: page<BucketKey>()('a bucket key list', bucketKey),
  createdBucketKey: data<CreatedBucketKey>()('a bucket key', createdBucketKey),
  integrations: page<WorkspaceIntegration>()('an integration list', integration),
  integration: data<Integration>()('an integration', integration),
  backups: whole<BackupList>()('a backup list', backupList),
  usage: whole<Usage>()('a usage report', usage),
}

// ---------------------------------------------------------------------------------------------
// Checking an answer.

function location(path: readonly {key: unknown}[]): string {
  return path.reduce<string>((out, {key}) => (typeof key === 'number' ? `${out}[${key}]` : out === '' ? String(key) : `${out}.${String(key)}`), '')
}

/** What a received value is, never the value itself: it came from the server. */
function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  switch (typeof value) {
    case 'string':
      return 'a string'
    case 'number':
      return 'a number'
    case 'boolean':
      return 'a boolean'
    default:
      return 'an object'
  }
}

const EXPECTED_WORDS: Record<string, string> = {
  Object: 'an object',
  Array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  // Stryker disable next-line StringLiteral: `null` is only ever expected beside another type, in a union (see expectedText)
  null: 'null',
}

/** valibot's `(Object | null)`, from the schema (never the server), as words. */
// Stryker disable all: no schema here is a union, so valibot names one type at a time and the parentheses, `undefined` and `or` never occur; kept for a union added later
function expectedText(expected: string | null): string {
  if (!expected) return 'something else'
  const words = expected
    .replace(/^\((.*)\)$/, '$1')
    .split(' | ')
    .filter((word) => word !== 'undefined')
    .map((word) => EXPECTED_WORDS[word] ?? word)
  return words.join(' or ')
}
// Stryker restore all

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = issue.path ?? []
  const where = path.length > 0 ? location(path) : 'the body'
  // Our own messages (the id check); valibot's would quote the value the server sent.
  if (issue.kind === 'validation') return `${where} ${issue.message}`
  if (issue.input === undefined) {
    // valibot takes a list for an object and then misses its first field: say what it really is.
    if (Array.isArray(path.at(-1)?.input)) return `${path.length > 1 ? location(path.slice(0, -1)) : 'the body'} is a list, expected an object`
    return `${where} is missing`
  }
  return `${where} is ${kindOf(issue.input)}, expected ${expectedText(issue.expected)}`
}

/**
 * The part of an answer its caller uses, once it has the shape `expected` describes; the value
 * is the one received, unknown fields and their order kept. `request` (`GET /v1/projects/x`)
 * names it in the error.
 */
export function check<T>(expected: Expected<T>, answer: unknown, request: string): T {
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: the message names the first issue, which is the same with or without abortEarly
  const result = v.safeParse(expected.body, answer, {abortEarly: true})
  if (!result.success) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: valibot reports at least one issue with every failure
    const detail = result.issues.length > 0 ? ` (${describeIssue(result.issues[0])})` : ''
    throw new InvalidResponseError(`${request}: the API answered with something that is not ${expected.what}${detail}.`)
  }
  return (expected.part === 'data' ? (answer as {data: unknown}).data : answer) as T
}
