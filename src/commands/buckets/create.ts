import {Flags} from '@oclif/core'

import type {CreateBucketInput, CreatedBucket} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {columnsFlag} from '../../flags.js'
import {bucketFields} from '../../output/resources.js'
import {safe} from '../../output/safe-text.js'

/** A flag that, when given, must say something. */
function given(flag: string, value: string | undefined, next: string): string | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (trimmed === '') throw new UsageError(`The --${flag} flag is empty.`, next)
  return trimmed
}

export default class BucketsCreate extends BaseCommand<typeof BucketsCreate> {
  static override summary = 'Create an object-store bucket in a project'

  static override description = `Creates the bucket (POST /v1/buckets) and prints it. S3 clients reach it by its PROVIDER NAME, with an access key: create one with \`buckets keys create <bucket-id> --role read_write\`.

Without --name, the API chooses the bucket's name.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --name uploads',
    {description: 'On a branch of the project', command: '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --branch-git-name feature/avatars'},
    {description: 'Keep its id for a script', command: 'BUCKET=$(<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --json | jq -r .id)'},
  ]

  static override fields = bucketFields

  static override flags = {
    ...columnsFlag,
    project: Flags.string({description: 'Project to create the bucket in (see `projects list`)', required: true}),
    name: Flags.string({description: 'Display name of the bucket [default: chosen by the API]'}),
    'branch-git-name': Flags.string({description: 'Git name of the project branch to put the bucket on'}),
  }

  public async run(): Promise<CreatedBucket> {
    const projectId = given('project', this.flags.project, 'Pass the id of the project to create the bucket in (see `prisma-mgmt projects list`).')!
    const name = given('name', this.flags.name, 'Pass a name, or leave --name out for one the API chooses.')
    const branchGitName = given('branch-git-name', this.flags['branch-git-name'], 'Pass the branch\'s git name, or leave the flag out.')
    const input: CreateBucketInput = {projectId}
    if (name !== undefined) input.name = name
    if (branchGitName !== undefined) input.branchGitName = branchGitName
    const api = await this.api()
    const {createAndDeliver} = await import('../../flows/create-and-deliver.js')
    const bucket = await createAndDeliver<CreatedBucket>({
      ...(await this.delivery(`Creating a bucket in project ${projectId}`, {wait: false, 'wait-timeout': 1})),
      create: () => api.createBucket(input),
      database: () => undefined,
      withStatus: (b) => b,
      done: (b) => safe`Created bucket ${b.name} (${b.id})`,
      print: async (b) => {
        await this.record(bucketFields, b)
        this.aside(safe`Create an access key for it with \`prisma-mgmt buckets keys create ${b.id} --role read_write\`.`)
      },
      plain: (b) => safe`Bucket ${b.name} (${b.id}), provider name ${b.providerName}`,
      check: (b) => `prisma-mgmt buckets show ${b.id}`,
    })
    return this.machine ? this.document(bucket, () => '') : bucket
  }
}
