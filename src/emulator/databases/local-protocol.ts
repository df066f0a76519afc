// What local.ts and its child process (local-server.ts) say to each other over the IPC channel.
// Kept apart so the parent can share the types without loading the child's top-level code.

/** Passed as the child's only argument, JSON-encoded. */
export interface LocalServerConfig {
  /** @prisma/dev server name; also names its folder under XDG_DATA_HOME. */
  name: string
  /** Ask for the ports of the last run again, so connection strings survive a restart when they are free. */
  reusePorts: boolean
  /** Without a data dir: folders to remove if the emulator dies and leaves us orphaned. */
  temporary?: {databaseDir: string; rootDir: string}
}

export type LocalServerMessage =
  | {
      type: 'ready'
      /** `postgres://` URL of the database, as @prisma/dev prints it. */
      connectionString: string
      /** `prisma+postgres://` URL of its HTTP (Accelerate-like) server. */
      accelerateUrl: string
    }
  | {type: 'failed'; message: string; portTaken: boolean}

export type LocalServerCommand = {type: 'stop'}
