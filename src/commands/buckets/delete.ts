import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {idArg} from '../../flags.js'
import {confirmAndDelete} from '../../flows/confirm-delete.js'
import {safe} from '../../output/safe-text.js'

export default class BucketsDelete extends BaseCommand<typeof BucketsDelete> {
  static override summary = 'Delete a bucket, every object in it and every access key of it'

  static override description = 'This cannot be undone. On a terminal, asks you to type the bucket\'s name. Elsewhere (scripts, CI) nothing is deleted without --yes.'

  static override examples = ['<%= config.bin %> <%= command.id %> cmf1bkt0000001', '<%= config.bin %> <%= command.id %> cmf1bkt0000001 --yes']

  static override args = {
    id: idArg({description: 'Bucket id', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Delete without asking', default: false}),
  }

  public async run(): Promise<{id: string; deleted: true}> {
    const api = await this.api()
    const deleted = await confirmAndDelete({
      what: 'bucket',
      consequence: 'Every object in it and every access key of it are deleted too.',
      yes: this.flags.yes,
      canAsk: this.interactive,
      prompter: this.deps.prompter,
      get: () => api.getBucket(this.args.id),
      remove: (bucket) => api.deleteBucket(bucket.id),
    })
    return this.document({id: deleted.id, deleted: true}, () => safe`Deleted bucket ${deleted.name} (${deleted.id}) with its objects and access keys.`)
  }
}
