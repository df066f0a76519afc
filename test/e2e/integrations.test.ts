// integrations, workspaces show and regions list through the built binary against `emulator
// start`. An integration is made the way users make one: `prisma-mgmt login --browser`, with the
// consent page answered as a person would; revoking it ends that login's session.
import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {formOf, postForm} from '../emulator/oauth-flow.js'
import {Emulator, eventually, parseJson, removeDir, run, start, tempDir, tsv, tsvHeader} from './harness.js'

const FAKE_BROWSER = join(import.meta.dirname, 'fake-browser.mjs')

interface IntegrationJson {
  id: string
  scopes: string[]
  client: {id: string; name: string}
  createdByUser: {email: string}
}

describe('integrations, workspaces show and regions list', () => {
  let emulator: Emulator
  let home: string
  let workspaceId: string
  const cli = (args: string[], extra: Record<string, string | undefined> = {}) => run(args, {env: emulator.env(home, extra), emulator})

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
    const me = await emulator.call<{data: {workspace: {id: string}}}>('GET', '/v1/me')
    workspaceId = me.body.data.workspace.id
  })
  after(async () => {
    await emulator?.stop()
    if (home) await removeDir(home)
  })

  /** `login --browser` into profile `app`: the browser only notes the URL; the consent page is approved here, as a person would. */
  let logins = 0
  async function browserLogin(): Promise<void> {
    const log = join(home, `browser-${++logins}.log`)
    const login = start(['login', '--browser', '--profile', 'app', '--auth-url', emulator.url, '--api-url', emulator.url], {
      env: {XDG_CONFIG_HOME: home, BROWSER: `${process.execPath} ${FAKE_BROWSER}`, FAKE_BROWSER_ACTION: 'record', FAKE_BROWSER_LOG: log},
      emulator,
    })
    const opened = await eventually('the browser to be opened', async () => {
      const text = await readFile(log, 'utf8').catch(() => '')
      return text ? (JSON.parse(text.split('\n')[0]) as {opened: string}).opened : undefined
    })
    const page = await fetch(opened)
    assert.equal(page.status, 200, 'the consent page')
    const {csrf} = formOf(await page.text())
    const decided = await postForm(`${emulator.url}/authorize`, {csrf_token: csrf, decision: 'approve'})
    const callback = decided.headers.get('location')
    assert.ok(callback, 'the approval redirects to the CLI')
    assert.equal((await fetch(callback)).status, 200, 'the CLI took the callback')
    const done = await login.done
    assert.equal(done.code, 0, done.stderr)
  }

  it('workspaces show: the workspace in every format; an unknown one is exit 4', async () => {
    const tsvOut = await cli(['workspaces', 'show', workspaceId])
    assert.equal(tsvOut.code, 0, tsvOut.stderr)
    assert.deepEqual(tsvHeader(tsvOut.stdout), ['ID', 'NAME', 'CREATED'])
    const listed = parseJson<{id: string}[]>(await cli(['workspaces', 'list', '--json']))
    const shown = parseJson<{id: string}>(await cli(['workspaces', 'show', workspaceId, '--json']))
    assert.deepEqual(shown, listed.find((w) => w.id === workspaceId), 'the object workspaces list holds')
    const missing = await cli(['workspaces', 'show', 'cnoworkspace'])
    assert.equal(missing.code, 4, missing.stderr)
  })

  it('regions list: Postgres by default, --product accelerate and --product all', async () => {
    const postgres = await cli(['regions', 'list'])
    assert.equal(postgres.code, 0, postgres.stderr)
    assert.deepEqual(tsvHeader(postgres.stdout), ['ID', 'NAME', 'STATUS'])
    const accelerate = await cli(['regions', 'list', '--product', 'accelerate'])
    assert.equal(accelerate.code, 0, accelerate.stderr)
    assert.deepEqual(tsvHeader(accelerate.stdout), ['ID', 'NAME'])
    const accelerateJson = parseJson<{id: string}[]>(await cli(['regions', 'list', '--product', 'accelerate', '--json']))
    assert.deepEqual(tsv(accelerate.stdout).map((r) => r.ID), accelerateJson.map((r) => r.id))
    assert.ok(accelerateJson.length > 0, 'Accelerate runs somewhere')
    const all = await cli(['regions', 'list', '--product', 'all'])
    assert.equal(all.code, 0, all.stderr)
    assert.deepEqual(tsvHeader(all.stdout), ['ID', 'NAME', 'PRODUCT', 'STATUS'])
    const products = new Set(tsv(all.stdout).map((r) => r.PRODUCT))
    assert.deepEqual([...products].sort(), ['accelerate', 'postgres'])
    assert.equal(tsv(all.stdout).filter((r) => r.PRODUCT === 'postgres').length, tsv(postgres.stdout).length)
  })

  it('a browser login appears as an integration; show prints it; revoke needs --yes, then ends that login', async () => {
    const none = await cli(['integrations', 'list'])
    assert.equal(none.code, 0, none.stderr)
    assert.deepEqual(tsv(none.stdout), [], 'no application yet')

    await browserLogin()
    const whoami = await cli(['whoami', '--profile', 'app', '--json'], {PRISMA_SERVICE_TOKEN: undefined, PRISMA_MANAGEMENT_API_URL: undefined})
    assert.equal(whoami.code, 0, `the OAuth login works: ${whoami.stderr}`)

    const listed = await cli(['integrations', 'list'])
    assert.equal(listed.code, 0, listed.stderr)
    assert.deepEqual(tsvHeader(listed.stdout), ['ID', 'APP', 'CLIENT ID', 'SCOPES', 'AUTHORIZED BY', 'CREATED'])
    const [row] = tsv(listed.stdout)
    assert.equal(row['CLIENT ID'], 'prisma-mgmt-emulator')
    const json = parseJson<IntegrationJson[]>(await cli(['integrations', 'list', '--workspace', workspaceId, '--json']))
    assert.deepEqual(json.map((i) => i.id), [row.ID])
    assert.equal(row.SCOPES, json[0].scopes.join(' '))
    const shown = parseJson<IntegrationJson>(await cli(['integrations', 'show', row.ID, '--json']))
    assert.deepEqual(shown, json[0])

    const refused = await cli(['integrations', 'revoke', row.ID])
    assert.equal(refused.code, 2, refused.stderr)
    assert.match(refused.stderr, /^Error: Refusing to revoke integration \w+ without confirmation\. The application's tokens stop working at once\.\nPass --yes to revoke without a prompt\.\n$/)
    const stillIn = await cli(['whoami', '--profile', 'app'], {PRISMA_SERVICE_TOKEN: undefined, PRISMA_MANAGEMENT_API_URL: undefined})
    assert.equal(stillIn.code, 0, 'nothing was revoked')

    const revoked = await cli(['integrations', 'revoke', row.ID, '--yes'])
    assert.equal(revoked.code, 0, revoked.stderr)
    assert.equal(revoked.stdout, `Revoked integration ${row.ID} of prisma-mgmt-emulator; its tokens no longer work.\n`)
    const ended = await cli(['whoami', '--profile', 'app'], {PRISMA_SERVICE_TOKEN: undefined, PRISMA_MANAGEMENT_API_URL: undefined})
    assert.equal(ended.code, 3, `the login's session ended: ${ended.stderr}`)
    assert.deepEqual(parseJson(await cli(['integrations', 'list', '--json'])), [], 'no integration is left')
    const again = await cli(['integrations', 'show', row.ID])
    assert.equal(again.code, 4, again.stderr)
  })

  it('revoke --client: the application named by its client id loses its access to the workspace', async () => {
    await browserLogin()
    const app = ['whoami', '--profile', 'app']
    const loggedOut = {PRISMA_SERVICE_TOKEN: undefined, PRISMA_MANAGEMENT_API_URL: undefined}
    assert.equal((await cli(app, loggedOut)).code, 0, 'logged in again')
    const [integration] = parseJson<IntegrationJson[]>(await cli(['integrations', 'list', '--json']))
    const revoked = await cli(['integrations', 'revoke', '--client', 'prisma-mgmt-emulator', '--workspace', workspaceId, '--yes', '--json'])
    assert.equal(revoked.code, 0, revoked.stderr)
    assert.deepEqual(parseJson(revoked), {id: integration.id, clientId: 'prisma-mgmt-emulator', revoked: true})
    assert.equal((await cli(app, loggedOut)).code, 3, 'the session ended')
    const none = await cli(['integrations', 'revoke', '--client', 'prisma-mgmt-emulator', '--yes'])
    assert.equal(none.code, 4, none.stderr)
  })
})
