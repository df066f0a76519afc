import assert from 'node:assert/strict'
import {mkdir, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {mkdtempSync, rmSync} from 'node:fs'
import {after, describe, it} from 'node:test'

import dotenv from 'dotenv'
import {parse as parseYaml} from 'yaml'

import type {CreatedBucketKey} from '../../../src/api/contract.js'
import BucketsKeysCreate from '../../../src/commands/buckets/keys/create.js'
import BucketsKeysDelete from '../../../src/commands/buckets/keys/delete.js'
import BucketsKeysList from '../../../src/commands/buckets/keys/list.js'
import {bucket, bucketKey, createdBucketKey, page, SECRET_ACCESS_KEY} from '../fixtures.js'
import {apiError, parseJson, reply, runCommand} from '../run-command.js'

type Api = Parameters<typeof reply>[0]

const AT = '2026-11-28T09:58:12.345Z'
const KEYS = '/v1/buckets/bkt_1/keys'
const created = createdBucketKey()
const CREATED_HEADER = 'ID\tNAME\tROLE\tBUCKET\tENDPOINT\tACCESS KEY ID\tSECRET ACCESS KEY\tCREATED'
const createdRow = (key: CreatedBucketKey = created) =>
  `${key.id}\t${key.name}\t${key.role}\t${key.bucketName}\t${key.endpoint}\t${key.accessKeyId}\t${key.secretAccessKey}\t${AT}`
const ENV_LINES = `AWS_ACCESS_KEY_ID='AKIAEXAMPLE009'\nAWS_SECRET_ACCESS_KEY='${SECRET_ACCESS_KEY}'\nAWS_ENDPOINT_URL_S3='https://s3.example.test'\nS3_BUCKET='prisma-bkt-1'\n`
const NOTE = 'Copy the secret access key now: the API will not show it again. Delete the key with `prisma-mgmt buckets keys delete key_9 --bucket bkt_1`.\n'

const dir = mkdtempSync(join(tmpdir(), 'prisma-mgmt-bucket-keys-'))
after(() => rm(dir, {recursive: true, force: true}))

describe('buckets keys list in process', () => {
  const two = [bucketKey(1), bucketKey(2, 'read_write')]
  const stub = (api: Api) => reply(api, 'GET', `${KEYS}?limit=100`, page(two))

  it('piped: tab-separated rows with the hint, never a secret; on a terminal: a table', async () => {
    const tsv = await runCommand(BucketsKeysList, ['bkt_1'], {stub})
    assert.equal(tsv.code, 0, tsv.stderr)
    assert.equal(tsv.stdout, `ID\tNAME\tROLE\tHINT\tCREATED\nkey_1\treader-1\tread\tAKIA…001\t${AT}\nkey_2\treader-2\tread_write\tAKIA…002\t${AT}\n`)
    const tty = await runCommand(BucketsKeysList, ['bkt_1'], {stub, tty: true, env: {NO_COLOR: '1'}})
    assert.match(tty.stdout.split('\n')[1], /^│ ID +│ NAME +│ ROLE +│ HINT +│ CREATED +│$/)
    assert.match(tty.stdout, /│ key_2 +│ reader-2 +│ read_write +│ AKIA…002 +│ 2026-11-28 09:58 +│/)
  })

  it('--json, -o yaml, -o csv, --columns and --limit', async () => {
    assert.deepEqual(parseJson((await runCommand(BucketsKeysList, ['bkt_1', '--json'], {stub})).stdout), two)
    assert.deepEqual(parseYaml((await runCommand(BucketsKeysList, ['bkt_1', '-o', 'yaml'], {stub})).stdout), two)
    const csv = await runCommand(BucketsKeysList, ['bkt_1', '-o', 'csv', '--columns', 'name,role', '--limit', '1'], {
      stub: (api) => reply(api, 'GET', `${KEYS}?limit=1`, page([two[0]], 'more')),
    })
    assert.equal(csv.stdout, 'NAME,ROLE\r\nreader-1,read\r\n')
  })

  it('none on a terminal: how to create one; an unknown bucket is exit 4; an unknown column exit 2 before any request', async () => {
    const empty = await runCommand(BucketsKeysList, ['bkt_1'], {tty: true, env: {NO_COLOR: '1'}, stub: (api) => reply(api, 'GET', `${KEYS}?limit=100`, page([]))})
    assert.equal(empty.stdout, 'Bucket bkt_1 has no access keys. Create one with `prisma-mgmt buckets keys create bkt_1 --role read_write`.\n')
    const missing = await runCommand(BucketsKeysList, ['bkt_x'], {stub: (api) => reply(api, 'GET', '/v1/buckets/bkt_x/keys?limit=100', apiError('not-found', 'No bucket.'), {status: 404})})
    assert.equal(missing.code, 4, missing.stderr)
    const column = await runCommand(BucketsKeysList, ['bkt_1', '--columns', 'secret-access-key'])
    assert.equal(column.code, 2, column.stderr)
    assert.equal(column.stderr, 'Error: Unknown column for --columns: secret-access-key.\nValid columns: id, name, role, hint, created.\n')
  })
})

describe('buckets keys create in process', () => {
  const stub = (api: Api, key: CreatedBucketKey = created) => reply(api, 'POST', KEYS, {data: key}, {status: 201})

  it('on a terminal: the key with its secret in a table, then the note that it is shown once', async () => {
    let sent: ReturnType<typeof reply> = []
    const result = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read_write', '--name', ' uploader '], {
      stub: (api) => (sent = stub(api)),
      tty: true,
      columns: 120,
      env: {NO_COLOR: '1'},
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(sent[0].body, {role: 'read_write', name: 'uploader'}, 'the role and the trimmed name')
    assert.match(result.stdout, new RegExp(`│ SECRET ACCESS KEY │ ${SECRET_ACCESS_KEY.replaceAll('+', '\\+')} +│`))
    assert.match(result.stdout, /│ ENDPOINT +│ https:\/\/s3\.example\.test +│/)
    assert.match(result.stdout, /│ ACCESS KEY ID +│ AKIAEXAMPLE009 +│/)
    assert.match(result.stdout, /│ BUCKET +│ prisma-bkt-1 +│/)
    assert.ok(result.stdout.endsWith(NOTE), result.stdout)
    assert.equal(result.stderr, '', 'nothing on stderr')
  })

  it('piped: one tab-separated row with the secret; the note on stderr; without --name only the role is sent', async () => {
    let sent: ReturnType<typeof reply> = []
    const result = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read'], {stub: (api) => (sent = stub(api, createdBucketKey('read')))})
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(sent[0].body, {role: 'read'})
    assert.equal(result.stdout, `${CREATED_HEADER}\n${createdRow(createdBucketKey('read'))}\n`)
    assert.equal(result.stderr, NOTE)
  })

  it('--json and -o yaml: the API object alone, secret included; -o csv: one row', async () => {
    const json = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read_write', '--json'], {stub})
    assert.deepEqual(parseJson(json.stdout), created)
    assert.equal(json.stderr, '', 'nothing on stderr with --json')
    const yaml = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read_write', '-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), created)
    assert.equal(yaml.stderr, '')
    const csv = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read_write', '-o', 'csv'], {stub})
    assert.equal(csv.stdout, `${CREATED_HEADER.replaceAll('\t', ',')}\r\n${createdRow().replaceAll('\t', ',')}\r\n`)
  })

  it('-o env: the four lines an S3 client reads, which dotenv reads back exactly; the note on stderr', async () => {
    const result = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read_write', '-o', 'env'], {stub})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, ENV_LINES)
    assert.deepEqual(dotenv.parse(result.stdout), {
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE009',
      AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      AWS_ENDPOINT_URL_S3: 'https://s3.example.test',
      S3_BUCKET: 'prisma-bkt-1',
    })
    assert.equal(result.stderr, NOTE)
  })

  it('without --role: a choice on a terminal; elsewhere exit 2 naming --role, nothing sent', async () => {
    let sent: ReturnType<typeof reply> = []
    const chosen = await runCommand(BucketsKeysCreate, ['bkt_1'], {
      tty: true,
      env: {NO_COLOR: '1'},
      answers: {choose: [(choices) => choices.find((c) => c.value === 'read')!.value]},
      stub: (api) => (sent = stub(api, createdBucketKey('read'))),
    })
    assert.equal(chosen.code, 0, chosen.stderr)
    assert.deepEqual(chosen.asked, ['Role of the key'])
    assert.deepEqual(sent[0].body, {role: 'read'})
    const piped = await runCommand(BucketsKeysCreate, ['bkt_1'])
    assert.equal(piped.code, 2, piped.stderr)
    assert.equal(piped.stderr, 'Error: Missing --role.\nPass --role read (get and list objects) or --role read_write (also put and delete them).\n')
    const wrong = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'write'])
    assert.equal(wrong.code, 2, wrong.stderr)
    assert.match(wrong.stderr, /read, read_write/)
    const blank = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read', '--name', ' '])
    assert.equal(blank.code, 2, blank.stderr)
    const url = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read', '-o', 'url'])
    assert.equal(url.code, 2, '-o url is not a format of a bucket key')
  })

  it('--env-file: a new file with mode 0600 holding the four keys; stdout gets a confirmation without the secret', async () => {
    const file = join(dir, 'new.env')
    const result = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read_write', '--env-file', file], {stub})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(await readFile(file, 'utf8'), ENV_LINES)
    assert.equal((await stat(file)).mode & 0o777, 0o600)
    assert.equal(result.stdout, `Created ${file}: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL_S3 and S3_BUCKET set from bucket key uploader (key_9).\n`)
    assert.ok(!result.stderr.includes(SECRET_ACCESS_KEY), 'the secret is in the file only')
  })

  it('--env-file on an existing file replaces those keys and keeps every other line; with -o env the lines are on stdout and the confirmation on stderr', async () => {
    const file = join(dir, 'app.env')
    await writeFile(file, '# app\nAWS_SECRET_ACCESS_KEY=old\nPORT=3000\nexport S3_BUCKET=old\n', {mode: 0o644})
    const result = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read_write', '--env-file', file, '-o', 'env'], {stub})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      await readFile(file, 'utf8'),
      `# app\nAWS_SECRET_ACCESS_KEY='${SECRET_ACCESS_KEY}'\nPORT=3000\nexport S3_BUCKET='prisma-bkt-1'\nAWS_ACCESS_KEY_ID='AKIAEXAMPLE009'\nAWS_ENDPOINT_URL_S3='https://s3.example.test'\n`,
    )
    assert.equal((await stat(file)).mode & 0o777, 0o644, 'an existing file keeps its mode')
    assert.equal(result.stdout, ENV_LINES)
    assert.equal(result.stderr, `Updated ${file}: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL_S3 and S3_BUCKET set from bucket key uploader (key_9).\n${NOTE}`)
  })

  it('--env-file is checked before any request: a missing folder, a folder, an empty path (exit 2, no key created)', async () => {
    for (const path of [join(dir, 'no-such-folder', '.env'), dir, '']) {
      const result = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read', '--env-file', path])
      assert.equal(result.code, 2, `${path}: ${result.stderr}`)
    }
  })

  it('a secret no dotenv quoting carries: --env-file leaves the file alone, the key is printed, exit 2, the secret never in the error', async () => {
    const odd = createdBucketKey('read_write', `it's$odd/secret`)
    const file = join(dir, 'odd.env')
    await writeFile(file, 'PORT=1\n')
    const result = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read_write', '--env-file', file], {stub: (api) => stub(api, odd)})
    assert.equal(result.code, 2, result.stderr)
    assert.equal(result.stdout, `${CREATED_HEADER}\n${createdRow(odd)}\n`, 'the key is printed rather than lost')
    assert.equal(
      result.stderr,
      `Error: Did not write ${file}: the secret access key holds a single quote together with one of $ \` " \\, which bash, dotenv and Node's --env-file would not read back alike. ` +
        'Bucket key uploader (key_9) WAS created; its secret access key is printed above, and the API will not show it again.\n' +
        `Set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL_S3 and S3_BUCKET in ${file} by hand from the values printed above.\n`,
    )
    assert.equal(await readFile(file, 'utf8'), 'PORT=1\n', 'the file is untouched')

    const env = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read_write', '-o', 'env'], {stub: (api) => stub(api, odd)})
    assert.equal(env.code, 2, env.stderr)
    assert.equal(env.stdout, `${CREATED_HEADER}\n${createdRow(odd)}\n`, '-o env falls back to the table')
    assert.match(env.stderr, /^Error: Cannot print a AWS_SECRET_ACCESS_KEY line: the secret access key holds a single quote/)
    assert.ok(!env.stderr.includes(odd.secretAccessKey))

    const json = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read_write', '--env-file', file, '--json'], {stub: (api) => stub(api, odd)})
    const document = parseJson(json.stdout) as CreatedBucketKey & {error: {code: string}}
    assert.equal(document.secretAccessKey, odd.secretAccessKey, 'one document holds the key')
    assert.equal(document.error.code, 'usage', 'and the error')
  })

  it('a file that cannot be written once the key exists: the key is printed, exit 1, the error says it WAS created', async () => {
    const folder = join(dir, 'vanishing')
    await mkdir(folder)
    const file = join(folder, '.env')
    const result = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read_write', '--env-file', file], {
      stub(api) {
        // The folder passes the check, then goes away while the API answers.
        api.intercept({method: 'POST', path: KEYS}).reply(201, () => (rmSync(folder, {recursive: true}), JSON.stringify({data: created})), {headers: {'content-type': 'application/json'}})
      },
    })
    assert.equal(result.code, 1, result.stderr)
    assert.equal(result.stdout, `${CREATED_HEADER}\n${createdRow()}\n`)
    assert.match(result.stderr, /^Error: Could not write .*\.env: no such file or folder \(ENOENT\)\. Bucket key uploader \(key_9\) WAS created; its secret access key is printed above/)
    assert.ok(!result.stderr.includes(SECRET_ACCESS_KEY))
  })

  it('an S3 endpoint that is not http(s): -o env and --env-file refuse to write it, and the key is printed instead', async () => {
    const odd = {...created, endpoint: 'file:///etc/passwd'}
    const file = join(dir, 'endpoint.env')
    for (const args of [['-o', 'env'], ['--env-file', file]]) {
      const result = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read_write', ...args], {stub: (api) => stub(api, odd)})
      assert.equal(result.code, 2, result.stderr)
      assert.equal(result.stdout, `${CREATED_HEADER}\n${createdRow(odd)}\n`)
      assert.match(result.stderr, /^Error: The S3 endpoint the API returned is a file: URL, not http or https, so no AWS_ENDPOINT_URL_S3 was written\. Bucket key uploader \(key_9\) WAS created/)
    }
    assert.deepEqual((await readdir(dir)).filter((name) => name === 'endpoint.env'), [], 'no file was written')
  })

  it('an unknown bucket is exit 4 and nothing is printed; an answer without the secret is not the API (exit 6)', async () => {
    const missing = await runCommand(BucketsKeysCreate, ['bkt_x', '--role', 'read'], {stub: (api) => reply(api, 'POST', '/v1/buckets/bkt_x/keys', apiError('not-found', 'No bucket.'), {status: 404})})
    assert.equal(missing.code, 4, missing.stderr)
    assert.equal(missing.stdout, '')
    const {secretAccessKey: _secret, ...partial} = created
    const odd = await runCommand(BucketsKeysCreate, ['bkt_1', '--role', 'read'], {stub: (api) => reply(api, 'POST', KEYS, {data: partial}, {status: 201})})
    assert.equal(odd.code, 6, odd.stderr)
    assert.match(odd.stderr, /not a bucket key \(data\.secretAccessKey is missing\)/)
  })
})

describe('buckets keys delete in process', () => {
  const listed = (api: Api, keys = [bucketKey(1), bucketKey(2)]) => reply(api, 'GET', `${KEYS}?limit=100`, page(keys))

  it('with --bucket, on a terminal: asks for the key\'s name, then deletes it in that bucket', async () => {
    let deleted: ReturnType<typeof reply> = []
    const result = await runCommand(BucketsKeysDelete, ['key_2', '--bucket', 'bkt_1'], {
      tty: true,
      env: {NO_COLOR: '1'},
      answers: {confirmName: ['reader-2']},
      stub(api) {
        listed(api)
        deleted = reply(api, 'DELETE', `${KEYS}/key_2`, undefined, {status: 204})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(result.asked, ['This deletes bucket key reader-2 (key_2) for good. S3 requests signed with it are refused from then on. Type its name to confirm:'])
    assert.equal(deleted.length, 1)
    assert.equal(result.stdout, 'Deleted access key reader-2 (key_2) of bucket bkt_1.\n')
  })

  it('without --bucket: the key is found among every bucket\'s keys (a bucket gone meanwhile is skipped); --yes --json deletes it there', async () => {
    const result = await runCommand(BucketsKeysDelete, ['key_7', '--yes', '--json'], {
      stub(api) {
        reply(api, 'GET', '/v1/buckets?limit=100', page([bucket(1), bucket(2), bucket(3)]))
        reply(api, 'GET', `${KEYS}?limit=100`, page([bucketKey(1)]))
        reply(api, 'GET', '/v1/buckets/bkt_2/keys?limit=100', apiError('not-found', 'No bucket.'), {status: 404})
        reply(api, 'GET', '/v1/buckets/bkt_3/keys?limit=100', page([bucketKey(6), bucketKey(7)]))
        reply(api, 'DELETE', '/v1/buckets/bkt_3/keys/key_7', undefined, {status: 204})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(parseJson(result.stdout), {id: 'key_7', bucketId: 'bkt_3', deleted: true})
  })

  it('a key in no bucket is exit 4 naming the id; with --bucket, naming the bucket', async () => {
    const nowhere = await runCommand(BucketsKeysDelete, ['key_9', '--yes'], {
      stub(api) {
        reply(api, 'GET', '/v1/buckets?limit=100', page([bucket(1)]))
        listed(api)
      },
    })
    assert.equal(nowhere.code, 4, nowhere.stderr)
    assert.equal(nowhere.stderr, 'Error: Bucket key "key_9" was not found in any bucket the token can see.\nCheck the id: `prisma-mgmt buckets keys list <bucket-id>` lists a bucket\'s keys.\n')
    const there = await runCommand(BucketsKeysDelete, ['key_9', '--bucket', 'bkt_1', '--yes'], {stub: (api) => listed(api)})
    assert.equal(there.code, 4, there.stderr)
    assert.match(there.stderr, /^Error: Bucket key "key_9" was not found in bucket bkt_1\.\n/)
  })

  it('off a terminal nothing is deleted without --yes; a wrong name deletes nothing; an empty --bucket is exit 2 before any request', async () => {
    const piped = await runCommand(BucketsKeysDelete, ['key_1', '--bucket', 'bkt_1'], {stub: (api) => listed(api)})
    assert.equal(piped.code, 2, piped.stderr)
    assert.equal(piped.stderr, 'Error: Refusing to delete bucket key key_1 without confirmation. S3 requests signed with it are refused from then on.\nPass --yes to delete without a prompt.\n')
    const typo = await runCommand(BucketsKeysDelete, ['key_1', '--bucket', 'bkt_1'], {tty: true, env: {NO_COLOR: '1'}, answers: {confirmName: ['reader']}, stub: (api) => listed(api)})
    assert.equal(typo.code, 2, typo.stderr)
    assert.equal(typo.stderr, 'Error: The name did not match; bucket key key_1 was not deleted.\n')
    const blank = await runCommand(BucketsKeysDelete, ['key_1', '--bucket', ' '])
    assert.equal(blank.code, 2, blank.stderr)
  })
})
