import { useEffect, useRef, useState } from "preact/hooks";
import type { Customer } from "../bindings/Customer";
import { fieldLabel, t } from "../i18n";
import { visibleWindow } from "../lib/virtual";

const ROW_HEIGHT = 34;

/**
 * The register as a virtualized table: only the rows in view are in the DOM, and only their
 * blocks are fetched (`onRange`); a row whose block has not arrived yet is drawn empty.
 */
export function CustomerTable({
  count,
  rowAt,
  resetKey,
  onRange,
  onOpen,
}: {
  count: number;
  rowAt: (i: number) => Customer | undefined;
  /** Changes when the rows are other rows (a new search): scroll back to the top. */
  resetKey: string;
  onRange: (start: number, end: number) => void;
  /** Open a customer's page (click or Enter on a row). */
  onOpen?: (id: string) => void;
}) {
  const tr = t();
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
    setScrollTop(0);
  }, [resetKey]);

  const w = visibleWindow(count, ROW_HEIGHT, scrollTop, height);
  useEffect(() => onRange(w.start, w.end), [w.start, w.end, resetKey, count]);
  const visible: (Customer | undefined)[] = [];
  for (let i = w.start; i < w.end; i++) visible.push(rowAt(i));
  const cols = [fieldLabel("customer_id"), fieldLabel("name"), fieldLabel("name_kana"), fieldLabel("postal_code"), fieldLabel("address"), fieldLabel("phone"), fieldLabel("service"), tr.colPlan];
  return (
    <div class="table" role="table" aria-rowcount={count} data-testid="customer-table">
      <div class="thead" role="row">
        {cols.map((c) => (
          <div role="columnheader" key={c}>
            {c}
          </div>
        ))}
      </div>
      <div class="tbody" ref={scroller} onScroll={(e) => setScrollTop((e.target as HTMLElement).scrollTop)} tabIndex={0}>
        <div style={{ height: `${w.totalHeight}px`, position: "relative" }}>
          <div style={{ transform: `translateY(${w.offsetTop}px)` }}>
            {visible.map((c, i) =>
              !c ? (
                <div class="tr pending" role="row" aria-rowindex={w.start + i + 1} key={`pending-${w.start + i}`} style={{ height: `${ROW_HEIGHT}px` }} />
              ) : (
                <CustomerRow customer={c} index={w.start + i} onOpen={onOpen} key={c.customerId} />
              ),
            )}
          </div>
        </div>
      </div>
    </div>
  );
}

/** One customer's row; `index` is its place in the whole register (0-based). */
function CustomerRow({ customer: c, index, onOpen }: { customer: Customer; index: number; onOpen?: (id: string) => void }) {
  return (
    <div
      class={`${index % 2 ? "tr odd" : "tr"}${onOpen ? " clickable" : ""}`}
      role="row"
      aria-rowindex={index + 1}
      style={{ height: `${ROW_HEIGHT}px` }}
      data-testid="customer-row"
      data-id={c.customerId}
      tabIndex={onOpen ? 0 : undefined}
      onClick={onOpen && (() => onOpen(c.customerId))}
      onKeyDown={onOpen && ((e: KeyboardEvent) => e.key === "Enter" && onOpen(c.customerId))}
    >
      <div class="mono">{c.customerId}</div>
      <div>{c.name}</div>
      <div class="muted">{c.nameKana}</div>
      <div class="mono">{c.postalCode}</div>
      <div title={c.address ?? ""}>{c.address}</div>
      <div class="mono">{c.phone}</div>
      <div>{c.service}</div>
      <div>{c.floorPlan ? <span class="chip">{c.floorPlan.ext.toUpperCase()}</span> : ""}</div>
    </div>
  );
}
