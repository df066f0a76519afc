// Prints resources in the format resolved once for the command: a table that fits the terminal,
// tab-separated rows off a terminal, CSV (RFC 4180), or the API objects as JSON or YAML.
// Every text that reaches a terminal or a pipe as table, TSV or CSV is made terminal-safe here.
import {colourEnabled, isTerminal, terminalWidth, type IOStreams} from '../io/streams.js'
import {terminalSafe} from './safe-text.js'
import {RAW_CONTROLS, unicodeEscape, writeJson} from './json.js'
import {selectFields, type Field, type FieldSpec, type OutputFormat} from './fields.js'

export interface OutputContext {
  io: IOStreams
  format: OutputFormat
  /** --columns, for list and show commands. */
  columns?: readonly string[]
}

export interface ListOptions {
  /** Said on a terminal instead of an empty table. */
  empty?: string
}

const plainOf = <T>(field: Field<T>, row: T): string => (field.plain ?? field.text)(row)

/** A list of resources. JSON and YAML print the API objects as they came. */
export async function printList<T>(ctx: OutputContext, spec: FieldSpec<T>, rows: readonly T[], options: ListOptions = {}): Promise<void> {
  const fields = selectFields(spec, ctx.columns)
  const {io} = ctx
  switch (ctx.format) {
    case 'json':
      writeJson(io.stdout, rows)
      return
    case 'yaml':
      io.stdout.write(await toYaml(rows))
      return
    case 'csv':
      io.stdout.write(toCsv(fields, rows))
      return
    default:
      if (!isTerminal(io.stdout)) {
        io.stdout.write(toTsv(fields, rows))
        return
      }
      if (rows.length === 0 && options.empty) {
        io.stdout.write(`${options.empty}\n`)
        return
      }
      io.stdout.write(`${await boxedTable(io, fields, rows, {keepColumns: ctx.columns !== undefined})}\n`)
  }
}

/** One resource: a label/value table on a terminal; one TSV or CSV row with its header elsewhere. */
export async function printRecord<T>(ctx: OutputContext, spec: FieldSpec<T>, item: T): Promise<void> {
  const fields = selectFields(spec, ctx.columns)
  const {io} = ctx
  if (ctx.format === 'json' || ctx.format === 'yaml') return printDocument(ctx, item)
  if (ctx.format === 'table' && isTerminal(io.stdout)) {
    io.stdout.write(`${await boxedFields(io, fields.map((f) => [f.header, f.text(item), f.whole === true]))}\n`)
    return
  }
  await printList(ctx, fields, [item])
}

/** The API object alone (for documents that are not a row: usage, a created resource) as JSON or YAML. */
export async function printDocument(ctx: OutputContext, value: unknown): Promise<void> {
  if (ctx.format === 'yaml') ctx.io.stdout.write(await toYaml(value))
  else writeJson(ctx.io.stdout, value)
}

export async function toYaml(value: unknown): Promise<string> {
  // A CommonJS package: the bundle (scripts/bundle.js) gives it only a default export.
  const yaml = await import('yaml')
  const {Document, visit} = yaml.default ?? yaml
  // Plain data only; long strings (connection strings) stay on one line so they copy whole.
  const options = {lineWidth: 0, aliasDuplicateObjects: false}
  const document = new Document(value, options)
  // A string holding a control JSON escapes is written double-quoted, where YAML reads \u escapes too.
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && node.value.search(RAW_CONTROLS) !== -1) node.type = 'QUOTE_DOUBLE'
    },
  })
  return document.toString(options).replace(RAW_CONTROLS, unicodeEscape)
}

/** Off a terminal: a header line, then one line per row, fields separated by tabs, nothing else. */
export function toTsv<T>(fields: FieldSpec<T>, rows: readonly T[]): string {
  // A tab or newline inside a value would split it into two fields or rows.
  const cell = (text: string) => terminalSafe(text).replaceAll('\t', '\\t').replaceAll('\n', '\\n')
  const lines = [fields.map((f) => f.header).join('\t')]
  for (const row of rows) lines.push(fields.map((f) => cell(plainOf(f, row))).join('\t'))
  return `${lines.join('\n')}\n`
}

/** RFC 4180: CRLF line ends; a field with a comma, quote or line break is quoted, quotes doubled. */
export function toCsv<T>(fields: FieldSpec<T>, rows: readonly T[]): string {
  const cell = (text: string) => {
    const safe = terminalSafe(text)
    return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
  }
  const lines = [fields.map((f) => cell(f.header)).join(',')]
  for (const row of rows) lines.push(fields.map((f) => cell(plainOf(f, row))).join(','))
  return `${lines.join('\r\n')}\r\n`
}

const PADDING = 2

/** Column widths that fit `available` columns: the widest columns that may shrink lose a character at a time. */
export function fitWidths(natural: readonly number[], minimum: readonly number[], whole: readonly boolean[], available: number): number[] {
  const widths = [...natural]
  // Each column has one space either side and a border on its right; the table a border on its left.
  let total = widths.reduce((sum, w) => sum + w + PADDING + 1, 1)
  while (total > available) {
    let widest = -1
    for (let i = 0; i < widths.length; i++) {
      if (!whole[i] && widths[i] > minimum[i] && (widest === -1 || widths[i] > widths[widest])) widest = i
    }
    if (widest === -1) break
    widths[widest]--
    total--
  }
  return widths
}

/** How many leading columns fit `available` at their narrowest (always at least one). */
export function columnsThatFit(narrowest: readonly number[], available: number): number {
  let total = 1
  for (const [i, width] of narrowest.entries()) {
    total += width + PADDING + 1
    if (total > available) return Math.max(1, i)
  }
  return narrowest.length
}

async function newTable(options: {head?: string[]; colWidths?: number[]}) {
  const {default: Table} = await import('cli-table3')
  // Long words (ids, URLs) in a shrunk column are cut with an ellipsis, not wrapped mid-word.
  return new Table({...options, wordWrap: false, style: {head: [], border: [], compact: true}})
}

/** Measures display width (of the widest line); loaded once per table, not once per cell. */
async function widthMeter(): Promise<(text: string) => number> {
  const {default: stringWidth} = await import('string-width')
  return (text) => Math.max(0, ...text.split('\n').map((line) => stringWidth(line)))
}

/** Bold on a coloured stdout, plain elsewhere. */
export async function bold(io: IOStreams, text: string): Promise<string> {
  if (!colourEnabled(io.stdout, io.env)) return text
  const {Chalk} = await import('chalk')
  return new Chalk({level: 1}).bold(text)
}

/** Dim on a coloured stdout, plain elsewhere. */
export async function dim(io: IOStreams, text: string): Promise<string> {
  if (!colourEnabled(io.stdout, io.env)) return text
  const {Chalk} = await import('chalk')
  return new Chalk({level: 1}).dim(text)
}

/**
 * A boxed table of rows, fitted to the terminal's width. Unless the columns were chosen
 * (--columns), the last columns that cannot fit even when shrunk are left out, and named below.
 */
export async function boxedTable<T>(io: IOStreams, all: FieldSpec<T>, rows: readonly T[], options: {keepColumns?: boolean} = {}): Promise<string> {
  const allCells = rows.map((row) => all.map((f) => terminalSafe(f.text(row))))
  const widthOf = await widthMeter()
  const natural: number[] = []
  const minimum: number[] = []
  for (const [i, field] of all.entries()) {
    let width = widthOf(field.header)
    for (const row of allCells) width = Math.max(width, widthOf(row[i]))
    natural.push(width)
    minimum.push(Math.min(width, field.min ?? Math.max(field.header.length, 8)))
  }
  const available = terminalWidth(io) ?? Number.POSITIVE_INFINITY
  const count = options.keepColumns ? all.length : columnsThatFit(all.map((f, i) => (f.whole ? natural[i] : minimum[i])), available)
  const fields = all.slice(0, count)
  const cells = allCells.map((row) => row.slice(0, count))
  const widths = fitWidths(natural.slice(0, count), minimum.slice(0, count), fields.map((f) => f.whole === true), available)
  const head = await Promise.all(fields.map((f) => bold(io, f.header)))
  const table = await newTable({head, colWidths: widths.map((w) => w + PADDING)})
  for (const row of cells) table.push(row)
  const left = all.slice(count).map((f) => f.name)
  if (left.length === 0) return table.toString()
  return `${table.toString()}\n${await dim(io, `Left out to fit: ${left.join(', ')} (see --columns).`)}`
}

/**
 * A label/value table for one resource, fitted to the terminal. A whole value (an id, a
 * connection string) that cannot fit is printed on its own line above the table instead, so
 * copying it from the terminal gets all of it without borders.
 */
export async function boxedFields(io: IOStreams, rows: readonly [label: string, value: string, whole: boolean][]): Promise<string> {
  const available = terminalWidth(io) ?? Number.POSITIVE_INFINITY
  const widthOf = await widthMeter()
  const labelWidth = Math.max(0, ...rows.map(([label]) => widthOf(label)))
  // Two columns: borders and padding take 7 characters.
  const valueRoom = Math.max(8, available - labelWidth - 7)
  const above: string[] = []
  const kept: [string, string][] = []
  let valueWidth = 0
  for (const [label, raw, whole] of rows) {
    const value = terminalSafe(raw)
    const width = widthOf(value)
    if (whole && width > valueRoom && Number.isFinite(available)) {
      above.push(`${label}:\n${value}`)
      continue
    }
    kept.push([label, value])
    valueWidth = Math.max(valueWidth, Math.min(width, valueRoom))
  }
  // The labels of values moved above no longer widen the table.
  const keptLabelWidth = Math.max(0, ...kept.map(([label]) => widthOf(label)))
  const table = await newTable({colWidths: [keptLabelWidth + PADDING, valueWidth + PADDING]})
  for (const [label, value] of kept) table.push([await bold(io, label), value])
  return [...above, ...(kept.length > 0 ? [table.toString()] : [])].join('\n')
}
