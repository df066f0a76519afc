// The test hooks under /__emulator/: the request log and fault injection.
import assert from 'node:assert/strict'
import {after, before, beforeEach, describe, it} from 'node:test'

import type {ErrorBody, Pagination, Project} from '../../src/api/contract.js'
import type {ActiveFault, ReceivedRequest} from '../../src/emulator/index.js'
import type {Client} from './emulator-client.js'
import {startClient} from './emulator-client.js'

type Data<T> = {data: T}
type List<T> = {data: T[]; pagination: Pagination}

describe('test hooks', () => {
  let client: Client
  const received = async () => (await client.call<Data<ReceivedRequest[]>>('GET', '/__emulator/requests')).body.data
  const faults = async (rules: unknown) => {
    const answer = await client.call<Data<ActiveFault[]>>('POST', '/__emulator/faults', rules)
    assert.equal(answer.status, 200, answer.text)
    return answer.body.data
  }

  before(async () => {
    client = await startClient()
  })
  beforeEach(async () => {
    assert.equal((await client.call('DELETE', '/__emulator/faults')).status, 204)
    assert.equal((await client.call('DELETE', '/__emulator/requests')).status, 204)
  })
  after(async () => {
    await client.emulator.close()
  })

  describe('request log', () => {
    it('records method, path with query, headers with the token replaced, the parsed body and the status', async () => {
      await client.call('POST', '/v1/projects?x=1', {name: 'logged', createDatabase: false}, {'user-agent': 'prisma-mgmt/0.1.0 node/20.20.2 linux'})
      await client.call('GET', `/v1/projects/${encodeURIComponent('a/b')}`)
      await client.call('GET', '/v1/me', undefined, {authorization: 'Bearer not-it'})
      await fetch(`${client.emulator.url}/v1/me`)
      await client.call('GET', '/v1/me', undefined, {authorization: 'Token abc'})
      const log = await received()
      assert.equal(log.length, 5, 'the hooks themselves are not logged')
      const [post, get, wrong, missing, notBearer] = log
      assert.equal(post.method, 'POST')
      assert.equal(post.path, '/v1/projects?x=1')
      assert.deepEqual(post.body, {name: 'logged', createDatabase: false})
      assert.equal(post.status, 201)
      assert.equal(post.headers.authorization, 'Bearer <valid>')
      assert.equal(post.headers['user-agent'], 'prisma-mgmt/0.1.0 node/20.20.2 linux')
      assert.equal(post.headers.accept, 'application/json')
      assert.equal(post.headers['content-type'], 'application/json')
      assert.ok(!Number.isNaN(Date.parse(post.at)), `at is a date: ${post.at}`)
      assert.equal(get.path, '/v1/projects/a%2Fb')
      assert.equal(get.body, null)
      assert.equal(get.status, 404)
      assert.equal(wrong.headers.authorization, 'Bearer <invalid>')
      assert.equal(wrong.status, 401)
      assert.equal(missing.headers.authorization, undefined)
      assert.equal(notBearer.headers.authorization, '<not a bearer token>')
      assert.ok(!JSON.stringify(log).includes(client.emulator.token), 'the token is never logged')
      assert.deepEqual(client.emulator.requests(), log)
    })

    it('keeps a body that is not JSON as text; DELETE clears the log; the hooks need the token', async () => {
      await client.send('POST', '/v1/projects', 'not json')
      assert.equal((await received())[0].body, 'not json')
      assert.equal((await received())[0].status, 400)
      await client.call('DELETE', '/__emulator/requests')
      assert.deepEqual(await received(), [])
      const anonymous = await fetch(`${client.emulator.url}/__emulator/requests`)
      assert.equal(anonymous.status, 401)
      const unknown = await client.call<ErrorBody>('GET', '/__emulator/nothing')
      assert.equal(unknown.status, 404)
      assert.equal(unknown.body.error.code, 'not-found')
    })
  })

  describe('faults', () => {
    it('answers the next `count` matching requests with the status, Retry-After and the API\'s error JSON', async () => {
      const armed = await faults([{method: 'GET', path: '/v1/projects', status: 503, count: 2, retryAfter: 1}])
      assert.deepEqual(armed, [{method: 'GET', path: '/v1/projects', status: 503, count: 2, retryAfter: 1, remaining: 2}])
      for (let i = 0; i < 2; i++) {
        const answer = await client.call<ErrorBody>('GET', '/v1/projects?limit=100')
        assert.equal(answer.status, 503)
        assert.equal(answer.headers.get('retry-after'), '1')
        assert.match(answer.headers.get('content-type') ?? '', /^application\/json/)
        assert.equal(answer.body.error.code, 'service-unavailable')
        assert.equal(typeof answer.body.error.message, 'string')
        assert.equal(answer.body.error.hint, undefined)
      }
      assert.equal((await client.call('GET', '/v1/projects')).status, 200)
      assert.deepEqual((await received()).map((r) => r.status), [503, 503, 200], 'faulted requests are logged too')
      assert.deepEqual((await client.call<Data<ActiveFault[]>>('GET', '/__emulator/faults')).body.data, [])
    })

    it('uses the given code, message and hint; matches the method and a prefix or a ^regex', async () => {
      await faults({method: 'POST', path: '/v1/projects', status: 409, count: 1, code: 'conflict', message: 'Already exists', hint: 'Pick another name'})
      assert.equal((await client.call('GET', '/v1/projects')).status, 200, 'a GET is not a POST')
      const conflict = await client.call<ErrorBody>('POST', '/v1/projects', {createDatabase: false})
      assert.equal(conflict.status, 409)
      assert.deepEqual(conflict.body, {error: {code: 'conflict', message: 'Already exists', hint: 'Pick another name'}})
      assert.equal((await client.call('POST', '/v1/projects', {createDatabase: false})).status, 201)

      await faults({rules: [{path: '^/v1/projects/[^/?]+$', status: 500, count: 5}]})
      assert.equal((await client.call('GET', '/v1/projects')).status, 200)
      assert.equal((await client.call('GET', '/v1/projects/abc/databases')).status, 404)
      const broken = await client.call<ErrorBody>('DELETE', '/v1/projects/abc')
      assert.equal(broken.status, 500)
      assert.equal(broken.body.error.code, 'internal-error')
      const left = (await client.call<Data<ActiveFault[]>>('GET', '/__emulator/faults')).body.data
      assert.equal(left[0].remaining, 4)
      assert.equal((await client.call('GET', '/__emulator/requests')).status, 200, 'the hooks are never faulted')
    })

    it('body html, empty, or an error status without the API\'s JSON', async () => {
      await faults([
        {path: '/v1/projects', status: 200, body: 'html'},
        {path: '/v1/projects', status: 502, body: 'empty'},
        {path: '/v1/me', status: 401, body: 'html'},
      ])
      const html = await client.call('GET', '/v1/projects')
      assert.equal(html.status, 200)
      assert.match(html.headers.get('content-type') ?? '', /^text\/html/)
      assert.match(html.text, /<html>/)
      const empty = await client.call('GET', '/v1/projects')
      assert.equal(empty.status, 502)
      assert.equal(empty.text, '')
      const gateway = await client.call('GET', '/v1/me')
      assert.equal(gateway.status, 401)
      assert.match(gateway.text, /401 Unauthorized/)
    })

    it('delayMs slows the answer; with a 2xx status the API still answers', async () => {
      await faults([{method: 'GET', path: '/v1/me', status: 200, delayMs: 300}])
      const started = Date.now()
      const slow = await client.call<Data<{credential: {type: string}}>>('GET', '/v1/me')
      const waited = Date.now() - started
      assert.ok(waited >= 280, `answered after ${waited} ms`)
      assert.equal(slow.status, 200)
      assert.equal(slow.body.data.credential.type, 'service_token')
      assert.deepEqual((await client.call<Data<ActiveFault[]>>('GET', '/__emulator/faults')).body.data, [], 'the rule was used up')
    })

    it('reset drops the connection without an answer', async () => {
      await faults([{path: '/v1/projects', reset: true}])
      await assert.rejects(client.call<List<Project>>('GET', '/v1/projects'), (error: Error) => error instanceof TypeError)
      assert.equal((await client.call('GET', '/v1/projects')).status, 200)
      const [reset, ok] = await received()
      assert.equal(reset.status, undefined)
      assert.equal(ok.status, 200)
    })

    it('rejects an invalid rule with 400 naming the field, arming none of the list', async () => {
      for (const rule of [{status: 'x'}, {status: 503, count: 0}, {path: '^(', status: 500}, {body: 'xml', status: 500}, {method: 'GET'}, 'nope']) {
        const answer = await client.call<ErrorBody>('POST', '/__emulator/faults', [{status: 500, path: '/v1/me'}, rule])
        assert.equal(answer.status, 400, JSON.stringify(rule))
        assert.equal(answer.body.error.code, 'validation-error')
      }
      assert.deepEqual((await client.call<Data<ActiveFault[]>>('GET', '/__emulator/faults')).body.data, [])
      assert.equal((await client.call('POST', '/__emulator/faults')).status, 400)
    })

    it('in process: addFaults and clearFaults do the same', async () => {
      client.emulator.addFaults({path: '/v1/workspaces', status: 429, count: 3, code: 'rate-limited', message: 'Too many requests'})
      const limited = await client.call<ErrorBody>('GET', '/v1/workspaces')
      assert.equal(limited.status, 429)
      assert.deepEqual(limited.body, {error: {code: 'rate-limited', message: 'Too many requests'}})
      client.emulator.clearFaults()
      assert.equal((await client.call('GET', '/v1/workspaces')).status, 200)
    })
  })
})
