#!/usr/bin/env node
// The last step of `npm run build` (after tsc and `oclif manifest`): makes a command start fast.
//
// 1. Bundles every command with what it imports (@oclif/core, undici, our modules) into
//    dist/commands/** plus shared chunks in dist/chunks/, so a start reads a few files instead of
//    some 300 small CommonJS modules; bin/run.js loads @oclif/core from dist/cli.js, the same chunk
//    the commands use. Paths stay where oclif's manifest says they are.
// 2. Writes dist/root-help.json: the root `--help` exactly as oclif prints it off a terminal, for
//    bin/run.js to print without loading oclif (test/bench-fast-path.test.ts holds them equal).
import {spawnSync} from 'node:child_process'
import {readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')

function walk(dir) {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]))
}

const entry = join(dist, 'cli.js')
writeFileSync(entry, "// bin/run.js's way into the bundled @oclif/core, the one the bundled commands share.\nexport {execute} from '@oclif/core'\n")
const commands = walk(join(dist, 'commands')).filter((file) => file.endsWith('.js'))

const emulatorDir = join(dist, 'emulator')
const slimUndici = join(root, 'scripts/bundle-undici.js')

await build({
  entryPoints: [entry, ...commands],
  outdir: dist,
  outbase: dist,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // oclif requires typescript only to run a plugin from source (bin/dev.js, which does not use this bundle);
  // `open` runs the xdg-open script it ships beside its own module, so it stays in node_modules.
  external: ['typescript', 'open'],
  // CommonJS dependencies require Node's built-in modules; an ES module has no `require` of its own.
  banner: {js: "import {createRequire as __bundleCreateRequire} from 'node:module';\nconst require = __bundleCreateRequire(import.meta.url);"},
  // oclif checks Node against @oclif/core's own engines (>=18), which our engines (>=20.18.1) already imply; it costs semver's load.
  define: {'process.env.OCLIF_DISABLE_ENGINE_WARNING': '"true"'},
  plugins: [
    {
      name: 'prisma-mgmt',
      setup(bundler) {
        // The transport uses three things from undici; its index also loads fetch, WebSocket, mocks and caches.
        bundler.onResolve({filter: /^undici$/}, () => ({path: slimUndici}))
        // HTTP/2 is never negotiated (the transport leaves allowH2 off), and node:http2 is the costliest built-in to load.
        bundler.onLoad({filter: /undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/}, () => ({
          contents: "module.exports = function connectH2 () { throw new Error('HTTP/2 is left out of the prisma-mgmt bundle') }",
          loader: 'js',
        }))
        // The emulator stays as tsc wrote it: it loads its database modules (and their npm packages) lazily, from its own place.
        bundler.onResolve({filter: /emulator\/index\.js$/}, (args) => {
          const target = join(args.resolveDir, args.path)
          return target === join(emulatorDir, 'index.js') ? {path: args.path, external: true} : undefined
        })
      },
    },
  ],
  logLevel: 'warning',
})

// The user agent is in the help (VERSION); it is filled in at run time, as oclif does.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const machine = `${process.platform}-${process.arch === 'ia32' ? 'x86' : process.arch} node-${process.version}`
const userAgent = `${pkg.name}/${pkg.version} ${machine}`
const env = {...process.env}
for (const name of ['FORCE_COLOR', 'OCLIF_COLUMNS', 'DEBUG']) delete env[name]
const help = spawnSync(process.execPath, ['--input-type=module', '-e', "import {execute} from '@oclif/core'; await execute({dir: process.argv[1], args: ['--help']})", join(root, 'bin/run.js')], {
  cwd: root,
  env,
  encoding: 'utf8',
})
if (help.status !== 0) throw new Error(`could not capture the root --help (exit ${help.status}):\n${help.stderr}${help.stdout}`)
// Without the user agent as computed here (on WSL oclif says "wsl"), bin/run.js leaves --help to oclif.
const cached = help.stdout.includes(userAgent)
if (cached) writeFileSync(join(dist, 'root-help.json'), `${JSON.stringify({platform: process.platform, text: help.stdout.split(userAgent).join('\0')})}\n`)
console.log(`bundled ${commands.length} commands into ${relative(root, dist)}/${cached ? ' and cached the root --help' : ''}`)
