// YAML documents as scripts read them: a long value (a connection string) stays on one line so it
// copies whole, and an object met twice is written twice, never as an anchor and an alias.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {parse} from 'yaml'

import {toYaml} from '../../src/output/print.js'

describe('YAML output', () => {
  it('a long string stays on one line', async () => {
    const url = `postgres://user:${'p'.repeat(120)}@db.example.test:5432/postgres?sslmode=require&connection_limit=5`
    const text = await toYaml({connectionString: url, note: 'word '.repeat(40).trim()})
    assert.equal(text, `connectionString: ${url}\nnote: ${'word '.repeat(40).trim()}\n`)
  })

  it('the same object twice is written out twice', async () => {
    const region = {id: 'us-east-1', name: 'US East'}
    const text = await toYaml([{region}, {region}])
    assert.ok(!/[&*]a\d/.test(text), `no anchors or aliases:\n${text}`)
    assert.deepEqual(parse(text), [{region}, {region}])
  })
})
