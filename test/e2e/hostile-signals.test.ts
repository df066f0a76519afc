// Signals at the worst moment, through the built binary: SIGINT, SIGTERM or SIGHUP while the POST
// of a command that mints a one-time secret (db credentials, its --replace rotation, db connections
// rotate, tokens create, buckets keys create) or creates a project or database is on its way. A proxy in front of the
// emulator holds the API's answer until the signal has been heard, so nothing depends on timing.
// The answer is printed (with --json: one document with an `error` member), then the command exits
// 130, 143 or 129; a second interrupt stops at once. Creates interrupted while they wait for their
// database do the same.
import assert from 'node:assert/strict'
import {after, afterEach, before, beforeEach, describe, it} from 'node:test'

import {CREATED_ENDPOINT_COLUMNS, ENDPOINT_COLUMNS, Emulator, eventually, parseJson, removeDir, run, start, tempDir, tsv, tsvHeader, type RunResult, type Started} from './harness.js'
import {HoldingProxy, type HeldAnswer} from './holding-proxy.js'

const SIGNALS = [
  {signal: 'SIGINT', code: 130, word: 'Interrupted'},
  {signal: 'SIGTERM', code: 143, word: 'Terminated'},
  {signal: 'SIGHUP', code: 129, word: 'Hung up (the terminal closed)'},
] as const

type Signal = (typeof SIGNALS)[number]

interface EndpointJson {
  host: string
  port: number
  connectionString?: string
}

interface ConnectionJson {
  id: string
  name: string
  endpoints: Record<string, EndpointJson | undefined>
  error?: {code: string; message: string}
}

interface BucketKeyJson {
  id: string
  name: string
  accessKeyId: string
  secretAccessKey: string
  error?: {code: string; message: string}
}

interface TokenJson {
  id: string
  name: string
  value: string
  error?: {code: string; message: string}
}

const waitingLine = (word: string) => `${word}: waiting for the API's answer so that nothing it creates is lost (interrupt again to stop at once).\n`

describe('signals while an answer holding a one-time secret or a created resource is on its way', () => {
  let emulator: Emulator
  let proxy: HoldingProxy
  let home: string
  let databaseId: string
  let bucketId: string
  const running: Started[] = []
  const env = () => emulator.env(home, {PRISMA_MANAGEMENT_API_URL: proxy.url})
  const connections = async () => (await emulator.call<{data: {id: string; name: string}[]}>('GET', `/v1/databases/${databaseId}/connections`)).body.data

  before(async () => {
    // New databases stay provisioning for ten minutes: a create's wait is one a user gives up on.
    emulator = await Emulator.start(['--databases', 'none', '--provision-delay-ms', '600000'])
    home = await tempDir()
    const created = await run(['projects', 'create', '--name', 'signals', '--no-wait', '--json'], {env: emulator.env(home), emulator})
    assert.equal(created.code, 0, created.stderr)
    databaseId = parseJson<{id: string; database: {id: string}}>(created).database.id
    const bucket = await run(['buckets', 'create', '--project', parseJson<{id: string}>(created).id, '--name', 'signals', '--json'], {env: emulator.env(home), emulator})
    assert.equal(bucket.code, 0, bucket.stderr)
    bucketId = parseJson<{id: string}>(bucket).id
  })
  beforeEach(async () => {
    proxy = await HoldingProxy.start(emulator.url)
  })
  afterEach(async () => {
    for (const started of running.splice(0)) started.child.kill('SIGKILL')
    await proxy.stop()
  })
  after(async () => {
    await emulator.stop()
    await removeDir(home)
  })

  /**
   * Starts the command with the answer to its POST held, sends `signal` once the emulator has
   * answered, waits until the CLI says it waits, then lets the answer through.
   */
  async function interruptInFlight(args: string[], {signal, word}: Signal): Promise<{result: RunResult; answer: HeldAnswer}> {
    proxy.hold = (method) => method === 'POST'
    const started = start(args, {env: env(), emulator})
    running.push(started)
    const answer = await eventually('the emulator to answer the POST', () => proxy.held[0])
    started.child.kill(signal)
    await eventually(`the CLI to say it waits (${signal})`, () => started.output.stderr.includes(waitingLine(word)))
    answer.release()
    return {result: await started.done, answer}
  }

  /** The stderr of a command whose answer was printed after an interrupt: the note, the error, where the secret went. */
  function assertInterruptedStderr(result: RunResult, {word}: Signal, kept: string): void {
    assert.ok(result.stderr.startsWith(waitingLine(word)), `the interrupt was heard:\n${result.stderr}`)
    assert.ok(result.stderr.endsWith(`Error: ${word} while waiting for the API's answer.\n${kept}\n`), `stderr ends with the error and where the secret is:\n${result.stderr}`)
  }

  /** Piped: one tab-separated row per endpoint of the connection the API answered, its password included. */
  function assertConnectionRows(stdout: string, answered: ConnectionJson): void {
    assert.deepEqual(tsvHeader(stdout), ENDPOINT_COLUMNS, `header line:\n${stdout}`)
    const rows = tsv(stdout)
    const expected = Object.entries(answered.endpoints).filter(([, e]) => e?.connectionString)
    assert.equal(rows.length, expected.length, `one row per endpoint:\n${stdout}`)
    for (const [name, endpoint] of expected) {
      const row = rows.find((r) => r.ENDPOINT === name)
      assert.equal(row?.['CONNECTION STRING'], endpoint!.connectionString, `the ${name} string the API answered:\n${stdout}`)
      assert.equal(row?.CONNECTION, answered.id)
    }
  }

  const credentialCases = [
    {
      what: 'db credentials',
      args: (name: string) => ['db', 'credentials', databaseId, '--name', name],
      action: 'created',
      setup: async () => undefined,
    },
    {
      what: 'db credentials --name --replace',
      args: (name: string) => ['db', 'credentials', databaseId, '--name', name, '--replace'],
      action: 'rotated (the old password no longer works)',
      // The connection it rotates, minted beforehand straight at the emulator.
      setup: async (name: string) => {
        const minted = await run(['db', 'credentials', databaseId, '--name', name, '-o', 'url'], {env: emulator.env(home), emulator})
        assert.equal(minted.code, 0, minted.stderr)
      },
    },
    {
      what: 'db connections rotate --yes',
      args: (name: string) => ['db', 'connections', 'rotate', name, '--yes'],
      action: 'rotated (the old password no longer works)',
      // Here `name` stands for the id of a connection minted beforehand.
      setup: async () => undefined,
    },
  ] as const

  for (const mode of ['piped', 'json'] as const) {
    for (const sent of SIGNALS) {
      for (const c of credentialCases) {
        it(`${c.what}${mode === 'json' ? ' --json' : ''}, ${sent.signal} while the POST is on its way: the answer is printed, then exit ${sent.code}`, async () => {
          let target = `${sent.signal.toLowerCase()}-${mode}-${c.what.replaceAll(/\W+/g, '-')}`
          await c.setup(target)
          if (c.what.startsWith('db connections')) {
            const minted = await run(['db', 'credentials', databaseId, '--name', target, '--json'], {env: emulator.env(home), emulator})
            assert.equal(minted.code, 0, minted.stderr)
            target = parseJson<ConnectionJson>(minted).id
          }
          const count = (await connections()).length
          const {result, answer} = await interruptInFlight([...c.args(target), ...(mode === 'json' ? ['--json'] : [])], sent)
          const answered = (JSON.parse(answer.body) as {data: ConnectionJson}).data
          assert.equal(result.code, sent.code, `exit code; stderr:\n${result.stderr}`)
          const created = c.action === 'created'
          assert.equal((await connections()).length, count + (created ? 1 : 0), 'the connection count: one more for a mint, the same for a rotation')
          assert.ok((await connections()).some((k) => k.id === answered.id), 'the emulator has the connection')
          const where = mode === 'json' ? 'in the JSON document on stdout' : 'printed above'
          const kept = `Connection ${answered.name} (${answered.id}) WAS ${c.action}; its connection details are ${where}, and the API will not show this password again.`
          assertInterruptedStderr(result, sent, kept)
          if (mode === 'json') {
            assert.deepEqual(parseJson(result), {...answered, error: {code: 'cancelled', message: `${sent.word} while waiting for the API's answer.`}}, 'one document: the answer and an error member')
          } else assertConnectionRows(result.stdout, answered)
        })
      }

      it(`tokens create${mode === 'json' ? ' --json' : ''}, ${sent.signal} while the POST is on its way: the value is printed, then exit ${sent.code}`, async () => {
        const name = `token-${sent.signal.toLowerCase()}-${mode}`
        const {result, answer} = await interruptInFlight(['tokens', 'create', '--name', name, ...(mode === 'json' ? ['--json'] : [])], sent)
        const answered = (JSON.parse(answer.body) as {data: TokenJson}).data
        assert.equal(result.code, sent.code, `exit code; stderr:\n${result.stderr}`)
        const where = mode === 'json' ? 'in the JSON document on stdout' : 'printed above'
        assertInterruptedStderr(result, sent, `Service token ${name} (${answered.id}) WAS created; its value is ${where}, and the API will not show it again.`)
        assert.ok(!result.stderr.includes(answered.value), 'the value never reaches stderr')
        if (mode === 'json') {
          assert.deepEqual(parseJson(result), {...answered, error: {code: 'cancelled', message: `${sent.word} while waiting for the API's answer.`}})
        } else {
          const [row] = tsv(result.stdout)
          assert.deepEqual([row.ID, row.NAME, row.VALUE], [answered.id, name, answered.value], `the token's row:\n${result.stdout}`)
        }
        const works = await run(['whoami', '--json'], {env: emulator.env(home, {PRISMA_SERVICE_TOKEN: answered.value}), secrets: [answered.value]})
        assert.equal(works.code, 0, `the printed value works: ${works.stderr}`)
      })

      it(`buckets keys create${mode === 'json' ? ' --json' : ''}, ${sent.signal} while the POST is on its way: the secret is printed, then exit ${sent.code}`, async () => {
        const name = `key-${sent.signal.toLowerCase()}-${mode}`
        const {result, answer} = await interruptInFlight(['buckets', 'keys', 'create', bucketId, '--role', 'read', '--name', name, ...(mode === 'json' ? ['--json'] : [])], sent)
        const answered = (JSON.parse(answer.body) as {data: BucketKeyJson}).data
        assert.equal(result.code, sent.code, `exit code; stderr:\n${result.stderr}`)
        const where = mode === 'json' ? 'in the JSON document on stdout' : 'printed above'
        assertInterruptedStderr(result, sent, `Bucket key ${name} (${answered.id}) WAS created; its secret access key is ${where}, and the API will not show it again.`)
        assert.ok(!result.stderr.includes(answered.secretAccessKey), 'the secret never reaches stderr')
        if (mode === 'json') {
          assert.deepEqual(parseJson(result), {...answered, error: {code: 'cancelled', message: `${sent.word} while waiting for the API's answer.`}})
        } else {
          const [row] = tsv(result.stdout)
          assert.deepEqual([row.ID, row.NAME, row['ACCESS KEY ID'], row['SECRET ACCESS KEY']], [answered.id, name, answered.accessKeyId, answered.secretAccessKey], `the key's row:\n${result.stdout}`)
        }
        const keys = await emulator.call<{data: {id: string}[]}>('GET', `/v1/buckets/${bucketId}/keys`)
        assert.ok(keys.body.data.some((k) => k.id === answered.id), 'the emulator has the key')
      })
    }
  }

  for (const sent of SIGNALS) {
    it(`a second ${sent.signal} while the answer is still held stops at once: exit ${sent.code}, nothing printed`, async () => {
      proxy.hold = (method) => method === 'POST'
      const started = start(['db', 'credentials', databaseId, '--name', `twice-${sent.signal.toLowerCase()}`], {env: env(), emulator})
      running.push(started)
      const answer = await eventually('the emulator to answer the POST', () => proxy.held[0])
      started.child.kill(sent.signal)
      await eventually('the CLI to say it waits', () => started.output.stderr.includes(waitingLine(sent.word)))
      started.child.kill(sent.signal)
      const result = await started.done
      answer.release()
      assert.equal(result.code, sent.code, `exit code; stderr:\n${result.stderr}`)
      assert.equal(result.stdout, '', 'nothing printed')
      assert.equal(result.stderr, `${waitingLine(sent.word)}Interrupted again: stopping without the API's answer.\n`)
    })
  }

  describe('creates', () => {
    /** Starts a create and sends `signal` once it polls its new database. */
    async function interruptWhileWaiting(args: string[], signal: NodeJS.Signals): Promise<RunResult> {
      // Nothing is held: the proxy only tells when the first status poll has gone through.
      let polled = false
      proxy.hold = (method, path) => {
        if (method === 'GET' && path.startsWith('/v1/databases/')) polled = true
        return false
      }
      const started = start(args, {env: env(), emulator})
      running.push(started)
      await eventually('the CLI to poll the new database', () => polled)
      started.child.kill(signal)
      return started.done
    }

    for (const sent of SIGNALS) {
      for (const mode of ['piped', 'json'] as const) {
        for (const command of ['projects create', 'db create'] as const) {
          for (const moment of ['waiting for the database', 'the POST on its way'] as const) {
            it(`${command}${mode === 'json' ? ' --json' : ''}, ${sent.signal} with ${moment}: what was created is printed, then exit ${sent.code}`, async () => {
              const name = `${command.split(' ')[0]}-${sent.signal.toLowerCase()}-${mode}-${moment.split(' ')[1]}`
              const args = command === 'projects create' ? ['projects', 'create', '--name', name] : ['db', 'create', '--project', await hostProject(), '--name', name]
              if (mode === 'json') args.push('--json')
              let result: RunResult
              let answered: {id: string} | undefined
              if (moment === 'the POST on its way') {
                const held = await interruptInFlight(args, sent)
                result = held.result
                const created = (JSON.parse(held.answer.body) as {data: {id: string; database?: {id: string}}}).data
                answered = created
                if (mode === 'json') {
                  // Exactly what the API answered (its one-time connection string included), then the error.
                  const database = command === 'projects create' ? created.database!.id : created.id
                  const message = `${sent.word} while database ${database} was still provisioning.`
                  assert.deepEqual(parseJson(result), {...created, error: {code: 'cancelled', message}}, `one document on stdout:\n${result.stdout}`)
                  assert.match(JSON.stringify(answered), /postgres:\/\/[^:"]+:[^@"]+@/, 'the answer held a connection string with its password')
                }
              } else result = await interruptWhileWaiting(args, sent.signal)
              assert.equal(result.code, sent.code, `exit code; stderr:\n${result.stderr}`)
              const databaseOf = (document: {id: string; database?: {id: string}}) => (command === 'projects create' ? document.database!.id : document.id)
              if (mode === 'json') {
                const document = parseJson<{id: string; name: string; database?: {id: string; status: string}; status?: string; error?: {code: string; message: string}}>(result)
                if (answered) assert.equal(document.id, answered.id, 'the created object the API answered')
                assert.equal(document.name, name)
                assert.equal(document.error?.code, 'cancelled', `error member: ${JSON.stringify(document.error)}`)
                assert.ok(document.error?.message.startsWith(`${sent.word} `), `error message: ${document.error?.message}`)
                assert.ok(result.stderr.includes(`check it with \`prisma-mgmt db show ${databaseOf(document)}\``), `stderr:\n${result.stderr}`)
              } else {
                assert.deepEqual(tsvHeader(result.stdout), CREATED_ENDPOINT_COLUMNS, `header line:\n${result.stdout}`)
                const [row] = tsv(result.stdout)
                assert.match(row['CONNECTION STRING'], /^postgres:\/\/[^:]+:[^@]+@/, `the one-time connection string:\n${result.stdout}`)
                if (answered) assert.ok(result.stdout.includes(answered.id), `the created id on stdout:\n${result.stdout}`)
                assert.match(result.stderr, new RegExp(`^Error: ${sent.word.replaceAll(/[()]/g, '\\$&')} `, 'm'), `stderr:\n${result.stderr}`)
                assert.match(result.stderr, /It was created all the same \(shown above\); check it with `prisma-mgmt db show \S+`\.\n$/, `stderr:\n${result.stderr}`)
              }
            })
          }
        }
      }
    }

    let host: string | undefined
    async function hostProject(): Promise<string> {
      if (host) return host
      const created = await run(['projects', 'create', '--name', 'db-create-host', '--no-database', '--json'], {env: emulator.env(home), emulator})
      assert.equal(created.code, 0, created.stderr)
      host = parseJson<{id: string}>(created).id
      return host
    }
  })
})
