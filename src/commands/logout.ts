import {BaseCommand} from '../base-command.js'

export default class Logout extends BaseCommand<typeof Logout> {
  static override summary = 'Remove the stored token of a profile'

  static override description = 'Deletes the token saved by `login` for the profile (the current one unless --profile says otherwise). The rest of the profile stays. Succeeds when there was no token.'

  static override enableJsonFlag = false

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --profile staging']

  public async run(): Promise<void> {
    const profile = await this.settings.profileName()
    const removed = await this.settings.store.removeToken(profile.value)
    this.out(removed ? `Logged out: removed the token of profile "${profile.value}".` : `Profile "${profile.value}" had no stored token; nothing to remove.`)
    if (process.env.PRISMA_SERVICE_TOKEN?.trim()) {
      this.note('Note: PRISMA_SERVICE_TOKEN is still set in your environment and is used before any profile.')
    }
  }
}
