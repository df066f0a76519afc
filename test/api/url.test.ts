import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {InvalidIdError} from '../../src/api/errors.js'
import {apiPath} from '../../src/api/path.js'
import {ApiUrlError, checkTransportSecurity, isLoopbackHost, normalizeApiUrl} from '../../src/api/url.js'

describe('normalizeApiUrl', () => {
  const table: [string, string][] = [
    ['https://api.prisma.io', 'https://api.prisma.io/'],
    ['https://api.prisma.io/', 'https://api.prisma.io/'],
    ['https://api.prisma.io/v1', 'https://api.prisma.io/'],
    ['https://api.prisma.io/v1/', 'https://api.prisma.io/'],
    ['https://api.prisma.io//v1//', 'https://api.prisma.io/'],
    ['  https://api.prisma.io/v1\n', 'https://api.prisma.io/'],
    ['HTTPS://API.Prisma.IO/v1', 'https://api.prisma.io/'],
    ['http://127.0.0.1:7466', 'http://127.0.0.1:7466/'],
    ['http://localhost:7466/v1/', 'http://localhost:7466/'],
    ['http://[::1]:7466/v1', 'http://[::1]:7466/'],
    ['https://gateway.example.com/prisma/v1', 'https://gateway.example.com/prisma'],
    ['https://gateway.example.com/prisma/', 'https://gateway.example.com/prisma'],
    ['https://example.com/v1beta', 'https://example.com/v1beta'],
    ['https://api.prisma.io:443/v1', 'https://api.prisma.io/'],
  ]
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} -> ${expected}`, () => {
      assert.equal(normalizeApiUrl(input).href, expected)
    })
  }

  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    ['api.prisma.io', /not a valid API URL/],
    ['not a url', /not a valid API URL/],
    ['ftp://api.prisma.io', /https:\/\/ or http:\/\/, not ftp:/],
    ['localhost:7466', /https:\/\/ or http:\/\//],
    ['https://user:secret@api.prisma.io', /user name or password/],
    ['https://api.prisma.io/v1?x=1', /query string/],
    ['https://api.prisma.io/#top', /fragment/],
  ]
  for (const [input, message] of bad) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(() => normalizeApiUrl(input), (error: unknown) => {
        assert.ok(error instanceof ApiUrlError, `expected ApiUrlError, got ${String(error)}`)
        assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`)
        assert.equal(error.code, 'usage')
        assert.match(error.message, message)
        return true
      })
    })
  }
})

describe('isLoopbackHost', () => {
  for (const host of ['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '127.1.2.3', '127.255.255.255', '::1', '[::1]', '[::ffff:7f00:1]', '::ffff:127.0.0.1']) {
    it(`${host} is loopback`, () => assert.equal(isLoopbackHost(host), true))
  }
  for (const host of ['api.prisma.io', 'localhost.example.com', 'mylocalhost', '128.0.0.1', '10.0.0.1', '127.0.0.256', '0.0.0.0', '::2', '[::]', '[::ffff:a00:1]', '127.0.0.1.nip.io']) {
    it(`${host} is not loopback`, () => assert.equal(isLoopbackHost(host), false))
  }
  it('agrees with how URL writes hosts', () => {
    assert.equal(isLoopbackHost(new URL('http://[::1]:1/').hostname), true)
    assert.equal(isLoopbackHost(new URL('http://127.1/').hostname), true)
    assert.equal(isLoopbackHost(new URL('http://[0:0:0:0:0:ffff:127.0.0.1]/').hostname), true)
  })
})

describe('checkTransportSecurity', () => {
  it('lets https through anywhere and http to loopback', () => {
    assert.equal(checkTransportSecurity(new URL('https://api.prisma.io'), false), undefined)
    assert.equal(checkTransportSecurity(new URL('http://127.0.0.1:7466'), false), undefined)
    assert.equal(checkTransportSecurity(new URL('http://localhost:7466'), false), undefined)
    assert.equal(checkTransportSecurity(new URL('http://[::1]:7466'), false), undefined)
  })

  it('refuses plain http to another host', () => {
    assert.throws(() => checkTransportSecurity(new URL('http://api.example.com'), false), (error: unknown) => {
      assert.ok(error instanceof ApiUrlError, `expected ApiUrlError, got ${String(error)}`)
      assert.match(error.message, /plain http:\/\/ to api\.example\.com/)
      assert.match(error.message, /--insecure/)
      return true
    })
  })

  it('allows it with insecure and returns a warning', () => {
    const warning = checkTransportSecurity(new URL('http://10.0.0.5:8080'), true)
    assert.match(warning ?? '', /plain http:\/\/ to 10\.0\.0\.5:8080/)
    assert.doesNotMatch(warning ?? '', /^Warning/)
  })
})

describe('apiPath', () => {
  it('encodes each parameter as one segment', () => {
    const id = 'a/b c?d#e'
    assert.equal(apiPath`/v1/projects/${id}/databases`, '/v1/projects/a%2Fb%20c%3Fd%23e/databases')
    assert.equal(apiPath`/v1/connections/${'con_1'}/rotate`, '/v1/connections/con_1/rotate')
    assert.equal(apiPath`/v1/databases/${'%2e%2e'}`, '/v1/databases/%252e%252e')
  })

  it('refuses ids that would move to another endpoint, or are blank', () => {
    for (const id of ['', '.', '..', ' ', '\t\n']) {
      assert.throws(() => apiPath`/v1/projects/${id}`, InvalidIdError, `apiPath refuses ${JSON.stringify(id)}`)
    }
  })
})
