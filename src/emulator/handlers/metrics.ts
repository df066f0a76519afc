// A database's usage: the API requests made about it, counted per day.
import type {ResponseBody} from '../../api/contract.js'
import type {Call, Reply} from '../core.js'
import {requireDatabase} from '../core.js'
import {invalid} from '../problems.js'
import type {DatabaseRecord} from '../records.js'

const DAY_MS = 24 * 60 * 60 * 1000
/** An empty PostgreSQL takes about 8 MiB; each operation is taken to add a little. */
const BASE_STORAGE_GIB = 0.0078
const STORAGE_PER_OPERATION_GIB = 0.000001

/** YYYY-MM-DD (the whole day: its start, or its end for endDate) or an ISO 8601 date-time. */
function readDate(query: URLSearchParams, name: 'startDate' | 'endDate'): Date | undefined {
  const raw = query.get(name)
  if (raw === null || raw === '') return undefined
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw)
  if (dateOnly) {
    const [year, month, day] = dateOnly.slice(1).map(Number)
    const start = Date.UTC(year, month - 1, day)
    const date = new Date(start)
    // Date.UTC rolls 2025-02-30 over into March; a real calendar day round-trips.
    if (date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day) {
      return name === 'startDate' ? date : new Date(start + DAY_MS - 1)
    }
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw) && !Number.isNaN(Date.parse(raw))) {
    return new Date(raw)
  }
  throw invalid(`${name} must be a date (YYYY-MM-DD) or an ISO 8601 date-time, got ${JSON.stringify(raw)}.`)
}

function operationsBetween(database: DatabaseRecord, start: Date, end: Date): number {
  const first = start.toISOString().slice(0, 10)
  const last = end.toISOString().slice(0, 10)
  let total = 0
  for (const [day, count] of Object.entries(database.operations)) if (day >= first && day <= last) total += count
  return total
}

export function getUsage(call: Call): Reply {
  const {params, query} = call
  const database = requireDatabase(call, params.databaseId)
  const now = new Date()
  const start = readDate(query, 'startDate') ?? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
  const end = readDate(query, 'endDate') ?? now
  if (start.getTime() > end.getTime()) throw invalid(`startDate (${start.toISOString()}) must not be after endDate (${end.toISOString()}).`)
  const operations = operationsBetween(database, start, end)
  const storage = Math.round((BASE_STORAGE_GIB + operations * STORAGE_PER_OPERATION_GIB) * 1e6) / 1e6
  return {
    status: 200,
    body: {
      period: {start: start.toISOString(), end: end.toISOString()},
      metrics: {operations: {used: operations, unit: 'ops'}, storage: {used: storage, unit: 'GiB'}},
      generatedAt: now.toISOString(),
    } satisfies ResponseBody<'getV1DatabasesByDatabaseIdUsage', 200>,
  }
}
