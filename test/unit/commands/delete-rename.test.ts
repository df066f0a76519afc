import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import DbDelete from '../../../src/commands/db/delete.js'
import ProjectsDelete from '../../../src/commands/projects/delete.js'
import ProjectsRename from '../../../src/commands/projects/rename.js'
import {databaseDetail, project} from '../fixtures.js'
import {apiError, fixJitter, parseJson, reply, runCommand} from '../run-command.js'

type Api = Parameters<typeof reply>[0]

const UNAVAILABLE = 'Error: Service unavailable.\nThe API is unavailable or busy; try again in a moment.\n'

/** One delete command, described once and checked alike. */
interface Case {
  what: string
  Cmd: typeof ProjectsDelete | typeof DbDelete
  id: string
  name: string
  path: string
  body: unknown
  question: string
}

const cases: Case[] = [
  {
    what: 'project',
    Cmd: ProjectsDelete,
    id: 'proj_1',
    name: 'shop-1',
    path: '/v1/projects/proj_1',
    body: {data: project(1)},
    question: 'This deletes project shop-1 (proj_1) for good. Type its name to confirm:',
  },
  {
    what: 'database',
    Cmd: DbDelete,
    id: 'db_1',
    name: 'db-1',
    path: '/v1/databases/db_1',
    body: {data: databaseDetail(1)},
    question: 'This deletes database db-1 (db_1) for good. Type its name to confirm:',
  },
]

for (const c of cases) {
  describe(`${c.what === 'project' ? 'projects' : 'db'} delete in process`, () => {
    const get = (api: Api) => reply(api, 'GET', c.path, c.body)
    /** The GET and the DELETE; returns the DELETEs received. */
    const getAndDelete = () => {
      const deletes: ReturnType<typeof reply>[] = []
      return {
        deletes,
        stub(api: Api) {
          get(api)
          deletes.push(reply(api, 'DELETE', c.path, undefined, {status: 204}))
        },
      }
    }

    it('--yes deletes without a question', async () => {
      const {stub, deletes} = getAndDelete()
      const result = await runCommand(c.Cmd, [c.id, '--yes'], {stub})
      assert.equal(result.code, 0, result.stderr)
      assert.equal(result.stdout, `Deleted ${c.what} ${c.name} (${c.id}).\n`)
      assert.equal(result.stderr, '')
      assert.equal(deletes[0].length, 1, 'one DELETE')
    })

    it('on a terminal: typing the right name deletes', async () => {
      const {stub, deletes} = getAndDelete()
      const result = await runCommand(c.Cmd, [c.id], {stub, tty: true, env: {NO_COLOR: '1'}, answers: {confirmName: [c.name]}})
      assert.equal(result.code, 0, result.stderr)
      assert.deepEqual(result.asked, [c.question])
      assert.equal(result.stdout, `Deleted ${c.what} ${c.name} (${c.id}).\n`)
      assert.equal(deletes[0].length, 1, 'one DELETE')
    })

    it('on a terminal: a wrong name is exit 2 and no DELETE is sent', async () => {
      const result = await runCommand(c.Cmd, [c.id], {stub: get, tty: true, env: {NO_COLOR: '1'}, answers: {confirmName: [`${c.name}-typo`]}})
      assert.equal(result.code, 2, result.stderr)
      assert.deepEqual(result.asked, [c.question])
      assert.equal(result.stdout, '')
      assert.equal(result.stderr, `Error: The name did not match; ${c.what} ${c.id} was not deleted.\n`)
    })

    it('off a terminal, or in CI, without --yes: exit 2, nothing asked, no DELETE sent', async () => {
      const message = `Error: Refusing to delete ${c.what} ${c.id} without confirmation.\nPass --yes to delete without a prompt.\n`
      const piped = await runCommand(c.Cmd, [c.id], {stub: get})
      assert.equal(piped.code, 2, piped.stderr)
      assert.equal(piped.stderr, message)
      assert.equal(piped.stdout, '')
      const ci = await runCommand(c.Cmd, [c.id, '--json'], {stub: get, tty: true, env: {CI: 'true'}})
      assert.equal(ci.code, 2, ci.stderr)
      assert.deepEqual(ci.asked, [])
      assert.equal(ci.stderr, message)
      assert.deepEqual(parseJson(ci.stdout), {error: {code: 'usage', message: `Refusing to delete ${c.what} ${c.id} without confirmation.`}})
    })

    it('--json and -o yaml with --yes: what was deleted', async () => {
      const json = await runCommand(c.Cmd, [c.id, '--yes', '--json'], {stub: getAndDelete().stub})
      assert.equal(json.code, 0, json.stderr)
      assert.deepEqual(parseJson(json.stdout), {id: c.id, deleted: true})
      const yaml = await runCommand(c.Cmd, [c.id, '-y', '-o', 'yaml'], {stub: getAndDelete().stub})
      assert.deepEqual(parseYaml(yaml.stdout), {id: c.id, deleted: true})
    })

    it('404 is exit 4 before any question; 401 is exit 3; 409 on the DELETE is exit 5; 503 after retries is exit 6', async (t) => {
      fixJitter(t)
      const denied = await runCommand(c.Cmd, [c.id, '--yes'], {stub: (api) => reply(api, 'GET', c.path, apiError('unauthorized', 'Invalid token.'), {status: 401})})
      assert.equal(denied.code, 3, denied.stderr)
      assert.equal(denied.stderr, 'Error: Invalid token.\nCheck the token: run `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN.\n')
      const missing = await runCommand(c.Cmd, [c.id], {
        tty: true,
        env: {NO_COLOR: '1'},
        stub: (api) => reply(api, 'GET', c.path, apiError('not-found', 'Not found.'), {status: 404}),
      })
      assert.equal(missing.code, 4, missing.stderr)
      assert.deepEqual(missing.asked, [], 'nothing asked')
      assert.equal(missing.stderr, 'Error: Not found.\nCheck the id; the `list` commands show what exists.\n')
      const conflict = await runCommand(c.Cmd, [c.id, '--yes', '--json'], {
        stub(api) {
          get(api)
          reply(api, 'DELETE', c.path, apiError('conflict', 'It is being restored.', 'Wait for the restore to finish.'), {status: 409})
        },
      })
      assert.equal(conflict.code, 5, conflict.stderr)
      assert.equal(conflict.stderr, 'Error: It is being restored.\nHint: Wait for the restore to finish.\n')
      assert.deepEqual(parseJson(conflict.stdout), {error: {code: 'conflict', message: 'It is being restored.', hint: 'Wait for the restore to finish.', status: 409}})
      const down = await runCommand(c.Cmd, [c.id, '--yes'], {
        stub(api) {
          get(api)
          reply(api, 'DELETE', c.path, apiError('unavailable', 'Service unavailable.'), {status: 503, times: 5})
        },
      })
      assert.equal(down.code, 6, down.stderr)
      assert.equal(down.stderr, UNAVAILABLE)
    })

    it('usage errors: no id, a bad id, --json with -o yaml (no request)', async () => {
      const missing = await runCommand(c.Cmd, ['--yes'])
      assert.equal(missing.code, 2, missing.stderr)
      assert.match(missing.stderr, /^Error: Missing 1 required arg:\n/, missing.stderr)
      const bad = await runCommand(c.Cmd, ['..', '--yes'])
      assert.equal(bad.code, 2, bad.stderr)
      assert.match(bad.stderr, /^Error: Invalid (id|db-id) argument "\.\.": an id is never empty, blank, "\." or "\.\."\.\n/, bad.stderr)
      const formats = await runCommand(c.Cmd, [c.id, '--json', '-o', 'yaml'])
      assert.equal(formats.code, 2, formats.stderr)
      assert.equal(formats.stderr, 'Error: --json and --output yaml ask for different formats.\nPass one of them.\n')
    })
  })
}

describe('db delete of a project\'s default database', () => {
  it('the API refuses it (403): its hint, then the next step in this CLI\'s words, never the API\'s field names', async () => {
    const stub = (api: Api) => {
      reply(api, 'GET', '/v1/databases/db_1', {data: databaseDetail(1)})
      reply(api, 'DELETE', '/v1/databases/db_1', apiError('forbidden', 'Database db_1 is the default database of project proj_1 and cannot be deleted.', 'Delete the project, or create another database with isDefault: true first.'), {status: 403})
    }
    const next =
      "It is its project's default database. Create the database to take its place with `prisma-mgmt db create --project proj_1 --default`, then delete this one; or delete the whole project: `prisma-mgmt projects delete proj_1`."
    const result = await runCommand(DbDelete, ['db_1', '--yes'], {stub})
    assert.equal(result.code, 3, result.stderr)
    assert.equal(
      result.stderr,
      'Error: Database db_1 is the default database of project proj_1 and cannot be deleted.\nHint: Delete the project, or create another database with isDefault: true first.\n' + `${next}\n`,
    )
    const json = await runCommand(DbDelete, ['db_1', '--yes', '--json'], {stub})
    assert.equal(json.code, 3, json.stderr)
    assert.deepEqual(parseJson(json.stdout), {
      error: {code: 'forbidden', message: 'Database db_1 is the default database of project proj_1 and cannot be deleted.', hint: 'Delete the project, or create another database with isDefault: true first.', status: 403},
    })
  })

  it('a 403 for a database that is not the default keeps the generic advice', async () => {
    const result = await runCommand(DbDelete, ['db_2', '--yes'], {
      stub(api) {
        reply(api, 'GET', '/v1/databases/db_2', {data: databaseDetail(2)})
        reply(api, 'DELETE', '/v1/databases/db_2', apiError('forbidden', 'Not yours.'), {status: 403})
      },
    })
    assert.equal(result.code, 3, result.stderr)
    assert.equal(result.stderr, 'Error: Not yours.\nThe token is valid but not allowed to do this; check its workspace and role.\n')
  })
})

describe('projects rename in process', () => {
  const renamed = project(1, 'billing')
  /** The PATCH; returns the requests it received. */
  const patch = () => {
    const sent: ReturnType<typeof reply>[] = []
    return {sent, stub: (api: Api) => sent.push(reply(api, 'PATCH', '/v1/projects/proj_1', {data: renamed}))}
  }

  it('on a terminal: sends the trimmed name, says so above the project', async () => {
    const {sent, stub} = patch()
    const result = await runCommand(ProjectsRename, ['proj_1', ' billing '], {stub, tty: true, env: {NO_COLOR: '1'}})
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(sent[0][0].body, {name: 'billing'})
    assert.equal(result.stderr, '')
    assert.equal(
      result.stdout,
      [
        'Renamed project proj_1 to "billing".',
        '┌───────────┬──────────────────┐',
        '│ ID        │ proj_1           │',
        '│ NAME      │ billing          │',
        '│ WORKSPACE │ Acme             │',
        '│ REGION    │ us-east-1        │',
        '│ CREATED   │ 2026-11-28 09:58 │',
        '└───────────┴──────────────────┘',
        '',
      ].join('\n'),
    )
  })

  it('piped: one tab-separated row', async () => {
    const result = await runCommand(ProjectsRename, ['proj_1', 'billing'], {stub: patch().stub})
    assert.equal(result.stdout, 'ID\tNAME\tWORKSPACE\tREGION\tCREATED\nproj_1\tbilling\tAcme\tus-east-1\t2026-11-28T09:58:12.345Z\n')
    assert.equal(result.stderr, 'Renamed project proj_1 to "billing".\n')
  })

  it('--json and -o yaml: the API\'s project alone; -o csv: one row', async () => {
    const json = await runCommand(ProjectsRename, ['proj_1', 'billing', '--json'], {stub: patch().stub})
    assert.equal(json.code, 0, json.stderr)
    assert.deepEqual(parseJson(json.stdout), renamed)
    assert.equal(json.stderr, '', 'nothing beside the JSON document')
    const yaml = await runCommand(ProjectsRename, ['proj_1', 'billing', '-o', 'yaml'], {stub: patch().stub})
    assert.deepEqual(parseYaml(yaml.stdout), renamed)
    const csv = await runCommand(ProjectsRename, ['proj_1', 'billing', '-o', 'csv'], {stub: patch().stub})
    assert.equal(csv.stdout, 'ID,NAME,WORKSPACE,REGION,CREATED\r\nproj_1,billing,Acme,us-east-1,2026-11-28T09:58:12.345Z\r\n')
  })

  it('the hidden --name flag still renames, and agrees with the argument or is refused (exit 2, nothing sent)', async () => {
    const {sent, stub} = patch()
    const flag = await runCommand(ProjectsRename, ['proj_1', '--name', ' billing '], {stub})
    assert.equal(flag.code, 0, flag.stderr)
    assert.deepEqual(sent[0][0].body, {name: 'billing'})
    assert.equal(flag.stdout, 'ID\tNAME\tWORKSPACE\tREGION\tCREATED\nproj_1\tbilling\tAcme\tus-east-1\t2026-11-28T09:58:12.345Z\n')
    const both = patch()
    const same = await runCommand(ProjectsRename, ['proj_1', 'billing', '--name', 'billing'], {stub: both.stub})
    assert.equal(same.code, 0, same.stderr)
    assert.deepEqual(both.sent[0][0].body, {name: 'billing'})
    const differ = await runCommand(ProjectsRename, ['proj_1', 'billing', '--name', 'shop'])
    assert.equal(differ.code, 2, differ.stderr)
    assert.equal(differ.stderr, 'Error: Two new names: the argument "billing" and --name "shop".\nPass the name once: prisma-mgmt projects rename <id> <name>.\n')
  })

  it('--help shows the positional form and not the hidden flag', async () => {
    const help = (ProjectsRename.examples as string[]).join('\n')
    assert.match(help, /%> cmf1abc2d0001 billing-prod$/m)
    assert.ok(!help.includes('--name'), help)
    assert.equal(ProjectsRename.flags.name.hidden, true)
  })

  it('404 is exit 4; 401 is exit 3; 409 (name taken) is exit 5; 503 after retries is exit 6', async (t) => {
    fixJitter(t)
    const denied = await runCommand(ProjectsRename, ['proj_1', 'billing'], {
      stub: (api) => reply(api, 'PATCH', '/v1/projects/proj_1', apiError('unauthorized', 'Invalid token.'), {status: 401}),
    })
    assert.equal(denied.code, 3, denied.stderr)
    assert.equal(denied.stderr, 'Error: Invalid token.\nCheck the token: run `prisma-mgmt login`, pass --token, or set PRISMA_SERVICE_TOKEN.\n')
    const missing = await runCommand(ProjectsRename, ['proj_404', 'billing'], {
      stub: (api) => reply(api, 'PATCH', '/v1/projects/proj_404', apiError('not-found', 'Project not found.'), {status: 404}),
    })
    assert.equal(missing.code, 4, missing.stderr)
    assert.equal(missing.stderr, 'Error: Project not found.\nCheck the id; the `list` commands show what exists.\n')
    const taken = await runCommand(ProjectsRename, ['proj_1', 'shop-2', '--json'], {
      stub: (api) => reply(api, 'PATCH', '/v1/projects/proj_1', apiError('conflict', 'A project named shop-2 exists.'), {status: 409}),
    })
    assert.equal(taken.code, 5, taken.stderr)
    assert.equal(taken.stderr, 'Error: A project named shop-2 exists.\n')
    assert.deepEqual(parseJson(taken.stdout), {error: {code: 'conflict', message: 'A project named shop-2 exists.', status: 409}})
    const down = await runCommand(ProjectsRename, ['proj_1', 'billing'], {
      stub: (api) => reply(api, 'PATCH', '/v1/projects/proj_1', apiError('unavailable', 'Service unavailable.'), {status: 503, times: 5}),
    })
    assert.equal(down.code, 6, down.stderr)
    assert.equal(down.stderr, UNAVAILABLE)
    assert.equal(down.stdout, '')
  })

  it('usage errors: no name, an empty name, no id, a bad id, a stray argument, --json with -o yaml (no request)', async () => {
    const noName = await runCommand(ProjectsRename, ['proj_1'])
    assert.equal(noName.code, 2, noName.stderr)
    assert.equal(noName.stderr, 'Error: Missing the new name (the name argument).\nPass it after the project id: prisma-mgmt projects rename <id> <name>.\n')
    const empty = await runCommand(ProjectsRename, ['proj_1', '  '])
    assert.equal(empty.code, 2, empty.stderr)
    assert.equal(empty.stderr, 'Error: The name argument is empty.\nPass the new name: prisma-mgmt projects rename <id> <name>.\n')
    const emptyFlag = await runCommand(ProjectsRename, ['proj_1', '--name', '  '])
    assert.equal(emptyFlag.code, 2, emptyFlag.stderr)
    assert.equal(emptyFlag.stderr, 'Error: The --name flag is empty.\nPass the new name: prisma-mgmt projects rename <id> <name>.\n')
    const stray = await runCommand(ProjectsRename, ['proj_1', 'billing', 'prod'], {id: 'projects:rename'})
    assert.equal(stray.code, 2, stray.stderr)
    assert.equal(stray.stderr, 'Error: Unexpected argument: prod\n`prisma-mgmt projects rename` takes <id> <name>; see `prisma-mgmt projects rename --help`.\n')
    const noId = await runCommand(ProjectsRename, [])
    assert.equal(noId.code, 2, noId.stderr)
    assert.equal(noId.stderr, 'Error: Missing 1 required arg:\nid  Project id\nSee more help with --help\n')
    const bad = await runCommand(ProjectsRename, ['.', 'billing'])
    assert.equal(bad.code, 2, bad.stderr)
    assert.equal(bad.stderr, 'Error: Invalid id argument ".": an id is never empty, blank, "." or "..".\nPass an id as the `list` commands show it.\n')
    const formats = await runCommand(ProjectsRename, ['proj_1', 'billing', '--json', '-o', 'yaml'])
    assert.equal(formats.code, 2, formats.stderr)
    assert.equal(formats.stderr, 'Error: --json and --output yaml ask for different formats.\nPass one of them.\n')
  })
})
