// Runs one command the way a user's shell does and reports its wall time, CPU time and peak RSS
// (an MCP server: the time to its first answer), and times the emulator's pages; the measuring
// half of `npm run bench`.
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync, mkdtempSync, openSync, readFileSync, rmSync} from 'node:fs'
import {Agent, request} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'

import {median} from './bench-report.js'

/** GNU time reports the child's CPU time and peak RSS (getrusage of children), which spawn() cannot. */
export const TIME_BIN = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined

export interface Case {
  name: string
  /** Run as is: a bin/run.js path goes through its shebang, as from a shell. */
  command: string[]
  env: Record<string, string | undefined>
  /** Whether the stdout of the checked first run is right (for an MCP server: the answer to the last request). */
  check: (stdout: string) => boolean
  /** An MCP server: these JSON-RPC requests are sent one after another on stdin, each once the previous one is answered; the time is taken at the last answer. */
  mcp?: Record<string, unknown>[]
}

export interface Sample {
  ms: number
  /** User plus system CPU time in ms (10 ms steps); undefined without /usr/bin/time. */
  cpuMs: number | undefined
  /** Peak resident set in KiB; undefined without /usr/bin/time. */
  kb: number | undefined
}

const scratch = mkdtempSync(join(tmpdir(), 'prisma-mgmt-bench-rss-'))
const rssFile = join(scratch, 'rss')
const devNull = openSync('/dev/null', 'w')
process.on('exit', () => rmSync(scratch, {recursive: true, force: true}))

export async function runOnce(c: Case, {capture}: {capture: boolean}): Promise<Sample> {
  const argv = TIME_BIN ? [TIME_BIN, '-f', '%U %S %M', '-o', rssFile, ...c.command] : c.command
  const started = process.hrtime.bigint()
  const child = spawn(argv[0], argv.slice(1), {env: c.env, stdio: [c.mcp ? 'pipe' : 'ignore', capture || c.mcp ? 'pipe' : devNull, 'pipe']})
  let stdout = ''
  let stderr = ''
  let answered: bigint | undefined
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  if (c.mcp) answered = await converse(child, c.mcp, (last) => (stdout = last))
  else child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  // 'exit' rather than 'close': the time is the process's, not the draining of our pipes.
  const [code, ended] = await new Promise<[number | null, bigint]>((resolve, reject) => {
    if (child.exitCode !== null) resolve([child.exitCode, process.hrtime.bigint()])
    child.once('error', reject)
    child.once('exit', (exitCode) => resolve([exitCode, process.hrtime.bigint()]))
  })
  await new Promise((resolve) => (child.stdio[2]!.readableEnded ? resolve(undefined) : child.stdio[2]!.once('close', resolve)))
  if (capture && !c.mcp && child.stdout && !child.stdout.readableEnded) await new Promise((resolve) => child.stdout!.once('close', resolve))
  if (code !== 0) throw new Error(`${c.name} exited with ${code}:\n${stderr.trim()}`)
  if (capture && !c.check(stdout)) throw new Error(`${c.name} printed something unexpected:\n${stdout.slice(0, 500)}`)
  const [user, system, kb] = TIME_BIN ? readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) : []
  return {ms: Number((answered ?? ended) - started) / 1e6, cpuMs: TIME_BIN ? Math.round((user + system) * 1000) : undefined, kb}
}

/** Sends each request once the previous one is answered; returns when the last is answered, then closes stdin (the server stops). */
async function converse(child: ChildProcess, requests: Record<string, unknown>[], last: (line: string) => void): Promise<bigint> {
  const lines = createInterface({input: child.stdout!})
  const pending = [...requests]
  let exited = (_code: number | null) => undefined as void
  const failed = new Promise<never>((_, reject) => {
    exited = (code) => reject(new Error(`the MCP server exited with ${code} before it answered`))
    child.once('exit', exited)
  })
  failed.catch(() => undefined)
  const answered = new Promise<bigint>((resolve) => {
    const next = () => {
      const request = pending.shift()!
      child.stdin!.write(`${JSON.stringify(request)}\n`)
      // A notification has no answer: the next request goes at once.
      if (request.id === undefined) next()
    }
    lines.on('line', (line) => {
      const message = JSON.parse(line) as {id?: unknown}
      if (message.id === undefined) return
      if (pending.length > 0) return next()
      const at = process.hrtime.bigint()
      last(line)
      resolve(at)
    })
    next()
  })
  try {
    return await Promise.race([answered, failed])
  } finally {
    child.off('exit', exited)
    child.stdin!.end()
  }
}

/** One request to an emulator's API, for setting up what the commands read; resolves with the answer's `data`. */
export async function callApi<T>(emulator: {url: string; token: string}, method: string, path: string, body?: unknown): Promise<T> {
  const text = body === undefined ? undefined : JSON.stringify(body)
  const answer = await new Promise<{status: number; body: string}>((resolve, reject) => {
    const headers: Record<string, string | number> = {authorization: `Bearer ${emulator.token}`, accept: 'application/json'}
    if (text !== undefined) Object.assign(headers, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)})
    request(`${emulator.url}${path}`, {method, headers}, (response) => {
      let received = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (received += chunk))
      response.on('end', () => resolve({status: response.statusCode ?? 0, body: received}))
      response.on('error', reject)
    })
      .on('error', reject)
      .end(text)
  })
  if (answer.status < 200 || answer.status >= 300) throw new Error(`${method} ${path}: HTTP ${answer.status} ${answer.body}`)
  return (JSON.parse(answer.body) as {data: T}).data
}

interface Page {
  data: unknown[]
  pagination: {nextCursor: string | null; hasMore: boolean}
}

function get(agent: Agent, url: string, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, {agent, headers: {authorization: `Bearer ${token}`, accept: 'application/json'}}, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      response.on('end', () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${url}: HTTP ${response.statusCode} ${body}`))))
      response.on('error', reject)
    })
      .on('error', reject)
      .end()
  })
}

/** Medians of GET of the first page and of the last full page, alternating, over one keep-alive connection. */
export async function measurePaging(emulator: {url: string; token: string}, samples: number): Promise<{firstMs: number; deepMs: number; deepOffset: number}> {
  const agent = new Agent({keepAlive: true, maxSockets: 1})
  try {
    const first = `${emulator.url}/v1/projects?limit=100`
    // Walk the pages as a client must (cursors are opaque) to find one near the end.
    let deep = first
    let deepOffset = 0
    let offset = 0
    for (let url = first; ; ) {
      const page = JSON.parse(await get(agent, url, emulator.token)) as Page
      offset += page.data.length
      if (!page.pagination.hasMore || !page.pagination.nextCursor) break
      url = `${emulator.url}/v1/projects?limit=100&cursor=${encodeURIComponent(page.pagination.nextCursor)}`
      deep = url
      deepOffset = offset
    }
    const times: [number[], number[]] = [[], []]
    for (let i = 0; i < samples * 2; i++) {
      const which = i % 2
      const started = process.hrtime.bigint()
      await get(agent, which ? deep : first, emulator.token)
      times[which].push(Number(process.hrtime.bigint() - started) / 1e6)
    }
    return {firstMs: median(times[0]), deepMs: median(times[1]), deepOffset}
  } finally {
    agent.destroy()
  }
}

function post(agent: Agent, url: string, token: string, body: unknown): Promise<void> {
  const text = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    request(url, {method: 'POST', agent, headers: {authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json', 'content-length': Buffer.byteLength(text)}}, (response) => {
      let answer = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk))
      response.on('end', () => (response.statusCode === 201 ? resolve() : reject(new Error(`POST ${url}: HTTP ${response.statusCode} ${answer}`))))
      response.on('error', reject)
    })
      .on('error', reject)
      .end(text)
  })
}

/** Wall time of `count` POST /v1/projects (no database) sent by 10 clients at once, each on its own keep-alive connection. */
export async function measureCreates(emulator: {url: string; token: string}, count: number): Promise<number> {
  const clients = 10
  const agents = Array.from({length: clients}, () => new Agent({keepAlive: true, maxSockets: 1}))
  try {
    const started = process.hrtime.bigint()
    await Promise.all(
      agents.map(async (agent, client) => {
        for (let i = client; i < count; i += clients) await post(agent, `${emulator.url}/v1/projects`, emulator.token, {name: `bench-post-${i}`, createDatabase: false})
      }),
    )
    return Number(process.hrtime.bigint() - started) / 1e6
  } finally {
    for (const agent of agents) agent.destroy()
  }
}
