import {Flags} from '@oclif/core'

import type {Me} from '../api/contract.js'
import {ApiError} from '../api/errors.js'
import {BaseCommand} from '../base-command.js'
import {hideFromDebugOutput} from '../auth/debug-output.js'
import {cleanToken} from '../auth/settings.js'
import {describeSource} from '../deps.js'
import {AuthError, UsageError} from '../errors.js'
import {safe} from '../output/safe-text.js'

export default class Login extends BaseCommand<typeof Login> {
  static override summary = 'Log in with a service token and save it to a profile'

  static override description = `Prompts for a Prisma service token (masked), checks it with the API (GET /v1/me) and saves it, with the API URL, in the profile (file mode 0600). A token the API rejects is not saved.

Create a service token in the Prisma Console under your workspace's settings.`

  static override examples = [
    {description: 'Log in interactively', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Log in from a script, reading the token from stdin', command: 'echo "$TOKEN" | <%= config.bin %> <%= command.id %> --with-token'},
    {description: 'Save a token to a second profile', command: '<%= config.bin %> <%= command.id %> --profile staging --token "$STAGING_TOKEN"'},
  ]

  static override flags = {
    'with-token': Flags.boolean({description: 'Read the token from standard input', default: false}),
  }

  public async run(): Promise<Me> {
    const token = await this.readToken()
    // bin/run.js finds --token in argv; a token from stdin or the prompt is known only here.
    hideFromDebugOutput(token)
    const profile = await this.settings.profileName()
    const apiUrl = await this.settings.apiUrl()
    const api = await this.api({value: token, source: 'flag'})
    let me: Me
    try {
      me = await api.getMe()
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        throw new AuthError(`The API rejected that token (${error.status}); it was not saved.`, 'Check that you copied the whole service token and that it has not been revoked.')
      }
      throw error
    }
    // Merged under the store's lock into the profile as it is then, keeping keys this version does not know.
    await this.settings.store.saveProfile(profile.value, {
      apiUrl: apiUrl.source === 'default' ? undefined : apiUrl.value,
      token,
      workspace: me.workspace ? {id: me.workspace.id, name: me.workspace.name} : undefined,
      savedAt: this.deps.clock.now().toISOString(),
    })
    return this.document(me, () => {
      const where = me.workspace ? safe`workspace ${me.workspace.name} (${me.workspace.id})` : 'the API'
      const lines = [`Logged in to ${where} as profile ${safe`"${profile.value}"`}.`]
      if (apiUrl.source !== 'default') lines.push(safe`API URL: ${apiUrl.value} (from ${describeSource(apiUrl.source, 'api-url')})`)
      return lines.join('\n')
    })
  }

  private async readToken(): Promise<string> {
    if (this.flags['with-token']) {
      if (this.flags.token !== undefined) throw new UsageError('Pass either --token or --with-token, not both.')
      const {readStdin} = await import('../io/prompts.js')
      const token = cleanToken(await readStdin(this.io))
      if (!token) throw new AuthError('No token on standard input.', 'Pipe the token in: echo "$TOKEN" | prisma-mgmt login --with-token')
      return token
    }
    if (this.flags.token !== undefined) {
      const token = cleanToken(this.flags.token)
      if (!token) throw new AuthError('The --token flag is empty.', 'Pass a service token: --token <token>.')
      return token
    }
    if (!this.interactive) {
      throw new UsageError('No token given and no terminal to ask for one.', 'Pass --token <token>, or pipe it in with --with-token.')
    }
    return cleanToken(await this.deps.prompter.secret('Paste your Prisma service token:'))
  }
}
