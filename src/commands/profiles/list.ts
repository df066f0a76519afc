import {BaseCommand} from '../../base-command.js'
import {columnsFlag} from '../../flags.js'
import {profileRows} from '../../flows/profiles.js'
import {profileFields, type ProfileRow} from '../../output/resources.js'

export default class ProfilesList extends BaseCommand<typeof ProfilesList> {
  static override summary = 'List the stored profiles'

  static override description = 'Shows each profile saved by `login`: its credential (oauth for a browser login, service token, or none), the workspace it logged in to, its API URL, and which one is current (*: the one commands use now, after --profile and PRISMA_MGMT_PROFILE). No token is ever shown, in any format.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json', '<%= config.bin %> <%= command.id %> --columns name,current']

  static override fields = profileFields

  static override flags = {
    ...columnsFlag,
  }

  public async run(): Promise<ProfileRow[]> {
    const [config, current] = await Promise.all([this.settings.store.read(), this.settings.profileName()])
    return this.list(profileFields, profileRows(config, current.value), {empty: 'No profiles yet; `prisma-mgmt login` creates one.'})
  }
}
