import {Flags} from '@oclif/core'

import type {RotatedConnection} from '../../../api/contract.js'
import {idArg} from '../../../flags.js'
import {BaseCommand} from '../../../base-command.js'
import {checkEnvFileFlag, credentialFlags, credentialKept, presentCredential, type CredentialFormat, type CredentialOutput} from '../../../render/credential-output.js'
import {deliverSecret} from '../../../flows/deliver-secret.js'
import {UsageError} from '../../../errors.js'
import {safe} from '../../../output/safe-text.js'

export default class DbConnectionsRotate extends BaseCommand<typeof DbConnectionsRotate> {
  static override summary = 'Give a connection a new password and print its new details'

  static override description = `The old password stops working at once, so on a terminal this asks you to type the connection's name first; elsewhere (scripts, CI) nothing is sent without --yes (exit 2).

Prints the new connection details like \`db credentials\`, with the same --format, --endpoint and --env-file. An interrupt (Ctrl-C, SIGTERM, the terminal closing) while the rotation is on its way waits for the API's answer and prints it before exiting (130, 143, 129): the new password is never lost.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> cmf1con4x0007',
    '<%= config.bin %> <%= command.id %> cmf1con4x0007 --yes --env-file .env',
    '<%= config.bin %> <%= command.id %> cmf1con4x0007 --yes --format url --endpoint pooled',
  ]

  static override args = {
    'conn-id': idArg({description: 'Connection id (see `db connections list`)', required: true}),
  }

  static override flags = {
    ...credentialFlags,
    yes: Flags.boolean({char: 'y', description: 'Rotate without asking (the old password stops working)', default: false}),
  }

  public async run(): Promise<RotatedConnection> {
    const id = this.args['conn-id']
    // Checked first: rotating revokes the old password, so a bad path must stop us before that.
    const envFile = await checkEnvFileFlag(this.flags['env-file'])
    if (!this.flags.yes && !this.interactive) {
      throw new UsageError(`Refusing to rotate connection ${id} without confirmation: its old password stops working.`, 'Pass --yes to rotate without a prompt.')
    }
    const api = await this.api()
    if (!this.flags.yes) {
      const connection = await api.getConnection(id)
      const question = safe`This gives connection ${connection.name} (${connection.id}) a new password; the old one stops working at once. Type its name to confirm:`
      if (!(await this.deps.prompter.confirmName(question, connection.name))) {
        throw new UsageError(`The name did not match; connection ${id} was not rotated.`)
      }
    }
    const output: CredentialOutput = {
      io: this.io,
      format: this.output.format as CredentialFormat,
      explicit: this.explicitFormat,
      endpoint: this.flags.endpoint,
      envFile,
      action: 'rotated',
    }
    const {connectionDetails} = await import('../../../api/connection-details.js')
    const connection = await deliverSecret({
      say: (line) => this.say(line),
      send: () => api.rotateConnection(id),
      deliver: (answer) => presentCredential(connectionDetails(answer), output, (text) => this.out(text)),
      kept: (answer) => credentialKept(answer, output),
    })
    return this.machine ? this.document(connection, () => '') : connection
  }
}
