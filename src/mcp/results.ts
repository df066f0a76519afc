// What a tool call answers: the API objects as structured content (as `--json` prints them) with a
// text rendering, or a tool error (`isError: true`) carrying the API's code, message, hint and
// status (and a blocked workspace's plan and upgrade URL). Every secret the server knows of is
// scrubbed from both, whatever the API sent.
import {DeliveredError, describeFailure, UsageBlockedError, type Failure} from '../errors.js'
import {stringifyJson} from '../output/json.js'
import {terminalSafe} from '../output/safe-text.js'
import type {ToolOutcome} from './tools.js'

export interface ToolResult {
  [key: string]: unknown
  content: {type: 'text'; text: string}[]
  structuredContent: Record<string, unknown>
  isError?: boolean
}

export type Scrub = (text: string) => string

const HIDDEN = '[token]'

/** Replaces every secret (at least 4 characters), as is and as JSON (or `--json`) escapes it, with `[token]`. */
export function scrubber(secrets: () => readonly (string | undefined)[]): Scrub {
  return (text) => {
    const known = [...new Set(secrets().map((s) => s?.trim()).filter((s): s is string => Boolean(s && s.length >= 4)))]
    // Longest first, so a secret holding another is hidden whole.
    known.sort((a, b) => b.length - a.length)
    let out = text
    for (const secret of known) {
      for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1), stringifyJson(secret).slice(1, -1)])) out = out.split(form).join(HIDDEN)
    }
    return out
  }
}

/** The JSON text block as `--json` prints it (C1 and bidi controls escaped), and the same parsed back as structured content. */
function scrubbedJson(value: unknown, scrub: Scrub): {json: string; structured: Record<string, unknown>} {
  const json = scrub(stringifyJson(value, 2))
  return {json, structured: JSON.parse(json) as Record<string, unknown>}
}

export function successResult(outcome: ToolOutcome, scrub: Scrub): ToolResult {
  const {json, structured} = scrubbedJson(outcome.structured, scrub)
  return {content: [{type: 'text', text: scrub(outcome.text)}, {type: 'text', text: json}], structuredContent: structured}
}

/** The CLI's advice, in the words of a tool call where the CLI's speaks of flags and commands. */
function nextStep(failure: Failure): string | undefined {
  if (failure.exitCode === 2) return 'Check the arguments against the tool\'s input schema.'
  if (failure.status === 404) return 'Check the id; the list tools show what exists.'
  return failure.next
}

export function errorResult(error: unknown, scrub: Scrub): ToolResult {
  const failure = describeFailure(error)
  const body: Record<string, unknown> = {code: failure.code, message: failure.message}
  if (failure.hint) body.hint = failure.hint
  if (failure.status !== undefined) body.status = failure.status
  // A blocked workspace's plan and upgrade URL, as the CLI's --json error has them.
  Object.assign(body, failure.details)
  const next = error instanceof DeliveredError && error.next ? error.next : error instanceof UsageBlockedError ? failure.next : nextStep(failure)
  // What the API created stays beside the error: its one-time secrets must reach the caller.
  const document = error instanceof DeliveredError ? {...error.created, error: body} : {error: body}
  const {json, structured} = scrubbedJson(document, scrub)
  const lines = [`Error: ${failure.message}`]
  if (failure.hint) lines.push(`Hint: ${failure.hint}`)
  if (next) lines.push(next)
  // The rendering for people shows the API's controls as escapes, as the success's does.
  return {content: [{type: 'text', text: terminalSafe(scrub(lines.join('\n')))}, {type: 'text', text: json}], structuredContent: structured, isError: true}
}
