// The folder a PostgreSQL server runs on (its cluster), and the initialised cluster kept as a
// template in the user's cache folder, so that only the first start of a machine runs initdb and
// every later one copies the template (a fifth of the time).
//
// PostgreSQL refuses to run as root. When the emulator runs as root (CI, containers), the server
// runs as an unprivileged account instead (`nobody`, or PRISMA_EMULATOR_POSTGRES_OS_USER): its
// folders belong to that account, and every folder above them must let it pass.
//
// A cluster is made beside its place (`<name>.partial-<random>`) and renamed into it once whole,
// so a failure (a full disk) leaves what was there before and no half of anything.
import {execFile} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {chmod, chown, cp, lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {dirname, join, parse} from 'node:path'
import {promisify} from 'node:util'

import {EngineError} from './binaries.js'
import type {PostgresBinaries} from './binaries.js'

const run = promisify(execFile)

/** The account the server runs as when the emulator runs as root. */
export interface OsUser {
  name: string
  uid: number
  gid: number
}

/** The superuser initdb makes; the emulator's own administrative connections use it. */
export const ADMIN_USER = 'postgres'
/** Bumped when what initdb is asked for changes, so an older template is not reused. */
const TEMPLATE_LAYOUT = 1
const INITDB_TIMEOUT_MS = 120_000

/** Undefined when the emulator is not root (the server then runs as the emulator's own user). */
export async function serverOsUser(): Promise<OsUser | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined
  const name = process.env.PRISMA_EMULATOR_POSTGRES_OS_USER?.trim() || 'nobody'
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '')
  const line = passwd.split('\n').find((entry) => entry.split(':')[0] === name)
  let ids: [number, number] | undefined
  if (line) ids = [Number(line.split(':')[2]), Number(line.split(':')[3])]
  else {
    const lookup = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]).catch(() => undefined)
    if (lookup) ids = [Number(lookup[0].stdout.trim()), Number(lookup[1].stdout.trim())]
  }
  if (!ids || !Number.isInteger(ids[0]) || !Number.isInteger(ids[1])) {
    throw new EngineError(`PostgreSQL refuses to run as root, and the account ${JSON.stringify(name)} it would run as instead does not exist: set PRISMA_EMULATOR_POSTGRES_OS_USER to an unprivileged account, or run the emulator as a normal user.`)
  }
  if (ids[0] === 0) throw new EngineError(`PRISMA_EMULATOR_POSTGRES_OS_USER=${name} is root too; PostgreSQL needs an unprivileged account.`)
  return {name, uid: ids[0], gid: ids[1]}
}

/** `$XDG_CACHE_HOME/prisma-mgmt`, or the platform's cache folder. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'prisma-mgmt')
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'prisma-mgmt')
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'prisma-mgmt', 'Cache')
  return join(homedir(), '.cache', 'prisma-mgmt')
}

/** Gives a folder (and everything in it) to the server's account; nothing to do when not root. */
export async function giveTo(path: string, user: OsUser | undefined): Promise<void> {
  if (!user) return
  // chown -R is many times faster than a walk in JavaScript over a cluster's thousand files.
  if (await run('chown', ['-R', `${user.uid}:${user.gid}`, path]).then(() => true, () => false)) return
  await chown(path, user.uid, user.gid)
  const info = await lstat(path)
  if (!info.isDirectory()) return
  for (const entry of await readdir(path)) await giveTo(join(path, entry), user)
}

/** Copies a folder; cp -a where there is one (a fifth of fs.cp's time for a cluster). */
async function copyFolder(from: string, to: string): Promise<void> {
  if (process.platform !== 'win32') {
    try {
      await run('cp', ['-a', from, to])
      return
    } catch (error) {
      await rm(to, {recursive: true, force: true})
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw Object.assign(new Error(((error as {stderr?: string}).stderr ?? '').trim() || (error as Error).message), {cause: error})
    }
  }
  await cp(from, to, {recursive: true})
}

/** Every folder above `path` lets others pass (or belongs to the account): the server can reach it. */
export async function checkReachable(path: string, user: OsUser | undefined, what: string): Promise<void> {
  if (!user) return
  const {root} = parse(path)
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    const info = await stat(folder)
    if (info.uid !== user.uid && (info.mode & 0o001) === 0) {
      throw new EngineError(
        `PostgreSQL runs as ${user.name} here (the emulator runs as root), and ${user.name} cannot pass through ${folder} to reach ${what} ${path}: choose a folder that other accounts can pass through (for example under /tmp or /var/lib), or run the emulator as a normal user.`,
      )
    }
    if (folder === root) return
  }
}

function describeFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  const text = error instanceof Error ? error.message : String(error)
  if (code === 'ENOSPC' || /No space left on device/i.test(text)) return `the disk is full (${text})`
  return text
}

export interface TemplateOptions {
  binaries: PostgresBinaries
  /** The run folder: initdb works in it (the server's account can reach it), links in `lib/`. */
  runDir: string
  linkDir: string
  cacheDir: string
  user: OsUser | undefined
  log: (line: string) => void
}

export interface Template {
  /** The initialised data folder to copy. */
  data: string
  adminPassword: string
}

function templateKey(binaries: PostgresBinaries): string {
  const source = createHash('sha256').update(binaries.postgres).digest('hex').slice(0, 10)
  return `${binaries.version}-${process.platform}-${process.arch}-${source}-v${TEMPLATE_LAYOUT}`
}

async function readTemplate(dir: string): Promise<Template | undefined> {
  try {
    const {adminPassword} = JSON.parse(await readFile(join(dir, 'admin.json'), 'utf8')) as {adminPassword?: unknown}
    await stat(join(dir, 'data', 'PG_VERSION'))
    return typeof adminPassword === 'string' && adminPassword ? {data: join(dir, 'data'), adminPassword} : undefined
  } catch {
    return undefined
  }
}

/** Runs initdb as the server's account; its output explains a failure. */
async function initdb(options: TemplateOptions, data: string, adminPassword: string): Promise<void> {
  const passwordFile = join(options.runDir, 'initdb-password')
  await writeFile(passwordFile, `${adminPassword}\n`, {mode: 0o600})
  await giveTo(passwordFile, options.user)
  await mkdir(data, {recursive: true, mode: 0o700})
  await giveTo(data, options.user)
  try {
    await run(
      options.binaries.initdb,
      // Loopback TCP with SCRAM only (the server listens on no socket file); C locale, UTF-8; small WAL segments keep the copy small.
      ['-D', data, '-U', ADMIN_USER, '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '-E', 'UTF8', '--locale=C', '--no-instructions', '--no-sync', '--wal-segsize=1'],
      {
        env: {...process.env, ...options.binaries.env(options.linkDir), LC_ALL: 'C'},
        timeout: INITDB_TIMEOUT_MS,
        ...(options.user ? {uid: options.user.uid, gid: options.user.gid} : {}),
      },
    )
  } catch (error) {
    const output = `${(error as {stdout?: string}).stdout ?? ''}${(error as {stderr?: string}).stderr ?? ''}`.trim()
    throw new EngineError(`initdb (${options.binaries.source}) failed: ${describeFailure(error)}${output ? `\n${output.split('\n').slice(-15).join('\n')}` : ''}`, {cause: error})
  } finally {
    await rm(passwordFile, {force: true})
  }
}

/** The cached template for these binaries, made (with initdb) when there is none yet. */
export async function clusterTemplate(options: TemplateOptions): Promise<Template> {
  const dir = join(options.cacheDir, 'postgres', templateKey(options.binaries))
  const cached = await readTemplate(dir)
  if (cached) return cached
  const started = Date.now()
  const adminPassword = randomBytes(24).toString('base64url')
  const work = join(options.runDir, `initdb-${randomBytes(4).toString('hex')}`)
  const partial = `${dir}.partial-${randomBytes(4).toString('hex')}`
  try {
    await initdb(options, work, adminPassword)
    // Only loopback TCP, SCRAM-SHA-256: no socket file, no trust.
    await writeFile(join(work, 'pg_hba.conf'), 'host all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n')
    await mkdir(partial, {recursive: true, mode: 0o700})
    await copyFolder(work, join(partial, 'data'))
    await writeFile(join(partial, 'admin.json'), JSON.stringify({adminPassword}), {mode: 0o600})
    try {
      await rename(partial, dir)
    } catch (error) {
      // Another emulator made it at the same time: theirs is as good.
      const theirs = await readTemplate(dir)
      if (!theirs) throw error
      return theirs
    }
  } catch (error) {
    if (error instanceof EngineError) throw error
    throw new EngineError(`cannot make PostgreSQL's cluster template in ${dir}: ${describeFailure(error)}`, {cause: error})
  } finally {
    await rm(work, {recursive: true, force: true})
    await rm(partial, {recursive: true, force: true})
  }
  options.log(`PostgreSQL ${options.binaries.version}: initialised a cluster template in ${dir} (${((Date.now() - started) / 1000).toFixed(1)} s); later starts copy it`)
  return (await readTemplate(dir)) as Template
}

export interface ClusterOptions extends TemplateOptions {
  /** The cluster's data folder: under the data dir (kept) or the run folder (removed on close). */
  data: string
  /** Where its administrative password is kept beside it (0600). */
  adminFile: string
}

export interface Cluster {
  data: string
  adminPassword: string
  /** Made from the template just now (its administrative password is the template's until changed). */
  fresh: boolean
}

/** Checks a cluster that exists, or makes one from the template. Never changes one that exists. */
export async function openCluster(options: ClusterOptions): Promise<Cluster> {
  const {data, user, binaries} = options
  await checkReachable(data, user, 'the cluster folder')
  const versionText = await readFile(join(data, 'PG_VERSION'), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw new EngineError(`cannot read ${join(data, 'PG_VERSION')}: ${error.message}`)
  })
  if (versionText !== undefined) {
    const major = Number(versionText.trim())
    if (major !== binaries.major) {
      throw new EngineError(
        `The cluster in ${data} was made by PostgreSQL ${versionText.trim()}, and the server here is PostgreSQL ${binaries.version} (${binaries.source}): a server runs only clusters of its own major version. It is left as it is: point --postgres-bin at PostgreSQL ${versionText.trim()}'s bin folder, or start with another --data-dir.`,
      )
    }
    const info = await stat(data)
    const uid = user?.uid ?? process.getuid?.()
    if (uid !== undefined && info.uid !== uid) {
      throw new EngineError(
        `The cluster in ${data} belongs to another account (uid ${info.uid}) than the one PostgreSQL runs as here (${user ? user.name : 'this user'}, uid ${uid}): the server refuses it. It is left as it is: run the emulator as its owner, or start with another --data-dir.`,
      )
    }
    let adminPassword: string
    try {
      adminPassword = (JSON.parse(await readFile(options.adminFile, 'utf8')) as {adminPassword: string}).adminPassword
    } catch (error) {
      throw new EngineError(`The cluster in ${data} has no readable administrative password in ${options.adminFile} (${(error as Error).message}); it is left as it is: start with another --data-dir.`)
    }
    return {data, adminPassword, fresh: false}
  }
  const entries = await readdir(data).catch(() => undefined)
  if (entries && entries.length > 0) throw new EngineError(`${data} holds files but no PostgreSQL cluster (no PG_VERSION); it is left as it is: move it away or start with another --data-dir.`)

  const template = await clusterTemplate(options)
  const partial = `${data}.partial-${randomBytes(4).toString('hex')}`
  try {
    await mkdir(dirname(data), {recursive: true})
    await copyFolder(template.data, partial)
    await chmod(partial, 0o700)
    await giveTo(partial, user)
    await writeFile(options.adminFile, JSON.stringify({adminPassword: template.adminPassword}), {mode: 0o600})
    if (entries) await rm(data, {recursive: true})
    await rename(partial, data)
  } catch (error) {
    await rm(partial, {recursive: true, force: true})
    throw new EngineError(`cannot make a PostgreSQL cluster in ${data}: ${describeFailure(error)}`, {cause: error})
  }
  return {data, adminPassword: template.adminPassword, fresh: true}
}
