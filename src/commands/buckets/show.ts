import type {Bucket} from '../../api/contract.js'
import {BaseCommand} from '../../base-command.js'
import {collect} from '../../api/collect.js'
import {columnsFlag, idArg} from '../../flags.js'
import {isTerminal} from '../../io/streams.js'
import {bucketFields, bucketKeyFields} from '../../output/resources.js'

export default class BucketsShow extends BaseCommand<typeof BucketsShow> {
  static override summary = 'Show one bucket and its access keys'

  static override description = 'On a terminal, the bucket is followed by a table of its access keys (never their secrets). Tab-separated, csv, json and yaml output hold the bucket alone; `buckets keys list <id>` lists its keys in any format.'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1bkt0000001', '<%= config.bin %> <%= command.id %> cmf1bkt0000001 --json']

  static override args = {
    id: idArg({description: 'Bucket id (see `buckets list`)', required: true}),
  }

  static override fields = bucketFields

  static override flags = {
    ...columnsFlag,
  }

  public async run(): Promise<Bucket> {
    const api = await this.api()
    const bucket = await api.getBucket(this.args.id)
    await this.record(bucketFields, bucket)
    if (this.output.format === 'table' && isTerminal(this.io.stdout)) {
      const keys = await collect(api.listBucketKeys(bucket.id))
      const {printList} = await import('../../output/print.js')
      this.out('\nAccess keys')
      await printList({io: this.io, format: 'table'}, bucketKeyFields, keys, {empty: `No access keys. Create one with \`prisma-mgmt buckets keys create ${bucket.id} --role read_write\`.`})
    }
    return bucket
  }
}
