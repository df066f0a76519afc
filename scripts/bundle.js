#!/usr/bin/env node
// The last step of `npm run build` (after tsc and `oclif manifest`): makes a command start fast.
//
// 1. Bundles every command with what it imports (@oclif/core, undici, our modules) into
//    dist/commands/** plus shared chunks in dist/chunks/, so a start reads a few files instead of
//    some 300 small CommonJS modules; bin/run.js loads @oclif/core from dist/cli.js, the same chunk
//    the commands use. Paths stay where oclif's manifest says they are.
// 2. Bundles the commands built on BaseCommand a second time into dist/fast/, with the few parts of
//    @oclif/core they use taken from src/fast/oclif-core.ts instead, for bin/run.js's fast path
//    (src/fast/run.ts): a plain command line then loads that command's code and nothing of oclif.
//    dist/fast/index.js holds the fast path, every such command and the command ids it needs to read
//    a command line as oclif does; what those commands import lazily stays in chunks of its own.
// 3. Writes dist/root-help.json: the root `--help` exactly as oclif prints it off a terminal, for
//    bin/run.js to print without loading oclif (test/bench-fast-path.test.ts holds them equal).
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')

function walk(dir) {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]))
}

const entry = join(dist, 'cli.js')
writeFileSync(
  entry,
  "// bin/run.js's way into the bundled @oclif/core, the one the bundled commands share (the fast path takes its error handler).\nexport {Errors, execute, handle} from '@oclif/core'\n",
)
const commands = walk(join(dist, 'commands')).filter((file) => file.endsWith('.js'))
const fastDir = join(dist, 'fast')
// The commands built on BaseCommand; the emulator's own commands need oclif's whole Config (dataDir, bin).
const fastCommands = commands.filter((file) => /\bextends BaseCommand\b/.test(readFileSync(file, 'utf8')))

const emulatorDir = join(dist, 'emulator')
const slimUndici = join(root, 'scripts/bundle-undici.js')

const shared = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  allowOverwrite: true,
  // oclif requires typescript only to run a plugin from source (bin/dev.js, which does not use this bundle);
  // `open` runs the xdg-open script it ships beside its own module, so it stays in node_modules.
  external: ['typescript', 'open'],
  // CommonJS dependencies require Node's built-in modules; an ES module has no `require` of its own.
  banner: {js: "import {createRequire as __bundleCreateRequire} from 'node:module';\nconst require = __bundleCreateRequire(import.meta.url);"},
  // oclif checks Node against @oclif/core's own engines (>=18), which our engines (>=20.18.1) already imply; it costs semver's load.
  define: {'process.env.OCLIF_DISABLE_ENGINE_WARNING': '"true"'},
  logLevel: 'warning',
}

// The MCP server's SDK and zod, one CommonJS file that the fast bundle loads with V8's code cache
// (src/fast/code-cache.ts): parsing and compiling them anew was most of the server's start.
const mcpSdk = join(fastDir, 'chunks', 'mcp-sdk.cjs')
// The SDK's ajv provider loads ajv and ajv-formats as it is loaded; here they are required when the
// first validator is made (elicitation alone needs one), so a start neither runs nor keeps them.
const lazyAjv = {
  name: 'lazy-ajv',
  setup(bundler) {
    bundler.onLoad({filter: /@modelcontextprotocol[\\/]sdk[\\/]dist[\\/]esm[\\/]validation[\\/]ajv-provider\.js$/}, (args) => {
      const source = readFileSync(args.path, 'utf8')
      const eager = "import Ajv from 'ajv';\nimport _addFormats from 'ajv-formats';\n"
      if (!source.includes(eager)) throw new Error(`${args.path} no longer starts as scripts/bundle.js expects: look again at how it loads ajv`)
      const lazy = "const Ajv = (...args) => new (require('ajv').default)(...args);\nconst _addFormats = (...args) => require('ajv-formats').default(...args);\n"
      return {contents: source.replace(eager, lazy).replace('const ajv = new Ajv(', 'const ajv = Ajv('), loader: 'js'}
    })
  },
}
await build({...shared, splitting: false, format: 'cjs', banner: undefined, entryPoints: [join(dist, 'mcp/sdk.js')], outfile: mcpSdk, minifyWhitespace: true, minifySyntax: true, plugins: [lazyAjv]})
const mcpSdkHash = createHash('sha256').update(readFileSync(mcpSdk)).digest('hex').slice(0, 16)

function plugin({fast}) {
  return {
      name: 'prisma-mgmt',
      setup(bundler) {
        if (fast) {
          // The fast bundle's @oclif/core: Command, Flags, Args and Errors, and nothing else of oclif.
          bundler.onResolve({filter: /^@oclif\/core$/}, () => ({path: join(fastDir, 'oclif-core.js')}))
          // The server's one way to the SDK and zod (src/mcp/sdk.ts) takes them from mcp-sdk.cjs, beside the server's chunk.
          bundler.onResolve({filter: /^\.\/sdk\.js$/}, (args) => (join(args.resolveDir, args.path) === join(dist, 'mcp/sdk.js') ? {path: 'mcp-sdk', namespace: 'mcp-sdk'} : undefined))
          bundler.onLoad({filter: /.*/, namespace: 'mcp-sdk'}, () => ({
            resolveDir: fastDir,
            loader: 'js',
            contents: [
              "import {requireCached} from './code-cache.js'",
              `const sdk = requireCached(new URL('./mcp-sdk.cjs', import.meta.url), ${JSON.stringify(mcpSdkHash)})`,
              'export const {AjvJsonSchemaValidator, McpServer, JSONRPCMessageSchema, z} = sdk',
              '',
            ].join('\n'),
          }))
          // Our own modules that the code imports lazily are small (their npm packages stay lazy):
          // imported at once here, they join the one file of the fast bundle instead of splitting it
          // into dozens of small chunks, each a file to find, read and link at every start. The MCP
          // server (zod, the MCP SDK) and the emulator stay lazy.
          bundler.onLoad({filter: /[\\/]dist[\\/].*\.js$/}, (args) => {
            const source = readFileSync(args.path, 'utf8')
            const eager = []
            const contents = source.replace(/\bimport\((['"])(\.{1,2}\/[^'"]+)\1\)/g, (call, _quote, specifier) => {
              if (/(^|\/)(mcp|emulator)\//.test(specifier)) return call
              eager.push(specifier)
              return `Promise.resolve(__eager${eager.length - 1})`
            })
            if (eager.length === 0) return undefined
            const imports = eager.map((specifier, i) => `import * as __eager${i} from ${JSON.stringify(specifier)};`).join('')
            return {contents: `${imports}\n${contents}`, loader: 'js'}
          })
        }
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
  }
}

const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'))
const table = {
  // Whether oclif stops reading words into the command id after this one: it takes arguments.
  commands: Object.fromEntries(
    Object.values(manifest.commands).flatMap((command) => {
      const takesArgs = command.strict === false || Object.keys(command.args ?? {}).length > 0
      return [command.id, ...(command.aliases ?? [])].map((id) => [id, takesArgs])
    }),
  ),
  fast: fastCommands.map((file) => relative(join(dist, 'commands'), file).replace(/\.js$/, '').split(/[\\/]/).join(':')).sort(),
}
// First the fast bundle, from tsc's output (the second build overwrites the commands in place).
const fastEntry = join(fastDir, 'index.source.js')
const fastIds = table.fast
writeFileSync(
  fastEntry,
  [
    "import {runFast as run} from './run.js'",
    ...fastIds.map((id, i) => `import command${i} from '../commands/${id.split(':').join('/')}.js'`),
    `const table = ${JSON.stringify(table)}`,
    `const commands = {${fastIds.map((id, i) => `${JSON.stringify(id)}: command${i}`).join(', ')}}`,
    'export const runFast = (argv, root) => run(argv, root, table, commands)',
    '',
  ].join('\n'),
)
// Without blanks and comments, and with simpler syntax, V8 has less to scan at every start; names stay.
await build({...shared, entryPoints: {index: fastEntry}, outdir: fastDir, minifyWhitespace: true, minifySyntax: true, plugins: [plugin({fast: true})]})
// tsc's modules of the fast path are in index.js now.
for (const file of [fastEntry, join(fastDir, 'run.js'), join(fastDir, 'oclif-core.js'), join(fastDir, 'code-cache.js')]) rmSync(file)

await build({
  ...shared,
  entryPoints: [entry, ...commands],
  outdir: dist,
  outbase: dist,
  plugins: [plugin({fast: false})],
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
console.log(`bundled ${commands.length} commands into ${relative(root, dist)}/ (${fastCommands.length} also into ${relative(root, fastDir)}/)${cached ? ' and cached the root --help' : ''}`)
