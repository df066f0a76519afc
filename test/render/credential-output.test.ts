// Delivering a minted or rotated connection's secret in process: what each format writes, where
// the message says the secret went, --env-file alone or beside a format, and every failure (no
// such endpoint, a value no dotenv line carries) thrown only once the secret has been shown.
import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {UsageError} from '../../src/errors.js'
import {credentialKept, mergeEnvEntries, presentCredential, s3EndpointProblem, s3EnvEntries, writeEnvLine, type CredentialOutput} from '../../src/render/credential-output.js'
import type {ConnectionView} from '../../src/render/connection-details.js'
import {fakeIO} from '../unit/fake-io.js'

const DIRECT = 'postgres://u:p4ss@db.example.test:5432/postgres?sslmode=require'
const POOLED = 'postgres://u:p4ss@pool.example.test:6543/postgres'
const view = (endpoints: ConnectionView['endpoints'] = [
  {endpoint: 'direct', connectionString: DIRECT, host: 'db.example.test', port: 5432},
  {endpoint: 'pooled', connectionString: POOLED, host: 'pool.example.test', port: 6543},
]): ConnectionView => ({id: 'con_1', name: 'ci', endpoints})

const KEPT = 'Connection ci (con_1) WAS created; its connection details are printed above, and the API will not show this password again.'

let dir: string
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-credential-'))
})
after(async () => {
  await rm(dir, {recursive: true, force: true})
})

/** Runs presentCredential; what it wrote, what reached stderr, and what it threw. */
async function present(options: Partial<CredentialOutput> & Pick<CredentialOutput, 'format'>, connection = view()) {
  const io = fakeIO()
  const written: string[] = []
  const error = await presentCredential(connection, {io, explicit: true, action: 'created', ...options}, (text) => written.push(text)).then(
    () => undefined,
    (error: unknown) => error ?? new Error('rejected with nothing'),
  )
  return {written, stdout: io.stdout.text, stderr: io.stderr.text, error}
}

describe('where the secret went', () => {
  it('names the action, a rotation saying the old password is gone, and the place: above, the JSON or YAML document, or the env file alone', () => {
    const base = {explicit: true, envFile: undefined, action: 'created'} as const
    assert.equal(credentialKept({id: 'con_1', name: 'ci'}, {...base, format: 'table'}), KEPT)
    for (const format of ['url', 'env', 'csv'] as const) assert.equal(credentialKept({id: 'con_1', name: 'ci'}, {...base, format}), KEPT, format)
    assert.equal(
      credentialKept({id: 'con_1', name: 'ci'}, {...base, format: 'json', action: 'rotated'}),
      'Connection ci (con_1) WAS rotated (the old password no longer works); its connection details are in the JSON document on stdout, and the API will not show this password again.',
    )
    assert.equal(credentialKept({id: 'con_1', name: 'ci'}, {...base, format: 'yaml'}), KEPT.replace('printed above', 'in the YAML document on stdout'))
    const envFile = {given: '.env', path: join(dir, '.env')}
    assert.equal(
      credentialKept({id: 'con_1', name: 'ci'}, {...base, format: 'table', explicit: false, envFile}),
      'Connection ci (con_1) WAS created; DATABASE_URL in .env holds its connection string, and the API will not show this password again.',
    )
    assert.equal(credentialKept({id: 'con_1', name: 'ci'}, {...base, format: 'table', explicit: true, envFile}), KEPT, 'a format asked for beside --env-file: the secret is printed too')
  })
})

describe('presenting a credential', () => {
  it('url: the first endpoint with a string, or the one asked for; env: its DATABASE_URL line', async () => {
    assert.deepEqual((await present({format: 'url'})).written, [DIRECT])
    assert.deepEqual((await present({format: 'url', endpoint: 'pooled'})).written, [POOLED])
    assert.deepEqual((await present({format: 'url'}, view([{endpoint: 'direct', host: 'h', port: 1}, {endpoint: 'pooled', connectionString: POOLED, host: 'h', port: 2}]))).written, [POOLED])
    assert.deepEqual((await present({format: 'env', endpoint: 'pooled'})).written, [`DATABASE_URL='${POOLED}'`])
  })

  it('json writes nothing (the command prints the API object); csv and piped table write a row per endpoint', async () => {
    const json = await present({format: 'json'})
    assert.deepEqual([json.written, json.stdout, json.error], [[], '', undefined])
    for (const format of ['csv', 'table'] as const) {
      const {stdout, written, error} = await present({format})
      assert.equal(error, undefined)
      assert.deepEqual(written, [])
      assert.ok(stdout.includes(DIRECT) && stdout.includes(POOLED), `${format}:\n${stdout}`)
    }
  })

  it('an endpoint the API did not return: every endpoint is shown all the same, then a usage error saying so and where the secret is', async () => {
    for (const format of ['url', 'env'] as const) {
      const {stdout, error} = await present({format, endpoint: 'accelerate'})
      assert.ok(stdout.includes(DIRECT) && stdout.includes(POOLED), `${format}: every endpoint as rows:\n${stdout}`)
      assert.ok(error instanceof UsageError)
      assert.equal(error.message, `The API returned no accelerate connection string for connection con_1 (it returned: direct, pooled). ${KEPT}`)
      assert.equal(error.next, 'Choose one of the returned endpoints with --endpoint.')
    }
    const nothing = await present({format: 'url', endpoint: 'pooled'}, view([{endpoint: 'direct', host: 'h', port: 1}]))
    assert.equal((nothing.error as Error).message, `The API returned no pooled connection string for connection con_1 (it returned: none). ${KEPT}`)
    const table = await present({format: 'table'}, view([{endpoint: 'direct', host: 'h', port: 1}]))
    assert.equal(table.error, undefined, 'a table needs no connection string to show what there is')
    const none = await present({format: 'url'}, view([{endpoint: 'direct', host: 'h', port: 1}]))
    assert.ok(none.error instanceof UsageError)
    assert.equal(none.error.message, `The API returned no connection string for connection con_1. ${KEPT}`)
    assert.equal(none.error.next, undefined)
  })

  it('--env-file alone: only the confirmation on stdout; beside a format: the confirmation on stderr and the format on stdout', async () => {
    const alone = await present({format: 'table', explicit: false, envFile: {given: 'alone.env', path: join(dir, 'alone.env')}})
    assert.deepEqual([alone.written, alone.stdout, alone.stderr, alone.error], [['Created alone.env: DATABASE_URL set to the direct endpoint of connection ci (con_1).'], '', '', undefined])
    assert.equal(await readFile(join(dir, 'alone.env'), 'utf8'), `DATABASE_URL='${DIRECT}'\n`)
    const beside = await present({format: 'url', endpoint: 'pooled', envFile: {given: 'beside.env', path: join(dir, 'beside.env')}})
    assert.deepEqual([beside.written, beside.stderr], [[POOLED], 'Created beside.env: DATABASE_URL set to the pooled endpoint of connection ci (con_1).\n'])
    assert.equal(await readFile(join(dir, 'beside.env'), 'utf8'), `DATABASE_URL='${POOLED}'\n`)
    const again = await present({format: 'table', explicit: false, envFile: {given: 'beside.env', path: join(dir, 'beside.env')}})
    assert.deepEqual(again.written, ['Updated beside.env: DATABASE_URL set to the direct endpoint of connection ci (con_1).'])
  })

  it('a connection string no dotenv line carries: env prints it alone, then fails; --env-file leaves the file and fails after the table', async () => {
    const odd = `postgres://u:it's$x@h/db`
    const connection = view([{endpoint: 'direct', connectionString: odd, host: 'h', port: 1}])
    const env = await present({format: 'env'}, connection)
    assert.deepEqual(env.written, [odd])
    assert.ok(env.error instanceof UsageError)
    assert.equal(env.error.message, `Cannot print a DATABASE_URL line: the direct connection string holds a single quote together with one of $ \` " \\, which bash, dotenv and Node's --env-file would not read back alike, so it is printed alone. ${KEPT}`)
    assert.equal(env.error.next, 'Use --format url to get the connection string alone.')
    const file = await present({format: 'table', envFile: {given: 'odd.env', path: join(dir, 'odd.env')}}, connection)
    assert.ok(file.stdout.includes(odd), `the table, the secret in it:\n${file.stdout}`)
    assert.ok(file.error instanceof UsageError)
    assert.equal(file.error.message, `Did not write odd.env: the direct connection string holds a single quote together with one of $ \` " \\, which bash, dotenv and Node's --env-file would not read back alike. ${KEPT}`)
    assert.equal(file.error.next, 'Set DATABASE_URL in odd.env by hand from that connection string.')
    await assert.rejects(readFile(join(dir, 'odd.env')), {code: 'ENOENT'})
  })
})

describe('several keys and S3 values', () => {
  it('a folder that is gone: the failure names the file, the reason, and every key to set by hand', async () => {
    const entries = s3EnvEntries({accessKeyId: 'AKIA1', secretAccessKey: 's3cr3t', endpoint: 'https://s3.example.test', bucketName: 'b'})
    assert.deepEqual(entries.map((e) => [e.key, e.what]), [
      ['AWS_ACCESS_KEY_ID', 'the access key id'],
      ['AWS_SECRET_ACCESS_KEY', 'the secret access key'],
      ['AWS_ENDPOINT_URL_S3', 'the S3 endpoint'],
      ['S3_BUCKET', 'the bucket name'],
    ])
    const given = 'gone/.env'
    const {failure} = await mergeEnvEntries({given, path: join(dir, 'gone', '.env')}, entries, {what: 'the key', delivered: 'Kept.'})
    assert.equal(failure?.message, `Could not write ${given}: no such file or folder (ENOENT). Kept.`)
    assert.equal(failure?.next, `Fix ${given} (its folder must exist and be writable), then set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL_S3 and S3_BUCKET in it by hand from that value.`)
    const written = await mergeEnvEntries({given: 's3.env', path: join(dir, 's3.env')}, entries, {what: 'the key', setTo: 'bucket key k', delivered: 'Kept.'})
    assert.equal(written.confirmation, 'Created s3.env: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL_S3 and S3_BUCKET set from bucket key k.')
  })

  it('an S3 endpoint must be an http or https URL', () => {
    assert.equal(s3EndpointProblem('https://s3.example.test'), undefined)
    assert.equal(s3EndpointProblem('http://127.0.0.1:9000'), undefined)
    assert.equal(s3EndpointProblem('ftp://s3.example.test'), 'is a ftp: URL, not http or https')
    assert.equal(s3EndpointProblem('not a url'), 'is not a URL')
  })

  it('writeEnvLine: a value that fits is one line; errors other than the quoting are passed on', async () => {
    const lines: string[] = []
    assert.equal(await writeEnvLine('K', 'v', {what: 'the value', delivered: ''}, (text) => lines.push(text)), undefined)
    assert.deepEqual(lines, ["K='v'"])
    const broken = new Error('stdout closed')
    await assert.rejects(writeEnvLine('K', 'v', {what: 'the value', delivered: ''}, () => {
      throw broken
    }), broken)
  })
})
