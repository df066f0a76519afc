// Builds API paths from user-supplied ids; kept free of undici so anything may import it.
import {InvalidIdError} from './errors.js'

/**
 * Whether a value can be one id segment of an API path. URL parsing resolves `.`/`..` (even
 * percent-encoded), and an empty or blank segment would hit the parent collection or nothing.
 */
export function isUsableId(value: string): boolean {
  return value.trim() !== '' && value !== '.' && value !== '..'
}

/**
 * Tagged template for API paths: every interpolated value is one path segment, passed
 * through encodeURIComponent, so an id like `a/b?c` cannot reach another endpoint.
 *
 * @example apiPath`/v1/projects/${id}/databases`
 */
export function apiPath(strings: TemplateStringsArray, ...params: string[]): string {
  let out = strings[0]
  params.forEach((param, index) => {
    if (!isUsableId(param)) throw new InvalidIdError(param, strings.join('{id}'))
    out += encodeURIComponent(param) + strings[index + 1]
  })
  return out
}
