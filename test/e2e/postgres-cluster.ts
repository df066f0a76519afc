// A throwaway PostgreSQL cluster (scripts/postgres-cluster.sh) for the suites that need a real
// server, and whether this machine has what they need.
import {execFile} from 'node:child_process'
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {freePort} from '../api/local-server.js'
import {ROOT, removeDir, tempDir} from './harness.js'

const exec = promisify(execFile)
const CLUSTER = join(ROOT, 'scripts/postgres-cluster.sh')

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path)
  } catch {
    return []
  }
}

const versions = readdirSafe('/usr/lib/postgresql')

/** Debian's PostgreSQL server binaries are installed. */
export const hasPostgres = versions.some((v) => readdirSafe(`/usr/lib/postgresql/${v}/bin`).includes('initdb'))

/** A psql client, if there is one. */
export const PSQL = ['/usr/bin/psql', ...versions.map((v) => `/usr/lib/postgresql/${v}/bin/psql`)].find((path) => existsSync(path))

export interface Cluster {
  adminUrl: string
  /** Stops the server and removes its folder; safe to call when starting failed half-way. */
  stop(): Promise<void>
}

/** Starts a cluster on a free port with password authentication over TCP. */
export async function startCluster(): Promise<Cluster> {
  const dir = await tempDir('prisma-mgmt-pg-')
  const stop = async () => {
    await exec(CLUSTER, ['stop', dir]).catch(() => {})
    await removeDir(dir)
  }
  try {
    const {stdout} = await exec(CLUSTER, ['start', dir, String(await freePort())])
    return {adminUrl: stdout.trim(), stop}
  } catch (error) {
    await stop()
    throw error
  }
}
