// The emulator's request log (GET /__emulator/requests) holds no secret: not the recipient token of
// a transfer, not an OIDC token, not a password, client secret, refresh or access token, key or a
// connection string's password, whether in a JSON body, a form, a query or a header; and nothing of
// what an answer minted (answers are not logged). Checked through the built binary and raw requests.
import assert from 'node:assert/strict'
import {after, before, beforeEach, describe, it} from 'node:test'

import {Emulator, parseJson, removeDir, run, tempDir} from './harness.js'

interface Received {
  method: string
  path: string
  headers: Record<string, string>
  body: unknown
}

describe('the emulator request log keeps no secret', () => {
  let emulator: Emulator
  let home: string
  const log = async () => (await emulator.call<{data: Received[]}>('GET', '/__emulator/requests')).body.data

  /** Every secret must be absent from the log, read as the test hook serves it, and from the emulator's own lines on stderr. */
  async function assertAbsent(secrets: readonly string[]): Promise<Received[]> {
    const entries = await log()
    const text = JSON.stringify(entries)
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `a secret is in the request log: ${secret.slice(0, 6)}…`)
      assert.ok(!emulator.output.stderr.includes(secret), `a secret is in the emulator's lines on stderr: ${secret.slice(0, 6)}…`)
    }
    return entries
  }

  before(async () => {
    emulator = await Emulator.start(['--databases', 'none'])
    home = await tempDir()
  })
  beforeEach(async () => {
    await emulator.call('DELETE', '/__emulator/requests')
  })
  after(async () => {
    await emulator.stop()
    await removeDir(home)
  })

  it("projects transfer: the recipient's token is redacted from the logged body", async () => {
    const workspace = await emulator.call<{data: {id: string}}>('POST', '/__emulator/workspaces', {name: 'Receiving'})
    const minted = await emulator.call<{data: {value: string}}>('POST', `/__emulator/workspaces/${workspace.body.data.id}/service-tokens`, {name: 'handover'})
    const recipient = minted.body.data.value
    const project = await emulator.call<{data: {id: string}}>('POST', '/v1/projects', {name: 'moving', createDatabase: false})
    const result = await run(['projects', 'transfer', project.body.data.id, '--recipient-token', recipient, '--yes'], {env: emulator.env(home), emulator, secrets: [recipient]})
    assert.equal(result.code, 0, result.stderr)
    const entries = await assertAbsent([recipient])
    const transfer = entries.find((r) => r.path.endsWith('/transfer'))
    assert.deepEqual(transfer?.body, {recipientAccessToken: '<redacted>'})
  })

  it('db credentials, db connections rotate and tokens create: what the answers minted never enters the log', async () => {
    const project = await run(['projects', 'create', '--name', 'minting', '--json'], {env: emulator.env(home), emulator})
    assert.equal(project.code, 0, project.stderr)
    const databaseId = parseJson<{database: {id: string}}>(project).database.id
    const minted = parseJson<{id: string; endpoints: Record<string, {connectionString?: string}>}>(await run(['db', 'credentials', databaseId, '--json'], {env: emulator.env(home), emulator}))
    const rotated = parseJson<{endpoints: Record<string, {connectionString?: string}>}>(await run(['db', 'connections', 'rotate', minted.id, '--yes', '--json'], {env: emulator.env(home), emulator}))
    const token = parseJson<{value: string}>(await run(['tokens', 'create', '--name', 'logged', '--json'], {env: emulator.env(home), emulator}))
    const passwords = [minted, rotated].flatMap((c) => Object.values(c.endpoints).map((e) => new URL(e.connectionString!).password))
    assert.equal(passwords.length >= 2 && passwords.every(Boolean), true, 'passwords were minted')
    await assertAbsent([...passwords, token.value, emulator.token])
  })

  it('raw requests: secret members at any depth, form fields, query parameters and headers are redacted; the rest is kept', async () => {
    const secrets = {
      password: 'pw-Secret-1',
      clientSecret: 'cs-Secret-2',
      client_secret: 'cs-Secret-3',
      secretAccessKey: 'sak-Secret-4',
      refreshToken: 'rt-Secret-5',
      accessToken: 'at-Secret-6',
      idToken: 'eyJid.Secret-7',
      token: 'eyJoidc.Secret-8',
      recipientAccessToken: 'rat-Secret-9',
      apiKey: 'ak-Secret-10',
    }
    const connectionString = 'postgres://user_1:pw-Secret-11@db.example.test:5432/postgres?sslmode=require'
    const body = {name: 'kept', nested: [{...secrets, note: 'kept too'}], connectionString}
    const response = await fetch(`${emulator.url}/v1/projects?token=q-Secret-12&cursor=kept`, {
      method: 'POST',
      headers: {authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json', 'x-auth-token': 'h-Secret-13', cookie: 'session=c-Secret-14'},
      body: JSON.stringify(body),
    })
    await response.text()
    const form = await fetch(`${emulator.url}/token`, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: 'grant_type=refresh_token&refresh_token=rt-Secret-15&client_id=kept&client_secret=cs-Secret-16&code_verifier=cv-Secret-17',
    })
    await form.text()
    const text = await fetch(`${emulator.url}/v1/auth/github-actions/token`, {method: 'POST', headers: {'content-type': 'text/plain'}, body: 'token=eyJtext.Secret-18 password=pw-Secret-19'})
    await text.text()

    const entries = await assertAbsent([...Object.values(secrets), 'pw-Secret-11', 'q-Secret-12', 'h-Secret-13', 'c-Secret-14', 'rt-Secret-15', 'cs-Secret-16', 'cv-Secret-17', 'eyJtext.Secret-18', 'pw-Secret-19'])
    const [json, posted, plain] = entries
    assert.deepEqual(json.body, {
      name: 'kept',
      nested: [{...Object.fromEntries(Object.keys(secrets).map((key) => [key, '<redacted>'])), note: 'kept too'}],
      connectionString: 'postgres://user_1:<redacted>@db.example.test:5432/postgres?sslmode=require',
    })
    assert.equal(json.path, '/v1/projects?token=<redacted>&cursor=kept')
    assert.equal(json.headers['x-auth-token'], '<redacted>')
    assert.equal(json.headers.cookie, '<redacted>')
    assert.equal(json.headers.authorization, 'Bearer <valid>')
    assert.deepEqual(posted.body, {grant_type: 'refresh_token', refresh_token: '<redacted>', client_id: 'kept', client_secret: '<redacted>', code_verifier: '<redacted>'})
    assert.equal(plain.body, 'token=<redacted> password=<redacted>')
  })
})
