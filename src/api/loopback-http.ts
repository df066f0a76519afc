// Requests to this machine's loopback (the emulator) over Node's own HTTP client: no proxy can
// reach loopback, so undici's proxy-aware agent has nothing to add there, and Node's client is
// already loaded where undici would cost a command a quarter of its start (its module and its
// WebAssembly HTTP parser). The transport (transport.ts) treats both clients' answers alike.
import {Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders} from 'node:http'
import type {Agent as HttpsAgent} from 'node:https'

export interface RawResponse {
  statusCode: number
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>
  body: AsyncIterable<Buffer | string>
}

export interface RawRequest {
  method: string
  headers: Record<string, string>
  body: string | undefined
  signal: AbortSignal
}

/** Keep-alive connections to loopback hosts, one pool per scheme; close() ends them. */
export class LoopbackClient {
  private http?: HttpAgent
  private https?: HttpsAgent

  async request(url: URL, {method, headers, body, signal}: RawRequest): Promise<RawResponse> {
    // node:https (and TLS with it) only for an https: loopback URL.
    const secure = url.protocol === 'https:' ? await import('node:https') : undefined
    const agent = secure ? (this.https ??= new secure.Agent({keepAlive: true})) : (this.http ??= new HttpAgent({keepAlive: true}))
    // A length rather than chunked encoding, as undici sends a string body.
    const sent = body === undefined ? headers : {...headers, 'content-length': String(Buffer.byteLength(body))}
    return new Promise((resolve, reject) => {
      const request = (secure ? secure.request : httpRequest)(url, {method, headers: sent, agent, signal}, (response) =>
        resolve({statusCode: response.statusCode ?? 0, headers: response.headers, body: response}),
      )
      request.once('error', reject)
      request.end(body)
    })
  }

  close(): void {
    this.http?.destroy()
    this.https?.destroy()
  }
}
