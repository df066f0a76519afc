// The base of every API command, kept thin: parse once, resolve the output format once, build
// the dependencies (deps.ts), and hand any failure to reportFailure (errors and exit codes live in
// errors.ts). Commands print through the output layer and return what they printed.
import {Command, Errors} from '@oclif/core'
import type {Interfaces} from '@oclif/core'

import type {ManagementApi} from './api/management-api.js'
import type {Resolved, Settings} from './auth/settings.js'
import {createDeps, type Deps} from './deps.js'
import {UsageError} from './errors.js'
import type {Delivery} from './flows/create-and-deliver.js'
import {globalFlags} from './flags.js'
import {canPrompt, colourEnabled, isTerminal, type IOStreams} from './io/streams.js'
import {formatInArgv, reportFailure} from './output/failure.js'
import {parseColumns, selectFields, type FieldSpec, type OutputFormat} from './output/fields.js'
import type {ListOptions, OutputContext} from './output/print.js'
import {safeForStream} from './output/safe-text.js'

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** A format a command prints: the resource formats, and for credentials `url` and `env`. */
export type Format = OutputFormat | 'url' | 'env'

/** The output format asked for: --json, else -o (or the hidden --format alias), else table. */
export function resolveFormat(flags: {json?: boolean; output?: string; format?: string}): Format {
  const chosen = flags.output ?? flags.format
  if (flags.json) {
    if (chosen !== undefined && chosen !== 'json') throw new UsageError(`--json and --output ${chosen} ask for different formats.`, 'Pass one of them.')
    return 'json'
  }
  return (chosen ?? 'table') as Format
}

/** The values of --token and --recipient-token on a command line that may not have parsed, to keep them out of errors. */
function tokensInArgv(argv: readonly string[]): string[] {
  const found: string[] = []
  for (const [i, arg] of argv.entries()) {
    for (const flag of ['--token', '--recipient-token']) {
      if (arg === flag && argv[i + 1] !== undefined) found.push(argv[i + 1])
      else if (arg.startsWith(`${flag}=`)) found.push(arg.slice(flag.length + 1))
    }
  }
  return found
}

export abstract class BaseCommand<T extends typeof Command> extends Command {
  // --json is one of our global flags (the short form of -o json); oclif prints nothing itself.
  static override enableJsonFlag = false
  static override baseFlags = globalFlags
  /** The columns of what the command prints, so that --columns is checked before any request. */
  static fields?: FieldSpec<never>

  protected flags!: CommandFlags<T>
  protected args!: CommandArgs<T>
  protected deps!: Deps
  protected output!: Omit<OutputContext, 'format'> & {format: Format}
  /** Secrets the command learnt (a token it created): scrubbed from every error like the token used. */
  protected readonly learntSecrets: string[] = []

  public override async init(): Promise<void> {
    await super.init()
    const {args, flags} = await this.parse({
      args: this.ctor.args,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: false,
      flags: this.ctor.flags,
      strict: this.ctor.strict,
    })
    this.flags = flags as CommandFlags<T>
    this.args = args as CommandArgs<T>
    this.deps = createDeps({
      flags: this.flags,
      configDir: this.config.configDir,
      userAgent: this.userAgent(),
    })
    const own = flags as {json?: boolean; output?: string; format?: string; columns?: string}
    this.output = {io: this.deps.io, format: resolveFormat(own), columns: parseColumns(own.columns)}
    const {fields} = this.ctor as typeof BaseCommand
    if (fields && this.output.columns) selectFields(fields, this.output.columns)
  }

  private userAgent(): string {
    return `prisma-mgmt/${this.config.version} node/${process.versions.node} ${process.platform}`
  }

  protected get io(): IOStreams {
    return this.deps.io
  }

  protected get settings(): Settings {
    return this.deps.settings
  }

  protected api(token?: Resolved<string>): Promise<ManagementApi> {
    return this.deps.api(token)
  }

  /** A format was asked for (--json, -o, --format) rather than the default table. */
  protected get explicitFormat(): boolean {
    const own = this.flags as {json?: boolean; output?: string; format?: string}
    return Boolean(own.json) || own.output !== undefined || own.format !== undefined
  }

  protected get json(): boolean {
    return this.output.format === 'json'
  }

  /** A machine format (json, yaml): stdout carries one document and nothing else. */
  protected get machine(): boolean {
    return this.output.format === 'json' || this.output.format === 'yaml'
  }

  /** Prompts need a person: stdin and stderr on a terminal, and not CI. */
  protected get interactive(): boolean {
    return canPrompt(this.io)
  }

  /** A choice may replace a missing argument: a person is there and no machine format was asked for. */
  protected get canChoose(): boolean {
    return this.interactive && !this.machine
  }

  /** Text for people on stdout (not in json or yaml); control characters that reached it unescaped are made visible here. */
  protected out(text: string): void {
    if (this.machine) return
    this.io.stdout.write(safeForStream(text.endsWith('\n') ? text : `${text}\n`, colourEnabled(this.io.stdout, this.io.env)))
  }

  /** A short note on stderr (progress, confirmations) that never mixes with stdout; not with json or yaml. */
  protected note(text: string): void {
    if (this.machine) return
    this.io.stderr.write(`${safeForStream(text, colourEnabled(this.io.stderr, this.io.env))}\n`)
  }

  /** A line on stderr in every format, json and yaml too (an interrupt heard while an answer is on its way). */
  protected say(line: string): void {
    this.io.stderr.write(`${safeForStream(line, colourEnabled(this.io.stderr, this.io.env))}\n`)
  }

  /** A remark beside a table: on stdout on a terminal; on stderr when stdout carries tab-separated or csv rows. */
  protected aside(text: string): void {
    if (this.output.format === 'table' && isTerminal(this.io.stdout)) this.out(text)
    else this.note(text)
  }

  protected async list<R>(spec: FieldSpec<R>, rows: readonly R[], options: ListOptions = {}): Promise<R[]> {
    const {printList} = await import('./output/print.js')
    await printList({...this.output, format: this.resourceFormat()}, spec, rows, options)
    return [...rows]
  }

  protected async record<R>(spec: FieldSpec<R>, item: R): Promise<R> {
    const {printRecord} = await import('./output/print.js')
    await printRecord({...this.output, format: this.resourceFormat()}, spec, item)
    return item
  }

  /** A value that is not a row (a login, a deletion): JSON or YAML in those formats, else the human lines given. */
  protected async document<V>(value: V, human: () => string | Promise<string>): Promise<V> {
    if (this.machine) {
      const {printDocument} = await import('./output/print.js')
      await printDocument({...this.output, format: this.resourceFormat()}, value)
    } else this.out(await human())
    return value
  }

  /** The shared part of a create that waits for its database: the client, a spinner (on a terminal, not json/yaml), --wait and --wait-timeout. */
  protected async delivery(spinnerText: string, wait: {wait: boolean; 'wait-timeout': number}): Promise<Delivery> {
    const {startSpinner} = await import('./render/spinner.js')
    return {
      api: await this.api(),
      spinner: await startSpinner(this.io, spinnerText, {enabled: !this.machine}),
      machine: this.machine,
      wait: wait.wait,
      timeoutSeconds: wait['wait-timeout'],
      sleep: this.deps.clock.sleep,
      say: (line) => this.say(line),
      write: (text) => this.out(text),
    }
  }

  private resourceFormat(): OutputFormat {
    const {format} = this.output
    return format === 'url' || format === 'env' ? 'table' : format
  }

  // Printing is ours (list, record, document); oclif must not print the returned value again.
  public override jsonEnabled(): boolean {
    return false
  }

  public override async catch(error: Error & {exitCode?: number}): Promise<void> {
    if (error instanceof Errors.ExitError) throw error
    // A command line that did not parse has no dependencies yet: the streams come from the same factory.
    const io = this.deps?.io ?? createDeps({flags: {timeout: 30, insecure: false}, configDir: this.config.configDir, userAgent: this.userAgent()}).io
    process.exitCode = await reportFailure(error, {
      io,
      format: this.output?.format ?? formatInArgv(this.argv),
      secrets: [...(this.deps?.secrets() ?? []), ...this.learntSecrets, ...tokensInArgv(this.argv), io.env.PRISMA_SERVICE_TOKEN],
      flagNames: Object.keys({...this.ctor.baseFlags, ...this.ctor.flags}),
      command: {id: this.id ?? this.ctor.id, args: this.ctor.args},
    })
  }
}
