// `?cursor=&limit=` on list endpoints. Cursors are opaque to clients: base64url of the last
// served item's creation number, so a page after deletions neither repeats nor skips an item.
import type {Pagination} from '../api/contract.js'
import type {OrderedCollection} from './ordered-collection.js'
import {invalid} from './problems.js'
import type {Sequenced} from './records.js'

export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 100
const CURSOR_PREFIX = 'seq:'

export interface PageRequest {
  afterSeq?: number
  limit: number
}

export function encodeCursor(seq: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${seq}`).toString('base64url')
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8')
  const seq = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : Number.NaN
  if (!Number.isSafeInteger(seq) || seq < 0 || encodeCursor(seq) !== cursor) {
    throw invalid(`cursor ${JSON.stringify(cursor)} is not a cursor this API gave out.`, 'Pass the pagination.nextCursor of the previous page, or leave cursor out for the first page.')
  }
  return seq
}

/** Reads `limit` (1 to max, default 100); undefined when absent. */
export function readLimit(query: URLSearchParams, max = MAX_LIMIT): number | undefined {
  const raw = query.get('limit')
  if (raw === null || raw === '') return undefined
  const limit = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(limit) || limit < 1 || limit > max) {
    throw invalid(`limit must be a whole number from 1 to ${max}, got ${JSON.stringify(raw)}.`)
  }
  return limit
}

export function readPageRequest(query: URLSearchParams): PageRequest {
  const limit = readLimit(query) ?? DEFAULT_LIMIT
  const cursor = query.get('cursor')
  // An empty or "null" cursor is how some clients say "first page".
  if (cursor === null || cursor === '' || cursor === 'null') return {limit}
  return {afterSeq: decodeCursor(cursor), limit}
}

export interface Page<T> {
  items: T[]
  pagination: Pagination
}

export function pageOf<T extends Sequenced>(collection: OrderedCollection<T> | undefined, request: PageRequest): Page<T> {
  if (!collection) return {items: [], pagination: {nextCursor: null, hasMore: false}}
  const {items, nextSeq} = collection.page(request.afterSeq, request.limit)
  return {items, pagination: {nextCursor: nextSeq === null ? null : encodeCursor(nextSeq), hasMore: nextSeq !== null}}
}

/** A page over a list already in memory (filtered lists that have no index of their own). */
export function pageOfArray<T extends Sequenced>(items: readonly T[], request: PageRequest): Page<T> {
  const start = request.afterSeq === undefined ? 0 : items.findIndex((item) => item.seq > request.afterSeq!)
  const from = start === -1 ? items.length : start
  const slice = items.slice(from, from + request.limit)
  const more = from + request.limit < items.length
  return {items: slice, pagination: {nextCursor: more ? encodeCursor(slice[slice.length - 1].seq) : null, hasMore: more}}
}

/** A page over a list in memory served newest first (descending seq): a cursor names the last item served. */
export function pageOfNewestFirst<T extends Sequenced>(items: readonly T[], request: PageRequest): Page<T> {
  const start = request.afterSeq === undefined ? 0 : items.findIndex((item) => item.seq < request.afterSeq!)
  const from = start === -1 ? items.length : start
  const slice = items.slice(from, from + request.limit)
  const more = from + request.limit < items.length
  return {items: slice, pagination: {nextCursor: more ? encodeCursor(slice[slice.length - 1].seq) : null, hasMore: more}}
}
