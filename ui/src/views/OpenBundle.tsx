import { useEffect, useRef, useState } from "preact/hooks";
import { ApprovedBy } from "../components/ApprovedBy";
import { api, isIpcError } from "../api";
import type { BundleOpenRequest } from "../bindings/BundleOpenRequest";
import type { BundleView } from "../bindings/BundleView";
import type { ExportResult } from "../bindings/ExportResult";
import type { PinnedKey } from "../bindings/PinnedKey";
import type { TrustCheck } from "../bindings/TrustCheck";
import { ErrorBanner } from "../components/ErrorBanner";
import { fieldLabel, lang, t } from "../i18n";
import { columnsOf, formatBytes, imageType, valueOf, workTypeLabel } from "../lib/bundleView";
import { open } from "../lib/dialog";
import { ReceiptActions, ReceiptDoneBanner } from "./BundleReceipts";
import { formatDate } from "../lib/format";

type KeyKind = "file" | "passphrase";
const OTHER = "";

/** The contractor's own key: a key file (with its passphrase, if any), or the bundle's passphrase. */
function useOwnKey(onError: (e: unknown) => void) {
  const tr = t();
  const [keyKind, setKeyKind] = useState<KeyKind>("file");
  const [keyFile, setKeyFile] = useState("");
  const [keyFilePass, setKeyFilePass] = useState("");
  const [passphrase, setPassphrase] = useState("");
  const chooseKeyFile = async () => {
    const p = await open({ title: tr.obKeyFile, filters: [{ name: "key", extensions: ["txt", "key", "age"] }] }).catch(onError);
    if (p) setKeyFile(p);
  };
  const ok = keyKind === "file" ? !!keyFile : passphrase.length > 0;
  return { keyKind, setKeyKind, keyFile, chooseKeyFile, keyFilePass, setKeyFilePass, passphrase, setPassphrase, ok };
}

/**
 * The office signing key to verify with: one pinned earlier, or one pasted or chosen now (the
 * core checks it and gives its fingerprint, which the contractor confirms).
 */
function useOfficeTrust(onError: (e: unknown) => void) {
  const tr = t();
  const [pins, setPins] = useState<PinnedKey[]>([]);
  const [pinChoice, setPinChoice] = useState(OTHER);
  const [trustText, setTrustText] = useState("");
  const trustInput = useRef<HTMLInputElement>(null);
  const [trust, setTrust] = useState<TrustCheck | null>(null);
  const [trustError, setTrustError] = useState<unknown>(null);
  const [confirmed, setConfirmed] = useState(false);
  useEffect(() => {
    api.trustPins().then((p) => {
      setPins(p);
      if (p.length > 0) setPinChoice(p[p.length - 1].signingKey);
    }, onError);
  }, []);
  // Only the newest check speaks: an older one answering late (a key typed in two goes) must
  // not put its verdict beside the newer one's.
  const trustChecks = useRef(0);
  const checkTrust = (text: string) => {
    const n = ++trustChecks.current;
    setTrust(null);
    setTrustError(null);
    setConfirmed(false);
    if (!text.trim()) return;
    api.trustCheck(text).then(
      (c) => {
        if (n !== trustChecks.current) return;
        setTrust(c);
        setTrustText(c.key.signingKey);
        if (trustInput.current) trustInput.current.value = c.key.signingKey;
      },
      (e) => n === trustChecks.current && setTrustError(e),
    );
  };
  const chooseTrustFile = async () => {
    const p = await open({ title: tr.obTrust, filters: [{ name: "key", extensions: ["pub", "txt"] }] }).catch(onError);
    if (p) checkTrust(p);
  };
  // The key to verify with: a pinned one, or the one typed or chosen (checked by the core).
  const key = pinChoice !== OTHER ? pinChoice : trust?.key.signingKey ?? "";
  const ok = pinChoice !== OTHER || (!!trust && (!!trust.pinned || confirmed));
  const confirmedFingerprint = pinChoice === OTHER && confirmed && trust ? trust.key.fingerprint : null;
  return {
    pins,
    setPins,
    pinChoice,
    setPinChoice,
    trustText,
    setTrustText,
    trustInput,
    trust,
    trustError,
    confirmed,
    setConfirmed,
    checkTrust,
    chooseTrustFile,
    key,
    ok,
    confirmedFingerprint,
  };
}

/** What the core is asked to open, with which keys. */
function openRequest(
  bundle: string,
  own: ReturnType<typeof useOwnKey>,
  office: ReturnType<typeof useOfficeTrust>,
  pastReturnDate: boolean,
): BundleOpenRequest {
  return {
    bundle,
    identity: own.keyKind === "file" ? own.keyFile : null,
    identityPassphrase: own.keyKind === "file" && own.keyFilePass ? own.keyFilePass : null,
    passphrase: own.keyKind === "passphrase" ? own.passphrase : null,
    trust: office.key,
    trustConfirmed: office.confirmedFingerprint,
    pastReturnDate,
  };
}

/** The bundle is past its return date: open it anyway only if the contractor says so. */
function PastReturnAsk({ onOpen }: { onOpen: () => void }) {
  const tr = t();
  return (
    <div class="banner warn" role="alert" data-testid="past-return-date">
      <div>{tr.obPastAsk}</div>
      <button type="button" class="warn" onClick={onOpen} data-testid="open-past-return-date">
        {tr.obPastOpen}
      </button>
    </div>
  );
}

/**
 * Contractor mode: open a bundle with one's own key and a trusted office key, see what was
 * verified, the customers and floor plans (from memory), print the work list, export.
 */
export function OpenBundle({ initialBundle }: { initialBundle?: string } = {}) {
  const tr = t();
  // A bundle handed over by the file manager is preselected.
  const [bundle, setBundle] = useState(initialBundle ?? "");
  const [view, setView] = useState<BundleView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [askPast, setAskPast] = useState(false);
  const own = useOwnKey(setError);
  const office = useOfficeTrust(setError);
  useEffect(() => {
    // Leaving the view wipes the bundle's plaintext from memory.
    return () => {
      api.bundleClose().catch(() => {});
    };
  }, []);

  // The core decides whether the key may be trusted (pinned, or this fingerprint confirmed)
  // and whether a bundle past its return date opens (only when the contractor said yes).
  const openBundle = (pastReturnDate = false) => {
    setError(null);
    setAskPast(false);
    setBusy(true);
    setView(null);
    api
      .bundleView(openRequest(bundle, own, office, pastReturnDate))
      .then(setView, (e) => {
        if (isIpcError(e) && e.code === "past_return_date") setAskPast(true);
        setError(e);
      })
      .finally(() => setBusy(false));
  };
  const close = () => {
    setView(null);
    api.bundleClose().catch(setError);
  };

  return (
    <section class="view scroll" data-testid="open-bundle">
      <div class="toolbar no-print">
        <h1>{tr.navOpenBundle}</h1>
      </div>
      {!view && <ReceiptDoneBanner />}
      {!view && (
        <form
          class="form card no-print"
          onSubmit={(e) => {
            e.preventDefault();
            openBundle();
          }}
        >
          <p class="wide muted">{tr.obIntro}</p>
          <BundlePicker bundle={bundle} setBundle={setBundle} onError={setError} />
          <OwnKeyFields {...own} />
          <OfficeTrustFields {...office} />
          {error ? <ErrorBanner error={error} /> : null}
          {askPast && <PastReturnAsk onOpen={() => openBundle(true)} />}
          <div class="actions">
            <button class="primary" type="submit" disabled={busy || !bundle || !own.ok || !office.ok} data-testid="open">
              {busy ? tr.obOpening : tr.obOpen}
            </button>
          </div>
        </form>
      )}
      {view && (
        <Opened
          view={view}
          onClose={close}
          onPinned={(p) => {
            office.setPins(p);
            setView({ ...view, officePinned: p.find((k) => k.signingKey === view.office.signingKey) ?? null });
          }}
        />
      )}
    </section>
  );
}

/** The bundle file to open. */
function BundlePicker({ bundle, setBundle, onError }: { bundle: string; setBundle: (p: string) => void; onError: (e: unknown) => void }) {
  const tr = t();
  const chooseBundle = async () => {
    const p = await open({ title: tr.obBundle, filters: [{ name: "age", extensions: ["age", "txt"] }] }).catch(onError);
    if (p) setBundle(p);
  };
  return (
    <div class="wide picker">
      <span class="label">{tr.obBundle}</span>
      <code class={bundle ? "path" : "path muted"} data-testid="bundle-path">
        {bundle || tr.noneChosen}
      </code>
      <button type="button" onClick={chooseBundle} data-testid="choose-bundle">
        {tr.choose}
      </button>
    </div>
  );
}

/** Which key opens the bundle: a key file, or the passphrase the office told. */
function OwnKeyFields(k: ReturnType<typeof useOwnKey>) {
  const tr = t();
  return (
    <fieldset class="wide">
      <legend>{tr.obKeyKind}</legend>
      <label class="check">
        <input type="radio" name="keykind" checked={k.keyKind === "file"} onChange={() => k.setKeyKind("file")} />
        {tr.obKeyFile}
      </label>
      <label class="check">
        <input type="radio" name="keykind" checked={k.keyKind === "passphrase"} onChange={() => k.setKeyKind("passphrase")} data-testid="key-kind-passphrase" />
        {tr.obKeyPass}
      </label>
      {k.keyKind === "file" ? (
        <div class="stack">
          <div class="picker">
            <code class={k.keyFile ? "path" : "path muted"} data-testid="key-path">
              {k.keyFile || tr.noneChosen}
            </code>
            <button type="button" onClick={k.chooseKeyFile} data-testid="choose-key">
              {tr.choose}
            </button>
          </div>
          <label>
            {tr.obKeyFilePass}
            <input type="password" value={k.keyFilePass} onInput={(e) => k.setKeyFilePass((e.target as HTMLInputElement).value)} autocomplete="off" />
          </label>
        </div>
      ) : (
        <input
          type="password"
          placeholder={tr.obKeyPass}
          value={k.passphrase}
          onInput={(e) => k.setPassphrase((e.target as HTMLInputElement).value)}
          autocomplete="off"
          data-testid="bundle-passphrase"
        />
      )}
    </fieldset>
  );
}

/** The office key to trust: a pinned one, or another one checked and confirmed by its fingerprint. */
function OfficeTrustFields(o: ReturnType<typeof useOfficeTrust>) {
  const tr = t();
  return (
    <fieldset class="wide">
      <legend>{tr.obTrust}</legend>
      {o.pins.length > 0 && (
        <label>
          {tr.obTrustPinned}
          <select value={o.pinChoice} onChange={(e) => o.setPinChoice((e.target as HTMLSelectElement).value)} data-testid="trust-pinned">
            {o.pins.map((p) => (
              <option value={p.signingKey} key={p.signingKey}>
                {p.label}（{p.fingerprint}）
              </option>
            ))}
            <option value={OTHER}>{tr.obTrustOther}</option>
          </select>
        </label>
      )}
      {o.pinChoice === OTHER && (
        <div class="stack">
          <div class="picker">
            <input
              class="grow mono"
              placeholder={tr.obTrustPaste}
              // Uncontrolled (see checkTrust): a pasted or fast-typed key is never
              // overwritten by a stale render.
              ref={o.trustInput}
              defaultValue={o.trustText}
              onInput={(e) => o.setTrustText((e.target as HTMLInputElement).value)}
              onChange={(e) => o.checkTrust((e.target as HTMLInputElement).value)}
              spellcheck={false}
              aria-label={tr.obTrustPaste}
              data-testid="trust-key"
            />
            <button type="button" onClick={o.chooseTrustFile}>
              {tr.choose}
            </button>
          </div>
          {o.trustError ? <ErrorBanner error={o.trustError} /> : null}
          {o.trust && (
            <div class="trustcheck" data-testid="trust-fingerprint">
              {tr.fingerprint}: <span class="fingerprint big">{o.trust.key.fingerprint}</span>
              {o.trust.pinned ? (
                <span class="chip">{tr.obPinned(o.trust.pinned.label)}</span>
              ) : (
                <label class="check">
                  <input type="checkbox" checked={o.confirmed} onChange={(e) => o.setConfirmed((e.target as HTMLInputElement).checked)} data-testid="trust-confirm" />
                  {tr.obConfirm}
                </label>
              )}
            </div>
          )}
        </div>
      )}
    </fieldset>
  );
}

/** The opened bundle: what was verified, pinning the office key, export, receipts, the work list. */
function Opened({ view, onClose, onPinned }: { view: BundleView; onClose: () => void; onPinned: (p: PinnedKey[]) => void }) {
  const tr = t();
  const [error, setError] = useState<unknown>(null);
  const urls = usePlanImages(view, setError);
  return (
    <>
      {view.pastReturnDate && (
        <div class="banner warn no-print" role="status" data-testid="opened-past-return-date">
          {tr.obPastOpened}
        </div>
      )}
      <div class="banner ok verified no-print" role="status" data-testid="verified">
        <div>
          <strong>✓ {tr.obVerified}</strong>
          <div>{tr.obVerifiedBody}</div>
        </div>
      </div>
      <article class="card no-print">
        <BundleFacts view={view} />
        <OfficePin view={view} onPinned={onPinned} onError={setError} />
        <BundleActions onClose={onClose} error={error} onError={setError} />
      </article>
      <ReceiptActions view={view} onDestroyed={onClose} />
      <WorkList view={view} urls={urls} />
    </>
  );
}

/** The floor plans held in memory, as object URLs (revoked when the bundle closes). */
function usePlanImages(view: BundleView, onError: (e: unknown) => void) {
  const [urls, setUrls] = useState<Record<string, string>>({});
  const made = useRef<string[]>([]);
  useEffect(() => {
    let live = true;
    for (const p of view.floorPlans) {
      const type = imageType(p.ext);
      if (!p.inMemory || !type) continue;
      api.bundleFloorPlan(p.entry).then((bytes) => {
        if (!live) return;
        const url = URL.createObjectURL(new Blob([bytes], { type }));
        made.current.push(url);
        setUrls((u) => ({ ...u, [p.entry]: url }));
      }, onError);
    }
    return () => {
      live = false;
      made.current.forEach((u) => URL.revokeObjectURL(u));
      made.current = [];
    };
  }, [view.sha256]);
  return urls;
}

/** The handover as the signed manifest states it, and the office key that signed it. */
function BundleFacts({ view }: { view: BundleView }) {
  const tr = t();
  const m = view.manifest;
  return (
    <dl class="facts">
      <dt>{tr.handoverId}</dt>
      <dd class="mono" data-testid="handover-id">
        {m.handoverId}
      </dd>
      <dt>{tr.workType}</dt>
      <dd>{workTypeLabel(m.workType, lang.value)}</dd>
      <dt>{tr.obReturnBy}</dt>
      <dd data-testid="return-by">
        <strong>{formatDate(m.returnBy, lang.value)}</strong>
      </dd>
      <dt>{tr.contractor}</dt>
      <dd>
        {m.contractor.name}（{m.contractor.id}）
      </dd>
      <dt>{tr.obCreated}</dt>
      <dd>
        {formatDate(m.created, lang.value)} · {tr.obPreparedBy} {m.operator}
        {m.approval && <ApprovedBy approval={m.approval} />}
      </dd>
      <dt>{tr.obOfficeKey}</dt>
      <dd>
        <span class="fingerprint" data-testid="office-fingerprint">
          {view.office.fingerprint}
        </span>{" "}
        {view.officePinned && <span class="chip">{tr.obPinned(view.officePinned.label)}</span>}
      </dd>
      <dt>{tr.obBundleHash}</dt>
      <dd>
        <code class="hash">{view.sha256}</code>
      </dd>
    </dl>
  );
}

/** Trust this office's key from now on (with a name for it), or forget it. */
function OfficePin({ view, onPinned, onError }: { view: BundleView; onPinned: (p: PinnedKey[]) => void; onError: (e: unknown) => void }) {
  const tr = t();
  const [label, setLabel] = useState("");
  const pin = () => {
    onError(null);
    api.trustPin(view.office.signingKey, label).then(onPinned, onError);
  };
  const forget = () => {
    onError(null);
    api.trustForget(view.office.signingKey).then(onPinned, onError);
  };
  return !view.officePinned ? (
    <div class="pin">
      <label>
        {tr.obPinTitle}
        <input placeholder={tr.obPinLabel} value={label} onInput={(e) => setLabel((e.target as HTMLInputElement).value)} data-testid="pin-label" />
      </label>
      <button onClick={pin} disabled={!label.trim()} data-testid="pin">
        {tr.obPin}
      </button>
    </div>
  ) : (
    <div class="pin">
      <button class="link" onClick={forget}>
        {tr.obForget}
      </button>
    </div>
  );
}

/** Close, print the work list, or export the plaintext (with its warning, and what it wrote). */
function BundleActions({ onClose, error, onError }: { onClose: () => void; error: unknown; onError: (e: unknown) => void }) {
  const tr = t();
  const [exported, setExported] = useState<ExportResult | null>(null);
  const exportTo = async () => {
    onError(null);
    setExported(null);
    const folder = await open({ directory: true, title: tr.obExport }).catch(onError);
    if (!folder) return;
    api.bundleExport(folder).then(setExported, onError);
  };
  return (
    <>
      <div class="actions">
        <button onClick={onClose} data-testid="close-bundle">
          {tr.obClose}
        </button>
        <button onClick={() => window.print()} data-testid="print">
          {tr.obPrint}
        </button>
        <button class="warn" onClick={exportTo} data-testid="export">
          {tr.obExport}
        </button>
      </div>
      <div class="banner warn">{tr.obExportWarn}</div>
      {error ? <ErrorBanner error={error} /> : null}
      {exported && (
        <div class="banner ok" role="status" data-testid="exported">
          {tr.obExportDone(exported.files.length, exported.folder)}
          {exported.removedStale.map((f) => (
            <div key={f}>{tr.obStaleRemoved(f)}</div>
          ))}
        </div>
      )}
    </>
  );
}

/** What the work list prints: its heading, the customers' rows and the floor plans. */
function WorkList({ view, urls }: { view: BundleView; urls: Record<string, string> }) {
  const tr = t();
  const m = view.manifest;
  const cols = columnsOf(view.customers).filter((f) => f !== "floor_plan");
  return (
    <article class="card worklist" data-testid="work-list">
      <header class="print-only">
        <h1>
          {tr.obWorkList} {m.handoverId}
        </h1>
        <div>
          {tr.contractor}: {m.contractor.name}（{m.contractor.id}） · {tr.workType}: {workTypeLabel(m.workType, lang.value)}
        </div>
        <div>
          <strong>
            {tr.obReturnBy}: {formatDate(m.returnBy, lang.value)}
          </strong>
        </div>
        <p class="notice">{tr.obPrintNotice}</p>
      </header>
      <h2 class="no-print">{tr.obCustomers(view.customers.length)}</h2>
      <table class="review" data-testid="bundle-customers">
        <thead>
          <tr>
            {cols.map((f) => (
              <th key={f}>{fieldLabel(f)}</th>
            ))}
            {view.floorPlans.length > 0 && <th>{tr.colPlan}</th>}
          </tr>
        </thead>
        <tbody>
          {view.customers.map((c) => (
            <tr key={c.customerId} data-testid="bundle-customer">
              {cols.map((f) => (
                <td key={f} class={f === "customer_id" || f === "phone" || f === "postal_code" ? "mono" : ""}>
                  {valueOf(c, f)}
                </td>
              ))}
              {view.floorPlans.length > 0 && <td>{c.floorPlan ? <span class="chip">{c.floorPlan.split(".").pop()?.toUpperCase()}</span> : ""}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {view.floorPlans.length > 0 && (
        <>
          <h2>{tr.obPlans}</h2>
          <div class="plans">
            {view.floorPlans.map((p) => (
              <figure key={p.entry} class="plan" data-testid="plan">
                {urls[p.entry] ? (
                  <img src={urls[p.entry]} alt={`${tr.obPlans} ${p.customerId}`} />
                ) : (
                  <div class="plan-file no-print">{!p.inMemory ? tr.obPlanTooLarge : imageType(p.ext) ? "…" : tr.obPlanPdf}</div>
                )}
                <figcaption>
                  <span class="mono">{p.customerId}</span> · {p.ext.toUpperCase()} · {formatBytes(p.size)}
                </figcaption>
              </figure>
            ))}
          </div>
        </>
      )}
    </article>
  );
}
