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
    io.stdout.write(`${await boxedFields(io, fields.map((f) => [f.header, f.text(item), f.whole === true, f.wrap === true]))}\n`)
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

/** A table line's width: a border on its left, and each column one space either side and a border on its right. */
export function tableWidth(widths: readonly number[]): number {
  return widths.reduce((sum, w) => sum + w + PADDING + 1, 1)
}

/** Column widths that fit `available` columns: the widest columns that may shrink lose a character at a time. */
export function fitWidths(natural: readonly number[], minimum: readonly number[], fixed: readonly boolean[], available: number): number[] {
  const widths = [...natural]
  let total = tableWidth(widths)
  while (total > available) {
    let widest = -1
    for (let i = 0; i < widths.length; i++) {
      if (!fixed[i] && widths[i] > minimum[i] && (widest === -1 || widths[i] > widths[widest])) widest = i
    }
    if (widest === -1) break
    widths[widest]--
    total--
  }
  return widths
}

/** The order in which a spec's columns are left out of a table too wide: unranked shrinkable ones from the right, then by `leaveOut`. */
export function leaveOutOrder<T>(fields: FieldSpec<T>): number[] {
  const indices = fields.map((_, i) => i)
  const unranked = indices.filter((i) => fields[i].leaveOut === undefined && !fields[i].whole && !fields[i].wrap).reverse()
  const ranked = indices.filter((i) => fields[i].leaveOut !== undefined).sort((a, b) => fields[a].leaveOut! - fields[b].leaveOut! || b - a)
  return [...unranked, ...ranked]
}

/** The room a `wrap` column keeps on one line before columns are left out, and the narrowest it wraps to. */
const WRAP_ROOM = 30
const WRAP_NARROWEST = 10

// Where a wrapped value may break: after a space, a hyphen, an underscore, a slash or a dot.
const BREAK_AFTER = new Set([' ', '-', '_', '/', '.'])

/** The text on lines at most `width` wide, every character kept: broken after a separator when one is near the end, else anywhere. */
export function wrapText(text: string, width: number, widthOf: (text: string) => number): string {
  const out: string[] = []
  for (const line of text.split('\n')) {
    let rest = [...line]
    while (rest.length > 0) {
      let taken = 0
      let used = 0
      while (taken < rest.length && used + widthOf(rest[taken]) <= width) used += widthOf(rest[taken++])
      if (taken === rest.length) {
        out.push(rest.join(''))
        break
      }
      taken = Math.max(taken, 1)
      let cut = taken
      for (let i = taken - 1; i >= Math.ceil(taken / 2); i--) {
        if (BREAK_AFTER.has(rest[i])) {
          cut = i + 1
          break
        }
      }
      out.push(rest.slice(0, cut).join(''))
      rest = rest.slice(cut)
    }
  }
  return out.join('\n')
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
 * Which columns a table keeps on a terminal `available` wide, each needing `needed` columns: they
 * are left out in the spec's order until the rest fit; then those that fit again once a wider one
 * went come back, the last to go first.
 */
export function columnsToKeep<T>(fields: FieldSpec<T>, needed: readonly number[], available: number): boolean[] {
  const kept = fields.map(() => true)
  const width = () => tableWidth(needed.filter((_, i) => kept[i]))
  const left: number[] = []
  for (const i of leaveOutOrder(fields)) {
    if (width() <= available) break
    kept[i] = false
    left.push(i)
  }
  for (const i of left.reverse()) {
    kept[i] = true
    if (width() > available) kept[i] = false
  }
  return kept
}

/**
 * A boxed table of rows, fitted to the terminal's width. Unless the columns were chosen
 * (--columns): a `sayOnce` column whose value is the same on every row is said once above the
 * table instead; then, while the table is too wide, columns are left out in the spec's order
 * (`leaveOut`) and named below it, and those that fit again once a wider one went come back. What
 * still does not fit is shrunk (cut with `…`), and last of all `wrap` columns wrap inside their
 * cells. Ids, names, regions and times are never cut.
 */
export async function boxedTable<T>(io: IOStreams, spec: FieldSpec<T>, rows: readonly T[], options: {keepColumns?: boolean} = {}): Promise<string> {
  const widthOf = await widthMeter()
  let fields = [...spec]
  let cells = rows.map((row) => spec.map((f) => terminalSafe(f.text(row))))
  const above: string[] = []
  if (!options.keepColumns && rows.length > 0) {
    const once = fields.map((f, i) => f.sayOnce !== undefined && cells.every((row) => row[i] === cells[0][i]))
    for (const [i, field] of fields.entries()) if (once[i]) above.push(`${field.sayOnce}: ${cells[0][i]}`)
    fields = fields.filter((_, i) => !once[i])
    cells = cells.map((row) => row.filter((_, i) => !once[i]))
  }
  // A loop, not Math.max(...cells): a list of many thousand rows would overflow the call's arguments.
  const natural = fields.map((field, i) => cells.reduce((widest, row) => Math.max(widest, widthOf(row[i])), widthOf(field.header)))
  const minimum = fields.map((field, i) => Math.min(natural[i], field.min ?? Math.max(field.header.length, 8)))
  const fixed = fields.map((field) => field.whole === true || field.wrap === true)
  const available = terminalWidth(io) ?? Number.POSITIVE_INFINITY

  // What each column needs at least: a name up to WRAP_ROOM wide keeps its line (columns are left
  // out first); a longer one wraps instead of costing columns.
  const needs = (room: number) =>
    fields.map((field, i) => (field.wrap ? Math.min(natural[i], Math.max(widthOf(field.header), room)) : fixed[i] ? natural[i] : minimum[i]))
  let kept = fields.map(() => true)
  if (!options.keepColumns) {
    const comfortable = needs(WRAP_ROOM)
    kept = columnsToKeep(fields, comfortable, available)
    // A terminal too narrow even so: names wrap anyway, so they wrap as narrow as they may and columns stay.
    if (tableWidth(comfortable.filter((_, i) => kept[i])) > available) kept = columnsToKeep(fields, needs(WRAP_NARROWEST), available)
  }
  const shown = fields.flatMap((_, i) => (kept[i] ? [i] : []))
  let widths = fitWidths(
    shown.map((i) => natural[i]),
    shown.map((i) => minimum[i]),
    shown.map((i) => fixed[i]),
    available,
  )
  // The last resort: names wrap inside their cells rather than lose a character.
  if (tableWidth(widths) > available) {
    widths = fitWidths(
      widths,
      shown.map((i) => Math.min(natural[i], Math.max(widthOf(fields[i].header), WRAP_NARROWEST))),
      shown.map((i) => fields[i].wrap !== true),
      available,
    )
  }
  const head = await Promise.all(shown.map((i) => bold(io, fields[i].header)))
  const table = await newTable({head, colWidths: widths.map((w) => w + PADDING)})
  for (const row of cells) {
    table.push(shown.map((i, column) => (fields[i].wrap && widths[column] < natural[i] ? wrapText(row[i], widths[column], widthOf) : row[i])))
  }
  const lines = [...above, table.toString()]
  const left = fields.filter((_, i) => !kept[i]).map((f) => f.name)
  if (left.length > 0) lines.push(await dim(io, `Left out to fit: ${left.join(', ')} (see --columns).`))
  return lines.join('\n')
}

/**
 * A label/value table for one resource, fitted to the terminal. A whole value (an id, a
 * connection string) that cannot fit is printed on its own line above the table instead, so
 * copying it from the terminal gets all of it without borders; a value that wraps (a name) wraps
 * inside its cell; any other value too wide is cut with `…`.
 */
export async function boxedFields(io: IOStreams, rows: readonly [label: string, value: string, whole: boolean, wrap?: boolean][]): Promise<string> {
  const available = terminalWidth(io) ?? Number.POSITIVE_INFINITY
  const widthOf = await widthMeter()
  const labelWidth = Math.max(0, ...rows.map(([label]) => widthOf(label)))
  // Two columns: borders and padding take 7 characters.
  const valueRoom = Math.max(8, available - labelWidth - 7)
  const above: string[] = []
  const kept: [string, string][] = []
  let valueWidth = 0
  for (const [label, raw, whole, wrap] of rows) {
    const value = terminalSafe(raw)
    const width = widthOf(value)
    if (whole && width > valueRoom && Number.isFinite(available)) {
      above.push(`${label}:\n${value}`)
      continue
    }
    kept.push([label, wrap && width > valueRoom ? wrapText(value, valueRoom, widthOf) : value])
    valueWidth = Math.max(valueWidth, Math.min(width, valueRoom))
  }
  // The labels of values moved above no longer widen the table.
  const keptLabelWidth = Math.max(0, ...kept.map(([label]) => widthOf(label)))
  const table = await newTable({colWidths: [keptLabelWidth + PADDING, valueWidth + PADDING]})
  for (const [label, value] of kept) table.push([await bold(io, label), value])
  return [...above, ...(kept.length > 0 ? [table.toString()] : [])].join('\n')
}
