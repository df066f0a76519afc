// Records in creation order (ascending `seq`) with O(1) lookup by id and pages whose cost does
// not depend on how deep the cursor is: a cursor names a `seq`, found by binary search.
import type {Sequenced} from './records.js'

export interface Slice<T> {
  items: T[]
  /** The `seq` of the last item served, when more follow. */
  nextSeq: number | null
}

export class OrderedCollection<T extends Sequenced> {
  /** Ascending by seq; inserts append, deletes splice (a memmove, cheap at tens of thousands). */
  private readonly items: T[] = []
  private readonly byId = new Map<string, T>()

  get size(): number {
    return this.items.length
  }

  get(id: string): T | undefined {
    return this.byId.get(id)
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  add(item: T): void {
    if (this.byId.has(item.id)) throw new Error(`duplicate id ${item.id}`)
    const last = this.items.at(-1)
    if (last && last.seq >= item.seq) {
      // Only loading an unsorted state file lands here.
      this.items.splice(this.firstAfter(item.seq), 0, item)
    } else {
      this.items.push(item)
    }
    this.byId.set(item.id, item)
  }

  delete(id: string): T | undefined {
    const item = this.byId.get(id)
    if (!item) return undefined
    this.byId.delete(id)
    const index = this.firstAfter(item.seq - 1)
    if (this.items[index] === item) this.items.splice(index, 1)
    return item
  }

  values(): readonly T[] {
    return this.items
  }

  first(): T | undefined {
    return this.items[0]
  }

  /** Up to `limit` items with seq greater than `afterSeq` (from the start when undefined). */
  page(afterSeq: number | undefined, limit: number): Slice<T> {
    const start = afterSeq === undefined ? 0 : this.firstAfter(afterSeq)
    const items = this.items.slice(start, start + limit)
    const more = start + limit < this.items.length
    return {items, nextSeq: more && items.length > 0 ? items[items.length - 1].seq : null}
  }

  /** Index of the first item whose seq is greater than `seq`. */
  private firstAfter(seq: number): number {
    let low = 0
    let high = this.items.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.items[middle].seq <= seq) low = middle + 1
      else high = middle
    }
    return low
  }
}

/** Records grouped by their parent's id (a project's databases, a database's connections); an emptied group goes. */
export class OrderedGroups<T extends Sequenced> {
  private readonly groups = new Map<string, OrderedCollection<T>>()

  of(parentId: string): OrderedCollection<T> | undefined {
    return this.groups.get(parentId)
  }

  add(parentId: string, item: T): void {
    let group = this.groups.get(parentId)
    if (!group) this.groups.set(parentId, (group = new OrderedCollection()))
    group.add(item)
  }

  delete(parentId: string, id: string): void {
    const group = this.groups.get(parentId)
    group?.delete(id)
    if (group?.size === 0) this.groups.delete(parentId)
  }
}
