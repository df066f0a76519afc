// The accelerate endpoint of local databases in process: the front's HTTP proxy in front of a
// stand-in for @prisma/dev's server that records what reaches it. Each connection's own key,
// swapped for the server's one key on the way through; rotated and deleted keys refused.
// Real @prisma/dev behind it is covered by databases-local.test.ts and test/e2e/local-front.test.ts.
import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, it} from 'node:test'

import {loadFrontRecords} from '../../src/emulator/databases/front/credentials.js'
import {Front} from '../../src/emulator/databases/front/front.js'

const REAL_KEY = 'the-one-key-of-the-dev-server'

interface Seen {
  method: string
  url: string
  authorization: string | undefined
  host: string | undefined
  body: string
}

interface StandIn {
  port: number
  seen: Seen[]
  close(): Promise<void>
}

/** Answers 401 unless the real key comes as a bearer token, like @prisma/dev; echoes what it got. */
async function standIn(): Promise<StandIn> {
  const seen: Seen[] = []
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const entry = {method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, host: request.headers.host, body: Buffer.concat(chunks).toString('utf8')}
      seen.push(entry)
      if (request.headers.authorization !== `Bearer ${REAL_KEY}`) {
        response.writeHead(401, {'content-type': 'text/plain'})
        return void response.end('Invalid API Key')
      }
      // A streamed answer (no content-length) with a header of its own.
      response.writeHead(201, {'content-type': 'application/json', 'x-stand-in': 'yes'})
      response.write('{"echo":')
      setTimeout(() => response.end(`${JSON.stringify(entry.body)}}`), 10)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

function keyOf(accelerateUrl: string | undefined): string {
  assert.ok(accelerateUrl, 'an accelerate URL with the credential')
  const key = new URL(accelerateUrl).searchParams.get('api_key')
  assert.ok(key, `an api_key in the accelerate URL`)
  return key
}

/** A request as Prisma Client sends one: the URL's host, the key as a bearer token, JSON in and out. */
function send(accelerateUrl: string, path: string, key: string | undefined, body = '{"query":1}'): Promise<Response> {
  const url = new URL(accelerateUrl)
  return fetch(`http://${url.host}${path}`, {
    method: 'POST',
    headers: {'content-type': 'application/json', ...(key === undefined ? {} : {authorization: `Bearer ${key}`})},
    body,
  })
}

describe('the accelerate endpoint of local databases (against a stand-in server)', () => {
  let upstream: StandIn
  let front: Front
  let running: boolean
  let scratch: string
  const logs: string[] = []

  const newFront = async (dataFile?: string): Promise<Front> =>
    new Front({
      records: await loadFrontRecords(dataFile),
      log: (line) => logs.push(line),
      upstreamOf: () => undefined,
      accelerateOf: (databaseId) => (running && (databaseId === 'db1' || databaseId === 'db2') ? {host: '127.0.0.1', port: upstream.port, apiKey: REAL_KEY} : undefined),
    })

  beforeEach(async () => {
    upstream = await standIn()
    running = true
    scratch = await mkdtemp(join(tmpdir(), 'pmgmt-accelerate-'))
    front = await newFront()
    logs.length = 0
  })

  afterEach(async () => {
    await front.close()
    await upstream.close()
    await rm(scratch, {recursive: true, force: true})
  })

  it('gives each connection its own key, which names the front and no database port of its own', async () => {
    const ports = await front.open('db1')
    assert.ok(ports.accelerate, 'an accelerate port')
    const first = await front.createLogin('db1', 'c1')
    const second = await front.createLogin('db1', 'c2')
    assert.notEqual(first.accelerateUrl, second.accelerateUrl)
    const url = new URL(first.accelerateUrl ?? '')
    assert.equal(url.protocol, 'prisma+postgres:')
    assert.equal(url.host, `127.0.0.1:${ports.accelerate}`)
    const claims = JSON.parse(Buffer.from(keyOf(first.accelerateUrl), 'base64url').toString('utf8')) as {databaseUrl: string}
    assert.equal(claims.databaseUrl, `postgres://u_c1:${encodeURIComponent(first.password)}@127.0.0.1:${ports.direct}/postgres?sslmode=disable`)
    assert.notEqual(keyOf(first.accelerateUrl), REAL_KEY)
  })

  it('forwards a request with a valid key to the server with its real key swapped in, body and answer streamed both ways', async () => {
    await front.open('db1')
    const {accelerateUrl} = await front.createLogin('db1', 'c1')
    const key = keyOf(accelerateUrl)
    const body = JSON.stringify({plan: 'x'.repeat(200_000)})
    const answer = await send(accelerateUrl ?? '', '/query?x=1', key, body)
    assert.equal(answer.status, 201)
    assert.equal(answer.headers.get('x-stand-in'), 'yes')
    assert.deepEqual(await answer.json(), {echo: body})
    assert.equal(upstream.seen.length, 1)
    const [seen] = upstream.seen
    assert.equal(seen?.authorization, `Bearer ${REAL_KEY}`)
    assert.equal(seen?.url, '/query?x=1')
    assert.equal(seen?.method, 'POST')
    assert.equal(seen?.host, new URL(accelerateUrl ?? '').host, "the client's Host, so URLs the server builds point at the front")
    assert.equal(seen?.body, body)
  })

  it('swaps a key sent as ?api_key= too', async () => {
    await front.open('db1')
    const {accelerateUrl} = await front.createLogin('db1', 'c1')
    const url = new URL(accelerateUrl ?? '')
    const answer = await fetch(`http://${url.host}/health?api_key=${keyOf(accelerateUrl)}`)
    await answer.text()
    assert.equal(upstream.seen[0]?.url, `/health?api_key=${REAL_KEY}`)
  })

  it('refuses a missing, malformed or foreign key with 401 in the shape Prisma Client reads; nothing reaches the server', async () => {
    await front.open('db1')
    await front.open('db2')
    const {accelerateUrl} = await front.createLogin('db1', 'c1')
    const other = await front.createLogin('db2', 'c9')
    const onOtherDatabase = `prisma+postgres://${new URL(other.accelerateUrl ?? '').host}/?api_key=${keyOf(accelerateUrl)}`
    const refusals = [
      [accelerateUrl ?? '', undefined],
      [accelerateUrl ?? '', 'not-base64-json'],
      [accelerateUrl ?? '', REAL_KEY],
      [accelerateUrl ?? '', Buffer.from(JSON.stringify({databaseUrl: 'postgres://u_c1:wrong@127.0.0.1:1/postgres'})).toString('base64url')],
      [onOtherDatabase, keyOf(accelerateUrl)],
    ] as const
    for (const [url, key] of refusals) {
      const answer = await send(url, '/query', key)
      assert.equal(answer.status, 401, `key ${key}`)
      assert.equal(answer.headers.get('prisma-error-code'), 'P6002')
      const body = (await answer.json()) as {code: string; error: string}
      assert.equal(body.code, 'P6002')
      assert.match(body.error, /^Unauthorized: /)
    }
    assert.equal(upstream.seen.length, 0)
  })

  it('after rotate the old key gets 401 and the new one works; after delete the key gets 401', async () => {
    await front.open('db1')
    const first = await front.createLogin('db1', 'c1')
    const bystander = await front.createLogin('db1', 'c2')
    assert.equal((await send(first.accelerateUrl ?? '', '/query', keyOf(first.accelerateUrl))).status, 201)
    const rotated = await front.rotateLogin('db1', 'c1')
    assert.notEqual(keyOf(rotated.accelerateUrl), keyOf(first.accelerateUrl))
    assert.equal((await send(first.accelerateUrl ?? '', '/query', keyOf(first.accelerateUrl))).status, 401, 'the key from before the rotation')
    assert.equal((await send(rotated.accelerateUrl ?? '', '/query', keyOf(rotated.accelerateUrl))).status, 201)
    await front.dropLogin('db1', 'c1')
    assert.equal((await send(rotated.accelerateUrl ?? '', '/query', keyOf(rotated.accelerateUrl))).status, 401, 'the key of a deleted connection')
    assert.equal((await send(bystander.accelerateUrl ?? '', '/query', keyOf(bystander.accelerateUrl))).status, 201, 'the other connection is untouched')
    assert.equal(upstream.seen.length, 3)
  })

  it("deleting the database revokes its keys and frees the accelerate port; @prisma/dev's file dump is not served", async () => {
    await front.open('db1')
    const {accelerateUrl} = await front.createLogin('db1', 'c1')
    const refused = await send(accelerateUrl ?? '', '/database/dump', keyOf(accelerateUrl))
    assert.equal(refused.status, 404)
    await refused.text()
    await front.closeDatabase('db1', true)
    await assert.rejects(send(accelerateUrl ?? '', '/query', keyOf(accelerateUrl)), /fetch failed/)
    // Opened again (as a new database of the same id would be): the old key is unknown.
    const again = await front.open('db1')
    const sameUrl = `prisma+postgres://127.0.0.1:${again.accelerate}/?api_key=${keyOf(accelerateUrl)}`
    assert.equal((await send(sameUrl, '/query', keyOf(accelerateUrl))).status, 401)
    assert.equal(upstream.seen.length, 0)
  })

  it('answers 503 while the database is not running, and reaches it again once it runs', async () => {
    await front.open('db1')
    const {accelerateUrl} = await front.createLogin('db1', 'c1')
    running = false
    const down = await send(accelerateUrl ?? '', '/query', keyOf(accelerateUrl))
    assert.equal(down.status, 503)
    assert.equal(((await down.json()) as {code: string}).code, 'P6008')
    running = true
    assert.equal((await send(accelerateUrl ?? '', '/query', keyOf(accelerateUrl))).status, 201)
  })

  it('with a data file: keeps the accelerate port and no key, and a key stays valid across a restart', async () => {
    const file = join(scratch, 'local-front.json')
    await front.close()
    front = await newFront(file)
    const ports = await front.open('db1')
    const {accelerateUrl, password} = await front.createLogin('db1', 'c1')
    await front.close()
    const stored = await readFile(file, 'utf8')
    assert.deepEqual((JSON.parse(stored) as {ports: Record<string, unknown>}).ports.db1, ports)
    assert.ok(!stored.includes(password) && !stored.includes(keyOf(accelerateUrl)), 'neither the password nor the key is stored')
    front = await newFront(file)
    assert.deepEqual(await front.open('db1'), ports)
    assert.equal((await send(accelerateUrl ?? '', '/query', keyOf(accelerateUrl))).status, 201)
  })
})
