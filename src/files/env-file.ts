// Merging keys into a dotenv file without losing anything: every other line is kept as it
// was (bytes and line endings), the key's line is replaced in place (or appended), and the
// file is replaced atomically, so a failure leaves the old file whole. A new file gets mode 0600.
import type {Stats} from 'node:fs'
import {lstat, open, readFile, readlink, realpath, stat, unlink} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'

import {CliError, EXIT, UsageError} from '../errors.js'
import {tempPathBeside, writeFileAtomically} from './atomic-write.js'

/** A dotenv file that could not be written after the checks passed (a race, a full disk). */
export class EnvFileError extends CliError {
  override readonly name = 'EnvFileError'
  readonly code = 'env-file'
  readonly exitCode = EXIT.unexpected
}

/** A value that no quoting writes so that bash, dotenv and Node's --env-file all read it back exactly. */
export class EnvValueError extends UsageError {
  constructor(readonly problem: string) {
    super(`The value holds ${problem}, which bash, dotenv and Node's --env-file would not read back alike.`)
  }
}

/** What in `value` no quoting can carry exactly, or undefined when it can be written. */
export function envValueProblem(value: string): string | undefined {
  // A newline would also split the value across lines that the next merge treats as separate lines.
  if (value.includes('\n')) return 'a newline'
  if (value.includes('\r')) return 'a carriage return'
  if (value.includes('\0')) return 'a NUL character'
  if (value.includes("'") && /[$`"\\]/.test(value)) return 'a single quote together with one of $ ` " \\'
  return undefined
}

/**
 * `KEY='value'`. Why: single quotes are literal to bash, dotenv and Node's --env-file alike, so
 * `$(...)`, backticks, `$VAR`, `"` and `\` stay inert; a value with a `'` goes in double quotes,
 * allowed only when it holds none of the characters those readers expand there.
 */
export function envLine(key: string, value: string): string {
  const problem = envValueProblem(value)
  if (problem) throw new EnvValueError(problem)
  return value.includes("'") ? `${key}="${value}"` : `${key}='${value}'`
}

type Ending = '' | '\n' | '\r\n'

interface Line {
  text: string
  ending: Ending
}

/** The lines with their own endings; only the last may have none. A lone CR stays in the text. */
function splitLines(text: string): Line[] {
  const lines: Line[] = []
  let start = 0
  while (start < text.length) {
    const newline = text.indexOf('\n', start)
    if (newline === -1) {
      lines.push({text: text.slice(start), ending: ''})
      break
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: when the newline is at `start` the line is empty and the character before it is the previous line's \n (or none), never \r
    const crlf = newline > start && text[newline - 1] === '\r'
    lines.push({text: text.slice(start, crlf ? newline - 1 : newline), ending: crlf ? '\r\n' : '\n'})
    start = newline + 1
  }
  return lines
}

/** CRLF when most lines end so, else LF (also for a file with no line ending at all). */
function dominantEnding(lines: readonly Line[]): '\n' | '\r\n' {
  const crlf = lines.filter((line) => line.ending === '\r\n').length
  const lf = lines.filter((line) => line.ending === '\n').length
  return crlf > lf ? '\r\n' : '\n'
}

const keyPattern = (key: string) => new RegExp(`^\\s*(?:export\\s+)?${key}\\s*=`)

/**
 * The file's text with `key` set; `export KEY=` lines keep their `export`. Each kept line keeps
 * its own ending, the replaced line keeps the ending it had, an appended line takes the file's
 * dominant ending (and ends a last line that had none).
 */
export function mergeEnv(text: string, key: string, value: string): string {
  const assignment = envLine(key, value)
  const lines = splitLines(text)
  const newline = dominantEnding(lines)
  const pattern = keyPattern(key)
  let replaced = false
  const merged: Line[] = []
  for (const line of lines) {
    if (pattern.test(line.text)) {
      if (replaced) continue // a later duplicate would override ours in most loaders
      const exported = /^\s*export\s+/.test(line.text)
      merged.push({text: `${exported ? 'export ' : ''}${assignment}`, ending: line.ending})
      replaced = true
    } else {
      merged.push(line)
    }
  }
  if (!replaced) {
    const last = merged.at(-1)
    if (last && last.ending === '') last.ending = newline
    merged.push({text: assignment, ending: newline})
  }
  return merged.map((line) => line.text + line.ending).join('')
}

/** Where --env-file will be written: the path given and, past any symlinks, the file itself. */
export interface EnvFileTarget {
  given: string
  path: string
}

/** The file a path names once every symlink is followed; a dangling link names the file it would create. */
async function followLinks(path: string): Promise<{path: string; info?: Stats}> {
  let current = resolve(path)
  for (let hop = 0; hop <= 40; hop++) {
    current = join(await realpath(dirname(current)), basename(current))
    let info: Stats
    try {
      info = await lstat(current)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {path: current}
      throw error
    }
    if (!info.isSymbolicLink()) return {path: current, info}
    current = resolve(dirname(current), await readlink(current))
  }
  // Stryker disable next-line StringLiteral: never shown; fsReason words ELOOP by its code
  throw Object.assign(new Error('too many levels of symbolic links'), {code: 'ELOOP'})
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

/** A file system failure in words, with its code for searching. */
export function fsReason(error: unknown): string {
  const code = errorCode(error)
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOENT: 'no such file or folder',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'it is a folder',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'read-only file system',
    ELOOP: 'too many levels of symbolic links',
  }
  if (code && words[code]) return `${words[code]} (${code})`
  return error instanceof Error ? error.message : String(error)
}

/**
 * Checks an --env-file path before anything is sent to the API, so that a path that cannot be
 * written never costs a credential: its folder exists and takes new files, it is not a folder
 * or a device, an existing file can be read and written. Symlinks are followed to the file.
 */
export async function checkEnvFileTarget(given: string): Promise<EnvFileTarget> {
  const refuse = (what: string, next = 'Fix the path and run the command again; nothing was sent to the API.') =>
    new UsageError(`Cannot write --env-file ${given}: ${what}.`, next)
  if (given.trim() === '') throw new UsageError('The --env-file flag is empty.', 'Pass the path of a dotenv file, such as .env.')
  let target: {path: string; info?: Stats}
  try {
    target = await followLinks(given)
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw refuse(`the folder ${dirname(resolve(given))} does not exist`, 'Create the folder first, or pass a path in an existing folder; nothing was sent to the API.')
    throw refuse(fsReason(error))
  }
  const shown = target.path === resolve(given) ? '' : ` (the symlink points to ${target.path})`
  if (target.info?.isDirectory()) throw refuse(`it is a folder, not a file${shown}`, `Pass a file path, such as ${join(given, '.env')}; nothing was sent to the API.`)
  if (target.info && !target.info.isFile()) throw refuse(`it is not a regular file${shown}`)
  if (target.info) {
    try {
      // r+ opens for reading and writing without truncating: the same rights the merge needs.
      await (await open(target.path, 'r+')).close()
    } catch (error) {
      throw refuse(`the file cannot be read and written: ${fsReason(error)}${shown}`)
    }
  }
  const folder = dirname(target.path)
  const probe = tempPathBeside(target.path)
  try {
    // Creating a file is the only honest test: root passes access(), yet /proc or a read-only mount refuse.
    await (await open(probe, 'wx', 0o600)).close()
  } catch (error) {
    throw refuse(`files cannot be created in the folder ${folder}: ${fsReason(error)}`)
  }
  await unlink(probe).catch(() => {})
  return {given, path: target.path}
}

/**
 * Sets `key` in the dotenv file at `path` (a path past any symlink, see checkEnvFileTarget):
 * written to a temp file in the same folder, synced, then renamed over it.
 */
export async function writeEnvFile(path: string, key: string, value: string): Promise<{created: boolean}> {
  return writeEnvEntries(path, [[key, value]])
}

/**
 * Sets several keys in one replacement of the file, so a reader never sees some set and others
 * not; a value no quoting carries (EnvValueError) stops them all before anything is written.
 */
export async function writeEnvEntries(path: string, entries: readonly (readonly [key: string, value: string])[]): Promise<{created: boolean}> {
  // Latin-1 maps each byte to one character, so lines that are not UTF-8 come back byte for byte.
  let text = ''
  let created = true
  try {
    const info = await stat(path)
    // Checked here too: renaming over a device or a folder would destroy it.
    if (!info.isFile()) throw new Error(info.isDirectory() ? 'it is a folder, not a file' : 'it is not a regular file')
    text = await readFile(path, 'latin1')
    created = false
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error
  }
  let merged = text
  // Stryker disable next-line StringLiteral: Buffer.from reads a string as UTF-8 when no encoding is named
  for (const [key, value] of entries) merged = mergeEnv(merged, key, Buffer.from(value, 'utf8').toString('latin1'))
  // Stryker disable next-line BooleanLiteral: syncing the folder keeps the rename through a power cut, which no test can cause
  await writeFileAtomically(path, Buffer.from(merged, 'latin1'), {mode: 0o600, keepMode: true, syncFolder: true})
  return {created}
}
