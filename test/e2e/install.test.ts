// Installing without the npm registry's `prisma-mgmt` (the name there is not this project's), as
// the README says: a tarball from `npm pack`, installed with `npm install -g` into a prefix of its
// own, gives a `prisma-mgmt` on PATH that runs the built commands. The tarball is packed from the
// build the tier runs against (`--ignore-scripts`: prepack would rebuild dist/ under the other
// tests' feet); its dependencies come from the npm registry, as a user's install gets them.
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {readFile, readdir} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {after, before, describe, it} from 'node:test'

import {ROOT, removeDir, tempDir} from './harness.js'

const exec = promisify(execFile)
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {version: string; scripts: Record<string, string>; files: string[]}
const manifest = JSON.parse(await readFile(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {relativePath?: string[]}>}

describe('npm pack, then npm install -g of the tarball (the README\'s install)', () => {
  let dir: string
  let tarball: string
  let files: string[]

  before(async () => {
    dir = await tempDir('prisma-mgmt-install-')
    const {stdout} = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {cwd: ROOT, maxBuffer: 16 * 1024 * 1024})
    const [packed] = JSON.parse(stdout) as {filename: string; files: {path: string}[]}[]
    tarball = join(dir, packed.filename)
    files = packed.files.map((file) => file.path)
  })

  after(async () => {
    if (dir) await removeDir(dir)
  })

  it('the tarball is prisma-mgmt-<version>.tgz and holds the built CLI, not its sources', () => {
    assert.equal(tarball, join(dir, `prisma-mgmt-${pkg.version}.tgz`), 'the file name the README gives')
    for (const file of ['bin/run.js', 'oclif.manifest.json', 'package.json', 'README.md']) assert.ok(files.includes(file), `${file} is in the tarball`)
    for (const [id, command] of Object.entries(manifest.commands)) {
      const path = command.relativePath?.join('/')
      assert.ok(path && files.includes(path), `the built ${id} (${path}) is in the tarball`)
    }
    assert.deepEqual(files.filter((file) => /^(src|test|scripts)\//.test(file)), [], 'no sources or tests')
    // A clone that was never built packs a built CLI all the same.
    assert.match(pkg.scripts.prepack ?? '', /npm run build/, 'prepack builds')
    assert.equal(pkg.scripts.prepare, undefined, 'no prepare script: npm ci stays a plain install')
  })

  it('installs into a prefix of its own; the prisma-mgmt it puts on PATH runs', {timeout: 300_000}, async () => {
    const prefix = join(dir, 'prefix')
    // npm's own cache is the machine's, so that a second run downloads nothing.
    const env = {...process.env, npm_config_update_notifier: 'false'}
    await exec('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', tarball], {env, maxBuffer: 16 * 1024 * 1024})
    const bin = join(prefix, 'bin')
    assert.ok((await readdir(bin)).includes('prisma-mgmt'), 'npm linked the binary')
    const version = await exec('prisma-mgmt', ['--version'], {env: {...env, PATH: `${bin}:${process.env.PATH}`}})
    assert.match(version.stdout, new RegExp(`^prisma-mgmt/${pkg.version.replaceAll('.', '\\.')} `), version.stdout)
    // A command that loads oclif and the bundle: a usage error before any request.
    const usage = await exec('prisma-mgmt', ['projects', 'rename', 'x', '--help'], {env: {...env, PATH: `${bin}:${process.env.PATH}`}})
    assert.match(usage.stdout, /^ {2}\$ prisma-mgmt projects rename ID NAME/m, usage.stdout)
    const installed = join(prefix, 'lib', 'node_modules', 'prisma-mgmt')
    assert.ok((await readdir(installed)).includes('dist'), 'the installed package has dist/')
  })
})
