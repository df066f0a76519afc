import {Flags} from '@oclif/core'

import type {BucketKeyRole, CreateBucketKeyInput, CreatedBucketKey} from '../../../api/contract.js'
import {hideFromDebugOutput} from '../../../auth/debug-output.js'
import {BaseCommand} from '../../../base-command.js'
import {UsageError, type CliError} from '../../../errors.js'
import type {EnvFileTarget} from '../../../files/env-file.js'
import {idArg} from '../../../flags.js'
import {deliverSecret} from '../../../flows/deliver-secret.js'
import {createdBucketKeyFields} from '../../../output/resources.js'
import {safe} from '../../../output/safe-text.js'
import {
  checkEnvFileFlag,
  mergeEnvEntries,
  s3EndpointProblem,
  s3EnvEntries,
  S3_ENV_KEYS,
  writeEnvLines,
  type SecretWords,
} from '../../../render/credential-output.js'

const FORMATS = ['table', 'json', 'yaml', 'csv', 'env'] as const
const ROLES = ['read', 'read_write'] as const satisfies readonly BucketKeyRole[]
const KEYS = S3_ENV_KEYS.join(', ')

export default class BucketsKeysCreate extends BaseCommand<typeof BucketsKeysCreate> {
  static override summary = 'Create an access key for a bucket and print its secret, which the API shows only this once'

  static override description = `A read key gets and lists objects; a read_write key also puts and deletes them. The key is printed with everything an S3 client needs: the endpoint, the bucket's name there, the access key id and the secret access key. Copy the secret now: \`buckets keys list\` shows only a hint of it.

-o env prints ${KEYS} lines, which the AWS SDKs and the AWS CLI read (S3_BUCKET is for your application); --env-file merges those four keys into a dotenv file (checked before the key is created).

To rotate a key, create a new one, move your application to it, then delete the old one.`

  static override examples = [
    {description: 'A key that reads and writes, printed as a table', command: '<%= config.bin %> <%= command.id %> cmf1bkt0000001 --role read_write --name uploader'},
    {description: 'Write the AWS_* keys and S3_BUCKET into .env, keeping every other line', command: '<%= config.bin %> <%= command.id %> cmf1bkt0000001 --role read --env-file .env'},
    {description: 'For the AWS CLI in this shell', command: 'eval "$(<%= config.bin %> <%= command.id %> cmf1bkt0000001 --role read -o env | sed \'s/^/export /\')"'},
  ]

  static override args = {
    'bucket-id': idArg({description: 'Bucket id (see `buckets list`)', required: true}),
  }

  static override flags = {
    output: Flags.option({
      char: 'o',
      options: FORMATS,
      description: `table: the key with its secret (tab-separated when piped); json or yaml: the API object; csv: one row; env: ${KEYS} lines`,
      helpGroup: 'GLOBAL',
    })(),
    role: Flags.option({options: ROLES, description: 'read: get and list objects; read_write: also put and delete them [on a terminal without it: a choice]'})(),
    name: Flags.string({description: 'Name of the new key [default: chosen by the API]'}),
    'env-file': Flags.string({
      description: `Merge ${KEYS} into this dotenv file: replaces those keys, keeps every other line; a new file gets mode 0600`,
      helpValue: '<path>',
    }),
  }

  public async run(): Promise<CreatedBucketKey> {
    const name = this.flags.name?.trim()
    if (name === '') throw new UsageError('The --name flag is empty.', 'Pass a name for the key, or leave --name out for one the API chooses.')
    const role = await this.role()
    // Checked before any request: a path that cannot be written must not cost a key.
    const envFile = await checkEnvFileFlag(this.flags['env-file'])
    const api = await this.api()
    const input: CreateBucketKeyInput = {role}
    if (name !== undefined) input.name = name
    const key = await deliverSecret({
      say: (line) => this.say(line),
      send: async () => {
        const created = await api.createBucketKey(this.args['bucket-id'], input)
        // A secret from now on: never in an error. The trace already hides `secretAccessKey`.
        this.learntSecrets.push(created.secretAccessKey)
        return created
      },
      deliver: async (created) => {
        try {
          await this.present(created, envFile)
        } finally {
          // With DEBUG set, everything written after this masks the secret; the one delivery above keeps it (json and yaml: below).
          if (!this.machine) hideFromDebugOutput(created.secretAccessKey)
        }
      },
      kept: (created) => this.words(created).delivered,
    })
    if (this.machine) {
      await this.record(createdBucketKeyFields, key)
      hideFromDebugOutput(key.secretAccessKey)
    }
    return key
  }

  private async role(): Promise<BucketKeyRole> {
    if (this.flags.role) return this.flags.role
    if (!this.canChoose) throw new UsageError('Missing --role.', 'Pass --role read (get and list objects) or --role read_write (also put and delete them).')
    return this.deps.prompter.choose<BucketKeyRole>('Role of the key', [
      {name: 'read_write  get, list, put and delete objects', value: 'read_write'},
      {name: 'read        get and list objects', value: 'read'},
    ])
  }

  /** Delivers the key as the flags ask; a failure is thrown only once the secret has been shown. */
  /** How the secret is named in what is said of it; never the secret itself. */
  private words(key: CreatedBucketKey): SecretWords {
    const {format} = this.output
    const where = this.machine ? `in the ${format === 'json' ? 'JSON' : 'YAML'} document on stdout` : 'printed above'
    return {
      what: 'the secret access key',
      from: 'the values printed above',
      setTo: safe`bucket key ${key.name} (${key.id})`,
      delivered: safe`Bucket key ${key.name} (${key.id}) WAS created; its secret access key is ${where}, and the API will not show it again.`,
      alone: 'Leave out -o env to get the key in a table.',
    }
  }

  /** Delivers the key for people (and into --env-file); json and yaml are printed once this returns. A failure is thrown only once the secret has been shown. */
  private async present(key: CreatedBucketKey, envFile: EnvFileTarget | undefined): Promise<void> {
    const {format} = this.output
    const words = this.words(key)
    const entries = s3EnvEntries(key)
    let failure: CliError | undefined
    if (envFile || format === 'env') {
      // An S3 client is pointed at this URL with the key: anything but http(s) is not written for one.
      const problem = s3EndpointProblem(key.endpoint)
      if (problem) failure = new UsageError(`The S3 endpoint the API returned ${problem}, so no AWS_ENDPOINT_URL_S3 was written. ${words.delivered}`)
    }
    if (envFile && !failure) {
      const merged = await mergeEnvEntries(envFile, entries, words)
      if (merged.confirmation && !this.explicitFormat) {
        this.out(merged.confirmation)
        return
      }
      if (merged.confirmation) this.io.stderr.write(`${merged.confirmation}\n`)
      failure = merged.failure
    }
    if (format === 'env' && !failure) failure = await writeEnvLines(entries, words, (text) => this.out(text))
    // Whatever failed, the secret is shown (-o env falls back to the table); json and yaml come after, or in the error's document.
    if (!(format === 'env' && !failure) && !this.machine) await this.record(createdBucketKeyFields, key)
    if (failure) throw failure
    if (!this.machine) {
      this.aside(
        safe`Copy the secret access key now: the API will not show it again. Delete the key with \`prisma-mgmt buckets keys delete ${key.id} --bucket ${this.args['bucket-id']}\`.`,
      )
    }
  }
}
