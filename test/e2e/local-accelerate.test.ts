// The `accelerate` endpoint of `local` databases through the built binary, in `emulator start`'s
// default mode: each connection its own prisma+postgres:// key, which names no PGlite port, is
// checked at the emulator's front and refused (401, P6002) once rotated or deleted.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {localProject, parseJson} from './harness.js'

interface Endpoint {
  host: string
  port: number
  connectionString: string
}

interface Minted {
  id: string
  endpoints: {direct: Endpoint; pooled?: Endpoint; accelerate?: Endpoint}
}

interface CreatedProject {
  database: {id: string; status: string; connections: Minted[]}
}

function accelerateOf(minted: Minted): {url: URL; key: string} {
  const accelerate = minted.endpoints.accelerate
  assert.ok(accelerate, `an accelerate endpoint in ${JSON.stringify(Object.keys(minted.endpoints))}`)
  const url = new URL(accelerate.connectionString)
  const key = url.searchParams.get('api_key')
  assert.ok(key, 'an api_key in the accelerate string')
  return {url, key}
}

/** As Prisma Client sends a request: to the URL's host over http (it is local), the key as a bearer token. */
async function request(minted: Minted, key = accelerateOf(minted).key): Promise<{status: number; code: string | null; text: string}> {
  const {url} = accelerateOf(minted)
  const answer = await fetch(`http://${url.host}/connection-info`, {headers: {authorization: `Bearer ${key}`, accept: 'application/json'}})
  return {status: answer.status, code: answer.headers.get('prisma-error-code'), text: await answer.text()}
}

/** @prisma/dev's answer once its own key check has passed: this request names no Prisma Client version. */
const PAST_THE_KEY_CHECK = /not supported with Prisma Client version undefined/

describe('local databases: the accelerate endpoint (default mode)', {timeout: 300_000}, () => {
  const local = localProject<CreatedProject, Minted>('accelerate')

  it("two connections' accelerate strings differ, and the decoded key names the front, no PGlite port", async () => {
    const first = local.project.database.connections[0] as Minted
    const second = await local.mint()
    assert.notEqual(first.endpoints.accelerate?.connectionString, second.endpoints.accelerate?.connectionString)
    for (const minted of [first, second]) {
      const {url, key} = accelerateOf(minted)
      assert.equal(url.protocol, 'prisma+postgres:')
      assert.equal(url.host, `127.0.0.1:${minted.endpoints.accelerate?.port}`)
      const decoded = Buffer.from(key, 'base64url').toString('utf8')
      const claims = JSON.parse(decoded) as {databaseUrl: string}
      // The connection's own direct string at the front: its user and password, the front's port.
      assert.equal(claims.databaseUrl, minted.endpoints.direct.connectionString)
      const ports = [...decoded.matchAll(/:(\d{2,5})\b/g)].map((match) => Number(match[1]))
      assert.deepEqual(ports, [minted.endpoints.direct.port], `the only port in ${JSON.stringify(Object.keys(claims))} is the front's`)
      assert.doesNotMatch(decoded, /postgres:postgres@|template1/)
      const served = await request(minted)
      assert.equal(served.status, 400, served.text)
      assert.match(served.text, PAST_THE_KEY_CHECK)
    }
  })

  it('a request without a key or with a made-up one is refused with 401 and P6002', async () => {
    const minted = local.project.database.connections[0] as Minted
    const {url} = accelerateOf(minted)
    const bare = await fetch(`http://${url.host}/health`)
    assert.equal(bare.status, 401)
    assert.deepEqual(((await bare.json()) as {code: string}).code, 'P6002')
    const madeUp = Buffer.from(JSON.stringify({databaseUrl: 'postgres://postgres:postgres@localhost:5432/template1'})).toString('base64url')
    const refused = await request(minted, madeUp)
    assert.deepEqual({status: refused.status, code: refused.code}, {status: 401, code: 'P6002'})
  })

  it('after `db connections rotate` the old key is refused with 401, the new one works; after delete it is refused', async () => {
    const minted = await local.mint()
    assert.match((await request(minted)).text, PAST_THE_KEY_CHECK)
    const rotatedRun = await local.run(['db', 'connections', 'rotate', minted.id, '--yes', '--json'])
    assert.equal(rotatedRun.code, 0, rotatedRun.stderr)
    const rotated = parseJson<Minted>(rotatedRun)
    assert.notEqual(accelerateOf(rotated).key, accelerateOf(minted).key)
    const old = await request(minted)
    assert.deepEqual({status: old.status, code: old.code}, {status: 401, code: 'P6002'}, old.text)
    assert.match(JSON.parse(old.text).error as string, /^Unauthorized: /)
    assert.match((await request(rotated)).text, PAST_THE_KEY_CHECK)

    const deleted = await local.run(['db', 'connections', 'delete', minted.id, '--yes'])
    assert.equal(deleted.code, 0, deleted.stderr)
    const gone = await request(rotated)
    assert.deepEqual({status: gone.status, code: gone.code}, {status: 401, code: 'P6002'}, gone.text)
    assert.match((await request(local.project.database.connections[0] as Minted)).text, PAST_THE_KEY_CHECK, 'the other connection is untouched')
  })
})
