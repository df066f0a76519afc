import {Flags} from '@oclif/core'

import type {Me, Project} from '../../api/contract.js'
import {idArg} from '../../flags.js'
import {hideFromDebugOutput} from '../../auth/debug-output.js'
import {cleanToken} from '../../auth/settings.js'
import {BaseCommand} from '../../base-command.js'
import {AuthError, UsageError} from '../../errors.js'
import {isTerminal} from '../../io/streams.js'
import {projectFields} from '../../output/resources.js'
import {safe} from '../../output/safe-text.js'

/** Where the receiving workspace's token came from, to say what to check when it is refused. */
type Source = {kind: 'profile'; name: string} | {kind: 'flag'} | {kind: 'stdin'} | {kind: 'prompt'}

export default class ProjectsTransfer extends BaseCommand<typeof ProjectsTransfer> {
  static override summary = 'Move a project and its databases to another workspace'

  static override description = `The API takes an access token of the receiving workspace, not its id. Give it as a stored profile of that workspace (--to-profile: its service token, or its browser session's access token), with --recipient-token, or on standard input; on a terminal without any of them, it is asked for (masked). It is never printed.

On a terminal, asks you to type the project's name. Elsewhere (scripts, CI) nothing is transferred without --yes. Prints the project as the receiving workspace sees it.`

  static override examples = [
    {description: 'To the workspace of the stored profile "acme"', command: '<%= config.bin %> <%= command.id %> cmf1abc2d0001 --to-profile acme'},
    {description: 'From a script, the token on standard input', command: 'printf %s "$RECIPIENT_TOKEN" | <%= config.bin %> <%= command.id %> cmf1abc2d0001 --yes --json'},
  ]

  static override args = {
    'project-id': idArg({description: 'Project id', required: true}),
  }

  static override flags = {
    'to-profile': Flags.string({description: 'A stored profile of the receiving workspace; its token is sent', helpValue: '<name>', exclusive: ['recipient-token']}),
    'recipient-token': Flags.string({description: 'An access token of the receiving workspace (prefer --to-profile or stdin: a flag is seen by other users of this machine)', helpValue: '<token>'}),
    yes: Flags.boolean({char: 'y', description: 'Transfer without asking', default: false}),
  }

  public async run(): Promise<Project | {id: string; transferred: true}> {
    const id = this.args['project-id']
    const api = await this.api()
    const {token, source} = await this.recipientToken()
    const recipient = await this.api({value: token, source: 'flag'})
    const receiving = await this.refusedAs(source, [401, 403], () => recipient.getMe())
    const project = await api.getProject(id)
    if (receiving.workspace && receiving.workspace.id === project.workspace.id) {
      throw new UsageError(
        safe`Project ${project.name} (${project.id}) is already in workspace ${receiving.workspace.name} (${receiving.workspace.id}), the one that token belongs to.`,
        'Give a token (or profile) of the workspace that is to receive the project.',
      )
    }
    await this.confirm(project, receiving)
    // Our own token has just read the project: a 401 now is about the recipient's.
    await this.refusedAs(source, [401], () => api.transferProject(project.id, token))
    const to = receiving.workspace ? safe` to workspace ${receiving.workspace.name} (${receiving.workspace.id})` : ''
    const done = safe`Transferred project ${project.name} (${project.id})` + to + '.'
    // The project now belongs to the receiving workspace: only its token can read it back.
    let moved: Project
    try {
      moved = await recipient.getProject(project.id)
    } catch (error) {
      this.note(`Reading the project back in the receiving workspace failed: ${error instanceof Error ? error.message : String(error)}`)
      return this.document({id: project.id, transferred: true}, () => done)
    }
    this.aside(done)
    return this.record(projectFields, moved)
  }

  /** The receiving workspace's token, from the one source given; it joins the secrets kept out of every output. */
  private async recipientToken(): Promise<{token: string; source: Source}> {
    const profile = this.flags['to-profile']
    if (profile !== undefined) {
      if (!profile.trim()) throw new UsageError('The --to-profile flag is empty.', 'Pass the name of a stored profile: --to-profile <name>.')
      return this.learnt(await this.deps.profileToken(profile.trim()), {kind: 'profile', name: profile.trim()})
    }
    const flag = this.flags['recipient-token']
    if (flag !== undefined) {
      const token = cleanToken(flag)
      if (!token) throw new UsageError('The --recipient-token flag is empty.', 'Pass an access token of the receiving workspace, or use --to-profile <name>.')
      return this.learnt(token, {kind: 'flag'})
    }
    if (!isTerminal(this.io.stdin)) {
      const {readStdin} = await import('../../io/prompts.js')
      const token = cleanToken(await readStdin(this.io))
      if (!token) {
        throw new UsageError(
          'No token of the receiving workspace: none on standard input, and neither --to-profile nor --recipient-token was given.',
          'Pass --to-profile <name>, --recipient-token <token>, or pipe the token in.',
        )
      }
      return this.learnt(token, {kind: 'stdin'})
    }
    if (!this.interactive) {
      throw new UsageError('No token of the receiving workspace, and no terminal to ask for one.', 'Pass --to-profile <name>, --recipient-token <token>, or pipe the token in.')
    }
    return this.learnt(cleanToken(await this.deps.prompter.secret('Access token of the receiving workspace:')), {kind: 'prompt'})
  }

  private learnt(token: string, source: Source): {token: string; source: Source} {
    this.learntSecrets.push(token)
    hideFromDebugOutput(token)
    return {token, source}
  }

  /** Runs `call`, whose answer with one of `statuses` means the receiving workspace's token was refused. */
  private async refusedAs<T>(source: Source, statuses: number[], call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (error) {
      const {ApiError} = await import('../../api/errors.js')
      if (error instanceof ApiError && statuses.includes(error.status)) {
        const from = source.kind === 'profile' ? safe` (from profile "${source.name}")` : ''
        const next =
          source.kind === 'profile'
            ? `Log in to that profile again: prisma-mgmt login --profile ${source.name}`
            : 'Check that the token is a current service token or access token of the receiving workspace.'
        throw new AuthError(`The API refused the receiving workspace's token${from} (${error.status}): ${error.message}`, next)
      }
      throw error
    }
  }

  private async confirm(project: Project, receiving: Me): Promise<void> {
    if (this.flags.yes) return
    if (!this.interactive) throw new UsageError(`Refusing to transfer project ${project.id} without confirmation.`, 'Pass --yes to transfer without a prompt.')
    const to = receiving.workspace ? safe`workspace ${receiving.workspace.name} (${receiving.workspace.id})` : 'the receiving workspace'
    const question = safe`This moves project ${project.name} (${project.id}) and its databases out of workspace ${project.workspace.name} into ` + to + '. Type its name to confirm:'
    if (!(await this.deps.prompter.confirmName(question, project.name))) {
      throw new UsageError(`The name did not match; project ${project.id} was not transferred.`)
    }
  }
}
