// Prisma's query-plan executor (@prisma/query-plan-executor, the server behind Prisma Postgres's
// Accelerate-like protocol and `prisma dev`), one per connection that uses the accelerate
// endpoint, connected as that connection's role. Loaded here, at the first such request.

export interface Executor {
  fetch(request: Request): Promise<Response>
  shutdown(): Promise<void>
}

let registered = false

export async function createExecutor(directUrl: string): Promise<Executor> {
  const [{Server, parseDuration, parseSize}, {registerOtelContextManager}] = await Promise.all([import('@prisma/query-plan-executor'), import('./otel-context.js')])
  // The executor keeps each request's logger in the OpenTelemetry context, which needs a context manager of the host's.
  if (!registered) registered = registerOtelContextManager() || true
  const server = await Server.create({
    databaseUrl: directUrl,
    maxResponseSize: parseSize('128 MiB'),
    queryTimeout: parseDuration('PT5M'),
    maxTransactionTimeout: parseDuration('PT5M'),
    maxTransactionWaitTime: parseDuration('PT5M'),
    perRequestLogContext: {logFormat: 'text', logLevel: 'off'},
  })
  return {fetch: (request) => Promise.resolve(server.fetch(request)), shutdown: () => server.shutdown()}
}
