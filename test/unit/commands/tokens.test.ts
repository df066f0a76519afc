import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import type {CreatedServiceToken, ServiceToken} from '../../../src/api/contract.js'
import TokensCreate from '../../../src/commands/tokens/create.js'
import TokensDelete from '../../../src/commands/tokens/delete.js'
import TokensList from '../../../src/commands/tokens/list.js'
import {me, page} from '../fixtures.js'
import {apiError, parseJson, reply, runCommand} from '../run-command.js'

type Api = Parameters<typeof reply>[0]

const AT = '2026-11-28T09:58:12.345Z'
const VALUE = 'prsk_new_token_value_7c1f9a2b'
const PATH = '/v1/workspaces/ws_1/service-tokens'

function token(i: number, expiresAt: string | null = null): ServiceToken {
  return {id: `tok_${i}`, type: 'serviceToken', name: `ci-${i}`, valueHint: `prsk…000${i}`, createdAt: AT, expiresAt}
}

const created: CreatedServiceToken = {id: 'tok_9', type: 'serviceToken', name: 'deploy', valueHint: 'prsk…9a2b', createdAt: AT, expiresAt: null, value: VALUE}

const withMe = (api: Api) => reply(api, 'GET', '/v1/me', {data: me})

describe('tokens list in process', () => {
  const two = [token(1), token(2, '2027-01-01T00:00:00.000Z')]
  const stub = (api: Api) => {
    withMe(api)
    reply(api, 'GET', `${PATH}?limit=100`, page(two))
  }

  it('on a terminal: a table with the hint, never a value', async () => {
    const result = await runCommand(TokensList, [], {stub, tty: true, columns: 120, env: {NO_COLOR: '1'}})
    assert.equal(result.code, 0, result.stderr)
    const lines = result.stdout.split('\n')
    assert.match(lines[1], /│ ID +│ NAME +│ HINT +│ CREATED +│ EXPIRES +│/, 'the headers')
    assert.match(lines[3], /│ tok_1 +│ ci-1 +│ prsk…0001 +│ 2026-11-28 09:58 +│ never +│/, 'a token that does not expire')
    assert.match(lines[4], /│ tok_2 +│ ci-2 +│ prsk…0002 +│ 2026-11-28 09:58 +│ 2027-01-01 00:00 +│/, 'a token that expires')
    assert.equal(result.stderr, '', 'nothing on stderr')
  })

  it('piped, --json, -o yaml, -o csv, --columns and --limit', async () => {
    const tsv = await runCommand(TokensList, [], {stub})
    assert.equal(tsv.stdout, `ID\tNAME\tHINT\tCREATED\tEXPIRES\ntok_1\tci-1\tprsk…0001\t${AT}\t\ntok_2\tci-2\tprsk…0002\t${AT}\t2027-01-01T00:00:00.000Z\n`, 'tab-separated rows')
    const json = await runCommand(TokensList, ['--json'], {stub})
    assert.deepEqual(parseJson(json.stdout), two, 'the API objects')
    const yaml = await runCommand(TokensList, ['-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), two, 'the API objects as YAML')
    const csv = await runCommand(TokensList, ['-o', 'csv', '--columns', 'id,name', '--limit', '1', '--workspace', 'ws_7'], {
      stub: (api) => reply(api, 'GET', '/v1/workspaces/ws_7/service-tokens?limit=1', page([token(1)], 'more')),
    })
    assert.equal(csv.stdout, 'ID,NAME\r\ntok_1,ci-1\r\n', '--workspace skips /v1/me; --limit stops after one')
  })

  it('an empty workspace on a terminal is a sentence; an unknown column is exit 2 before any request', async () => {
    const empty = await runCommand(TokensList, [], {tty: true, env: {NO_COLOR: '1'}, stub: (api) => (withMe(api), reply(api, 'GET', `${PATH}?limit=100`, page([])))})
    assert.equal(empty.stdout, 'Workspace ws_1 has no service tokens.\n', 'the empty sentence')
    const bad = await runCommand(TokensList, ['--columns', 'id,value'])
    assert.equal(bad.code, 2, 'a usage error')
    assert.match(bad.stderr, /value/, 'names the unknown column')
    assert.match(bad.stderr, /hint/, 'names the valid ones')
  })

  it('a 401 is exit 3, a credential without a workspace asks for --workspace', async () => {
    const denied = await runCommand(TokensList, [], {stub: (api) => reply(api, 'GET', '/v1/me', apiError('unauthorized', 'Invalid token.'), {status: 401})})
    assert.equal(denied.code, 3, 'an auth failure')
    const none = await runCommand(TokensList, [], {stub: (api) => reply(api, 'GET', '/v1/me', {data: {...me, workspace: null}})})
    assert.equal(none.code, 2, 'a usage error')
    assert.match(none.stderr, /--workspace/, 'names the flag')
  })
})

describe('tokens create in process', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-tokens-'))
  })
  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  const stub = (api: Api) => {
    withMe(api)
    const sent = reply(api, 'POST', PATH, {data: created}, {status: 201})
    return sent
  }

  it('on a terminal: the value in a table and a line saying it is not shown again', async () => {
    let sent: ReturnType<typeof reply> = []
    const result = await runCommand(TokensCreate, ['--name', ' deploy '], {stub: (api) => (sent = stub(api)), tty: true, columns: 120, env: {NO_COLOR: '1'}})
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(sent[0].body, {name: 'deploy'}, 'the trimmed name is sent')
    assert.match(result.stdout, new RegExp(`VALUE +│ ${VALUE}`), 'the value is in the table')
    assert.match(result.stdout, /will not show it again/, 'says it is shown once')
    assert.equal(result.stderr, '', 'nothing on stderr')
  })

  it('piped: a tab-separated row with the value; the note on stderr', async () => {
    const result = await runCommand(TokensCreate, ['--name', 'deploy'], {stub})
    assert.equal(result.stdout, `ID\tNAME\tVALUE\tCREATED\tEXPIRES\ntok_9\tdeploy\t${VALUE}\t${AT}\t\n`, 'one row with the value')
    assert.match(result.stderr, /will not show it again/, 'the note on stderr')
  })

  it('--json and -o yaml: the API object alone; -o csv: one row; -o env: a quoted line', async () => {
    const json = await runCommand(TokensCreate, ['--name', 'deploy', '--json'], {stub})
    assert.deepEqual(parseJson(json.stdout), created, 'the API object, value included')
    assert.equal(json.stderr, '', 'nothing on stderr with --json')
    const yaml = await runCommand(TokensCreate, ['--name', 'deploy', '-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), created, 'the API object as YAML')
    const csv = await runCommand(TokensCreate, ['--name', 'deploy', '-o', 'csv'], {stub})
    assert.equal(csv.stdout, `ID,NAME,VALUE,CREATED,EXPIRES\r\ntok_9,deploy,${VALUE},${AT},\r\n`, 'one csv row')
    const env = await runCommand(TokensCreate, ['--name', 'deploy', '-o', 'env', '--workspace', 'ws_1'], {
      stub: (api) => reply(api, 'POST', PATH, {data: created}, {status: 201}),
    })
    assert.equal(env.stdout, `PRISMA_SERVICE_TOKEN='${VALUE}'\n`, 'a dotenv line in single quotes')
    assert.match(env.stderr, /will not show it again/, 'the note on stderr')
  })

  it('-o url is not a format of tokens create; --name is required and not blank', async () => {
    const url = await runCommand(TokensCreate, ['--name', 'deploy', '-o', 'url'])
    assert.equal(url.code, 2, '-o url is a usage error')
    const missing = await runCommand(TokensCreate, [])
    assert.equal(missing.code, 2, 'a missing --name is a usage error')
    assert.match(missing.stderr, /--name/, 'names the flag')
    const blank = await runCommand(TokensCreate, ['--name', '  '])
    assert.equal(blank.code, 2, 'a blank name is a usage error')
  })

  it('--env-file merges PRISMA_SERVICE_TOKEN, keeps other lines, and prints only a confirmation', async () => {
    const file = join(dir, 'app.env')
    await writeFile(file, 'A=1\nPRISMA_SERVICE_TOKEN=old\nB=2\n', {mode: 0o644})
    const result = await runCommand(TokensCreate, ['--name', 'deploy', '--env-file', file], {stub})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(await readFile(file, 'utf8'), `A=1\nPRISMA_SERVICE_TOKEN='${VALUE}'\nB=2\n`, 'the key replaced in place')
    assert.ok(!result.stdout.includes(VALUE), 'the value is in the file, not on stdout')
    assert.match(result.stdout, /^Updated .*app\.env: PRISMA_SERVICE_TOKEN set to the value of service token deploy \(tok_9\)\.\n$/, 'a confirmation')

    const fresh = join(dir, 'new.env')
    const json = await runCommand(TokensCreate, ['--name', 'deploy', '--env-file', fresh, '--json'], {stub})
    assert.deepEqual(parseJson(json.stdout), created, 'with --json stdout still holds the document')
    assert.match(json.stderr, /^Created .*new\.env/, 'the confirmation goes to stderr')
    assert.equal((await stat(fresh)).mode & 0o777, 0o600, 'a new file gets mode 0600')
  })

  it('--env-file is checked before any request', async () => {
    const missing = await runCommand(TokensCreate, ['--name', 'deploy', '--env-file', join(dir, 'no-such-folder', '.env')])
    assert.equal(missing.code, 2, 'a folder that does not exist is a usage error')
    assert.match(missing.stderr, /nothing was sent to the API/, 'and says nothing was sent')
    const folder = await runCommand(TokensCreate, ['--name', 'deploy', '--env-file', dir])
    assert.equal(folder.code, 2, 'a folder is not a file')
    const empty = await runCommand(TokensCreate, ['--name', 'deploy', '--env-file', ''])
    assert.equal(empty.code, 2, 'an empty path')
  })

  it('an env file that fails after the token exists: the value is still shown, never in the error', async () => {
    const file = join(dir, 'quoted.env')
    const odd = {...created, value: `it's$odd`}
    const result = await runCommand(TokensCreate, ['--name', 'deploy', '--env-file', file], {
      stub: (api) => (withMe(api), reply(api, 'POST', PATH, {data: odd}, {status: 201})),
    })
    assert.equal(result.code, 2, 'a value no quoting carries is a usage error')
    assert.ok(result.stdout.includes(odd.value), 'the value is printed rather than lost')
    assert.match(result.stderr, /WAS created/, 'says the token exists')
    assert.ok(!result.stderr.includes(odd.value), 'the value is not in the error')
    const json = await runCommand(TokensCreate, ['--name', 'deploy', '--env-file', file, '--json'], {
      stub: (api) => (withMe(api), reply(api, 'POST', PATH, {data: odd}, {status: 201})),
    })
    const document = parseJson(json.stdout) as CreatedServiceToken & {error: {code: string}}
    assert.equal(document.value, odd.value, 'one document holds the token')
    assert.equal(document.error.code, 'usage', 'and the error')
  })

  it('API errors: 404 workspace is exit 4, 401 is exit 3', async () => {
    const gone = await runCommand(TokensCreate, ['--name', 'x', '--workspace', 'ws_x'], {
      stub: (api) => reply(api, 'POST', '/v1/workspaces/ws_x/service-tokens', apiError('not-found', 'Workspace "ws_x" was not found.'), {status: 404}),
    })
    assert.equal(gone.code, 4, 'not found')
    const denied = await runCommand(TokensCreate, ['--name', 'x'], {stub: (api) => reply(api, 'GET', '/v1/me', apiError('unauthorized', 'Invalid token.'), {status: 401})})
    assert.equal(denied.code, 3, 'auth')
  })
})

describe('tokens delete in process', () => {
  const listed = (api: Api) => {
    withMe(api)
    reply(api, 'GET', `${PATH}?limit=100`, page([token(1), token(2)]))
  }

  it('on a terminal: asks for the name, then deletes', async () => {
    const result = await runCommand(TokensDelete, ['tok_2'], {
      tty: true,
      env: {NO_COLOR: '1'},
      answers: {confirmName: ['ci-2']},
      stub(api) {
        listed(api)
        reply(api, 'DELETE', `${PATH}/tok_2`, undefined, {status: 204})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.asked[0], /service token ci-2 \(tok_2\)/, 'the question names the token')
    assert.equal(result.stdout, 'Deleted service token ci-2 (tok_2).\n', 'a confirmation')
  })

  it('a wrong name deletes nothing (exit 2); off a terminal --yes is needed (exit 2)', async () => {
    const typo = await runCommand(TokensDelete, ['tok_2'], {tty: true, env: {NO_COLOR: '1'}, answers: {confirmName: ['nope']}, stub: listed})
    assert.equal(typo.code, 2, 'a mismatch is a usage error')
    assert.match(typo.stderr, /was not deleted/, 'says nothing was deleted')
    const piped = await runCommand(TokensDelete, ['tok_2'], {stub: listed})
    assert.equal(piped.code, 2, 'no confirmation off a terminal')
    assert.match(piped.stderr, /--yes/, 'names --yes')
  })

  it('--yes deletes without asking; --json prints the deletion; --workspace skips /v1/me', async () => {
    const result = await runCommand(TokensDelete, ['tok_1', '--yes', '--json', '--workspace', 'ws_7'], {
      stub(api) {
        reply(api, 'GET', '/v1/workspaces/ws_7/service-tokens?limit=100', page([token(1)]))
        reply(api, 'DELETE', '/v1/workspaces/ws_7/service-tokens/tok_1', undefined, {status: 204})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(parseJson(result.stdout), {id: 'tok_1', deleted: true}, 'the deletion document')
  })

  it('an unknown id is exit 4 before any deletion; a 404 on delete is exit 4', async () => {
    const unknown = await runCommand(TokensDelete, ['tok_9', '--yes'], {stub: listed})
    assert.equal(unknown.code, 4, 'not found')
    assert.match(unknown.stderr, /tok_9/, 'names the id')
    const raced = await runCommand(TokensDelete, ['tok_1', '--yes'], {
      stub(api) {
        listed(api)
        reply(api, 'DELETE', `${PATH}/tok_1`, apiError('not-found', 'Service token "tok_1" was not found.'), {status: 404})
      },
    })
    assert.equal(raced.code, 4, 'a token deleted in between')
  })
})
