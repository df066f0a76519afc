import {Flags} from '@oclif/core'

import type {BucketKey} from '../../../api/contract.js'
import {BaseCommand} from '../../../base-command.js'
import {collect} from '../../../api/collect.js'
import {columnsFlag, idArg} from '../../../flags.js'
import {bucketKeyFields} from '../../../output/resources.js'
import {safe} from '../../../output/safe-text.js'

export default class BucketsKeysList extends BaseCommand<typeof BucketsKeysList> {
  static override summary = 'List the access keys of a bucket'

  static override description = 'Never shows a secret: the API returns a key\'s secret access key only when the key is created; HINT is what the API shows of it.'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1bkt0000001', '<%= config.bin %> <%= command.id %> cmf1bkt0000001 --json']

  static override args = {
    'bucket-id': idArg({description: 'Bucket id (see `buckets list`)', required: true}),
  }

  static override fields = bucketKeyFields

  static override flags = {
    ...columnsFlag,
    limit: Flags.integer({description: 'Stop after this many keys', min: 1}),
  }

  public async run(): Promise<BucketKey[]> {
    const bucketId = this.args['bucket-id']
    const api = await this.api()
    const keys = await collect(api.listBucketKeys(bucketId, {limit: this.flags.limit}))
    return this.list(bucketKeyFields, keys, {empty: safe`Bucket ${bucketId} has no access keys. Create one with \`prisma-mgmt buckets keys create ${bucketId} --role read_write\`.`})
  }
}
