import { signal } from "@preact/signals";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { HandoverReceipts } from "../bindings/HandoverReceipts";
import type { ImportedReceipt } from "../bindings/ImportedReceipt";
import { DateInput } from "../components/DateInput";
import { ErrorBanner } from "../components/ErrorBanner";
import { lang, methodLabel, receiptStateLabel, t } from "../i18n";
import { open } from "../lib/dialog";
import { formatDate } from "../lib/format";
import { storeRevision } from "../lib/live";

/** The last receipt import: what was recorded, or why the files were refused (nothing was). */
const imported = signal<{ done: ImportedReceipt[] } | { error: unknown } | null>(null);

/** Import receipt files through the core; the handover lists reload on success. */
export function importReceipts(files: string[]) {
  if (files.length === 0) return;
  imported.value = null;
  api.receiptsImport(files).then(
    (done) => {
      imported.value = { done };
      storeRevision.value++;
    },
    (error) => (imported.value = { error }),
  );
}

/** Receipt files dropped anywhere on the office's window are imported; the outcome is shown. */
export function ReceiptDrop() {
  const rc = t();
  useEffect(() => {
    const unlisten = getCurrentWebview().onDragDropEvent((e) => {
      if (e.payload.type === "drop") importReceipts(e.payload.paths);
    });
    return () => {
      unlisten.then((f) => f());
    };
  }, []);
  const r = imported.value;
  if (!r) return null;
  const closed = "done" in r ? r.done.filter((d) => d.closed).length : 0;
  return (
    <div data-testid="receipt-import">
      {"error" in r ? (
        <ErrorBanner error={r.error} />
      ) : (
        <div class="banner ok" role="status" data-testid="receipt-imported">
          {rc.rcImported(r.done.length, closed)}
        </div>
      )}
      <button class="link" onClick={() => (imported.value = null)}>
        ×
      </button>
    </div>
  );
}

/** Every handover, newest first: its receipts' state (the core's), with the evidence of a
 * destruction receipt, and the way to import receipts or record a return by hand. */
export function Handovers({ today }: { today: string }) {
  const tx = t();
  const rc = t();
  const [rows, setRows] = useState<HandoverReceipts[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [closing, setClosing] = useState<string | null>(null);
  const load = () => api.handoversReceipts().then((h) => setRows([...h].reverse()), setError);
  const revision = storeRevision.value;
  useEffect(() => {
    load();
  }, [revision]);
  const choose = async () => {
    const p = await open({ title: rc.rcImportTitle, filters: [{ name: rc.rcReceipt, extensions: ["age", "txt"] }] }).catch(setError);
    if (p) importReceipts([p]);
  };
  return (
    <>
      <div class="toolbar">
        <span class="muted">{rc.rcDropHint}</span>
        <span class="spacer" />
        <button class="primary" onClick={choose} data-testid="import-receipts">
          {rc.rcImport}
        </button>
      </div>
      {error ? <ErrorBanner error={error} /> : null}
      {rows && rows.length === 0 && <div class="empty">{tx.accNoHistory}</div>}
      {rows && rows.length > 0 && (
        <table class="review" data-testid="handovers-table">
          <thead>
            <tr>
              {[tx.accHandoverId, tx.date, tx.contractorId, tx.accMethod, tx.accCustomers, tx.accReturnBy, rc.rcReceipt, tx.closed].map((h) => (
                <th key={h}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <HandoverRow key={r.handover.id} row={r} today={today} closing={closing === r.handover.id} onClosing={setClosing} onError={setError} onClosed={load} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

interface RowProps {
  row: HandoverReceipts;
  today: string;
  closing: boolean;
  onClosing: (id: string | null) => void;
  onError: (e: unknown) => void;
  onClosed: () => void;
}

function HandoverRow({ row, today, closing, onClosing, onError, onClosed }: RowProps) {
  const tx = t();
  const l = lang.value;
  const h = row.handover;
  // Overdue and by how many days: decided in the core (the office's today), not compared here.
  const daysPast = row.daysOverdue ?? 0;
  const late = row.daysOverdue != null;
  return (
    <tr class={late ? "late-row" : ""} data-testid={`handover-${h.id}`}>
      <td class="mono nw">{h.id}</td>
      <td class="nw">{formatDate(h.createdAt, l)}</td>
      <td>{h.contractorId}</td>
      <td>{methodLabel(h.method)}</td>
      <td>{h.customers.length}</td>
      <td>
        {formatDate(h.returnBy, l)}
        {late && <div class="late">{tx.overdueReturn(daysPast)}</div>}
      </td>
      <ReceiptCell row={row} />
      <td>
        {h.closedOn ? (
          formatDate(h.closedOn, l)
        ) : closing ? (
          <CloseForm
            id={h.id}
            today={today}
            onError={onError}
            onDone={() => {
              onClosing(null);
              onClosed();
            }}
          />
        ) : (
          <button class="link" onClick={() => onClosing(h.id)} data-testid={`close-${h.id}`}>
            {tx.confirmDestruction}
          </button>
        )}
      </td>
    </tr>
  );
}

/** Where a handover stands with its receipts; a destruction receipt's evidence unfolds. */
function ReceiptCell({ row }: { row: HandoverReceipts }) {
  const rc = t();
  const l = lang.value;
  const d = row.receipts.destruction;
  return (
    <td data-testid={`receipt-state-${row.handover.id}`}>
      <span class={`chip receipt-${row.state}`}>{receiptStateLabel(row.state)}</span>
      {row.receipts.receivedOn && <div class="muted">{rc.rcReceivedOn(formatDate(row.receipts.receivedOn, l))}</div>}
      {d && (
        <details data-testid={`receipt-evidence-${row.handover.id}`}>
          <summary>
            {rc.rcEvidence(d.by, d.deleted.length)}
            {d.notDeleted.length > 0 && ` · ${rc.rcNotDeletedCount(d.notDeleted.length)}`}
          </summary>
          <div class="muted">{formatDate(d.on, l)}</div>
          <ul>
            {d.deleted.map((f) => (
              <li key={f} class="mono">
                {f}
              </li>
            ))}
            {d.notDeleted.map((n) => (
              <li key={n.path}>
                <span class="mono">{n.path}</span> — {rc.rcNotDeletedReason(n.reason)}
              </li>
            ))}
          </ul>
          {d.note && <div>{d.note}</div>}
        </details>
      )}
    </td>
  );
}

/** Record that handover `id` was returned or destroyed: the date (not after today) and a note. */
function CloseForm({ id, today, onError, onDone }: { id: string; today: string; onError: (e: unknown) => void; onDone: () => void }) {
  const tx = t();
  const [date, setDate] = useState(today);
  const [note, setNote] = useState("");
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        onError(null);
        api.confirmDestruction(id, date, note.trim() || null).then(onDone, onError);
      }}
    >
      <DateInput max={today} value={date} ariaLabel={tx.destructionDate} onChange={setDate} />
      <input value={note} placeholder={tx.note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
      <button class="primary" type="submit">
        {tx.confirmDestruction}
      </button>
    </form>
  );
}
