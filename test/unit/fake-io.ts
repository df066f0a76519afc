// In-memory streams for running output and commands in process: what was written, and whether
// each stream claims to be a terminal.
import {Readable} from 'node:stream'

import type {IOStreams, OutputStream} from '../../src/io/streams.js'

export class Captured implements OutputStream {
  text = ''
  constructor(
    readonly isTTY: boolean,
    readonly columns?: number,
  ) {}

  write(chunk: string): boolean {
    this.text += chunk
    return true
  }

  // What a spinner (ora) calls on a terminal stream: a carriage return for going back to the
  // line's start, so that each frame and the final line begin a line of their own in `text`.
  cursorTo(x: number): boolean {
    if (x === 0) this.text += '\r'
    return true
  }

  clearLine(): boolean {
    return true
  }

  moveCursor(): boolean {
    return true
  }
}

export interface FakeIO extends IOStreams {
  stdout: Captured
  stderr: Captured
}

export function fakeIO({tty = false, columns = 80, env = {}, input = ''}: {tty?: boolean; columns?: number; env?: NodeJS.ProcessEnv; input?: string} = {}): FakeIO {
  const stdin = Object.assign(Readable.from(input === '' ? [] : [input]), {isTTY: tty})
  return {stdout: new Captured(tty, tty ? columns : undefined), stderr: new Captured(tty, tty ? columns : undefined), stdin, env}
}
