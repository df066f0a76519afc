// How a freshly minted or rotated credential leaves the CLI: a table, the API's JSON, one URL,
// dotenv lines, or merged into a .env file. Shared by `db credentials` and `db connections rotate`.
import {Flags} from '@oclif/core'

import type {ConnectionView, EndpointView} from './render/connection-details.js'
import {UsageError} from './errors.js'

export const ENDPOINTS = ['direct', 'pooled', 'accelerate'] as const
export type EndpointName = (typeof ENDPOINTS)[number]
export const FORMATS = ['table', 'json', 'url', 'env'] as const
export type CredentialFormat = (typeof FORMATS)[number]

export const ENV_KEY = 'DATABASE_URL'

export const credentialFlags = {
  format: Flags.option({
    options: FORMATS,
    description: 'table: every endpoint\'s details; json: the API object (same as --json); url: one connection string alone; env: a DATABASE_URL line',
  })(),
  endpoint: Flags.option({
    options: ENDPOINTS,
    description: 'Endpoint for --format url|env and --env-file [default: the first the API returned of direct, pooled, accelerate]',
  })(),
  'env-file': Flags.string({
    description: `Merge ${ENV_KEY} into this dotenv file: replaces that key, keeps every other line; a new file gets mode 0600`,
    helpValue: '<path>',
  }),
}

/** True when the raw arguments ask for JSON by --format json, which must behave like --json. */
export function formatAsksJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  const args = end === -1 ? argv : argv.slice(0, end)
  return args.some((arg, i) => arg === '--format=json' || (arg === '--format' && args[i + 1] === 'json'))
}

/** The endpoint asked for, or the first the API returned; a usage error when it is missing. */
export function pickEndpoint(view: ConnectionView, wanted?: EndpointName): EndpointView & {connectionString: string} {
  const withString = view.endpoints.filter((e): e is EndpointView & {connectionString: string} => Boolean(e.connectionString))
  const found = wanted ? withString.find((e) => e.endpoint === wanted) : withString[0]
  if (!found) {
    const returned = withString.map((e) => e.endpoint).join(', ') || 'none'
    throw new UsageError(
      wanted
        ? `The API returned no ${wanted} connection string for connection ${view.id} (it returned: ${returned}).`
        : `The API returned no connection string for connection ${view.id}.`,
      wanted ? `Choose one of the returned endpoints with --endpoint.` : undefined,
    )
  }
  return found
}

export interface CredentialOutput {
  format?: CredentialFormat
  endpoint?: EndpointName
  envFile?: string
  json: boolean
}

/**
 * Writes what the flags ask for. For JSON it writes nothing: the command returns the API
 * object and the base command prints it.
 */
export async function presentCredential(view: ConnectionView, options: CredentialOutput, write: (text: string) => void): Promise<void> {
  const format: CredentialFormat = options.json ? 'json' : (options.format ?? 'table')
  const chosen = options.envFile || format === 'url' || format === 'env' ? pickEndpoint(view, options.endpoint) : undefined
  if (options.envFile && chosen) {
    const {writeEnvFile} = await import('./env-file.js')
    const {created} = await writeEnvFile(options.envFile, ENV_KEY, chosen.connectionString)
    // A confirmation without the secret; it goes to stderr when stdout carries a format.
    const message = `${created ? 'Created' : 'Updated'} ${options.envFile}: ${ENV_KEY} set to the ${chosen.endpoint} endpoint of connection ${view.name} (${view.id}).`
    if (options.format === undefined && !options.json) {
      write(message)
      return
    }
    process.stderr.write(`${message}\n`)
  }
  switch (format) {
    case 'json':
      return // the command returns the API object and the base command prints it
    case 'url':
      write(chosen!.connectionString)
      return
    case 'env': {
      const {envLine} = await import('./env-file.js')
      write(envLine(ENV_KEY, chosen!.connectionString))
      return
    }
    default: {
      const {renderConnectionDetails} = await import('./render/connection-details.js')
      write(await renderConnectionDetails(view))
    }
  }
}
