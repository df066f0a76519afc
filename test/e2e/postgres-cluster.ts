// A throwaway PostgreSQL server that stands for one a user runs (the emulator's `postgres` mode),
// made with the same npm binaries and code as the emulator's own (`local`), in its own temp folders,
// with loopback TCP and SCRAM only: every role needs its password. And psql, where installed.
import {existsSync} from 'node:fs'

import {managedServer} from '../../src/emulator/databases/server/managed.js'
import {removeDir, tempDir} from './harness.js'

/** A psql client, if there is one (Debian's postgresql-client). */
export const PSQL = ['/usr/bin/psql', '/usr/local/bin/psql'].find((path) => existsSync(path))

export interface Cluster {
  adminUrl: string
  /** Stops the server and removes its folders; safe to call when starting failed half-way. */
  stop(): Promise<void>
}

export async function startCluster(): Promise<Cluster> {
  const cacheDir = await tempDir('prisma-mgmt-pg-cache-')
  // Its run folder is made in the OS temp folder, which the server's account can pass through when the tests run as root.
  const server = managedServer({cacheDir, log: () => undefined})
  const stop = async (): Promise<void> => {
    await server.close()
    await removeDir(cacheDir)
  }
  try {
    return {adminUrl: await server.ready(), stop}
  } catch (error) {
    await stop()
    throw error
  }
}
