#!/usr/bin/env node
// npm run test:mutation [-- [--report] group...]: runs StrykerJS over each module group of
// stryker.config.mjs in turn (all of them by default), then prints the score of every module as a
// Markdown table (the one in docs/mutation.md) and exits 1 when a module scores under 90%.
// Reports: reports/mutation/<group>.html (every mutant, and which test files ran it) and .json.
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {GROUPS} from '../stryker.config.mjs'

const ROOT = resolve(import.meta.dirname, '..')
const STRYKER = join(ROOT, 'node_modules/@stryker-mutator/core/bin/stryker.js')
const MINIMUM = 90

// --report: print the table from the reports already in reports/mutation/, running nothing.
const reportOnly = process.argv.includes('--report')
const asked = process.argv.slice(2).filter((arg) => arg !== '--report')
const unknown = asked.filter((name) => !(name in GROUPS))
if (unknown.length > 0) {
  process.stderr.write(`Unknown group ${unknown.join(', ')}; the groups are: ${Object.keys(GROUPS).join(', ')}\n`)
  process.exit(2)
}
const groups = asked.length > 0 ? asked : Object.keys(GROUPS)

/** Per module: mutants by status, from a mutation-testing-report-schema report. */
function countsOf(report) {
  return Object.entries(report.files).map(([file, {mutants}]) => {
    const count = (status) => mutants.filter((mutant) => mutant.status === status).length
    const counts = {
      file,
      mutants: mutants.length,
      killed: count('Killed'),
      survived: count('Survived'),
      timeout: count('Timeout'),
      noCoverage: count('NoCoverage'),
      ignored: count('Ignored'),
      errors: count('RuntimeError') + count('CompileError'),
    }
    const detected = counts.killed + counts.timeout
    const valid = detected + counts.survived + counts.noCoverage
    return {...counts, score: valid === 0 ? 100 : (100 * detected) / valid}
  })
}

const rows = []
const started = Date.now()
for (const group of groups) {
  const began = Date.now()
  const reportFile = join(ROOT, 'reports/mutation', `${group}.json`)
  if (reportOnly) {
    if (!existsSync(reportFile)) {
      process.stderr.write(`No report for ${group} yet: run npm run test:mutation -- ${group}\n`)
      process.exit(1)
    }
  } else {
    process.stdout.write(`\n== ${group}: ${GROUPS[group].mutate.join(', ')}\n`)
    const run = spawnSync(process.execPath, [STRYKER, 'run', 'stryker.config.mjs'], {cwd: ROOT, stdio: 'inherit', env: {...process.env, STRYKER_GROUP: group}})
    if (run.status !== 0 || !existsSync(reportFile)) {
      process.stderr.write(`Stryker failed for ${group} (exit ${run.status ?? run.signal}).\n`)
      process.exit(1)
    }
  }
  const seconds = Math.round((Date.now() - began) / 1000)
  for (const counts of countsOf(JSON.parse(readFileSync(reportFile, 'utf8')))) rows.push({group, seconds, ...counts})
}

const header = '| group | module | mutants | killed | survived | timed out | no coverage | ignored | score |'
const lines = [header, '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |']
for (const row of rows) {
  lines.push(
    `| ${row.group} | \`${row.file}\` | ${row.mutants} | ${row.killed} | ${row.survived} | ${row.timeout} | ${row.noCoverage} | ${row.ignored} | ${row.score.toFixed(1)}% |`,
  )
}
process.stdout.write(`\n${lines.join('\n')}\n${reportOnly ? '' : `\nTook ${Math.round((Date.now() - started) / 60_000)} min.\n`}`)
const low = rows.filter((row) => row.score < MINIMUM)
if (low.length > 0) {
  process.stderr.write(`Under ${MINIMUM}%: ${low.map((row) => `${row.file} (${row.score.toFixed(1)}%)`).join(', ')}\n`)
  process.exit(1)
}
