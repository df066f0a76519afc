// Builds API paths from user-supplied ids; kept free of undici so anything may import it.

/**
 * Tagged template for API paths: every interpolated value is one path segment, passed
 * through encodeURIComponent, so an id like `a/b?c` cannot reach another endpoint.
 *
 * @example apiPath`/v1/projects/${id}/databases`
 */
export function apiPath(strings: TemplateStringsArray, ...params: string[]): string {
  let out = strings[0]
  params.forEach((param, index) => {
    // URL parsing resolves `.`/`..` (even percent-encoded), and '' would hit the parent collection.
    if (param === '' || param === '.' || param === '..') {
      throw new Error(`Invalid id "${param}" in API path ${strings.join('{}')}.`)
    }
    out += encodeURIComponent(param) + strings[index + 1]
  })
  return out
}
