// Picks the backend for `--databases`. The real-database backends load lazily: `none` must not
// pay for pg or a server.
import type {BackendOptions, DatabaseBackend, DatabaseMode} from './backend.js'

export const DATABASE_MODES: readonly DatabaseMode[] = ['none', 'local', 'postgres']

export function isDatabaseMode(value: string): value is DatabaseMode {
  return (DATABASE_MODES as readonly string[]).includes(value)
}

export async function createBackend(mode: DatabaseMode, opts: BackendOptions): Promise<DatabaseBackend> {
  switch (mode) {
    case 'none': {
      const {createNoneBackend} = await import('./none.js')
      return createNoneBackend(opts)
    }
    case 'local':
    case 'postgres': {
      const {checkDataDir, createPostgresBackend} = await import('./postgres.js')
      if (mode === 'local') await checkDataDir(opts.dataDir)
      return createPostgresBackend(opts, mode)
    }
    default:
      throw new Error(`unknown database mode ${JSON.stringify(mode satisfies never)}; use one of ${DATABASE_MODES.join(', ')}`)
  }
}
