// The local Prisma Management API: startEmulator() serves it on node:http and returns its URL,
// its token and close(). `prisma-mgmt emulator start` and the tests start it through here.
//
// Lists answer in creation order, oldest first, with opaque cursors. Ids are `c` + 24 lowercase
// letters and digits. State lives in memory, or with `dataDir` in `<dataDir>/emulator-state.json`.
// The same origin is an OAuth 2.0 authorization server (oauth/): its access tokens work on the API;
// and, under /s3, the S3-compatible endpoint of its buckets (objects/), checked per access key.
import {mkdir} from 'node:fs/promises'
import type {AddressInfo} from 'node:net'

import type {CreatedServiceToken, RegionId, Workspace} from '../api/contract.js'
import {hostInUrl, hostWithoutBrackets} from '../api/url-host.js'
import type {EmulatorCore} from './core.js'
import type {DatabaseBackend, DatabaseMode} from './databases/backend.js'
import {createBackend, isDatabaseMode} from './databases/index.js'
import {FaultInjector} from './faults.js'
import {GithubActionsIssuer} from './github-actions.js'
import type {GithubActionsOptions} from './github-actions.js'
import {takeBackupNow} from './handlers/backups.js'
import type {ActiveFault} from './faults.js'
import {newId, newToken} from './ids.js'
import {AuthorizationServer} from './oauth/authorization-server.js'
import {ObjectStorage} from './objects/index.js'
import type {OAuthCounters} from './oauth/authorization-server.js'
import {StateWriter, loadState} from './persistence.js'
import {Provisioning} from './provisioning.js'
import type {ProjectRecord} from './records.js'
import {DEFAULT_REGION, isRegionId} from './regions.js'
import {RequestLog} from './request-log.js'
import type {ReceivedRequest} from './request-log.js'
import {createApiServer, principalForToken} from './server.js'
import {Store} from './store.js'
import {createdServiceTokenView, workspaceView} from './views.js'
import {mintServiceToken} from './handlers/service-tokens.js'
import {subscriptionView} from './handlers/subscriptions.js'
import type {Subscription} from './handlers/subscriptions.js'
import type {SubscriptionChange} from './test-hooks.js'
import type {ViewContext} from './views.js'

export type {ActiveFault, FaultRule} from './faults.js'
export type {ReceivedRequest} from './request-log.js'
export type {SubscriptionChange} from './test-hooks.js'
export type {Subscription} from './handlers/subscriptions.js'
export type {DatabaseMode} from './databases/backend.js'
export {STATE_FILE} from './persistence.js'
export type {OAuthCounters} from './oauth/authorization-server.js'
export type {GithubActionsOptions} from './github-actions.js'
export {DEFAULT_ACCESS_TOKEN_TTL_SECONDS, DEFAULT_CLIENT_ID as DEFAULT_OAUTH_CLIENT_ID} from './oauth/authorization-server.js'

export const DEFAULT_HOST = '127.0.0.1'
export const DEFAULT_PORT = 7466

export interface EmulatorOptions {
  /** Listen address; default 127.0.0.1. */
  host?: string
  /** Default 7466; 0 takes a free port. */
  port?: number
  /** The service token to accept; generated (random) when absent. */
  token?: string
  /** Keep state in this folder across restarts; memory only when absent. */
  dataDir?: string
  /** What stands behind connection strings; default `none`. */
  databases?: DatabaseMode
  /** Admin URL of a PostgreSQL server, for `databases: 'postgres'`. */
  postgresUrl?: string
  /** How long a new database stays `provisioning` at least; default 0. */
  provisionDelayMs?: number
  /** Back up every ready database this often; without it, backups are taken only on request (the test hook). */
  backupIntervalSeconds?: number
  /** One line per request and per notable event; never carries the token. Silent by default. */
  log?: (line: string) => void
  /** A backend object of the caller's own, in place of `databases` (tests of failure paths). */
  backend?: DatabaseBackend
  /** The id of the one public OAuth client the authorization server knows; default `prisma-mgmt-emulator`. */
  oauthClientId?: string
  /** Lifetime of OAuth access tokens; default 3600. */
  accessTokenTtlSeconds?: number
  /** Lifetime of authorization codes; default 60,000 (tests of expiry pass 0). */
  authorizationCodeTtlMs?: number
  /** The GitHub Actions OIDC exchange: the issuer's key set, its `iss`, and the linked repositories. */
  githubActions?: GithubActionsOptions
}

export interface SeedOptions {
  /** Names are `<namePrefix>-00001`, `<namePrefix>-00002`, ...; default "seed". */
  namePrefix?: string
  /** Give each project its first database (through the backend, so slower); default false. */
  createDatabase?: boolean
  region?: RegionId
}

export interface SeededProject {
  id: string
  name: string
  databaseId: string | null
}

export interface Emulator {
  /** `http://HOST:PORT`, no trailing slash. */
  url: string
  token: string
  /** True when the token was generated rather than passed in. */
  tokenGenerated: boolean
  host: string
  port: number
  databases: DatabaseMode
  dataDir: string | undefined
  /** The public OAuth client id the authorization server accepts. */
  oauthClientId: string
  /** The same as POST /__emulator/workspaces, in process: a workspace OAuth logins can choose. */
  addWorkspace(name: string): Workspace
  /** The same as GET /__emulator/oauth, in process. */
  oauthCounters(): OAuthCounters
  /** The same as PATCH /__emulator/workspaces/{id}/subscription, in process; undefined for an unknown workspace. */
  setSubscription(workspaceId: string, change: SubscriptionChange): Subscription | undefined
  /** The same as POST /__emulator/workspaces/{id}/service-tokens, in process: a token of any workspace. */
  mintServiceToken(workspaceId: string, name: string): CreatedServiceToken | undefined
  /** Adds projects straight into the state: 10,000 take well under a second. */
  seedProjects(count: number, options?: SeedOptions): Promise<SeededProject[]>
  /** The same as POST /__emulator/faults, in process. */
  addFaults(rules: unknown): ActiveFault[]
  clearFaults(): void
  /** The same as GET /__emulator/requests, in process. */
  requests(): ReceivedRequest[]
  clearRequests(): void
  /** Resolves once no database is waiting for its backend. */
  settled(): Promise<void>
  /** Resolves once the data dir's state file holds every change so far (no-op without one). */
  flush(): Promise<void>
  /** Stops serving, saves the state, closes the databases. Idempotent. */
  close(): Promise<void>
}

/** A wildcard listen address is not somewhere to connect to; loopback is. */
function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1'
  if (host === '::' || host === '[::]') return '::1'
  return hostWithoutBrackets(host)
}

function checkOptions(options: EmulatorOptions): void {
  const {port, token, provisionDelayMs, databases, oauthClientId, accessTokenTtlSeconds, authorizationCodeTtlMs} = options
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new Error(`port must be a whole number from 0 to 65535, got ${port}`)
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) throw new Error('token must be non-empty printable ASCII without spaces')
  if (options.backupIntervalSeconds !== undefined && !(Number.isInteger(options.backupIntervalSeconds) && options.backupIntervalSeconds >= 1)) {
    throw new Error(`backupIntervalSeconds must be a whole number of 1 or more, got ${options.backupIntervalSeconds}`)
  }
  if (provisionDelayMs !== undefined && !(Number.isInteger(provisionDelayMs) && provisionDelayMs >= 0)) {
    throw new Error(`provisionDelayMs must be a whole number of 0 or more, got ${provisionDelayMs}`)
  }
  if (databases !== undefined && !isDatabaseMode(databases)) throw new Error(`databases must be none, local or postgres, got ${JSON.stringify(databases)}`)
  // A client id travels in URLs, forms and HTML: printable ASCII without spaces keeps it simple everywhere.
  if (oauthClientId !== undefined && !/^[\x21-\x7e]{1,255}$/.test(oauthClientId)) throw new Error('oauthClientId must be 1 to 255 printable ASCII characters without spaces')
  if (accessTokenTtlSeconds !== undefined && !(Number.isInteger(accessTokenTtlSeconds) && accessTokenTtlSeconds >= 1)) {
    throw new Error(`accessTokenTtlSeconds must be a whole number of 1 or more, got ${accessTokenTtlSeconds}`)
  }
  if (authorizationCodeTtlMs !== undefined && !(Number.isInteger(authorizationCodeTtlMs) && authorizationCodeTtlMs >= 0)) {
    throw new Error(`authorizationCodeTtlMs must be a whole number of 0 or more, got ${authorizationCodeTtlMs}`)
  }
}

function listen(server: ReturnType<typeof createApiServer>, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server.address() as AddressInfo)
    })
  })
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  checkOptions(options)
  const host = options.host ?? DEFAULT_HOST
  const log = options.log ?? (() => undefined)
  const {dataDir} = options
  const mode = options.backend?.mode ?? options.databases ?? 'none'

  if (dataDir) await mkdir(dataDir, {recursive: true, mode: 0o700})
  const snapshot = dataDir ? await loadState(dataDir) : undefined
  const token = options.token ?? snapshot?.token ?? newToken()
  const tokenGenerated = options.token === undefined
  const store = snapshot ? Store.fromSnapshot(snapshot, tokenGenerated ? token : undefined) : Store.empty(tokenGenerated ? token : undefined)

  // Before the backend starts: a wrong key set file or link fails the start at once.
  const githubActions = options.githubActions ? new GithubActionsIssuer(options.githubActions, store) : undefined
  const endpointHost = reachableHost(host)
  const backend = options.backend ?? (await createBackend(mode, {host: endpointHost, dataDir, postgresUrl: options.postgresUrl, log}))
  const provisioning = new Provisioning(store, backend, options.provisionDelayMs ?? 0, log)
  const views: ViewContext = {
    baseUrl: '',
    workspace: (id) => store.workspaceById(id),
    project: (id) => store.projects.get(id),
    database: (id) => store.databases.get(id),
    connectionsOf: (databaseId) => store.connectionsOf(databaseId)?.values() ?? [],
  }
  const oauth = new AuthorizationServer(store, snapshot?.oauth, {
    clientId: options.oauthClientId,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
    codeTtlMs: options.authorizationCodeTtlMs,
    log,
  })
  const core: EmulatorCore = {store, provisioning, views, token, databases: mode, log, githubActions, oauth, authenticate: () => undefined}
  const faults = new FaultInjector()
  const requests = new RequestLog()
  core.authenticate = (candidate) => principalForToken(candidate, core, oauth)
  const addWorkspace = (name: string): Workspace => {
    const trimmed = name.trim()
    if (trimmed === '' || trimmed.length > 255) throw new Error('a workspace name must be 1 to 255 characters, not blank')
    const workspace = {id: newId(), name: trimmed, createdAt: new Date().toISOString()}
    store.addWorkspace(workspace)
    return workspaceView(views, workspace)
  }
  const setSubscription = (workspaceId: string, change: SubscriptionChange): Subscription | undefined => {
    const workspace = store.workspaceById(workspaceId)
    if (!workspace) return undefined
    const current = subscriptionView(workspace)
    // Without one set, the URL stays derived from the workspace id rather than stored.
    const upgradeUrl = change.upgradeUrl ?? workspace.subscription?.upgradeUrl
    workspace.subscription = {
      planName: change.planName ?? current.planName,
      usageBlocked: change.usageBlocked ?? current.usageBlocked,
      ...(upgradeUrl === undefined ? {} : {upgradeUrl}),
    }
    store.changed()
    return subscriptionView(workspace)
  }
  const mintToken = (workspaceId: string, name: string): CreatedServiceToken | undefined => {
    if (!store.workspaceById(workspaceId)) return undefined
    const {token, value} = mintServiceToken(store, workspaceId, name)
    return createdServiceTokenView(token, value)
  }
  const hooks = {
    workspaces: () => store.allWorkspaces().map((workspace) => workspaceView(views, workspace)),
    addWorkspace,
    oauthCounters: () => oauth.counters(),
    takeBackup: (databaseId: string) => takeBackupNow(core, databaseId),
    setSubscription,
    mintServiceToken: mintToken,
  }
  const objects = new ObjectStorage({store, dataDir, log})
  store.onBucketRemoved = (bucket) => objects.bucketRemoved(bucket)
  const server = createApiServer({core, faults, requests, oauth, objects, hooks})

  let address: AddressInfo
  try {
    address = await listen(server, options.port ?? DEFAULT_PORT, host)
  } catch (error) {
    await backend.close()
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') throw new Error(`Port ${options.port ?? DEFAULT_PORT} on ${host} is already in use; pick another with --port (0 takes a free one).`)
    throw error
  }
  const url = `http://${hostInUrl(endpointHost)}:${address.port}`
  views.baseUrl = url
  oauth.issuer = url

  const writer = dataDir ? new StateWriter(dataDir, () => ({...store.snapshot(), oauth: oauth.snapshot()}), log) : undefined
  if (writer) {
    store.onChange = () => writer.schedule()
    oauth.onChange = () => writer.schedule()
    // Written at once, so a generated token survives even a restart before any change.
    writer.schedule()
    await writer.flush()
  }
  if (snapshot) provisioning.resume()

  // Scheduled backups: one round at a time, so a slow round (local mode restarts databases) never piles up.
  let backupTimer: NodeJS.Timeout | undefined
  if (options.backupIntervalSeconds !== undefined) {
    const everyMs = options.backupIntervalSeconds * 1000
    const round = async (): Promise<void> => {
      for (const database of [...store.databases.values()]) {
        if (database.status !== 'ready' || store.databases.get(database.id) !== database) continue
        await provisioning.takeBackup(database).then(
          (backup) => log(`database ${database.id}: scheduled backup ${backup.id} taken`),
          (error: unknown) => log(`database ${database.id}: scheduled backup failed: ${error instanceof Error ? error.message : String(error)}`),
        )
      }
    }
    const schedule = (): void => {
      backupTimer = setTimeout(() => void round().finally(() => backupTimer && schedule()), everyMs)
      backupTimer.unref()
    }
    schedule()
  }

  const seedProjects = async (count: number, seed: SeedOptions = {}): Promise<SeededProject[]> => {
    if (!(Number.isInteger(count) && count >= 0)) throw new Error(`count must be a whole number of 0 or more, got ${count}`)
    if (seed.region !== undefined && !isRegionId(seed.region)) throw new Error(`unknown region ${seed.region}`)
    const prefix = seed.namePrefix ?? 'seed'
    const seeded: SeededProject[] = []
    const createdAt = new Date().toISOString()
    for (let i = 1; i <= count; i++) {
      const project: ProjectRecord = {
        id: newId(),
        seq: store.nextSeq(),
        workspaceId: store.workspace.id,
        name: `${prefix}-${String(i).padStart(5, '0')}`,
        logicalId: null,
        createdAt,
        defaultRegion: seed.region ?? (seed.createDatabase ? DEFAULT_REGION : null),
      }
      store.addProject(project)
      let databaseId: string | null = null
      if (seed.createDatabase) {
        const {database} = await provisioning.create(project, {name: project.name, region: project.defaultRegion ?? DEFAULT_REGION, isDefault: true, logicalId: null})
        databaseId = database.id
      }
      seeded.push({id: project.id, name: project.name, databaseId})
    }
    return seeded
  }

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearTimeout(backupTimer)
      backupTimer = undefined
      provisioning.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await writer?.flush()
      await objects.close()
      await backend.close()
    })()
    return closing
  }

  return {
    url,
    token,
    tokenGenerated,
    host,
    port: address.port,
    databases: mode,
    dataDir,
    oauthClientId: oauth.clientId,
    addWorkspace,
    oauthCounters: () => oauth.counters(),
    setSubscription,
    mintServiceToken: mintToken,
    seedProjects,
    addFaults: (rules) => faults.add(rules),
    clearFaults: () => faults.clear(),
    requests: () => requests.list(),
    clearRequests: () => requests.clear(),
    settled: () => provisioning.settled(),
    flush: async () => writer?.flush(),
    close,
  }
}
