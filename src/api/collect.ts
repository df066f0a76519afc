// Every item of a paginated list, in memory (the client stops at --limit when given one).
export async function collect<I>(items: AsyncIterable<I>): Promise<I[]> {
  const all: I[] = []
  for await (const item of items) all.push(item)
  return all
}
