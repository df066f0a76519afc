import {Flags} from '@oclif/core'

import {BaseCommand} from '../../../base-command.js'
import {UsageError} from '../../../errors.js'
import {idArg} from '../../../flags.js'
import {confirmAndDelete} from '../../../flows/confirm-delete.js'
import {findBucketKey} from '../../../flows/find-bucket-key.js'
import {safe} from '../../../output/safe-text.js'

export default class BucketsKeysDelete extends BaseCommand<typeof BucketsKeysDelete> {
  static override summary = 'Delete a bucket\'s access key; S3 requests signed with it are refused from then on'

  static override description = `The key's bucket is found by searching the keys of every bucket the token can see; --bucket names it and skips the search.

On a terminal, asks you to type the key's name. Elsewhere (scripts, CI) nothing is deleted without --yes.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> cmf1key0000001',
    {description: 'Without searching, and without asking', command: '<%= config.bin %> <%= command.id %> cmf1key0000001 --bucket cmf1bkt0000001 --yes'},
  ]

  static override args = {
    'key-id': idArg({description: 'Key id (see `buckets keys list <bucket-id>`)', required: true}),
  }

  static override flags = {
    bucket: Flags.string({description: 'Id of the key\'s bucket [default: found among the buckets the token can see]'}),
    yes: Flags.boolean({char: 'y', description: 'Delete without asking', default: false}),
  }

  public async run(): Promise<{id: string; bucketId: string; deleted: true}> {
    const bucket = this.flags.bucket?.trim()
    if (bucket === '') throw new UsageError('The --bucket flag is empty.', 'Pass the key\'s bucket id (see `prisma-mgmt buckets list`), or leave it out to search every bucket.')
    const api = await this.api()
    const keyId = this.args['key-id']
    let bucketId = ''
    const deleted = await confirmAndDelete({
      what: 'bucket key',
      consequence: 'S3 requests signed with it are refused from then on.',
      yes: this.flags.yes,
      canAsk: this.interactive,
      prompter: this.deps.prompter,
      get: async () => {
        const found = await findBucketKey(api, keyId, bucket)
        bucketId = found.bucketId
        return found.key
      },
      remove: (key) => api.deleteBucketKey(bucketId, key.id),
    })
    return this.document({id: deleted.id, bucketId, deleted: true}, () => safe`Deleted access key ${deleted.name} (${deleted.id}) of bucket ${bucketId}.`)
  }
}
