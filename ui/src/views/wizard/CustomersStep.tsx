import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api } from "../../api";
import type { Customer } from "../../bindings/Customer";
import type { ExclusionReason } from "../../bindings/ExclusionReason";
import { fieldLabel, lang, t } from "../../i18n";
import { fold } from "../../lib/fold";
import { formatCount } from "../../lib/format";
import { visibleWindow } from "../../lib/virtual";
import type { StepProps } from "./Wizard";

const ROW_HEIGHT = 36;

interface Indexed {
  c: Customer;
  key: string;
}

/**
 * Step 3: the customers. Search and tick, or paste a list of ids. Customers the core's
 * screening leaves out for this work type are greyed out with its reason and cannot be ticked.
 */
export function CustomersStep({
  draft,
  update,
  known,
  customers,
  onError,
}: StepProps & { customers: Customer[] | null; onError: (e: unknown) => void }) {
  const tr = t();
  const [query, setQuery] = useState("");
  const [onlySelected, setOnlySelected] = useState(false);
  const [pasteOpen, setPasteOpen] = useState(false);

  const indexed: Indexed[] = useMemo(
    () => (customers ?? []).map((c) => ({ c, key: fold([c.customerId, c.name, c.nameKana, c.address, c.phone].join("\u001f")) })),
    [customers],
  );
  const selected = useMemo(() => new Set(draft.customers), [draft.customers]);
  const rows = useMemo(() => {
    const q = fold(query);
    return indexed.filter((r) => (!q || r.key.includes(q)) && (!onlySelected || selected.has(r.c.customerId)));
  }, [indexed, query, onlySelected, onlySelected ? selected : null]);
  const list = useKeyboardList(rows.length, customers !== null);
  const pasting = usePastedIds({ draft, update, known, selected, onError });

  const toggle = (id: string, on: boolean) => {
    update({ customers: on ? [...draft.customers, id] : draft.customers.filter((x) => x !== id) });
  };
  const selectShown = () => {
    const add = rows.map((r) => r.c.customerId).filter((id) => !selected.has(id) && !known.excluded.has(id));
    update({ customers: [...draft.customers, ...add] });
  };

  if (customers !== null && customers.length === 0) {
    return <div class="empty">{tr.emptyRegister}</div>;
  }
  const n = (x: number) => formatCount(x, lang.value);
  return (
    <div class="customers-step">
      <p class="lead">{tr.customersLead}</p>
      <div class="toolbar wrap">
        <input
          class="search"
          type="search"
          placeholder={tr.searchCustomers}
          aria-label={tr.searchCustomers}
          // Uncontrolled: a barcode scanner types faster than the list re-renders, and a
          // controlled value would be written back stale, dropping characters.
          defaultValue={query}
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
          data-testid="wizard-search"
        />
        <strong class="count" data-testid="selected-count">
          {tr.selectedCount(n(draft.customers.length))}
        </strong>
        <label class="check">
          <input type="checkbox" checked={onlySelected} onChange={(e) => setOnlySelected((e.target as HTMLInputElement).checked)} data-testid="only-selected" />
          {tr.onlySelected}
        </label>
        <span class="spacer" />
        <button type="button" onClick={selectShown} disabled={rows.length === 0} data-testid="select-shown">
          {tr.selectShown}
        </button>
        <button type="button" onClick={() => update({ customers: [] })} disabled={draft.customers.length === 0} data-testid="clear-selection">
          {tr.clearSelection}
        </button>
        <button type="button" aria-expanded={pasteOpen} onClick={() => setPasteOpen(!pasteOpen)} data-testid="paste-toggle">
          {tr.pasteIds}
        </button>
      </div>
      {pasteOpen && <PastePanel {...pasting} />}
      <PickTable rows={rows} loaded={customers !== null} list={list} known={known} selected={selected} onToggle={toggle} />
    </div>
  );
}

/** The customers found, drawn a window at a time. */
function PickTable({
  rows,
  loaded,
  list,
  known,
  selected,
  onToggle,
}: {
  rows: Indexed[];
  loaded: boolean;
  list: ReturnType<typeof useKeyboardList>;
  known: StepProps["known"];
  selected: Set<string>;
  onToggle: (id: string, on: boolean) => void;
}) {
  const tr = t();
  const w = visibleWindow(rows.length, ROW_HEIGHT, list.scrollTop, list.height);
  return (
    <div class="table pick" role="table" aria-rowcount={rows.length} data-testid="wizard-customers">
      <div class="thead" role="row">
        <div role="columnheader" class="sr-only-text">{tr.wzChoose}</div>
        <div role="columnheader">{fieldLabel("customer_id")}</div>
        <div role="columnheader">{fieldLabel("name")}</div>
        <div role="columnheader">{fieldLabel("name_kana")}</div>
        <div role="columnheader">{fieldLabel("address")}</div>
        <div role="columnheader">{fieldLabel("phone")}</div>
        <div role="columnheader">{tr.colPlan}</div>
      </div>
      <div class="tbody" ref={list.scroller} onScroll={(e) => list.setScrollTop((e.target as HTMLElement).scrollTop)} onKeyDown={list.onKey}>
        {rows.length === 0 && loaded ? (
          <div class="empty inline">{tr.wzNoMatch}</div>
        ) : (
          <div style={{ height: `${w.totalHeight}px`, position: "relative" }}>
            <div style={{ transform: `translateY(${w.offsetTop}px)` }}>
              {rows.slice(w.start, w.end).map(({ c }, i) => (
                <PickRow
                  key={c.customerId}
                  c={c}
                  idx={w.start + i}
                  reason={known.excluded.get(c.customerId)}
                  on={selected.has(c.customerId)}
                  onFocus={list.setFocusIdx}
                  onToggle={onToggle}
                />
              ))}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

/**
 * A long list drawn a window at a time: its scroll and height, and the arrow and page keys
 * moving the focus from box to box (scrolling it into view).
 */
function useKeyboardList(count: number, loaded: boolean) {
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(420);
  const [focusIdx, setFocusIdx] = useState<number | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, [loaded]);
  useEffect(() => {
    if (focusIdx === null) return;
    const el = scroller.current?.querySelector<HTMLInputElement>(`input[data-index="${focusIdx}"]`);
    el?.focus();
  }, [focusIdx, scrollTop]);
  const onKey = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    const idx = Number(target.dataset.index);
    if (Number.isNaN(idx)) return;
    let to: number | null = null;
    if (e.key === "ArrowDown") to = Math.min(count - 1, idx + 1);
    else if (e.key === "ArrowUp") to = Math.max(0, idx - 1);
    else if (e.key === "PageDown") to = Math.min(count - 1, idx + Math.floor(height / ROW_HEIGHT));
    else if (e.key === "PageUp") to = Math.max(0, idx - Math.floor(height / ROW_HEIGHT));
    if (to === null) return;
    e.preventDefault();
    const el = scroller.current;
    if (el) {
      const top = to * ROW_HEIGHT;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    }
    setFocusIdx(to);
  };
  return { scroller, scrollTop, setScrollTop, height, setFocusIdx, onKey };
}

interface PasteNote {
  added: number;
  excluded: number;
  unknown: string[];
}

/** Pasted ids: the text, and what adding them did (kept while the panel is closed and opened). */
function usePastedIds({
  draft,
  update,
  known,
  selected,
  onError,
}: StepProps & { selected: Set<string>; onError: (e: unknown) => void }) {
  const [paste, setPaste] = useState("");
  const [note, setNote] = useState<PasteNote | null>(null);
  // The core reads the pasted text (separators, full-width, repeats) and looks the ids up,
  // exactly as the CLI's --customers does.
  const addPasted = () =>
    api.pasteIds(paste).then(({ found, unknown }) => {
      const fresh = found.filter((id) => !selected.has(id));
      update({ customers: [...draft.customers, ...fresh] });
      setNote({ added: fresh.length, excluded: fresh.filter((id) => known.excluded.has(id)).length, unknown });
      if (unknown.length === 0) setPaste("");
    }, onError);
  return { paste, setPaste, note, addPasted };
}

/** The box to paste ids into, and what adding them found. */
function PastePanel({ paste, setPaste, note, addPasted }: ReturnType<typeof usePastedIds>) {
  const tr = t();
  return (
    <div class="paste card">
      <label>
        <span class="muted small">{tr.pasteHint}</span>
        <textarea rows={3} autoFocus value={paste} spellcheck={false} onInput={(e) => setPaste((e.target as HTMLTextAreaElement).value)} data-testid="customer-ids" />
      </label>
      <div class="row">
        <button type="button" class="primary" onClick={addPasted} disabled={paste.trim() === ""} data-testid="paste-add">
          {tr.addPasted}
        </button>
        {note && (
          <span class="small" role="status" data-testid="paste-result">
            {tr.pastedResult(note.added, note.excluded)}
            {note.unknown.length > 0 && <span class="err-text"> {tr.notFound(note.unknown.join("、"))}</span>}
          </span>
        )}
      </div>
    </div>
  );
}

/** One customer to tick, or greyed out with the core's reason. */
function PickRow({
  c,
  idx,
  reason,
  on,
  onFocus,
  onToggle,
}: {
  c: Customer;
  idx: number;
  reason: ExclusionReason | undefined;
  on: boolean;
  onFocus: (idx: number) => void;
  onToggle: (id: string, on: boolean) => void;
}) {
  const tr = t();
  // Not `disabled`: a disabled box cannot be focused, and the arrow keys must
  // stop on it so that its reason is read out; ticking it just does nothing.
  const blocked = !!reason && !on;
  return (
    <label
      class={`tr${idx % 2 ? " odd" : ""}${reason ? " out" : ""}${on ? " on" : ""}`}
      role="row"
      style={{ height: `${ROW_HEIGHT}px` }}
      data-testid="pick-row"
      title={reason ? tr.excludedReason(reason) : undefined}
    >
      <div>
        <input
          type="checkbox"
          checked={on}
          aria-disabled={blocked}
          aria-describedby={reason ? `out-${c.customerId}` : undefined}
          data-index={idx}
          data-testid={`pick-${c.customerId}`}
          aria-label={`${c.customerId} ${c.name ?? ""}`}
          onFocus={() => onFocus(idx)}
          onClick={(e) => blocked && e.preventDefault()}
          onChange={(e) => onToggle(c.customerId, (e.target as HTMLInputElement).checked)}
        />
      </div>
      <div class="mono">{c.customerId}</div>
      <div>{c.name}</div>
      <div class="muted">{c.nameKana}</div>
      {reason ? (
        <div class="reason span2" id={`out-${c.customerId}`} data-testid={`excluded-${c.customerId}`}>
          {tr.excludedReason(reason)}
        </div>
      ) : (
        <>
          <div title={c.address ?? ""}>{c.address}</div>
          <div class="mono">{c.phone}</div>
        </>
      )}
      <div>{c.floorPlan ? <span class="chip">{c.floorPlan.ext.toUpperCase()}</span> : ""}</div>
    </label>
  );
}
