// With DEBUG set, bin/run.js masks every secret it knows of in all that is written to stdout and
// stderr (oclif's debug lines echo argv); a secret learnt later, such as a stored token, joins here.

/** The registry bin/run.js creates, only when DEBUG is set. */
const REGISTRY = Symbol.for('prisma-mgmt.debug-secrets')

/** Masks `secret` in the debug output from now on; nothing to do when DEBUG is unset. */
export function hideFromDebugOutput(secret: string | undefined): void {
  const registry = (globalThis as {[REGISTRY]?: Set<string>})[REGISTRY]
  const value = secret?.trim()
  if (registry && value && value.length >= 4) registry.add(value)
}
