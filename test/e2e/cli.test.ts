import assert from 'node:assert/strict'
import {execFile, execFileSync} from 'node:child_process'
import {cp, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {describe, it} from 'node:test'

import {ROOT, removeDir, run, tempDir} from './harness.js'
import {Terminal} from './terminal.js'

const exec = promisify(execFile)
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {version: string}

describe('the binary itself', () => {
  it('--version prints the name, version and platform', async () => {
    const result = await run(['--version'])
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, new RegExp(`^prisma-mgmt/${pkg.version.replaceAll('.', '\\.')} linux-\\w+ node-v\\d+\\.\\d+\\.\\d+\\n$`))
  })

  it('--help lists the topics and commands; every command has help with an example', async () => {
    const root = await run(['--help'])
    assert.equal(root.code, 0, root.stderr)
    for (const topic of ['projects', 'db', 'workspaces', 'regions', 'emulator']) assert.match(root.stdout, new RegExp(`^  ${topic} `, 'm'))
    for (const command of ['login', 'logout', 'whoami']) assert.match(root.stdout, new RegExp(`^  ${command} `, 'm'))
    const manifest = JSON.parse(await readFile(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {examples?: unknown[]}>}
    for (const [id, command] of Object.entries(manifest.commands)) {
      assert.ok((command.examples ?? []).length > 0, `${id} has an example`)
      const help = await run([...id.split(':'), '--help'])
      assert.equal(help.code, 0, `${id} --help`)
      assert.match(help.stdout, /^EXAMPLES$/m, `${id} --help shows examples`)
      assert.match(help.stdout, new RegExp(`\\$ prisma-mgmt ${id.replaceAll(':', ' ')}`), `${id} --help shows its usage`)
    }
    const topic = await run(['help', 'projects'])
    assert.equal(topic.code, 0, topic.stderr)
    assert.match(topic.stdout, /projects create/)
  })

  it('db --help describes its topics as topics, not by one of their commands', async () => {
    const help = await run(['db', '--help'])
    assert.equal(help.code, 0, help.stderr)
    assert.match(help.stdout, /^ {2}db backups\s+List the backups of a database$/m, help.stdout)
    assert.match(help.stdout, /^ {2}db connections\s+Connections of a database: list, rotate and delete their/m, help.stdout)
  })

  it('an unknown flag is a usage error (exit 2) naming it, and the closest flag when it is a typo', async () => {
    const result = await run(['projects', 'list', '--colour'])
    assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`)
    assert.equal(result.stdout, '', 'nothing on stdout')
    assert.match(result.stderr, /^Error: Nonexistent flag: --colour$/m, 'stderr names the flag')
    assert.doesNotMatch(result.stderr, /Did you mean/, 'no far-fetched guess for --colour')
    const typo = await run(['projects', 'list', '--colums', 'id'])
    assert.equal(typo.code, 2, `exit code; stderr: ${typo.stderr}`)
    assert.equal(typo.stdout, '', 'nothing on stdout')
    assert.match(typo.stderr, /^Error: Nonexistent flag: --colums\nDid you mean --columns\?$/m, 'stderr names the flag and the closest one')
    const json = await run(['projects', 'list', '--jsn', '--json'])
    assert.equal(json.code, 2, `exit code; stderr: ${json.stderr}`)
    assert.deepEqual(JSON.parse(json.stdout), {error: {code: 'usage', message: 'Nonexistent flag: --jsn'}}, `stdout: ${json.stdout}`)
    assert.match(json.stderr, /^Error: Nonexistent flag: --jsn\nDid you mean --json\?$/m, 'stderr names the flag and the closest one')
  })

  it('the committed oclif.manifest.json is what a fresh build writes', async () => {
    // Generate a manifest from the built dist/ in a copy, and compare with the committed file.
    const dir = await tempDir()
    await cp(join(ROOT, 'package.json'), join(dir, 'package.json'))
    await cp(join(ROOT, 'dist'), join(dir, 'dist'), {recursive: true})
    execFileSync('ln', ['-s', join(ROOT, 'node_modules'), join(dir, 'node_modules')])
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/oclif/bin/run.js'), 'manifest'], {cwd: dir, stdio: 'pipe'})
      execFileSync(process.execPath, [join(ROOT, 'scripts/sort-manifest.js'), dir], {stdio: 'pipe'})
      const fresh = await readFile(join(dir, 'oclif.manifest.json'), 'utf8')
      // The file on disk, not git's copy: the tree may come from `git archive` or a tarball.
      const onDisk = await readFile(join(ROOT, 'oclif.manifest.json'), 'utf8')
      assert.equal(fresh, onDisk, 'oclif.manifest.json is stale: run `npm run build` and commit it')
    } finally {
      await removeDir(dir)
    }
  })

  it('a mistyped command exits 127 naming the closest command, off a terminal too', async () => {
    const result = await run(['projets', 'list'])
    assert.equal(result.code, 127, `exit code; stderr: ${result.stderr}`)
    assert.equal(result.stdout, '', 'nothing on stdout')
    assert.equal(
      result.stderr,
      'Error: "projets list" is not a prisma-mgmt command.\nDid you mean "projects list"?\nRun `prisma-mgmt help` for a list of commands.\n',
      'stderr',
    )
    const far = await run(['zzzzzz'])
    assert.equal(far.code, 127, `exit code; stderr: ${far.stderr}`)
    assert.equal(far.stderr, 'Error: "zzzzzz" is not a prisma-mgmt command.\nRun `prisma-mgmt help` for a list of commands.\n', 'no far-fetched guess')
  })

  it('a stray argument is a usage error (exit 2) naming it, for every command, before anything runs', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {args: Record<string, {required?: boolean}>}>}
    for (const [id, command] of Object.entries(manifest.commands)) {
      const words = id.split(':')
      // Every argument it takes filled in (ids that pass the parser's check), then one too many.
      const args = Object.keys(command.args).map((name) => `given-${name}`)
      const name = `prisma-mgmt ${words.join(' ')}`
      const takes = Object.entries(command.args).map(([arg, {required}]) => (required ? `<${arg}>` : `[<${arg}>]`))
      const next = `\`${name}\` ${takes.length === 0 ? 'takes no arguments' : `takes ${takes.join(' ')}`}; see \`${name} --help\`.`
      // No API is reachable: a command that ran past its parser would fail another way.
      const env = {PRISMA_MANAGEMENT_API_URL: 'http://127.0.0.1:9', PRISMA_SERVICE_TOKEN: 'sk_stray_argument_test', XDG_CONFIG_HOME: '/nonexistent'}
      const result = await run([...words, ...args, 'extra-arg'], {env, secrets: ['sk_stray_argument_test']})
      assert.equal(result.code, 2, `${name}: exit 2, stderr:\n${result.stderr}`)
      assert.equal(result.stdout, '', `${name}: nothing on stdout`)
      assert.equal(result.stderr, `Error: Unexpected argument: extra-arg\n${next}\n`, `${name}: stderr`)
    }
  })

  it('stray arguments with --json: the usage error document names them; two are both named', async () => {
    const json = await run(['projects', 'list', 'extra-arg', '--json'], {env: {PRISMA_MANAGEMENT_API_URL: 'http://127.0.0.1:9', PRISMA_SERVICE_TOKEN: 'sk_stray'}})
    assert.equal(json.code, 2, json.stderr)
    assert.deepEqual(JSON.parse(json.stdout), {error: {code: 'usage', message: 'Unexpected argument: extra-arg'}})
    const two = await run(['whoami', 'one', 'two'])
    assert.equal(two.code, 2, two.stderr)
    assert.equal(two.stderr, 'Error: Unexpected arguments: one, two\n`prisma-mgmt whoami` takes no arguments; see `prisma-mgmt whoami --help`.\n')
    // A word that starts no command is still an unknown command.
    const unknown = await run(['projects', 'lst', 'extra-arg'])
    assert.equal(unknown.code, 127, unknown.stderr)
    assert.match(unknown.stderr, /^Error: "projects lst extra-arg" is not a prisma-mgmt command\.$/m)
  })

  it('a stray argument on an 80-column terminal: exit 2 naming it, not an unknown command', async () => {
    const terminal = await Terminal.start(['projects', 'list', 'extra-arg'], {PRISMA_MANAGEMENT_API_URL: 'http://127.0.0.1:9', PRISMA_SERVICE_TOKEN: 'sk_stray_terminal'}, 80)
    try {
      assert.equal(await terminal.exitCode(), 2, await terminal.screen())
      const screen = await terminal.screen()
      assert.match(screen, /^Error: Unexpected argument: extra-arg\n`prisma-mgmt projects list` takes no arguments; see `prisma-mgmt projects list --help`\.$/m, screen)
      assert.ok(!screen.includes('is not a prisma-mgmt command'), screen)
    } finally {
      await terminal.close()
    }
  })

  it('a mistyped command on a real terminal prints the same suggestion and runs nothing', async () => {
    const terminal = await Terminal.start(['db', 'conections', 'list'], {})
    try {
      assert.equal(await terminal.exitCode(), 127, await terminal.screen())
      const screen = await terminal.screen()
      assert.ok(screen.includes('Did you mean "db connections list"?'), `screen:\n${screen}`)
    } finally {
      await terminal.close()
    }
  })

  it('docs/commands.md is what `npm run readme` writes now (run it when this fails)', async () => {
    const reference = await readFile(join(ROOT, 'docs', 'commands.md'), 'utf8')
    // oclif readme --dry-run prints the file it would write, after one line saying what it replaces.
    const {stdout} = await exec(join(ROOT, 'node_modules', '.bin', 'oclif'), ['readme', '--no-aliases', '--readme-path', 'docs/commands.md', '--dry-run'], {cwd: ROOT, env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'}, maxBuffer: 16 * 1024 * 1024})
    const fresh = stdout.replace(/^replacing <!-- commands --> in [^\n]*\n/, '')
    assert.ok(fresh.includes('<!-- commands -->') && fresh.length > 10_000, `oclif readme printed no reference:\n${stdout.slice(0, 500)}`)
    assert.equal(reference.trimEnd(), fresh.trimEnd(), 'docs/commands.md is stale: run npm run readme')
  })

  it('docs/commands.md documents every command, each as its `--help` prints it', async () => {
    const reference = await readFile(join(ROOT, 'docs', 'commands.md'), 'utf8')
    const sections = [...reference.matchAll(/^## `prisma-mgmt ([^`]+)`\n\n[^\n]*\n\n```\n([\s\S]*?)\n```$/gm)]
    const manifest = JSON.parse(await readFile(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}
    const documented = new Set(sections.map(([, usage]) => usage.split(' ').filter((w) => /^[a-z]/.test(w)).join(':')))
    for (const id of Object.keys(manifest.commands)) assert.ok(documented.has(id), `docs/commands.md documents ${id}`)
    for (const id of documented) assert.ok(manifest.commands[id] || ['help', 'autocomplete'].includes(id), `docs/commands.md documents ${id}, which is no command`)
    for (const [, usage, block] of sections) {
      const words = usage.split(' ').filter((w) => /^[a-z]/.test(w))
      // oclif answers `help --help` with the root help, so the help command's own page cannot be compared.
      if (words[0] === 'help') continue
      const help = await run([...words, '--help'], {env: {OCLIF_COLUMNS: '120'}})
      assert.equal(help.code, 0, help.stderr)
      // --help starts with the summary paragraph, which the reference shows above the block.
      const body = help.stdout.replace(/^[^\n]*\n\n/, '').trimEnd()
      assert.equal(block, body, `docs/commands.md's section for ${words.join(' ')} is stale: run npm run readme`)
    }
  })
})
