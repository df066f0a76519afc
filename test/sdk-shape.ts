// A runtime check of an answer against the required fields of the SDK's own types.
import assert from 'node:assert/strict'

// The SDK (openapi-fetch) checks no response at run time: it parses the JSON of any 2xx as `data`.
// So each answer is checked here against the required fields of the SDK's own types.
export type Shape = 'string' | 'number' | 'boolean' | 'uri' | 'date-time' | 'string|null' | {const: string} | {nullable: Shape} | {optional: Shape} | {array: Shape} | {[key: string]: Shape}

export function conforms(value: unknown, shape: Shape, at: string): void {
  if (typeof shape === 'string') {
    if (shape === 'string|null') return value === null ? undefined : conforms(value, 'string', at)
    if (shape === 'uri' || shape === 'date-time') {
      assert.equal(typeof value, 'string', `${at} must be a string`)
      if (shape === 'uri') assert.doesNotThrow(() => new URL(value as string), `${at} must be a URI`)
      else assert.ok(!Number.isNaN(Date.parse(value as string)), `${at} must be a date-time`)
      return
    }
    assert.equal(typeof value, shape, `${at} must be a ${shape}, got ${JSON.stringify(value)}`)
    return
  }
  if ('const' in shape && typeof shape.const === 'string') return assert.equal(value, shape.const, at)
  if ('nullable' in shape) return value === null ? undefined : conforms(value, shape.nullable as Shape, at)
  if ('optional' in shape) return value === undefined ? undefined : conforms(value, shape.optional as Shape, at)
  if ('array' in shape) {
    assert.ok(Array.isArray(value), `${at} must be an array`)
    value.forEach((item, i) => conforms(item, shape.array as Shape, `${at}[${i}]`))
    return
  }
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `${at} must be an object`)
  for (const [key, inner] of Object.entries(shape)) {
    const field = (value as Record<string, unknown>)[key]
    const optional = typeof inner === 'object' && 'optional' in inner
    if (!optional) assert.ok(key in value, `${at}.${key} is required`)
    conforms(field, inner, `${at}.${key}`)
  }
}

