// Cursor pagination: complete, in creation order, stable under deletions, and as cheap deep in a
// list of 10,000 as at its start (counted in items read; `npm run bench` times it).
import assert from 'node:assert/strict'
import {afterEach, beforeEach, describe, it} from 'node:test'

import type {Connection, CreatedProject, Database, ErrorBody, Pagination, Project} from '../../src/api/contract.js'
import {OrderedCollection} from '../../src/emulator/ordered-collection.js'
import type {Client} from './emulator-client.js'
import {startClient} from './emulator-client.js'

type List<T> = {data: T[]; pagination: Pagination}

/** Walks every page of a list; returns the ids and the paths requested. */
async function walk<T extends {id: string}>(client: Client, path: string, limit?: number, from?: string): Promise<{ids: string[]; pages: number}> {
  const ids: string[] = []
  let cursor: string | null = from ?? null
  let pages = 0
  for (;;) {
    const query = new URLSearchParams()
    if (cursor) query.set('cursor', cursor)
    if (limit !== undefined) query.set('limit', String(limit))
    const separator = path.includes('?') ? '&' : '?'
    const answer = await client.call<List<T>>('GET', `${path}${query.size ? separator + query : ''}`)
    assert.equal(answer.status, 200, answer.text)
    pages += 1
    ids.push(...answer.body.data.map((item) => item.id))
    assert.equal(answer.body.pagination.hasMore, answer.body.pagination.nextCursor !== null)
    if (!answer.body.pagination.hasMore) return {ids, pages}
    cursor = answer.body.pagination.nextCursor
  }
}

/** Counts the calls of OrderedCollection.page and the items they read while `action` runs. */
async function countingPages<T>(action: () => Promise<T>): Promise<{result: T; calls: number; reads: number}> {
  const page = OrderedCollection.prototype.page
  const counts = {calls: 0, reads: 0}
  type Items = {items: unknown[]}
  OrderedCollection.prototype.page = function (this: OrderedCollection<{id: string; seq: number}>, ...args: Parameters<typeof page>) {
    counts.calls += 1
    const self = this as unknown as Items
    const items = self.items
    // Every indexed read of the backing array, binary search and slice alike.
    self.items = new Proxy(items, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) counts.reads += 1
        return Reflect.get(target, key, receiver)
      },
    })
    try {
      return page.apply(this, args)
    } finally {
      self.items = items
    }
  }
  try {
    return {result: await action(), ...counts}
  } finally {
    OrderedCollection.prototype.page = page
  }
}

describe('pagination', () => {
  let client: Client

  beforeEach(async () => {
    client = await startClient()
  })
  afterEach(async () => {
    await client.emulator.close()
  })

  it('walks 250 projects created over HTTP in pages of 100: all of them, once each, oldest first', async () => {
    const created: string[] = []
    for (let i = 0; i < 250; i++) {
      const answer = await client.call<{data: CreatedProject}>('POST', '/v1/projects', {name: `bulk-${i}`, createDatabase: false})
      assert.equal(answer.status, 201)
      created.push(answer.body.data.id)
    }
    const {ids, pages} = await walk<Project>(client, '/v1/projects')
    assert.equal(pages, 3)
    assert.deepEqual(ids, created)
    const small = await walk<Project>(client, '/v1/projects', 7)
    assert.deepEqual(small.ids, created)
    assert.equal(small.pages, Math.ceil(250 / 7))
    const first = await client.call<List<Project>>('GET', '/v1/projects')
    assert.equal(first.body.data.length, 100, 'the default limit is 100')
  })

  it('stays complete and duplicate-free when items are deleted between pages, the cursor\'s own item included', async () => {
    await client.emulator.seedProjects(250)
    const before = await walk<Project>(client, '/v1/projects')
    assert.equal(before.ids.length, 250, 'the seeded projects')
    const page1 = await client.call<List<Project>>('GET', '/v1/projects?limit=50')
    const served = page1.body.data.map((p) => p.id)
    // Delete the item the cursor points at, one already served, and three not served yet.
    const deleted = [served[49], served[10], before.ids[60], before.ids[61], before.ids[before.ids.length - 1]]
    for (const id of deleted) assert.equal((await client.call('DELETE', `/v1/projects/${id}`)).status, 204)
    const rest: string[] = []
    let cursor = page1.body.pagination.nextCursor
    while (cursor) {
      const page = await client.call<List<Project>>('GET', `/v1/projects?limit=50&cursor=${encodeURIComponent(cursor)}`)
      assert.equal(page.status, 200, page.text)
      rest.push(...page.body.data.map((p) => p.id))
      cursor = page.body.pagination.nextCursor
    }
    const all = [...served, ...rest]
    assert.equal(new Set(all).size, all.length, 'no duplicates')
    const expected = before.ids.filter((id) => !deleted.slice(2).includes(id))
    assert.deepEqual(all, expected, 'every project that still exists was served, in order')
  })

  it('new items created during a walk come at its end, never twice', async () => {
    await client.emulator.seedProjects(150)
    const page1 = await client.call<List<Project>>('GET', '/v1/projects?limit=100')
    assert.equal(page1.body.pagination.hasMore, true, 'a second page follows')
    const late = await client.call<{data: CreatedProject}>('POST', '/v1/projects', {name: 'late', createDatabase: false})
    const rest = await walk<Project>(client, '/v1/projects', undefined, page1.body.pagination.nextCursor!)
    const all = [...page1.body.data.map((p) => p.id), ...rest.ids]
    assert.equal(new Set(all).size, all.length, 'no duplicates')
    assert.equal(all.length, 151, 'the seeded projects and the late one')
    assert.equal(all.at(-1), late.body.data.id)
  })

  it('rejects a bad limit or a cursor it did not give out with 400', async () => {
    for (const limit of ['0', '-1', '101', 'abc', '1.5', '1e2']) {
      const answer = await client.call<ErrorBody>('GET', `/v1/projects?limit=${limit}`)
      assert.equal(answer.status, 400, `limit=${limit}`)
      assert.equal(answer.body.error.code, 'validation-error')
      assert.match(answer.body.error.message, /limit/)
    }
    for (const cursor of ['garbage', 'c2VxOmFiYw', '12']) {
      const answer = await client.call<ErrorBody>('GET', `/v1/projects?cursor=${cursor}`)
      assert.equal(answer.status, 400, `cursor=${cursor}`)
      assert.match(answer.body.error.message, /cursor/)
    }
    assert.equal((await client.call('GET', '/v1/projects?limit=100')).status, 200)
    assert.equal((await client.call('GET', '/v1/projects?limit=1&cursor=')).status, 200)
  })

  it('pages databases and connections past 100 as well, per project and per database', async () => {
    const project = (await client.call<{data: CreatedProject}>('POST', '/v1/projects', {name: 'many'})).body.data
    const databaseId = project.database!.id
    const connections = [project.database!.connections[0].id]
    const databases = [databaseId]
    for (let i = 0; i < 120; i++) {
      const connection = await client.call<{data: Connection}>('POST', `/v1/databases/${databaseId}/connections`, {name: `c${i}`})
      connections.push(connection.body.data.id)
      const database = await client.call<{data: Database}>('POST', `/v1/projects/${project.id}/databases`, {name: `d${i}`})
      databases.push(database.body.data.id)
    }
    assert.deepEqual((await walk<Connection>(client, `/v1/databases/${databaseId}/connections`)).ids, connections)
    assert.deepEqual((await walk<Connection>(client, `/v1/connections?databaseId=${databaseId}`)).ids, connections)
    assert.deepEqual((await walk<Database>(client, `/v1/projects/${project.id}/databases`)).ids, databases)
    assert.deepEqual((await walk<Database>(client, `/v1/databases?projectId=${project.id}`)).ids, databases)
    const everything = await walk<Database>(client, '/v1/databases', 100)
    assert.deepEqual(everything.ids.slice(-databases.length), databases)
  })
})

describe('pagination at 10,000 projects', () => {
  let client: Client

  beforeEach(async () => {
    client = await startClient()
  })
  afterEach(async () => {
    await client.emulator.close()
  })

  it('seeds 10,000 projects in process, named in order', async () => {
    const seeded = await client.emulator.seedProjects(10_000, {namePrefix: 'bench'})
    assert.equal(seeded.length, 10_000)
    assert.equal(seeded[0].name, 'bench-00001')
    assert.equal(seeded[9_999].name, 'bench-10000')
    assert.equal(new Set(seeded.map((project) => project.id)).size, 10_000, 'ids are unique')
    const {ids} = await walk<Project>(client, '/v1/projects')
    assert.deepEqual(ids, seeded.map((project) => project.id), 'the list serves them in seeding order')
  })

  it('serves the last page reading about as many items as for the first', async () => {
    await client.emulator.seedProjects(10_000)
    const {ids, pages} = await walk<Project>(client, '/v1/projects')
    assert.equal(ids.length, 10_000)
    assert.equal(pages, 100)
    // The cursor that leads to the last page.
    const penultimate = await client.call<List<Project>>('GET', `/v1/projects?cursor=${encodeURIComponent(await cursorBefore(client, 99))}`)
    const lastCursor = penultimate.body.pagination.nextCursor!
    const first = await countingPages(() => client.call<List<Project>>('GET', '/v1/projects'))
    const last = await countingPages(() => client.call<List<Project>>('GET', `/v1/projects?cursor=${encodeURIComponent(lastCursor)}`))
    assert.deepEqual(first.result.body.data.map((project) => project.id), ids.slice(0, 100), 'the first page')
    assert.deepEqual(last.result.body.data.map((project) => project.id), ids.slice(-100), 'the last page')
    assert.equal(first.calls, 1, 'the first page comes from the index, in one call')
    assert.equal(last.calls, 1, 'the last page comes from the index, in one call')
    // A binary search over 10,000 reads 14 items; a walk to the cursor would read 9,900.
    assert.ok(last.reads <= first.reads + 2 * Math.ceil(Math.log2(10_000)), `items read: first page ${first.reads}, last page ${last.reads}`)
  })

  it('finds a deep cursor without walking to it (the index itself, where HTTP noise cannot hide a scan)', () => {
    const collection = new OrderedCollection<{id: string; seq: number}>()
    let seqReads = 0
    // Each comparison of the search reads an item's seq: counting reads counts the work.
    for (let n = 1; n <= 200_000; n++) {
      collection.add({
        id: `p${n}`,
        get seq() {
          seqReads += 1
          return n
        },
      })
    }
    const readsFor = (afterSeq: number | undefined): number => {
      seqReads = 0
      collection.page(afterSeq, 100)
      return seqReads
    }
    const shallow = readsFor(undefined)
    const deep = readsFor(199_800)
    // log2(200,000) is under 18; a walk from the start would read 199,800.
    assert.ok(deep <= shallow + 2 * Math.ceil(Math.log2(200_000)), `seq reads: first page ${shallow}, deep page ${deep}`)
    assert.deepEqual(collection.page(199_800, 100).items.map((item) => item.seq), Array.from({length: 100}, (_, i) => 199_801 + i))
    collection.delete('p199850')
    const after = collection.page(199_849, 3)
    assert.deepEqual(after.items.map((item) => item.seq), [199_851, 199_852, 199_853])
  })

  it('takes 1,000 concurrent POSTs on top of 10,000 projects: every one created once', async () => {
    await client.emulator.seedProjects(10_000)
    const created: string[] = []
    const workers = Array.from({length: 10}, async (_, worker) => {
      for (let i = 0; i < 100; i++) {
        const answer = await client.call<{data: CreatedProject}>('POST', '/v1/projects', {name: `http-${worker}-${i}`, createDatabase: false})
        assert.equal(answer.status, 201, answer.text)
        created.push(answer.body.data.id)
      }
    })
    await Promise.all(workers)
    const {ids} = await walk<Project>(client, '/v1/projects')
    assert.equal(ids.length, 11_000)
    assert.equal(new Set(ids).size, 11_000, 'no project listed twice')
    assert.deepEqual(new Set(ids.slice(10_000)), new Set(created), 'the 1,000 created over HTTP come last')
  })
})

/** The cursor that the page before page `index` (0-based) hands out. */
async function cursorBefore(client: Client, index: number): Promise<string> {
  let cursor = ''
  for (let page = 0; page < index - 1; page++) {
    const answer = await client.call<List<Project>>('GET', `/v1/projects?cursor=${encodeURIComponent(cursor)}`)
    cursor = answer.body.pagination.nextCursor!
  }
  return cursor
}
