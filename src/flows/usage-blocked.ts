// A create the API refuses (4xx) may be refused because the workspace's usage is blocked, which the
// bare error seldom says: ask the workspace's subscription, briefly and without letting its own
// failure hide the API's error, and explain the refusal with the plan and the upgrade URL.
import {ApiError} from '../api/errors.js'
import type {ManagementApi} from '../api/management-api.js'
import {UsageBlockedError} from '../errors.js'

/** How long the subscription lookup may take, requests and retries together. */
export const SUBSCRIPTION_LOOKUP_MS = 5000

// 401: the token itself failed; 404: what was named does not exist; 429: busy. None is about the plan.
const NOT_ABOUT_THE_PLAN = new Set([401, 404, 429])

function refusedCreate(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && !NOT_ABOUT_THE_PLAN.has(error.status)
}

/** The URL when it is an http(s) URL; anything else from the API is not offered as a link. */
function webUrl(text: string): string | undefined {
  try {
    const url = new URL(text)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined
  } catch {
    return undefined
  }
}

/**
 * Runs `create`; when the API refuses it, looks up the workspace (`workspace`, given the lookup's
 * signal) and its subscription, and throws UsageBlockedError if usage is blocked, else the API's error.
 */
export async function explainRefusedCreate<T>(
  api: ManagementApi,
  workspace: (signal: AbortSignal) => Promise<{id: string; name?: string} | undefined>,
  create: () => Promise<T>,
  lookupMs = SUBSCRIPTION_LOOKUP_MS,
): Promise<T> {
  try {
    return await create()
  } catch (error) {
    if (!refusedCreate(error)) throw error
    const bound = new AbortController()
    const timer = setTimeout(() => bound.abort(), lookupMs)
    timer.unref()
    try {
      const found = await workspace(bound.signal)
      if (found === undefined) throw error
      const subscription = await api.getSubscription(found.id, {signal: bound.signal})
      if (!subscription.usageBlocked) throw error
      throw new UsageBlockedError(error, found, subscription.planName, webUrl(subscription.upgradeUrl))
    } catch (lookup) {
      // The lookup's own failure (a timeout, a 404, an odd answer) leaves the API's error as it was.
      throw lookup instanceof UsageBlockedError ? lookup : error
    } finally {
      clearTimeout(timer)
    }
  }
}
