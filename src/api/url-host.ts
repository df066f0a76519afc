// A host as URL.hostname gives it and as a URL needs it: an IPv6 address is in brackets inside a
// URL and nowhere else. Shared by the API client and the emulator; no imports, no I/O.

/** `[::1]` → `::1`; a name or an IPv4 address as it is. */
export function hostWithoutBrackets(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1')
}

/** `::1` → `[::1]`, to put into a URL; a name or an IPv4 address as it is. */
export function hostInUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}
