// Every file the project writes goes through here: written to a temp file beside the target,
// synced, then renamed over it, so a reader or a crash finds the old file or the new one, never half.
import {randomBytes} from 'node:crypto'
import {chmod, link, mkdir, open, rename, stat, unlink} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

export interface AtomicWriteOptions {
  /** Permissions of the file written, whatever the umask; 0o600 unless given. */
  mode?: number
  /** An existing target keeps its own permissions; `mode` then applies only to a new file. */
  keepMode?: boolean
  /** Fail with EEXIST instead of replacing a target that exists. */
  exclusive?: boolean
  /** Sync the folder too, so that the new name itself survives a power loss. */
  syncFolder?: boolean
}

/** A hidden, unused name in the folder of `path`: the same file system, so a rename is atomic. */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o777
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

async function syncFolder(folder: string): Promise<void> {
  // Best effort: the file is in place already, and some systems cannot open a folder to sync it.
  const handle = await open(folder, 'r').catch(() => undefined)
  if (!handle) return
  try {
    await handle.sync()
  } catch {
    // As above: durability is hoped for here, the write itself has succeeded.
  } finally {
    await handle.close()
  }
}

/** Replaces (or with `exclusive`, creates) the file at `path`; on any failure no temp file is left. */
export async function writeFileAtomically(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = (options.keepMode ? await existingMode(path) : undefined) ?? options.mode ?? 0o600
  const temp = tempPathBeside(path)
  // wx: a name that exists is someone else's file, never to be overwritten; 0600 until it is whole.
  const handle = await open(temp, 'wx', 0o600)
  try {
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    // open()'s mode is filtered by the umask; the file must have exactly this one.
    await chmod(temp, mode)
    if (options.exclusive) {
      // link() refuses an existing target, which rename() would silently replace.
      await link(temp, path)
      await unlink(temp)
    } else {
      await rename(temp, path)
    }
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
  if (options.syncFolder) await syncFolder(dirname(path))
}

/**
 * A JSON state file rewritten whole on every change, one write at a time and in call order, each
 * synced with its folder (a record lost to a power cut would leave something nobody cleans up).
 * A failed write is reported to its caller; the next one still runs.
 */
export function jsonFileWriter(file: string): (state: unknown) => Promise<void> {
  let writing: Promise<void> = Promise.resolve()
  return (state) => {
    const text = `${JSON.stringify(state, null, 2)}\n`
    const write = async (): Promise<void> => {
      await mkdir(dirname(file), {recursive: true})
      await writeFileAtomically(file, text, {mode: 0o600, syncFolder: true})
    }
    const written = writing.then(write, write)
    writing = written.catch(() => undefined)
    return written
  }
}
