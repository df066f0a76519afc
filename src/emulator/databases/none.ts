// The `none` backend: no database at all. Endpoints name the emulator's host and ports that were
// free a moment ago and that nothing listens on, so a client fails fast with "connection refused".
// Credentials are random and forgotten once shown, like the real ones.
import {createServer} from 'node:net'

import {newPassword} from '../ids.js'
import type {BackendOptions, Credential, DatabaseBackend, DatabaseEndpoints} from './backend.js'

const DATABASE_NAME = 'postgres'

/** A port the OS just handed out and that is closed again: nothing listens there now. */
function closedPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function credentialFor(connectionId: string): Credential {
  return {user: `u_${connectionId}`, password: newPassword()}
}

export function createNoneBackend(opts: BackendOptions): DatabaseBackend {
  let ports: Promise<{direct: number; pooled: number}> | undefined
  const allocate = (): Promise<{direct: number; pooled: number}> => {
    // One pair for every database: all of them are equally unreachable.
    ports ??= Promise.all([closedPort(opts.host), closedPort(opts.host)]).then(([direct, pooled]) => ({direct, pooled}))
    return ports
  }
  return {
    mode: 'none',
    async endpoints(): Promise<DatabaseEndpoints> {
      const {direct, pooled} = await allocate()
      return {
        direct: {host: opts.host, port: direct, database: DATABASE_NAME},
        pooled: {host: opts.host, port: pooled, database: DATABASE_NAME},
      }
    },
    async provision() {},
    async createCredential(_databaseId, connectionId) {
      return credentialFor(connectionId)
    },
    async rotateCredential(_databaseId, connectionId) {
      return credentialFor(connectionId)
    },
    async dropCredential() {},
    // No data: a backup, a restore and a clone are records only.
    async backup() {
      return {}
    },
    async restore() {},
    async cloneFrom() {},
    async dropBackup() {},
    async drop() {},
    async close() {},
  }
}
