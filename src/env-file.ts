// Merging one key into a dotenv file without losing anything: every other line is kept as it
// was, the key's line is replaced in place (or appended), and the file is replaced atomically,
// so a failure leaves the old file whole. A new file is created with mode 0600.
import {randomBytes} from 'node:crypto'
import {chmod, open, readFile, rename, stat, unlink} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

/** `KEY="value"` with the characters dotenv parsers treat specially inside double quotes escaped. */
export function envLine(key: string, value: string): string {
  return `${key}="${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`
}

const keyPattern = (key: string) => new RegExp(`^\\s*(?:export\\s+)?${key}\\s*=`)

/** The file's text with `key` set; `export KEY=` lines keep their `export`. */
export function mergeEnv(text: string, key: string, value: string): string {
  const newline = text.includes('\r\n') ? '\r\n' : '\n'
  const lines = text === '' ? [] : text.split(/\r?\n/)
  // A trailing newline leaves one empty last element; keep the file's ending as it was.
  const endsWithNewline = lines.length > 0 && lines.at(-1) === ''
  if (endsWithNewline) lines.pop()
  const pattern = keyPattern(key)
  let replaced = false
  const merged: string[] = []
  for (const line of lines) {
    if (pattern.test(line)) {
      if (replaced) continue // a later duplicate would override ours in most loaders
      const exported = /^\s*export\s+/.test(line)
      merged.push(`${exported ? 'export ' : ''}${envLine(key, value)}`)
      replaced = true
    } else {
      merged.push(line)
    }
  }
  if (!replaced) merged.push(envLine(key, value))
  return merged.join(newline) + newline
}

export async function writeEnvFile(path: string, key: string, value: string): Promise<{created: boolean}> {
  let text = ''
  let mode = 0o600
  let created = true
  try {
    text = await readFile(path, 'utf8')
    mode = (await stat(path)).mode & 0o777
    created = false
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', 0o600)
  try {
    await handle.writeFile(mergeEnv(text, key, value))
    await handle.sync()
  } catch (error) {
    await handle.close()
    await unlink(temp).catch(() => {})
    throw error
  }
  await handle.close()
  try {
    await chmod(temp, mode)
    await rename(temp, path)
  } catch (error) {
    await unlink(temp).catch(() => {})
    throw error
  }
  return {created}
}
