// The MCP server's stdio transport: one JSON-RPC message per line each way. It replaces the SDK's
// StdioServerTransport, which logs a line it cannot parse and drops it, and closes (ending the
// server with requests unanswered) when a line outgrows its buffer. Here every line gets its
// answer: one that is not JSON gets -32700 (Parse error); JSON that is not a JSON-RPC message, or
// a line over the size limit (dropped unread past its start), gets -32600 (Invalid Request), with
// the request's id when it can be read. Nothing a client sends closes the transport; only the end
// of stdin does. Every message written escapes C1 and bidi controls as `--json` does.
import type {Transport} from '@modelcontextprotocol/sdk/shared/transport.js'
import type {JSONRPCMessage} from '@modelcontextprotocol/sdk/types.js'

import {stringifyJson} from '../output/json.js'
import {JSONRPCMessageSchema} from './sdk.js'

/** The largest message read, as the SDK's transport allows. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024
/** How much of a line over the limit is kept to find its id. */
const HEAD_BYTES = 64 * 1024

export const PARSE_ERROR = -32700
export const INVALID_REQUEST = -32600

type RequestId = string | number

export class LineTransport implements Transport {
  onclose?: () => void
  onerror?: (error: Error) => void
  onmessage?: (message: JSONRPCMessage) => void

  #pending: Buffer[] = []
  #size = 0
  /** The start of a line over the limit, while the rest of it is skipped. */
  #oversized: Buffer | undefined
  #closed = false

  constructor(
    private readonly stdin: NodeJS.ReadableStream,
    private readonly stdout: NodeJS.WritableStream,
    private readonly maxBytes = MAX_MESSAGE_BYTES,
  ) {}

  async start(): Promise<void> {
    this.stdin.on('data', this.#onData)
    this.stdin.on('end', this.#onEnd)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.stdin.off('data', this.#onData)
    this.stdin.off('end', this.#onEnd)
    this.#pending = []
    this.#oversized = undefined
    this.onclose?.()
  }

  /** Writes one message; resolves once the stream takes more (a reader that has gone resolves too: nobody is left to tell). */
  send(message: JSONRPCMessage): Promise<void> {
    return this.#write(message)
  }

  // The transport's own answers go here, not through send: they answer no request the server read.
  #write(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      const stream = this.stdout as NodeJS.WritableStream & {destroyed?: boolean}
      if (stream.destroyed) return resolve()
      if (stream.write(`${stringifyJson(message)}\n`)) resolve()
      else {
        const done = () => {
          stream.off('drain', done)
          stream.off('close', done)
          resolve()
        }
        stream.once('drain', done)
        stream.once('close', done)
      }
    })
  }

  #onData = (chunk: Buffer | string): void => {
    let rest = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    while (rest.length > 0 && !this.#closed) {
      const newline = rest.indexOf(0x0a)
      const part = newline === -1 ? rest : rest.subarray(0, newline)
      rest = newline === -1 ? Buffer.alloc(0) : rest.subarray(newline + 1)
      this.#take(part)
      if (newline !== -1) this.#endOfLine()
    }
  }

  /** A client that ends stdin without a last newline still sent that message. */
  #onEnd = (): void => {
    if (this.#size > 0 || this.#oversized) this.#endOfLine()
  }

  #take(part: Buffer): void {
    if (this.#oversized) {
      if (this.#oversized.length < HEAD_BYTES) this.#oversized = Buffer.concat([this.#oversized, part.subarray(0, HEAD_BYTES - this.#oversized.length)])
      return
    }
    this.#pending.push(part)
    this.#size += part.length
    if (this.#size > this.maxBytes) {
      // Past the limit the line is not kept: only its start, to find the id the answer goes to.
      this.#oversized = Buffer.concat(this.#pending).subarray(0, HEAD_BYTES)
      this.#pending = []
      this.#size = 0
    }
  }

  #endOfLine(): void {
    const oversized = this.#oversized
    const line = Buffer.concat(this.#pending)
    this.#pending = []
    this.#size = 0
    this.#oversized = undefined
    if (oversized) {
      const mib = this.maxBytes / (1024 * 1024)
      this.#refuse(INVALID_REQUEST, `Invalid Request: the message is larger than ${Number.isInteger(mib) ? `${mib} MiB` : `${this.maxBytes} bytes`}, so it was not read.`, leadingId(oversized.toString('utf8')))
      return
    }
    const text = line.toString('utf8').replace(/\r$/, '')
    if (text.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      this.#refuse(PARSE_ERROR, `Parse error: ${(error as Error).message}`, undefined)
      return
    }
    const parsed = JSONRPCMessageSchema.safeParse(value)
    if (!parsed.success) {
      const id = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as {id?: unknown}).id : undefined
      this.#refuse(INVALID_REQUEST, 'Invalid Request: not a JSON-RPC 2.0 request, notification or response.', isRequestId(id) ? id : undefined)
      return
    }
    this.onmessage?.(parsed.data)
  }

  /** JSON-RPC's answer to what could not be read: the id when known, else null. */
  #refuse(code: number, message: string, id: RequestId | undefined): void {
    this.onerror?.(new Error(message))
    void this.#write({jsonrpc: '2.0', id: id ?? null, error: {code, message}} as unknown as JSONRPCMessage)
  }
}

function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))
}

/**
 * The `id` member of a JSON object from the start of its text, when it comes before the text is cut
 * off; undefined when there is none, it is not a string or an integer, or the text is not an object.
 */
export function leadingId(text: string): RequestId | undefined {
  let at = 0
  const space = () => {
    while (at < text.length && ' \t\r\n'.includes(text[at])) at++
  }
  /** A JSON string starting at `at`, decoded; undefined when it is cut off or malformed. */
  const string = (): string | undefined => {
    const start = at
    at++
    while (at < text.length && text[at] !== '"') at += text[at] === '\\' ? 2 : 1
    if (at >= text.length) return undefined
    at++
    try {
      return JSON.parse(text.slice(start, at)) as string
    } catch {
      return undefined
    }
  }
  /** Skips one value (nested objects and arrays too); false when the text ends first. */
  const skip = (): boolean => {
    space()
    if (text[at] === '"') return string() !== undefined
    if (text[at] === '{' || text[at] === '[') {
      let depth = 0
      while (at < text.length) {
        const c = text[at]
        if (c === '"') {
          if (string() === undefined) return false
          continue
        }
        if (c === '{' || c === '[') depth++
        if (c === '}' || c === ']') depth--
        at++
        if (depth === 0) return true
      }
      return false
    }
    while (at < text.length && !',}] \t\r\n'.includes(text[at])) at++
    return at < text.length
  }
  space()
  if (text[at] !== '{') return undefined
  at++
  for (;;) {
    space()
    if (text[at] !== '"') return undefined
    const key = string()
    if (key === undefined) return undefined
    space()
    if (text[at] !== ':') return undefined
    at++
    space()
    if (key === 'id') {
      const start = at
      if (!skip()) return undefined
      try {
        const id: unknown = JSON.parse(text.slice(start, at))
        return isRequestId(id) ? id : undefined
      } catch {
        return undefined
      }
    }
    if (!skip()) return undefined
    space()
    if (text[at] !== ',') return undefined
    at++
  }
}
