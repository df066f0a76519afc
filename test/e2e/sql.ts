// One statement on a connection of its own, for the suites that prove a connection string really
// reaches a database (or is refused: connect() rejects with the server's error, its SQLSTATE in `code`).
import pg from 'pg'

export async function query(url: string, sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({connectionString: url, connectionTimeoutMillis: 20_000})
  // A session the server ends (a restore or a copy taking the database) also reports through 'error'.
  client.on('error', () => undefined)
  await client.connect()
  try {
    return (await client.query(sql, values)).rows
  } finally {
    await client.end()
  }
}
