// The README and docs/ as a reader copies from them, in process: every `prisma-mgmt` line names a
// command and flags the CLI has, every variable a line uses is defined before it, no line runs
// `npx prisma-mgmt` (the name on the npm registry is not this project's), every link leads to a
// page and heading that exist, and the README keeps its shape. The README's console sessions are
// run for real by test/e2e/readme-examples.test.ts; docs/commands.md is checked against `--help`
// by test/e2e/cli.test.ts.
import assert from 'node:assert/strict'
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {dirname, join, normalize} from 'node:path'
import {describe, it} from 'node:test'

import {codeBlocks, commandLines, documents, invocationProblem, invocations, readManifest, ROOT} from './examples.js'

/** The documents a reader copies from; the generated reference is checked against --help elsewhere. */
const DOCS = documents().filter(([file]) => file !== 'docs/commands.md')
const MARKDOWN = [...documents(), ['CHANGELOG.md', readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')] as [string, string]]

/**
 * Variables a line may use without defining them, and where they come from: the two lines
 * `emulator start` prints (and a CI secret), a dotenv file the same document writes with
 * `--env-file` or `-o env` and sources, and the shell's own.
 */
const FROM_ELSEWHERE: Record<string, string> = {
  PRISMA_SERVICE_TOKEN: 'printed by emulator start; a CI secret',
  PRISMA_MANAGEMENT_API_URL: 'printed by emulator start',
  DATABASE_URL: 'a .env file written by db credentials --env-file and sourced',
  AWS_ACCESS_KEY_ID: 'buckets keys create -o env, sourced',
  AWS_SECRET_ACCESS_KEY: 'buckets keys create -o env, sourced',
  AWS_ENDPOINT_URL_S3: 'buckets keys create -o env, sourced',
  S3_BUCKET: 'buckets keys create -o env, sourced',
  PATH: 'the shell',
  HOME: 'the shell',
}

/** The names a shell line assigns: `NAME=...`, `export NAME=...`, `read NAME`, `for NAME in`. */
function assigned(command: string): string[] {
  const names = [...command.matchAll(/(?:^|[\s;&|(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/g)].map((match) => match[1])
  for (const match of command.matchAll(/\b(?:read(?:\s+-\w+)*|for)\s+([A-Za-z_][A-Za-z0-9_]*)/g)) names.push(match[1])
  return names
}

/** The variables a shell line expands (`$NAME`, `${NAME}`, `${NAME#...}`), leaving out what single quotes keep literal and `$?`. */
function used(command: string): string[] {
  const unquoted = command.replace(/'[^']*'/g, "''")
  return [...unquoted.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1])
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

function anchors(text: string): Set<string> {
  const found = new Set<string>()
  const seen = new Map<string, number>()
  let inCode = false
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) inCode = !inCode
    const heading = !inCode && /^#{1,6}\s+(.+?)\s*#*$/.exec(line)
    if (!heading) continue
    const base = slug(heading[1])
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    found.add(count === 0 ? base : `${base}-${count}`)
  }
  return found
}

describe('README.md and docs/, as a reader copies from them', () => {
  it('every prisma-mgmt line names a command, flags and values the CLI has', () => {
    const manifest = readManifest()
    const problems: string[] = []
    let count = 0
    for (const [file, text] of DOCS) {
      for (const {command, where} of commandLines(file, text)) {
        for (const argv of invocations(command)) {
          count++
          const problem = invocationProblem(argv, manifest)
          if (problem) problems.push(`${where}: ${problem}`)
        }
      }
    }
    assert.ok(count > 50, `only ${count} prisma-mgmt lines were found: the parser of the documents is broken`)
    assert.deepEqual(problems, [])
  })

  it('the checker refuses what the CLI refuses', () => {
    const manifest = readManifest()
    const problem = (line: string) => invocationProblem(invocations(line)[0], manifest)
    assert.equal(problem('prisma-mgmt projects rename "$ID" billing'), undefined)
    assert.match(problem('prisma-mgmt projects lst') ?? '', /no such command/)
    assert.match(problem('prisma-mgmt projects rename x --name y') ?? '', /hidden alias/)
    assert.match(problem('prisma-mgmt db credentials x --endpoint nowhere') ?? '', /not one of direct, pooled, accelerate/)
    assert.match(problem('prisma-mgmt projects list extra') ?? '', /takes 0 argument/)
    assert.match(problem('prisma-mgmt db list --regoin us-east-1') ?? '', /has no flag --regoin/)
  })

  it('every variable a line uses is defined on an earlier line of the same document, or comes from a named source', () => {
    const problems: string[] = []
    for (const [file, text] of DOCS) {
      const defined = new Set(Object.keys(FROM_ELSEWHERE))
      for (const {command, where} of commandLines(file, text)) {
        for (const name of used(command)) if (!defined.has(name) && !assigned(command).includes(name)) problems.push(`${where}: $${name} in "${command}" is never defined before it`)
        for (const name of assigned(command)) defined.add(name)
      }
    }
    assert.deepEqual(problems, [])
    // The check itself: a line using what no line defined is caught.
    assert.deepEqual(used('echo "$TOKEN" | prisma-mgmt login --with-token'), ['TOKEN'])
    assert.deepEqual(used("jq -r '.[] | \"\\($x)\"'"), [], 'single quotes keep $ literal')
    assert.deepEqual(assigned('DB=$(prisma-mgmt db list --json | jq -r .[0].id)'), ['DB'])
  })

  it('no line runs npx prisma-mgmt or names npx as an MCP server command', () => {
    const problems: string[] = []
    for (const [file, text] of MARKDOWN) {
      for (const block of codeBlocks(file, text)) {
        block.lines.forEach((line, i) => {
          if (/\bnpx\b.*\bprisma-mgmt\b/.test(line)) problems.push(`${file}:${block.line + 1 + i}: ${line.trim()}`)
        })
        const body = block.lines.join('\n')
        if (/"command"\s*:\s*"npx"/.test(body) && body.includes('prisma-mgmt')) problems.push(`${file}:${block.line}: an MCP configuration that starts prisma-mgmt with npx`)
      }
    }
    assert.deepEqual(problems, [])
    // The check itself: both forms are seen.
    const [shell, json] = codeBlocks('x.md', '```sh\nnpx -y prisma-mgmt whoami\n```\n```json\n{"command": "npx", "args": ["prisma-mgmt", "mcp"]}\n```\n')
    assert.ok(/\bnpx\b.*\bprisma-mgmt\b/.test(shell.lines[0]) && /"command"\s*:\s*"npx"/.test(json.lines.join('\n')))
    // The MCP and automation pages say how prisma-mgmt gets installed instead.
    for (const file of ['docs/mcp.md', 'docs/automation.md', 'README.md']) {
      const text = readFileSync(join(ROOT, file), 'utf8')
      assert.match(text, /npm pack/, `${file} says where the installed prisma-mgmt comes from`)
    }
  })

  it('every relative link leads to a file that exists, and to a heading in it', () => {
    const problems: string[] = []
    for (const [file, text] of documents()) {
      const prose = text.replace(/^\s*```[\s\S]*?^\s*```/gm, '')
      for (const match of prose.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
        const target = match[1]
        if (/^[a-z]+:/.test(target)) continue
        const [path, anchor] = target.split('#')
        const resolved = path === '' ? file : normalize(join(dirname(file), path))
        if (!existsSync(join(ROOT, resolved))) {
          problems.push(`${file}: ${target}: no file ${resolved}`)
          continue
        }
        if (anchor && resolved.endsWith('.md') && !anchors(readFileSync(join(ROOT, resolved), 'utf8')).has(anchor)) problems.push(`${file}: ${target}: no heading #${anchor} in ${resolved}`)
      }
    }
    assert.deepEqual(problems, [])
  })

  it('the README: at most 400 lines, install, ten everyday tasks, the docs, and the test command CI runs', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const lines = readme.split('\n').length
    assert.ok(lines <= 400, `README.md has ${lines} lines`)
    const headings = [...readme.matchAll(/^(#{2,3}) (.+)$/gm)].map((match) => `${match[1]} ${match[2]}`)
    for (const heading of ['## Install', '## Everyday tasks', '## Documentation', '## Development']) assert.ok(headings.includes(heading), `README has "${heading}"`)
    const tasks = headings.filter((heading) => /^### \d+\. /.test(heading))
    assert.deepEqual(tasks.map((heading) => Number(/^### (\d+)\./.exec(heading)![1])), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'ten numbered tasks')
    // No page in docs/ is an orphan: the README, or another page, links it.
    const pages = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md'))
    const others = (page: string) => pages.filter((other) => other !== page).map((other) => readFileSync(join(ROOT, 'docs', other), 'utf8'))
    for (const page of pages) assert.ok(readme.includes(`](docs/${page}`) || others(page).some((text) => text.includes(`](${page}`)), `README.md or a page of docs/ links docs/${page}`)
    for (const page of ['commands.md', 'login.md', 'automation.md', 'output.md', 'emulator.md', 'mcp.md', 'security.md', 'architecture.md']) assert.ok(readme.includes(`](docs/${page})`), `README links docs/${page}`)
    // The install names the tarball npm pack writes for this version.
    const {version} = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string}
    assert.ok(readme.includes(`npm install -g ./prisma-mgmt-${version}.tgz`), 'the install line names this version\'s tarball')
    // .ci/run runs the test command the README's Development section gives.
    const development = readme.slice(readme.indexOf('## Development'))
    assert.match(development, /^npm test\b/m, 'the Development section gives `npm test`')
    assert.match(readFileSync(join(ROOT, '.ci/run'), 'utf8'), /^npm test$/m, '.ci/run runs `npm test`')
  })
})
