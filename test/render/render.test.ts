import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {Project} from '../../src/api/contract.js'
import {formatBytes, formatTime, timestampName} from '../../src/render/format.js'
import {renderConnectionDetails} from '../../src/render/connection-details.js'
import {writeJson} from '../../src/render/json.js'
import {projectColumns} from '../../src/render/resources.js'
import {renderTable} from '../../src/render/table.js'
import {colorEnabled} from '../../src/render/terminal.js'

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
  it('a table from the resource declaration, with no ANSI codes off a TTY', async () => {
    const text = await renderTable(projectColumns, [project(1), project(2)])
    assert.equal(
      text,
      [
        '┌───────┬────────┬───────────┬───────────┬──────────────────────┐',
        '│ ID    │ NAME   │ WORKSPACE │ REGION    │ CREATED              │',
        '├───────┼────────┼───────────┼───────────┼──────────────────────┤',
        '│ proj1 │ name-1 │ Acme      │ us-east-1 │ 2026-11-28 09:58 UTC │',
        '│ proj2 │ name-2 │ Acme      │ -         │ 2026-11-28 09:58 UTC │',
        '└───────┴────────┴───────────┴───────────┴──────────────────────┘',
      ].join('\n'),
    )
  })

  it('colour only on a TTY and never with NO_COLOR', () => {
    const tty = {isTTY: true} as NodeJS.WriteStream
    const pipe = {isTTY: false} as NodeJS.WriteStream
    assert.equal(colorEnabled(tty, {}), true)
    assert.equal(colorEnabled(tty, {NO_COLOR: ''}), false)
    assert.equal(colorEnabled(tty, {NO_COLOR: '1'}), false)
    assert.equal(colorEnabled(pipe, {}), false)
  })

  it('formats times, sizes and default names', () => {
    assert.equal(formatTime('2026-01-02T03:04:05Z'), '2026-01-02 03:04 UTC')
    assert.equal(formatTime('not a date'), 'not a date')
    assert.equal(formatTime(null), '-')
    assert.equal(formatBytes(512), '512 B')
    assert.equal(formatBytes(1536), '1.5 KiB')
    assert.equal(formatBytes(5 * 1024 ** 3), '5.0 GiB')
    assert.equal(formatBytes(123 * 1024 ** 2), '123 MiB')
    assert.equal(timestampName('project', new Date('2026-11-28T09:05:07.999Z')), 'project-20261128-090507')
  })

  it('writeJson streams long arrays as the same document JSON.stringify would give', () => {
    for (const count of [0, 1, 256, 257, 1000]) {
      const items = Array.from({length: count}, (_, i) => ({...project(i), note: 'line\nbreak "quoted"'}))
      const chunks: string[] = []
      writeJson({write: (chunk: string) => chunks.push(chunk)} as unknown as NodeJS.WritableStream, items)
      assert.equal(chunks.join(''), `${JSON.stringify(items, null, 2)}\n`)
      if (count > 256) assert.equal(chunks.length, Math.floor(count / 256) + 1, 'written in batches')
    }
  })

  it('connection details: every field in a table; a string too long for a row stands alone, whole', async () => {
    const key = 'k'.repeat(300)
    const text = await renderConnectionDetails({
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
