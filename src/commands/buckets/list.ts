import {Flags} from '@oclif/core'

import type {ListedBucket} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {collect} from '../../api/collect.js'
import {UsageError} from '../../errors.js'
import {columnsFlag} from '../../flags.js'
import {bucketFields} from '../../output/resources.js'
import {safe} from '../../output/safe-text.js'

export default class BucketsList extends BaseCommand<typeof BucketsList> {
  static override summary = 'List object-store buckets'

  static override description = 'Every bucket the token can see, or one project\'s with --project. NAME is a label; PROVIDER NAME is the bucket\'s name at the S3 endpoint, the one S3 clients use.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --project cmf1abc2d0001 --json']

  static override fields = bucketFields

  static override flags = {
    ...columnsFlag,
    project: Flags.string({description: 'Only this project\'s buckets'}),
    limit: Flags.integer({description: 'Stop after this many buckets', min: 1}),
  }

  public async run(): Promise<ListedBucket[]> {
    const projectId = this.flags.project?.trim()
    if (projectId === '') throw new UsageError('The --project flag is empty.', 'Pass a project id (see `prisma-mgmt projects list`), or leave it out for every bucket.')
    const api = await this.api()
    const buckets = await collect(api.listBuckets({projectId, limit: this.flags.limit}))
    const create = `Create one with \`prisma-mgmt buckets create --project ${projectId ?? '<project-id>'}\`.`
    return this.list(bucketFields, buckets, {empty: projectId ? safe`Project ${projectId} has no buckets. ${create}` : `No buckets. ${create}`})
  }
}
