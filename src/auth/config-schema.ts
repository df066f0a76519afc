// The shape of config.json, checked before any value in it is used or written back. Objects are
// loose: keys a newer prisma-mgmt adds pass through an older one untouched.
import * as v from 'valibot'

// valibot's object schemas take an array for an object (and output {}); a config never holds one.
const plainObject = v.custom<Record<string, unknown>>(
  (input) => typeof input === 'object' && input !== null && !Array.isArray(input),
  'object',
)

const workspaceSchema = v.pipe(plainObject, v.looseObject({id: v.string(), name: v.string()}))

const profileSchema = v.pipe(
  plainObject,
  v.looseObject({
    apiUrl: v.optional(v.string()),
    /** A service token (login --token, --with-token, or pasted). */
    token: v.optional(v.string()),
    /** `oauth` for a browser login; absent for a service token. A string, so a newer kind does not make the file unreadable here. */
    credential: v.optional(v.string()),
    /** The OAuth session's tokens: the access token sent to the API and the single-use refresh token that renews it. */
    accessToken: v.optional(v.string()),
    refreshToken: v.optional(v.string()),
    /** ISO time the access token expires. */
    expiresAt: v.optional(v.string()),
    /** The OAuth client the session belongs to, and its authorization server: a refresh must go back to both. */
    clientId: v.optional(v.string()),
    authUrl: v.optional(v.string()),
    /** The workspace the token belonged to at login. */
    workspace: v.optional(workspaceSchema),
    /** ISO time the profile was last saved by login. */
    savedAt: v.optional(v.string()),
  }),
)

export const storedConfigSchema = v.pipe(
  plainObject,
  v.looseObject({
    currentProfile: v.optional(v.string()),
    profiles: v.optional(v.pipe(plainObject, v.record(v.string(), profileSchema))),
  }),
)

export type StoredWorkspace = v.InferOutput<typeof workspaceSchema>
export type Profile = v.InferOutput<typeof profileSchema>
export type StoredConfig = v.InferOutput<typeof storedConfigSchema>

const MAX_LISTED = 3

/** What is wrong with a parsed config.json, one entry per value, each naming its key path; empty when nothing is. */
export function configProblems(input: unknown): string[] {
  const result = v.safeParse(storedConfigSchema, input)
  if (result.success) return []
  const problems = result.issues.map((issue) => {
    const key = v.getDotPath(issue) ?? 'the top level'
    if (issue.received === 'undefined') return `${key} is missing`
    const expected = issue.type === 'custom' || issue.expected === 'Object' ? 'an object' : `a ${issue.expected}`
    const received = ({Array: 'an array', Object: 'an object'} as Record<string, string>)[issue.received] ?? issue.received
    return `${key} should be ${expected} but is ${received}`
  })
  return problems.length > MAX_LISTED ? [...problems.slice(0, MAX_LISTED), `and ${problems.length - MAX_LISTED} more`] : problems
}
