// The few pieces of PostgreSQL's wire protocol (version 3) the pooler needs: cutting a byte stream
// into messages, and building the messages it sends itself. Everything else is relayed as bytes.

/** The startup packet's protocol code for 3.0, and the special requests that share its place. */
export const PROTOCOL_3 = 196_608
export const SSL_REQUEST = 80_877_103
export const GSSENC_REQUEST = 80_877_104
export const CANCEL_REQUEST = 80_877_102
/** PostgreSQL's own cap on a startup packet; anything longer is an attack or garbage. */
const MAX_STARTUP_LENGTH = 10_000
/** Larger than any message a client sends through the pooler in practice (a 1 GiB value is PostgreSQL's limit). */
const MAX_MESSAGE_LENGTH = 1 << 30

export interface Frame {
  /** The message type byte as a character ('Q', 'S', 'Z', ...). */
  type: string
  /** The whole message, type byte and length included, for relaying as it came. */
  bytes: Buffer
  /** The payload after the length. */
  body: Buffer
}

export class WireError extends Error {}

/** Accumulates chunks and hands out whole messages; `startup` reads the untyped first packet. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0)

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
  }

  /** The next startup-style packet (int32 length, then body), or undefined until it is complete. */
  startup(): Buffer | undefined {
    if (this.buffer.length < 4) return undefined
    const length = this.buffer.readInt32BE(0)
    if (length < 8 || length > MAX_STARTUP_LENGTH) throw new WireError(`invalid startup packet length ${length}`)
    if (this.buffer.length < length) return undefined
    const body = this.buffer.subarray(4, length)
    this.buffer = this.buffer.subarray(length)
    return body
  }

  next(): Frame | undefined {
    if (this.buffer.length < 5) return undefined
    const length = this.buffer.readInt32BE(1)
    if (length < 4 || length > MAX_MESSAGE_LENGTH) throw new WireError(`invalid message length ${length}`)
    if (this.buffer.length < length + 1) return undefined
    const bytes = this.buffer.subarray(0, length + 1)
    this.buffer = this.buffer.subarray(length + 1)
    return {type: String.fromCharCode(bytes[0] as number), bytes, body: bytes.subarray(5)}
  }

  /** Bytes received but not yet cut into messages. */
  rest(): Buffer {
    const rest = this.buffer
    this.buffer = Buffer.alloc(0)
    return rest
  }
}

/** Startup parameters: NUL-terminated name/value pairs after the protocol code. */
export function startupParameters(body: Buffer): Map<string, string> {
  const params = new Map<string, string>()
  const parts = body.subarray(4).toString('utf8').split('\0')
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const name = parts[i] as string
    if (name === '') break
    params.set(name, parts[i + 1] as string)
  }
  return params
}

export function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts)
  const header = Buffer.alloc(5)
  header.write(type, 0, 'latin1')
  header.writeInt32BE(body.length + 4, 1)
  return Buffer.concat([header, body])
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4)
  buffer.writeInt32BE(value, 0)
  return buffer
}

function cstring(value: string): Buffer {
  return Buffer.from(`${value}\0`, 'utf8')
}

export const backend = {
  authOk: () => message('R', int32(0)),
  authSasl: (mechanisms: string[]) => message('R', int32(10), ...mechanisms.map(cstring), Buffer.from([0])),
  authSaslContinue: (data: string) => message('R', int32(11), Buffer.from(data, 'utf8')),
  authSaslFinal: (data: string) => message('R', int32(12), Buffer.from(data, 'utf8')),
  parameterStatus: (name: string, value: string) => message('S', cstring(name), cstring(value)),
  backendKeyData: (pid: number, key: number) => message('K', int32(pid), int32(key)),
  readyForQuery: (status: 'I' | 'T' | 'E') => message('Z', Buffer.from(status, 'latin1')),
  /** An ErrorResponse as PostgreSQL words it: severity (twice, localized and not), SQLSTATE, message. */
  error: (severity: 'ERROR' | 'FATAL', code: string, text: string) =>
    message('E', Buffer.from('S'), cstring(severity), Buffer.from('V'), cstring(severity), Buffer.from('C'), cstring(code), Buffer.from('M'), cstring(text), Buffer.from([0])),
}

export const frontend = {
  startup: (params: Record<string, string>) => {
    const body = Buffer.concat([int32(PROTOCOL_3), ...Object.entries(params).flatMap(([name, value]) => [cstring(name), cstring(value)]), Buffer.from([0])])
    return Buffer.concat([int32(body.length + 4), body])
  },
  password: (password: string) => message('p', cstring(password)),
  saslInitial: (mechanism: string, data: string) => {
    const bytes = Buffer.from(data, 'utf8')
    return message('p', cstring(mechanism), int32(bytes.length), bytes)
  },
  saslResponse: (data: string) => message('p', Buffer.from(data, 'utf8')),
  cancel: (pid: number, key: number) => Buffer.concat([int32(16), int32(CANCEL_REQUEST), int32(pid), int32(key)]),
  query: (sql: string) => message('Q', cstring(sql)),
  sync: () => message('S'),
  copyFail: (reason: string) => message('f', cstring(reason)),
  terminate: () => message('X'),
}

/** The fields of an ErrorResponse or NoticeResponse body, by their one-letter codes. */
export function errorFields(body: Buffer): Map<string, string> {
  const fields = new Map<string, string>()
  let at = 0
  while (at < body.length && body[at] !== 0) {
    const code = String.fromCharCode(body[at] as number)
    const end = body.indexOf(0, at + 1)
    if (end < 0) break
    fields.set(code, body.subarray(at + 1, end).toString('utf8'))
    at = end + 1
  }
  return fields
}

/** A SASL message from the client: mechanism name and its data (SASLInitialResponse) or data alone. */
export function saslInitial(body: Buffer): {mechanism: string; data: string} {
  const end = body.indexOf(0)
  if (end < 0 || body.length < end + 5) throw new WireError('malformed SASLInitialResponse')
  const mechanism = body.subarray(0, end).toString('utf8')
  const length = body.readInt32BE(end + 1)
  const data = length < 0 ? '' : body.subarray(end + 5, end + 5 + length).toString('utf8')
  return {mechanism, data}
}
