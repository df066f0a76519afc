#!/usr/bin/env node
// The unit tier's JavaScript: transpiles the TypeScript of src/, test/ and scripts/ into
// .test-build/ (the same layout), so `npm run test:unit` runs each test file as plain JavaScript
// instead of loading a TypeScript loader into every test process (a quarter of a second of CPU
// each, and a worker thread every module passes through). Everything else a test reads through a
// path beside its own (fixtures, package.json, the manifest, the README, dist/) is a symlink to the
// original. esbuild only strips the types: `npm run lint` type-checks the tests.
//   node scripts/test-build.js            writes .test-build/
import {lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'

import {build} from 'esbuild'

const ROOT = resolve(import.meta.dirname, '..')
export const OUT = join(ROOT, '.test-build')
const SOURCES = ['src', 'test', 'scripts']
// Folders kept whole, as links: installed packages of the fixtures are not ours to transpile.
const LINKED_DIRS = new Set(['node_modules', 'fixtures'])
const ROOT_FILES = ['package.json', 'oclif.manifest.json', 'README.md', 'CHANGELOG.md', 'tsconfig.json', 'docs', 'dist', 'bin', '.ci']

function link(target, path) {
  mkdirSync(dirname(path), {recursive: true})
  symlinkSync(relative(dirname(path), target), path)
}

const entryPoints = []
function walk(dir) {
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name)
    const mirrored = join(OUT, relative(ROOT, path))
    if (entry.isDirectory()) {
      if (LINKED_DIRS.has(entry.name)) link(path, mirrored)
      else walk(path)
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) entryPoints.push(path)
    else link(path, mirrored)
  }
}

rmSync(OUT, {recursive: true, force: true})
for (const source of SOURCES) walk(join(ROOT, source))
for (const name of ROOT_FILES) {
  try {
    lstatSync(join(ROOT, name))
  } catch {
    continue
  }
  link(join(ROOT, name), join(OUT, name))
}
await build({entryPoints, outdir: OUT, outbase: ROOT, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning'})
