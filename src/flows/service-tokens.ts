// What the `tokens` commands share: the workspace they act on (--workspace, else the token's own,
// from GET /v1/me) and finding one token, since the API has no GET for a single token.
import type {ServiceToken} from '../api/contract.js'
import type {ManagementApi} from '../api/management-api.js'
import {NotFoundError, UsageError} from '../errors.js'

/** The workspace given with --workspace, or the one the token belongs to. */
export async function tokenWorkspace(api: ManagementApi, given: string | undefined): Promise<string> {
  if (given !== undefined) {
    if (given.trim() === '') throw new UsageError('The --workspace flag is empty.', 'Pass a workspace id (see `prisma-mgmt workspaces list`), or leave it out for the token\'s own.')
    return given.trim()
  }
  const me = await api.getMe()
  if (!me.workspace) throw new UsageError('The credential in use belongs to no single workspace.', 'Pass --workspace <id> (see `prisma-mgmt workspaces list`).')
  return me.workspace.id
}

/** The token with this id in the workspace's list; not found (exit 4) when it is not there. */
export async function findServiceToken(api: ManagementApi, workspaceId: string, id: string): Promise<ServiceToken> {
  for await (const token of api.listServiceTokens(workspaceId)) if (token.id === id) return token
  throw new NotFoundError(`Service token ${JSON.stringify(id)} was not found in workspace ${workspaceId}.`, 'Check the id; `prisma-mgmt tokens list` shows the workspace\'s tokens.')
}
