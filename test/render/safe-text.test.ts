import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {safe, safeForStream, terminalSafe} from '../../src/output/safe-text.js'

describe('terminal-safe text', () => {
  it('replaces C0, DEL, C1 and bidi controls with visible escapes; keeps tab, newline and ordinary text', () => {
    assert.equal(terminalSafe('a\u001b[2Jb'), 'a\\x1b[2Jb')
    assert.equal(terminalSafe('bell\u0007 cr\r del\u007f csi\u009b nul\u0000'), 'bell\\x07 cr\\x0d del\\x7f csi\\x9b nul\\x00')
    assert.equal(terminalSafe('rtl\u202eoverride\u2066isolate\u2028line'), 'rtl\\u202eoverride\\u2066isolate\\u2028line')
    assert.equal(terminalSafe('tab\tnew\nline é 日本 🙂'), 'tab\tnew\nline é 日本 🙂')
  })

  it('is idempotent: what it returns is already safe', () => {
    const once = terminalSafe('x\u001b]52;c;AAAA\u0007y')
    assert.equal(terminalSafe(once), once)
  })

  it('on a coloured stream keeps only SGR colour sequences; off colour it escapes them too', () => {
    const text = '\u001b[1mbold\u001b[22m \u001b]0;title\u0007 \u001b[2J'
    assert.equal(safeForStream(text, true), '\u001b[1mbold\u001b[22m \\x1b]0;title\\x07 \\x1b[2J')
    assert.equal(safeForStream(text, false), '\\x1b[1mbold\\x1b[22m \\x1b]0;title\\x07 \\x1b[2J')
  })

  it('the safe template escapes the interpolated values only', () => {
    const name = 'n\u001b[2J'
    assert.equal(safe`Deleted project ${name} (${'id\r'}).`, 'Deleted project n\\x1b[2J (id\\x0d).')
  })
})
