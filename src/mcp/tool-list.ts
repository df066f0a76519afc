// The table of MCP tools in docs/mcp.md, made from the declarations so that it cannot drift from
// them (scripts/mcp-tools-readme.ts writes it; a unit test fails when the page's copy is stale).
import {z} from 'zod'

import type {ToolDeclaration} from './tools.js'

export const START_MARKER = '<!-- mcp-tools -->'
export const END_MARKER = '<!-- mcp-toolsstop -->'

function exposure(tool: ToolDeclaration): string {
  if (tool.annotations.readOnlyHint) return 'always'
  return tool.annotations.destructiveHint ? '`--allow-destructive`' : 'not with `--read-only`'
}

function hints(tool: ToolDeclaration): string {
  const {readOnlyHint, destructiveHint, idempotentHint} = tool.annotations
  const kind = readOnlyHint ? 'read-only' : destructiveHint ? 'destructive' : 'not destructive'
  return idempotentHint ? `${kind}, idempotent` : kind
}

function argumentsOf(tool: ToolDeclaration): string {
  const names = Object.entries(tool.input).map(([name, schema]) => (z.safeParse(schema, undefined).success ? `${name}?` : `**${name}**`))
  return names.join(', ') || '-'
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ')

/** The markdown table, one row per tool in declaration order. */
export function toolTable(tools: readonly ToolDeclaration[]): string {
  const lines = ['| Tool | Exposed | Hints | Arguments (**required**) | What it does |', '|---|---|---|---|---|']
  for (const tool of tools) lines.push(`| \`${tool.name}\` | ${exposure(tool)} | ${hints(tool)} | ${argumentsOf(tool)} | ${cell(tool.description)} |`)
  return lines.join('\n')
}

/** The page with the text between the markers replaced by the table; throws when a marker is missing. */
export function withToolTable(page: string, tools: readonly ToolDeclaration[]): string {
  const start = page.indexOf(START_MARKER)
  const end = page.indexOf(END_MARKER)
  if (start === -1 || end === -1 || end < start) throw new Error(`The page has no ${START_MARKER} ... ${END_MARKER} block.`)
  return `${page.slice(0, start + START_MARKER.length)}\n${toolTable(tools)}\n${page.slice(end)}`
}
