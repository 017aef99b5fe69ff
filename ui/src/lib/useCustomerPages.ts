import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import type { Customer } from "../bindings/Customer";
import { storeRevision } from "./live";
import { BLOCK, PageCache } from "./pages";

export interface CustomerPages {
  /** Customers matching the query; null until the first answer. */
  total: number | null;
  /** The query the rows on screen belong to. */
  shownQuery: string;
  rowAt: (i: number) => Customer | undefined;
  /** Fetch what rows `start..end` need. */
  ensure: (start: number, end: number) => void;
  /** Start again (after an import). */
  reload: () => void;
  error: unknown;
}

/** Search-as-you-type over the register, a block at a time (see lib/pages.ts). */
export function useCustomerPages(query: string): CustomerPages {
  const cache = useRef<PageCache | null>(null);
  const asked = useRef(0);
  const [, setVersion] = useState(0);
  const [reloads, setReloads] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const bump = () => setVersion((v) => v + 1);
  // Another PC (or process) changed the store: start again (lib/live.ts).
  const revision = storeRevision.value;

  useEffect(() => {
    // Answers can arrive out of order: only the latest query's first block is taken.
    const seq = ++asked.current;
    api.customersPage(query, 0, BLOCK).then(
      (p) => {
        if (seq !== asked.current) return;
        const c = new PageCache(p.query, p.total);
        c.put(0, p.customers);
        cache.current = c;
        setError(null);
        bump();
      },
      (e) => seq === asked.current && setError(e),
    );
  }, [query, reloads, revision]);

  const ensure = (start: number, end: number) => {
    const c = cache.current;
    if (!c) return;
    for (const b of c.claim(start, end)) {
      api.customersPage(c.query, b * BLOCK, BLOCK).then(
        (p) => {
          c.put(p.offset, p.customers);
          if (cache.current === c) bump();
        },
        (e) => {
          c.release(b);
          setError(e);
        },
      );
    }
  };

  const c = cache.current;
  return {
    total: c ? c.total : null,
    shownQuery: c ? c.query : query,
    rowAt: (i) => c?.rowAt(i),
    ensure,
    reload: () => setReloads((r) => r + 1),
    error,
  };
}
