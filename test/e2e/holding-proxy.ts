// A proxy in front of the emulator that holds the answers of chosen requests: the emulator has
// done the work (created, minted, rotated) and the CLI is still waiting for the answer, for as long
// as the test likes. Signal tests send their signal in that window, with no timing to guess.
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

export interface HeldAnswer {
  method: string
  path: string
  status: number
  /** The emulator's answer, as it will reach the CLI once released. */
  body: string
  /** Sends the answer on to the CLI (whether it is still there or not). */
  release(): void
}

export class HoldingProxy {
  readonly held: HeldAnswer[] = []
  /** Whether the answer to this request is held; nothing is by default. */
  hold: (method: string, path: string) => boolean = () => false
  private server!: Server
  url = ''

  private constructor(private readonly target: string) {}

  static async start(target: string): Promise<HoldingProxy> {
    const proxy = new HoldingProxy(target)
    proxy.server = createServer((request, response) => {
      proxy.forward(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(502, {'content-type': 'text/plain'})
        response.end(String(error))
      })
    })
    await new Promise<void>((resolve) => proxy.server.listen({host: '127.0.0.1', port: 0}, resolve))
    proxy.url = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`
    return proxy
  }

  /** Releases every answer still held, then stops. */
  async stop(): Promise<void> {
    for (const answer of this.held) answer.release()
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }

  private async forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const method = request.method ?? 'GET'
    const path = request.url ?? '/'
    const headers: Record<string, string> = {}
    for (const name of ['authorization', 'accept', 'content-type', 'user-agent']) {
      const value = request.headers[name]
      if (typeof value === 'string') headers[name] = value
    }
    const answer = await fetch(`${this.target}${path}`, {method, headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined, redirect: 'manual'})
    const body = await answer.text()
    if (this.hold(method, path)) {
      await new Promise<void>((release) => this.held.push({method, path, status: answer.status, body, release: () => release()}))
    }
    const type = answer.headers.get('content-type')
    response.writeHead(answer.status, type ? {'content-type': type} : {})
    response.end(body)
  }
}
