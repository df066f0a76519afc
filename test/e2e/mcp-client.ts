// `prisma-mgmt mcp` driven the way an MCP client drives it: the SDK's own Client and
// StdioClientTransport spawn the built bin/run.js. Every tool list, result and stderr line a
// session saw is kept, and close() fails when the token appears in any of them.
import assert from 'node:assert/strict'
import type {ChildProcess} from 'node:child_process'

import {Client} from '@modelcontextprotocol/sdk/client/index.js'
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js'
import type {CallToolResult, Tool} from '@modelcontextprotocol/sdk/types.js'

import {BIN, ROOT} from './harness.js'

export interface McpSession {
  client: Client
  listTools(): Promise<Tool[]>
  /** A tools/call; the result is kept for the token check. */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>
  stderr(): string
  /** Closes the client (which ends the server's stdin); resolves with how the server exited. */
  close(): Promise<{code: number | null; signal: NodeJS.Signals | null}>
}

export interface McpOptions {
  flags?: string[]
  /** Replaces these variables of the emulator's environment (undefined removes one). */
  env?: Record<string, string | undefined>
  /** More secrets that must appear nowhere. */
  secrets?: string[]
}

/** The API the server talks to: an emulator, or a test's own server. */
export interface ApiEndpoint {
  url: string
  token: string
}

export async function connectMcp(api: ApiEndpoint, home: string, options: McpOptions = {}): Promise<McpSession> {
  const env: Record<string, string> = {}
  const base = {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: api.url, PRISMA_SERVICE_TOKEN: api.token, NO_COLOR: '1'}
  for (const [key, value] of Object.entries({...base, ...options.env})) {
    if (value !== undefined) env[key] = value
  }
  const transport = new StdioClientTransport({command: process.execPath, args: [BIN, 'mcp', ...(options.flags ?? [])], env, cwd: ROOT, stderr: 'pipe'})
  let stderr = ''
  transport.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const client = new Client({name: 'prisma-mgmt-tests', version: '1.0.0'})
  await client.connect(transport)
  // The transport keeps its child private; the exit status is what this test is about.
  const child = (transport as unknown as {_process: ChildProcess})._process
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({code: child.exitCode, signal: child.signalCode})
    else child.once('exit', (code, signal) => resolve({code, signal}))
  })
  const seen: unknown[] = []
  const secrets = [api.token, ...(options.secrets ?? [])]
  return {
    client,
    async listTools() {
      const {tools} = await client.listTools()
      seen.push(tools)
      return tools
    },
    async call(name, args = {}) {
      const result = (await client.callTool({name, arguments: args})) as CallToolResult
      seen.push(result)
      return result
    },
    stderr: () => stderr,
    async close() {
      await client.close()
      const status = await exited
      const everything = JSON.stringify(seen)
      for (const secret of secrets) {
        assert.ok(!everything.includes(secret), 'a secret appeared in a tool list or a tool result')
        assert.ok(!stderr.includes(secret), 'a secret appeared on the server\'s stderr')
      }
      return status
    },
  }
}

/** The text of a result's first content block (the rendering for people). */
export function textOf(result: CallToolResult): string {
  const [first] = result.content
  assert.ok(first?.type === 'text', `the first content block is not text: ${JSON.stringify(result.content)}`)
  return first.text
}

/** A result's structured content, which must be there. */
export function structured<T = Record<string, unknown>>(result: CallToolResult): T {
  assert.ok(result.structuredContent, `no structured content in: ${JSON.stringify(result)}`)
  return result.structuredContent as T
}
