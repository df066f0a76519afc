// `db psql`'s pieces in process: which psql runs (PSQL, else PATH), the environment it gets (the
// password only there, nothing that would override the connection), and the signals while it
// runs: SIGINT left to psql, SIGTERM and SIGHUP passed on, one before it starts remembered.
import assert from 'node:assert/strict'
import {chmod, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {findPsql, guardSignals, INSTALL_HINT, psqlEnvironment, signalExitCode, sslModeOf} from '../../src/flows/psql.js'

let dir: string
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prisma-mgmt-psql-'))
  for (const folder of ['bin', 'other', 'plain', 'folder/psql']) await mkdir(join(dir, folder), {recursive: true})
  await writeFile(join(dir, 'bin', 'psql'), '#!/bin/sh\n')
  await chmod(join(dir, 'bin', 'psql'), 0o755)
  await writeFile(join(dir, 'other', 'psql'), '#!/bin/sh\n')
  await chmod(join(dir, 'other', 'psql'), 0o755)
  await writeFile(join(dir, 'plain', 'psql'), 'not executable')
  await chmod(join(dir, 'plain', 'psql'), 0o644)
})
after(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('finding psql', () => {
  it('the first executable psql file on PATH, past empty entries, folders and files that are not executable', async () => {
    const path = ['', join(dir, 'missing'), join(dir, 'folder'), join(dir, 'bin'), join(dir, 'other')].join(delimiter)
    assert.equal(await findPsql({PATH: path}), join(dir, 'bin', 'psql'))
    assert.equal(await findPsql({PATH: `${delimiter}${join(dir, 'other')}`}), join(dir, 'other', 'psql'))
  })

  it('an empty PATH entry is not the current folder: a psql there is never run', async () => {
    const cwd = process.cwd()
    process.chdir(join(dir, 'bin'))
    try {
      assert.equal(await findPsql({PATH: `${delimiter}${join(dir, 'other')}`}), join(dir, 'other', 'psql'))
    } finally {
      process.chdir(cwd)
    }
  })

  it('none on PATH: a usage error with the ways to install it', async () => {
    for (const env of [{PATH: join(dir, 'missing')}, {}]) {
      await assert.rejects(findPsql(env), {name: 'UsageError', message: 'psql, the PostgreSQL client, was not found on PATH; no connection was created.'})
    }
    await assert.rejects(findPsql({PATH: join(dir, 'plain')}), (error: Error & {next?: string}) => error.next === INSTALL_HINT)
    assert.match(INSTALL_HINT, /Or set PSQL to the path of a psql executable\.$/)
  })

  it('PSQL, trimmed, absolute or relative to the folder the command runs in, wins over PATH', async () => {
    assert.equal(await findPsql({PSQL: ` ${join(dir, 'other', 'psql')} `, PATH: join(dir, 'bin')}), join(dir, 'other', 'psql'))
    assert.equal(await findPsql({PSQL: 'other/psql', PATH: join(dir, 'bin')}, dir), join(dir, 'other', 'psql'))
    assert.equal(await findPsql({PSQL: '  ', PATH: join(dir, 'bin')}), join(dir, 'bin', 'psql'), 'a blank PSQL counts as unset')
  })

  it('a PSQL that is not an executable file is refused by name', async () => {
    for (const given of [join(dir, 'plain', 'psql'), join(dir, 'folder', 'psql'), join(dir, 'missing', 'psql')]) {
      await assert.rejects(findPsql({PSQL: given, PATH: join(dir, 'bin')}), (error: Error & {next?: string}) => {
        assert.equal(error.message, `PSQL is set to ${JSON.stringify(given)}, which is not an executable file.`)
        assert.equal(error.next, `Point PSQL at psql, or unset it to use the psql on PATH. ${INSTALL_HINT}`)
        return true
      })
    }
  })
})

describe("psql's environment", () => {
  const endpoint = {endpoint: 'direct', host: 'db.example.test', port: 5432, connectionString: 'postgres://u:p@db.example.test:5432/app?sslmode=verify-full'} as const

  it('the endpoint as PG variables, the password only there; PGSERVICE, PGPASSFILE and PSQL removed; the rest kept', () => {
    const env = psqlEnvironment({...endpoint, user: 'u', password: 'p', database: 'app'}, {HOME: '/home/u', PGSERVICE: 's', PGPASSFILE: '/p', PSQL: '/usr/bin/psql', PGUSER: 'old'})
    assert.deepEqual(env, {HOME: '/home/u', PGHOST: 'db.example.test', PGPORT: '5432', PGUSER: 'u', PGDATABASE: 'app', PGPASSWORD: 'p', PGSSLMODE: 'verify-full'})
  })

  it('what the endpoint does not say is left as the caller had it', () => {
    const env = psqlEnvironment({endpoint: 'pooled', host: 'h', port: 6543}, {PGUSER: 'me', PGDATABASE: 'db', PGPASSWORD: 'mine', PGSSLMODE: 'require'})
    assert.deepEqual(env, {PGHOST: 'h', PGPORT: '6543', PGUSER: 'me', PGDATABASE: 'db', PGPASSWORD: 'mine', PGSSLMODE: 'require'})
  })

  it('sslmode from the connection string, if it names one', () => {
    assert.equal(sslModeOf(endpoint.connectionString), 'verify-full')
    assert.equal(sslModeOf('postgres://h/db'), undefined)
    assert.equal(sslModeOf('not a url'), undefined)
    assert.equal(sslModeOf(''), undefined)
    assert.equal(sslModeOf(undefined), undefined)
  })

  it('a signal ends psql with 128 + its number, as shells say', () => {
    assert.deepEqual([signalExitCode('SIGINT'), signalExitCode('SIGTERM'), signalExitCode('SIGHUP')], [130, 143, 129])
  })
})

describe('signals around psql', () => {
  it('before psql starts: the first signal is remembered, and nothing is forwarded', () => {
    const guard = guardSignals()
    try {
      assert.equal(guard.before, undefined)
      process.emit('SIGTERM', 'SIGTERM')
      process.emit('SIGHUP', 'SIGHUP')
      assert.equal(guard.before, 'SIGTERM')
    } finally {
      guard.dispose()
    }
  })

  it('while psql runs: SIGTERM and SIGHUP passed on, SIGINT left to it (the terminal sent it one already); after it: ignored', () => {
    const guard = guardSignals()
    const sent: NodeJS.Signals[] = []
    try {
      guard.forwardTo({kill: (signal) => sent.push(signal) > 0})
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.emit(signal, signal)
      assert.deepEqual(sent, ['SIGTERM', 'SIGHUP'])
      guard.forwardTo(undefined)
      process.emit('SIGTERM', 'SIGTERM')
      assert.deepEqual(sent, ['SIGTERM', 'SIGHUP'])
      assert.equal(guard.before, undefined, 'a signal after psql ran is not one before it started')
    } finally {
      guard.dispose()
    }
  })

  it('no psql handed over yet (forwarding stopped before it started): a signal still counts as one before psql', () => {
    const guard = guardSignals()
    try {
      guard.forwardTo(undefined)
      process.emit('SIGHUP', 'SIGHUP')
      assert.equal(guard.before, 'SIGHUP')
    } finally {
      guard.dispose()
    }
  })

  it('disposed: its listeners are gone', () => {
    const counts = () => ['SIGINT', 'SIGTERM', 'SIGHUP'].map((signal) => process.listenerCount(signal))
    const before = counts()
    const guard = guardSignals()
    assert.deepEqual(counts(), before.map((n) => n + 1))
    guard.dispose()
    assert.deepEqual(counts(), before)
  })
})
