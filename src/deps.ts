// What a command works with, built in one place: the IO streams, settings, the API client,
// the prompter and the clock. Production builds them from the process; tests swap the factory
// (useDepsFactory) for one with fake streams, a stubbed HTTP dispatcher and a scripted prompter.
import type {Dispatcher} from 'undici'

import type {ManagementApi} from './api/management-api.js'
import {Settings, ENV, type Resolved} from './auth/settings.js'
import {ProfileStore} from './auth/store.js'
import {UsageError} from './errors.js'
import {systemClock, type Clock} from './io/clock.js'
import {inquirerPrompter, type Prompter} from './io/prompts.js'
import {processStreams, type IOStreams} from './io/streams.js'
import {terminalSafe} from './output/safe-text.js'

/** The global flags every API command takes. */
export interface GlobalFlagValues {
  'api-url'?: string
  token?: string
  profile?: string
  timeout: number
  insecure: boolean
}

export interface Deps {
  io: IOStreams
  settings: Settings
  prompter: Prompter
  clock: Clock
  /** The API client for the resolved URL and token, built once; `token` builds one for that token instead (login). */
  api(token?: Resolved<string>): Promise<ManagementApi>
  /** The token the client was built with, when one was (to scrub it from errors). */
  token(): string | undefined
}

export interface DepsInput {
  flags: GlobalFlagValues
  configDir: string
  userAgent: string
}

export interface DepsOverrides {
  io?: IOStreams
  prompter?: Prompter
  clock?: Clock
  /** Every request goes through this dispatcher (a stub in tests). */
  dispatcher?: Dispatcher
}

/** Where a setting came from, as the user would name it. */
export function describeSource(source: string, setting: 'api-url' | 'token' | 'profile'): string {
  const env = {'api-url': ENV.apiUrl, token: ENV.token, profile: ENV.profile}[setting]
  switch (source) {
    case 'flag':
      return `--${setting}`
    case 'env':
      return env
    case 'profile':
      return 'the stored profile'
    default:
      return 'the default'
  }
}

export function buildDeps(input: DepsInput, overrides: DepsOverrides = {}): Deps {
  const io = overrides.io ?? processStreams()
  const settings = new Settings({flags: input.flags, env: io.env, store: new ProfileStore(input.configDir)})
  const clock = overrides.clock ?? systemClock
  let client: ManagementApi | undefined
  let usedToken: string | undefined

  async function api(token?: Resolved<string>): Promise<ManagementApi> {
    if (client && !token) return client
    const [{ManagementApi}, {describeRetry}, {normalizeApiUrl, checkTransportSecurity}, {setFlagsFromString}] = await Promise.all([
      import('./api/management-api.js'),
      import('./api/transport.js'),
      import('./api/url.js'),
      import('node:v8'),
    ])
    const apiUrl = await settings.apiUrl()
    let url: URL
    try {
      url = normalizeApiUrl(apiUrl.value)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new UsageError(`${reason} (The URL came from ${describeSource(apiUrl.source, 'api-url')}.)`)
    }
    let warning: string | undefined
    try {
      warning = checkTransportSecurity(url, input.flags.insecure)
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error))
    }
    if (warning) io.stderr.write(`Warning: ${terminalSafe(warning)}\n`)
    const {traceEnabled} = await import('./api/trace.js')
    const resolved = token ?? (await settings.token())
    usedToken = resolved.value
    // V8 optimises undici's WebAssembly HTTP parser in the background and Node waits for that at exit (100-200 ms); set late, as a flag change voids the code cache of built-ins loaded after it.
    setFlagsFromString('--liftoff-only')
    const built = new ManagementApi({
      apiUrl: url.toString(),
      token: resolved.value,
      timeoutSeconds: input.flags.timeout,
      userAgent: input.userAgent,
      dispatcher: overrides.dispatcher,
      sleep: clock.sleep,
      // A wait the user would notice is said on stderr, so a long Retry-After is not a silent hang.
      onRetry: (retry) => {
        if (retry.delayMs > 1000) io.stderr.write(`${describeRetry(retry)}\n`)
      },
      // DEBUG=prisma-mgmt:http: each exchange on stderr, secrets redacted; off, the transport does no trace work.
      trace: traceEnabled(io.env.DEBUG) ? (text) => io.stderr.write(`${text}\n`) : undefined,
    })
    if (!token) client = built
    return built
  }

  return {
    io,
    settings,
    prompter: overrides.prompter ?? inquirerPrompter(io),
    clock,
    api,
    token: () => usedToken,
  }
}

let factory: (input: DepsInput) => Deps = (input) => buildDeps(input)

/** The factory every command uses; tests put theirs here. */
export function createDeps(input: DepsInput): Deps {
  return factory(input)
}

/** For tests: build every command's dependencies with `make` from now on; returns a function that restores the previous factory. */
export function useDepsFactory(make: (input: DepsInput) => Deps): () => void {
  const previous = factory
  factory = make
  return () => {
    factory = previous
  }
}
