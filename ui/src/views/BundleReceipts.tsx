import { signal } from "@preact/signals";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { BundleView } from "../bindings/BundleView";
import type { ReceiptDone } from "../bindings/ReceiptDone";
import type { ReceiptKind } from "../bindings/ReceiptKind";
import { ErrorBanner } from "../components/ErrorBanner";
import { save } from "../lib/dialog";
import { t } from "../i18n";
import { receiptFileName } from "../lib/receipts";

/** The last receipt made: shown until another bundle is opened (a destruction closes the
 * bundle's view, and its plaintext with it, so the result outlives that view). */
export const lastReceipt = signal<ReceiptDone | null>(null);

/** 受領 and 廃棄 for the bundle being viewed: each saves a receipt file through the save
 * dialog; 廃棄 first deletes what this app exported (the core does, and says what it could not). */
export function ReceiptActions({ view, onDestroyed }: { view: BundleView; onDestroyed: () => void }) {
  const tx = t();
  const [by, setBy] = useState("");
  const [destroying, setDestroying] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    lastReceipt.value = null;
  }, [view.sha256]);
  const make = async (kind: ReceiptKind, note: string | null) => {
    setError(null);
    lastReceipt.value = null;
    const name = receiptFileName(view.manifest.handoverId, kind);
    const out = await save({ title: tx.rcSaveTitle, defaultPath: name, filters: [{ name: tx.rcReceipt, extensions: ["age"] }] }).catch(setError);
    if (!out) return;
    api.bundleReceipt({ kind, by, note, out }).then((done) => {
      lastReceipt.value = done;
      if (kind === "destroyed") onDestroyed();
    }, setError);
  };
  return (
    <article class="card no-print" data-testid="receipts">
      <h2>{tx.rcTitle}</h2>
      <p class="muted">{tx.rcIntro}</p>
      <label>
        {tx.rcBy}
        <input value={by} onInput={(e) => setBy((e.target as HTMLInputElement).value)} data-testid="receipt-by" />
      </label>
      <div class="actions">
        <button onClick={() => make("received", null)} data-testid="receipt-received">
          {tx.rcReceived}
        </button>
        <button class="warn" onClick={() => setDestroying(true)} data-testid="receipt-destroy">
          {tx.rcDestroy}
        </button>
      </div>
      {destroying && <DestroyForm onCancel={() => setDestroying(false)} onDestroy={(note) => make("destroyed", note)} />}
      {error ? <ErrorBanner error={error} /> : null}
      <ReceiptDoneBanner />
    </article>
  );
}

/** What 廃棄 will delete (the folders this app exported the bundle into), and what the
 * contractor must confirm destroying by hand (paper, other copies) before it runs. */
function DestroyForm({ onCancel, onDestroy }: { onCancel: () => void; onDestroy: (note: string | null) => void }) {
  const tx = t();
  const [folders, setFolders] = useState<string[] | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [note, setNote] = useState("");
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.bundleExtractions().then(setFolders, setError);
  }, []);
  return (
    <div class="banner warn stack" role="group" aria-label={tx.rcDestroyTitle} data-testid="destroy-form">
      <strong>{tx.rcDestroyTitle}</strong>
      {folders && folders.length === 0 && <div>{tx.rcNothingExported}</div>}
      {folders && folders.length > 0 && (
        <div data-testid="destroy-folders">
          {tx.rcWillDelete}
          <ul>
            {folders.map((f) => (
              <li key={f}>
                <code>{f}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div>{tx.rcByHand}</div>
      <label class="check">
        <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed((e.target as HTMLInputElement).checked)} data-testid="destroy-confirm" />
        {tx.rcByHandConfirm}
      </label>
      <input placeholder={tx.rcNote} aria-label={tx.rcNote} value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} data-testid="destroy-note" />
      {error ? <ErrorBanner error={error} /> : null}
      <div class="actions">
        <button onClick={onCancel}>{tx.rcCancel}</button>
        <button class="warn" disabled={!confirmed || !folders} onClick={() => onDestroy(note.trim() || null)} data-testid="destroy-now">
          {tx.rcDestroyNow}
        </button>
      </div>
    </div>
  );
}

/** The receipt just saved: where, how large, and for a destruction what was and was not deleted. */
export function ReceiptDoneBanner() {
  const tx = t();
  const d = lastReceipt.value;
  if (!d) return null;
  const r = d.made.receipt;
  return (
    <div class="banner ok stack" role="status" data-testid="receipt-done">
      <div>{tx.rcSaved(d.made.path, d.made.size)}</div>
      {r.kind === "destroyed" && (
        <div>
          {tx.rcClosed} {tx.rcDeleted(r.deleted.length)}
        </div>
      )}
      {r.notDeleted.length > 0 && (
        <div data-testid="receipt-not-deleted">
          {tx.rcNotDeleted}
          <ul>
            {r.notDeleted.map((n) => (
              <li key={n.path}>
                <code>{n.path}</code> — {tx.rcNotDeletedReason(n.reason)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
