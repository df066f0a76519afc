// The data dir's state file: JSON, written atomically (temp file with mode 0600, fsync, rename)
// so a crash leaves either the old state or the new one, never half of each.
import {mkdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {writeFileAtomically} from '../files/atomic-write.js'
import type {StateSnapshot} from './records.js'

export const STATE_FILE = 'emulator-state.json'
/** Bursts of changes (a seeding loop) become one write per this many milliseconds. */
const WRITE_DELAY_MS = 50

export function stateFile(dataDir: string): string {
  return join(dataDir, STATE_FILE)
}

function isRecordList(value: unknown): value is {id: string; seq: number}[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null && typeof item.id === 'string' && typeof item.seq === 'number')
}

function isListOf(value: unknown, key: string): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null && typeof item[key] === 'string')
}

/** A workspace's plan (added later, optional): GET /v1/workspaces/{id}/subscription serves it as stored. */
function subscriptionValid(subscription: unknown): boolean {
  if (subscription === undefined) return true
  if (typeof subscription !== 'object' || subscription === null) return false
  const {planName, usageBlocked, upgradeUrl} = subscription as Record<string, unknown>
  return typeof planName === 'string' && typeof usageBlocked === 'boolean' && (upgradeUrl === undefined || typeof upgradeUrl === 'string')
}

/** Branches, buckets and their keys (added later, optional), each with the fields lookups rely on. */
function bucketPartsValid({branches, buckets, bucketKeys}: Partial<StateSnapshot>): boolean {
  if (branches !== undefined && !(isRecordList(branches) && isListOf(branches, 'projectId') && isListOf(branches, 'gitName'))) return false
  if (buckets !== undefined && !(isRecordList(buckets) && isListOf(buckets, 'projectId') && isListOf(buckets, 'providerName'))) return false
  const keyFields = ['bucketId', 'accessKeyId', 'secretAccessKey', 'role']
  return bucketKeys === undefined || (isRecordList(bucketKeys) && keyFields.every((field) => isListOf(bucketKeys, field)))
}

/** The parts later versions added are optional; when present they must look right. */
function optionalPartsValid(state: Partial<StateSnapshot>): boolean {
  const {otherWorkspaces, user, oauth, serviceTokens, backups} = state
  if (otherWorkspaces !== undefined && !isListOf(otherWorkspaces, 'id')) return false
  if (backups !== undefined && !(isRecordList(backups) && isListOf(backups, 'databaseId'))) return false
  if (![state.workspace, ...(otherWorkspaces ?? [])].every((workspace) => subscriptionValid(workspace?.subscription))) return false
  if (serviceTokens !== undefined && !(isRecordList(serviceTokens) && isListOf(serviceTokens, 'digest') && isListOf(serviceTokens, 'workspaceId'))) return false
  if (!bucketPartsValid(state)) return false
  if (user !== undefined && !(typeof user === 'object' && user !== null && typeof user.id === 'string' && typeof user.email === 'string')) return false
  if (oauth === undefined) return true
  return (
    typeof oauth === 'object' &&
    oauth !== null &&
    typeof oauth.secret === 'string' &&
    isListOf(oauth.authorizations, 'id') &&
    isListOf(oauth.refreshTokens, 'hash') &&
    isListOf(oauth.codes, 'hash') &&
    isListOf(oauth.revokedAccessTokens, 'jti')
  )
}

/** The saved state, or undefined when there is none yet; a corrupt file is an error naming it. */
export async function loadState(dataDir: string): Promise<StateSnapshot | undefined> {
  const file = stateFile(dataDir)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`Cannot read the emulator state file ${file}: ${(error as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error(`The emulator state file ${file} is not valid JSON (${(error as Error).message}); move it away to start empty.`)
  }
  const state = parsed as Partial<StateSnapshot> | null
  const valid =
    typeof state === 'object' &&
    state !== null &&
    state.version === 1 &&
    typeof state.workspace?.id === 'string' &&
    typeof state.credentialId === 'string' &&
    typeof state.nextSeq === 'number' &&
    isRecordList(state.projects) &&
    isRecordList(state.databases) &&
    isRecordList(state.connections) &&
    optionalPartsValid(state)
  if (!valid) throw new Error(`The emulator state file ${file} is not in the expected format (version 1); move it away to start empty.`)
  return state as StateSnapshot
}

export async function writeStateAtomically(dataDir: string, snapshot: StateSnapshot): Promise<void> {
  await mkdir(dataDir, {recursive: true, mode: 0o700})
  await writeFileAtomically(stateFile(dataDir), JSON.stringify(snapshot), {mode: 0o600, syncFolder: true})
}

/** Coalesces changes into one write at a time; `flush()` waits until the file holds the latest state. */
export class StateWriter {
  private timer: NodeJS.Timeout | undefined
  private writing: Promise<void> | undefined
  private dirty = false

  constructor(
    private readonly dataDir: string,
    private readonly snapshot: () => StateSnapshot,
    private readonly log: (line: string) => void,
  ) {}

  schedule(): void {
    this.dirty = true
    if (this.timer || this.writing) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      if (this.dirty) void this.write()
    }, WRITE_DELAY_MS)
  }

  async flush(): Promise<void> {
    for (;;) {
      if (this.timer) {
        clearTimeout(this.timer)
        this.timer = undefined
      }
      if (this.writing) {
        await this.writing
        continue
      }
      if (!this.dirty) return
      await this.write()
    }
  }

  private write(): Promise<void> {
    if (this.writing) return this.writing
    this.dirty = false
    this.writing = writeStateAtomically(this.dataDir, this.snapshot())
      .catch((error: Error) => this.log(`could not save the emulator state in ${this.dataDir}: ${error.message}`))
      .finally(() => {
        this.writing = undefined
        if (this.dirty && !this.timer) this.schedule()
      })
    return this.writing
  }
}
