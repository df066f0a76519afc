// What stands behind an emulated database's connection strings. The emulator's state decides
// ids and names; a backend makes (or pretends to make) the PostgreSQL that answers them.

export type DatabaseMode = 'none' | 'local' | 'postgres'

/** Where a database's endpoints point. `accelerate` is set only by backends that serve one. */
export interface DatabaseEndpoints {
  direct: {host: string; port: number; database: string}
  pooled?: {host: string; port: number; database: string}
  /**
   * A `prisma+postgres://` (Accelerate-like) endpoint (local mode with @prisma/dev). Each
   * connection's URL for it comes with its credential (`Credential.accelerateUrl`).
   */
  accelerate?: {host: string; port: number}
}

/** One credential (a connection, in the API's words) on one database. */
export interface Credential {
  user: string
  password: string
  /** The connection's own `prisma+postgres://` URL, where the database has an accelerate endpoint. */
  accelerateUrl?: string
}

export interface DatabaseBackend {
  readonly mode: DatabaseMode
  /**
   * Make the database `databaseId` exist and accept connections. Resolves when it is ready;
   * rejects with a readable reason when it cannot start (the emulator then marks it `failure`).
   * Called again after a restart with --data-dir for databases that already existed: it must
   * reuse what is on disk (or in the server) rather than start empty.
   */
  provision(databaseId: string): Promise<DatabaseEndpoints>
  /** Create the credential for connection `connectionId` with rights on that database alone. */
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
  /** Remove the database and free whatever it held (server process, port, files). */
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
  /** Log a line (the emulator's log on stderr). */
  log: (line: string) => void
}
