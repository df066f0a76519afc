import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {Project} from '../../src/api/contract.js'
import {UsageError} from '../../src/errors.js'
import type {FieldSpec} from '../../src/output/fields.js'
import {boxedTable, columnsToKeep, fitWidths, leaveOutOrder, printList, printRecord, toCsv, toTsv, wrapText} from '../../src/output/print.js'
import {
  anyRegionFields,
  backupFields,
  bucketFields,
  bucketKeyFields,
  connectionFields,
  databaseFields,
  integrationFields,
  profileFields,
  projectFields,
  regionFields,
  serviceTokenFields,
  workspaceFields,
} from '../../src/output/resources.js'
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

describe('tables that fit a terminal', () => {
  // As long as the API's ids (25 characters).
  const ID = (n: number) => `cmxdxule5041wb3o1afc9${String(n).padStart(4, '0')}`
  const projects = (names: string[], {workspace = 'Acme', regions = ['eu-central-1']} = {}): Project[] =>
    names.map((name, i) => ({
      id: ID(i + 1),
      type: 'project',
      url: `https://api.example.test/v1/projects/${ID(i + 1)}`,
      name,
      logicalId: null,
      createdAt: '2026-12-07T14:03:59.999Z',
      defaultRegion: regions[i % regions.length],
      workspace: {id: 'ws_1', url: 'https://api.example.test/v1/workspaces/ws_1', name: workspace},
    }))
  const terminal = (columns: number) => fakeIO({tty: true, columns, env: {NO_COLOR: '1'}})

  it('projects at 80 columns: the shared workspace and region said once, names, ids and times whole', async () => {
    const io = terminal(80)
    await printList({io, format: 'table'}, projectFields, projects(['billing-prod', 'marketing-website', 'analytics']))
    assert.equal(
      io.stdout.text,
      [
        'Workspace: Acme',
        'Region: eu-central-1',
        '┌───────────────────────────┬───────────────────┬──────────────────┐',
        '│ ID                        │ NAME              │ CREATED          │',
        '├───────────────────────────┼───────────────────┼──────────────────┤',
        '│ cmxdxule5041wb3o1afc90001 │ billing-prod      │ 2026-12-07 14:03 │',
        '│ cmxdxule5041wb3o1afc90002 │ marketing-website │ 2026-12-07 14:03 │',
        '│ cmxdxule5041wb3o1afc90003 │ analytics         │ 2026-12-07 14:03 │',
        '└───────────────────────────┴───────────────────┴──────────────────┘',
        '',
      ].join('\n'),
    )
  })

  it('projects at 80 columns in two regions: the region is a column, created goes first and is named', async () => {
    const io = terminal(80)
    await printList({io, format: 'table'}, projectFields, projects(['billing-prod', 'marketing-website-eu'], {regions: ['eu-central-1', 'us-east-1']}))
    assert.equal(
      io.stdout.text,
      [
        'Workspace: Acme',
        '┌───────────────────────────┬──────────────────────┬──────────────┐',
        '│ ID                        │ NAME                 │ REGION       │',
        '├───────────────────────────┼──────────────────────┼──────────────┤',
        '│ cmxdxule5041wb3o1afc90001 │ billing-prod         │ eu-central-1 │',
        '│ cmxdxule5041wb3o1afc90002 │ marketing-website-eu │ us-east-1    │',
        '└───────────────────────────┴──────────────────────┴──────────────┘',
        'Left out to fit: created (see --columns).',
        '',
      ].join('\n'),
    )
  })

  it('off a terminal, in csv and with --columns nothing is said once: every column, every row, full ISO times', async () => {
    const rows = projects(['billing-prod', 'analytics'])
    const piped = fakeIO()
    await printList({io: piped, format: 'table'}, projectFields, rows)
    assert.equal(
      piped.stdout.text,
      'ID\tNAME\tWORKSPACE\tREGION\tCREATED\n' +
        `${ID(1)}\tbilling-prod\tAcme\teu-central-1\t2026-12-07T14:03:59.999Z\n${ID(2)}\tanalytics\tAcme\teu-central-1\t2026-12-07T14:03:59.999Z\n`,
    )
    const csv = terminal(80)
    await printList({io: csv, format: 'csv'}, projectFields, rows)
    assert.equal(csv.stdout.text.split('\r\n')[1], `${ID(1)},billing-prod,Acme,eu-central-1,2026-12-07T14:03:59.999Z`)
    const chosen = terminal(80)
    await printList({io: chosen, format: 'table', columns: ['name', 'workspace']}, projectFields, rows)
    assert.equal(chosen.stdout.text, ['┌──────────────┬───────────┐', '│ NAME         │ WORKSPACE │', '├──────────────┼───────────┤', '│ billing-prod │ Acme      │', '│ analytics    │ Acme      │', '└──────────────┴───────────┘', ''].join('\n'))
  })

  it('a value that differs on one row keeps its column', async () => {
    const rows = [...projects(['billing-prod']), ...projects(['side'], {workspace: 'Side project'})]
    const text = await boxedTable(terminal(200), projectFields, rows)
    assert.ok(!text.includes('Workspace:'), text)
    assert.match(text, /^│ ID +│ NAME +│ WORKSPACE +│ CREATED +│$/m, text)
    assert.match(text, /^Region: eu-central-1$/m, text)
  })

  it('a name too long for any room wraps inside its cell, every character kept; the other rows stay one line', async () => {
    const long = 'a-project-name-far-too-long-for-any-eighty-column-terminal-table-cell-to-hold'
    const text = await boxedTable(terminal(80), projectFields, projects(['billing-prod', long]))
    for (const line of text.split('\n')) assert.ok([...line].length <= 80, `a line of ${[...line].length} columns: ${line}`)
    assert.ok(!text.includes('…'), `nothing cut:\n${text}`)
    const names = text.split('\n').filter((line) => line.startsWith('│')).map((line) => line.split('│')[2].trim())
    assert.equal(names.slice(2).join(''), long, `the wrapped lines join to the whole name:\n${text}`)
    assert.match(text, /^│ cmxdxule5041wb3o1afc90001 │ billing-prod +│/m, text)
  })

  it('wrapText breaks after a separator near the end of the room, else anywhere; lines keep every character', () => {
    const width = (text: string) => [...text].length
    assert.equal(wrapText('billing-production-eu-replica', 11, width), 'billing-\nproduction-\neu-replica')
    assert.equal(wrapText('abcdefghijklmnop', 5, width), 'abcde\nfghij\nklmno\np')
    assert.equal(wrapText('short', 10, width), 'short')
    assert.equal(wrapText('one two\nthree', 4, width), 'one \ntwo\nthre\ne')
  })

  it('leaveOutOrder: unranked shrinkable columns from the right, then by rank; ids and names never', () => {
    const spec: FieldSpec<Row> = [
      {name: 'id', header: 'ID', text: (r) => r.id, whole: true},
      {name: 'name', header: 'NAME', text: (r) => r.name, wrap: true},
      {name: 'a', header: 'A', text: () => 'a'},
      {name: 'status', header: 'STATUS', text: () => 's', whole: true, leaveOut: 2},
      {name: 'b', header: 'B', text: () => 'b'},
      {name: 'created', header: 'CREATED', text: (r) => r.created, whole: true, leaveOut: 1},
    ]
    assert.deepEqual(leaveOutOrder(spec).map((i) => spec[i].name), ['b', 'a', 'created', 'status'])
  })

  it('columnsToKeep: columns go in order until the rest fit; narrower ones that went before a wide one come back', () => {
    const spec: FieldSpec<Row> = [
      {name: 'id', header: 'ID', text: (r) => r.id, whole: true},
      {name: 'wide', header: 'WIDE', text: () => '', whole: true, leaveOut: 3},
      {name: 'small', header: 'SMALL', text: () => '', whole: true, leaveOut: 1},
      {name: 'status', header: 'STATUS', text: () => '', whole: true, leaveOut: 4},
      {name: 'middle', header: 'MIDDLE', text: () => '', whole: true, leaveOut: 2},
    ]
    // Widths 10, 30, 5, 6, 8: each column takes 3 more for its borders and padding, the table 1.
    const needed = [10, 30, 5, 6, 8]
    assert.deepEqual(columnsToKeep(spec, needed, 200), [true, true, true, true, true])
    // 35 columns: small, middle and wide go before id and status fit (1 + 13 + 9 = 23); then middle,
    // the last of them to go, comes back first (34), and small (8 more) no longer fits.
    assert.deepEqual(columnsToKeep(spec, needed, 35), [true, false, false, true, true])
    // Too narrow for even id and status: status goes last, and id stays.
    assert.deepEqual(columnsToKeep(spec, needed, 12), [true, false, false, false, false])
  })

  it('every table spec keeps ids and names and ranks every other column, STATUS last', () => {
    const specs = {
      projectFields,
      databaseFields,
      connectionFields,
      workspaceFields,
      regionFields,
      anyRegionFields: anyRegionFields(),
      backupFields,
      profileFields,
      serviceTokenFields,
      bucketFields,
      bucketKeyFields,
      integrationFields,
    } as Record<string, FieldSpec<never>>
    for (const [name, spec] of Object.entries(specs)) {
      for (const field of spec) {
        // Always kept: the id, and the name people know the resource by (it wraps rather than go).
        const always = field.name === 'id' || field.name === 'name' || field.wrap === true
        if (always) assert.equal(field.leaveOut, undefined, `${name}: ${field.name} is never left out`)
        else assert.equal(typeof field.leaveOut, 'number', `${name}: ${field.name} has its place in the order of leaving out`)
        if (field.name === 'name') assert.ok(field.whole || field.wrap, `${name}: a name is never cut`)
        if (['id', 'region', 'created', 'project', 'status'].includes(field.name)) assert.ok(field.whole, `${name}: ${field.name} is never cut`)
      }
      const ranks = spec.flatMap((f) => (f.leaveOut === undefined ? [] : [f.leaveOut]))
      assert.equal(new Set(ranks).size, ranks.length, `${name}: one column per rank`)
      const status = spec.find((f) => f.name === 'status')
      if (status) assert.equal(status.leaveOut, Math.max(...ranks), `${name}: status is the last to go`)
    }
  })

  it('a record on a terminal: a name too long wraps in its cell, never cut', async () => {
    const io = terminal(40)
    const name = 'billing-production-replica-in-frankfurt-for-reports'
    await printRecord({io, format: 'table'}, projectFields, projects([name])[0])
    assert.ok(!io.stdout.text.includes('…'), io.stdout.text)
    const lines = io.stdout.text.split('\n')
    const from = lines.findIndex((line) => line.startsWith('│ NAME'))
    const to = lines.findIndex((line) => line.startsWith('│ WORKSPACE'))
    assert.ok(from > 0 && to > from + 1, `the name takes more than one line:\n${io.stdout.text}`)
    assert.equal(lines.slice(from, to).map((line) => line.split('│')[2].trim()).join(''), name, io.stdout.text)
    for (const line of lines) assert.ok([...line].length <= 40, `a line wider than the terminal: ${line}`)
  })
})
