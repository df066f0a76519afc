import {Flags} from '@oclif/core'

import type {Usage} from '../../api/contract.js'
import {columnsFlag, idArg} from '../../flags.js'
import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {usageFields} from '../../output/resources.js'

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A real calendar date as YYYY-MM-DD, or a usage error naming the flag. */
export function parseDate(flag: string, value: string): string {
  const match = DATE.exec(value.trim())
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined
  if (!match || !date || date.toISOString().slice(0, 10) !== value.trim()) {
    throw new UsageError(`--${flag} must be a date as YYYY-MM-DD, got "${value}".`, `For example: --${flag} 2026-11-01`)
  }
  return value.trim()
}

export default class DbUsage extends BaseCommand<typeof DbUsage> {
  static override summary = 'Show a database\'s operations and storage for a period'

  static override examples = [
    '<%= config.bin %> <%= command.id %> cmf1db2x0003',
    '<%= config.bin %> <%= command.id %> cmf1db2x0003 --from 2026-11-01 --to 2026-11-28 --json',
  ]

  static override args = {
    'db-id': idArg({description: 'Database id', required: true}),
  }

  static override fields = usageFields

  static override flags = {
    from: Flags.string({description: 'First day, YYYY-MM-DD [default: the API\'s, the start of the billing period]'}),
    to: Flags.string({description: 'Last day, YYYY-MM-DD [default: the API\'s, now]'}),
    ...columnsFlag,
  }

  public async run(): Promise<Usage> {
    const startDate = this.flags.from === undefined ? undefined : parseDate('from', this.flags.from)
    const endDate = this.flags.to === undefined ? undefined : parseDate('to', this.flags.to)
    if (startDate && endDate && startDate > endDate) throw new UsageError(`--from ${startDate} is after --to ${endDate}.`)
    const api = await this.api()
    return this.record(usageFields, await api.getUsage(this.args['db-id'], {startDate, endDate}))
  }
}
