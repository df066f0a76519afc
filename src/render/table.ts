// Tables with cli-table3. Borders and headers carry ANSI codes only when colour is on; every
// cell is made terminal-safe here, so no command can put the API's control characters on screen.
import {terminalSafe} from './safe-text.js'
import {paint, streams} from './terminal.js'

export interface Column<T> {
  header: string
  value: (row: T) => string
}

async function newTable(options: {head?: string[]}) {
  const {default: Table} = await import('cli-table3')
  return new Table({...options, style: {head: [], border: [], compact: true}})
}

/** A table with one row per item. */
export async function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): Promise<string> {
  const chalk = await paint(streams.stdout)
  const table = await newTable({head: columns.map((c) => chalk.bold(c.header))})
  for (const row of rows) table.push(columns.map((c) => terminalSafe(c.value(row))))
  return table.toString()
}

/** A two-column table of label and value, for one resource. */
export async function renderFields(rows: readonly [label: string, value: string][]): Promise<string> {
  const chalk = await paint(streams.stdout)
  const table = await newTable({})
  for (const [label, value] of rows) table.push([chalk.bold(label), terminalSafe(value)])
  return table.toString()
}

/** The same declaration read as label/value pairs, for `show` commands. */
export async function renderRecord<T>(columns: readonly Column<T>[], item: T): Promise<string> {
  return renderFields(columns.map((c) => [c.header, c.value(item)]))
}
