import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {connectionDetails, databaseConnectionDetails, parseConnectionString} from '../../src/api/connection-details.js'
import type {
  Connection,
  CreatedConnection,
  CreatedDatabase,
  CreatedProjectConnection,
  CreatedProjectDatabase,
  Database,
  LegacyApiKey,
} from '../../src/api/contract.js'

const DIRECT = 'postgres://usr_1:p%40ss%2Fword@db.prisma.io:5432/postgres?sslmode=require'
const POOLED = 'postgres://usr_1:p%40ss%2Fword@pooled.db.prisma.io:5432/postgres?sslmode=require'
const ACCELERATE = 'prisma+postgres://accelerate.prisma-data.net/?api_key=ey.secret'

const database = {id: 'db_1', url: 'https://api.prisma.io/v1/databases/db_1', name: 'main'}

function created(overrides: Partial<CreatedConnection> = {}): CreatedConnection {
  return {
    id: 'con_1',
    type: 'connection',
    url: 'https://api.prisma.io/v1/connections/con_1',
    name: 'ci',
    createdAt: '2025-01-01T00:00:00.000Z',
    kind: 'postgres',
    // Deliberately not in display order: the output order must not depend on it.
    endpoints: {
      accelerate: {host: 'accelerate.prisma-data.net', port: 443, connectionString: ACCELERATE},
      pooled: {host: 'pooled.db.prisma.io', port: 5432, connectionString: POOLED},
      direct: {host: 'db.prisma.io', port: 5432, connectionString: DIRECT},
    },
    connectionString: DIRECT,
    directConnection: {host: 'db.prisma.io:5432', user: 'usr_1', pass: 'p@ss/word'},
    database,
    host: 'db.prisma.io:5432',
    user: 'usr_1',
    pass: 'p@ss/word',
    ...overrides,
  }
}

function listed(id: string, endpoints: Connection['endpoints']): Connection {
  return {id, type: 'connection', url: `https://api.prisma.io/v1/connections/${id}`, name: `name ${id}`, createdAt: '2025-01-01T00:00:00.000Z', kind: 'postgres', endpoints, database}
}

function minted(id: string, endpoints: CreatedProjectConnection['endpoints']): CreatedProjectConnection {
  return {...listed(id, {}), endpoints}
}

function createdDatabase(overrides: Partial<CreatedDatabase> = {}): CreatedDatabase {
  return {
    id: 'db_1',
    type: 'database',
    url: 'https://api.prisma.io/v1/databases/db_1',
    name: 'main',
    status: 'ready',
    createdAt: '2025-01-01T00:00:00.000Z',
    isDefault: true,
    defaultConnectionId: 'con_1',
    connections: [],
    project: {id: 'proj_1', url: 'https://api.prisma.io/v1/projects/proj_1', name: 'demo'},
    region: {id: 'us-east-1', name: 'US East (N. Virginia)'},
    source: null,
    branchId: null,
    logicalId: null,
    apiKeys: [],
    connectionString: null,
    directConnection: null,
    ...overrides,
  }
}

describe('parseConnectionString', () => {
  it('reads and URL-decodes the parts of a postgres URL', () => {
    assert.deepEqual(parseConnectionString(DIRECT), {
      protocol: 'postgres:',
      host: 'db.prisma.io',
      port: 5432,
      user: 'usr_1',
      password: 'p@ss/word',
      database: 'postgres',
    })
  })

  it('handles accelerate strings, IPv6 hosts and rubbish', () => {
    assert.deepEqual(parseConnectionString(ACCELERATE), {protocol: 'prisma+postgres:', host: 'accelerate.prisma-data.net'})
    assert.deepEqual(parseConnectionString('postgresql://u@[::1]:6543/my%20db'), {protocol: 'postgresql:', host: '::1', port: 6543, user: 'u', database: 'my db'})
    assert.deepEqual(parseConnectionString('not a url'), {})
    assert.equal(parseConnectionString('postgres://u:%E0%A4%A@h/d').password, '%E0%A4%A')
  })
})

describe('connectionDetails', () => {
  it('lists a created connection\'s endpoints as direct, pooled, accelerate with parsed credentials', () => {
    assert.deepEqual(connectionDetails(created()), {
      id: 'con_1',
      name: 'ci',
      endpoints: [
        {endpoint: 'direct', connectionString: DIRECT, host: 'db.prisma.io', port: 5432, user: 'usr_1', password: 'p@ss/word', database: 'postgres'},
        {endpoint: 'pooled', connectionString: POOLED, host: 'pooled.db.prisma.io', port: 5432, user: 'usr_1', password: 'p@ss/word', database: 'postgres'},
        {endpoint: 'accelerate', connectionString: ACCELERATE, host: 'accelerate.prisma-data.net', port: 443},
      ],
    })
  })

  it('shows only the endpoints the API returned', () => {
    const connection = created({
      endpoints: {accelerate: {host: 'accelerate.prisma-data.net', port: 443, connectionString: ACCELERATE}, direct: {host: 'db.prisma.io', port: 5432, connectionString: DIRECT}},
    })
    assert.deepEqual(connectionDetails(connection).endpoints.map((endpoint) => endpoint.endpoint), ['direct', 'accelerate'])
  })

  it('keeps the current shape over deprecated fields that disagree', () => {
    const connection = created({
      connectionString: 'postgres://old:old@db.prisma.io:5432/old',
      directConnection: {host: 'db.prisma.io:5432', user: 'old', pass: 'old'},
      host: 'db.prisma.io',
      user: 'old',
      pass: 'old',
    })
    const [direct] = connectionDetails(connection).endpoints
    assert.equal(direct.connectionString, DIRECT)
    assert.equal(direct.user, 'usr_1')
    assert.equal(direct.password, 'p@ss/word')
  })

  it('gives hosts and ports alone for a listed connection (no secrets)', () => {
    const connection = listed('con_2', {direct: {host: 'db.prisma.io', port: 5432}, pooled: {host: 'pooled.db.prisma.io', port: 6432}})
    assert.deepEqual(connectionDetails(connection), {
      id: 'con_2',
      name: 'name con_2',
      endpoints: [
        {endpoint: 'direct', host: 'db.prisma.io', port: 5432},
        {endpoint: 'pooled', host: 'pooled.db.prisma.io', port: 6432},
      ],
    })
  })

  it('falls back to the deprecated connectionString and directConnection when endpoints lack strings', () => {
    const apiKey: LegacyApiKey = {
      id: 'key_1',
      type: 'connection',
      url: 'https://api.prisma.io/v1/connections/key_1',
      name: 'legacy',
      createdAt: '2024-01-01T00:00:00.000Z',
      kind: 'accelerate',
      endpoints: {},
      connectionString: ACCELERATE,
      directConnection: {host: 'db.prisma.io:5433', user: 'legacy_user', pass: 's3cr%t'},
    }
    assert.deepEqual(connectionDetails(apiKey).endpoints, [
      {endpoint: 'direct', host: 'db.prisma.io', port: 5433, user: 'legacy_user', password: 's3cr%t'},
      {endpoint: 'accelerate', connectionString: ACCELERATE, host: 'accelerate.prisma-data.net', port: 443},
    ])
  })

  it('puts a deprecated postgres string on the endpoint whose host it names', () => {
    const connection = {
      ...listed('con_3', {direct: {host: 'db.prisma.io', port: 5432}, pooled: {host: 'pooled.db.prisma.io', port: 5432}}),
      connectionString: POOLED,
    }
    const [direct, pooled] = connectionDetails(connection).endpoints
    assert.equal(direct.connectionString, undefined)
    assert.equal(pooled.connectionString, POOLED)
    assert.equal(pooled.password, 'p@ss/word')
  })

  it('reads the deprecated top-level host, user and pass of a rotated connection', () => {
    const connection = created({
      endpoints: {},
      connectionString: ACCELERATE,
      directConnection: null,
      host: '[2001:db8::1]:5432',
      user: 'rot_user',
      pass: 'rot_pass',
    })
    assert.deepEqual(connectionDetails(connection).endpoints, [
      {endpoint: 'direct', host: '2001:db8::1', port: 5432, user: 'rot_user', password: 'rot_pass'},
      {endpoint: 'accelerate', connectionString: ACCELERATE, host: 'accelerate.prisma-data.net', port: 443},
    ])
  })

  it('keeps an unparsable connection string as it is', () => {
    const connection = created({endpoints: {direct: {host: 'db.prisma.io', port: 5432, connectionString: 'not a url'}}})
    // The deprecated fields do not mix their user into an endpoint that has its own string.
    assert.deepEqual(connectionDetails(connection).endpoints, [{endpoint: 'direct', connectionString: 'not a url', host: 'db.prisma.io', port: 5432}])
  })

  it('returns no endpoints when the API gave none', () => {
    const connection = listed('con_4', {})
    assert.deepEqual(connectionDetails(connection), {id: 'con_4', name: 'name con_4', endpoints: []})
  })
})

describe('databaseConnectionDetails', () => {
  it('gives each connection of a created project database', () => {
    const projectDatabase: CreatedProjectDatabase = {
      ...createdDatabase(),
      connections: [
        minted('con_1', {direct: {host: 'db.prisma.io', port: 5432, connectionString: DIRECT}, accelerate: {host: 'accelerate.prisma-data.net', port: 443, connectionString: ACCELERATE}}),
        minted('con_2', {pooled: {host: 'pooled.db.prisma.io', port: 5432, connectionString: POOLED}}),
      ],
    }
    const details = databaseConnectionDetails(projectDatabase)
    assert.deepEqual(details.map((connection) => [connection.id, connection.endpoints.map((endpoint) => endpoint.endpoint)]), [
      ['con_1', ['direct', 'accelerate']],
      ['con_2', ['pooled']],
    ])
    assert.equal(details[0].endpoints[0].password, 'p@ss/word')
  })

  it('fills a connection from the apiKey with the same id and adds other apiKeys', () => {
    const base = createdDatabase()
    const apiKey = (id: string, connectionString: string): LegacyApiKey => ({
      id,
      type: 'connection',
      url: `https://api.prisma.io/v1/connections/${id}`,
      name: `key ${id}`,
      createdAt: '2024-01-01T00:00:00.000Z',
      kind: 'accelerate',
      endpoints: {},
      connectionString,
      directConnection: null,
    })
    const details = databaseConnectionDetails({
      ...base,
      connections: [listed('con_1', {direct: {host: 'db.prisma.io', port: 5432}, accelerate: {host: 'accelerate.prisma-data.net', port: 443}})],
      apiKeys: [apiKey('con_1', ACCELERATE), apiKey('key_9', 'prisma+postgres://accelerate.prisma-data.net/?api_key=other')],
    })
    assert.equal(details.length, 2)
    assert.deepEqual(details[0].endpoints, [
      {endpoint: 'direct', host: 'db.prisma.io', port: 5432},
      {endpoint: 'accelerate', connectionString: ACCELERATE, host: 'accelerate.prisma-data.net', port: 443},
    ])
    assert.equal(details[1].id, 'key_9')
    assert.equal(details[1].endpoints[0].connectionString, 'prisma+postgres://accelerate.prisma-data.net/?api_key=other')
  })

  it('uses the database-level deprecated fields for its default connection', () => {
    const details = databaseConnectionDetails(
      createdDatabase({
        defaultConnectionId: 'con_2',
        connections: [listed('con_1', {direct: {host: 'other.prisma.io', port: 5432}}), listed('con_2', {direct: {host: 'db.prisma.io', port: 5432}})],
        connectionString: ACCELERATE,
        directConnection: {host: 'db.prisma.io', user: 'db_user', pass: 'db_pass'},
      }),
    )
    assert.deepEqual(details[0].endpoints, [{endpoint: 'direct', host: 'other.prisma.io', port: 5432}])
    assert.deepEqual(details[1].endpoints, [
      {endpoint: 'direct', host: 'db.prisma.io', port: 5432, user: 'db_user', password: 'db_pass'},
      {endpoint: 'accelerate', connectionString: ACCELERATE, host: 'accelerate.prisma-data.net', port: 443},
    ])
  })

  it('makes an entry from database-level fields when there are no connections', () => {
    const details = databaseConnectionDetails(createdDatabase({defaultConnectionId: null, connectionString: DIRECT}))
    assert.deepEqual(details, [
      {
        id: 'db_1',
        name: 'main',
        endpoints: [{endpoint: 'direct', connectionString: DIRECT, host: 'db.prisma.io', port: 5432, user: 'usr_1', password: 'p@ss/word', database: 'postgres'}],
      },
    ])
  })

  it('gives hosts and ports alone for a fetched database, and nothing for none', () => {
    const fetched: Database = {
      ...createdDatabase(),
      status: 'ready',
      connections: [listed('con_1', {direct: {host: 'db.prisma.io', port: 5432}})],
    }
    assert.deepEqual(databaseConnectionDetails(fetched), [{id: 'con_1', name: 'name con_1', endpoints: [{endpoint: 'direct', host: 'db.prisma.io', port: 5432}]}])
    assert.deepEqual(databaseConnectionDetails(createdDatabase()), [])
  })
})
