// POST /v1/auth/github-actions/token: a GitHub Actions OIDC token signed by the configured issuer,
// for the audience prisma-cloud, not expired, from a linked repository, is exchanged for a service
// token of the linked workspace that authenticates until it expires; every failure is one generic 401.
import assert from 'node:assert/strict'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {after, before, describe, it} from 'node:test'

import type {Me, ResponseBody} from '../../src/api/contract.js'
import {startEmulator} from '../../src/emulator/index.js'
import {clientFor, startClient, type Client} from './emulator-client.js'
import {GITHUB_ISSUER, testIssuer, type TestIssuer} from './oidc-issuer.js'

type Minted = ResponseBody<'postV1AuthGithub-actionsToken', 201>['data']
type Refused = ResponseBody<'postV1AuthGithub-actionsToken', 401>
type Data<T> = {data: T}

const PATH = '/v1/auth/github-actions/token'
const REFUSED: Refused = {
  error: 'unauthorized',
  errorDescription: 'The GitHub Actions OIDC token is missing, expired or invalid, or its repository is not connected to a workspace.',
}

/** The exchange as the CLI sends it: no Authorization header, the OIDC token in the body. */
async function exchange(client: Client, body: unknown): Promise<{status: number; body: unknown; text: string}> {
  const response = await fetch(`${client.emulator.url}${PATH}`, {
    method: 'POST',
    headers: {'content-type': 'application/json', accept: 'application/json'},
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.text()
  return {status: response.status, body: text ? JSON.parse(text) : undefined, text}
}

describe('GitHub Actions OIDC exchange', () => {
  let dir: string
  let issuer: TestIssuer
  let client: Client
  const log: string[] = []

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-oidc-'))
    issuer = await testIssuer()
    client = await startClient({githubActions: {jwks: await issuer.writeJwks(dir), repositories: ['acme/web']}, log: (line) => log.push(line)})
  })
  after(async () => {
    await client?.emulator.close()
    await rm(dir, {recursive: true, force: true})
  })

  it('mints a service token of the linked workspace, valid for 1800 s by default, that authenticates the API', async () => {
    const me = (await client.call<Data<Me>>('GET', '/v1/me')).body.data
    const before = Date.now()
    const answer = await exchange(client, {token: await issuer.sign()})
    const afterwards = Date.now()
    assert.equal(answer.status, 201, answer.text)
    const minted = (answer.body as Data<Minted>).data
    assert.deepEqual(Object.keys(minted).sort(), ['expiresAt', 'id', 'type', 'value', 'workspaceId'], 'the contract fields')
    assert.equal(minted.type, 'serviceToken')
    assert.equal(minted.workspaceId, me.workspace!.id, 'the workspace the repository is linked to')
    const expiresAt = Date.parse(minted.expiresAt)
    // The second of the answer lies between the moments before and after the call.
    assert.ok(expiresAt >= before + 1800_000 - 1000 && expiresAt <= afterwards + 1800_000 + 1000, `expires 1800 s after minting: ${minted.expiresAt}`)

    const asMinted = await client.call<Data<Me>>('GET', '/v1/me', undefined, {authorization: `Bearer ${minted.value}`})
    assert.equal(asMinted.status, 200, asMinted.text)
    assert.equal(asMinted.body.data.workspace!.id, me.workspace!.id, 'the minted token belongs to the linked workspace')
    assert.equal(asMinted.body.data.credential.id, minted.id, 'and is the credential /v1/me names')
    const projects = await client.call('GET', '/v1/projects', undefined, {authorization: `Bearer ${minted.value}`})
    assert.equal(projects.status, 200, projects.text)
    assert.ok(log.some((line) => line === `github-actions token exchange: acme/web -> workspace ${me.workspace!.id}, 1800 s`), log.join('\n'))
  })

  it('takes expiresInSeconds, and caps it at 3600', async () => {
    for (const [asked, given] of [[60, 60], [3600, 3600], [7200, 3600]]) {
      const before = Date.now()
      const answer = await exchange(client, {token: await issuer.sign(), expiresInSeconds: asked})
      const afterwards = Date.now()
      assert.equal(answer.status, 201, answer.text)
      const expiresAt = Date.parse((answer.body as Data<Minted>).data.expiresAt)
      assert.ok(expiresAt >= before + given * 1000 - 1000 && expiresAt <= afterwards + given * 1000 + 1000, `asked ${asked}, expected ${given} s`)
    }
  })

  it('matches the repository without regard to case, as GitHub does', async () => {
    const answer = await exchange(client, {token: await issuer.sign({repository: 'ACME/Web'})})
    assert.equal(answer.status, 201, answer.text)
  })

  const refusals: [string, () => Promise<unknown>, RegExp][] = [
    ['an expired OIDC token', async () => ({token: await issuer.sign({expiresIn: -60})}), /the OIDC token has expired/],
    ['another audience', async () => ({token: await issuer.sign({audience: 'sts.amazonaws.com'})}), /"aud" claim is wrong/],
    ['another issuer', async () => ({token: await issuer.sign({issuer: 'https://issuer.example.test'})}), /"iss" claim is wrong/],
    ['a repository that is not linked', async () => ({token: await issuer.sign({repository: 'acme/other'})}), /the repository acme\/other is not linked/],
    ['a token signed with another key', async () => ({token: await (await testIssuer()).sign()}), /does not verify/],
    ['an unsigned token', async () => ({token: unsigned()}), /does not verify/],
    ['something that is not a JWT', async () => ({token: 'not-a-jwt'}), /does not verify/],
    ['a body without a token', async () => ({expiresInSeconds: 60}), /the body has no "token"/],
    ['a lifetime of 0', async () => ({token: await issuer.sign(), expiresInSeconds: 0}), /"expiresInSeconds" is not a whole number of 1 or more/],
    ['a body that is not JSON', async () => '{"token": ', /the body is not a JSON object/],
  ]
  for (const [what, body, reason] of refusals) {
    it(`refuses ${what} with the generic 401, and logs why`, async () => {
      const requestsBefore = client.emulator.requests().length
      log.length = 0
      const answer = await exchange(client, await body())
      assert.equal(answer.status, 401, answer.text)
      assert.deepEqual(answer.body, REFUSED, 'the same answer whatever failed')
      assert.ok(log.some((line) => line.startsWith('github-actions token exchange refused: ') && reason.test(line)), `the log says why:\n${log.join('\n')}`)
      assert.ok(client.emulator.requests().length > requestsBefore, 'the request is logged')
    })
  }

  it('mints tokens that stop working once they expire', async () => {
    const answer = await exchange(client, {token: await issuer.sign(), expiresInSeconds: 1})
    assert.equal(answer.status, 201, answer.text)
    const {value, expiresAt} = (answer.body as Data<Minted>).data
    while (Date.now() <= Date.parse(expiresAt)) await sleep(100)
    const refused = await client.call<{error: {code: string; message: string}}>('GET', '/v1/me', undefined, {authorization: `Bearer ${value}`})
    assert.equal(refused.status, 401, refused.text)
    assert.equal(refused.body.error.code, 'unauthorized')
  })
})

function unsigned(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  return `${part({alg: 'none', typ: 'JWT'})}.${part({iss: GITHUB_ISSUER, aud: 'prisma-cloud', repository: 'acme/web', iat: now, exp: now + 300})}.`
}

describe('GitHub Actions OIDC exchange: configuration', () => {
  let jwksServer: Server | undefined
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-oidc-'))
  })
  after(async () => {
    await new Promise((ok) => (jwksServer ? jwksServer.close(ok) : ok(undefined)))
    await rm(dir, {recursive: true, force: true})
  })

  it('refuses every exchange when no key set is configured', async () => {
    const lines: string[] = []
    const client = await startClient({log: (line) => lines.push(line)})
    try {
      const issuer = await testIssuer()
      const answer = await exchange(client, {token: await issuer.sign()})
      assert.equal(answer.status, 401, answer.text)
      assert.deepEqual(answer.body, REFUSED)
      assert.ok(lines.some((line) => /no GitHub OIDC key set is configured/.test(line)), lines.join('\n'))
    } finally {
      await client.emulator.close()
    }
  })

  it("fetches the issuer's key set from a JWKS URL, and checks the issuer given", async () => {
    const issuer = await testIssuer('http://issuer.example.test')
    jwksServer = createServer((_req, res) => {
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(JSON.stringify(issuer.jwks))
    })
    await new Promise<void>((ok) => jwksServer!.listen(0, '127.0.0.1', ok))
    const jwks = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks`
    const client = await startClient({githubActions: {jwks, issuer: 'http://issuer.example.test', repositories: ['acme/web']}})
    try {
      const answer = await exchange(client, {token: await issuer.sign()})
      assert.equal(answer.status, 201, answer.text)
      const github = await exchange(client, {token: await issuer.sign({issuer: GITHUB_ISSUER})})
      assert.equal(github.status, 401, "GitHub's issuer is not the one configured")
    } finally {
      await client.emulator.close()
    }
  })

  it('links a repository to another workspace by its id', async () => {
    const issuer = await testIssuer()
    const jwks = await issuer.writeJwks(dir)
    // The second workspace exists only after start, so the link goes in at a restart with the same data dir.
    const dataDir = join(dir, 'state')
    const first = await startEmulator({port: 0, dataDir})
    const other = first.addWorkspace('Other team')
    await first.close()
    const emulator = await startEmulator({port: 0, dataDir, githubActions: {jwks, repositories: [`acme/api=${other.id}`]}})
    const client = clientFor(emulator)
    try {
      const answer = await exchange(client, {token: await issuer.sign({repository: 'acme/api'})})
      assert.equal(answer.status, 201, answer.text)
      assert.equal((answer.body as Data<Minted>).data.workspaceId, other.id)
      const me = await client.call<Data<Me>>('GET', '/v1/me', undefined, {authorization: `Bearer ${(answer.body as Data<Minted>).data.value}`})
      assert.equal(me.body.data.workspace!.name, 'Other team')
    } finally {
      await emulator.close()
    }
  })

  it('refuses to start with a key set file it cannot read, a malformed link or an unknown workspace', async () => {
    await assert.rejects(startEmulator({port: 0, githubActions: {jwks: join(dir, 'missing.json')}}), /cannot read the GitHub OIDC key set/)
    const jwks = await (await testIssuer()).writeJwks(dir)
    await assert.rejects(startEmulator({port: 0, githubActions: {jwks, repositories: ['not a repository']}}), /owner\/name or owner\/name=<workspace id>/)
    await assert.rejects(startEmulator({port: 0, githubActions: {jwks, repositories: ['acme/web=cnosuchworkspace0000000000']}}), /names unknown workspace cnosuchworkspace0000000000/)
  })
})
