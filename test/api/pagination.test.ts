import assert from 'node:assert/strict'
import {after, before, beforeEach, describe, it} from 'node:test'

import {InvalidResponseError} from '../../src/api/errors.js'
import {ManagementApi} from '../../src/api/management-api.js'
import {MAX_PAGES} from '../../src/api/transport.js'
import {project} from './answers.js'
import {clearProxyEnv, json, startServer, TOKEN, type LocalServer} from './local-server.js'

clearProxyEnv()

// Small, so a list that never ends is cut short after a handful of requests.
const TEST_MAX_PAGES = 5

let api: LocalServer
let client: ManagementApi
/** Answers GET /v1/projects for the cursor asked for (undefined on the first page). */
let answer: (cursor: string | undefined) => unknown

before(async () => {
  api = await startServer((request, response) => {
    const url = new URL(request.url, 'http://local')
    json(response, 200, answer(url.searchParams.get('cursor') ?? undefined))
  })
  client = new ManagementApi({apiUrl: api.url, token: TOKEN, timeoutSeconds: 5, userAgent: 'test', retryBaseDelayMs: 1, maxPages: TEST_MAX_PAGES})
})

beforeEach(() => {
  api.received.length = 0
})

after(async () => {
  await client.close()
  await api.close()
})

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

/** The message of the InvalidResponseError that listing the projects ends with. */
async function listFailure(options: {limit?: number} = {}): Promise<string> {
  try {
    const projects = await all(client.listProjects(options))
    assert.fail(`the list ended normally with ${projects.length} projects`)
  } catch (error) {
    assert.ok(error instanceof InvalidResponseError, `expected an InvalidResponseError, got ${String(error)}`)
    return error.message
  }
}

/** One project per page, page n answering cursor `c<n>`. */
function pageNumber(cursor: string | undefined): number {
  return cursor === undefined ? 1 : Number(cursor.slice(1))
}

describe('pagination bounds', () => {
  it('the cap is 10,000 pages unless a test lowers it', () => {
    assert.equal(MAX_PAGES, 10_000, 'MAX_PAGES')
  })

  it('stops after maxPages pages when the API keeps answering hasMore with new cursors', async () => {
    answer = (cursor) => {
      const n = pageNumber(cursor)
      return {data: [project(`proj_${n}`)], pagination: {hasMore: true, nextCursor: `c${n + 1}`}}
    }
    assert.equal(await listFailure(), 'GET /v1/projects: stopped after 5 pages (5 items); the API kept answering hasMore.', 'the message names the cap')
    assert.equal(api.received.length, TEST_MAX_PAGES, 'one request per page, none after the cap')
  })

  it('a --limit within the cap still ends such a list normally', async () => {
    answer = (cursor) => {
      const n = pageNumber(cursor)
      return {data: [project(`proj_${n}`)], pagination: {hasMore: true, nextCursor: `c${n + 1}`}}
    }
    const projects = await all(client.listProjects({limit: 3}))
    assert.deepEqual(projects.map((p) => p.id), ['proj_1', 'proj_2', 'proj_3'], 'the first three projects')
    assert.equal(api.received.length, 3, 'three requests')
  })

  it('stops when a cursor comes back that was given before (a cycle of two)', async () => {
    answer = (cursor) => ({data: [project(`proj_${cursor ?? 'first'}`)], pagination: {hasMore: true, nextCursor: cursor === 'A' ? 'B' : 'A'}})
    assert.equal(
      await listFailure(),
      'GET /v1/projects (page 3): the API gave a page cursor it had given before; the list would never end.',
      'the message names the page',
    )
    assert.deepEqual(
      api.received.map((r) => r.url),
      ['/v1/projects?limit=100', '/v1/projects?cursor=A&limit=100', '/v1/projects?cursor=B&limit=100'],
      'no page was fetched twice',
    )
  })

  it('tells a long cursor from another that differs only at its end', async () => {
    const long = 'x'.repeat(4000)
    answer = (cursor) => {
      if (cursor === undefined) return {data: [project('proj_1')], pagination: {hasMore: true, nextCursor: `${long}1`}}
      if (cursor === `${long}1`) return {data: [project('proj_2')], pagination: {hasMore: true, nextCursor: `${long}2`}}
      return {data: [project('proj_3')], pagination: {hasMore: false, nextCursor: null}}
    }
    const projects = await all(client.listProjects())
    assert.deepEqual(projects.map((p) => p.id), ['proj_1', 'proj_2', 'proj_3'], 'all three pages were read')
  })

  it('stops at an empty page that says more follow', async () => {
    answer = () => ({data: [], pagination: {hasMore: true, nextCursor: 'next'}})
    assert.equal(await listFailure(), 'GET /v1/projects (page 1): the API answered an empty page that says more follow (hasMore).', 'the message')
    assert.equal(api.received.length, 1, 'one request')
  })

  for (const [what, pagination] of [
    ['null', {hasMore: true, nextCursor: null}],
    ['missing', {hasMore: true}],
    ['empty', {hasMore: true, nextCursor: ''}],
  ] as const) {
    it(`stops when hasMore is true and the cursor is ${what}`, async () => {
      answer = () => ({data: [project()], pagination})
      assert.equal(
        await listFailure(),
        'GET /v1/projects (page 1): the API says more follow (hasMore) but gave no cursor to fetch them.',
        'the message',
      )
      assert.equal(api.received.length, 1, 'one request')
    })
  }

  it('names the page and the item when an item deep in the list is not a project', async () => {
    answer = (cursor) =>
      cursor === undefined ? {data: [project('proj_1')], pagination: {hasMore: true, nextCursor: 'c2'}} : {data: [project('proj_2'), 42], pagination: {hasMore: false, nextCursor: null}}
    assert.equal(
      await listFailure(),
      'GET /v1/projects (page 2): the API answered with something that is not a project list (data[1] is a number, expected an object).',
      'the message',
    )
  })

  it('ends normally on hasMore false, with or without a cursor, and without pagination', async () => {
    for (const pagination of [{hasMore: false, nextCursor: 'ignored'}, {hasMore: false, nextCursor: null}, undefined]) {
      answer = () => ({data: [project()], pagination})
      assert.equal((await all(client.listProjects())).length, 1, `one project for pagination ${JSON.stringify(pagination)}`)
    }
  })
})
