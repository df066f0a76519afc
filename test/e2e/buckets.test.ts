// buckets and their keys through the built binary against `emulator start`: every format, what
// the API received, the secret shown once and never in a list, the consent to delete (--yes off a
// terminal, the name typed on a real one), and projects show listing a project's buckets.
import assert from 'node:assert/strict'
import {readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, afterEach, before, describe, it} from 'node:test'

import dotenv from 'dotenv'
import {parse as parseYaml} from 'yaml'

import {Emulator, parseJson, removeDir, run, tempDir, tsv, tsvHeader} from './harness.js'
import {Terminal} from './terminal.js'

interface BucketJson {
  id: string
  name: string
  providerName: string
  status: string
  branchId: string | null
  project: {id: string; name: string}
}

interface KeyJson {
  id: string
  name: string
  role: string
  valueHint: string
  secretAccessKey?: string
  accessKeyId?: string
  endpoint?: string
  bucketName?: string
}

const BUCKET_COLUMNS = ['ID', 'NAME', 'PROVIDER NAME', 'PROJECT', 'BRANCH', 'STATUS', 'CREATED']
const KEY_COLUMNS = ['ID', 'NAME', 'ROLE', 'HINT', 'CREATED']

describe('buckets', () => {
  let emulator: Emulator
  let home: string
  let dir: string
  let projectId: string
  const terminals: Terminal[] = []
  const cli = (args: string[], secrets: string[] = []) => run(args, {env: emulator.env(home), emulator, secrets})
  const received = async (method: string, path: string) =>
    (await emulator.requests()).filter((r) => r.method === method && r.path.split('?')[0] === path)
  const createBucket = async (name: string): Promise<BucketJson> => {
    const created = await cli(['buckets', 'create', '--project', projectId, '--name', name, '--json'])
    assert.equal(created.code, 0, created.stderr)
    return parseJson<BucketJson>(created)
  }
  const createKey = async (bucketId: string, role: 'read' | 'read_write', name?: string): Promise<KeyJson> => {
    const created = await cli(['buckets', 'keys', 'create', bucketId, '--role', role, ...(name ? ['--name', name] : []), '--json'])
    assert.equal(created.code, 0, created.stderr)
    return parseJson<KeyJson>(created)
  }

  before(async () => {
    emulator = await Emulator.start()
    home = await tempDir()
    dir = await tempDir()
    const project = await run(['projects', 'create', '--name', 'store', '--no-database', '--json'], {env: emulator.env(home), emulator})
    assert.equal(project.code, 0, project.stderr)
    projectId = parseJson<{id: string}>(project).id
  })
  afterEach(async () => {
    for (const terminal of terminals.splice(0)) await terminal.close()
  })
  after(async () => {
    await emulator?.stop()
    if (home) await removeDir(home)
    if (dir) await removeDir(dir)
  })

  it('create sends the project, name and branch; list, show and rename print them in every format', async () => {
    await emulator.call('DELETE', '/__emulator/requests')
    const made = await cli(['buckets', 'create', '--project', projectId, '--name', 'uploads'])
    assert.equal(made.code, 0, made.stderr)
    assert.deepEqual(tsvHeader(made.stdout), BUCKET_COLUMNS)
    const [row] = tsv(made.stdout)
    assert.deepEqual([row.NAME, row.PROJECT, row.BRANCH, row.STATUS], ['uploads', projectId, '', 'ready'])
    assert.ok(row['PROVIDER NAME'], 'the name S3 clients use')
    assert.match(made.stderr, new RegExp(`^Create an access key for it with \`prisma-mgmt buckets keys create ${row.ID} --role read_write\`\\.\\n$`))
    const onBranch = await cli(['buckets', 'create', '--project', projectId, '--branch-git-name', 'feature/avatars', '--json'])
    assert.equal(onBranch.code, 0, onBranch.stderr)
    const branched = parseJson<BucketJson>(onBranch)
    assert.ok(branched.branchId, 'the bucket is on a branch')
    assert.ok(branched.name, 'the API chose a name')
    assert.deepEqual(
      (await received('POST', '/v1/buckets')).map((r) => r.body),
      [{projectId, name: 'uploads'}, {projectId, branchGitName: 'feature/avatars'}],
      'what the API received',
    )

    const listed = await cli(['buckets', 'list', '--project', projectId])
    assert.equal(listed.code, 0, listed.stderr)
    assert.deepEqual(tsv(listed.stdout).map((r) => r.ID).sort(), [row.ID, branched.id].sort())
    const json = parseJson<BucketJson[]>(await cli(['buckets', 'list', '--json']))
    assert.deepEqual(json.map((b) => b.id).sort(), [row.ID, branched.id].sort())
    const yaml = parseYaml((await cli(['buckets', 'list', '--project', projectId, '-o', 'yaml'])).stdout) as BucketJson[]
    assert.deepEqual(yaml, json.filter((b) => b.project.id === projectId))
    const csv = await cli(['buckets', 'list', '--project', projectId, '-o', 'csv', '--columns', 'name,id'])
    assert.ok(csv.stdout.startsWith('NAME,ID\r\n') && csv.stdout.includes(`uploads,${row.ID}\r\n`), csv.stdout)

    const shown = parseJson<BucketJson>(await cli(['buckets', 'show', row.ID, '--json']))
    assert.deepEqual(shown, json.find((b) => b.id === row.ID), 'show --json is the object the list holds')
    const renamed = await cli(['buckets', 'rename', row.ID, 'avatars'])
    assert.equal(renamed.code, 0, renamed.stderr)
    assert.equal(tsv(renamed.stdout)[0].NAME, 'avatars')
    assert.equal(renamed.stderr, `Renamed bucket ${row.ID} to "avatars"; S3 clients still use ${row['PROVIDER NAME']}.\n`)
    assert.deepEqual((await received('PATCH', `/v1/buckets/${row.ID}`)).map((r) => r.body), [{displayName: 'avatars'}])
    const after = parseJson<BucketJson>(await cli(['buckets', 'show', row.ID, '--json']))
    assert.deepEqual([after.name, after.providerName], ['avatars', row['PROVIDER NAME']], 'a label only: the provider name stays')
  })

  it('errors: an unknown bucket or project is exit 4 with the API\'s words, a missing --project exit 2', async () => {
    const missing = await cli(['buckets', 'show', 'cnobucket'])
    assert.equal(missing.code, 4, missing.stderr)
    assert.match(missing.stderr, /^Error: .*cnobucket.*\nCheck the id; the `list` commands show what exists\.\n$/)
    const project = await cli(['buckets', 'create', '--project', 'cnoproject', '--json'])
    assert.equal(project.code, 4, project.stderr)
    assert.equal(parseJson<{error: {status: number}}>(project).error.status, 404)
    const flag = await cli(['buckets', 'create'])
    assert.equal(flag.code, 2, flag.stderr)
    assert.match(flag.stderr, /--project/)
  })

  it('keys create shows the secret once (json, env, table); keys list shows only hints; --env-file merges the four keys', async () => {
    const bucket = await createBucket('keys')
    const writer = await createKey(bucket.id, 'read_write', 'writer')
    assert.equal(writer.role, 'read_write')
    assert.equal(writer.bucketName, bucket.providerName, 'the key names the bucket as S3 clients know it')
    assert.match(writer.endpoint ?? '', /^https?:\/\//)
    assert.ok(writer.secretAccessKey && writer.accessKeyId, 'the secret and the access key id')

    const env = await cli(['buckets', 'keys', 'create', bucket.id, '--role', 'read', '-o', 'env'])
    assert.equal(env.code, 0, env.stderr)
    const parsed = dotenv.parse(env.stdout)
    assert.deepEqual(Object.keys(parsed), ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL_S3', 'S3_BUCKET'])
    assert.equal(env.stdout.split('\n').length, 5, `four lines and nothing else:\n${env.stdout}`)
    assert.equal(parsed.S3_BUCKET, bucket.providerName)
    assert.equal(parsed.AWS_ENDPOINT_URL_S3, writer.endpoint)
    assert.ok(!env.stderr.includes(parsed.AWS_SECRET_ACCESS_KEY), 'the secret is on stdout only')
    assert.match(env.stderr, /^Copy the secret access key now: the API will not show it again\./)

    const table = await cli(['buckets', 'keys', 'create', bucket.id, '--role', 'read', '--name', 'shown'])
    assert.equal(table.code, 0, table.stderr)
    const [row] = tsv(table.stdout)
    assert.deepEqual(Object.keys(row), ['ID', 'NAME', 'ROLE', 'BUCKET', 'ENDPOINT', 'ACCESS KEY ID', 'SECRET ACCESS KEY', 'CREATED'])
    assert.ok(row['SECRET ACCESS KEY'].length >= 16, 'the secret in its column')

    const file = join(dir, 'app.env')
    await writeFile(file, '# app\nPORT=3000\nAWS_SECRET_ACCESS_KEY=stale\n', {mode: 0o600})
    const merged = await cli(['buckets', 'keys', 'create', bucket.id, '--role', 'read_write', '--name', 'filed', '--env-file', file])
    assert.equal(merged.code, 0, merged.stderr)
    const text = await readFile(file, 'utf8')
    const values = dotenv.parse(text)
    assert.ok(text.startsWith('# app\nPORT=3000\nAWS_SECRET_ACCESS_KEY='), `the other lines kept, the key replaced in place:\n${text}`)
    assert.deepEqual(Object.keys(values), ['PORT', 'AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_ENDPOINT_URL_S3', 'S3_BUCKET'])
    assert.notEqual(values.AWS_SECRET_ACCESS_KEY, 'stale')
    assert.equal((await stat(file)).mode & 0o777, 0o600)
    assert.match(merged.stdout, /^Updated .*app\.env: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL_S3 and S3_BUCKET set from bucket key filed \(\w+\)\.\n$/)
    assert.ok(!merged.stdout.includes(values.AWS_SECRET_ACCESS_KEY) && !merged.stderr.includes(values.AWS_SECRET_ACCESS_KEY), 'the secret is in the file only')

    const secrets = [writer.secretAccessKey!, parsed.AWS_SECRET_ACCESS_KEY, row['SECRET ACCESS KEY'], values.AWS_SECRET_ACCESS_KEY]
    const list = await cli(['buckets', 'keys', 'list', bucket.id], secrets)
    assert.equal(list.code, 0, list.stderr)
    assert.deepEqual(tsvHeader(list.stdout), KEY_COLUMNS)
    const rows = tsv(list.stdout)
    assert.equal(rows.length, 4)
    for (const name of ['writer', 'shown', 'filed']) assert.ok(rows.some((r) => r.NAME === name), `${name} is listed:\n${list.stdout}`)
    assert.ok(rows.every((r) => r.HINT && !secrets.includes(r.HINT)), 'a hint in every row')
    const listJson = parseJson<KeyJson[]>(await cli(['buckets', 'keys', 'list', bucket.id, '--json'], secrets))
    assert.ok(listJson.every((k) => k.secretAccessKey === undefined && k.valueHint), 'hints, never a secret')
  })

  it('with DEBUG=prisma-mgmt:http the trace of keys create hides the secret, which reaches stdout alone', async () => {
    const bucket = await createBucket('traced')
    const result = await run(['buckets', 'keys', 'create', bucket.id, '--role', 'read', '--json'], {env: emulator.env(home, {DEBUG: 'prisma-mgmt:http'}), emulator})
    assert.equal(result.code, 0, result.stderr)
    const key = parseJson<KeyJson>(result)
    assert.ok(key.secretAccessKey, 'the secret is in the document')
    assert.match(result.stderr, new RegExp(`POST [^\\n]*/v1/buckets/${bucket.id}/keys`), `the request is traced:\n${result.stderr}`)
    assert.match(result.stderr, /"secretAccessKey":\s*"\*\*\*"/, `the trace shows the field masked:\n${result.stderr}`)
    assert.ok(!result.stderr.includes(key.secretAccessKey), 'the secret is not in the trace')
  })

  it('keys delete finds the key\'s bucket itself (or takes --bucket), asks for --yes off a terminal, and an unknown key is exit 4', async () => {
    const bucket = await createBucket('rotation')
    const old = await createKey(bucket.id, 'read', 'old')
    const other = await createKey(bucket.id, 'read', 'other')
    await emulator.call('DELETE', '/__emulator/requests')
    const refused = await cli(['buckets', 'keys', 'delete', old.id])
    assert.equal(refused.code, 2, refused.stderr)
    assert.match(refused.stderr, new RegExp(`^Error: Refusing to delete bucket key ${old.id} without confirmation\\.`))
    assert.deepEqual(await received('DELETE', `/v1/buckets/${bucket.id}/keys/${old.id}`), [], 'nothing was sent')

    const deleted = await cli(['buckets', 'keys', 'delete', old.id, '--yes', '--json'])
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.deepEqual(parseJson(deleted), {id: old.id, bucketId: bucket.id, deleted: true})
    const byBucket = await cli(['buckets', 'keys', 'delete', other.id, '--bucket', bucket.id, '--yes'])
    assert.equal(byBucket.code, 0, byBucket.stderr)
    assert.equal(byBucket.stdout, `Deleted access key other (${other.id}) of bucket ${bucket.id}.\n`)
    assert.deepEqual(parseJson(await cli(['buckets', 'keys', 'list', bucket.id, '--json'])), [], 'both are gone')

    const again = await cli(['buckets', 'keys', 'delete', old.id, '--yes'])
    assert.equal(again.code, 4, again.stderr)
    assert.equal(again.stderr, `Error: Bucket key "${old.id}" was not found in any bucket the token can see.\nCheck the id: \`prisma-mgmt buckets keys list <bucket-id>\` lists a bucket's keys.\n`)
  })

  it('delete: refused without --yes off a terminal (nothing sent); --yes deletes the bucket and its keys', async () => {
    const bucket = await createBucket('doomed')
    await createKey(bucket.id, 'read')
    await emulator.call('DELETE', '/__emulator/requests')
    const refused = await cli(['buckets', 'delete', bucket.id])
    assert.equal(refused.code, 2, refused.stderr)
    assert.equal(
      refused.stderr,
      `Error: Refusing to delete bucket ${bucket.id} without confirmation. Every object in it and every access key of it are deleted too.\nPass --yes to delete without a prompt.\n`,
    )
    assert.deepEqual(await received('DELETE', `/v1/buckets/${bucket.id}`), [])
    const deleted = await cli(['buckets', 'delete', bucket.id, '--yes'])
    assert.equal(deleted.code, 0, deleted.stderr)
    assert.equal(deleted.stdout, `Deleted bucket doomed (${bucket.id}) with its objects and access keys.\n`)
    assert.equal((await cli(['buckets', 'show', bucket.id])).code, 4, 'the bucket is gone')
    assert.equal((await cli(['buckets', 'keys', 'list', bucket.id])).code, 4, 'and its keys with it')
  })

  it('delete on a real terminal: a wrong name deletes nothing (exit 2); the right name deletes', async () => {
    const bucket = await createBucket('typed')
    const termEnv = {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url, PRISMA_SERVICE_TOKEN: emulator.token}
    const question = new RegExp(`This deletes bucket typed \\(${bucket.id}\\) for good\\. Every object in it and every access key of it are deleted too\\. Type its name to confirm:`)
    const wrong = await Terminal.start(['buckets', 'delete', bucket.id], termEnv)
    terminals.push(wrong)
    await wrong.waitFor(question)
    await wrong.type('Typed')
    await wrong.press('Enter')
    assert.equal(await wrong.exitCode(), 2, await wrong.screen())
    assert.match(await wrong.screen(), new RegExp(`The name did not match; bucket ${bucket.id} was not deleted\\.`))
    assert.equal((await cli(['buckets', 'show', bucket.id])).code, 0, 'the bucket is still there')

    const right = await Terminal.start(['buckets', 'delete', bucket.id], termEnv)
    terminals.push(right)
    await right.waitFor(question)
    await right.type('typed')
    await right.press('Enter')
    assert.equal(await right.exitCode(), 0, await right.screen())
    assert.match(await right.screen(), new RegExp(`Deleted bucket typed \\(${bucket.id}\\) with its objects and access keys\\.`))
    assert.equal((await cli(['buckets', 'show', bucket.id])).code, 4, 'the bucket is gone')
  })

  it('projects show on a real terminal lists the project\'s buckets beside its databases', async () => {
    const project = await run(['projects', 'create', '--name', 'shown', '--no-database', '--json'], {env: emulator.env(home), emulator})
    const id = parseJson<{id: string}>(project).id
    const made = await run(['buckets', 'create', '--project', id, '--name', 'media', '--json'], {env: emulator.env(home), emulator})
    const bucket = parseJson<BucketJson>(made)
    const terminal = await Terminal.start(['projects', 'show', id], {XDG_CONFIG_HOME: home, PRISMA_MANAGEMENT_API_URL: emulator.url, PRISMA_SERVICE_TOKEN: emulator.token})
    terminals.push(terminal)
    assert.equal(await terminal.exitCode(), 0, await terminal.screen())
    const lines = (await terminal.screen()).split('\n')
    const heading = lines.findIndex((line) => line.trim() === 'Buckets')
    assert.ok(heading > 0, `a "Buckets" heading:\n${lines.join('\n')}`)
    const below = lines.slice(heading + 1).join('\n')
    assert.match(below, /│ ID\s+│ NAME\s+│ PROVIDER NAME\s+│ STATUS\s+│/)
    assert.match(below, new RegExp(`│ ${bucket.id}\\s+│ media\\s+│ ${bucket.providerName}\\s+│ ready\\s+│`))
  })
})
