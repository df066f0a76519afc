import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import BucketsCreate from '../../../src/commands/buckets/create.js'
import BucketsDelete from '../../../src/commands/buckets/delete.js'
import BucketsList from '../../../src/commands/buckets/list.js'
import BucketsRename from '../../../src/commands/buckets/rename.js'
import BucketsShow from '../../../src/commands/buckets/show.js'
import {bucket, bucketKey, page} from '../fixtures.js'
import {apiError, fixJitter, parseJson, reply, runCommand} from '../run-command.js'

type Api = Parameters<typeof reply>[0]

const AT = '2026-11-28T09:58:12.345Z'
const HEADER = 'ID\tNAME\tPROVIDER NAME\tPROJECT\tBRANCH\tSTATUS\tCREATED'
const row = (i: number, project = 'proj_1', branch = '') => `bkt_${i}\tfiles-${i}\tprisma-bkt-${i}\t${project}\t${branch}\tready\t${AT}`

describe('buckets list in process', () => {
  const two = [bucket(1), {...bucket(2, 'proj_2'), branchId: 'br_7'}]
  const stub = (api: Api) => reply(api, 'GET', '/v1/buckets?limit=100', page(two))

  it('on a terminal: a table of every column, the provider name whole', async () => {
    const result = await runCommand(BucketsList, [], {stub, tty: true, columns: 160, env: {NO_COLOR: '1'}})
    assert.equal(result.code, 0, result.stderr)
    const lines = result.stdout.split('\n')
    assert.match(lines[1], /^│ ID +│ NAME +│ PROVIDER NAME +│ PROJECT +│ BRANCH +│ STATUS +│ CREATED +│$/, 'the headers')
    assert.match(lines[3], /^│ bkt_1 +│ files-1 +│ prisma-bkt-1 +│ proj_1 +│ - +│ ready +│ 2026-11-28 09:58 +│$/, 'a bucket on no branch')
    assert.match(lines[4], /^│ bkt_2 +│ files-2 +│ prisma-bkt-2 +│ proj_2 +│ br_7 +│ ready +│ 2026-11-28 09:58 +│$/, 'a bucket on a branch')
    assert.equal(result.stderr, '', 'nothing on stderr')
  })

  it('piped: tab-separated rows of every page, ISO times', async () => {
    let second: ReturnType<typeof reply> = []
    const result = await runCommand(BucketsList, [], {
      stub(api) {
        reply(api, 'GET', '/v1/buckets?limit=100', page([two[0]], 'c2'))
        second = reply(api, 'GET', '/v1/buckets?cursor=c2&limit=100', page([two[1]]))
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, `${HEADER}\n${row(1)}\n${row(2, 'proj_2', 'br_7')}\n`)
    assert.equal(second.length, 1, 'the second page was fetched with its cursor')
  })

  it('--project narrows the list (trimmed), --limit stops early, --columns picks and orders', async () => {
    const result = await runCommand(BucketsList, ['--project', ' proj_1 ', '--limit', '1', '--columns', 'provider-name,id'], {
      stub: (api) => reply(api, 'GET', '/v1/buckets?projectId=proj_1&limit=1', page([bucket(1)], 'more')),
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, 'PROVIDER NAME\tID\nprisma-bkt-1\tbkt_1\n')
  })

  it('--json, -o yaml and -o csv: the API objects, and csv rows', async () => {
    const json = await runCommand(BucketsList, ['--json'], {stub})
    assert.deepEqual(parseJson(json.stdout), two)
    const yaml = await runCommand(BucketsList, ['-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), two)
    const csv = await runCommand(BucketsList, ['-o', 'csv', '--columns', 'id,name,branch'], {stub})
    assert.equal(csv.stdout, 'ID,NAME,BRANCH\r\nbkt_1,files-1,\r\nbkt_2,files-2,br_7\r\n')
  })

  it('none on a terminal: a sentence saying how to create one; piped: the header alone; --json: []', async () => {
    const empty = (query: string) => (api: Api) => reply(api, 'GET', `/v1/buckets?${query}limit=100`, page([]))
    const all = await runCommand(BucketsList, [], {stub: empty(''), tty: true, env: {NO_COLOR: '1'}})
    assert.equal(all.stdout, 'No buckets. Create one with `prisma-mgmt buckets create --project <project-id>`.\n')
    const one = await runCommand(BucketsList, ['--project', 'proj_4'], {stub: empty('projectId=proj_4&'), tty: true, env: {NO_COLOR: '1'}})
    assert.equal(one.stdout, 'Project proj_4 has no buckets. Create one with `prisma-mgmt buckets create --project proj_4`.\n')
    const piped = await runCommand(BucketsList, [], {stub: empty('')})
    assert.equal(piped.stdout, `${HEADER}\n`)
    const json = await runCommand(BucketsList, ['--json'], {stub: empty('')})
    assert.equal(json.stdout, '[]\n')
  })

  it('usage errors before any request: an unknown column, an empty --project', async () => {
    const column = await runCommand(BucketsList, ['--columns', 'id,secret'])
    assert.equal(column.code, 2, column.stderr)
    assert.equal(column.stderr, 'Error: Unknown column for --columns: secret.\nValid columns: id, name, provider-name, project, branch, status, created.\n')
    const blank = await runCommand(BucketsList, ['--project', ' '])
    assert.equal(blank.code, 2, blank.stderr)
    assert.match(blank.stderr, /^Error: The --project flag is empty\.\n/)
  })

  it('401 is exit 3; 503 after retries is exit 6; a bucket without its provider name is not the API (exit 6)', async (t) => {
    fixJitter(t)
    const denied = await runCommand(BucketsList, [], {stub: (api) => reply(api, 'GET', '/v1/buckets?limit=100', apiError('unauthorized', 'Invalid token.'), {status: 401})})
    assert.equal(denied.code, 3, denied.stderr)
    const down = await runCommand(BucketsList, ['--json'], {stub: (api) => reply(api, 'GET', '/v1/buckets?limit=100', apiError('unavailable', 'Down.'), {status: 503, times: 5})})
    assert.equal(down.code, 6, down.stderr)
    assert.deepEqual(parseJson(down.stdout), {error: {code: 'unavailable', message: 'Down.', status: 503}})
    const {providerName: _gone, ...partial} = bucket(1)
    const odd = await runCommand(BucketsList, [], {stub: (api) => reply(api, 'GET', '/v1/buckets?limit=100', page([partial]))})
    assert.equal(odd.code, 6, odd.stderr)
    assert.match(odd.stderr, /^Error: GET \/v1\/buckets \(page 1\): the API answered with something that is not a bucket list \(data\[0\]\.providerName is missing\)\.\n/)
  })
})

describe('buckets show in process', () => {
  const one = (api: Api) => reply(api, 'GET', '/v1/buckets/bkt_1', {data: bucket(1)})

  it('on a terminal: the bucket, then its access keys with their hints (never a secret)', async () => {
    const result = await runCommand(BucketsShow, ['bkt_1'], {
      tty: true,
      columns: 120,
      env: {NO_COLOR: '1'},
      stub(api) {
        one(api)
        reply(api, 'GET', '/v1/buckets/bkt_1/keys?limit=100', page([bucketKey(1), bucketKey(2, 'read_write')]))
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /│ PROVIDER NAME │ prisma-bkt-1 +│/, 'the bucket\'s fields')
    const [, keys] = result.stdout.split('\nAccess keys\n')
    assert.ok(keys, `an "Access keys" heading:\n${result.stdout}`)
    assert.match(keys, /│ ID +│ NAME +│ ROLE +│ HINT +│ CREATED +│/, 'the key columns')
    assert.match(keys, /│ key_1 +│ reader-1 +│ read +│ AKIA…001 +│ 2026-11-28 09:58 +│/)
    assert.match(keys, /│ key_2 +│ reader-2 +│ read_write +│ AKIA…002 +│ 2026-11-28 09:58 +│/)
  })

  it('a bucket without keys on a terminal says how to create one', async () => {
    const result = await runCommand(BucketsShow, ['bkt_1'], {
      tty: true,
      env: {NO_COLOR: '1'},
      stub(api) {
        one(api)
        reply(api, 'GET', '/v1/buckets/bkt_1/keys?limit=100', page([]))
      },
    })
    assert.ok(result.stdout.endsWith('\nAccess keys\nNo access keys. Create one with `prisma-mgmt buckets keys create bkt_1 --role read_write`.\n'), result.stdout)
  })

  it('piped, -o csv, --json and -o yaml: the bucket alone, in one request', async () => {
    const tsv = await runCommand(BucketsShow, ['bkt_1'], {stub: one})
    assert.equal(tsv.stdout, `${HEADER}\n${row(1)}\n`)
    const csv = await runCommand(BucketsShow, ['bkt_1', '-o', 'csv', '--columns', 'name,status'], {stub: one})
    assert.equal(csv.stdout, 'NAME,STATUS\r\nfiles-1,ready\r\n')
    const json = await runCommand(BucketsShow, ['bkt_1', '--json'], {stub: one, tty: true})
    assert.deepEqual(parseJson(json.stdout), bucket(1), 'on a terminal too, --json is the API object alone')
    const yaml = await runCommand(BucketsShow, ['bkt_1', '-o', 'yaml'], {stub: one})
    assert.deepEqual(parseYaml(yaml.stdout), bucket(1))
  })

  it('404 is exit 4 with the API\'s message (and the error document with --json); an id of ".." is exit 2 before any request', async () => {
    const stub = (api: Api) => reply(api, 'GET', '/v1/buckets/bkt_x', apiError('not-found', 'Bucket "bkt_x" was not found.'), {status: 404})
    const missing = await runCommand(BucketsShow, ['bkt_x'], {stub})
    assert.equal(missing.code, 4, missing.stderr)
    assert.equal(missing.stderr, 'Error: Bucket "bkt_x" was not found.\nCheck the id; the `list` commands show what exists.\n')
    const json = await runCommand(BucketsShow, ['bkt_x', '--json'], {stub})
    assert.deepEqual(parseJson(json.stdout), {error: {code: 'not-found', message: 'Bucket "bkt_x" was not found.', status: 404}})
    const dots = await runCommand(BucketsShow, ['..'])
    assert.equal(dots.code, 2, dots.stderr)
  })
})

describe('buckets create in process', () => {
  const created = {...bucket(5), name: 'uploads', branchId: 'br_1'}

  it('sends the project, name and branch as given (trimmed) and prints the bucket; the next step on stderr', async () => {
    let sent: ReturnType<typeof reply> = []
    const result = await runCommand(BucketsCreate, ['--project', 'proj_1', '--name', ' uploads ', '--branch-git-name', 'feature/a'], {
      stub: (api) => (sent = reply(api, 'POST', '/v1/buckets', {data: created}, {status: 201})),
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(sent[0].body, {projectId: 'proj_1', name: 'uploads', branchGitName: 'feature/a'})
    assert.equal(result.stdout, `${HEADER}\nbkt_5\tuploads\tprisma-bkt-5\tproj_1\tbr_1\tready\t${AT}\n`)
    assert.equal(result.stderr, 'Create an access key for it with `prisma-mgmt buckets keys create bkt_5 --role read_write`.\n')
  })

  it('without --name or a branch only the project is sent; --json prints the API object and nothing else', async () => {
    let sent: ReturnType<typeof reply> = []
    const result = await runCommand(BucketsCreate, ['--project', 'proj_1', '--json'], {
      stub: (api) => (sent = reply(api, 'POST', '/v1/buckets', {data: created}, {status: 201})),
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(sent[0].body, {projectId: 'proj_1'})
    assert.deepEqual(parseJson(result.stdout), created)
    assert.equal(result.stderr, '')
  })

  it('on a terminal: the bucket as a table and where to go next', async () => {
    const result = await runCommand(BucketsCreate, ['--project', 'proj_1'], {
      tty: true,
      columns: 120,
      env: {NO_COLOR: '1'},
      stub: (api) => reply(api, 'POST', '/v1/buckets', {data: created}, {status: 201}),
    })
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /│ ID +│ bkt_5 +│/)
    assert.match(result.stdout, /│ NAME +│ uploads +│/)
    assert.match(result.stdout, /Create an access key for it with `prisma-mgmt buckets keys create bkt_5 --role read_write`\.\n$/)
  })

  it('usage errors before any request: no --project, an empty --name or --branch-git-name', async () => {
    const missing = await runCommand(BucketsCreate, [])
    assert.equal(missing.code, 2, missing.stderr)
    assert.match(missing.stderr, /^Error: Missing required flag --project\n/)
    const name = await runCommand(BucketsCreate, ['--project', 'proj_1', '--name', '  '])
    assert.equal(name.code, 2, name.stderr)
    assert.match(name.stderr, /^Error: The --name flag is empty\./)
    const branch = await runCommand(BucketsCreate, ['--project', 'proj_1', '--branch-git-name', ''])
    assert.equal(branch.code, 2, branch.stderr)
    assert.match(branch.stderr, /^Error: The --branch-git-name flag is empty\./)
  })

  it('an unknown project is exit 4; a logical id taken is exit 5; a 400 is exit 2; the API\'s words are shown', async () => {
    const cases: [number, number, string][] = [
      [404, 4, 'Project "proj_x" was not found.'],
      [409, 5, 'A bucket with this logicalId already exists on the branch.'],
      [400, 2, 'name must not be longer than 63 characters.'],
    ]
    for (const [status, code, message] of cases) {
      const result = await runCommand(BucketsCreate, ['--project', 'proj_x'], {stub: (api) => reply(api, 'POST', '/v1/buckets', apiError('refused', message), {status})})
      assert.equal(result.code, code, `${status}: ${result.stderr}`)
      assert.ok(result.stderr.startsWith(`Error: ${message}\n`), result.stderr)
      assert.equal(result.stdout, '', 'nothing on stdout')
    }
  })
})

describe('buckets rename in process', () => {
  it('sends the new display name; the bucket is printed and stderr says S3 clients keep its provider name', async () => {
    let sent: ReturnType<typeof reply> = []
    const renamed = {...bucket(1), name: 'avatars'}
    const result = await runCommand(BucketsRename, ['bkt_1', ' avatars '], {stub: (api) => (sent = reply(api, 'PATCH', '/v1/buckets/bkt_1', {data: renamed}))})
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(sent[0].body, {displayName: 'avatars'})
    assert.equal(result.stdout, `${HEADER}\nbkt_1\tavatars\tprisma-bkt-1\tproj_1\t\tready\t${AT}\n`)
    assert.equal(result.stderr, 'Renamed bucket bkt_1 to "avatars"; S3 clients still use prisma-bkt-1.\n')
    const json = await runCommand(BucketsRename, ['bkt_1', 'avatars', '--json'], {stub: (api) => reply(api, 'PATCH', '/v1/buckets/bkt_1', {data: renamed})})
    assert.deepEqual(parseJson(json.stdout), renamed)
    assert.equal(json.stderr, '')
  })

  it('an empty name is exit 2 before any request; a 422 is exit 2; a 404 is exit 4', async () => {
    const blank = await runCommand(BucketsRename, ['bkt_1', ' '])
    assert.equal(blank.code, 2, blank.stderr)
    assert.match(blank.stderr, /^Error: The name argument is empty\./)
    const refused = await runCommand(BucketsRename, ['bkt_1', 'x'], {stub: (api) => reply(api, 'PATCH', '/v1/buckets/bkt_1', apiError('validation', 'Invalid name.'), {status: 422})})
    assert.equal(refused.code, 2, refused.stderr)
    const missing = await runCommand(BucketsRename, ['bkt_x', 'x'], {stub: (api) => reply(api, 'PATCH', '/v1/buckets/bkt_x', apiError('not-found', 'No bucket.'), {status: 404})})
    assert.equal(missing.code, 4, missing.stderr)
  })
})

describe('buckets delete in process', () => {
  const found = (api: Api) => reply(api, 'GET', '/v1/buckets/bkt_1', {data: bucket(1)})

  it('on a terminal: asks for the name, saying objects and keys go too, then deletes', async () => {
    let deleted: ReturnType<typeof reply> = []
    const result = await runCommand(BucketsDelete, ['bkt_1'], {
      tty: true,
      env: {NO_COLOR: '1'},
      answers: {confirmName: ['files-1']},
      stub(api) {
        found(api)
        deleted = reply(api, 'DELETE', '/v1/buckets/bkt_1', undefined, {status: 204})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(result.asked, ['This deletes bucket files-1 (bkt_1) for good. Every object in it and every access key of it are deleted too. Type its name to confirm:'])
    assert.equal(deleted.length, 1, 'one DELETE')
    assert.equal(result.stdout, 'Deleted bucket files-1 (bkt_1) with its objects and access keys.\n')
  })

  it('a wrong name deletes nothing (exit 2); off a terminal nothing is sent without --yes (exit 2)', async () => {
    const typo = await runCommand(BucketsDelete, ['bkt_1'], {tty: true, env: {NO_COLOR: '1'}, answers: {confirmName: ['files']}, stub: found})
    assert.equal(typo.code, 2, typo.stderr)
    assert.equal(typo.stderr, 'Error: The name did not match; bucket bkt_1 was not deleted.\n')
    const piped = await runCommand(BucketsDelete, ['bkt_1'], {stub: found})
    assert.equal(piped.code, 2, piped.stderr)
    assert.equal(
      piped.stderr,
      'Error: Refusing to delete bucket bkt_1 without confirmation. Every object in it and every access key of it are deleted too.\nPass --yes to delete without a prompt.\n',
    )
    const json = await runCommand(BucketsDelete, ['bkt_1', '--json'], {stub: found})
    assert.equal(json.code, 2, json.stderr)
    assert.equal((parseJson(json.stdout) as {error: {code: string}}).error.code, 'usage', 'the refusal as the error document')
  })

  it('--yes deletes without asking; --json prints the deletion', async () => {
    const result = await runCommand(BucketsDelete, ['bkt_1', '--yes', '--json'], {
      stub(api) {
        found(api)
        reply(api, 'DELETE', '/v1/buckets/bkt_1', undefined, {status: 204})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(parseJson(result.stdout), {id: 'bkt_1', deleted: true})
  })

  it('an unknown id is exit 4 before any question; a DELETE answered 404 is exit 4', async () => {
    const unknown = await runCommand(BucketsDelete, ['bkt_x', '--yes'], {stub: (api) => reply(api, 'GET', '/v1/buckets/bkt_x', apiError('not-found', 'No bucket.'), {status: 404})})
    assert.equal(unknown.code, 4, unknown.stderr)
    const raced = await runCommand(BucketsDelete, ['bkt_1', '--yes'], {
      stub(api) {
        found(api)
        reply(api, 'DELETE', '/v1/buckets/bkt_1', apiError('not-found', 'No bucket.'), {status: 404})
      },
    })
    assert.equal(raced.code, 4, raced.stderr)
  })
})
