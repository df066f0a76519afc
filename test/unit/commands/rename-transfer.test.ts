// db rename, projects transfer, and create errors explained by a blocked workspace, in process.
import assert from 'node:assert/strict'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, it} from 'node:test'

import DbCreate from '../../../src/commands/db/create.js'
import DbRename from '../../../src/commands/db/rename.js'
import ProjectsCreate from '../../../src/commands/projects/create.js'
import ProjectsTransfer from '../../../src/commands/projects/transfer.js'
import {database, me, project} from '../fixtures.js'
import {API, TOKEN, apiError, parseJson, reply, runCommand, type Outcome} from '../run-command.js'

type Api = Parameters<typeof reply>[0]

const RECIPIENT = 'rt_recipient_token_7c41'
const receivingMe = {user: null, workspace: {id: 'ws_2', name: 'Globex'}, credential: {type: 'service_token', id: 'tok_2', name: 'handover'}}
const moved = {...project(1), workspace: {id: 'ws_2', url: 'https://api.example.test/v1/workspaces/ws_2', name: 'Globex'}}

/** No output of the run holds the recipient's token. */
function assertHidden(result: Outcome, token = RECIPIENT): void {
  assert.ok(!result.stdout.includes(token), `the recipient token is on stdout:\n${result.stdout}`)
  assert.ok(!result.stderr.includes(token), `the recipient token is on stderr:\n${result.stderr}`)
}

describe('db rename in process', () => {
  const renamed = {...database(1), name: 'analytics'}

  it('piped: sends the trimmed name, prints the database as one row and says so on stderr', async () => {
    let sent: ReturnType<typeof reply> = []
    const result = await runCommand(DbRename, ['db_1', '  analytics '], {stub: (api) => (sent = reply(api, 'PATCH', '/v1/databases/db_1', {data: renamed}))})
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(sent[0].body, {name: 'analytics'})
    assert.equal(result.stdout, 'ID\tNAME\tPROJECT\tREGION\tSTATUS\tDEFAULT\tCREATED\ndb_1\tanalytics\tproj_1\teu-west-3\tready\ttrue\t2026-11-28T09:58:12.345Z\n')
    assert.equal(result.stderr, 'Renamed database db_1 to "analytics".\n')
  })

  it('--json: the API object alone on stdout', async () => {
    const result = await runCommand(DbRename, ['db_1', 'analytics', '--json'], {stub: (api) => reply(api, 'PATCH', '/v1/databases/db_1', {data: renamed})})
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(parseJson(result.stdout), renamed)
    assert.equal(result.stderr, '')
  })

  it('a blank name is exit 2 before any request', async () => {
    const result = await runCommand(DbRename, ['db_1', '   '])
    assert.equal(result.code, 2)
    assert.equal(result.stderr, 'Error: The name argument is empty.\nPass the new name: prisma-mgmt db rename <db-id> <name>.\n')
  })

  it('the API\'s 400 is exit 2 with its message; 404 is exit 4', async () => {
    const bad = await runCommand(DbRename, ['db_1', 'x'.repeat(300)], {
      stub: (api) => reply(api, 'PATCH', '/v1/databases/db_1', apiError('validation-error', 'name must be at most 255 characters long, got 300.'), {status: 400}),
    })
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /^Error: name must be at most 255 characters long, got 300\.\n/)
    const missing = await runCommand(DbRename, ['db_9', 'x', '--json'], {stub: (api) => reply(api, 'PATCH', '/v1/databases/db_9', apiError('not-found', 'Database "db_9" was not found.'), {status: 404})})
    assert.equal(missing.code, 4)
    assert.deepEqual(parseJson(missing.stdout), {error: {code: 'not-found', message: 'Database "db_9" was not found.', status: 404}})
  })
})

describe('projects transfer in process', () => {
  /** The recipient's /v1/me, our GET of the project, the POST, and the recipient's GET; returns what each received. */
  const transfer = (options: {transfer?: {status: number; body?: unknown}} = {}) => {
    const seen: Record<string, ReturnType<typeof reply>> = {}
    return {
      seen,
      stub(api: Api) {
        seen.me = reply(api, 'GET', '/v1/me', {data: receivingMe})
        seen.project = reply(api, 'GET', '/v1/projects/proj_1', {data: project(1)})
        seen.transfer = reply(api, 'POST', '/v1/projects/proj_1/transfer', options.transfer?.body, {status: options.transfer?.status ?? 204})
        if (!options.transfer) seen.readBack = reply(api, 'GET', '/v1/projects/proj_1', {data: moved})
      },
    }
  }
  const bearer = (received: ReturnType<typeof reply>) => received[0].headers.authorization

  it('--recipient-token --yes: checks the token, sends it as recipientAccessToken, prints the project as the receiving workspace sees it', async () => {
    const {seen, stub} = transfer()
    const result = await runCommand(ProjectsTransfer, ['proj_1', '--recipient-token', ` ${RECIPIENT} `, '--yes'], {stub})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(bearer(seen.me), `Bearer ${RECIPIENT}`, 'the recipient token is checked first')
    assert.equal(bearer(seen.project), `Bearer ${TOKEN}`)
    assert.equal(bearer(seen.transfer), `Bearer ${TOKEN}`, 'the transfer is asked with our own token')
    assert.deepEqual(seen.transfer[0].body, {recipientAccessToken: RECIPIENT})
    assert.equal(bearer(seen.readBack), `Bearer ${RECIPIENT}`, 'only the receiving workspace can read it now')
    assert.equal(result.stdout, 'ID\tNAME\tWORKSPACE\tREGION\tCREATED\nproj_1\tshop-1\tGlobex\tus-east-1\t2026-11-28T09:58:12.345Z\n')
    assert.equal(result.stderr, 'Transferred project shop-1 (proj_1) to workspace Globex (ws_2).\n')
    assertHidden(result)
  })

  it('the token on stdin, --json: the moved project alone on stdout', async () => {
    const {seen, stub} = transfer()
    const result = await runCommand(ProjectsTransfer, ['proj_1', '--yes', '--json'], {stub, input: `${RECIPIENT}\n`})
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(seen.transfer[0].body, {recipientAccessToken: RECIPIENT})
    assert.deepEqual(parseJson(result.stdout), moved)
    assert.equal(result.stderr, '')
    assertHidden(result)
  })

  it('on a terminal without a source: asks for the token (masked), then for the project\'s name', async () => {
    const {seen, stub} = transfer()
    const result = await runCommand(ProjectsTransfer, ['proj_1'], {stub, tty: true, env: {NO_COLOR: '1'}, answers: {secret: [RECIPIENT], confirmName: ['shop-1']}})
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(result.asked, [
      'Access token of the receiving workspace:',
      'This moves project shop-1 (proj_1) and its databases out of workspace Acme into workspace Globex (ws_2). Type its name to confirm:',
    ])
    assert.deepEqual(seen.transfer[0].body, {recipientAccessToken: RECIPIENT})
    assert.match(result.stdout, /^Transferred project shop-1 \(proj_1\) to workspace Globex \(ws_2\)\.\n┌/)
    assert.match(result.stdout, /│ WORKSPACE │ Globex/)
    assertHidden(result)
  })

  it('on a terminal, a wrong name transfers nothing (exit 2)', async () => {
    const result = await runCommand(ProjectsTransfer, ['proj_1', '--recipient-token', RECIPIENT], {
      tty: true,
      env: {NO_COLOR: '1'},
      answers: {confirmName: ['shop']},
      stub(api) {
        reply(api, 'GET', '/v1/me', {data: receivingMe})
        reply(api, 'GET', '/v1/projects/proj_1', {data: project(1)})
      },
    })
    assert.equal(result.code, 2)
    assert.equal(result.stderr, 'Error: The name did not match; project proj_1 was not transferred.\n')
  })

  it('off a terminal without --yes: exit 2, nothing transferred', async () => {
    const result = await runCommand(ProjectsTransfer, ['proj_1', '--recipient-token', RECIPIENT], {
      stub(api) {
        reply(api, 'GET', '/v1/me', {data: receivingMe})
        reply(api, 'GET', '/v1/projects/proj_1', {data: project(1)})
      },
    })
    assert.equal(result.code, 2)
    assert.equal(result.stderr, 'Error: Refusing to transfer project proj_1 without confirmation.\nPass --yes to transfer without a prompt.\n')
  })

  it('no token anywhere off a terminal: exit 2 naming the three ways, before any request', async () => {
    const result = await runCommand(ProjectsTransfer, ['proj_1', '--yes'], {input: '  \n'})
    assert.equal(result.code, 2)
    assert.equal(
      result.stderr,
      'Error: No token of the receiving workspace: none on standard input, and neither --to-profile nor --recipient-token was given.\nPass --to-profile <name>, --recipient-token <token>, or pipe the token in.\n',
    )
  })

  it('--to-profile and --recipient-token together: exit 2', async () => {
    const result = await runCommand(ProjectsTransfer, ['proj_1', '--to-profile', 'globex', '--recipient-token', RECIPIENT, '--yes'])
    assert.equal(result.code, 2)
    assert.equal(result.stderr, 'Error: --recipient-token=[token] cannot also be provided when using --to-profile\nSee more help with --help\n')
    assertHidden(result)
  })

  it('a refused recipient token: exit 3 saying whose token it was, and the token is not shown', async () => {
    const result = await runCommand(ProjectsTransfer, ['proj_1', '--recipient-token', RECIPIENT, '--yes', '--json'], {
      stub: (api) => reply(api, 'GET', '/v1/me', apiError('unauthorized', 'The token is not valid for this API.'), {status: 401}),
    })
    assert.equal(result.code, 3)
    assert.deepEqual(parseJson(result.stdout), {error: {code: 'auth-required', message: "The API refused the receiving workspace's token (401): The token is not valid for this API."}})
    assert.equal(
      result.stderr,
      "Error: The API refused the receiving workspace's token (401): The token is not valid for this API.\nCheck that the token is a current service token or access token of the receiving workspace.\n",
    )
    assertHidden(result)
  })

  it('a token of the project\'s own workspace: exit 2 before the transfer', async () => {
    const result = await runCommand(ProjectsTransfer, ['proj_1', '--recipient-token', RECIPIENT, '--yes'], {
      stub(api) {
        reply(api, 'GET', '/v1/me', {data: me})
        reply(api, 'GET', '/v1/projects/proj_1', {data: project(1)})
      },
    })
    assert.equal(result.code, 2)
    assert.match(result.stderr, /^Error: Project shop-1 \(proj_1\) is already in workspace Acme \(ws_1\), the one that token belongs to\.\n/)
  })

  it('the API\'s 409 (a project that cannot move now) is exit 5 with its message', async () => {
    const {stub} = transfer({transfer: {status: 409, body: apiError('conflict', 'Project proj_1 cannot be transferred in its current state: database db_1 is provisioning.')}})
    const result = await runCommand(ProjectsTransfer, ['proj_1', '--recipient-token', RECIPIENT, '--yes'], {stub})
    assert.equal(result.code, 5)
    assert.equal(result.stderr, 'Error: Project proj_1 cannot be transferred in its current state: database db_1 is provisioning.\n')
  })

  describe('--to-profile', () => {
    let configDir: string
    const profiles = (entries: Record<string, unknown>) => writeFile(join(configDir, 'config.json'), JSON.stringify({profiles: entries}), {mode: 0o600})
    beforeEach(async () => {
      configDir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-unit-transfer-'))
    })
    afterEach(async () => {
      await rm(configDir, {recursive: true, force: true})
    })

    it('sends the profile\'s service token', async () => {
      await profiles({globex: {apiUrl: API, token: RECIPIENT}})
      const {seen, stub} = transfer()
      const result = await runCommand(ProjectsTransfer, ['proj_1', '--to-profile', 'globex', '--yes'], {stub, configDir})
      assert.equal(result.code, 0, result.stderr)
      assert.equal(bearer(seen.me), `Bearer ${RECIPIENT}`)
      assert.deepEqual(seen.transfer[0].body, {recipientAccessToken: RECIPIENT})
      assertHidden(result)
    })

    it('sends the access token of a profile\'s browser session', async () => {
      const access = 'at_session_access_token_91ab'
      await profiles({
        globex: {apiUrl: API, credential: 'oauth', accessToken: access, refreshToken: 'rt_never_used_0001', expiresAt: '2099-01-01T00:00:00.000Z', authUrl: 'https://auth.example.test', clientId: 'c1'},
      })
      const {seen, stub} = transfer()
      const result = await runCommand(ProjectsTransfer, ['proj_1', '--to-profile', 'globex', '--yes', '--json'], {stub, configDir})
      assert.equal(result.code, 0, result.stderr)
      assert.deepEqual(seen.transfer[0].body, {recipientAccessToken: access})
      assertHidden(result, access)
    })

    it('an unknown profile is exit 2 listing the stored ones', async () => {
      await profiles({globex: {apiUrl: API, token: RECIPIENT}})
      const result = await runCommand(ProjectsTransfer, ['proj_1', '--to-profile', 'initech', '--yes'], {configDir})
      assert.equal(result.code, 2)
      assert.equal(result.stderr, 'Error: There is no profile named "initech".\nProfiles: globex.\n')
    })

    it('a saved token past its expiresAt (login --github-actions --save) is exit 3 before any request', async () => {
      await profiles({ci: {apiUrl: API, credential: 'github-actions', token: RECIPIENT, expiresAt: '2026-11-29T10:00:00.000Z'}})
      const result = await runCommand(ProjectsTransfer, ['proj_1', '--to-profile', 'ci', '--yes'], {configDir})
      assert.equal(result.code, 3)
      assert.equal(result.stderr, 'Error: The token saved in profile "ci" expired at 2026-11-29T10:00:00.000Z.\nLog in to it again: prisma-mgmt login --profile ci\n')
      assertHidden(result)
    })

    it('a profile of another API is exit 2; one without a token is exit 3', async () => {
      await profiles({elsewhere: {apiUrl: 'https://api.other.test', token: RECIPIENT}, empty: {apiUrl: API}})
      const other = await runCommand(ProjectsTransfer, ['proj_1', '--to-profile', 'elsewhere', '--yes'], {configDir})
      assert.equal(other.code, 2)
      assert.equal(other.stderr, `Error: Profile "elsewhere" is for the API at https://api.other.test/, not ${API}/.\nName a profile of the same API, or pass the token with --recipient-token.\n`)
      assertHidden(other)
      const empty = await runCommand(ProjectsTransfer, ['proj_1', '--to-profile', 'empty', '--yes'], {configDir})
      assert.equal(empty.code, 3)
      assert.equal(empty.stderr, 'Error: Profile "empty" holds no token.\nLog in to it again: prisma-mgmt login --profile empty\n')
    })
  })
})

describe('creates refused while the workspace\'s usage is blocked', () => {
  const refused = apiError('usage-blocked', "No project can be created while the workspace's usage is blocked.")
  const blocked = {data: {planName: 'Starter', usageBlocked: true, upgradeUrl: 'https://console.example.test/ws_1/billing'}}

  it('projects create: the error names the workspace and plan and shows the upgrade URL; exit code stays the API\'s', async () => {
    const result = await runCommand(ProjectsCreate, ['--no-database', '--name', 'empty'], {
      stub(api) {
        reply(api, 'POST', '/v1/projects', refused, {status: 403})
        reply(api, 'GET', '/v1/me', {data: me})
        reply(api, 'GET', '/v1/workspaces/ws_1/subscription', blocked)
      },
    })
    assert.equal(result.code, 3)
    assert.equal(
      result.stderr,
      "Error: Usage is blocked for workspace Acme (ws_1) on the Starter plan: No project can be created while the workspace's usage is blocked.\nUpgrade the plan at https://console.example.test/ws_1/billing\n",
    )
    assert.equal(result.stdout, '')
  })

  it('projects create --workspace --json: the error object carries the plan and upgradeUrl; no /v1/me needed', async () => {
    const result = await runCommand(ProjectsCreate, ['--no-database', '--name', 'empty', '--workspace', 'ws_7', '--json'], {
      stub(api) {
        reply(api, 'POST', '/v1/projects', refused, {status: 403})
        reply(api, 'GET', '/v1/workspaces/ws_7/subscription', blocked)
      },
    })
    assert.equal(result.code, 3)
    assert.deepEqual(parseJson(result.stdout), {
      error: {
        code: 'usage-blocked',
        message: "Usage is blocked for workspace ws_7 on the Starter plan: No project can be created while the workspace's usage is blocked.",
        status: 403,
        workspaceId: 'ws_7',
        planName: 'Starter',
        upgradeUrl: 'https://console.example.test/ws_1/billing',
      },
    })
  })

  it('db create: the project\'s workspace is asked', async () => {
    const result = await runCommand(DbCreate, ['--project', 'proj_1'], {
      stub(api) {
        reply(api, 'POST', '/v1/projects/proj_1/databases', apiError('usage-blocked', 'Database creation is not allowed.'), {status: 403})
        reply(api, 'GET', '/v1/projects/proj_1', {data: project(1)})
        reply(api, 'GET', '/v1/workspaces/ws_1/subscription', blocked)
      },
    })
    assert.equal(result.code, 3)
    assert.equal(result.stderr, 'Error: Usage is blocked for workspace Acme (ws_1) on the Starter plan: Database creation is not allowed.\nUpgrade the plan at https://console.example.test/ws_1/billing\n')
  })

  it('usage not blocked, or a subscription that cannot be read: the API\'s error as it was', async () => {
    for (const subscription of [
      {body: {data: {planName: 'Pro', usageBlocked: false, upgradeUrl: 'https://console.example.test'}}, status: 200},
      {body: apiError('not-found', 'Workspace "ws_1" was not found.'), status: 404},
      {body: {data: {planName: 'Pro'}}, status: 200},
    ]) {
      const result = await runCommand(DbCreate, ['--project', 'proj_1', '--json'], {
        stub(api) {
          reply(api, 'POST', '/v1/projects/proj_1/databases', apiError('validation-error', 'region is not available.'), {status: 400})
          reply(api, 'GET', '/v1/projects/proj_1', {data: project(1)})
          reply(api, 'GET', '/v1/workspaces/ws_1/subscription', subscription.body, {status: subscription.status})
        },
      })
      assert.equal(result.code, 2, JSON.stringify(subscription))
      assert.deepEqual(parseJson(result.stdout), {error: {code: 'validation-error', message: 'region is not available.', status: 400}})
    }
  })

  it('a 404 or 401 is not about the plan: no subscription lookup', async () => {
    const result = await runCommand(DbCreate, ['--project', 'proj_9'], {
      stub: (api) => reply(api, 'POST', '/v1/projects/proj_9/databases', apiError('not-found', 'Project "proj_9" was not found.'), {status: 404}),
    })
    assert.equal(result.code, 4)
  })

  it('a hostile plan name and URL: control characters made visible; a URL that is not http(s) is not offered', async () => {
    const result = await runCommand(ProjectsCreate, ['--no-database', '--name', 'empty'], {
      stub(api) {
        reply(api, 'POST', '/v1/projects', refused, {status: 403})
        reply(api, 'GET', '/v1/me', {data: me})
        reply(api, 'GET', '/v1/workspaces/ws_1/subscription', {data: {planName: 'Free\u001b[2J', usageBlocked: true, upgradeUrl: 'javascript:alert(1)'}})
      },
    })
    assert.equal(result.code, 3)
    assert.equal(
      result.stderr,
      "Error: Usage is blocked for workspace Acme (ws_1) on the Free\\x1b[2J plan: No project can be created while the workspace's usage is blocked.\nUpgrade the workspace's plan in the Prisma Console.\n",
    )
  })
})
