// How a freshly minted or rotated credential leaves the CLI: a table, the API's JSON, one URL,
// dotenv lines, or merged into a .env file. Shared by `db credentials` and `db connections rotate`;
// `tokens create` shares the dotenv parts (envFileFlag, mergeIntoEnvFile, writeEnvLine) for its own
// key, and `buckets keys create` the several-key forms (mergeEnvEntries, writeEnvLines) for an S3 client's four.
import {Flags} from '@oclif/core'

import {ENDPOINT_ORDER} from '../api/contract.js'
import type {EndpointName} from '../api/contract.js'
import type {EnvFileTarget} from '../files/env-file.js'
import type {IOStreams} from '../io/streams.js'
import type {ConnectionView, EndpointView} from './connection-details.js'
import type {CliError} from '../errors.js'
import {UsageError} from '../errors.js'

export const FORMATS = ['table', 'json', 'yaml', 'csv', 'url', 'env'] as const
export type CredentialFormat = (typeof FORMATS)[number]

export const ENV_KEY = 'DATABASE_URL'

// Stryker disable all: help text and flag definitions; the committed oclif manifest holds them, and CI fails when it is stale
const formatDescription =
  'table: every endpoint\'s details (tab-separated rows when piped); json or yaml: the API object; csv: a row per endpoint; url: one connection string alone; env: a DATABASE_URL line'

/** --env-file for a command that delivers the secret `key` (DATABASE_URL, PRISMA_SERVICE_TOKEN). */
export function envFileFlag(key: string) {
  return Flags.string({
    description: `Merge ${key} into this dotenv file: replaces that key, keeps every other line; a new file gets mode 0600`,
    helpValue: '<path>',
  })
}

export const credentialFlags = {
  output: Flags.option({char: 'o', options: FORMATS, description: formatDescription, helpGroup: 'GLOBAL'})(),
  // The name this flag had first; scripts that use it keep working.
  format: Flags.option({options: FORMATS, description: 'Same as --output', hidden: true})(),
  endpoint: Flags.option({
    options: ENDPOINT_ORDER,
    description: 'Endpoint for -o url|env and --env-file [default: the first the API returned of direct, pooled, accelerate]',
  })(),
  'env-file': envFileFlag(ENV_KEY),
}
// Stryker restore all

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
  const {checkEnvFileTarget} = await import('../files/env-file.js')
  return checkEnvFileTarget(path)
}

export interface CredentialOutput {
  io: IOStreams
  format: CredentialFormat
  /** The format was asked for (-o, --format, --json); with --env-file alone stdout gets only a confirmation. */
  explicit: boolean
  endpoint?: EndpointName
  /** Checked by checkEnvFileFlag before the request. */
  envFile?: EnvFileTarget
  /** What the API just did to the connection, for the message when the output fails. */
  action: 'created' | 'rotated'
}

/** Where a minted or rotated credential's secret went: `Connection ci (c_1) WAS created; its connection details are printed above, …`. */
export function credentialKept(view: Pick<ConnectionView, 'id' | 'name'>, options: Pick<CredentialOutput, 'format' | 'explicit' | 'envFile' | 'action'>): string {
  const {format} = options
  const rotated = options.action === 'rotated' ? ' (the old password no longer works)' : ''
  const what = `Connection ${view.name} (${view.id}) WAS ${options.action}${rotated}`
  // With --env-file alone, the file is the only place the secret went.
  if (options.envFile && !options.explicit) return `${what}; ${ENV_KEY} in ${options.envFile.given} holds its connection string, and the API will not show this password again.`
  const where = format === 'json' || format === 'yaml' ? `in the ${format === 'json' ? 'JSON' : 'YAML'} document on stdout` : 'printed above'
  return `${what}; its connection details are ${where}, and the API will not show this password again.`
}

/**
 * Writes what the flags ask for. For JSON it writes nothing: the command returns the API
 * object and the base command prints it. When something fails (the env file, the quoting, a
 * missing endpoint) the secret has still been printed on stdout before the error is thrown:
 * the API shows it only once.
 */
export async function presentCredential(view: ConnectionView, options: CredentialOutput, write: (text: string) => void): Promise<void> {
  const {envFile, format} = options
  // Every failure here says that the credential exists and where its secret went.
  const delivered = credentialKept(view, {...options, envFile: undefined})
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
    const merged = await mergeIntoEnvFile(envFile, ENV_KEY, chosen.connectionString, {
      what: `the ${chosen.endpoint} connection string`,
      from: 'that connection string',
      setTo: `the ${chosen.endpoint} endpoint of connection ${view.name} (${view.id})`,
      delivered,
    })
    confirmation = merged.confirmation
    failure ??= merged.failure
  }
  if (confirmation && !options.explicit) {
    write(confirmation)
    return
  }
  if (confirmation) options.io.stderr.write(`${confirmation}\n`)
  // Without the endpoint asked for, url and env fall back to every endpoint's details: the secret is not lost.
  const shown = (format === 'url' || format === 'env') && !chosen ? 'table' : format
  if (format === 'url' && chosen) {
    write(chosen.connectionString)
  } else if (format === 'env' && chosen) {
    failure ??= await writeEnvLine(ENV_KEY, chosen.connectionString, {what: `the ${chosen.endpoint} connection string`, delivered, alone: 'Use --format url to get the connection string alone.'}, write)
  } else if (shown === 'csv' || (shown === 'table' && options.io.stdout.isTTY !== true)) {
    const [{printList}, {endpointFields, endpointRows}] = await Promise.all([import('../output/print.js'), import('../output/resources.js')])
    await printList({io: options.io, format: shown}, endpointFields, endpointRows([view]))
  } else if (shown === 'table') {
    const {renderConnectionDetails} = await import('./connection-details.js')
    write(await renderConnectionDetails(options.io, view))
  }
  if (failure) throw failure
}

/** How a secret is named in what mergeIntoEnvFile and writeEnvLine say; never the secret itself. */
export interface SecretWords {
  /** `the pooled connection string`, `the token's value`. */
  what: string
  /** `that connection string`: where to copy it from by hand. */
  from?: string
  /** Completes "KEY set to …" in the confirmation. */
  setTo?: string
  /** Ends every failure: the secret exists, and where it was shown. */
  delivered: string
  /** The next step when the value cannot be a dotenv line. */
  alone?: string
}

/** One key of a dotenv file a command writes, with how its value is named in messages (never the value). */
export interface EnvEntry {
  key: string
  value: string
  /** `the secret access key`. */
  what: string
}

/** `A`, `A and B`, `A, B and C`. */
function listed(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/**
 * Merges `key` into the env file checked by checkEnvFileFlag: a confirmation without the
 * secret, or the failure to throw once the secret has been shown (it must not be lost).
 */
export async function mergeIntoEnvFile(envFile: EnvFileTarget, key: string, value: string, words: SecretWords): Promise<{confirmation?: string; failure?: CliError}> {
  return mergeEnvEntries(envFile, [{key, value, what: words.what}], words)
}

/**
 * Merges several keys into the env file in one replacement (all of them or none), as
 * mergeIntoEnvFile does one. With several, the confirmation says they were `set from` words.setTo.
 */
export async function mergeEnvEntries(envFile: EnvFileTarget, entries: readonly EnvEntry[], words: SecretWords): Promise<{confirmation?: string; failure?: CliError}> {
  const {EnvFileError, envValueProblem, fsReason, writeEnvEntries} = await import('../files/env-file.js')
  const from = words.from ?? 'that value'
  const keys = listed(entries.map((entry) => entry.key))
  for (const entry of entries) {
    const problem = envValueProblem(entry.value)
    if (problem) {
      return {
        failure: new UsageError(
          `Did not write ${envFile.given}: ${entry.what} holds ${problem}, which bash, dotenv and Node's --env-file would not read back alike. ${words.delivered}`,
          `Set ${keys} in ${envFile.given} by hand from ${from}.`,
        ),
      }
    }
  }
  try {
    const {created} = await writeEnvEntries(envFile.path, entries.map((entry) => [entry.key, entry.value] as const))
    const set = entries.length === 1 ? `${keys} set to ${words.setTo ?? words.what}` : `${keys} set from ${words.setTo ?? words.what}`
    return {confirmation: `${created ? 'Created' : 'Updated'} ${envFile.given}: ${set}.`}
  } catch (error) {
    return {
      failure: new EnvFileError(
        `Could not write ${envFile.given}: ${fsReason(error)}. ${words.delivered}`,
        `Fix ${envFile.given} (its folder must exist and be writable), then set ${keys} in it by hand from ${from}.`,
      ),
    }
  }
}

/** Writes `KEY='value'`; a value no quoting carries is printed alone rather than lost, and the failure returned. */
export async function writeEnvLine(key: string, value: string, words: SecretWords, write: (text: string) => void): Promise<CliError | undefined> {
  const {EnvValueError, envLine} = await import('../files/env-file.js')
  try {
    write(envLine(key, value))
    return undefined
  } catch (error) {
    if (!(error instanceof EnvValueError)) throw error
    // Printed alone rather than lost; the exit code tells a script it is not a dotenv line.
    write(value)
    return new UsageError(
      `Cannot print a ${key} line: ${words.what} holds ${error.problem}, which bash, dotenv and Node's --env-file would not read back alike, so it is printed alone. ${words.delivered}`,
      words.alone,
    )
  }
}

/**
 * Writes one `KEY='value'` line per entry, all or none: when a value cannot be a dotenv line,
 * nothing is written and the failure is returned, for the caller to show the values another way.
 */
export async function writeEnvLines(entries: readonly EnvEntry[], words: SecretWords, write: (text: string) => void): Promise<CliError | undefined> {
  const {envLine, envValueProblem} = await import('../files/env-file.js')
  for (const entry of entries) {
    const problem = envValueProblem(entry.value)
    if (problem) {
      return new UsageError(
        `Cannot print a ${entry.key} line: ${entry.what} holds ${problem}, which bash, dotenv and Node's --env-file would not read back alike, so the key is shown as a table instead. ${words.delivered}`,
        words.alone,
      )
    }
  }
  write(entries.map((entry) => envLine(entry.key, entry.value)).join('\n'))
  return undefined
}

/** What the AWS SDKs and CLI read (the endpoint as `AWS_ENDPOINT_URL_S3`), and the bucket's name for the application. */
export const S3_ENV_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL_S3', 'S3_BUCKET'] as const

/** A bucket key's values as dotenv entries, in S3_ENV_KEYS order. */
export function s3EnvEntries(key: {accessKeyId: string; secretAccessKey: string; endpoint: string; bucketName: string}): EnvEntry[] {
  return [
    {key: 'AWS_ACCESS_KEY_ID', value: key.accessKeyId, what: 'the access key id'},
    {key: 'AWS_SECRET_ACCESS_KEY', value: key.secretAccessKey, what: 'the secret access key'},
    {key: 'AWS_ENDPOINT_URL_S3', value: key.endpoint, what: 'the S3 endpoint'},
    {key: 'S3_BUCKET', value: key.bucketName, what: 'the bucket name'},
  ]
}

/** Why an S3 endpoint from the API is no URL an S3 client should be pointed at (http or https), or undefined. */
export function s3EndpointProblem(endpoint: string): string | undefined {
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    return 'is not a URL'
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? undefined : `is a ${url.protocol} URL, not http or https`
}
