// Default names of what the CLI creates.

/** `project-20261128-095800`: a default name that sorts by creation time (UTC). */
export function timestampName(prefix: string, now: Date): string {
  const iso = now.toISOString()
  return `${prefix}-${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`
}

/** `base`, or `base-2`, `base-3`... : the first not in `taken` (two calls in one second must not share a name). */
export function unusedName(base: string, taken: Iterable<string>): string {
  const names = new Set(taken)
  if (!names.has(base)) return base
  for (let n = 2; ; n++) if (!names.has(`${base}-${n}`)) return `${base}-${n}`
}
