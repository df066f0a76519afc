import assert from 'node:assert/strict'
import {statSync} from 'node:fs'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import DbCredentials from '../../../src/commands/db/credentials.js'
import type {Choice} from '../../../src/io/prompts.js'
import {connection, createdConnection, database, directUrl, endpointTables, page, pooledUrl, project} from '../fixtures.js'
import {apiError, fixJitter, parseJson, reply, runCommand} from '../run-command.js'

type Api = Parameters<typeof reply>[0]

const NAME = 'prisma-mgmt-20261129-102030'
const DIRECT = directUrl('s3cret-pass')
const POOLED = pooledUrl('s3cret-pass')
const LIST = '/v1/databases/db_1/connections?limit=100'
const POST = '/v1/databases/db_1/connections'

const minted = (name = NAME) => createdConnection(name)
const aside = (count: number, name = NAME, db = 'db_1') =>
  `Minted a new connection, ${name} (conn_9); database ${db} now has ${count} connection${count === 1 ? '' : 's'}. ` +
  `List them with \`prisma-mgmt db connections list ${db}\`; delete this one with \`prisma-mgmt db connections delete conn_9\`.\n`

/** Stubs the list of existing connections and the POST; returns the POSTs received. */
function mint(existing: ReturnType<typeof connection>[] = [], name = NAME) {
  const posts: ReturnType<typeof reply>[] = []
  const stub = (api: Api) => {
    reply(api, 'GET', LIST, page(existing))
    posts.push(reply(api, 'POST', POST, {data: minted(name)}))
  }
  return {stub, posts}
}

let folder: string
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'prisma-mgmt-credentials-'))
})
after(async () => {
  await rm(folder, {recursive: true, force: true})
})

describe('db credentials in process', () => {
  it('on a terminal: the default name from the clock, every endpoint\'s details, then where to find the connection', async () => {
    const {stub, posts} = mint()
    const result = await runCommand(DbCredentials, ['db_1'], {stub, tty: true, env: {NO_COLOR: '1'}})
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(posts[0][0].body, {name: NAME})
    assert.equal(
      result.stdout,
      [
        `Connection ${NAME} (conn_9)`,
        '',
        ...endpointTables('s3cret-pass'),
        aside(1),
      ].join('\n'),
    )
    assert.equal(result.stderr, '')
  })

  it('a default name the database already has gets -2, then -3', async () => {
    const taken = (name: string) => ({...connection(1), name})
    const second = mint([taken(NAME), connection(2)], `${NAME}-2`)
    const result = await runCommand(DbCredentials, ['db_1', '-o', 'url'], {stub: second.stub})
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(second.posts[0][0].body, {name: `${NAME}-2`})
    assert.equal(result.stderr, aside(3, `${NAME}-2`))
    const third = mint([taken(NAME), taken(`${NAME}-2`)], `${NAME}-3`)
    await runCommand(DbCredentials, ['db_1', '-o', 'url'], {stub: third.stub})
    assert.deepEqual(third.posts[0][0].body, {name: `${NAME}-3`})
  })

  it('--name is sent as given (trimmed); an empty --name is exit 2 before any request', async () => {
    const {stub, posts} = mint([], 'ci')
    const result = await runCommand(DbCredentials, ['db_1', '--name', ' ci ', '--format', 'url'], {stub})
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(posts[0][0].body, {name: 'ci'})
    const empty = await runCommand(DbCredentials, ['db_1', '--name', ''])
    assert.equal(empty.code, 2, empty.stderr)
    assert.equal(empty.stderr, 'Error: The --name flag is empty.\nPass a name, or leave --name out for a generated one.\n')
  })

  describe('--name of a connection the database already has', () => {
    const app = {...connection(3), name: 'app'}
    const rotated = {...createdConnection('app', 'n3w-pass'), id: 'conn_3'}
    const ROTATE = '/v1/connections/conn_3/rotate'

    it('without --replace: exit 2 naming --replace, in every format, and nothing minted or rotated', async () => {
      for (const argv of [[], ['--json'], ['-o', 'yaml'], ['-o', 'url'], ['--env-file', join(folder, 'refused.env')]]) {
        const result = await runCommand(DbCredentials, ['db_1', '--name', 'app', ...argv], {stub: (api) => reply(api, 'GET', LIST, page([connection(1), app]))})
        assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`)
        assert.equal(
          result.stderr,
          'Error: Database db_1 already has a connection named app (conn_3); nothing was minted.\nPass --replace to rotate it (its old password stops working), or choose another --name.\n',
          argv.join(' '),
        )
        if (argv[0] === '--json') {
          assert.deepEqual(parseJson(result.stdout), {error: {code: 'usage', message: 'Database db_1 already has a connection named app (conn_3); nothing was minted.'}})
        } else if (argv[0] === '-o' && argv[1] === 'yaml') {
          assert.deepEqual(parseYaml(result.stdout), {error: {code: 'usage', message: 'Database db_1 already has a connection named app (conn_3); nothing was minted.'}})
        } else assert.equal(result.stdout, '', argv.join(' '))
      }
      await assert.rejects(readFile(join(folder, 'refused.env')), /ENOENT/, 'no env file was written')
    })

    it('--replace rotates it: the new secret in every format, the count unchanged, no POST to create', async () => {
      const rotation = (api: Api) => {
        reply(api, 'GET', LIST, page([connection(1), app]))
        return reply(api, 'POST', ROTATE, {data: rotated})
      }
      let rotations: ReturnType<typeof reply> = []
      const piped = await runCommand(DbCredentials, ['db_1', '--name', 'app', '--replace'], {
        stub(api) {
          rotations = rotation(api)
        },
      })
      assert.equal(piped.code, 0, piped.stderr)
      assert.equal(rotations.length, 1, 'one rotation')
      assert.equal(
        piped.stdout,
        'CONNECTION\tENDPOINT\tCONNECTION STRING\tHOST\tPORT\tUSER\tPASSWORD\tDATABASE NAME\n' +
          `conn_3\tdirect\t${directUrl('n3w-pass')}\tdb.example.test\t5432\tu_9\tn3w-pass\tpostgres\n` +
          `conn_3\tpooled\t${pooledUrl('n3w-pass')}\tpool.example.test\t6543\tu_9\tn3w-pass\tpostgres\n`,
      )
      assert.equal(
        piped.stderr,
        'Rotated connection app (conn_3): its old password no longer works; database db_1 still has 2 connections. ' +
          'List them with `prisma-mgmt db connections list db_1`; delete this one with `prisma-mgmt db connections delete conn_3`.\n',
      )
      const json = await runCommand(DbCredentials, ['db_1', '--name', 'app', '--replace', '--json'], {stub: rotation})
      assert.equal(json.code, 0, json.stderr)
      assert.deepEqual(parseJson(json.stdout), rotated)
      const yaml = await runCommand(DbCredentials, ['db_1', '--name', 'app', '--replace', '-o', 'yaml'], {stub: rotation})
      assert.deepEqual(parseYaml(yaml.stdout), rotated)
      const url = await runCommand(DbCredentials, ['db_1', '--name', 'app', '--replace', '-o', 'url', '--endpoint', 'pooled'], {stub: rotation})
      assert.equal(url.stdout, `${pooledUrl('n3w-pass')}\n`)
      const env = await runCommand(DbCredentials, ['db_1', '--name', 'app', '--replace', '-o', 'env'], {stub: rotation})
      assert.equal(env.stdout, `DATABASE_URL='${directUrl('n3w-pass')}'\n`)
      const file = join(folder, 'replaced.env')
      await writeFile(file, `KEEP=1\nDATABASE_URL='${directUrl('old-pass')}'\n`)
      const written = await runCommand(DbCredentials, ['db_1', '--name', 'app', '--replace', '--env-file', file], {stub: rotation})
      assert.equal(written.code, 0, written.stderr)
      assert.equal(await readFile(file, 'utf8'), `KEEP=1\nDATABASE_URL='${directUrl('n3w-pass')}'\n`)
      assert.equal(written.stdout, `Updated ${file}: DATABASE_URL set to the direct endpoint of connection app (conn_3).\n`)
    })

    it('--replace without such a connection creates one of that name', async () => {
      const {stub, posts} = mint([connection(1)], 'app')
      const result = await runCommand(DbCredentials, ['db_1', '--name', 'app', '--replace', '-o', 'url'], {stub})
      assert.equal(result.code, 0, result.stderr)
      assert.deepEqual(posts[0][0].body, {name: 'app'})
      assert.equal(result.stderr, aside(2, 'app'))
    })

    it('--replace with two connections of that name: exit 2 naming both, nothing rotated', async () => {
      const twin = {...connection(4), name: 'app'}
      const result = await runCommand(DbCredentials, ['db_1', '--name', 'app', '--replace'], {stub: (api) => reply(api, 'GET', LIST, page([app, twin]))})
      assert.equal(result.code, 2, result.stderr)
      assert.match(result.stderr, /^Error: Database db_1 has 2 connections named app \(conn_3, conn_4\); --replace cannot tell which to rotate, so nothing was changed\.\n/)
    })

    it('--replace without --name: exit 2 before any request', async () => {
      const result = await runCommand(DbCredentials, ['db_1', '--replace'])
      assert.equal(result.code, 2, result.stderr)
      assert.match(result.stderr, /^Error: All of the following must be provided when using --replace: --name\n/)
    })
  })

  it('piped: a tab-separated row per endpoint on stdout; the remark on stderr', async () => {
    const result = await runCommand(DbCredentials, ['db_1'], {stub: mint().stub})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      'CONNECTION\tENDPOINT\tCONNECTION STRING\tHOST\tPORT\tUSER\tPASSWORD\tDATABASE NAME\n' +
        `conn_9\tdirect\t${DIRECT}\tdb.example.test\t5432\tu_9\ts3cret-pass\tpostgres\n` +
        `conn_9\tpooled\t${POOLED}\tpool.example.test\t6543\tu_9\ts3cret-pass\tpostgres\n`,
    )
    assert.equal(result.stderr, aside(1))
  })

  it('--json and -o yaml: the API\'s object with the secrets, nothing else; -o csv: a row per endpoint', async () => {
    const json = await runCommand(DbCredentials, ['db_1', '--json'], {stub: mint().stub})
    assert.equal(json.code, 0, json.stderr)
    assert.deepEqual(parseJson(json.stdout), minted())
    assert.equal(json.stderr, '')
    const formatJson = await runCommand(DbCredentials, ['db_1', '--format', 'json'], {stub: mint().stub})
    assert.deepEqual(parseJson(formatJson.stdout), minted(), '--format json is --json')
    const yaml = await runCommand(DbCredentials, ['db_1', '-o', 'yaml'], {stub: mint().stub})
    assert.deepEqual(parseYaml(yaml.stdout), minted())
    assert.equal(yaml.stderr, '')
    const csv = await runCommand(DbCredentials, ['db_1', '-o', 'csv'], {stub: mint().stub})
    assert.equal(
      csv.stdout,
      'CONNECTION,ENDPOINT,CONNECTION STRING,HOST,PORT,USER,PASSWORD,DATABASE NAME\r\n' +
        `conn_9,direct,${DIRECT},db.example.test,5432,u_9,s3cret-pass,postgres\r\n` +
        `conn_9,pooled,${POOLED},pool.example.test,6543,u_9,s3cret-pass,postgres\r\n`,
    )
  })

  it('--format url and -o url: one connection string alone on stdout; --endpoint pooled picks that one', async () => {
    for (const argv of [['--format', 'url'], ['-o', 'url']]) {
      const result = await runCommand(DbCredentials, ['db_1', ...argv], {stub: mint().stub, tty: true, env: {NO_COLOR: '1'}})
      assert.equal(result.code, 0, result.stderr)
      assert.equal(result.stdout, `${DIRECT}\n`, argv.join(' '))
      assert.equal(result.stderr, aside(1), 'the remark goes to stderr when stdout carries a format')
    }
    const pooled = await runCommand(DbCredentials, ['db_1', '-o', 'url', '--endpoint', 'pooled'], {stub: mint().stub})
    assert.equal(pooled.stdout, `${POOLED}\n`)
  })

  it('--format env and -o env: a DATABASE_URL line; with --endpoint pooled, that endpoint', async () => {
    for (const argv of [['--format', 'env'], ['-o', 'env']]) {
      const result = await runCommand(DbCredentials, ['db_1', ...argv], {stub: mint().stub})
      assert.equal(result.code, 0, result.stderr)
      assert.equal(result.stdout, `DATABASE_URL='${DIRECT}'\n`, argv.join(' '))
    }
    const pooled = await runCommand(DbCredentials, ['db_1', '-o', 'env', '--endpoint', 'pooled'], {stub: mint().stub})
    assert.equal(pooled.stdout, `DATABASE_URL='${POOLED}'\n`)
  })

  it('an endpoint the API did not return: exit 2, and the connection just minted is deleted again', async () => {
    for (const argv of [['-o', 'url'], ['--json']]) {
      const {stub, posts} = mint()
      let deletes: ReturnType<typeof reply> = []
      const result = await runCommand(DbCredentials, ['db_1', '--endpoint', 'accelerate', ...argv], {
        stub(api) {
          stub(api)
          deletes = reply(api, 'DELETE', '/v1/connections/conn_9', undefined, {status: 204})
        },
      })
      assert.equal(result.code, 2, argv.join(' '))
      assert.equal(posts[0].length, 1, 'one connection was minted')
      assert.equal(deletes.length, 1, 'and deleted again')
      assert.equal(
        result.stderr,
        'Error: The API returned no accelerate connection string for connection conn_9 (it returned: direct, pooled).\n' +
          'Choose one of the returned endpoints with --endpoint.\n' +
          `The connection just minted, ${NAME} (conn_9), was deleted again.\n`,
      )
      if (argv[0] === '--json') {
        assert.deepEqual(parseJson(result.stdout), {
          error: {code: 'usage', message: 'The API returned no accelerate connection string for connection conn_9 (it returned: direct, pooled).'},
        })
      } else assert.equal(result.stdout, '')
    }
  })

  it('an endpoint the API did not return and a DELETE that fails: exit 2, and the error says the connection is left', async (t) => {
    fixJitter(t)
    const {stub} = mint()
    const result = await runCommand(DbCredentials, ['db_1', '--endpoint', 'accelerate', '-o', 'env'], {
      stub(api) {
        stub(api)
        reply(api, 'DELETE', '/v1/connections/conn_9', apiError('unavailable', 'Service unavailable.'), {status: 503, times: 5})
      },
    })
    assert.equal(result.code, 2, result.stderr)
    assert.equal(result.stdout, '')
    assert.equal(
      result.stderr,
      'Error: The API returned no accelerate connection string for connection conn_9 (it returned: direct, pooled).\n' +
        'Choose one of the returned endpoints with --endpoint.\n' +
        `The connection just minted, ${NAME} (conn_9), could not be deleted again; delete it with \`prisma-mgmt db connections delete conn_9\`.\n`,
    )
  })

  it('--env-file writes DATABASE_URL into a new file with mode 0600; stdout gets a confirmation without the secret', async () => {
    const path = join(folder, 'new.env')
    const result = await runCommand(DbCredentials, ['db_1', '--env-file', path], {stub: mint().stub})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, `Created ${path}: DATABASE_URL set to the direct endpoint of connection ${NAME} (conn_9).\n`)
    assert.equal(result.stderr, aside(1))
    assert.equal(await readFile(path, 'utf8'), `DATABASE_URL='${DIRECT}'\n`)
    assert.equal((statSync(path).mode & 0o777).toString(8), '600', 'mode of the new file')
  })

  it('--env-file on an existing file replaces DATABASE_URL and keeps every other line; with -o url the URL is on stdout too', async () => {
    const path = join(folder, 'existing.env')
    await writeFile(path, '# app settings\nPORT=3000\nDATABASE_URL=postgres://old\nDEBUG=1\n')
    const result = await runCommand(DbCredentials, ['db_1', '--env-file', path, '--endpoint', 'pooled', '-o', 'url'], {stub: mint().stub})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, `${POOLED}\n`)
    assert.equal(result.stderr, `Updated ${path}: DATABASE_URL set to the pooled endpoint of connection ${NAME} (conn_9).\n${aside(1)}`)
    assert.equal(await readFile(path, 'utf8'), `# app settings\nPORT=3000\nDATABASE_URL='${POOLED}'\nDEBUG=1\n`)
  })

  it('an --env-file in a folder that does not exist is exit 2 before any request', async () => {
    const path = join(folder, 'missing', '.env')
    const result = await runCommand(DbCredentials, ['db_1', '--env-file', path])
    assert.equal(result.code, 2, result.stderr)
    assert.equal(
      result.stderr,
      `Error: Cannot write --env-file ${path}: the folder ${join(folder, 'missing')} does not exist.\nCreate the folder first, or pass a path in an existing folder; nothing was sent to the API.\n`,
    )
  })

  it('--project mints for its default database', async () => {
    let posts: ReturnType<typeof reply> = []
    const result = await runCommand(DbCredentials, ['--project', 'proj_1', '-o', 'url'], {
      stub(api) {
        reply(api, 'GET', '/v1/projects/proj_1/databases?limit=100', page([database(2), database(1)]))
        reply(api, 'GET', LIST, page([]))
        posts = reply(api, 'POST', POST, {data: minted()})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(posts.length, 1, 'one POST')
    assert.equal(result.stdout, `${DIRECT}\n`)
  })

  it('on a terminal without an id: choose the project, then the database', async () => {
    const offered: string[][] = []
    const pick = (index: number) => (choices: readonly Choice<unknown>[]) => {
      offered.push(choices.map((c) => c.name))
      return choices[index].value
    }
    let posts: ReturnType<typeof reply> = []
    const result = await runCommand(DbCredentials, ['-o', 'url'], {
      tty: true,
      env: {NO_COLOR: '1'},
      answers: {choose: [pick(0), pick(1)]},
      stub(api) {
        reply(api, 'GET', '/v1/projects?limit=100', page([project(1), project(2)]))
        reply(api, 'GET', '/v1/projects/proj_1/databases?limit=100', page([database(1), database(2)]))
        reply(api, 'GET', '/v1/databases/db_2/connections?limit=100', page([]))
        posts = reply(api, 'POST', '/v1/databases/db_2/connections', {data: minted()})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(result.asked, ['Project', 'Database'])
    assert.deepEqual(offered, [
      ['shop-1  proj_1  us-east-1', 'shop-2  proj_2  us-east-1'],
      ['db-1  db_1  eu-west-3  ready  (default)', 'db-2  db_2  eu-west-3  ready'],
    ])
    assert.equal(posts.length, 1, 'minted for the chosen database')
    assert.equal(result.stdout, `${DIRECT}\n`)
  })

  it('without an id off a terminal, or with --json on one: exit 2, nothing minted', async () => {
    const message = 'Error: Missing the database id argument (db-id).\nPass a database id (see `prisma-mgmt db list`), or --project <id> for its default database.\n'
    const piped = await runCommand(DbCredentials, [])
    assert.equal(piped.code, 2, piped.stderr)
    assert.equal(piped.stderr, message)
    const json = await runCommand(DbCredentials, ['--json'], {tty: true})
    assert.equal(json.code, 2, json.stderr)
    assert.equal(json.stderr, message)
  })

  it('404 is exit 4 and nothing is minted; 401 is exit 3; a 503 on the POST is exit 6 after one request', async () => {
    const missing = await runCommand(DbCredentials, ['db_404'], {
      stub: (api) => reply(api, 'GET', '/v1/databases/db_404/connections?limit=100', apiError('not-found', 'Database not found.'), {status: 404}),
    })
    assert.equal(missing.code, 4, missing.stderr)
    assert.equal(missing.stderr, 'Error: Database not found.\nCheck the id; the `list` commands show what exists.\n')
    const denied = await runCommand(DbCredentials, ['db_1', '--json'], {stub: (api) => reply(api, 'GET', LIST, apiError('unauthorized', 'Invalid token.'), {status: 401})})
    assert.equal(denied.code, 3, denied.stderr)
    assert.deepEqual(parseJson(denied.stdout), {error: {code: 'unauthorized', message: 'Invalid token.', status: 401}})
    let posts: ReturnType<typeof reply> = []
    const down = await runCommand(DbCredentials, ['db_1'], {
      stub(api) {
        reply(api, 'GET', LIST, page([]))
        posts = reply(api, 'POST', POST, apiError('unavailable', 'Service unavailable.'), {status: 503})
      },
    })
    assert.equal(down.code, 6, down.stderr)
    assert.equal(down.stderr, 'Error: Service unavailable.\nThe API is unavailable or busy; try again in a moment.\n')
    assert.equal(posts.length, 1, 'a POST is not repeated')
  })

  it('usage errors: a bad id, an unknown --format, --json with -o yaml (no request)', async () => {
    const bad = await runCommand(DbCredentials, ['..'])
    assert.equal(bad.code, 2, bad.stderr)
    assert.equal(bad.stderr, 'Error: Invalid db-id argument "..": an id is never empty, blank, "." or "..".\nPass an id as the `list` commands show it.\n')
    const format = await runCommand(DbCredentials, ['db_1', '--format', 'dotenv'])
    assert.equal(format.code, 2, format.stderr)
    assert.match(format.stderr, /^Error: Expected --format=dotenv to be one of: table, json, yaml, csv, url, env\n/, format.stderr)
    const formats = await runCommand(DbCredentials, ['db_1', '--json', '-o', 'yaml'])
    assert.equal(formats.code, 2, formats.stderr)
    assert.equal(formats.stderr, 'Error: --json and --output yaml ask for different formats.\nPass one of them.\n')
    assert.deepEqual(parseJson(formats.stdout), {error: {code: 'usage', message: '--json and --output yaml ask for different formats.'}})
  })
})
