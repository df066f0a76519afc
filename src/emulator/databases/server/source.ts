// What a `postgres`-family backend runs its databases on: a server the emulator runs itself
// (`local`: binaries from npm or --postgres-bin) or one the user runs (`postgres`: --postgres-url).
// Both answer where the server is without starting anything (a create is answered at once), the
// administrative URL once it accepts connections, and tell the backend when it goes down or up.

export type HealthEvent = {state: 'down'; reason: string} | {state: 'up'} | {state: 'failed'; reason: string}

export interface ServerSource {
  /** `host:port` of a server the user runs, or a description of the emulator's own. */
  readonly name: string
  /** Whether the emulator runs the server (and may set it up as it likes). */
  readonly managed: boolean
  /** Where the server listens (or will): no start, so a create answers at once. */
  address(): Promise<{host: string; port: number}>
  /** The administrative URL, once the server accepts connections; starts it when needed. */
  ready(): Promise<string>
  /** Called when the server goes down, comes back, or cannot be brought back. */
  onHealth: (event: HealthEvent) => void
  close(): Promise<void>
}

/** A server the user runs, named by its administrative URL. */
export function externalServer(postgresUrl: string): ServerSource {
  const url = new URL(postgresUrl)
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error(`--postgres-url must be a postgres:// URL, got ${url.protocol}//...`)
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const port = Number(url.port || 5432)
  return {
    name: `${host}:${port}`,
    managed: false,
    address: async () => ({host, port}),
    ready: async () => postgresUrl,
    onHealth: () => undefined,
    close: async () => undefined,
  }
}
