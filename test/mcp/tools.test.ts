// The MCP tool declarations, the flags that choose them, the results and errors they turn into,
// and the tool table of docs/mcp.md: in process, no server, no emulator.
import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {describe, it} from 'node:test'

import {z} from 'zod'

import {ApiError} from '../../src/api/errors.js'
import type {ManagementApi} from '../../src/api/management-api.js'
import {DeliveredError, UsageBlockedError, UsageError} from '../../src/errors.js'
import {errorResult, scrubber, successResult} from '../../src/mcp/results.js'
import {withToolTable} from '../../src/mcp/tool-list.js'
import {selectTools, TOOLS, type ToolContext} from '../../src/mcp/tools.js'

const ROOT = resolve(import.meta.dirname, '../..')
const DESTRUCTIVE = ['delete_project', 'delete_database', 'delete_connection', 'delete_bucket', 'delete_bucket_key', 'restore_database']
const names = (tools: readonly {name: string}[]) => tools.map((t) => t.name).sort()
const byName = (name: string) => TOOLS.find((t) => t.name === name)!

function context(api: Partial<ManagementApi>): ToolContext {
  return {api: api as ManagementApi, now: () => new Date('2026-11-29T03:00:00Z'), sleep: async () => {}, signal: new AbortController().signal, progress: () => {}}
}

describe('MCP tool declarations', () => {
  it('name every tool once, in snake case, with a description and all three annotations', () => {
    assert.equal(new Set(TOOLS.map((t) => t.name)).size, TOOLS.length)
    for (const tool of TOOLS) {
      assert.match(tool.name, /^[a-z]+(_[a-z]+)*$/)
      assert.ok(tool.description.length > 20, `${tool.name}'s description`)
      assert.deepEqual(Object.keys(tool.annotations).sort(), ['destructiveHint', 'idempotentHint', 'readOnlyHint'], tool.name)
      // A tool that changes nothing can be neither destructive nor anything but idempotent.
      if (tool.annotations.readOnlyHint) assert.deepEqual([tool.annotations.destructiveHint, tool.annotations.idempotentHint], [false, true], tool.name)
    }
  })

  it('mark exactly the deleting and restoring tools destructive, each requiring confirm', () => {
    assert.deepEqual(names(TOOLS.filter((t) => t.annotations.destructiveHint)), [...DESTRUCTIVE].sort())
    for (const name of DESTRUCTIVE) {
      const input = z.object(byName(name).input)
      const ids = {projectId: 'p', databaseId: 'd', connectionId: 'c', backupId: 'b', bucketId: 'k', keyId: 'y'}
      assert.equal(input.safeParse(ids).success, false, `${name} without confirm`)
      assert.equal(input.safeParse({...ids, confirm: 'x'}).success, true, `${name} with confirm`)
    }
  })

  it('are chosen by the flags: --read-only keeps the read-only ones, --allow-destructive adds the destructive ones', () => {
    const readOnly = selectTools({readOnly: true, allowDestructive: false})
    assert.ok(readOnly.length > 0)
    assert.ok(readOnly.every((t) => t.annotations.readOnlyHint))
    assert.deepEqual(names(readOnly), names(TOOLS.filter((t) => t.annotations.readOnlyHint)))
    const plain = selectTools({readOnly: false, allowDestructive: false})
    assert.deepEqual(names(plain), names(TOOLS.filter((t) => !t.annotations.destructiveHint)))
    assert.ok(plain.some((t) => t.name === 'create_project'))
    assert.deepEqual(names(selectTools({readOnly: false, allowDestructive: true})), names(TOOLS))
  })

  it('bound list sizes and check ids and dates before any request', () => {
    const list = z.object(byName('list_projects').input)
    assert.equal(list.safeParse({limit: 101}).success, false)
    assert.equal(list.safeParse({limit: 0}).success, false)
    assert.equal(list.safeParse({limit: 100, cursor: 'abc'}).success, true)
    assert.equal(z.object(byName('show_project').input).safeParse({projectId: ' '}).success, false)
    const usage = z.object(byName('usage').input)
    assert.equal(usage.safeParse({databaseId: 'd', from: '2026-02-30'}).success, false)
    assert.equal(usage.safeParse({databaseId: 'd', from: '2026-02-28', to: '2026-03-01'}).success, true)
  })

  it('refuse a confirm that is not the exact name before deleting anything', async () => {
    const deleted: string[] = []
    const api = {
      getProject: async (id: string) => ({id, name: 'billing'}),
      deleteProject: async (id: string) => {
        deleted.push(id)
      },
    }
    const tool = byName('delete_project')
    await assert.rejects(tool.handler({projectId: 'p1', confirm: 'Billing'}, context(api as unknown as ManagementApi)), (error: unknown) => {
      assert.ok(error instanceof UsageError)
      assert.equal(error.message, 'confirm does not match the name of project p1; nothing was changed.')
      assert.equal(error.next, "Pass the project's exact name as confirm (show_project p1 shows it).")
      return true
    })
    assert.deepEqual(deleted, [])
    const done = await tool.handler({projectId: 'p1', confirm: 'billing'}, context(api as unknown as ManagementApi))
    assert.deepEqual(done.structured, {id: 'p1', deleted: true})
    assert.deepEqual(deleted, ['p1'])
  })

  it('answer a database without backups (HTTP 422) with an empty list and the API\'s note', async () => {
    const api = {
      listBackups: async () => {
        throw new ApiError(422, 'not-supported', 'Backups are not supported for this database.')
      },
    }
    const outcome = await byName('list_backups').handler({databaseId: 'db1'}, context(api as unknown as ManagementApi))
    assert.deepEqual(outcome.structured, {data: [], note: 'Backups are not supported for this database.'})
    assert.equal(outcome.text, 'Backups are not available for database db1: Backups are not supported for this database.')
  })
  it('restore: check confirm before looking for the backup, then restore and wait until the target is ready', async () => {
    const asked: string[] = []
    let status = 'recovering'
    const target = {id: 'db1', name: 'shop', status: 'ready', project: {id: 'p1'}}
    const api = {
      getDatabase: async (id: string) => {
        asked.push(`get ${id}`)
        return id === 'db1' && asked.some((a) => a.startsWith('restore')) ? {...target, status: (status = status === 'recovering' ? 'ready' : status)} : target
      },
      listDatabases: async function* () {
        asked.push('list databases')
        yield target
        yield {id: 'db2', name: 'reports', status: 'ready', project: {id: 'p1'}}
      },
      listBackups: async (id: string) => {
        asked.push(`backups ${id}`)
        return {data: id === 'db2' ? [{id: 'bk1'}] : [], meta: {backupRetentionDays: 7}}
      },
      restoreDatabase: async (id: string, source: unknown) => {
        asked.push(`restore ${id} ${JSON.stringify(source)}`)
        return {...target, status: 'recovering'}
      },
    }
    const tool = byName('restore_database')
    await assert.rejects(tool.handler({databaseId: 'db1', backupId: 'bk1', confirm: 'Shop'}, context(api as unknown as ManagementApi)), UsageError)
    assert.deepEqual(asked, ['get db1'])
    asked.length = 0
    const done = await tool.handler({databaseId: 'db1', backupId: 'bk1', confirm: 'shop'}, context(api as unknown as ManagementApi))
    assert.deepEqual(asked, ['get db1', 'list databases', 'backups db1', 'backups db2', 'restore db1 {"type":"backup","databaseId":"db2","backupId":"bk1"}', 'get db1'])
    assert.deepEqual(done.structured, {...target, status: 'ready'})
    assert.equal(done.text, 'Restored backup bk1 into database shop (db1); it is ready.')
  })

  it('restore: a target that ends in failure is a tool error holding the database, saying the restore failed', async () => {
    const target = {id: 'db1', name: 'shop', status: 'ready', project: {id: 'p1'}}
    let restoring = false
    const api = {
      getDatabase: async () => (restoring ? {...target, status: 'failure'} : target),
      restoreDatabase: async () => {
        restoring = true
        return {...target, status: 'recovering'}
      },
    }
    const failed = await byName('restore_database')
      .handler({databaseId: 'db1', backupId: 'bk1', sourceDatabaseId: 'db1', confirm: 'shop'}, context(api as unknown as ManagementApi))
      .then(() => undefined, (error: unknown) => error)
    assert.ok(failed instanceof DeliveredError, String(failed))
    const result = errorResult(failed, scrubber(() => []))
    assert.deepEqual(result.structuredContent, {...target, status: 'failure', error: {code: 'provisioning', message: 'Waiting for database db1 failed: Database db1 failed to restore.'}})
    assert.equal(result.content[0].text, 'Error: Waiting for database db1 failed: Database db1 failed to restore.\nThe restore was started; check the database with show_database db1.')
  })
})

describe('MCP bucket tools', () => {
  const at = '2026-11-28T09:58:12.345Z'
  const bucket = (i: number, name = `files-${i}`) => ({id: `bkt_${i}`, type: 'bucket', name, providerName: `p-${i}`, status: 'ready', createdAt: at, project: {id: 'p1', name: 'shop'}, branchId: null, logicalId: null})
  const key = (i: number) => ({id: `key_${i}`, type: 'bucketKey', name: `reader-${i}`, valueHint: `AKIA…${i}`, role: 'read', createdAt: at})

  it('delete_bucket: a confirm that is not the exact name deletes nothing; the exact name deletes the bucket', async () => {
    const deleted: string[] = []
    const api = {
      getBucket: async (id: string) => bucket(1, id === 'bkt_1' ? 'photos' : 'other'),
      deleteBucket: async (id: string) => {
        deleted.push(id)
      },
    }
    const tool = byName('delete_bucket')
    await assert.rejects(tool.handler({bucketId: 'bkt_1', confirm: 'Photos'}, context(api as unknown as ManagementApi)), (error: unknown) => {
      assert.ok(error instanceof UsageError)
      assert.equal(error.message, 'confirm does not match the name of bucket bkt_1; nothing was changed.')
      return true
    })
    assert.deepEqual(deleted, [], 'nothing deleted on a wrong confirm')
    const done = await tool.handler({bucketId: 'bkt_1', confirm: 'photos'}, context(api as unknown as ManagementApi))
    assert.deepEqual(done.structured, {id: 'bkt_1', deleted: true})
    assert.equal(done.text, 'Deleted bucket photos (bkt_1) with its objects and access keys.')
    assert.deepEqual(deleted, ['bkt_1'])
  })

  it('delete_bucket_key: searches every bucket for the key, checks confirm before deleting, and deletes it in its bucket', async () => {
    const asked: string[] = []
    const api = {
      listBuckets: async function* () {
        asked.push('list buckets')
        yield bucket(1)
        yield bucket(2)
      },
      listBucketKeys: async function* (bucketId: string) {
        asked.push(`keys ${bucketId}`)
        if (bucketId === 'bkt_2') yield key(7)
      },
      deleteBucketKey: async (bucketId: string, keyId: string) => {
        asked.push(`delete ${bucketId} ${keyId}`)
      },
    }
    const tool = byName('delete_bucket_key')
    await assert.rejects(tool.handler({keyId: 'key_7', confirm: 'reader'}, context(api as unknown as ManagementApi)), /confirm does not match the name of bucket key key_7; nothing was changed\./)
    assert.deepEqual(asked, ['list buckets', 'keys bkt_1', 'keys bkt_2'], 'looked the key up, deleted nothing')
    asked.length = 0
    const done = await tool.handler({keyId: 'key_7', bucketId: 'bkt_2', confirm: 'reader-7'}, context(api as unknown as ManagementApi))
    assert.deepEqual(asked, ['keys bkt_2', 'delete bkt_2 key_7'], 'with bucketId, only that bucket is listed')
    assert.deepEqual(done.structured, {id: 'key_7', bucketId: 'bkt_2', deleted: true})
    const missing = await tool.handler({keyId: 'key_9', confirm: 'x'}, context(api as unknown as ManagementApi)).then(() => undefined, (error: unknown) => error)
    const result = errorResult(missing, scrubber(() => []))
    assert.deepEqual(result.structuredContent, {error: {code: 'not-found', message: 'Bucket key "key_9" was not found in any bucket the token can see.'}})
    assert.match(result.content[0].text, /list_bucket_keys/, 'the advice names the tool, not a command')
  })

  it('create_bucket_key: sends the role and name, returns the secret once in the result; refuses a role the API does not have', async () => {
    const sent: unknown[] = []
    const created = {...key(3), role: 'read_write', secretAccessKey: 'sk-secret-value-123', accessKeyId: 'AKIA3', endpoint: 'https://s3.example.test', bucketName: 'p-1'}
    const api = {
      createBucketKey: async (bucketId: string, input: unknown) => {
        sent.push([bucketId, input])
        return created
      },
    }
    const tool = byName('create_bucket_key')
    assert.equal(z.object(tool.input).safeParse({bucketId: 'b', role: 'write'}).success, false, 'role write is refused')
    assert.equal(z.object(tool.input).safeParse({bucketId: 'b'}).success, false, 'a role is required')
    const done = await tool.handler({bucketId: 'bkt_1', role: 'read_write', name: 'uploader'}, context(api as unknown as ManagementApi))
    assert.deepEqual(sent, [['bkt_1', {role: 'read_write', name: 'uploader'}]])
    assert.deepEqual(done.structured, created, 'the API object, secret included')
    assert.ok(done.text.includes('sk-secret-value-123') && done.text.includes('https://s3.example.test'), done.text)
    assert.equal(successResult(done, scrubber(() => ['sk_server_token'])).structuredContent.secretAccessKey, 'sk-secret-value-123', 'not scrubbed: the caller needs it')
  })

  it('create_bucket: sends only what was given', async () => {
    const sent: unknown[] = []
    const api = {
      createBucket: async (input: unknown) => {
        sent.push(input)
        return bucket(4, 'uploads')
      },
    }
    const done = await byName('create_bucket').handler({projectId: 'p1', name: 'uploads', branchGitName: 'main'}, context(api as unknown as ManagementApi))
    await byName('create_bucket').handler({projectId: 'p1'}, context(api as unknown as ManagementApi))
    assert.deepEqual(sent, [{projectId: 'p1', name: 'uploads', branchGitName: 'main'}, {projectId: 'p1'}])
    assert.equal(done.text.split('\n')[0], 'Created bucket uploads (bkt_4).')
  })
})

describe('MCP results', () => {
  const scrub = scrubber(() => ['tok_"secret\\value', undefined, 'abc'])

  it('hide every secret, as is and JSON-escaped, but not ones too short to be tokens', () => {
    assert.equal(scrub('a tok_"secret\\value b abc'), 'a [token] b abc')
    assert.equal(scrub(JSON.stringify({t: 'tok_"secret\\value'})), '{"t":"[token]"}')
  })

  it('carry the object as structured content, a rendering, and the same JSON as text', () => {
    const result = successResult({structured: {id: 'p1', note: 'tok_"secret\\value'}, text: 'Project p1'}, scrub)
    assert.deepEqual(result.structuredContent, {id: 'p1', note: '[token]'})
    assert.equal(result.content[0].text, 'Project p1')
    assert.deepEqual(JSON.parse(result.content[1].text), {id: 'p1', note: '[token]'})
    assert.equal(result.isError, undefined)
  })

  it('turn an API error into a tool error with its code, message, hint and status', () => {
    const result = errorResult(new ApiError(409, 'conflict', 'Name taken by tok_"secret\\value.', 'Choose another name.'), scrub)
    assert.equal(result.isError, true)
    assert.deepEqual(result.structuredContent, {error: {code: 'conflict', message: 'Name taken by [token].', hint: 'Choose another name.', status: 409}})
    assert.equal(result.content[0].text, 'Error: Name taken by [token].\nHint: Choose another name.')
  })

  it('speak of arguments, not flags, for a usage error', () => {
    const result = errorResult(new UsageError('confirm does not match.'), scrub)
    assert.deepEqual(result.structuredContent, {error: {code: 'usage', message: 'confirm does not match.'}})
    assert.equal(result.content[0].text, 'Error: confirm does not match.\nCheck the arguments against the tool\'s input schema.')
  })

  it('explain a create refused in a blocked workspace as the CLI does: plan, upgrade URL, and where to upgrade', () => {
    const refused = new ApiError(403, 'usage-blocked', 'No project can be created while the workspace\'s usage is blocked.', 'Upgrade the Starter plan to lift the block.')
    const result = errorResult(new UsageBlockedError(refused, {id: 'ws1', name: 'Acme'}, 'Starter', 'https://console.example.test/upgrade'), scrub)
    assert.equal(result.isError, true)
    const message = 'Usage is blocked for workspace Acme (ws1) on the Starter plan: No project can be created while the workspace\'s usage is blocked.'
    assert.deepEqual(result.structuredContent, {
      error: {code: 'usage-blocked', message, hint: 'Upgrade the Starter plan to lift the block.', status: 403, workspaceId: 'ws1', planName: 'Starter', upgradeUrl: 'https://console.example.test/upgrade'},
    })
    assert.equal(result.content[0].text, `Error: ${message}\nHint: Upgrade the Starter plan to lift the block.\nUpgrade the plan at https://console.example.test/upgrade`)
    // A 422 refusal keeps the upgrade advice rather than the generic one about arguments.
    const invalid = errorResult(new UsageBlockedError(new ApiError(422, 'invalid', 'Refused.'), {id: 'ws1'}, 'Free', undefined), scrub)
    assert.equal(invalid.content[0].text, 'Error: Usage is blocked for workspace ws1 on the Free plan: Refused.\nUpgrade the workspace\'s plan in the Prisma Console.')
  })

  it('keep what was created beside the error when a create failed afterwards', () => {
    const created = {id: 'p1', database: {id: 'd1', status: 'provisioning', connections: [{id: 'c1', endpoints: {direct: {connectionString: 'postgres://u:pw@h:5432/db'}}}]}}
    const error = new DeliveredError(created, new ApiError(503, 'unavailable', 'Down.'), 'It was created all the same.', 'Waiting for database d1 failed')
    const result = errorResult(error, scrub)
    assert.equal(result.isError, true)
    assert.deepEqual(result.structuredContent, {...created, error: {code: 'unavailable', message: 'Waiting for database d1 failed: Down.', status: 503}})
    assert.equal(result.content[0].text, 'Error: Waiting for database d1 failed: Down.\nIt was created all the same.')
  })
})

describe('docs/mcp.md', () => {
  it('lists the MCP tools as the declarations say (run `npm run readme:mcp` when this fails)', async () => {
    const page = await readFile(join(ROOT, 'docs', 'mcp.md'), 'utf8')
    assert.equal(withToolTable(page, TOOLS), page)
    for (const tool of TOOLS) assert.ok(page.includes(`| \`${tool.name}\` |`), `docs/mcp.md has a row for ${tool.name}`)
  })
})
