// The register table's rows, fetched from the app a block at a time: the webview holds only
// the blocks that were on screen, never the whole register (100,000 customers as JS objects
// cost seconds to transfer and make every keystroke wait for the garbage collector).
import type { Customer } from "../bindings/Customer";

/** Rows per request. */
export const BLOCK = 200;

/** The blocks of one query's results that have arrived. */
export class PageCache {
  private blocks = new Map<number, Customer[]>();
  private pending = new Set<number>();

  constructor(
    readonly query: string,
    readonly total: number,
  ) {}

  /** The row at a position, if its block has arrived. */
  rowAt(i: number): Customer | undefined {
    return this.blocks.get(Math.floor(i / BLOCK))?.[i % BLOCK];
  }

  /** Store a block's rows (from a page at `offset`). */
  put(offset: number, rows: Customer[]) {
    const b = Math.floor(offset / BLOCK);
    this.pending.delete(b);
    this.blocks.set(b, rows);
  }

  /** The blocks needed for rows `start..end` that are neither here nor asked for; marks them asked. */
  claim(start: number, end: number): number[] {
    const out: number[] = [];
    const last = Math.min(end, this.total) - 1;
    for (let b = Math.floor(Math.max(0, start) / BLOCK); b * BLOCK <= last; b++) {
      if (!this.blocks.has(b) && !this.pending.has(b)) {
        this.pending.add(b);
        out.push(b);
      }
    }
    return out;
  }

  /** A request for a block failed: it may be asked for again. */
  release(b: number) {
    this.pending.delete(b);
  }
}
