// What `prisma-mgmt help` says of each topic names everything in it.
import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {ROOT} from './run-command.js'

describe('topic descriptions', () => {
  it('every topic with commands has a description naming each command and topic in it', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {oclif: {topics: Record<string, {description: string}>}}
    const manifest = JSON.parse(await readFile(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {hidden?: boolean}>}
    const children = new Map<string, Set<string>>()
    for (const [id, command] of Object.entries(manifest.commands)) {
      if (command.hidden) continue
      const words = id.split(':')
      // Each command is a child of its topic, and each topic a child of the one above it.
      for (let depth = 1; depth < words.length; depth++) {
        const topic = words.slice(0, depth).join(':')
        if (!children.has(topic)) children.set(topic, new Set())
        children.get(topic)!.add(words[depth])
      }
    }
    assert.ok(children.size > 0, 'the manifest lists commands in topics')
    for (const [topic, names] of children) {
      const description = pkg.oclif.topics[topic]?.description
      assert.ok(description, `topic "${topic.replaceAll(':', ' ')}" has a description in package.json`)
      const words = new Set(description.toLowerCase().split(/[^a-z0-9-]+/))
      const missing = [...names].filter((name) => !words.has(name))
      assert.deepEqual(missing, [], `"${topic.replaceAll(':', ' ')}": "${description}" names every command and topic in it`)
    }
  })
})
