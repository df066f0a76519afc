// db rename, projects transfer and the blocked-workspace errors of creates, through the built
// binary against `emulator start`: exit codes, exact output, what the emulator received, and the
// recipient's token kept out of every output and the HTTP trace.
import assert from 'node:assert/strict'
import {after, before, beforeEach, describe, it} from 'node:test'

import type {ReceivedRequest} from '../../src/emulator/request-log.js'
import {Emulator, parseJson, removeDir, run, tempDir, tsv} from './harness.js'

type Data<T> = {data: T}
interface Project {
  id: string
  name: string
  workspace: {id: string; name: string}
}

describe('db rename, projects transfer and blocked creates (built binary)', () => {
  let emulator: Emulator
  let home: string
  /** A second workspace and a service token of it (minted through the test hook). */
  let acme: {id: string; token: string}
  let ours: {id: string; name: string}

  const env = (extra: Record<string, string | undefined> = {}) => emulator.env(home, {NO_COLOR: '1', ...extra})
  /** The source profile only: PRISMA_SERVICE_TOKEN would win over --profile. */
  const profileEnv = (profile: string, extra: Record<string, string | undefined> = {}) => env({PRISMA_SERVICE_TOKEN: undefined, PRISMA_MGMT_PROFILE: profile, ...extra})
  const secrets = () => [acme.token]

  const newProject = async (name: string, createDatabase = true): Promise<{id: string; databaseId?: string}> => {
    const created = await emulator.call<Data<{id: string; database: {id: string} | null}>>('POST', '/v1/projects', {name, createDatabase})
    assert.equal(created.status, 201)
    return {id: created.body.data.id, databaseId: created.body.data.database?.id}
  }
  const projectIds = async (profile: string): Promise<string[]> => {
    const listed = await run(['projects', 'list', '--json'], {env: profileEnv(profile), emulator, secrets: secrets()})
    assert.equal(listed.code, 0, listed.stderr)
    return parseJson<Project[]>(listed).map((p) => p.id)
  }
  const transfers = async (): Promise<ReceivedRequest[]> =>
    (await emulator.requests()).filter((r) => r.method === 'POST' && r.path.endsWith('/transfer'))

  before(async () => {
    emulator = await Emulator.start(['--databases', 'none'])
    home = await tempDir()
    const workspace = await emulator.call<Data<{id: string}>>('POST', '/__emulator/workspaces', {name: 'Acme Team'})
    const minted = await emulator.call<Data<{value: string}>>('POST', `/__emulator/workspaces/${workspace.body.data.id}/service-tokens`, {name: 'handover'})
    acme = {id: workspace.body.data.id, token: minted.body.data.value}
    ours = (await emulator.call<Data<{workspace: {id: string; name: string}}>>('GET', '/v1/me')).body.data.workspace
    // Two stored profiles, one per workspace, made the way a user makes them.
    for (const [profile, token] of [['main', emulator.token], ['acme', acme.token]]) {
      const login = await run(['login', '--profile', profile, '--with-token'], {env: env({PRISMA_SERVICE_TOKEN: undefined}), input: token, emulator, secrets: secrets()})
      assert.equal(login.code, 0, login.stderr)
    }
  })
  beforeEach(async () => {
    assert.equal((await emulator.call('DELETE', '/__emulator/requests')).status, 204)
  })
  after(async () => {
    await emulator.stop()
    await removeDir(home)
  })

  describe('db rename', () => {
    it('renames: a row piped, the API object with --json, and the emulator has the new name', async () => {
      const {databaseId} = await newProject('rename-e2e')
      const human = await run(['db', 'rename', databaseId!, 'analytics'], {env: env(), emulator})
      assert.equal(human.code, 0, human.stderr)
      assert.equal(human.stderr, `Renamed database ${databaseId} to "analytics".\n`)
      const [row] = tsv(human.stdout)
      assert.equal(row.ID, databaseId)
      assert.equal(row.NAME, 'analytics')
      const json = await run(['db', 'rename', databaseId!, 'reporting', '--json'], {env: env(), emulator})
      assert.equal(json.code, 0, json.stderr)
      assert.equal(parseJson<{id: string; name: string}>(json).name, 'reporting')
      assert.equal(json.stderr, '')
      assert.equal((await emulator.call<Data<{name: string}>>('GET', `/v1/databases/${databaseId}`)).body.data.name, 'reporting')
      const patches = (await emulator.requests()).filter((r) => r.method === 'PATCH')
      assert.deepEqual(patches.map((r) => r.body), [{name: 'analytics'}, {name: 'reporting'}])
    })

    it('a bad name: blank is exit 2 before any request; too long is the API\'s 400 (exit 2); an unknown id is exit 4', async () => {
      const {databaseId} = await newProject('rename-bad')
      const blank = await run(['db', 'rename', databaseId!, ' '], {env: env(), emulator})
      assert.equal(blank.code, 2)
      assert.equal(blank.stderr, 'Error: The name argument is empty.\nPass the new name: prisma-mgmt db rename <db-id> <name>.\n')
      const long = await run(['db', 'rename', databaseId!, 'x'.repeat(256), '--json'], {env: env(), emulator})
      assert.equal(long.code, 2)
      assert.deepEqual(parseJson(long), {error: {code: 'validation-error', message: 'name must be at most 255 characters long, got 256.', status: 400}})
      const missing = await run(['db', 'rename', 'cnosuchdatabase', 'x'], {env: env(), emulator})
      assert.equal(missing.code, 4)
      assert.match(missing.stderr, /^Error: Database "cnosuchdatabase" was not found\.\n/)
      assert.equal((await emulator.call<Data<{name: string}>>('GET', `/v1/databases/${databaseId}`)).body.data.name, 'rename-bad')
    })
  })

  describe('projects transfer', () => {
    it('--to-profile: the profile\'s token goes in the body; afterwards the recipient lists the project and the source does not', async () => {
      const {id, databaseId} = await newProject('moving-by-profile')
      assert.ok((await projectIds('main')).includes(id))
      const result = await run(['projects', 'transfer', id, '--to-profile', 'acme', '--yes'], {env: profileEnv('main'), emulator, secrets: secrets()})
      assert.equal(result.code, 0, result.stderr)
      assert.equal(result.stderr, `Transferred project moving-by-profile (${id}) to workspace Acme Team (${acme.id}).\n`)
      assert.deepEqual(tsv(result.stdout), [{ID: id, NAME: 'moving-by-profile', WORKSPACE: 'Acme Team', REGION: 'us-east-1', CREATED: tsv(result.stdout)[0].CREATED}])
      const [sent] = await transfers()
      // The request log redacts it; the transfer below proves the emulator got acme's token.
      assert.deepEqual(sent.body, {recipientAccessToken: '<redacted>'})
      assert.equal(sent.status, 204)
      assert.ok(!(await projectIds('main')).includes(id), 'gone from the source workspace')
      assert.ok((await projectIds('acme')).includes(id), 'listed in the receiving workspace')
      // Its database went with it.
      const show = await run(['db', 'show', databaseId!, '--json'], {env: profileEnv('acme'), emulator, secrets: secrets()})
      assert.equal(show.code, 0, show.stderr)
      assert.equal((await run(['db', 'show', databaseId!], {env: profileEnv('main'), emulator, secrets: secrets()})).code, 4)
    })

    it('--recipient-token --json with DEBUG=prisma-mgmt:http: the moved project on stdout, the token nowhere, the trace redacts the body', async () => {
      const {id} = await newProject('moving-by-flag', false)
      const result = await run(['projects', 'transfer', id, '--recipient-token', acme.token, '--yes', '--json'], {env: env({DEBUG: 'prisma-mgmt:http'}), emulator, secrets: secrets()})
      assert.equal(result.code, 0, result.stderr)
      const moved = parseJson<Project>(result)
      assert.equal(moved.id, id)
      assert.deepEqual(moved.workspace.id, acme.id)
      assert.match(result.stderr, /prisma-mgmt:http POST \S+\/v1\/projects\/\S+\/transfer -> 204/)
      assert.match(result.stderr, /prisma-mgmt:http > \{"recipientAccessToken":"\*\*\*"\}/)
      assert.deepEqual((await transfers()).map((r) => r.body), [{recipientAccessToken: '<redacted>'}])
      assert.ok((await projectIds('acme')).includes(id))
    })

    it('the token on stdin: transferred; an empty stdin is exit 2 and nothing moves', async () => {
      const {id} = await newProject('moving-by-stdin', false)
      const empty = await run(['projects', 'transfer', id, '--yes'], {env: env(), emulator, input: ''})
      assert.equal(empty.code, 2)
      assert.match(empty.stderr, /^Error: No token of the receiving workspace: none on standard input/)
      const result = await run(['projects', 'transfer', id, '--yes'], {env: env({DEBUG: 'prisma-mgmt:http'}), emulator, input: `${acme.token}\n`, secrets: secrets()})
      assert.equal(result.code, 0, result.stderr)
      assert.deepEqual((await transfers()).map((r) => r.body), [{recipientAccessToken: '<redacted>'}])
      assert.ok((await projectIds('acme')).includes(id))
    })

    it('without --yes off a terminal: exit 2; a refused token: exit 3; its own workspace: exit 2; nothing moves', async () => {
      const {id} = await newProject('staying', false)
      const unconfirmed = await run(['projects', 'transfer', id, '--to-profile', 'acme'], {env: profileEnv('main'), emulator, secrets: secrets()})
      assert.equal(unconfirmed.code, 2)
      assert.equal(unconfirmed.stderr, `Error: Refusing to transfer project ${id} without confirmation.\nPass --yes to transfer without a prompt.\n`)
      const bogus = 'emu_not_a_token_of_anyone_42'
      const refused = await run(['projects', 'transfer', id, '--recipient-token', bogus, '--yes', '--json'], {env: env(), emulator, secrets: [...secrets(), bogus]})
      assert.equal(refused.code, 3)
      assert.equal(parseJson<{error: {message: string}}>(refused).error.message, "The API refused the receiving workspace's token (401): The token is not valid for this API.")
      const same = await run(['projects', 'transfer', id, '--to-profile', 'main', '--yes'], {env: profileEnv('main'), emulator, secrets: secrets()})
      assert.equal(same.code, 2)
      assert.match(same.stderr, new RegExp(`^Error: Project staying \\(${id}\\) is already in workspace`))
      assert.deepEqual(await transfers(), [], 'no transfer was asked')
      assert.ok((await projectIds('main')).includes(id))
    })

    it('a project whose database is not ready: the API\'s 409 (exit 5) with its message', async () => {
      const slow = await Emulator.start(['--databases', 'none', '--provision-delay-ms', '600000'])
      try {
        const workspace = await slow.call<Data<{id: string}>>('POST', '/__emulator/workspaces', {name: 'B'})
        const token = (await slow.call<Data<{value: string}>>('POST', `/__emulator/workspaces/${workspace.body.data.id}/service-tokens`, {name: 'b'})).body.data.value
        const created = await slow.call<Data<{id: string; database: {id: string}}>>('POST', '/v1/projects', {name: 'busy'})
        const result = await run(['projects', 'transfer', created.body.data.id, '--recipient-token', token, '--yes'], {env: slow.env(home, {NO_COLOR: '1'}), emulator: slow, secrets: [token]})
        assert.equal(result.code, 5)
        assert.equal(
          result.stderr,
          `Error: Project ${created.body.data.id} cannot be transferred in its current state: database ${created.body.data.database.id} is provisioning.\nHint: Wait until its databases are ready, then try again.\n`,
        )
      } finally {
        await slow.stop()
      }
    })
  })

  describe('a workspace whose usage is blocked', () => {
    const block = (usageBlocked: boolean) =>
      emulator.call('PATCH', `/__emulator/workspaces/${ours.id}/subscription`, {planName: 'Starter', usageBlocked, upgradeUrl: 'https://console.example.test/upgrade?from=cli'})

    it('projects create and db create: the error names the plan and shows the upgrade URL, human and JSON, exit 3 (the API\'s 403)', async () => {
      const {id} = await newProject('before-the-block', false)
      assert.equal((await block(true)).status, 200)
      try {
        const human = await run(['projects', 'create', '--name', 'refused', '--region', 'eu-west-3'], {env: env(), emulator})
        assert.equal(human.code, 3)
        assert.equal(human.stdout, '')
        assert.equal(
          human.stderr,
          [
            `Error: Usage is blocked for workspace ${ours.name} (${ours.id}) on the Starter plan: No project can be created while the workspace's usage is blocked.`,
            'Hint: Upgrade the Starter plan to lift the block.',
            'Upgrade the plan at https://console.example.test/upgrade?from=cli',
            '',
          ].join('\n'),
        )
        const json = await run(['projects', 'create', '--name', 'refused', '--json'], {env: env(), emulator})
        assert.equal(json.code, 3)
        assert.deepEqual(parseJson(json), {
          error: {
            code: 'usage-blocked',
            message: `Usage is blocked for workspace ${ours.name} (${ours.id}) on the Starter plan: No project can be created while the workspace's usage is blocked.`,
            hint: 'Upgrade the Starter plan to lift the block.',
            status: 403,
            workspaceId: ours.id,
            planName: 'Starter',
            upgradeUrl: 'https://console.example.test/upgrade?from=cli',
          },
        })
        const db = await run(['db', 'create', '--project', id], {env: env(), emulator})
        assert.equal(db.code, 3)
        assert.match(db.stderr, new RegExp(`^Error: Usage is blocked for workspace .+ \\(${ours.id}\\) on the Starter plan: No database can be created while the workspace's usage is blocked\\.\\n`))
        assert.match(db.stderr, /\nUpgrade the plan at https:\/\/console\.example\.test\/upgrade\?from=cli\n$/)
        const dbJson = await run(['db', 'create', '--project', id, '--json'], {env: env(), emulator})
        assert.equal(dbJson.code, 3)
        const error = parseJson<{error: Record<string, unknown>}>(dbJson).error
        assert.equal(error.upgradeUrl, 'https://console.example.test/upgrade?from=cli')
        assert.equal(error.planName, 'Starter')
        assert.equal(error.code, 'usage-blocked')
        // The CLI asked the subscription after each refusal.
        const asked = (await emulator.requests()).filter((r) => r.path.endsWith('/subscription'))
        assert.equal(asked.length, 4)
        const names = (await emulator.call<Data<Project[]>>('GET', '/v1/projects')).body.data.map((p) => p.name)
        assert.ok(!names.includes('refused'), 'nothing was created')
      } finally {
        await block(false)
      }
      const after = await run(['projects', 'create', '--name', 'after-the-block', '--no-database', '--json'], {env: env(), emulator})
      assert.equal(after.code, 0, after.stderr)
    })
  })
})
