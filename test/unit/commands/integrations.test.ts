import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import IntegrationsList from '../../../src/commands/integrations/list.js'
import IntegrationsRevoke from '../../../src/commands/integrations/revoke.js'
import IntegrationsShow from '../../../src/commands/integrations/show.js'
import WorkspacesShow from '../../../src/commands/workspaces/show.js'
import {integration, me, page, workspace} from '../fixtures.js'
import {apiError, parseJson, reply, runCommand} from '../run-command.js'

type Api = Parameters<typeof reply>[0]

const AT = '2026-11-28T09:58:12.345Z'
const HEADER = 'ID\tAPP\tCLIENT ID\tSCOPES\tAUTHORIZED BY\tCREATED'
const row = (i: number) => `int_${i}\tDeploy bot ${i}\tclient_${i}\tworkspace:read project:write\tada@example.test\t${AT}`

describe('workspaces show in process', () => {
  const stub = (api: Api) => reply(api, 'GET', '/v1/workspaces/ws_1', {data: workspace})

  it('piped: one row; on a terminal: a table of its fields; --json, -o yaml and -o csv', async () => {
    const tsv = await runCommand(WorkspacesShow, ['ws_1'], {stub})
    assert.equal(tsv.code, 0, tsv.stderr)
    assert.equal(tsv.stdout, `ID\tNAME\tCREATED\nws_1\tAcme\t${AT}\n`)
    const tty = await runCommand(WorkspacesShow, ['ws_1'], {stub, tty: true, env: {NO_COLOR: '1'}})
    assert.equal(
      tty.stdout,
      ['┌─────────┬──────────────────┐', '│ ID      │ ws_1             │', '│ NAME    │ Acme             │', '│ CREATED │ 2026-11-28 09:58 │', '└─────────┴──────────────────┘', ''].join('\n'),
    )
    assert.deepEqual(parseJson((await runCommand(WorkspacesShow, ['ws_1', '--json'], {stub})).stdout), workspace)
    assert.deepEqual(parseYaml((await runCommand(WorkspacesShow, ['ws_1', '-o', 'yaml'], {stub})).stdout), workspace)
    assert.equal((await runCommand(WorkspacesShow, ['ws_1', '-o', 'csv', '--columns', 'name'], {stub})).stdout, 'NAME\r\nAcme\r\n')
  })

  it('404 is exit 4; a missing id is exit 2; an unknown column is exit 2 before any request', async () => {
    const missing = await runCommand(WorkspacesShow, ['ws_x', '--json'], {stub: (api) => reply(api, 'GET', '/v1/workspaces/ws_x', apiError('not-found', 'Workspace not found.'), {status: 404})})
    assert.equal(missing.code, 4, missing.stderr)
    assert.deepEqual(parseJson(missing.stdout), {error: {code: 'not-found', message: 'Workspace not found.', status: 404}})
    const none = await runCommand(WorkspacesShow, [])
    assert.equal(none.code, 2, none.stderr)
    const column = await runCommand(WorkspacesShow, ['ws_1', '--columns', 'plan'])
    assert.equal(column.code, 2, column.stderr)
    assert.equal(column.stderr, 'Error: Unknown column for --columns: plan.\nValid columns: id, name, created.\n')
  })
})

describe('integrations list in process', () => {
  const two = [integration(1), integration(2)]
  const stub = (api: Api) => {
    reply(api, 'GET', '/v1/me', {data: me})
    reply(api, 'GET', '/v1/workspaces/ws_1/integrations?limit=100', page(two))
  }

  it('piped: the token\'s workspace\'s integrations as rows; on a terminal: a table', async () => {
    const tsv = await runCommand(IntegrationsList, [], {stub})
    assert.equal(tsv.code, 0, tsv.stderr)
    assert.equal(tsv.stdout, `${HEADER}\n${row(1)}\n${row(2)}\n`)
    const tty = await runCommand(IntegrationsList, [], {stub, tty: true, columns: 160, env: {NO_COLOR: '1'}})
    assert.match(tty.stdout.split('\n')[1], /^│ ID +│ APP +│ CLIENT ID +│ SCOPES +│ AUTHORIZED BY +│ CREATED +│$/)
    assert.match(tty.stdout, /│ int_1 +│ Deploy bot 1 +│ client_1 +│ workspace:read project:write +│ ada@example\.test +│ 2026-11-28 09:58 +│/)
  })

  it('--workspace skips /v1/me; --limit stops early; --json, -o yaml and -o csv', async () => {
    const limited = await runCommand(IntegrationsList, ['--workspace', 'ws_7', '--limit', '1', '-o', 'csv', '--columns', 'id,app'], {
      stub: (api) => reply(api, 'GET', '/v1/workspaces/ws_7/integrations?limit=1', page([two[0]], 'more')),
    })
    assert.equal(limited.stdout, 'ID,APP\r\nint_1,Deploy bot 1\r\n')
    assert.deepEqual(parseJson((await runCommand(IntegrationsList, ['--json'], {stub})).stdout), two)
    assert.deepEqual(parseYaml((await runCommand(IntegrationsList, ['-o', 'yaml'], {stub})).stdout), two)
  })

  it('none on a terminal: a sentence; an unknown workspace is exit 4; an empty --workspace is exit 2 before any request', async () => {
    const empty = await runCommand(IntegrationsList, ['--workspace', 'ws_1'], {
      tty: true,
      env: {NO_COLOR: '1'},
      stub: (api) => reply(api, 'GET', '/v1/workspaces/ws_1/integrations?limit=100', page([])),
    })
    assert.equal(empty.stdout, 'No application has access to workspace ws_1.\n')
    const missing = await runCommand(IntegrationsList, ['--workspace', 'ws_x'], {
      stub: (api) => reply(api, 'GET', '/v1/workspaces/ws_x/integrations?limit=100', apiError('not-found', 'Workspace not found.'), {status: 404}),
    })
    assert.equal(missing.code, 4, missing.stderr)
    const blank = await runCommand(IntegrationsList, ['--workspace', ''])
    assert.equal(blank.code, 2, blank.stderr)
  })

  it('an integration whose scopes are not a list is not the API (exit 6)', async () => {
    const odd = await runCommand(IntegrationsList, ['--workspace', 'ws_1'], {
      stub: (api) => reply(api, 'GET', '/v1/workspaces/ws_1/integrations?limit=100', page([{...integration(1), scopes: 'all'}])),
    })
    assert.equal(odd.code, 6, odd.stderr)
    assert.match(odd.stderr, /not an integration list \(data\[0\]\.scopes is a string, expected a list\)/)
  })
})

describe('integrations show in process', () => {
  it('piped: one row; --json: the API object; 404: exit 4', async () => {
    const stub = (api: Api) => reply(api, 'GET', '/v1/integrations/int_1', {data: integration(1)})
    const tsv = await runCommand(IntegrationsShow, ['int_1'], {stub})
    assert.equal(tsv.stdout, `${HEADER}\n${row(1)}\n`)
    const tty = await runCommand(IntegrationsShow, ['int_1'], {stub, tty: true, columns: 120, env: {NO_COLOR: '1'}})
    assert.match(tty.stdout, /│ AUTHORIZED BY │ ada@example\.test +│/)
    assert.deepEqual(parseJson((await runCommand(IntegrationsShow, ['int_1', '--json'], {stub})).stdout), integration(1))
    const missing = await runCommand(IntegrationsShow, ['int_x'], {stub: (api) => reply(api, 'GET', '/v1/integrations/int_x', apiError('not-found', 'Integration not found.'), {status: 404})})
    assert.equal(missing.code, 4, missing.stderr)
    assert.equal(missing.stderr, 'Error: Integration not found.\nCheck the id; the `list` commands show what exists.\n')
  })
})

describe('integrations revoke in process', () => {
  const found = (api: Api) => reply(api, 'GET', '/v1/integrations/int_1', {data: integration(1)})

  it('on a terminal: asks for the application\'s name, then revokes', async () => {
    let revoked: ReturnType<typeof reply> = []
    const result = await runCommand(IntegrationsRevoke, ['int_1'], {
      tty: true,
      env: {NO_COLOR: '1'},
      answers: {confirmName: ['Deploy bot 1']},
      stub(api) {
        found(api)
        revoked = reply(api, 'DELETE', '/v1/integrations/int_1', undefined, {status: 204})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(result.asked, ['This revokes integration Deploy bot 1 (int_1) for good. The application\'s tokens stop working at once. Type its name to confirm:'])
    assert.equal(revoked.length, 1)
    assert.equal(result.stdout, 'Revoked integration int_1 of Deploy bot 1; its tokens no longer work.\n')
  })

  it('off a terminal nothing is sent without --yes; a wrong name revokes nothing; --yes --json revokes', async () => {
    const piped = await runCommand(IntegrationsRevoke, ['int_1'], {stub: found})
    assert.equal(piped.code, 2, piped.stderr)
    assert.equal(piped.stderr, 'Error: Refusing to revoke integration int_1 without confirmation. The application\'s tokens stop working at once.\nPass --yes to revoke without a prompt.\n')
    const typo = await runCommand(IntegrationsRevoke, ['int_1'], {tty: true, env: {NO_COLOR: '1'}, answers: {confirmName: ['deploy bot 1']}, stub: found})
    assert.equal(typo.code, 2, typo.stderr)
    assert.equal(typo.stderr, 'Error: The name did not match; integration int_1 was not revoked.\n')
    const yes = await runCommand(IntegrationsRevoke, ['int_1', '--yes', '--json'], {
      stub(api) {
        found(api)
        reply(api, 'DELETE', '/v1/integrations/int_1', undefined, {status: 204})
      },
    })
    assert.equal(yes.code, 0, yes.stderr)
    assert.deepEqual(parseJson(yes.stdout), {id: 'int_1', clientId: 'client_1', revoked: true})
  })

  it('--client: found among the token\'s workspace\'s integrations, revoked by client id there', async () => {
    let revoked: ReturnType<typeof reply> = []
    const result = await runCommand(IntegrationsRevoke, ['--client', 'client_2', '--yes', '--json'], {
      stub(api) {
        reply(api, 'GET', '/v1/me', {data: me})
        reply(api, 'GET', '/v1/workspaces/ws_1/integrations?limit=100', page([integration(1), integration(2)]))
        revoked = reply(api, 'DELETE', '/v1/workspaces/ws_1/integrations/client_2', undefined, {status: 204})
      },
    })
    assert.equal(result.code, 0, result.stderr)
    assert.equal(revoked.length, 1)
    assert.deepEqual(parseJson(result.stdout), {id: 'int_2', clientId: 'client_2', revoked: true})
    const asked = await runCommand(IntegrationsRevoke, ['--client', 'client_1', '--workspace', 'ws_7'], {
      tty: true,
      env: {NO_COLOR: '1'},
      answers: {confirmName: ['Deploy bot 1']},
      stub(api) {
        reply(api, 'GET', '/v1/workspaces/ws_7/integrations?limit=100', page([integration(1)]))
        reply(api, 'DELETE', '/v1/workspaces/ws_7/integrations/client_1', undefined, {status: 204})
      },
    })
    assert.equal(asked.code, 0, asked.stderr)
    assert.match(asked.asked[0], /^This revokes integration Deploy bot 1 \(int_1\) for good\./)
  })

  it('--client of no integration is exit 4; an id and --client, or neither, or --workspace alone, is exit 2 before any request', async () => {
    const none = await runCommand(IntegrationsRevoke, ['--client', 'nobody', '--workspace', 'ws_1', '--yes'], {
      stub: (api) => reply(api, 'GET', '/v1/workspaces/ws_1/integrations?limit=100', page([integration(1)])),
    })
    assert.equal(none.code, 4, none.stderr)
    assert.equal(none.stderr, 'Error: No application with client id "nobody" has access to workspace ws_1.\nCheck the client id: `prisma-mgmt integrations list` shows CLIENT ID.\n')
    for (const argv of [['int_1', '--client', 'client_1'], [], ['int_1', '--workspace', 'ws_1'], ['--client', ' ']]) {
      const result = await runCommand(IntegrationsRevoke, argv)
      assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`)
    }
  })

  it('an unknown id is exit 4 before any question', async () => {
    const missing = await runCommand(IntegrationsRevoke, ['int_x'], {
      tty: true,
      stub: (api) => reply(api, 'GET', '/v1/integrations/int_x', apiError('not-found', 'Integration not found.'), {status: 404}),
    })
    assert.equal(missing.code, 4, missing.stderr)
    assert.deepEqual(missing.asked, [])
  })
})
