// How a freshly minted or rotated credential leaves the CLI: a table, the API's JSON, one URL,
// dotenv lines, or merged into a .env file. Shared by `db credentials` and `db connections rotate`.
import {Flags} from '@oclif/core'

import {ENDPOINT_ORDER} from './api/contract.js'
import type {EndpointName} from './api/contract.js'
import type {EnvFileTarget} from './env-file.js'
import type {ConnectionView, EndpointView} from './render/connection-details.js'
import type {CliError} from './errors.js'
import {UsageError} from './errors.js'

export const FORMATS = ['table', 'json', 'url', 'env'] as const
export type CredentialFormat = (typeof FORMATS)[number]

export const ENV_KEY = 'DATABASE_URL'

export const credentialFlags = {
  format: Flags.option({
    options: FORMATS,
    description: 'table: every endpoint\'s details; json: the API object (same as --json); url: one connection string alone; env: a DATABASE_URL line',
  })(),
  endpoint: Flags.option({
    options: ENDPOINT_ORDER,
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

/** Checks --env-file before anything is sent to the API; undefined when the flag is absent. */
export async function checkEnvFileFlag(path: string | undefined): Promise<EnvFileTarget | undefined> {
  if (path === undefined) return undefined
  const {checkEnvFileTarget} = await import('./env-file.js')
  return checkEnvFileTarget(path)
}

export interface CredentialOutput {
  format?: CredentialFormat
  endpoint?: EndpointName
  /** Checked by checkEnvFileFlag before the request. */
  envFile?: EnvFileTarget
  json: boolean
  /** What the API just did to the connection, for the message when the output fails. */
  action: 'created' | 'rotated'
}

/**
 * Writes what the flags ask for. For JSON it writes nothing: the command returns the API
 * object and the base command prints it. When something fails (the env file, the quoting, a
 * missing endpoint) the secret has still been printed on stdout before the error is thrown:
 * the API shows it only once.
 */
export async function presentCredential(view: ConnectionView, options: CredentialOutput, write: (text: string) => void): Promise<void> {
  const format: CredentialFormat = options.json ? 'json' : (options.format ?? 'table')
  const {envFile} = options
  const where = options.json ? 'in the JSON document on stdout' : 'printed above'
  const rotated = options.action === 'rotated' ? ' (the old password no longer works)' : ''
  // Every failure here says that the credential exists and where its secret went.
  const delivered = `Connection ${view.name} (${view.id}) WAS ${options.action}${rotated}; its connection details are ${where}, and the API will not show this password again.`
  let failure: CliError | undefined
  let chosen: (EndpointView & {connectionString: string}) | undefined
  try {
    chosen = envFile || format === 'url' || format === 'env' ? pickEndpoint(view, options.endpoint) : undefined
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    failure = new UsageError(`${error.message} ${delivered}`, error.next)
  }
  let confirmation: string | undefined
  if (envFile && chosen) {
    const {EnvFileError, EnvValueError, fsReason, writeEnvFile} = await import('./env-file.js')
    try {
      const {created} = await writeEnvFile(envFile.path, ENV_KEY, chosen.connectionString)
      // A confirmation without the secret; it goes to stderr when stdout carries a format.
      confirmation = `${created ? 'Created' : 'Updated'} ${envFile.given}: ${ENV_KEY} set to the ${chosen.endpoint} endpoint of connection ${view.name} (${view.id}).`
    } catch (error) {
      failure =
        error instanceof EnvValueError
          ? new UsageError(
              `Did not write ${envFile.given}: the ${chosen.endpoint} connection string holds ${error.problem}, which bash, dotenv and Node's --env-file would not read back alike. ${delivered}`,
              `Set ${ENV_KEY} in ${envFile.given} by hand from that connection string.`,
            )
          : new EnvFileError(
              `Could not write ${envFile.given}: ${fsReason(error)}. ${delivered}`,
              `Fix ${envFile.given} (its folder must exist and be writable), then set ${ENV_KEY} in it by hand from that connection string.`,
            )
    }
  }
  if (confirmation && options.format === undefined && !options.json) {
    write(confirmation)
    return
  }
  if (confirmation) process.stderr.write(`${confirmation}\n`)
  if (format === 'url' && chosen) {
    write(chosen.connectionString)
  } else if (format === 'env' && chosen) {
    const {EnvValueError, envLine} = await import('./env-file.js')
    try {
      write(envLine(ENV_KEY, chosen.connectionString))
    } catch (error) {
      if (!(error instanceof EnvValueError)) throw error
      // Printed alone rather than lost; the exit code tells a script it is not a dotenv line.
      write(chosen.connectionString)
      failure ??= new UsageError(
        `Cannot print a ${ENV_KEY} line: the ${chosen.endpoint} connection string holds ${error.problem}, which bash, dotenv and Node's --env-file would not read back alike, so it is printed alone. ${delivered}`,
        'Use --format url to get the connection string alone.',
      )
    }
  } else if (format !== 'json') {
    const {renderConnectionDetails} = await import('./render/connection-details.js')
    write(await renderConnectionDetails(view))
  }
  if (failure) throw failure
}
