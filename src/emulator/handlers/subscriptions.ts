// A workspace's subscription (GET /v1/workspaces/{id}/subscription), and the refusal of creates
// while its usage is blocked. Tests set the plan through /__emulator/workspaces/{id}/subscription.
import type {ResponseBody} from '../../api/contract.js'
import type {Call, Reply, Scope} from '../core.js'
import {ApiProblem, notFound} from '../problems.js'
import type {SubscriptionRecord, WorkspaceRecord} from '../records.js'

export const DEFAULT_PLAN = 'Free'

export type Subscription = ResponseBody<'getV1WorkspacesByIdSubscription', 200>['data']

/** The console's billing page, where the real service sends a workspace to upgrade. */
export function defaultUpgradeUrl(workspaceId: string): string {
  return `https://console.prisma.io/${encodeURIComponent(workspaceId)}/settings/billing`
}

export function subscriptionView(workspace: WorkspaceRecord): Subscription {
  const stored: SubscriptionRecord = workspace.subscription ?? {planName: DEFAULT_PLAN, usageBlocked: false}
  return {planName: stored.planName, usageBlocked: stored.usageBlocked, upgradeUrl: stored.upgradeUrl ?? defaultUpgradeUrl(workspace.id)}
}

export function getSubscription({principal, params}: Call): Reply {
  // A token sees one workspace; any other is, for it, a workspace that does not exist.
  if (params.id !== principal.workspace.id) throw notFound('Workspace', params.id)
  return {status: 200, body: {data: subscriptionView(principal.workspace)} satisfies ResponseBody<'getV1WorkspacesByIdSubscription', 200>}
}

/**
 * Creates in a workspace whose usage is blocked are refused with 403, the status the contract
 * gives a database create that the workspace's policy does not allow; the hint says where to look.
 */
export function refuseWhileUsageBlocked({principal}: Scope, what: 'project' | 'database'): void {
  const subscription = subscriptionView(principal.workspace)
  if (!subscription.usageBlocked) return
  throw new ApiProblem(
    403,
    'usage-blocked',
    `No ${what} can be created while the workspace's usage is blocked.`,
    `Upgrade the ${subscription.planName} plan to lift the block.`,
  )
}
