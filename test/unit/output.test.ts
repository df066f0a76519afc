import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {UsageError} from '../../src/errors.js'
import type {FieldSpec} from '../../src/output/fields.js'
import {fitWidths, printList, printRecord, toCsv, toTsv} from '../../src/output/print.js'
import {fakeIO} from './fake-io.js'

interface Row {
  id: string
  name: string
  created: string
}

const spec: FieldSpec<Row> = [
  {name: 'id', header: 'ID', text: (r) => r.id, whole: true},
  {name: 'name', header: 'NAME', text: (r) => r.name},
  {name: 'created', header: 'CREATED', text: (r) => r.created.slice(0, 10), plain: (r) => r.created},
]
const rows: Row[] = [
  {id: 'cmx1', name: 'billing, "main"', created: '2026-11-29T00:00:00.000Z'},
  {id: 'cmx2', name: 'multi\nline\ttab', created: '2026-11-28T12:30:00.000Z'},
]

describe('output formats', () => {
  it('off a terminal, table is tab-separated rows under a header line, ISO times, no borders or colour', async () => {
    const io = fakeIO({env: {FORCE_COLOR: '1'}})
    await printList({io, format: 'table'}, spec, rows)
    assert.equal(io.stdout.text, 'ID\tNAME\tCREATED\ncmx1\tbilling, "main"\t2026-11-29T00:00:00.000Z\ncmx2\tmulti\\nline\\ttab\t2026-11-28T12:30:00.000Z\n')
  })

  it('csv follows RFC 4180: CRLF, quotes around commas, quotes and line breaks, quotes doubled', () => {
    assert.equal(
      toCsv(spec, rows),
      'ID,NAME,CREATED\r\ncmx1,"billing, ""main""",2026-11-29T00:00:00.000Z\r\ncmx2,"multi\nline\ttab",2026-11-28T12:30:00.000Z\r\n',
    )
  })

  it('yaml and json print the objects themselves', async () => {
    const io = fakeIO()
    await printList({io, format: 'yaml'}, spec, rows.slice(0, 1))
    assert.equal(io.stdout.text, '- id: cmx1\n  name: billing, "main"\n  created: 2026-11-29T00:00:00.000Z\n')
    const json = fakeIO()
    await printRecord({io: json, format: 'json'}, spec, rows[0])
    assert.deepEqual(JSON.parse(json.stdout.text), rows[0])
  })

  it('--columns picks and orders columns; an unknown one is a usage error naming the valid ones', async () => {
    assert.equal(toTsv(spec.filter((f) => f.name !== 'created'), rows.slice(0, 1)), 'ID\tNAME\ncmx1\tbilling, "main"\n')
    const io = fakeIO()
    await printList({io, format: 'csv', columns: ['name', 'ID']}, spec, rows.slice(0, 1))
    assert.equal(io.stdout.text, 'NAME,ID\r\n"billing, ""main""",cmx1\r\n')
    await assert.rejects(printList({io, format: 'table', columns: ['id', 'region']}, spec, rows), (error: unknown) => {
      assert.ok(error instanceof UsageError, String(error))
      assert.equal(error.message, 'Unknown column for --columns: region.')
      assert.equal(error.next, 'Valid columns: id, name, created.')
      return true
    })
  })

  it('on an 80-column terminal a wide table is shrunk to fit; whole columns keep every character', async () => {
    const io = fakeIO({tty: true, columns: 80, env: {NO_COLOR: '1'}})
    const long = [{id: 'cmx12xnoy04jsjco8thl09s08-very-long-id', name: 'n'.repeat(90), created: '2026-11-29T00:00:00.000Z'}]
    await printList({io, format: 'table'}, spec, long)
    const lines = io.stdout.text.trimEnd().split('\n')
    for (const line of lines) assert.ok([...line].length <= 80, `line of ${[...line].length} columns: ${line}`)
    assert.ok(io.stdout.text.includes('cmx12xnoy04jsjco8thl09s08-very-long-id'), 'the id is whole')
    assert.ok(io.stdout.text.includes('…'), 'the long name ends in an ellipsis')
  })

  it('on a terminal with colour only the headers carry SGR codes; NO_COLOR, FORCE_COLOR=0 and TERM=dumb turn it off', async () => {
    const coloured = fakeIO({tty: true})
    await printList({io: coloured, format: 'table'}, spec, rows.slice(0, 1))
    assert.ok(coloured.stdout.text.includes('\u001b[1mID\u001b[22m'), coloured.stdout.text)
    for (const env of [{NO_COLOR: '1'}, {FORCE_COLOR: '0'}, {TERM: 'dumb'}]) {
      const io = fakeIO({tty: true, env})
      await printList({io, format: 'table'}, spec, rows.slice(0, 1))
      assert.ok(!io.stdout.text.includes('\u001b'), `${JSON.stringify(env)}: ${io.stdout.text}`)
    }
  })

  it('fitWidths takes from the widest shrinkable column first and never below the minimum', () => {
    assert.deepEqual(fitWidths([10, 50, 30], [2, 8, 8], [true, false, false], 60), [10, 20, 20])
    assert.deepEqual(fitWidths([10, 9], [2, 8], [true, false], 5), [10, 8])
  })

  it('a record on a terminal is a label/value table; a whole value too wide stands on its own line above it', async () => {
    const io = fakeIO({tty: true, columns: 40, env: {NO_COLOR: '1'}})
    const row = {id: 'x'.repeat(60), name: 'short', created: '2026-11-29T00:00:00.000Z'}
    await printRecord({io, format: 'table'}, spec, row)
    const [first, second] = io.stdout.text.split('\n')
    assert.equal(first, 'ID:')
    assert.equal(second, 'x'.repeat(60))
    assert.match(io.stdout.text, /│ NAME\s+│ short\s+│/)
  })
})
