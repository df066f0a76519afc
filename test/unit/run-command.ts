// Runs a command in this process, the way gh tests its commands: fake IO streams, an HTTP stub
// (undici's MockAgent: a request no stub answers fails the test, and so does a stub never used),
// a scripted prompter and a fixed clock, built by the same factory production uses.
import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {Config} from '@oclif/core'
import {MockAgent, type Interceptable} from 'undici'

import {buildDeps, useDepsFactory} from '../../src/deps.js'
import type {Choice, Prompter} from '../../src/io/prompts.js'
import {fakeIO} from './fake-io.js'

export const ROOT = resolve(import.meta.dirname, '../..')
export const API = 'https://api.example.test'
export const TOKEN = 'sk_unit_test_token_5d1e'

let config: Config | undefined

export interface Answers {
  secret?: string[]
  choose?: ((choices: readonly Choice<unknown>[]) => unknown)[]
  confirmName?: string[]
  input?: string[]
}

/** A prompter that answers from a script, and fails the test when asked something unscripted. */
export function scriptedPrompter(answers: Answers): Prompter & {asked: string[]} {
  const asked: string[] = []
  return {
    asked,
    async secret(message) {
      asked.push(message)
      const answer = answers.secret?.shift()
      assert.ok(answer !== undefined, `an unscripted secret prompt: ${message}`)
      return answer
    },
    async choose<T>(message: string, choices: readonly Choice<T>[]) {
      asked.push(message)
      const pick = answers.choose?.shift()
      assert.ok(pick, `an unscripted choice: ${message}`)
      return pick(choices as readonly Choice<unknown>[]) as T
    },
    async confirmName(message, expected) {
      asked.push(message)
      const answer = answers.confirmName?.shift()
      assert.ok(answer !== undefined, `an unscripted name confirmation: ${message}`)
      return answer === expected
    },
    async input(message, options = {}) {
      asked.push(message)
      const answer = answers.input?.shift()
      assert.ok(answer !== undefined, `an unscripted input prompt: ${message}`)
      const verdict = options.validate?.(answer) ?? true
      assert.equal(verdict, true, `the scripted answer to "${message}" was refused: ${String(verdict)}`)
      return answer
    },
  }
}

export interface RunOptions {
  /** Both stdout and stderr claim to be a terminal (and stdin, for prompts). */
  tty?: boolean
  columns?: number
  env?: NodeJS.ProcessEnv
  input?: string
  /** Set up the HTTP stubs on the API's origin. */
  stub?: (api: Interceptable) => void
  answers?: Answers
  now?: Date
  /** The config folder to use (kept afterwards); a fresh temp folder, removed afterwards, by default. */
  configDir?: string
  /** The command's id as oclif gives it when it loads the command (`projects:rename`); messages that name the command use it. */
  id?: string
}

/** A command class: its static run, as oclif's `Command.run`. */
export interface Runnable {
  run(argv: string[], config: Config): Promise<unknown>
  id?: string
}

export interface Outcome {
  code: number
  stdout: string
  stderr: string
  asked: string[]
  configDir: string
}

/** The stubs answer on the API URL the command uses (one on this machine, when a test points it there). */
function stubOrigin(apiUrl: string | undefined): string {
  try {
    return new URL(apiUrl ?? API).origin
  } catch {
    return API
  }
}

/** Runs `Cmd` with `argv` in process; every stub must have been used. */
export async function runCommand(Cmd: Runnable, argv: string[], options: RunOptions = {}): Promise<Outcome> {
  config ??= await Config.load({root: ROOT})
  const configDir = options.configDir ?? (await mkdtemp(join(tmpdir(), 'prisma-mgmt-unit-')))
  const env: NodeJS.ProcessEnv = {PRISMA_MANAGEMENT_API_URL: API, PRISMA_SERVICE_TOKEN: TOKEN, ...options.env}
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key]
  const io = fakeIO({tty: options.tty, columns: options.columns, env, input: options.input})
  const agent = new MockAgent()
  agent.disableNetConnect()
  options.stub?.(agent.get(stubOrigin(env.PRISMA_MANAGEMENT_API_URL)))
  const prompter = scriptedPrompter(options.answers ?? {})
  const now = options.now ?? new Date('2026-11-29T10:20:30.000Z')
  const clock = {now: () => now, sleep: async () => {}}
  const restore = useDepsFactory((input) => buildDeps({...input, configDir}, {io, dispatcher: agent, prompter, clock}))
  const before = process.exitCode
  process.exitCode = undefined
  const id = Cmd.id
  if (options.id) Cmd.id = options.id
  try {
    await Cmd.run(argv, config)
    const code = Number(process.exitCode ?? 0)
    agent.assertNoPendingInterceptors()
    for (const text of [io.stdout.text, io.stderr.text]) assert.ok(!text.includes(TOKEN), `the token appeared in the output:\n${text}`)
    return {code, stdout: io.stdout.text, stderr: io.stderr.text, asked: prompter.asked, configDir}
  } finally {
    Cmd.id = id
    process.exitCode = before
    restore()
    await agent.close()
    if (!options.configDir) await rm(configDir, {recursive: true, force: true})
  }
}

/** A request a stub answered: its JSON body (undefined when it had none) and its headers. */
export interface Received {
  body: unknown
  headers: Record<string, string>
}

/**
 * Stubs one request with a JSON answer (no body when `body` is undefined); `times` answers it
 * that many times. Returns the requests it answered, in order, to assert what was sent.
 */
export function reply(
  api: Interceptable,
  method: string,
  path: string,
  body: unknown,
  {status = 200, times = 1}: {status?: number; times?: number} = {},
): Received[] {
  const received: Received[] = []
  api
    .intercept({method, path})
    .reply(
      status,
      (request) => {
        const sent = request.body === undefined || request.body === null ? undefined : JSON.parse(String(request.body))
        received.push({body: sent, headers: Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]))})
        return body === undefined ? '' : JSON.stringify(body)
      },
      {headers: {'content-type': 'application/json'}},
    )
    .times(times)
  return received
}

/** stdout parsed as the one JSON document it must be; a failure shows what was there instead. */
export function parseJson(stdout: string): unknown {
  try {
    return JSON.parse(stdout)
  } catch {
    assert.fail(`stdout is not one JSON document:\n${stdout}`)
  }
}

/** The API's error body. */
export function apiError(code: string, message: string, hint?: string): {error: {code: string; message: string; hint?: string}} {
  return {error: hint === undefined ? {code, message} : {code, message, hint}}
}

/**
 * Retries wait for nothing (the test clock's sleep is instant), but their jitter is random and a
 * computed wait over a second is said on stderr: fix it, so stderr is exact. 0 means no notice.
 */
export function fixJitter(t: {mock: {method: (object: typeof Math, name: 'random', fn: () => number) => unknown}}, value = 0): void {
  t.mock.method(Math, 'random', () => value)
}
