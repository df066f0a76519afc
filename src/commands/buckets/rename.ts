import {Args} from '@oclif/core'

import type {UpdatedBucket} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {columnsFlag, idArg} from '../../flags.js'
import {bucketFields} from '../../output/resources.js'
import {safe} from '../../output/safe-text.js'

export default class BucketsRename extends BaseCommand<typeof BucketsRename> {
  static override summary = 'Rename a bucket'

  static override description = 'Changes the bucket\'s display name (PATCH /v1/buckets/{id}). It is a label: the name S3 clients use (PROVIDER NAME), the objects and the access keys stay as they are.'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1bkt0000001 avatars', '<%= config.bin %> <%= command.id %> cmf1bkt0000001 "user uploads" --json']

  static override args = {
    id: idArg({description: 'Bucket id', required: true}),
    name: Args.string({description: 'The new name', required: true}),
  }

  static override fields = bucketFields

  static override flags = {
    ...columnsFlag,
  }

  public async run(): Promise<UpdatedBucket> {
    const name = this.args.name.trim()
    if (!name) throw new UsageError('The name argument is empty.', 'Pass the new name: prisma-mgmt buckets rename <id> <name>.')
    const api = await this.api()
    const bucket = await api.updateBucket(this.args.id, {displayName: name})
    this.aside(safe`Renamed bucket ${bucket.id} to "${bucket.name}"; S3 clients still use ${bucket.providerName}.`)
    return this.record(bucketFields, bucket)
  }
}
