// The checks every list and show command's output formats share, off a terminal: -o json (= --json),
// -o yaml, -o csv (RFC 4180) and the piped table (tab-separated rows) hold the same values; --columns
// picks and orders them. A test file declares its cases and its own seed, then calls formatTests.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import {parseJson, type RunResult} from './harness.js'

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/
const BOX = /[\u2500-\u257f]/
const ESC = '\u001b'

export interface Column<T> {
  /** What --columns calls it. */
  name: string
  header: string
  /** The exact value in tab-separated and csv output; a RegExp when it changes between runs. */
  value: (row: T) => string | RegExp
  /** A timestamp: ISO 8601 in tab-separated and csv output. */
  time?: boolean
}

export interface Case<T, S> {
  title: string
  args: (seeded: S) => string[]
  /** A show command: one object, one row. */
  record: boolean
  columns: Column<T>[]
  /** Two column names for --columns. */
  pick: [string, string]
}

export function define<T, S>(c: Case<T, S>): Case<unknown, S> {
  return c as unknown as Case<unknown, S>
}

export const plainOrEmpty = (value: string | number | null | undefined) => (value === null || value === undefined ? '' : String(value))

/** RFC 4180, strictly: records end in CRLF (the last one too); a quote opens a field or doubles inside a quoted one. */
export function parseCsv(text: string): string[][] {
  assert.ok(text.endsWith('\r\n'), `csv output ends with CRLF: ${JSON.stringify(text.slice(-20))}`)
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let i = 0
  let atFieldStart = true
  while (i < text.length) {
    const ch = text[i]
    if (atFieldStart && ch === '"') {
      // A quoted field: up to the closing quote; "" is one quote; commas and line breaks are data.
      i++
      for (;;) {
        assert.ok(i < text.length, `csv: a quoted field is never closed: ${JSON.stringify(text)}`)
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        field += text[i++]
      }
      const next = text.slice(i, i + 2)
      assert.ok(next.startsWith(',') || next === '\r\n', `csv: after a closing quote comes a comma or CRLF, not ${JSON.stringify(next)}: ${JSON.stringify(text)}`)
      atFieldStart = false
      continue
    }
    if (ch === ',') {
      record.push(field)
      field = ''
      atFieldStart = true
      i++
    } else if (ch === '\r' || ch === '\n') {
      assert.equal(text.slice(i, i + 2), '\r\n', `csv: an unquoted line break is CRLF, at ${i} of ${JSON.stringify(text)}`)
      record.push(field)
      records.push(record)
      record = []
      field = ''
      atFieldStart = true
      i += 2
    } else {
      assert.notEqual(ch, '"', `csv: a quote inside an unquoted field, at ${i} of ${JSON.stringify(text)}`)
      field += ch
      atFieldStart = false
      i++
    }
  }
  return records
}

/** Tab-separated rows: LF line ends, no CR, a tab between fields. */
function parseTsv(text: string): string[][] {
  assert.ok(text.endsWith('\n'), `tab-separated output ends with a newline: ${JSON.stringify(text.slice(-20))}`)
  assert.ok(!text.includes('\r'), `tab-separated output has no CR: ${JSON.stringify(text)}`)
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => line.split('\t'))
}

/** What a value looks like in a tab-separated cell: a tab or newline in it is escaped. */
const inTsv = (value: string) => value.replaceAll('\t', '\\t').replaceAll('\n', '\\n')

function checkValue(seen: string, expected: string | RegExp, where: string): void {
  if (expected instanceof RegExp) assert.match(seen, expected, `${where}: saw ${JSON.stringify(seen)}`)
  else assert.equal(seen, expected, `${where}: saw ${JSON.stringify(seen)}, expected ${JSON.stringify(expected)}`)
}

/** Rows (header first) against the JSON objects, column by column. */
function checkRows(format: 'csv' | 'tsv', records: string[][], columns: Column<unknown>[], objects: unknown[], title: string): void {
  assert.deepEqual(records[0], columns.map((c) => c.header), `${title} -o ${format}: the header line, saw ${JSON.stringify(records[0])}`)
  assert.equal(records.length - 1, objects.length, `${title} -o ${format}: one row per object; saw ${records.length - 1} rows for ${objects.length} objects`)
  for (const [r, object] of objects.entries()) {
    const record = records[r + 1]
    assert.equal(record.length, columns.length, `${title} -o ${format}: row ${r + 1} has ${record.length} fields: ${JSON.stringify(record)}`)
    for (const [c, column] of columns.entries()) {
      const expected = column.value(object)
      const where = `${title} -o ${format}: row ${r + 1}, ${column.header}`
      checkValue(record[c], typeof expected === 'string' && format === 'tsv' ? inTsv(expected) : expected, where)
      if (column.time) assert.match(record[c], ISO, `${where}: an ISO 8601 time, saw ${JSON.stringify(record[c])}`)
    }
  }
}

function assertClean(result: RunResult, what: string): void {
  assert.ok(!result.stdout.includes(ESC), `${what}: no ANSI escape on stdout, saw ${JSON.stringify(result.stdout)}`)
  assert.ok(!result.stderr.includes(ESC), `${what}: no ANSI escape on stderr, saw ${JSON.stringify(result.stderr)}`)
  assert.doesNotMatch(result.stdout, BOX, `${what}: no box-drawing character on stdout, saw:\n${result.stdout}`)
}

export interface FormatContext<S> {
  cli: (args: string[], extra?: Record<string, string | undefined>) => Promise<RunResult>
  /** Fresh data for one test, labelled so that its names differ from other tests'. */
  seed: (label: string) => Promise<S>
  /** The case of a title (the cases are built once the emulator runs). */
  find: (title: string) => Case<unknown, S>
}

/** Five tests per title: json, yaml and --json agree; csv; piped rows; no colour when forced; --columns. */
export function formatTests<S>(titles: readonly string[], {cli, seed, find}: FormatContext<S>): void {
  /** The API objects the command prints, as its -o json shows them (one object for a show command, as a list of one). */
  async function objects(c: Case<unknown, S>, args: string[]): Promise<unknown[]> {
    const result = await cli([...args, '-o', 'json'])
    assert.equal(result.code, 0, `${c.title} -o json: exit ${result.code}, stderr: ${result.stderr}`)
    const document = parseJson<unknown>(result)
    if (c.record) {
      assert.ok(document !== null && typeof document === 'object' && !Array.isArray(document), `${c.title} -o json: one object, saw ${result.stdout}`)
      return [document]
    }
    assert.ok(Array.isArray(document), `${c.title} -o json: an array, saw ${result.stdout}`)
    return document
  }

  for (const title of titles) {
    describe(title, () => {
      it('-o json and --json print the same API objects; -o yaml parses to them', async () => {
        const c = find(title)
        const args = c.args(await seed('json'))
        const asJson = await cli([...args, '-o', 'json'])
        assert.equal(asJson.code, 0, `${title} -o json: exit ${asJson.code}, stderr: ${asJson.stderr}`)
        const flag = await cli([...args, '--json'])
        assert.equal(flag.code, 0, `${title} --json: exit ${flag.code}, stderr: ${flag.stderr}`)
        const yaml = await cli([...args, '-o', 'yaml'])
        assert.equal(yaml.code, 0, `${title} -o yaml: exit ${yaml.code}, stderr: ${yaml.stderr}`)
        const document = parseJson(asJson)
        // The usage answer says when it was made; everything else must be equal.
        const stable = (value: unknown) => (title === 'db usage' ? {...(value as object), generatedAt: 'varies'} : value)
        assert.deepEqual(stable(parseJson(flag)), stable(document), `${title}: --json and -o json differ:\n${flag.stdout}\n---\n${asJson.stdout}`)
        let parsed: unknown
        assert.doesNotThrow(() => (parsed = parseYaml(yaml.stdout)), `${title} -o yaml: stdout is one YAML document, saw:\n${yaml.stdout}`)
        assert.deepEqual(stable(parsed), stable(document), `${title}: -o yaml and -o json differ:\n${yaml.stdout}\n---\n${asJson.stdout}`)
        assert.ok(!yaml.stdout.trimStart().startsWith('{') && !yaml.stdout.trimStart().startsWith('['), `${title} -o yaml: YAML, not JSON, saw:\n${yaml.stdout}`)
        for (const [what, result] of [['-o json', asJson], ['--json', flag], ['-o yaml', yaml]] as const) assertClean(result, `${title} ${what}`)
      })

      it('-o csv is RFC 4180 (CRLF, quoted commas and quotes) with the same values', async () => {
        const c = find(title)
        const args = c.args(await seed('csv'))
        const expected = await objects(c, args)
        const result = await cli([...args, '-o', 'csv'])
        assert.equal(result.code, 0, `${title} -o csv: exit ${result.code}, stderr: ${result.stderr}`)
        assertClean(result, `${title} -o csv`)
        checkRows('csv', parseCsv(result.stdout), c.columns, expected, title)
      })

      it('piped, the table is tab-separated rows under a header line, ISO 8601 times, no borders, no colour', async () => {
        const c = find(title)
        const args = c.args(await seed('tsv'))
        const expected = await objects(c, args)
        const result = await cli(args)
        assert.equal(result.code, 0, `${title}: exit ${result.code}, stderr: ${result.stderr}`)
        assertClean(result, `${title} (piped)`)
        checkRows('tsv', parseTsv(result.stdout), c.columns, expected, title)
        // -o table says the same thing explicitly.
        const explicit = await cli([...args, '-o', 'table'])
        assert.equal(explicit.code, 0, `${title} -o table: exit ${explicit.code}, stderr: ${explicit.stderr}`)
        checkRows('tsv', parseTsv(explicit.stdout), c.columns, expected, `${title} -o table`)
      })

      it('FORCE_COLOR=1 piped: tab-separated, csv, json and yaml carry no colour', async () => {
        // print.ts writes TSV and CSV without colour whatever the environment (they are data for
        // other programs); only a table on a terminal has bold headers. JSON and YAML never do.
        const c = find(title)
        const args = c.args(await seed('colour'))
        for (const format of [[], ['-o', 'csv'], ['-o', 'json'], ['-o', 'yaml']]) {
          const result = await cli([...args, ...format], {FORCE_COLOR: '1'})
          assert.equal(result.code, 0, `${title} ${format.join(' ')} with FORCE_COLOR=1: exit ${result.code}, stderr: ${result.stderr}`)
          assertClean(result, `${title} ${format.join(' ')} with FORCE_COLOR=1`)
        }
      })

      it('--columns picks and orders the columns in tab-separated and csv output; an unknown one is exit 2 naming the valid ones', async () => {
        const c = find(title)
        const args = c.args(await seed('columns'))
        const expected = await objects(c, args)
        for (const order of [c.pick, [...c.pick].reverse()]) {
          const chosen = order.map((name) => c.columns.find((column) => column.name === name)!)
          const tsv = await cli([...args, '--columns', order.join(',')])
          assert.equal(tsv.code, 0, `${title} --columns ${order.join(',')}: exit ${tsv.code}, stderr: ${tsv.stderr}`)
          checkRows('tsv', parseTsv(tsv.stdout), chosen, expected, `${title} --columns ${order.join(',')}`)
          const csv = await cli([...args, '--columns', order.join(','), '-o', 'csv'])
          assert.equal(csv.code, 0, `${title} --columns ${order.join(',')} -o csv: exit ${csv.code}, stderr: ${csv.stderr}`)
          checkRows('csv', parseCsv(csv.stdout), chosen, expected, `${title} --columns ${order.join(',')} -o csv`)
        }

        const unknown = await cli([...args, '--columns', `${c.pick[0]},bogus`])
        assert.equal(unknown.code, 2, `${title} --columns ${c.pick[0]},bogus: exit 2 expected, saw ${unknown.code}; stderr: ${unknown.stderr}`)
        assert.ok(unknown.stderr.includes('Error: Unknown column for --columns: bogus.'), `${title}: the error names the unknown column, stderr: ${unknown.stderr}`)
        const valid = `Valid columns: ${c.columns.map((column) => column.name).join(', ')}.`
        assert.ok(unknown.stderr.includes(valid), `${title}: the error says "${valid}", stderr: ${unknown.stderr}`)
        assert.equal(unknown.stdout, '', `${title}: nothing on stdout for a usage error, saw ${JSON.stringify(unknown.stdout)}`)
      })
    })
  }

}
