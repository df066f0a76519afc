import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {Project} from '../../src/api/contract.js'
import {colourEnabled} from '../../src/io/streams.js'
import {timestampName, unusedName} from '../../src/flows/names.js'
import {boxedTable} from '../../src/output/print.js'
import {humanBytes, projectFields, shortTime} from '../../src/output/resources.js'
import {renderConnectionDetails} from '../../src/render/connection-details.js'
import {writeJson} from '../../src/output/json.js'
import {fakeIO} from '../unit/fake-io.js'

const project = (i: number): Project => ({
  id: `proj${i}`,
  type: 'project',
  url: `http://127.0.0.1/v1/projects/proj${i}`,
  name: `name-${i}`,
  logicalId: null,
  createdAt: '2026-11-28T09:58:12.345Z',
  defaultRegion: i % 2 ? 'us-east-1' : null,
  workspace: {id: 'ws', url: 'http://127.0.0.1/v1/workspaces/ws', name: 'Acme'},
})

describe('render', () => {
  it('a table from the resource declaration, with no ANSI codes when colour is off; the workspace all rows share is said once', async () => {
    const text = await boxedTable(fakeIO({tty: true, columns: 200, env: {NO_COLOR: '1'}}), projectFields, [project(1), project(2)])
    assert.equal(
      text,
      [
        'Workspace: Acme',
        '┌───────┬────────┬───────────┬──────────────────┐',
        '│ ID    │ NAME   │ REGION    │ CREATED          │',
        '├───────┼────────┼───────────┼──────────────────┤',
        '│ proj1 │ name-1 │ us-east-1 │ 2026-11-28 09:58 │',
        '│ proj2 │ name-2 │ -         │ 2026-11-28 09:58 │',
        '└───────┴────────┴───────────┴──────────────────┘',
      ].join('\n'),
    )
  })

  it('colour on a terminal; NO_COLOR (not empty), FORCE_COLOR=0 and TERM=dumb turn it off; FORCE_COLOR turns it on off a terminal', () => {
    const tty = {isTTY: true}
    const pipe = {isTTY: false}
    assert.equal(colourEnabled(tty, {}), true)
    assert.equal(colourEnabled(tty, {NO_COLOR: ''}), true, 'an empty NO_COLOR counts as unset (no-color.org)')
    assert.equal(colourEnabled(tty, {NO_COLOR: '1'}), false)
    assert.equal(colourEnabled(tty, {FORCE_COLOR: '0'}), false)
    assert.equal(colourEnabled(tty, {TERM: 'dumb'}), false)
    assert.equal(colourEnabled(pipe, {}), false)
    assert.equal(colourEnabled(pipe, {FORCE_COLOR: '1'}), true)
    assert.equal(colourEnabled(pipe, {FORCE_COLOR: '1', NO_COLOR: '1'}), false, 'NO_COLOR wins')
  })

  it('formats times, sizes and default names', () => {
    assert.equal(shortTime('2026-01-02T03:04:05Z'), '2026-01-02 03:04')
    assert.equal(shortTime('not a date'), 'not a date')
    assert.equal(shortTime(null), '-')
    assert.equal(humanBytes(512), '512 B')
    assert.equal(humanBytes(1536), '1.5 KiB')
    assert.equal(humanBytes(5 * 1024 ** 3), '5.0 GiB')
    assert.equal(humanBytes(123 * 1024 ** 2), '123 MiB')
    assert.equal(timestampName('project', new Date('2026-11-28T09:05:07.999Z')), 'project-20261128-090507')
    assert.equal(unusedName('c', ['a']), 'c')
    assert.equal(unusedName('c', ['c', 'c-2']), 'c-3')
  })

  it('writeJson streams long arrays as the same document JSON.stringify would give', () => {
    for (const count of [0, 1, 256, 257, 1000]) {
      const items = Array.from({length: count}, (_, i) => ({...project(i), note: 'line\nbreak "quoted"'}))
      const chunks: string[] = []
      writeJson({write: (chunk: string) => chunks.push(chunk)}, items)
      assert.equal(chunks.join(''), `${JSON.stringify(items, null, 2)}\n`)
      if (count > 256) assert.equal(chunks.length, Math.floor(count / 256) + 1, 'written in batches')
    }
  })

  it('connection details: every field in a table; a string too wide for the terminal stands alone, whole', async () => {
    const key = 'k'.repeat(300)
    const text = await renderConnectionDetails(fakeIO({tty: true, columns: 100, env: {NO_COLOR: '1'}}), {
      id: 'c1',
      name: 'app',
      endpoints: [
        {endpoint: 'direct', connectionString: 'postgres://u:p%40ss@db.example:5432/app', host: 'db.example', port: 5432, user: 'u', password: 'p@ss', database: 'app'},
        {endpoint: 'accelerate', connectionString: `prisma+postgres://accelerate.example/?api_key=${key}`, host: 'accelerate.example', port: 443},
      ],
    })
    assert.equal(
      text,
      [
        'Connection app (c1)',
        '',
        'Direct connection',
        '┌───────────────────┬─────────────────────────────────────────┐',
        '│ Connection string │ postgres://u:p%40ss@db.example:5432/app │',
        '│ Host              │ db.example                              │',
        '│ Port              │ 5432                                    │',
        '│ User              │ u                                       │',
        '│ Password          │ p@ss                                    │',
        '│ Database          │ app                                     │',
        '└───────────────────┴─────────────────────────────────────────┘',
        '',
        'Prisma Accelerate',
        'Connection string:',
        `prisma+postgres://accelerate.example/?api_key=${key}`,
        '┌──────┬────────────────────┐',
        '│ Host │ accelerate.example │',
        '│ Port │ 443                │',
        '└──────┴────────────────────┘',
      ].join('\n'),
    )
  })
})

describe('numbers as people read them', () => {
  it('grouped rounds, never cuts: thousands grouped, three decimals, three significant digits below 1', async () => {
    const {grouped} = await import('../../src/api/digits.js')
    const cases: [number, string][] = [
      [0, '0'],
      [10_000, '10,000'],
      [1_234_567, '1,234,567'],
      [1234.5678, '1,234.568'],
      [0.007865, '0.00787'],
      [0.0078649, '0.00786'],
      [0.25, '0.25'],
      [0.9996, '1'],
      [2.9999, '3'],
      [-1234.5, '-1,234.5'],
      [0.000000123, '1.23e-7'],
    ]
    for (const [value, text] of cases) assert.equal(grouped(value), text, String(value))
  })
})
