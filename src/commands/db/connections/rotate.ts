import type {RotatedConnection} from '../../../api/contract.js'
import {idArg} from '../../../flags.js'
import {BaseCommand} from '../../../base-command.js'
import {checkEnvFileFlag, credentialFlags, presentCredential, type CredentialFormat} from '../../../render/credential-output.js'
import {DeliveredError} from '../../../errors.js'

export default class DbConnectionsRotate extends BaseCommand<typeof DbConnectionsRotate> {
  static override summary = 'Give a connection a new password and print its new details'

  static override description = 'The old password stops working. Prints the new connection details like `db credentials`, with the same --format, --endpoint and --env-file.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> cmf1con4x0007',
    '<%= config.bin %> <%= command.id %> cmf1con4x0007 --env-file .env',
    '<%= config.bin %> <%= command.id %> cmf1con4x0007 --format url --endpoint pooled',
  ]

  static override args = {
    'conn-id': idArg({description: 'Connection id (see `db connections list`)', required: true}),
  }

  static override flags = {...credentialFlags}

  public async run(): Promise<RotatedConnection> {
    // Checked first: rotating revokes the old password, so a bad path must stop us before that.
    const envFile = await checkEnvFileFlag(this.flags['env-file'])
    const api = await this.api()
    const connection = await api.rotateConnection(this.args['conn-id'])
    const {connectionDetails} = await import('../../../api/connection-details.js')
    try {
      await presentCredential(
        connectionDetails(connection),
        {io: this.io, format: this.output.format as CredentialFormat, explicit: this.explicitFormat, endpoint: this.flags.endpoint, envFile, action: 'rotated'},
        (text) => this.out(text),
      )
    } catch (error) {
      throw new DeliveredError(connection, error)
    }
    return this.machine ? this.document(connection, () => '') : connection
  }
}
