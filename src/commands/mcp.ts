import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {globalFlags} from '../flags.js'

// Output flags mean nothing here: stdout carries the MCP protocol.
const connectionFlags: Partial<typeof globalFlags> = {...globalFlags}
delete connectionFlags.output
delete connectionFlags.json

export default class Mcp extends BaseCommand<typeof Mcp> {
  static override summary = 'Serve the Management API as tools for AI agents (MCP over stdio)'

  static override description = `Starts a Model Context Protocol server on stdin and stdout for an MCP client (an AI agent or editor) to start. It uses the same API URL, token and profile as every command (flag, environment, stored profile) and stops when stdin closes.

Its tools list, show, create and rename what the API holds; create tools return the one-time connection strings. --read-only keeps only the tools that change nothing. Deleting and restoring exist only with --allow-destructive, and each call needs the resource's exact name as "confirm".

Without a token the server does not start: exit 3, as every command. Log lines go to stderr; stdout is the protocol.`

  static override examples = [
    {description: 'Serve every tool but the destructive ones', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Only tools that change nothing', command: '<%= config.bin %> <%= command.id %> --read-only'},
    {description: 'Also deleting and restoring, each confirmed by name', command: '<%= config.bin %> <%= command.id %> --allow-destructive'},
  ]

  // Typed as the base's: the output flags' values are then simply absent.
  static override baseFlags = connectionFlags as typeof globalFlags

  static override flags = {
    'read-only': Flags.boolean({description: 'Expose only the tools that change nothing', default: false, exclusive: ['allow-destructive']}),
    'allow-destructive': Flags.boolean({description: 'Also expose the tools that delete and restore (each needs the resource\'s exact name as confirm)', default: false}),
  }

  public async run(): Promise<void> {
    // Settings are resolved before the server starts: no token is exit 3, a bad API URL exit 2.
    const api = await this.api()
    const [{serve}, {selectTools}, {scrubber}] = await Promise.all([import('../mcp/server.js'), import('../mcp/tools.js'), import('../mcp/results.js')])
    const {io, clock} = this.deps
    try {
      await serve({
        api,
        version: this.config.version,
        tools: selectTools({readOnly: this.flags['read-only'], allowDestructive: this.flags['allow-destructive']}),
        scrub: scrubber(() => [...this.deps.secrets(), io.env.PRISMA_SERVICE_TOKEN]),
        stdin: io.stdin as NodeJS.ReadableStream,
        stdout: io.stdout as NodeJS.WritableStream,
        log: (line) => io.stderr.write(`${line}\n`),
        now: () => clock.now(),
        sleep: clock.sleep,
      })
    } finally {
      await api.close()
    }
  }
}
