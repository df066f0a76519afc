import {Args, Flags} from '@oclif/core'

import {DEFAULT_PROFILE} from '../../auth/settings.js'
import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {endSession} from '../../flows/end-session.js'
import {currentAfterwards, unknownProfile} from '../../flows/profiles.js'
import {safe} from '../../output/safe-text.js'

export default class ProfilesRemove extends BaseCommand<typeof ProfilesRemove> {
  static override summary = 'Remove a stored profile and its credentials'

  static override description = 'Deletes the profile from the configuration file; a browser session\'s refresh token is also revoked where the authorization server offers revocation (a failure there is a warning). On a terminal, asks you to type the name; elsewhere nothing is removed without --yes. Removing the current profile makes another profile that is still logged in current (the one saved most recently), and says which, as logout does.'

  static override examples = ['<%= config.bin %> <%= command.id %> staging', '<%= config.bin %> <%= command.id %> staging --yes']

  static override args = {
    name: Args.string({description: 'Profile name, as `profiles list` shows it', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'Remove without asking', default: false}),
  }

  public async run(): Promise<{profile: string; removed: true; revoked?: boolean; current: string}> {
    const {name} = this.args
    const config = await this.settings.store.read()
    if (!config.profiles?.[name]) throw unknownProfile(name, config)
    if (!this.flags.yes) {
      if (!this.interactive) throw new UsageError(safe`Refusing to remove profile "${name}" without confirmation.`, 'Pass --yes to remove it without a prompt.')
      if (!(await this.deps.prompter.confirmName(safe`This removes profile "${name}" and its stored credentials. Type its name to confirm:`, name))) {
        throw new UsageError(safe`The name did not match; profile "${name}" was not removed.`)
      }
    }
    const removed = await this.settings.store.removeProfile(name, {fallback: DEFAULT_PROFILE})
    if (!removed) throw unknownProfile(name, await this.settings.store.read())
    const ending = await endSession(removed.profile, {http: () => this.deps.oauthHttp(), warn: (line) => this.io.stderr.write(`${line}\n`)})
    const current = removed.after ?? DEFAULT_PROFILE
    const revoked = ending.revoked ? ' and revoked its session at the authorization server' : ''
    const result = {profile: name, removed: true as const, ...(ending.revoked === undefined ? {} : {revoked: ending.revoked}), current}
    return this.document(result, () => [safe`Removed profile "${name}"` + `${revoked}.`, ...currentAfterwards(name, removed.before, removed.next, config)].join('\n'))
  }
}
