// Rewrites the MCP tool table in docs/mcp.md from the tool declarations (src/mcp/tools.ts).
// Usage: node --import tsx scripts/mcp-tools-readme.ts [--check]   (--check: exit 1 when stale)
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {withToolTable} from '../src/mcp/tool-list.js'
import {TOOLS} from '../src/mcp/tools.js'

const file = join(import.meta.dirname, '..', 'docs', 'mcp.md')
const page = readFileSync(file, 'utf8')
const fresh = withToolTable(page, TOOLS)
if (process.argv.includes('--check')) {
  if (fresh !== page) {
    process.stderr.write('docs/mcp.md\'s MCP tool table is stale: run `npm run readme:mcp`.\n')
    process.exit(1)
  }
} else if (fresh !== page) {
  writeFileSync(file, fresh)
  process.stdout.write('Rewrote the MCP tool table in docs/mcp.md.\n')
}
