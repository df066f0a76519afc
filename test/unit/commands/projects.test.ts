import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import ProjectsList from '../../../src/commands/projects/list.js'
import ProjectsShow from '../../../src/commands/projects/show.js'
import {bucket, page, project, database} from '../fixtures.js'
import {apiError, fixJitter, parseJson, reply, runCommand} from '../run-command.js'

const two = [project(1), project(2, 'a, "b"')]

describe('projects list in process', () => {
  const stub = (api: Parameters<typeof reply>[0]) => reply(api, 'GET', '/v1/projects?limit=100', page(two))

  it('piped: tab-separated rows under a header line, ISO times', async () => {
    const result = await runCommand(ProjectsList, [], {stub})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      'ID\tNAME\tWORKSPACE\tREGION\tCREATED\nproj_1\tshop-1\tAcme\tus-east-1\t2026-11-28T09:58:12.345Z\nproj_2\ta, "b"\tAcme\tus-east-1\t2026-11-28T09:58:12.345Z\n',
    )
    assert.equal(result.stderr, '')
  })

  it('--json and -o json: one array of the API objects', async () => {
    for (const argv of [['--json'], ['-o', 'json'], ['--output=json']]) {
      const result = await runCommand(ProjectsList, argv, {stub})
      assert.equal(result.code, 0, result.stderr)
      assert.deepEqual(parseJson(result.stdout), two, argv.join(' '))
    }
  })

  it('-o yaml: the same objects as YAML', async () => {
    const result = await runCommand(ProjectsList, ['-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(result.stdout), two)
  })

  it('-o csv: RFC 4180 rows', async () => {
    const result = await runCommand(ProjectsList, ['-o', 'csv', '--columns', 'name,id'], {stub})
    assert.equal(result.stdout, 'NAME,ID\r\nshop-1,proj_1\r\n"a, ""b""",proj_2\r\n')
  })

  it('on a terminal: a boxed table that fits, the workspace and region every project shares said once above it, short UTC times; colour only when allowed', async () => {
    const coloured = await runCommand(ProjectsList, [], {stub, tty: true, columns: 80})
    assert.ok(coloured.stdout.includes('\u001b[1mID\u001b[22m'), `bold headers on a terminal: ${JSON.stringify(coloured.stdout)}`)
    const plain = await runCommand(ProjectsList, [], {stub, tty: true, columns: 80, env: {NO_COLOR: '1'}})
    assert.ok(!plain.stdout.includes('\u001b'), `no colour with NO_COLOR: ${JSON.stringify(plain.stdout)}`)
    assert.equal(
      plain.stdout,
      [
        'Workspace: Acme',
        'Region: us-east-1',
        '┌────────┬────────┬──────────────────┐',
        '│ ID     │ NAME   │ CREATED          │',
        '├────────┼────────┼──────────────────┤',
        '│ proj_1 │ shop-1 │ 2026-11-28 09:58 │',
        '│ proj_2 │ a, "b" │ 2026-11-28 09:58 │',
        '└────────┴────────┴──────────────────┘',
        '',
      ].join('\n'),
    )
  })

  it('an unknown column is exit 2 naming the valid ones; no request is sent', async () => {
    const result = await runCommand(ProjectsList, ['--columns', 'id,colour'])
    assert.equal(result.code, 2, result.stderr)
    assert.equal(result.stderr, 'Error: Unknown column for --columns: colour.\nValid columns: id, name, workspace, region, created.\n')
  })

  it('every page is followed; --limit stops early; none on a terminal is a sentence', async () => {
    const paged = await runCommand(ProjectsList, ['--columns', 'id'], {
      stub(api) {
        reply(api, 'GET', '/v1/projects?limit=100', page([project(1)], 'p2'))
        reply(api, 'GET', '/v1/projects?cursor=p2&limit=100', page([project(2)]))
      },
    })
    assert.equal(paged.stdout, 'ID\nproj_1\nproj_2\n')
    const limited = await runCommand(ProjectsList, ['--limit', '1', '--columns', 'id'], {stub: (api) => reply(api, 'GET', '/v1/projects?limit=1', page([project(1)], 'p2'))})
    assert.equal(limited.stdout, 'ID\nproj_1\n')
    const empty = await runCommand(ProjectsList, [], {tty: true, env: {NO_COLOR: '1'}, stub: (api) => reply(api, 'GET', '/v1/projects?limit=100', page([]))})
    assert.equal(empty.stdout, 'No projects yet. Create one with `prisma-mgmt projects create`.\n')
  })

  it('503 after retries is exit 6', async (t) => {
    fixJitter(t)
    const result = await runCommand(ProjectsList, [], {
      stub: (api) => reply(api, 'GET', '/v1/projects?limit=100', apiError('unavailable', 'Service unavailable.'), {status: 503, times: 5}),
    })
    assert.equal(result.code, 6, result.stderr)
    assert.equal(result.stderr, 'Error: Service unavailable.\nThe API is unavailable or busy; try again in a moment.\n')
    assert.equal(result.stdout, '')
  })

  it('a 401 is exit 3 with the API message; with --json one error document', async () => {
    const result = await runCommand(ProjectsList, ['--json'], {
      stub: (api) => reply(api, 'GET', '/v1/projects?limit=100', {error: {code: 'unauthorized', message: 'Invalid token.'}}, {status: 401}),
    })
    assert.equal(result.code, 3, result.stderr)
    assert.deepEqual(parseJson(result.stdout), {error: {code: 'unauthorized', message: 'Invalid token.', status: 401}})
    assert.match(result.stderr, /^Error: Invalid token\.\nCheck the token/)
  })
})

describe('projects show in process', () => {
  it('on a terminal: the project, then its databases, then its buckets', async () => {
    const result = await runCommand(ProjectsShow, ['proj_1'], {
      tty: true,
      env: {NO_COLOR: '1'},
      stub(api) {
        reply(api, 'GET', '/v1/projects/proj_1', {data: project(1)})
        reply(api, 'GET', '/v1/projects/proj_1/databases?limit=100', page([database(1), database(2)]))
        reply(api, 'GET', '/v1/buckets?projectId=proj_1&limit=100', page([bucket(1), bucket(2)]))
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /│ NAME +│ shop-1 +│/)
    const [, databases, buckets] = result.stdout.split(/^(?:Databases|Buckets)$/m)
    assert.ok(buckets, `a "Databases" heading, then a "Buckets" one:\n${result.stdout}`)
    // The region both databases share is said once above their table.
    assert.match(databases, /^Region: eu-west-3\n┌/m)
    assert.match(databases, /│ db_2 │ db-2 │ ready +│ no +│/)
    assert.match(buckets, /│ ID +│ NAME +│ PROVIDER NAME +│ STATUS +│/)
    assert.match(buckets, /│ bkt_2 │ files-2 │ prisma-bkt-2 +│ ready +│/)
  })

  it('on a terminal, a project without buckets says how to create one', async () => {
    const result = await runCommand(ProjectsShow, ['proj_1'], {
      tty: true,
      env: {NO_COLOR: '1'},
      stub(api) {
        reply(api, 'GET', '/v1/projects/proj_1', {data: project(1)})
        reply(api, 'GET', '/v1/projects/proj_1/databases?limit=100', page([database(1)]))
        reply(api, 'GET', '/v1/buckets?projectId=proj_1&limit=100', page([]))
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.ok(result.stdout.endsWith('\nBuckets\nNo buckets. Create one with `prisma-mgmt buckets create --project proj_1`.\n'), result.stdout)
  })

  it('piped: one TSV row of the project alone (one request)', async () => {
    const result = await runCommand(ProjectsShow, ['proj_1', '--columns', 'id,name'], {stub: (api) => reply(api, 'GET', '/v1/projects/proj_1', {data: project(1)})})
    assert.equal(result.stdout, 'ID\tNAME\nproj_1\tshop-1\n')
  })

  it('--json and -o yaml: the project alone (one request); -o csv: one row', async () => {
    const stub = (api: Parameters<typeof reply>[0]) => reply(api, 'GET', '/v1/projects/proj_1', {data: project(1)})
    const json = await runCommand(ProjectsShow, ['proj_1', '--json'], {stub, tty: true})
    assert.equal(json.code, 0, json.stderr)
    assert.deepEqual(parseJson(json.stdout), project(1))
    const yaml = await runCommand(ProjectsShow, ['proj_1', '-o', 'yaml'], {stub})
    assert.deepEqual(parseYaml(yaml.stdout), project(1))
    const csv = await runCommand(ProjectsShow, ['proj_1', '-o', 'csv'], {stub})
    assert.equal(csv.stdout, 'ID,NAME,WORKSPACE,REGION,CREATED\r\nproj_1,shop-1,Acme,us-east-1,2026-11-28T09:58:12.345Z\r\n')
  })

  it('404 is exit 4; 401 is exit 3; 503 after retries is exit 6; an unknown column is exit 2', async (t) => {
    fixJitter(t)
    const denied = await runCommand(ProjectsShow, ['proj_1'], {stub: (api) => reply(api, 'GET', '/v1/projects/proj_1', apiError('unauthorized', 'Invalid token.'), {status: 401})})
    assert.equal(denied.code, 3, denied.stderr)
    assert.equal(denied.stderr, 'Error: Invalid token.\nCheck the token: run `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN.\n')
    const missing = await runCommand(ProjectsShow, ['proj_404', '--json'], {
      stub: (api) => reply(api, 'GET', '/v1/projects/proj_404', apiError('not-found', 'Project not found.'), {status: 404}),
    })
    assert.equal(missing.code, 4, missing.stderr)
    assert.equal(missing.stderr, 'Error: Project not found.\nCheck the id; the `list` commands show what exists.\n')
    assert.deepEqual(parseJson(missing.stdout), {error: {code: 'not-found', message: 'Project not found.', status: 404}})
    const down = await runCommand(ProjectsShow, ['proj_1'], {
      stub: (api) => reply(api, 'GET', '/v1/projects/proj_1', apiError('unavailable', 'Service unavailable.'), {status: 503, times: 5}),
    })
    assert.equal(down.code, 6, down.stderr)
    assert.equal(down.stderr, 'Error: Service unavailable.\nThe API is unavailable or busy; try again in a moment.\n')
    const column = await runCommand(ProjectsShow, ['proj_1', '--columns', 'owner'])
    assert.equal(column.code, 2, column.stderr)
    assert.equal(column.stderr, 'Error: Unknown column for --columns: owner.\nValid columns: id, name, workspace, region, created.\n')
  })

  it('an id of ".." is exit 2 before any request', async () => {
    const result = await runCommand(ProjectsShow, ['..'])
    assert.equal(result.code, 2, result.stderr)
    assert.match(result.stderr, /^Error: Invalid id argument "\.\.": an id is never empty, blank, "\." or "\.\."\./, result.stderr)
  })
})
