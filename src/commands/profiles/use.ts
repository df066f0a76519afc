import {Args} from '@oclif/core'

import {ENV} from '../../auth/settings.js'
import {BaseCommand} from '../../base-command.js'
import {unknownProfile} from '../../flows/profiles.js'
import {safe} from '../../output/safe-text.js'

export default class ProfilesUse extends BaseCommand<typeof ProfilesUse> {
  static override summary = 'Make a stored profile the current one'

  static override description = 'Commands use the current profile unless --profile or PRISMA_MGMT_PROFILE names another.'

  static override examples = ['<%= config.bin %> <%= command.id %> staging']

  static override args = {
    name: Args.string({description: 'Profile name, as `profiles list` shows it', required: true}),
  }

  public async run(): Promise<{profile: string; current: true}> {
    const {name} = this.args
    // Checked and set under the store's lock, so a profile removed meanwhile is not made current.
    await this.settings.store.update((config) => {
      if (!config.profiles?.[name]) throw unknownProfile(name, config)
      config.currentProfile = name
    })
    const override = this.io.env[ENV.profile]?.trim()
    if (override && override !== name) this.note(safe`Note: ${ENV.profile}=${override} is set and is used before the current profile.`)
    return this.document({profile: name, current: true}, () => safe`Now using profile "${name}".`)
  }
}
