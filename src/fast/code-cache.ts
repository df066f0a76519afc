// Loads one CommonJS bundle of the fast path (scripts/bundle.js makes them) with V8's code cache,
// as Node 22's compile cache does for modules but on every Node: the first run compiles the bundle
// and, as the process ends, keeps the compiled code (with every function the run used) in a folder
// of the OS's temp folder that only this user can write; later runs skip the parse and compile.
// The file's name holds the bundle's content hash, Node's version and the architecture, and V8
// refuses a cache made for other source or flags (the bundle is then compiled and the cache
// written anew). A cache that cannot be read or written only costs the time it would have saved.
import {closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {basename, dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Script} from 'node:vm'

/** A folder of ours alone: created 0700, never a link, owned by this user and writable by no one else. */
function cacheFolder(): string | undefined {
  const uid = process.getuid?.()
  if (uid === undefined) return undefined
  const folder = join(tmpdir(), `prisma-mgmt-code-cache-${uid}`)
  try {
    mkdirSync(folder, {recursive: true, mode: 0o700})
    const stat = lstatSync(folder)
    return stat.isDirectory() && stat.uid === uid && (stat.mode & 0o022) === 0 ? folder : undefined
  } catch {
    return undefined
  }
}

function readCache(file: string): Buffer | undefined {
  try {
    const stat = lstatSync(file)
    return stat.isFile() && stat.uid === process.getuid?.() ? readFileSync(file) : undefined
  } catch {
    return undefined
  }
}

/** Writes the cache `file` and removes the other caches whose names start with `prefix`. */
function writeCache(file: string, prefix: string, data: Buffer): void {
  const partial = `${file}.${process.pid}.tmp`
  try {
    const fd = openSync(partial, 'wx', 0o600)
    try {
      writeSync(fd, data)
    } finally {
      closeSync(fd)
    }
    // Whole or not at all: a reader never sees half a cache.
    renameSync(partial, file)
    // The caches of this bundle's earlier builds (or Node versions) are of no more use.
    for (const name of readdirSync(dirname(file))) {
      if (name !== basename(file) && name.startsWith(prefix) && name.endsWith('.bin')) rmSync(join(dirname(file), name), {force: true})
    }
  } catch {
    // Only the next start's time is at stake.
  }
}

/** The exports of the CommonJS bundle at `url`, whose content hash is `hash`. */
export function requireCached(url: URL, hash: string): unknown {
  const file = fileURLToPath(url)
  const source = readFileSync(file, 'utf8')
  const folder = cacheFolder()
  const prefix = `${basename(file)}-`
  const cacheFile = folder && join(folder, `${prefix}${hash}-${process.version}-${process.arch}.bin`)
  const cachedData = cacheFile ? readCache(cacheFile) : undefined
  // The same wrapper Node puts around a CommonJS module.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {filename: file, cachedData})
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
    process.once('exit', () => writeCache(cacheFile, prefix, script.createCachedData()))
  }
  const module = {exports: {}}
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: {exports: unknown}, filename: string, dirname: string) => void
  run(module.exports, createRequire(file), module, file, dirname(file))
  return module.exports
}
