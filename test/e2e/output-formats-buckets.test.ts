// The output formats of the bucket, workspace and region list and show commands through the built
// binary, off a terminal, with the checks every list and show command shares (formats.ts).
import assert from 'node:assert/strict'
import {after, before, describe} from 'node:test'

import {define, formatTests, plainOrEmpty, type Case, type Column} from './formats.js'
import {Emulator, removeDir, run, tempDir} from './harness.js'

interface Seeded {
  projectId: string
  bucketId: string
  workspaceId: string
}

interface BucketJson {
  id: string
  name: string
  providerName: string
  status: string
  createdAt: string
  branchId: string | null
  project: {id: string}
}
interface BucketKeyJson {
  id: string
  name: string
  role: string
  valueHint: string
  createdAt: string
}
interface RegionJson {
  id: string
  name: string
  product?: string
  status?: string
}
interface WorkspaceJson {
  id: string
  name: string
  createdAt: string
}

const bucketColumns: Column<BucketJson>[] = [
  {name: 'id', header: 'ID', value: (b) => b.id},
  {name: 'name', header: 'NAME', value: (b) => b.name},
  {name: 'provider-name', header: 'PROVIDER NAME', value: (b) => b.providerName},
  {name: 'project', header: 'PROJECT', value: (b) => b.project.id},
  {name: 'branch', header: 'BRANCH', value: (b) => plainOrEmpty(b.branchId)},
  {name: 'status', header: 'STATUS', value: (b) => b.status},
  {name: 'created', header: 'CREATED', value: (b) => b.createdAt, time: true},
]

const CASES: Case<unknown, Seeded>[] = [
  define<BucketJson, Seeded>({title: 'buckets list', args: (s) => ['buckets', 'list', '--project', s.projectId], record: false, pick: ['id', 'name'], columns: bucketColumns}),
  define<BucketJson, Seeded>({title: 'buckets show', args: (s) => ['buckets', 'show', s.bucketId], record: true, pick: ['provider-name', 'id'], columns: bucketColumns}),
  define<BucketKeyJson, Seeded>({
    title: 'buckets keys list',
    args: (s) => ['buckets', 'keys', 'list', s.bucketId],
    record: false,
    pick: ['id', 'role'],
    columns: [
      {name: 'id', header: 'ID', value: (k) => k.id},
      {name: 'name', header: 'NAME', value: (k) => k.name},
      {name: 'role', header: 'ROLE', value: (k) => k.role},
      {name: 'hint', header: 'HINT', value: (k) => k.valueHint},
      {name: 'created', header: 'CREATED', value: (k) => k.createdAt, time: true},
    ],
  }),
  define<WorkspaceJson, Seeded>({
    title: 'workspaces show',
    args: (s) => ['workspaces', 'show', s.workspaceId],
    record: true,
    pick: ['name', 'id'],
    columns: [
      {name: 'id', header: 'ID', value: (w) => w.id},
      {name: 'name', header: 'NAME', value: (w) => w.name},
      {name: 'created', header: 'CREATED', value: (w) => w.createdAt, time: true},
    ],
  }),
  define<RegionJson, Seeded>({
    title: 'regions list --product all',
    args: () => ['regions', 'list', '--product', 'all'],
    record: false,
    pick: ['product', 'id'],
    columns: [
      {name: 'id', header: 'ID', value: (r) => r.id},
      {name: 'name', header: 'NAME', value: (r) => r.name},
      {name: 'product', header: 'PRODUCT', value: (r) => plainOrEmpty(r.product)},
      {name: 'status', header: 'STATUS', value: (r) => plainOrEmpty(r.status)},
    ],
  }),
  define<RegionJson, Seeded>({
    title: 'regions list --product accelerate',
    args: () => ['regions', 'list', '--product', 'accelerate'],
    record: false,
    pick: ['name', 'id'],
    columns: [
      {name: 'id', header: 'ID', value: (r) => r.id},
      {name: 'name', header: 'NAME', value: (r) => r.name},
    ],
  }),
]

describe('output formats of the bucket, workspace and region commands (piped)', () => {
  let emulator: Emulator
  let home: string

  const cli = (args: string[], extra: Record<string, string | undefined> = {}) => run(args, {env: emulator.env(home, extra), emulator})

  /** This test's own data: a project, its bucket named with a comma and quotes, and two keys of it. */
  async function seed(label: string): Promise<Seeded> {
    const project = await emulator.call<{data: {id: string}}>('POST', '/v1/projects', {name: `${label} store`, createDatabase: false})
    assert.equal(project.status, 201, `creating the project: ${JSON.stringify(project.body)}`)
    const bucket = await emulator.call<{data: {id: string}}>('POST', '/v1/buckets', {projectId: project.body.data.id, name: `${label}, "bucket"`})
    assert.equal(bucket.status, 201, `creating the bucket: ${JSON.stringify(bucket.body)}`)
    for (const role of ['read', 'read_write']) {
      const key = await emulator.call('POST', `/v1/buckets/${bucket.body.data.id}/keys`, {role, name: `${label} "${role}", key`})
      assert.equal(key.status, 201, `creating a bucket key: ${JSON.stringify(key.body)}`)
    }
    const me = await emulator.call<{data: {workspace: {id: string}}}>('GET', '/v1/me')
    return {projectId: project.body.data.id, bucketId: bucket.body.data.id, workspaceId: me.body.data.workspace.id}
  }

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
  })
  after(async () => {
    await emulator?.stop()
    if (home) await removeDir(home)
  })

  formatTests(
    CASES.map((c) => c.title),
    {cli, seed, find: (title) => CASES.find((c) => c.title === title)!},
  )
})
