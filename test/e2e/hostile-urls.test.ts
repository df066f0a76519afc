// Every URL the CLI opens or sends a credential to is https:, or http: on this machine: an
// authorization server whose metadata names a javascript:, file:, data:... endpoint is refused
// before any browser opens, --insecure or not, with an error naming the scheme; --insecure relaxes
// only the loopback rule of http:. The URL printed is the URL opened. The API URL obeys the same rule.
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, afterEach, before, beforeEach, describe, it} from 'node:test'

import {json, startServer, type LocalServer} from '../api/local-server.js'
import {removeDir, run, tempDir, type RunResult} from './harness.js'

const FAKE_BROWSER = join(import.meta.dirname, 'fake-browser.mjs')

/** One URL of each scheme a browser or an opener might act on; none is https: or http:. */
const REFUSED: readonly {scheme: string; url: string}[] = [
  {scheme: 'javascript:', url: 'javascript://localhost/%0aalert(document.domain)//'},
  {scheme: 'javascript:', url: 'javascript:alert(1)'},
  {scheme: 'file:', url: 'file:///etc/passwd'},
  {scheme: 'file:', url: 'file://localhost/etc/passwd'},
  {scheme: 'data:', url: 'data:text/html,<script>alert(1)</script>'},
  {scheme: 'vbscript:', url: 'vbscript:msgbox(1)'},
  {scheme: 'blob:', url: 'blob:http://localhost/0f7c'},
  {scheme: 'about:', url: 'about:blank'},
  {scheme: 'ftp:', url: 'ftp://localhost/authorize'},
  {scheme: 'ws:', url: 'ws://localhost/authorize'},
  {scheme: 'wss:', url: 'wss://localhost/authorize'},
  {scheme: 'mailto:', url: 'mailto:someone@localhost'},
  {scheme: 'x-app:', url: 'x-app://localhost/authorize'},
]

const ENDPOINTS = ['authorization_endpoint', 'token_endpoint', 'revocation_endpoint'] as const

/** Runs `items` through `each`, a few at a time (each is a process). */
async function inBatches<T>(items: readonly T[], each: (item: T) => Promise<void>, size = 4): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each))
}

describe('URLs the CLI opens or sends a credential to', () => {
  let server: LocalServer
  /** Each login gets its own authorization server under the test server, /<case>, whose metadata names these endpoints. */
  const cases = new Map<string, Record<string, string>>()
  let home: string

  before(async () => {
    server = await startServer((request, response) => {
      const found = /^\/([\w-]+)\/\.well-known\/oauth-authorization-server$/.exec(request.url)
      const metadata = found && cases.get(found[1])
      if (metadata) return json(response, 200, {issuer: `${server.url}/${found[1]}`, code_challenge_methods_supported: ['S256'], ...metadata})
      json(response, 404, {error: 'not_found'})
    })
  })
  beforeEach(async () => {
    home = await tempDir('prisma-mgmt-urls-')
  })
  afterEach(async () => {
    await removeDir(home)
  })
  after(async () => {
    await server.close()
  })

  /** An authorization server whose metadata names the server's own endpoints but for `endpoints`; its base URL. */
  const authServer = (endpoints: Record<string, string> = {}): string => {
    const name = `case-${cases.size + 1}`
    const base = `${server.url}/${name}`
    cases.set(name, {authorization_endpoint: `${base}/authorize`, token_endpoint: `${base}/token`, revocation_endpoint: `${base}/revoke`, ...endpoints})
    return base
  }

  /** `login --browser` against `authUrl`, with a browser that only writes down what it was given. */
  const login = (authUrl: string, args: string[], log: string): Promise<RunResult> =>
    run(['login', '--browser', '--login-timeout', '2', '--auth-url', authUrl, ...args], {
      env: {
        XDG_CONFIG_HOME: home,
        PRISMA_MANAGEMENT_API_URL: server.url,
        BROWSER: `"${process.execPath}" "${FAKE_BROWSER}"`,
        FAKE_BROWSER_ACTION: 'record',
        FAKE_BROWSER_LOG: log,
      },
    })
  const opened = async (log: string): Promise<string[]> =>
    (await readFile(log, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as {opened: string}).opened)

  for (const key of ENDPOINTS) {
    for (const insecure of [false, true]) {
      it(`${key} of every refused scheme${insecure ? ', with --insecure' : ''}: exit 6 naming the scheme, no browser, nothing saved`, async () => {
        await inBatches(REFUSED, async ({scheme, url}) => {
          const log = join(home, `browser-${key}-${REFUSED.findIndex((r) => r.url === url)}.log`)
          const result = await login(authServer({[key]: url}), insecure ? ['--insecure'] : [], log)
          const words = key.replaceAll('_', ' ')
          const {href} = new URL(url)
          assert.equal(result.code, 6, `${url}: exit code; stderr: ${result.stderr}`)
          assert.ok(
            result.stderr.startsWith(`Error: Refusing to use the ${words} ${JSON.stringify(href)}: its scheme is ${scheme}, and prisma-mgmt opens and sends secrets only to https: URLs (http: on this machine).\n`),
            `${url}: stderr names the scheme:\n${result.stderr}`,
          )
          assert.doesNotMatch(result.stderr, /plain http|null/, `${url}: the old words: ${result.stderr}`)
          assert.equal(result.stdout, '', `${url}: stdout`)
          assert.deepEqual(await opened(log), [], `${url}: a browser was started`)
          assert.equal(existsSync(join(home, 'prisma-mgmt', 'config.json')), false, `${url}: something was saved`)
        })
      })
    }
  }

  it('http: to another machine is refused without --insecure (exit 2); with it, the URL printed is the one the browser opens', async () => {
    const base = authServer({authorization_endpoint: 'http://auth.example.test/authorize'})
    const refusedLog = join(home, 'refused.log')
    const refused = await login(base, [], refusedLog)
    assert.equal(refused.code, 2, refused.stderr)
    assert.match(refused.stderr, /^Error: Refusing to use the authorization endpoint http:\/\/auth\.example\.test over plain http:\/\/: anyone on the way could read the tokens\.\n/)
    assert.deepEqual(await opened(refusedLog), [])

    const allowedLog = join(home, 'allowed.log')
    const allowed = await login(base, ['--insecure'], allowedLog)
    assert.equal(allowed.code, 3, `the login times out after opening the page: ${allowed.stderr}`)
    const [url] = await opened(allowedLog)
    assert.ok(url?.startsWith('http://auth.example.test/authorize?response_type=code&'), `opened: ${url}`)
    assert.ok(allowed.stderr.includes(`visit this URL:\n\n  ${url}\n`), `the printed URL is the opened one:\n${allowed.stderr}\nopened: ${url}`)
  })

  it('an endpoint with control characters, spaces and bidi overrides: the URL printed is exactly the URL opened, with nothing raw in it', async () => {
    const base = authServer({authorization_endpoint: `${server.url}/author ize\u001b[2J/\u202eevil?next=\u009b31m&x=\u0007#frag\u2028`})
    const log = join(home, 'odd.log')
    const result = await login(base, [], log)
    assert.equal(result.code, 3, result.stderr)
    const [url] = await opened(log)
    assert.ok(url, 'the browser was given a URL')
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    assert.doesNotMatch(url, /[\u0000-\u0020\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/, `the opened URL: ${JSON.stringify(url)}`)
    const printed = /visit this URL:\n\n {2}(\S+)\n/.exec(result.stderr)?.[1]
    assert.equal(printed, url, `printed and opened differ:\n${result.stderr}`)
    assert.ok(url.startsWith(`${server.url}/author%20ize%1B[2J/%E2%80%AEevil?`), `percent-encoded as the browser reads it: ${url}`)
  })

  it('an --auth-url of another scheme: exit 2 naming it, nothing requested', async () => {
    for (const {scheme, url} of REFUSED) {
      const before = server.received.length
      const result = await login(url, [], join(home, 'auth-url.log'))
      assert.equal(result.code, 2, `${url}: ${result.stderr}`)
      assert.ok(result.stderr.includes(`its scheme is ${scheme}, and it must be https:// (or http:// on this machine).`), `${url}: ${result.stderr}`)
      assert.equal(server.received.length, before, `${url}: a request was made`)
    }
  })

  it('an API URL of another scheme, from the flag, the environment or with --insecure: exit 2 naming it, nothing sent', async () => {
    await inBatches(REFUSED, async ({scheme, url}) => {
      for (const [args, env] of [
        [['--api-url', url], {}],
        [['--api-url', url, '--insecure'], {}],
        [[], {PRISMA_MANAGEMENT_API_URL: url}],
      ] as const) {
        const result = await run(['projects', 'list', '--json', ...args], {env: {XDG_CONFIG_HOME: home, PRISMA_SERVICE_TOKEN: 'sk_url_test_token_1234', ...env}, secrets: ['sk_url_test_token_1234']})
        assert.equal(result.code, 2, `${url} ${args.join(' ')}: ${result.stderr}`)
        assert.ok(result.stderr.startsWith(`Error: The API URL must start with https:// or http://, not ${scheme} (`), `${url}: ${result.stderr}`)
        assert.equal(JSON.parse(result.stdout).error.code, 'usage', `${url}: the JSON error`)
      }
    })
  })
})
