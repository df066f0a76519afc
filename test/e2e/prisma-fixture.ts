// Prisma ORM 7 (the prisma CLI, @prisma/client, @prisma/adapter-pg) lives in a fixture folder with
// its own package.json and lockfile, installed from the npm registry on first use (or by .ci/run
// beforehand), so its packages never enter the project's own install. A client generated from a
// schema then runs in a scratch folder that borrows the fixture's node_modules.
import {execFile} from 'node:child_process'
import {existsSync, statSync} from 'node:fs'
import {mkdir, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {ROOT} from './harness.js'

const exec = promisify(execFile)
export const PRISMA_FIXTURE = join(ROOT, 'test/fixtures/prisma-client')

/** Installs the fixture's packages when its lockfile is newer than what is installed. */
export async function installPrismaFixture(): Promise<void> {
  const installed = join(PRISMA_FIXTURE, 'node_modules', '.package-lock.json')
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(join(PRISMA_FIXTURE, 'package-lock.json')).mtimeMs) return
  // No install scripts: @prisma/engines would try to download engines this client never needs (it runs through a driver adapter).
  await exec('npm', ['ci', '--prefix', PRISMA_FIXTURE, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {cwd: PRISMA_FIXTURE, timeout: 600_000})
}

/** Generates a Prisma Client for `models` in `dir`; its client module's path. */
export async function generateClient(dir: string, models: string): Promise<string> {
  await installPrismaFixture()
  await mkdir(join(dir, 'prisma'), {recursive: true})
  if (!existsSync(join(dir, 'node_modules'))) await symlink(join(PRISMA_FIXTURE, 'node_modules'), join(dir, 'node_modules'), 'dir')
  await writeFile(join(dir, 'package.json'), '{"type": "module"}\n')
  await writeFile(
    join(dir, 'prisma', 'schema.prisma'),
    `generator client {\n  provider = "prisma-client"\n  output = "../generated"\n  engineType = "client"\n}\ndatasource db {\n  provider = "postgresql"\n}\n${models}`,
  )
  // Generating needs no database and no engine: the stand-in schema engine path stops the CLI from downloading one.
  await writeFile(join(dir, 'prisma.config.ts'), "import {defineConfig} from 'prisma/config'\nexport default defineConfig({schema: 'prisma/schema.prisma'})\n")
  const {stdout, stderr} = await exec(process.execPath, [join(PRISMA_FIXTURE, 'node_modules', 'prisma', 'build', 'index.js'), 'generate'], {
    cwd: dir,
    env: {...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false', PRISMA_ENGINES_MIRROR: 'http://127.0.0.1:9', CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1'},
    timeout: 120_000,
  })
  if (!/Generated Prisma Client \(7\./.test(stdout + stderr)) throw new Error(`prisma generate did not generate a client:\n${stdout}${stderr}`)
  return join(dir, 'generated', 'client.ts')
}
