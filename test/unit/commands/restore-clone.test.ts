// db restore, and db create --from-backup / --clone, in process against stubbed API answers.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import DbCreate from '../../../src/commands/db/create.js'
import DbRestore from '../../../src/commands/db/restore.js'
import {backups, createdDatabase, database, databaseDetail, page} from '../fixtures.js'
import {apiError, parseJson, reply, runCommand} from '../run-command.js'

type Api = Parameters<typeof reply>[0]

const TARGET = '/v1/databases/db_1'
const RESTORE = '/v1/databases/db_1/restore'
const QUESTION = 'This overwrites every row of database db-1 (db_1) with backup bk_1. Type its name to confirm:'
const HEADER = 'ID\tNAME\tPROJECT\tREGION\tSTATUS\tDEFAULT\tCREATED\n'
const ROW = (status: string) => `db_1\tdb-1\tproj_1\teu-west-3\t${status}\ttrue\t2026-11-28T09:58:12.345Z\n`
const SOURCE = {type: 'backup', databaseId: 'db_1', backupId: 'bk_1'}
const restored = (status = 'recovering') => ({data: {...databaseDetail(1, status), source: SOURCE}})

/** The target's GET, the search of the project's databases (db_1's backups hold bk_1), the POST. */
function restoreStubs(options: {status?: number; answer?: unknown; polls?: string[]} = {}) {
  const posts: ReturnType<typeof reply>[] = []
  return {
    posts,
    stub(api: Api) {
      reply(api, 'GET', TARGET, {data: databaseDetail(1)})
      reply(api, 'GET', '/v1/projects/proj_1/databases?limit=50', page([database(1), database(2)]))
      reply(api, 'GET', '/v1/databases/db_1/backups', backups)
      posts.push(reply(api, 'POST', RESTORE, options.answer ?? restored(), {status: options.status ?? 200}))
      for (const status of options.polls ?? []) reply(api, 'GET', TARGET, {data: databaseDetail(1, status)})
    },
  }
}

describe('db restore in process', () => {
  it('--yes off a terminal: finds the backup\'s database, one POST with the source, waits until ready, a row', async () => {
    const {stub, posts} = restoreStubs({polls: ['recovering', 'ready']})
    const result = await runCommand(DbRestore, ['db_1', '--backup', 'bk_1', '--yes'], {stub})
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(posts[0][0].body, {source: SOURCE})
    assert.equal(result.stdout, HEADER + ROW('ready'))
    assert.equal(result.stderr, '', 'no spinner off a terminal')
  })

  it('the backup of another database of the project is found there; --from skips the search', async () => {
    const found: ReturnType<typeof reply>[] = []
    const searched = await runCommand(DbRestore, ['db_1', '--backup', 'bk_7', '--yes', '--no-wait'], {
      stub(api) {
        reply(api, 'GET', TARGET, {data: databaseDetail(1)})
        reply(api, 'GET', '/v1/projects/proj_1/databases?limit=50', page([database(1), database(2)]))
        reply(api, 'GET', '/v1/databases/db_1/backups', backups)
        reply(api, 'GET', '/v1/databases/db_2/backups', {...backups, data: [{...backups.data[0], id: 'bk_7'}]})
        found.push(reply(api, 'POST', RESTORE, restored()))
      },
    })
    assert.equal(searched.code, 0, searched.stderr)
    assert.deepEqual(found[0][0].body, {source: {type: 'backup', databaseId: 'db_2', backupId: 'bk_7'}})
    assert.equal(searched.stdout, HEADER + ROW('recovering'), '--no-wait: the status the POST answered')

    const named: ReturnType<typeof reply>[] = []
    const direct = await runCommand(DbRestore, ['db_1', '--backup', 'bk_7', '--from', 'db_3', '--yes', '--no-wait'], {
      stub(api) {
        reply(api, 'GET', TARGET, {data: databaseDetail(1)})
        named.push(reply(api, 'POST', RESTORE, restored()))
      },
    })
    assert.equal(direct.code, 0, direct.stderr)
    assert.deepEqual(named[0][0].body, {source: {type: 'backup', databaseId: 'db_3', backupId: 'bk_7'}})
  })

  it('a backup found nowhere in the project: exit 4 naming --from, and no POST', async () => {
    const result = await runCommand(DbRestore, ['db_1', '--backup', 'bk_nope', '--yes', '--json'], {
      stub(api) {
        reply(api, 'GET', TARGET, {data: databaseDetail(1)})
        reply(api, 'GET', '/v1/projects/proj_1/databases?limit=50', page([database(1), database(2)]))
        reply(api, 'GET', '/v1/databases/db_1/backups', backups)
        // A database whose backups are not supported holds none of them.
        reply(api, 'GET', '/v1/databases/db_2/backups', apiError('not-supported', 'Remote database backups are not supported'), {status: 422})
      },
    })
    assert.equal(result.code, 4, result.stderr)
    const message = 'Backup bk_nope is not among the backups of the 2 databases of project proj_1.'
    assert.equal(result.stderr, `Error: ${message}\nPass --from <db-id>, the database the backup belongs to (\`prisma-mgmt db backups list <db-id>\` lists its backups).\n`)
    assert.deepEqual(parseJson(result.stdout), {error: {code: 'not-found', message}})
  })

  it('on a terminal: the right name restores with a spinner; a wrong name is exit 2 and no POST', async () => {
    const {stub, posts} = restoreStubs({polls: ['ready']})
    const yes = await runCommand(DbRestore, ['db_1', '--backup', 'bk_1'], {stub, tty: true, env: {NO_COLOR: '1'}, answers: {confirmName: ['db-1']}})
    assert.equal(yes.code, 0, yes.stderr)
    assert.deepEqual(yes.asked, [QUESTION])
    assert.equal(posts[0].length, 1)
    assert.match(yes.stderr, /Restored database db-1 \(db_1\) from backup bk_1; ready/)
    // A terminal gets the record as a two-column table.
    assert.match(yes.stdout, /│ STATUS {2}│ ready +│/)
    assert.match(yes.stdout, /│ ID +│ db_1 +│/)

    const no = await runCommand(DbRestore, ['db_1', '--backup', 'bk_1'], {
      tty: true,
      env: {NO_COLOR: '1'},
      answers: {confirmName: ['db-2']},
      stub(api) {
        reply(api, 'GET', TARGET, {data: databaseDetail(1)})
        reply(api, 'GET', '/v1/projects/proj_1/databases?limit=50', page([database(1)]))
        reply(api, 'GET', '/v1/databases/db_1/backups', backups)
      },
    })
    assert.equal(no.code, 2, no.stderr)
    assert.deepEqual(no.asked, [QUESTION])
    assert.equal(no.stdout, '')
    assert.equal(no.stderr, 'Error: The name did not match; database db_1 was not restored.\n')
  })

  it('off a terminal, or in CI, without --yes: exit 2, nothing asked, no POST', async () => {
    const message = 'Refusing to restore database db_1 without confirmation: it overwrites all its data.'
    const stub = (api: Api) => {
      reply(api, 'GET', TARGET, {data: databaseDetail(1)})
      reply(api, 'GET', '/v1/projects/proj_1/databases?limit=50', page([database(1)]))
      reply(api, 'GET', '/v1/databases/db_1/backups', backups)
    }
    const piped = await runCommand(DbRestore, ['db_1', '--backup', 'bk_1'], {stub})
    assert.equal(piped.code, 2, piped.stderr)
    assert.equal(piped.stderr, `Error: ${message}\nPass --yes to restore without a prompt.\n`)
    const ci = await runCommand(DbRestore, ['db_1', '--backup', 'bk_1', '--json'], {stub, tty: true, env: {CI: 'true'}})
    assert.equal(ci.code, 2, ci.stderr)
    assert.deepEqual(ci.asked, [])
    assert.deepEqual(parseJson(ci.stdout), {error: {code: 'usage', message}})
  })

  it('--json: the API object with the status waited for, its source kept', async () => {
    const {stub} = restoreStubs({polls: ['ready']})
    const result = await runCommand(DbRestore, ['db_1', '--backup', 'bk_1', '--yes', '--json'], {stub})
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(parseJson(result.stdout), {...restored('ready').data})
    assert.equal(result.stderr, '')
  })

  it('a target that ends in failure: exit 1 saying the restore failed', async () => {
    const {stub} = restoreStubs({polls: ['failure']})
    const result = await runCommand(DbRestore, ['db_1', '--backup', 'bk_1', '--yes'], {stub})
    assert.equal(result.code, 1, result.stderr)
    assert.equal(result.stderr, 'Error: Database db_1 failed to restore.\nSee what the API says of it with `prisma-mgmt db show db_1`.\n')
  })

  it('404 for the target before any search; 409 on the POST is exit 5 with the hint', async () => {
    const missing = await runCommand(DbRestore, ['db_1', '--backup', 'bk_1', '--yes'], {
      stub: (api) => reply(api, 'GET', TARGET, apiError('not-found', 'Database "db_1" was not found.'), {status: 404}),
    })
    assert.equal(missing.code, 4, missing.stderr)
    assert.equal(missing.stderr, 'Error: Database "db_1" was not found.\nCheck the id; the `list` commands show what exists.\n')
    const busy = await runCommand(DbRestore, ['db_1', '--backup', 'bk_1', '--yes'], {
      stub: restoreStubs({answer: apiError('conflict', 'Database db_1 is recovering and cannot be restored now.', 'Wait until it is ready, then restore it.'), status: 409}).stub,
    })
    assert.equal(busy.code, 5, busy.stderr)
    assert.equal(busy.stderr, 'Error: Database db_1 is recovering and cannot be restored now.\nHint: Wait until it is ready, then restore it.\n')
  })

  it('usage errors: --backup missing or empty, --from empty (no request)', async () => {
    const missing = await runCommand(DbRestore, ['db_1', '--yes'])
    assert.equal(missing.code, 2, missing.stderr)
    assert.equal(missing.stderr, 'Error: Missing required flag --backup\nSee more help with --help\n')
    const empty = await runCommand(DbRestore, ['db_1', '--backup', ' ', '--yes'])
    assert.equal(empty.code, 2)
    assert.equal(empty.stderr, 'Error: The --backup flag is empty.\nPass a backup id (see `prisma-mgmt db backups list <db-id>`).\n')
    const from = await runCommand(DbRestore, ['db_1', '--backup', 'bk_1', '--from', '', '--yes'])
    assert.equal(from.code, 2)
    assert.match(from.stderr, /^Error: The --from flag is empty\./)
  })
})

describe('db create --from-backup / --clone in process', () => {
  const POST = '/v1/projects/proj_9/databases'

  it('--clone: the source in the body, no search', async () => {
    let posts: ReturnType<typeof reply> = []
    const result = await runCommand(DbCreate, ['--project', 'proj_9', '--clone', 'db_1', '--no-wait', '--json'], {
      stub(api) {
        posts = reply(api, 'POST', POST, {data: {...createdDatabase('provisioning'), source: {type: 'database', databaseId: 'db_1'}}}, {status: 201})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(posts[0].body, {source: {type: 'database', databaseId: 'db_1'}})
    assert.deepEqual((parseJson(result.stdout) as {source: unknown}).source, {type: 'database', databaseId: 'db_1'})
  })

  it('--from-backup: the backup\'s database found among the project\'s; --from names it', async () => {
    let posts: ReturnType<typeof reply> = []
    const found = await runCommand(DbCreate, ['--project', 'proj_9', '--name', 'yesterday', '--from-backup', 'bk_1', '--no-wait', '--json'], {
      stub(api) {
        reply(api, 'GET', '/v1/projects/proj_9/databases?limit=50', page([database(1, 'proj_9')]))
        reply(api, 'GET', '/v1/databases/db_1/backups', backups)
        posts = reply(api, 'POST', POST, {data: createdDatabase('provisioning')}, {status: 201})
      },
    })
    assert.equal(found.code, 0, found.stderr)
    assert.deepEqual(posts[0].body, {name: 'yesterday', source: SOURCE})

    const named = await runCommand(DbCreate, ['--project', 'proj_9', '--from-backup', 'bk_1', '--from', 'db_4', '--no-wait', '--json'], {
      stub(api) {
        posts = reply(api, 'POST', POST, {data: createdDatabase('provisioning')}, {status: 201})
      },
    })
    assert.equal(named.code, 0, named.stderr)
    assert.deepEqual(posts[0].body, {source: {type: 'backup', databaseId: 'db_4', backupId: 'bk_1'}})
  })

  it('--clone with --from-backup, --from without --from-backup, an empty --clone: exit 2, no request', async () => {
    const both = await runCommand(DbCreate, ['--project', 'proj_9', '--clone', 'db_1', '--from-backup', 'bk_1'])
    assert.equal(both.code, 2, both.stderr)
    assert.match(both.stderr, /--clone=db_1 cannot also be provided when using --from-backup/)
    const from = await runCommand(DbCreate, ['--project', 'proj_9', '--from', 'db_1'])
    assert.equal(from.code, 2, from.stderr)
    assert.match(from.stderr, /--from-backup=.* must also be provided when using --from|All of the following must be provided when using --from: --from-backup/)
    const empty = await runCommand(DbCreate, ['--project', 'proj_9', '--clone', ''])
    assert.equal(empty.code, 2, empty.stderr)
    assert.equal(empty.stderr, 'Error: The --clone flag is empty.\nPass an id, or leave --clone out.\n')
  })

  it('a backup not in the project: exit 4 naming --from, nothing created', async () => {
    const result = await runCommand(DbCreate, ['--project', 'proj_9', '--from-backup', 'bk_x'], {
      stub(api) {
        reply(api, 'GET', '/v1/projects/proj_9/databases?limit=50', page([database(1, 'proj_9')]))
        reply(api, 'GET', '/v1/databases/db_1/backups', backups)
      },
    })
    assert.equal(result.code, 4, result.stderr)
    assert.match(result.stderr, /^Error: Backup bk_x is not among the backups of the database of project proj_9\.\nPass --from <db-id>/)
  })
})
