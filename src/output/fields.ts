// One field spec per resource decides its table columns, its TSV and CSV columns and the names
// --columns accepts, so the formats never disagree (JSON and YAML print the API object itself).
import {UsageError} from '../errors.js'

export interface Field<T> {
  /** What --columns calls it: lowercase, e.g. `id`, `name`, `created`. */
  name: string
  /** The table and TSV/CSV header, e.g. `ID`. */
  header: string
  /** The value as a person reads it in a table. */
  text: (row: T) => string
  /** The value for TSV and CSV, when it differs (timestamps in ISO 8601, exact numbers). */
  plain?: (row: T) => string
  /** Never shortened to fit a terminal (ids, connection strings, secrets, times). */
  whole?: boolean
  /**
   * Never shortened either, but when even the table without every column that may be left out is
   * too wide, the value wraps onto more lines inside its cell, every character kept (names people
   * read and type back).
   */
  wrap?: boolean
  /**
   * When a table is too wide for the terminal, columns are left out in this order: 1 first, then
   * 2, ... (the spec's last one to go is its STATUS, when it has one). Columns without it that are
   * neither `whole` nor `wrap` are left out before every ranked one, the rightmost first; `whole`
   * and `wrap` columns without it always stay. --columns turns leaving out off.
   */
  leaveOut?: number
  /**
   * On a terminal, when every row has the same value in this column, it is said once above the
   * table as `<sayOnce>: <value>` (e.g. `Workspace: Acme`) instead of as a column. Not with --columns.
   */
  sayOnce?: string
  /** The narrowest a shortened value may be (cut with `…`); default its header's width, at least 8. */
  min?: number
}

export type FieldSpec<T> = readonly Field<T>[]

export const OUTPUT_FORMATS = ['table', 'json', 'yaml', 'csv'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

/** The fields named by --columns, in the order given; a usage error naming the valid ones. */
export function selectFields<T>(spec: FieldSpec<T>, columns: readonly string[] | undefined): FieldSpec<T> {
  if (columns === undefined) return spec
  const chosen: Field<T>[] = []
  const unknown: string[] = []
  for (const raw of columns) {
    const name = raw.trim().toLowerCase()
    if (name === '') continue
    const field = spec.find((f) => f.name === name)
    if (field) {
      if (!chosen.includes(field)) chosen.push(field)
    } else unknown.push(raw.trim())
  }
  const valid = spec.map((f) => f.name).join(', ')
  if (unknown.length > 0) {
    throw new UsageError(`Unknown column${unknown.length > 1 ? 's' : ''} for --columns: ${unknown.join(', ')}.`, `Valid columns: ${valid}.`)
  }
  if (chosen.length === 0) throw new UsageError('--columns names no column.', `Valid columns: ${valid}.`)
  return chosen
}

/** `a,b , c` → [`a`, `b`, `c`]. */
export function parseColumns(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',')
}
