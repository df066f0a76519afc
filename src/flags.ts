// Flags and arguments shared by commands: the global flags, output, columns, waiting for a database,
// and id arguments (checked while oclif parses them: before any request).
import {Args, Flags} from '@oclif/core'

import {isUsableId} from './api/path.js'
import {UsageError} from './errors.js'
import {OUTPUT_FORMATS} from './output/fields.js'

const seconds = Flags.custom<number>({
  parse: async (input) => {
    const value = Number(input)
    if (!Number.isFinite(value) || value <= 0) throw new Error(`Expected a positive number of seconds but received: ${input}`)
    return value
  },
})

/** -o/--json: every command takes them; commands with more formats (url, env) declare their own -o. */
export const outputFlags = {
  output: Flags.option({
    char: 'o',
    options: OUTPUT_FORMATS,
    description: 'Output format: table (on a terminal; tab-separated rows when piped), json, yaml or csv',
    helpGroup: 'GLOBAL',
  })(),
  json: Flags.boolean({description: 'Same as --output json', helpGroup: 'GLOBAL', default: false}),
}

/** The flags of every command that talks to the API. */
export const globalFlags = {
  'api-url': Flags.string({
    description: 'Management API base URL [env: PRISMA_MANAGEMENT_API_URL] (default https://api.prisma.io)',
    helpGroup: 'GLOBAL',
    helpValue: '<url>',
  }),
  token: Flags.string({
    description: 'Service token [env: PRISMA_SERVICE_TOKEN] (default: the stored profile\'s)',
    helpGroup: 'GLOBAL',
    helpValue: '<token>',
  }),
  profile: Flags.string({
    description: 'Stored profile to use [env: PRISMA_MGMT_PROFILE] (default: the current one, or "default")',
    helpGroup: 'GLOBAL',
    helpValue: '<name>',
  }),
  timeout: seconds({
    description: 'Seconds to wait for each API request',
    default: 30,
    helpGroup: 'GLOBAL',
    helpValue: '<seconds>',
  }),
  insecure: Flags.boolean({
    description: 'Allow a plain http:// API URL on a host that is not loopback',
    helpGroup: 'GLOBAL',
    default: false,
  }),
  ...outputFlags,
}

/** --columns, on list and show commands. */
export const columnsFlag = {
  columns: Flags.string({
    description: 'Only these columns, in this order, e.g. id,name (table, tab-separated and csv output)',
    helpValue: '<a,b,c>',
  }),
}

/** The flags of commands that create a database and wait for it. */
export const waitFlags = {
  wait: Flags.boolean({description: 'Wait until the database is ready (--no-wait returns at once)', default: true, allowNo: true}),
  'wait-timeout': Flags.integer({description: 'Seconds to wait for the database to become ready', default: 600, min: 1}),
}

/** A project, database or connection id; one that cannot be a path segment is a usage error naming the argument. */
export const idArg = Args.custom<string>({
  async parse(input, context) {
    if (isUsableId(input)) return input
    throw new UsageError(
      `Invalid ${context.token.arg} argument ${JSON.stringify(input)}: an id is never empty, blank, "." or "..".`,
      'Pass an id as the `list` commands show it.',
    )
  },
})
