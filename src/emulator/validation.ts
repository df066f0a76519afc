// Reading request bodies field by field, with 400s that name the field and what was wrong.
import type {RegionId} from '../api/contract.js'
import {ApiProblem, invalid} from './problems.js'
import {REGIONS, isRegionId} from './regions.js'

export type Fields = Record<string, unknown>

/** The body as an object; an absent body counts as `{}` (every field optional). */
export function objectBody(body: unknown): Fields {
  if (body === undefined) return {}
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('The request body must be a JSON object.')
  }
  return body as Fields
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${JSON.stringify(value)}`
}

/** How a field problem is reported: 400 on most endpoints, 422 where the contract says so. */
export type FieldProblem = (message: string) => ApiProblem

const badRequest: FieldProblem = (message) => invalid(message)

/** A 422 for the updates whose contract answers a failed validation that way. */
export const unprocessableField: FieldProblem = (message) => new ApiProblem(422, 'validation-error', message)

export function optionalString(fields: Fields, name: string, problem: FieldProblem = badRequest): string | undefined {
  const value = fields[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw problem(`${name} must be a string, got ${describe(value)}.`)
  return value
}

/** A display name: trimmed, not blank, at most 255 characters. */
export function optionalName(fields: Fields, name = 'name', problem: FieldProblem = badRequest): string | undefined {
  const value = optionalString(fields, name, problem)
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (trimmed === '') throw problem(`${name} must not be empty or blank.`)
  if (trimmed.length > 255) throw problem(`${name} must be at most 255 characters long, got ${trimmed.length}.`)
  return trimmed
}

export function requiredName(fields: Fields, name = 'name'): string {
  const value = optionalName(fields, name)
  if (value === undefined) throw invalid(`${name} is required.`)
  return value
}

export function optionalBoolean(fields: Fields, name: string): boolean | undefined {
  const value = fields[name]
  if (value === undefined) return undefined
  if (typeof value !== 'boolean') throw invalid(`${name} must be true or false, got ${describe(value)}.`)
  return value
}

/** A non-blank identifier chosen by the client (logicalId). */
export function optionalIdentifier(fields: Fields, name: string, problem: FieldProblem = badRequest): string | undefined {
  const value = optionalString(fields, name, problem)
  if (value === undefined) return undefined
  if (value.trim() === '') throw problem(`${name} must not be empty or blank.`)
  if (value.length > 255) throw problem(`${name} must be at most 255 characters long, got ${value.length}.`)
  return value
}

export function optionalRegion(fields: Fields, options: {allowInherit?: boolean} = {}): RegionId | 'inherit' | undefined {
  const value = fields.region
  if (value === undefined) return undefined
  const allowed = [...REGIONS.map((region) => region.id), ...(options.allowInherit ? ['inherit'] : [])]
  if (typeof value !== 'string' || !(isRegionId(value) || (options.allowInherit && value === 'inherit'))) {
    throw invalid(`region must be one of ${allowed.join(', ')}; got ${describe(value)}.`, 'List the regions with GET /v1/regions/postgres.')
  }
  return value
}
