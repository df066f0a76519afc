import {Flags} from '@oclif/core'

import type {CreatedServiceToken} from '../../api/contract.js'
import {hideFromDebugOutput} from '../../auth/debug-output.js'
import {BaseCommand} from '../../base-command.js'
import {checkEnvFileFlag, envFileFlag, mergeIntoEnvFile, writeEnvLine, type SecretWords} from '../../render/credential-output.js'
import type {EnvFileTarget} from '../../files/env-file.js'
import {UsageError, type CliError} from '../../errors.js'
import {deliverSecret} from '../../flows/deliver-secret.js'
import {tokenWorkspace} from '../../flows/service-tokens.js'
import {createdServiceTokenFields} from '../../output/resources.js'
import {safe} from '../../output/safe-text.js'

export const TOKEN_ENV_KEY = 'PRISMA_SERVICE_TOKEN'
const FORMATS = ['table', 'json', 'yaml', 'csv', 'env'] as const

export default class TokensCreate extends BaseCommand<typeof TokensCreate> {
  static override summary = 'Create a service token and print its value, which the API shows only this once'

  static override description = `The token acts for the workspace (the token's own, or --workspace). Copy its value now: \`tokens list\` shows only a hint of it.

-o env prints a ${TOKEN_ENV_KEY}='…' line; --env-file merges ${TOKEN_ENV_KEY} into a dotenv file (checked before the token is created).`

  static override examples = [
    {description: 'Create a token and print it', command: '<%= config.bin %> <%= command.id %> --name ci'},
    {description: 'Write PRISMA_SERVICE_TOKEN into .env, keeping every other line', command: '<%= config.bin %> <%= command.id %> --name ci --env-file .env'},
    {description: 'The API object, value included', command: '<%= config.bin %> <%= command.id %> --name ci --json'},
  ]

  static override flags = {
    output: Flags.option({
      char: 'o',
      options: FORMATS,
      description: `table: the token with its value (tab-separated when piped); json or yaml: the API object; csv: one row; env: a ${TOKEN_ENV_KEY} line`,
      helpGroup: 'GLOBAL',
    })(),
    name: Flags.string({description: 'Name of the new token', required: true}),
    workspace: Flags.string({description: 'Workspace id [default: the token\'s workspace]'}),
    'env-file': envFileFlag(TOKEN_ENV_KEY),
  }

  public async run(): Promise<CreatedServiceToken> {
    const name = this.flags.name.trim()
    if (name === '') throw new UsageError('The --name flag is empty.', 'Pass a name for the token, such as --name ci.')
    // Checked before any request: a path that cannot be written must not cost a token.
    const envFile = await checkEnvFileFlag(this.flags['env-file'])
    const api = await this.api()
    const workspaceId = await tokenWorkspace(api, this.flags.workspace)
    const token = await deliverSecret({
      say: (line) => this.say(line),
      send: async () => {
        const created = await api.createServiceToken(workspaceId, name)
        // A secret from now on: never in an error. The trace already hides `value`.
        this.learntSecrets.push(created.value)
        return created
      },
      deliver: async (created) => {
        try {
          await this.present(created, envFile)
        } finally {
          // With DEBUG set, everything written after this masks the value; the one delivery above keeps it (json and yaml: below).
          if (!this.machine) hideFromDebugOutput(created.value)
        }
      },
      kept: (created) => this.words(created, envFile).delivered,
    })
    if (this.machine) {
      await this.record(createdServiceTokenFields, token)
      hideFromDebugOutput(token.value)
    }
    return token
  }

  /** How the value is named in what is said of it; never the value itself. */
  private words(token: CreatedServiceToken, envFile: EnvFileTarget | undefined): SecretWords {
    const {format} = this.output
    const where =
      envFile && !this.explicitFormat
        ? `in ${TOKEN_ENV_KEY} in ${envFile.given}`
        : this.machine
          ? `in the ${format === 'json' ? 'JSON' : 'YAML'} document on stdout`
          : 'printed above'
    return {
      what: "the token's value",
      from: 'the value printed above',
      setTo: safe`the value of service token ${token.name} (${token.id})`,
      delivered: safe`Service token ${token.name} (${token.id}) WAS created; its value is ${where}, and the API will not show it again.`,
      alone: `Leave out -o env to get the value in a table.`,
    }
  }

  /** Delivers the value for people (and into --env-file); json and yaml are printed once this returns. A failure is thrown only once the value has been shown. */
  private async present(token: CreatedServiceToken, envFile: EnvFileTarget | undefined): Promise<void> {
    const {format} = this.output
    const words = this.words(token, envFile)
    let failure: CliError | undefined
    if (envFile) {
      const merged = await mergeIntoEnvFile(envFile, TOKEN_ENV_KEY, token.value, {...words, delivered: this.words(token, undefined).delivered})
      if (merged.confirmation && !this.explicitFormat) {
        this.out(merged.confirmation)
        return
      }
      if (merged.confirmation) this.io.stderr.write(`${merged.confirmation}\n`)
      failure = merged.failure
    }
    if (format === 'env') {
      failure ??= await writeEnvLine(TOKEN_ENV_KEY, token.value, words, (text) => this.out(text))
    } else if (!this.machine) {
      await this.record(createdServiceTokenFields, token)
    }
    if (failure) throw failure
    if (!this.machine) this.aside(safe`Copy the value now: the API will not show it again. Delete the token with \`prisma-mgmt tokens delete ${token.id}\`.`)
  }
}
