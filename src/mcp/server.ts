// The MCP server over stdio: registers the chosen tools (tools.ts) with the official SDK, turns every
// outcome into a result and every failure into a tool error (results.ts), and ends when stdin ends.
// stdout carries the protocol alone (stdio.ts: every line answered, none closes it); the few log
// lines go to stderr. Loaded only when `mcp` serves.
import type {Transport} from '@modelcontextprotocol/sdk/shared/transport.js'

import type {ManagementApi} from '../api/management-api.js'
import {describeFailure} from '../errors.js'
import {terminalSafe} from '../output/safe-text.js'
import {errorResult, successResult, type Scrub, type ToolResult} from './results.js'
import {AjvJsonSchemaValidator, McpServer, z} from './sdk.js'
import {LineTransport} from './stdio.js'
import type {ToolDeclaration} from './tools.js'

export interface ServeOptions {
  api: ManagementApi
  version: string
  tools: readonly ToolDeclaration[]
  scrub: Scrub
  stdin: NodeJS.ReadableStream
  stdout: NodeJS.WritableStream
  /** One line on stderr. */
  log: (line: string) => void
  now: () => Date
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

const INSTRUCTIONS = `Tools for the Prisma Management API: projects, Prisma Postgres databases and their connections, object-store buckets and their access keys.
create_project, create_database, create_connection and rotate_connection return connection strings (with passwords), and create_bucket_key a secret access key, that the API never shows again: keep them.
List tools return one page: pass the nextCursor of a result as cursor to get the next.
Deleting and restoring exist only when the server was started with --allow-destructive, and need the resource's exact name as confirm.`

/** Serves until stdin ends (the client went away), then closes; resolves once closed. */
export async function serve(options: ServeOptions): Promise<void> {
  const {scrub, log} = options
  const say = (line: string) => log(terminalSafe(scrub(line)))
  const closing = new AbortController()
  // The SDK's JSON Schema validator (ajv) serves elicitation alone, which no tool uses: it is made on first use, not at every start.
  let ajv: AjvJsonSchemaValidator | undefined
  const jsonSchemaValidator = {getValidator: <T>(schema: Parameters<AjvJsonSchemaValidator['getValidator']>[0]) => (ajv ??= new AjvJsonSchemaValidator()).getValidator<T>(schema)}
  const server = new McpServer({name: 'prisma-mgmt', version: options.version}, {instructions: INSTRUCTIONS, jsonSchemaValidator})

  const transport = new LineTransport(options.stdin, options.stdout)
  const requests = trackRequests(transport)
  for (const declaration of options.tools) {
    server.registerTool(
      declaration.name,
      // Strict: an argument the tool does not take is refused (a tool error naming it), never ignored.
      {title: declaration.title, description: declaration.description, inputSchema: z.strictObject(declaration.input), annotations: {title: declaration.title, ...declaration.annotations}},
      async (args: Record<string, unknown>, extra) => {
        const progressToken = extra._meta?.progressToken
        let progress = 0
        let result: ToolResult
        try {
          const outcome = await declaration.handler(args, {
            api: options.api,
            now: options.now,
            sleep: options.sleep,
            signal: AbortSignal.any([extra.signal, closing.signal]),
            progress: (message) => {
              if (progressToken === undefined) return
              progress += 1
              // A progress line that cannot be sent is not worth failing the call for.
              extra.sendNotification({method: 'notifications/progress', params: {progressToken, progress, message: scrub(message)}}).catch(() => {})
            },
          })
          result = successResult(outcome, scrub)
        } catch (error) {
          const failure = describeFailure(error)
          say(`${declaration.name}: ${failure.code}: ${failure.message}`)
          result = errorResult(error, scrub)
        }
        if (extra.signal.aborted) {
          // The client cancelled the call, so the SDK sends nothing. What a tool that changes things
          // made (a project, a connection and its one-time password) must reach the client all the same.
          if (declaration.annotations.readOnlyHint) requests.settle(extra.requestId)
          else await transport.send({jsonrpc: '2.0', id: extra.requestId, result})
        }
        return result
      },
    )
  }

  let stdoutBroken = false
  const ended = new Promise<void>((resolve) => {
    options.stdin.once('end', resolve)
    options.stdin.once('close', resolve)
    // A client that closes its end of our stdout is gone too: nothing more can reach it.
    options.stdout.once('error', () => {
      stdoutBroken = true
      resolve()
    })
  })
  await server.connect(transport)
  server.server.onerror = (error) => say(`protocol error: ${error.message}`)
  requests.watch()
  say(`prisma-mgmt mcp: serving ${options.tools.length} tools over stdio; it stops when stdin closes.`)
  await ended
  // Waits for a database end now (their results still carry what was created); calls already read are answered first.
  closing.abort()
  if (!stdoutBroken) await requests.answered()
  await server.close()
}

type Message = Parameters<NonNullable<Transport['onmessage']>>[0]
type RequestId = string | number

/**
 * Counts the requests read but not yet answered: `answered()` resolves once none is left. `watch()`
 * wraps the transport's callbacks once the server has set them; `settle(id)` gives up on a request
 * the client cancelled that will get no answer.
 */
function trackRequests(transport: Transport): {watch(): void; settle(id: RequestId): void; answered(): Promise<void>} {
  const open = new Set<RequestId>()
  let drained: (() => void) | undefined
  const done = (id: RequestId) => {
    if (open.delete(id) && open.size === 0) drained?.()
  }
  return {
    watch() {
      const receive = transport.onmessage
      transport.onmessage = (message: Message) => {
        if ('method' in message && 'id' in message) open.add(message.id)
        receive?.(message)
      }
      const send = transport.send.bind(transport)
      transport.send = async (message: Message) => {
        try {
          await send(message)
        } finally {
          if (!('method' in message) && 'id' in message && message.id !== undefined && message.id !== null) done(message.id)
        }
      }
    },
    settle: done,
    answered: () => (open.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve))),
  }
}
