// Every character the terminal-safe filter promises to escape, one at a time, through every
// output format: the boxed table on a terminal, tab-separated rows, CSV, JSON, YAML, the MCP
// server's results and messages, and error messages. And what must pass untouched: printable
// text, tab and newline where the format keeps them, ordinary Unicode, the neighbours of each range.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {parse as parseYaml} from 'yaml'

import {ApiError} from '../../src/api/errors.js'
import {DeliveredError} from '../../src/errors.js'
import {errorResult, scrubber, successResult} from '../../src/mcp/results.js'
import {reportFailure} from '../../src/output/failure.js'
import type {FieldSpec} from '../../src/output/fields.js'
import {stringifyJson, writeJson} from '../../src/output/json.js'
import {printList, printRecord, toCsv, toTsv, toYaml} from '../../src/output/print.js'
import {safe, safeForStream, terminalSafe} from '../../src/output/safe-text.js'
import {fakeIO} from '../unit/fake-io.js'

// The promise, written out range by range (docs/security.md), independently of the filter's own pattern.
const C0 = Array.from({length: 0x20}, (_, c) => c).filter((c) => c !== 0x09 && c !== 0x0a)
const DEL = [0x7f]
const C1 = Array.from({length: 0x20}, (_, c) => 0x80 + c)
const BIDI_MARKS = [0x200e, 0x200f]
const SEPARATORS = [0x2028, 0x2029]
const EMBEDDINGS = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e]
const ISOLATES = [0x2066, 0x2067, 0x2068, 0x2069]
const ESCAPED = [...C0, ...DEL, ...C1, ...BIDI_MARKS, ...SEPARATORS, ...EMBEDDINGS, ...ISOLATES]
const ESCAPED_SET = new Set(ESCAPED)
/** What JSON.stringify leaves raw of them, and every machine format escapes as \u. */
const BEYOND_JSON = ESCAPED.filter((c) => c >= 0x7f)

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0')
/** The visible escape people see: \x1b below 0x100, \u202e above. */
const shown = (code: number) => (code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`)
const char = (code: number) => String.fromCodePoint(code)
const name = (code: number) => `U+${hex(code, 4).toUpperCase()}`

/** Any one of the promised characters, raw. */
function rawIn(text: string): string[] {
  return [...text].filter((c) => ESCAPED_SET.has(c.codePointAt(0)!)).map((c) => name(c.codePointAt(0)!))
}

// What must pass untouched: printable ASCII, Latin-1 after C1, the neighbours of every escaped
// range (U+200D, U+2010, U+2027, U+202F, U+2065, U+206A), other scripts, emoji and astral characters.
const NEIGHBOURS = [0x20, 0x7e, 0xa0, 0xff, 0x100, 0x200b, 0x200c, 0x200d, 0x2010, 0x2027, 0x202f, 0x2065, 0x206a, 0xfeff]
const ORDINARY = `${Array.from({length: 0x5f}, (_, i) => char(0x20 + i)).join('')}${Array.from({length: 0x60}, (_, i) => char(0xa0 + i)).join('')}${NEIGHBOURS.map(char).join('')} é 日本語 עברית العربية 🙂👍🏽 𝔘`

interface Row {
  id: string
  name: string
}

// Ids are whole (never cut), so a value is one cell of one line on a wide terminal.
const spec: FieldSpec<Row> = [
  {name: 'id', header: 'ID', text: (r) => r.id, whole: true},
  {name: 'name', header: 'NAME', text: (r) => r.name, whole: true},
]
const rowFor = (code: number): Row => ({id: `id_${hex(code, 4)}`, name: `a${char(code)}b`})
const ROWS = ESCAPED.map(rowFor)

describe('terminal-safe text: every promised character', () => {
  it('terminalSafe escapes each one, alone and between letters, as \\xNN or \\uNNNN', () => {
    for (const code of ESCAPED) {
      assert.equal(terminalSafe(char(code)), shown(code), name(code))
      assert.equal(terminalSafe(`a${char(code)}b`), `a${shown(code)}b`, name(code))
    }
  })

  it('every character of the Basic Multilingual Plane: escaped exactly when promised, all others kept', () => {
    // Surrogates stand alone only in broken text; they pass as they are.
    const codes = Array.from({length: 0x10000}, (_, c) => c)
    const text = codes.map(char).join('')
    const expected = codes.map((c) => (ESCAPED_SET.has(c) ? shown(c) : char(c))).join('')
    const out = terminalSafe(text)
    if (out !== expected) {
      const wrong = codes.filter((c) => terminalSafe(char(c)) !== (ESCAPED_SET.has(c) ? shown(c) : char(c))).map(name)
      assert.fail(`characters escaped or kept against the promise: ${wrong.slice(0, 40).join(' ')}`)
    }
  })

  it('keeps printable text, tab, newline and ordinary Unicode exactly', () => {
    assert.equal(terminalSafe(`${ORDINARY}\t\n`), `${ORDINARY}\t\n`)
    assert.equal(terminalSafe('🙂\u{1f3fd}\u{10ffff}'), '🙂\u{1f3fd}\u{10ffff}', 'astral characters')
  })

  it('safeForStream: coloured, every character outside the SGR sequences is escaped and the SGR kept; uncoloured, ESC too', () => {
    for (const code of ESCAPED) {
      const text = `\u001b[1m${char(code)}\u001b[22m`
      const sgr = code === 0x1b ? `\u001b[1m\\x1b\u001b[22m` : `\u001b[1m${shown(code)}\u001b[22m`
      assert.equal(safeForStream(text, true), sgr, name(code))
      assert.equal(safeForStream(text, false), `\\x1b[1m${shown(code)}\\x1b[22m`, name(code))
    }
    assert.equal(safeForStream(ORDINARY, true), ORDINARY)
    assert.equal(safeForStream(ORDINARY, false), ORDINARY)
  })

  it('the safe template escapes every character in the values, none in the literal text', () => {
    for (const code of ESCAPED) assert.equal(safe`x\ty ${`a${char(code)}`}.`, `x\ty a${shown(code)}.`, name(code))
    assert.equal(safe`${ORDINARY}`, ORDINARY)
  })
})

describe('every output format escapes the same set', () => {
  const terminal = (columns = 400) => fakeIO({tty: true, columns, env: {NO_COLOR: '1'}})

  it('the boxed table on a terminal: one row per character, each shown as its escape', async () => {
    const io = terminal()
    await printList({io, format: 'table'}, spec, ROWS)
    assert.deepEqual(rawIn(io.stdout.text), [], 'nothing raw')
    for (const code of ESCAPED) assert.ok(io.stdout.text.includes(`│ id_${hex(code, 4)} │ a${shown(code)}b `), `${name(code)}:\n${io.stdout.text.slice(0, 400)}`)
  })

  it('a record on a terminal (label and value): each character shown as its escape', async () => {
    for (const code of ESCAPED) {
      const io = terminal(80)
      await printRecord({io, format: 'table'}, spec, rowFor(code))
      assert.deepEqual(rawIn(io.stdout.text), [], name(code))
      assert.ok(io.stdout.text.includes(`│ NAME │ a${shown(code)}b`), `${name(code)}:\n${io.stdout.text}`)
    }
  })

  it('tab-separated rows off a terminal: each character escaped; tab and newline become \\t and \\n', async () => {
    const io = fakeIO()
    await printList({io, format: 'table'}, spec, ROWS)
    assert.equal(io.stdout.text, ['ID\tNAME', ...ESCAPED.map((code) => `id_${hex(code, 4)}\ta${shown(code)}b`), ''].join('\n'))
    assert.equal(toTsv(spec, [{id: 'x', name: `${ORDINARY}\t\n`}]), `ID\tNAME\nx\t${ORDINARY}\\t\\n\n`)
  })

  it('CSV: each character escaped; a newline stays inside a quoted field', async () => {
    const io = fakeIO()
    await printList({io, format: 'csv'}, spec, ROWS)
    assert.equal(io.stdout.text, ['ID,NAME', ...ESCAPED.map((code) => `id_${hex(code, 4)},a${shown(code)}b`), ''].join('\r\n'))
    const plain = ORDINARY.replaceAll('"', '""')
    assert.equal(toCsv(spec, [{id: 'x', name: `${ORDINARY}\t\n`}]), `ID,NAME\r\nx,"${plain}\t\n"\r\n`)
  })

  it('JSON: DEL, C1 and the bidi and line controls as \\u escapes as well as the C0 JSON escapes itself; reads back exact', async () => {
    const io = fakeIO()
    await printList({io, format: 'json'}, spec, ROWS)
    assert.deepEqual(rawIn(io.stdout.text), [], 'nothing raw')
    assert.deepEqual(JSON.parse(io.stdout.text), ROWS, 'the same strings once parsed')
    for (const code of BEYOND_JSON) assert.ok(io.stdout.text.includes(`"a\\u${hex(code, 4)}b"`), name(code))
    assert.equal(stringifyJson({name: ORDINARY}), JSON.stringify({name: ORDINARY}), 'ordinary text as JSON.stringify writes it')
  })

  it('JSON lists long enough to be written in batches escape the same', () => {
    const many = Array.from({length: 600}, (_, i) => rowFor(ESCAPED[i % ESCAPED.length]))
    const io = fakeIO()
    writeJson(io.stdout, many)
    assert.deepEqual(rawIn(io.stdout.text), [])
    assert.deepEqual(JSON.parse(io.stdout.text), many)
  })

  it('YAML: every character escaped inside double quotes, exactly as JSON escapes it; reads back exact', async () => {
    const io = fakeIO()
    await printList({io, format: 'yaml'}, spec, ROWS)
    assert.deepEqual(rawIn(io.stdout.text), [], 'nothing raw')
    assert.deepEqual(parseYaml(io.stdout.text), ROWS, 'the same strings once parsed')
    for (const code of BEYOND_JSON) assert.ok(io.stdout.text.includes(`name: "a\\u${hex(code, 4)}b"`), `${name(code)}:\n${io.stdout.text.slice(0, 300)}`)
    assert.deepEqual(parseYaml(await toYaml({name: ORDINARY})), {name: ORDINARY}, 'ordinary text reads back exact')
    assert.deepEqual(rawIn(await toYaml({name: ORDINARY})), [])
    const plain = `é 日本語 🙂 a${NEIGHBOURS.slice(2).map(char).join('')}z`
    assert.equal(await toYaml({name: plain}), `name: ${plain}\n`, 'ordinary Unicode stays plain, unquoted')
  })

  it('a YAML key holding a character is escaped too', async () => {
    for (const code of BEYOND_JSON) {
      const text = await toYaml({[`k${char(code)}`]: 'v'})
      assert.deepEqual(rawIn(text), [], name(code))
      assert.deepEqual(parseYaml(text), {[`k${char(code)}`]: 'v'}, name(code))
    }
  })

  it('error messages: the message, hint and next step on stderr show each escape; the JSON and YAML documents stay exact', async () => {
    for (const code of ESCAPED) {
      const text = `a${char(code)}b`
      const error = new ApiError(404, 'not-found', `No project ${text}.`, `Hint ${text}`)
      const human = fakeIO()
      assert.equal(await reportFailure(error, {io: human}), 4, name(code))
      assert.equal(human.stderr.text.split('\n').slice(0, 2).join('\n'), `Error: No project a${shown(code)}b.\nHint: Hint a${shown(code)}b`, name(code))
      assert.deepEqual(rawIn(human.stderr.text), [], name(code))
      for (const format of ['json', 'yaml'] as const) {
        const io = fakeIO()
        await reportFailure(new DeliveredError({id: 'p', name: text}, error, `Next ${text}`), {io, format})
        assert.deepEqual(rawIn(io.stdout.text), [], `${format} ${name(code)}`)
        assert.deepEqual(rawIn(io.stderr.text), [], `${format} stderr ${name(code)}`)
        const document = (format === 'json' ? JSON.parse(io.stdout.text) : parseYaml(io.stdout.text)) as {name: string; error: {message: string; hint: string}}
        assert.deepEqual([document.name, document.error.message, document.error.hint], [text, `No project ${text}.`, `Hint ${text}`], `${format} ${name(code)}`)
        assert.ok(io.stderr.text.includes(`Next a${shown(code)}b`), `${format} next step ${name(code)}:\n${io.stderr.text}`)
      }
    }
  })

  it('the MCP server: results and tool errors escape every character in JSON and in the text for people; structured content exact', () => {
    const scrub = scrubber(() => [])
    for (const code of ESCAPED) {
      const text = `a${char(code)}b`
      const success = successResult({structured: {name: text}, text: terminalSafe(`Project ${text}`)}, scrub)
      assert.deepEqual(success.structuredContent, {name: text}, name(code))
      assert.deepEqual(rawIn(success.content[1].text), [], name(code))
      assert.equal(success.content[0].text, `Project a${shown(code)}b`, name(code))
      const failure = errorResult(new ApiError(404, 'not-found', `No project ${text}.`, `Hint ${text}`), scrub)
      assert.equal(failure.content[0].text.split('\n').slice(0, 2).join('\n'), `Error: No project a${shown(code)}b.\nHint: Hint a${shown(code)}b`, name(code))
      assert.deepEqual(rawIn(failure.content[1].text), [], name(code))
      assert.deepEqual((failure.structuredContent.error as {message: string}).message, `No project ${text}.`, name(code))
      // The JSON-RPC line the stdio transport writes.
      const line = stringifyJson({jsonrpc: '2.0', id: 1, result: success})
      assert.deepEqual(rawIn(line), [], name(code))
      assert.deepEqual(JSON.parse(line).result.structuredContent, {name: text}, name(code))
    }
  })
})
