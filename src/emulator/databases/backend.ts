// What stands behind an emulated database's connection strings. The emulator's state decides
// ids and names; a backend makes (or pretends to make) the PostgreSQL that answers them.

export type DatabaseMode = 'none' | 'local' | 'postgres'

/** Where a database's endpoints point. `accelerate` is set only by backends that serve one. */
export interface DatabaseEndpoints {
  direct: {host: string; port: number; database: string}
  pooled?: {host: string; port: number; database: string}
  /** A `prisma+postgres://` endpoint; each connection's URL for it comes with its credential (`Credential.accelerateUrl`). */
  accelerate?: {host: string; port: number}
}

/** One credential (a connection, in the API's words) on one database. */
export interface Credential {
  user: string
  password: string
  /** The connection's own `prisma+postgres://` URL, where the database has an accelerate endpoint. */
  accelerateUrl?: string
}

/** The server behind every database of a backend went down, came back, or could not be brought back. */
export type BackendHealth = {state: 'down'; reason: string} | {state: 'up'} | {state: 'failed'; reason: string}

export interface DatabaseBackend {
  readonly mode: DatabaseMode
  /**
   * Where the database's endpoints are, at once: no engine is started for this, so a create is
   * answered while the database is still being made.
   */
  endpoints(databaseId: string): Promise<DatabaseEndpoints>
  /**
   * Make the database `databaseId` exist and accept connections, with every credential created for
   * it so far. Resolves when it is ready; rejects with a readable reason when it cannot be made (the
   * emulator then marks it `failure`). Called again after a restart with --data-dir for databases
   * that already existed: it must reuse what is there rather than start empty.
   */
  provision(databaseId: string): Promise<void>
  /**
   * Create the credential for connection `connectionId` with rights on that database alone. Before
   * provision() of the database has resolved it answers at once (provision applies it); after, it
   * resolves once the credential works.
   */
  createCredential(databaseId: string, connectionId: string): Promise<Credential>
  /** Give the credential a new password; the old one must stop working at once where real. */
  rotateCredential(databaseId: string, connectionId: string): Promise<Credential>
  /** Revoke the credential; its string must stop working where real. */
  dropCredential(databaseId: string, connectionId: string): Promise<void>
  /**
   * Copy the data of `databaseId` as it is now into backup `backupId` (a real copy where the mode has data;
   * records only in `none` mode). Resolves with the copy's size in bytes when known.
   */
  backup(databaseId: string, backupId: string): Promise<{size?: number}>
  /** Replace every row of `databaseId` with the data of backup `backupId`; its credentials keep working. */
  restore(databaseId: string, backupId: string): Promise<void>
  /** Replace the data of `databaseId` (just provisioned) with a copy of `sourceId`'s data as it is now. */
  cloneFrom(databaseId: string, sourceId: string): Promise<void>
  /** Free what backup `backupId` holds; nothing to do for one that is gone. */
  dropBackup(backupId: string): Promise<void>
  /** Remove the database and free whatever it held. */
  drop(databaseId: string): Promise<void>
  /** Stop everything this backend started; idempotent. Data under a data dir is kept. */
  close(): Promise<void>
}

export interface BackendOptions {
  /** Host that endpoints name (the emulator's listen host, 127.0.0.1 by default). */
  host: string
  /** When set, databases keep their data under `<dataDir>/databases/`; otherwise in a temp dir removed on close. */
  dataDir?: string
  /** Where that temp dir is made (the OS temp dir by default); tests give each backend its own. */
  tempDir?: string
  /** For `postgres` mode: an admin URL of a real server (superuser or CREATEDB+CREATEROLE). */
  postgresUrl?: string
  /** For `local` mode: the bin folder of a PostgreSQL server on this machine, instead of the npm package. */
  postgresBin?: string
  /** For `local` mode: the cache folder of the cluster template (`$XDG_CACHE_HOME/prisma-mgmt` by default). */
  cacheDir?: string
  /** How long the pooler lets a login take (PostgreSQL's authentication_timeout, 60 s by default). */
  authenticationTimeoutMs?: number
  /** Log a line (the emulator's log on stderr). */
  log: (line: string) => void
  /** Told when the server behind the databases goes down, comes back, or cannot be brought back. */
  onHealth?: (health: BackendHealth) => void
}
