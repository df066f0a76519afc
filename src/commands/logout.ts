import {BaseCommand} from '../base-command.js'
import {safe} from '../output/safe-text.js'

export default class Logout extends BaseCommand<typeof Logout> {
  static override summary = 'Remove the stored token of a profile'

  static override description = 'Deletes the token saved by `login` for the profile (the current one unless --profile says otherwise). The rest of the profile stays. Succeeds when there was no token.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --profile staging']

  public async run(): Promise<{profile: string; removed: boolean}> {
    const profile = await this.settings.profileName()
    const removed = await this.settings.store.removeToken(profile.value)
    if (this.io.env.PRISMA_SERVICE_TOKEN?.trim()) {
      this.note('Note: PRISMA_SERVICE_TOKEN is still set in your environment and is used before any profile.')
    }
    return this.document({profile: profile.value, removed}, () =>
      removed ? safe`Logged out: removed the token of profile "${profile.value}".` : safe`Profile "${profile.value}" had no stored token; nothing to remove.`,
    )
  }
}
