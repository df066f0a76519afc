// Finding secrets in text and in parsed JSON, for everything that shows what went over the wire:
// the HTTP trace (DEBUG=prisma-mgmt:http) and the emulator's request log. No imports, no I/O: the
// emulator shares it with api/ as it shares url-host.ts.

/**
 * JSON keys (and `key=value` names, header names) whose value is never shown, compared without
 * case, `_` or `-`, so `api_key`, `apiKey` and `API-KEY` are one entry. `connectionString` is not
 * here: its value stays readable with the userinfo password redacted, as is any URL in any string.
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set(
  [
    'password',
    'pass',
    'passwd',
    'passphrase',
    // A service token's secret, in the answer that creates it.
    'value',
    'token',
    'accessToken',
    'refreshToken',
    'idToken',
    'oidcToken',
    'recipientAccessToken',
    'apiKey',
    'secret',
    'clientSecret',
    'secretAccessKey',
    'privateKey',
    'codeVerifier',
    'assertion',
    'authorization',
  ].map(normalizeKey),
)

// Names that end like a secret (`x-auth-token`, `githubOidcToken`, `webhookSecret`) are one too.
const SECRET_SUFFIX = /(?:token|secret|password)$/

function normalizeKey(key: string): string {
  return key.toLowerCase().replaceAll(/[-_]/g, '')
}

export function isSecretKey(key: string): boolean {
  const normalized = normalizeKey(key)
  return SECRET_KEYS.has(normalized) || SECRET_SUFFIX.test(normalized)
}

// scheme://user:password@ — the password runs to the last @ of the authority, so one with a raw @ is hidden whole.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*):([^\s/?#]*)@/gi
// name=value in query strings, form bodies and libpq keyword strings (`password='x y'`).
const NAME_VALUE = /(^|[?&;,\s])([a-z][\w.-]*)=('(?:[^'\\]|\\.)*'|[^&;,\s]*)/gi
// "name": "value" (or a number) in text that is not parseable JSON, such as a cut-off body.
const JSON_MEMBER = /("([^"\\]*)"\s*:\s*)("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*)/g

/** Every secret a pattern finds in free text (a URL's password, `token=…`, `"password": "…"`) replaced by `mask`. */
export function redactPatterns(text: string, mask: string): string {
  return text
    .replace(URL_PASSWORD, `$1:${mask}@`)
    .replace(NAME_VALUE, (whole, lead: string, name: string) => (isSecretKey(name) ? `${lead}${name}=${mask}` : whole))
    .replace(JSON_MEMBER, (whole, head: string, name: string) => (isSecretKey(name) ? `${head}${JSON.stringify(mask)}` : whole))
}

/**
 * A parsed JSON value with the value of every secret key replaced by `mask` (null and booleans,
 * which only say whether one is there, stay) and every string passed through `text`.
 */
export function redactMembers(value: unknown, mask: string, text: (value: string) => string = (s) => redactPatterns(s, mask)): unknown {
  if (typeof value === 'string') return text(value)
  if (Array.isArray(value)) return value.map((item) => redactMembers(item, mask, text))
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, isSecretKey(key) && inner !== null && typeof inner !== 'boolean' ? mask : redactMembers(inner, mask, text)]),
    )
  }
  return value
}
