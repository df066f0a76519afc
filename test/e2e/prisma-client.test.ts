// Prisma ORM 7.10 as an application uses it, on the strings `emulator start` (default mode) hands
// out: Prisma Client with @prisma/adapter-pg on `direct` and `pooled`, and Prisma Client alone on the
// `accelerate` string (prisma+postgres://, answered by Prisma's query executor). Each: create, read,
// an interactive transaction (committed, and rolled back by an error), and a unique violation
// (P2002). An accelerate key is refused (401, P6002) once its connection is rotated.
import assert from 'node:assert/strict'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {pathToFileURL} from 'node:url'

import {localProject, parseJson, removeDir, tempDir} from './harness.js'
import {generateClient, PRISMA_FIXTURE} from './prisma-fixture.js'
import {query} from './sql.js'

interface Endpoint {
  host: string
  port: number
  connectionString: string
}

interface Minted {
  id: string
  endpoints: {direct: Endpoint; pooled: Endpoint; accelerate: Endpoint}
}

interface CreatedProject {
  database: {id: string; status: string; connections: Minted[]}
}

interface Note {
  id: number
  body: string
}

interface NoteDelegate {
  create(args: {data: {body: string}}): Promise<Note>
  findMany(args: {orderBy: {id: 'asc'}}): Promise<Note[]>
  count(): Promise<number>
  deleteMany(): Promise<unknown>
}

interface PrismaLike {
  note: NoteDelegate
  $transaction<T>(work: (tx: {note: NoteDelegate}) => Promise<T>): Promise<T>
  $disconnect(): Promise<void>
}

type PrismaClientClass = new (options: unknown) => PrismaLike

const MODELS = 'model Note {\n  id Int @id @default(autoincrement())\n  body String @unique\n}\n'

/** CRUD, an interactive transaction committed and one rolled back, and P2002, through one client. */
async function exercise(prisma: PrismaLike, label: string): Promise<void> {
  await prisma.note.deleteMany()
  const created = await prisma.note.create({data: {body: `${label}: first`}})
  assert.equal(created.body, `${label}: first`)
  const counted = await prisma.$transaction(async (tx) => {
    await tx.note.create({data: {body: `${label}: in a transaction`}})
    return tx.note.count()
  })
  assert.equal(counted, 2)
  await assert.rejects(
    prisma.$transaction(async (tx) => {
      await tx.note.create({data: {body: `${label}: rolled back`}})
      throw new Error('changed my mind')
    }),
    /changed my mind/,
  )
  await assert.rejects(prisma.note.create({data: {body: `${label}: first`}}), (error: {code?: string}) => {
    assert.equal(error.code, 'P2002', String(error))
    return true
  })
  assert.deepEqual((await prisma.note.findMany({orderBy: {id: 'asc'}})).map((note) => note.body), [`${label}: first`, `${label}: in a transaction`])
}

describe('Prisma Client 7.10 on the emulator\'s strings (default mode)', {timeout: 600_000}, () => {
  const local = localProject<CreatedProject, Minted>('prisma-client')
  let scratch = ''
  let PrismaClient: PrismaClientClass
  let PrismaPg: new (options: {connectionString: string}) => unknown

  before(async () => {
    scratch = await tempDir()
    const client = await generateClient(join(scratch, 'app'), MODELS)
    ;({PrismaClient} = (await import(pathToFileURL(client).href)) as {PrismaClient: PrismaClientClass})
    const fixtureRequire = createRequire(join(PRISMA_FIXTURE, 'package.json'))
    ;({PrismaPg} = (await import(pathToFileURL(fixtureRequire.resolve('@prisma/adapter-pg')).href)) as {PrismaPg: typeof PrismaPg})
    const connection = local.project.database.connections[0] as Minted
    await query(connection.endpoints.direct.connectionString, 'create table "Note" (id serial primary key, body text not null unique)')
  })
  after(async () => {
    await removeDir(scratch)
  })

  for (const endpoint of ['direct', 'pooled'] as const) {
    it(`@prisma/adapter-pg on the ${endpoint} string: CRUD, interactive transactions, P2002`, async () => {
      const url = (local.project.database.connections[0] as Minted).endpoints[endpoint].connectionString
      const prisma = new PrismaClient({adapter: new PrismaPg({connectionString: url})})
      try {
        await exercise(prisma, endpoint)
      } finally {
        await prisma.$disconnect()
      }
    })
  }

  it('the accelerate string (prisma+postgres://, no adapter): CRUD, interactive transactions, P2002', async () => {
    const url = (local.project.database.connections[0] as Minted).endpoints.accelerate.connectionString
    assert.match(url, /^prisma\+postgres:\/\/127\.0\.0\.1:\d+\/\?api_key=/)
    const prisma = new PrismaClient({accelerateUrl: url})
    try {
      await exercise(prisma, 'accelerate')
    } finally {
      await prisma.$disconnect()
    }
    // What it wrote is in the database the direct string names.
    const direct = (local.project.database.connections[0] as Minted).endpoints.direct.connectionString
    assert.deepEqual(await query(direct, 'select body from "Note" order by id'), [{body: 'accelerate: first'}, {body: 'accelerate: in a transaction'}])
  })

  it('an accelerate key is its connection\'s: a made-up one is refused, a rotated one too (401, P6002), the new one works', async () => {
    const minted = await local.mint()
    const key = (url: string): string => new URL(url).searchParams.get('api_key') ?? ''
    const ask = async (url: string, apiKey = key(url)): Promise<{status: number; code: string | null}> => {
      const answer = await fetch(`http://${new URL(url).host}/connection-info`, {headers: {authorization: `Bearer ${apiKey}`}})
      await answer.text()
      return {status: answer.status, code: answer.headers.get('prisma-error-code')}
    }
    const accelerate = minted.endpoints.accelerate.connectionString
    const claims = JSON.parse(Buffer.from(key(accelerate), 'base64url').toString('utf8')) as {databaseUrl: string}
    assert.equal(claims.databaseUrl, minted.endpoints.direct.connectionString, 'the key wraps the connection\'s own direct string')
    assert.deepEqual(await ask(accelerate), {status: 200, code: null})
    const madeUp = Buffer.from(JSON.stringify({databaseUrl: claims.databaseUrl.replace(/:[^:@/]+@/, ':guessed@')})).toString('base64url')
    assert.deepEqual(await ask(accelerate, madeUp), {status: 401, code: 'P6002'})
    const rotated = await local.run(['db', 'connections', 'rotate', minted.id, '--yes', '--json'])
    assert.equal(rotated.code, 0, rotated.stderr)
    const fresh = parseJson<Minted>(rotated).endpoints.accelerate.connectionString
    assert.deepEqual(await ask(accelerate), {status: 401, code: 'P6002'})
    const prisma = new PrismaClient({accelerateUrl: accelerate})
    try {
      await assert.rejects(prisma.note.count(), (error: Error) => /P6002|Unauthorized|API key/i.test(`${(error as {code?: string}).code ?? ''} ${error.message}`))
    } finally {
      await prisma.$disconnect()
    }
    assert.deepEqual(await ask(fresh), {status: 200, code: null})
  })
})
