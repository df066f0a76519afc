#!/usr/bin/env node
// `oclif manifest` lists commands in the order the file system returns them, which differs
// between checkouts; sorting them makes the committed manifest the same on every machine.
// Usage: node scripts/sort-manifest.js [DIR]   (DIR holds oclif.manifest.json; default: the project)
import {readFileSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const dir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'))
const file = join(dir, 'oclif.manifest.json')
const manifest = JSON.parse(readFileSync(file, 'utf8'))
manifest.commands = Object.fromEntries(Object.entries(manifest.commands).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`)
