// A quiet set-up: the build says nothing a newcomer must not act on (oclif's "update available":
// oclif 6 needs Node 22), and npm finds no dependency install script left undecided. What the
// declined scripts would have done is not needed: esbuild's binary and the build work without them.
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {cp, mkdir, readFile, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {describe, it} from 'node:test'

import {removeDir, ROOT, tempDir} from './harness.js'

const exec = promisify(execFile)

const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {scripts: Record<string, string>; allowScripts?: Record<string, boolean>}

/** The step of an npm script that runs oclif's own CLI (`oclif manifest`, `oclif readme`), as written. */
function oclifStep(script: string): string {
  const step = pkg.scripts[script].split('&&').map((part) => part.trim()).find((part) => /(^|\s)oclif (manifest|readme)\b/.test(part))
  assert.ok(step, `the ${script} script runs oclif: ${pkg.scripts[script]}`)
  return step
}

describe('a quiet set-up', () => {
  it('the build\'s oclif step prints no update notice, even when oclif\'s cache names a newer oclif', async () => {
    const dir = await tempDir()
    try {
      await cp(join(ROOT, 'package.json'), join(dir, 'package.json'))
      await cp(join(ROOT, 'dist'), join(dir, 'dist'), {recursive: true})
      await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
      // What oclif's update check reads: the newest version it saw on the registry (fresh, so it asks nobody).
      const cache = join(dir, 'cache')
      await mkdir(join(cache, 'oclif'), {recursive: true})
      await writeFile(join(cache, 'oclif', 'version'), JSON.stringify({latest: '99.0.0'}))
      const env: NodeJS.ProcessEnv = {...process.env, XDG_CACHE_HOME: cache, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}`}
      delete env.OCLIF_SKIP_NEW_VERSION_CHECK
      const step = oclifStep('build')
      const quiet = await exec('sh', ['-c', step], {cwd: dir, env})
      assert.equal(quiet.stderr, '', `\`${step}\` says nothing on stderr`)
      assert.match(quiet.stdout, /^wrote manifest to /, quiet.stdout)
      // The same step without the setting does warn: the check above could fail.
      const loud = await exec('sh', ['-c', step.replace(/OCLIF_SKIP_NEW_VERSION_CHECK=\S+\s+/, '')], {cwd: dir, env})
      assert.match(loud.stderr, /oclif update available from .* to .*99\.0\.0/, `without the setting oclif warns: ${loud.stderr}`)
      assert.match(oclifStep('readme'), /^OCLIF_SKIP_NEW_VERSION_CHECK=true oclif readme\b/, 'the readme script is quiet too')
    } finally {
      await removeDir(dir)
    }
  })

  it('npm has no dependency install script left to review: each is declared in allowScripts', async () => {
    const {stdout} = await exec('npm', ['install-scripts', 'ls'], {cwd: ROOT})
    assert.equal(stdout.trim(), 'No packages with unreviewed install scripts.')
    // esbuild's postinstall only checks the binary its platform package brings: declined, and not needed.
    assert.equal(pkg.allowScripts?.esbuild, false)
  })

  it('esbuild works without its install script: it transforms TypeScript through its platform binary', async () => {
    const esbuild = await import('esbuild')
    const {code} = await esbuild.transform('const answer: number = 42', {loader: 'ts'})
    assert.equal(code, 'const answer = 42;\n')
  })
})
