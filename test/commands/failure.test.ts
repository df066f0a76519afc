import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {Errors} from '@oclif/core'

import {ApiError, InvalidResponseError, NetworkError, TimeoutError} from '../../src/api/errors.js'
import {AdvisedError, AuthError, CancelledError, ConfigError, DeliveredError, describeFailure, UsageError} from '../../src/errors.js'
import {reportFailure} from '../../src/output/failure.js'
import {fakeIO} from '../unit/fake-io.js'

describe('describeFailure: one place maps every error to the contract\'s exit code', () => {
  const cases: [string, unknown, number, string][] = [
    ['401', new ApiError(401, 'unauthorized', 'Bad token'), 3, 'unauthorized'],
    ['403', new ApiError(403, 'forbidden', 'No access'), 3, 'forbidden'],
    ['404', new ApiError(404, 'not-found', 'No such project'), 4, 'not-found'],
    ['409', new ApiError(409, 'conflict', 'Exists'), 5, 'conflict'],
    ['429', new ApiError(429, 'rate-limited', 'Slow down'), 6, 'rate-limited'],
    ['500', new ApiError(500, 'internal', 'Oops'), 6, 'internal'],
    ['503', new ApiError(503, 'unavailable', 'Later'), 6, 'unavailable'],
    ['400', new ApiError(400, 'validation', 'Bad region'), 2, 'validation'],
    ['network', new NetworkError('connect ECONNREFUSED'), 6, 'network'],
    ['timeout', new TimeoutError(3, 'http://x/v1/me'), 6, 'timeout'],
    ['invalid response', new InvalidResponseError('not JSON', 200), 6, 'invalid-response'],
    ['usage', new UsageError('bad'), 2, 'usage'],
    ['auth', new AuthError('none'), 3, 'auth-required'],
    ['config', new ConfigError('corrupt'), 1, 'config'],
    ['cancel', new CancelledError(), 130, 'cancelled'],
    ['oclif parse error', new Errors.CLIError('Nonexistent flag: --nope\nSee more help with --help', {exit: 2}), 2, 'usage'],
    ['bug', new TypeError('x is undefined'), 1, 'unexpected'],
    ['delivered, caused by a usage error', new DeliveredError({id: 'c1'}, new UsageError('unquotable')), 2, 'usage'],
    ['delivered, caused by a 503', new DeliveredError({id: 'c1'}, new ApiError(503, 'unavailable', 'Later')), 6, 'unavailable'],
  ]
  for (const [name, error, exitCode, code] of cases) {
    it(`${name} → exit ${exitCode}, code ${code}`, () => {
      const failure = describeFailure(error)
      assert.equal(failure.exitCode, exitCode)
      assert.equal(failure.code, code)
    })
  }

  it('a 400 keeps the API\'s hint, then gives the CLI\'s own next step', () => {
    const failure = describeFailure(new ApiError(400, 'validation-error', 'Invalid region.', 'See GET /v1/regions/postgres for the list.'))
    assert.equal(failure.hint, 'See GET /v1/regions/postgres for the list.')
    assert.equal(failure.next, 'Check the values you passed: `prisma-mgmt <command> --help` shows what each flag takes.')
  })

  it('a generic next step names the command that failed, in the CLI\'s words', async () => {
    const io = fakeIO()
    const code = await reportFailure(new ApiError(400, 'validation-error', 'name must be at most 255 characters long, got 300.'), {io, command: {id: 'db:rename', args: {}}})
    assert.equal(code, 2)
    assert.equal(io.stderr.text, 'Error: name must be at most 255 characters long, got 300.\nCheck the values you passed: `prisma-mgmt db rename --help` shows what each flag takes.\n')
  })

  it('an advised error keeps the cause\'s exit code, code, hint and status, and gives its own next step', () => {
    const failure = describeFailure(new AdvisedError(new ApiError(403, 'forbidden', 'No.', 'Send isDefault: true.'), 'Pass --default.'))
    assert.deepEqual(failure, {exitCode: 3, code: 'forbidden', message: 'No.', hint: 'Send isDefault: true.', status: 403, next: 'Pass --default.'})
  })

  it('keeps the API\'s hint and status', () => {
    const failure = describeFailure(new ApiError(404, 'not-found', 'Project p1 not found', 'List projects first'))
    assert.deepEqual({hint: failure.hint, status: failure.status, message: failure.message}, {hint: 'List projects first', status: 404, message: 'Project p1 not found'})
  })
})
