// A real HTTP server on 127.0.0.1 for the API client tests: records what it received and
// answers through a per-test handler.
import {createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

export interface Received {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

export type Handler = (request: Received, response: ServerResponse, raw: IncomingMessage) => void | Promise<void>

export interface LocalServer {
  url: string
  port: number
  received: Received[]
  server: Server
  close(): Promise<void>
}

export const TOKEN = 'sk_test_SECRET-token-9f2c'

/** Clears every proxy variable so the default EnvHttpProxyAgent talks to 127.0.0.1 directly. */
export function clearProxyEnv(): void {
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) delete process.env[name]
}

export async function startServer(handler: Handler, port = 0): Promise<LocalServer> {
  const received: Received[] = []
  const server = createServer(async (raw, response) => {
    const chunks: Buffer[] = []
    for await (const chunk of raw) chunks.push(chunk as Buffer)
    const request: Received = {
      method: raw.method ?? '',
      url: raw.url ?? '',
      headers: raw.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    }
    received.push(request)
    try {
      await handler(request, response, raw)
    } catch (error) {
      response.statusCode = 599
      response.end(String(error))
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const actual = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    received,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A port where nothing listens (bound, read, released). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const {port} = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, {'content-type': 'application/json', ...headers})
  response.end(JSON.stringify(body))
}
