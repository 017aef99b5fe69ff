import { useEffect, useRef, useState } from "preact/hooks";
import { ApprovedBy } from "../components/ApprovedBy";
import { api, isIpcError } from "../api";
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

/**
 * The office signing key typed or chosen, checked by the core. Only the newest check speaks: an
 * older one answering late (a key typed in two goes) must not put its verdict beside the newer
 * one's.
 */
function useTrustCheck() {
  const [trustText, setTrustText] = useState("");
  const trustInput = useRef<HTMLInputElement>(null);
  const [trust, setTrust] = useState<TrustCheck | null>(null);
  const [trustError, setTrustError] = useState<unknown>(null);
  const [confirmed, setConfirmed] = useState(false);
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
  return { trustText, setTrustText, trustInput, trust, trustError, confirmed, setConfirmed, checkTrust };
}

/**
 * Contractor mode: open a bundle with one's own key and a trusted office key, see what was
 * verified, the customers and floor plans (from memory), print the work list, export.
 */
export function OpenBundle({ initialBundle }: { initialBundle?: string } = {}) {
  const tr = t();
  // A bundle handed over by the file manager is preselected.
  const [bundle, setBundle] = useState(initialBundle ?? "");
  const [keyKind, setKeyKind] = useState<KeyKind>("file");
  const [keyFile, setKeyFile] = useState("");
  const [keyFilePass, setKeyFilePass] = useState("");
  const [passphrase, setPassphrase] = useState("");
  const [pins, setPins] = useState<PinnedKey[]>([]);
  const [pinChoice, setPinChoice] = useState(OTHER);
  const { trustText, setTrustText, trustInput, trust, trustError, confirmed, setConfirmed, checkTrust } = useTrustCheck();
  const [view, setView] = useState<BundleView | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [askPast, setAskPast] = useState(false);
  useEffect(() => {
    api.trustPins().then((p) => {
      setPins(p);
      if (p.length > 0) setPinChoice(p[p.length - 1].signingKey);
    }, setError);
    // Leaving the view wipes the bundle's plaintext from memory.
    return () => {
      api.bundleClose().catch(() => {});
    };
  }, []);

  // The key to verify with: a pinned one, or the one typed or chosen (checked by the core).
  const trustKey = pinChoice !== OTHER ? pinChoice : trust?.key.signingKey ?? "";
  const trustOk = pinChoice !== OTHER || (!!trust && (!!trust.pinned || confirmed));
  const keyOk = keyKind === "file" ? !!keyFile : passphrase.length > 0;

  const chooseBundle = async () => {
    const p = await open({ title: tr.obBundle, filters: [{ name: "age", extensions: ["age", "txt"] }] }).catch(setError);
    if (p) setBundle(p);
  };
  const chooseKeyFile = async () => {
    const p = await open({ title: tr.obKeyFile, filters: [{ name: "key", extensions: ["txt", "key", "age"] }] }).catch(setError);
    if (p) setKeyFile(p);
  };
  const chooseTrustFile = async () => {
    const p = await open({ title: tr.obTrust, filters: [{ name: "key", extensions: ["pub", "txt"] }] }).catch(setError);
    if (p) checkTrust(p);
  };
  // The core decides whether the key may be trusted (pinned, or this fingerprint confirmed)
  // and whether a bundle past its return date opens (only when the contractor said yes).
  const openBundle = (pastReturnDate = false) => {
    setError(null);
    setAskPast(false);
    setBusy(true);
    setView(null);
    api
      .bundleView({
        bundle,
        identity: keyKind === "file" ? keyFile : null,
        identityPassphrase: keyKind === "file" && keyFilePass ? keyFilePass : null,
        passphrase: keyKind === "passphrase" ? passphrase : null,
        trust: trustKey,
        trustConfirmed: pinChoice === OTHER && confirmed && trust ? trust.key.fingerprint : null,
        pastReturnDate,
      })
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
          <div class="wide picker">
            <span class="label">{tr.obBundle}</span>
            <code class={bundle ? "path" : "path muted"} data-testid="bundle-path">
              {bundle || tr.noneChosen}
            </code>
            <button type="button" onClick={chooseBundle} data-testid="choose-bundle">
              {tr.choose}
            </button>
          </div>
          <fieldset class="wide">
            <legend>{tr.obKeyKind}</legend>
            <label class="check">
              <input type="radio" name="keykind" checked={keyKind === "file"} onChange={() => setKeyKind("file")} />
              {tr.obKeyFile}
            </label>
            <label class="check">
              <input type="radio" name="keykind" checked={keyKind === "passphrase"} onChange={() => setKeyKind("passphrase")} data-testid="key-kind-passphrase" />
              {tr.obKeyPass}
            </label>
            {keyKind === "file" ? (
              <div class="stack">
                <div class="picker">
                  <code class={keyFile ? "path" : "path muted"} data-testid="key-path">
                    {keyFile || tr.noneChosen}
                  </code>
                  <button type="button" onClick={chooseKeyFile} data-testid="choose-key">
                    {tr.choose}
                  </button>
                </div>
                <label>
                  {tr.obKeyFilePass}
                  <input type="password" value={keyFilePass} onInput={(e) => setKeyFilePass((e.target as HTMLInputElement).value)} autocomplete="off" />
                </label>
              </div>
            ) : (
              <input
                type="password"
                placeholder={tr.obKeyPass}
                value={passphrase}
                onInput={(e) => setPassphrase((e.target as HTMLInputElement).value)}
                autocomplete="off"
                data-testid="bundle-passphrase"
              />
            )}
          </fieldset>
          <fieldset class="wide">
            <legend>{tr.obTrust}</legend>
            {pins.length > 0 && (
              <label>
                {tr.obTrustPinned}
                <select value={pinChoice} onChange={(e) => setPinChoice((e.target as HTMLSelectElement).value)} data-testid="trust-pinned">
                  {pins.map((p) => (
                    <option value={p.signingKey} key={p.signingKey}>
                      {p.label}（{p.fingerprint}）
                    </option>
                  ))}
                  <option value={OTHER}>{tr.obTrustOther}</option>
                </select>
              </label>
            )}
            {pinChoice === OTHER && (
              <div class="stack">
                <div class="picker">
                  <input
                    class="grow mono"
                    placeholder={tr.obTrustPaste}
                    // Uncontrolled (see checkTrust): a pasted or fast-typed key is never
                    // overwritten by a stale render.
                    ref={trustInput}
                    defaultValue={trustText}
                    onInput={(e) => setTrustText((e.target as HTMLInputElement).value)}
                    onChange={(e) => checkTrust((e.target as HTMLInputElement).value)}
                    spellcheck={false}
                    aria-label={tr.obTrustPaste}
                    data-testid="trust-key"
                  />
                  <button type="button" onClick={chooseTrustFile}>
                    {tr.choose}
                  </button>
                </div>
                {trustError ? <ErrorBanner error={trustError} /> : null}
                {trust && (
                  <div class="trustcheck" data-testid="trust-fingerprint">
                    {tr.fingerprint}: <span class="fingerprint big">{trust.key.fingerprint}</span>
                    {trust.pinned ? (
                      <span class="chip">{tr.obPinned(trust.pinned.label)}</span>
                    ) : (
                      <label class="check">
                        <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed((e.target as HTMLInputElement).checked)} data-testid="trust-confirm" />
                        {tr.obConfirm}
                      </label>
                    )}
                  </div>
                )}
              </div>
            )}
          </fieldset>
          {error ? <ErrorBanner error={error} /> : null}
          {askPast && (
            <div class="banner warn" role="alert" data-testid="past-return-date">
              <div>{tr.obPastAsk}</div>
              <button type="button" class="warn" onClick={() => openBundle(true)} data-testid="open-past-return-date">
                {tr.obPastOpen}
              </button>
            </div>
          )}
          <div class="actions">
            <button class="primary" type="submit" disabled={busy || !bundle || !keyOk || !trustOk} data-testid="open">
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
            setPins(p);
            setView({ ...view, officePinned: p.find((k) => k.signingKey === view.office.signingKey) ?? null });
          }}
        />
      )}
    </section>
  );
}

function Opened({ view, onClose, onPinned }: { view: BundleView; onClose: () => void; onPinned: (p: PinnedKey[]) => void }) {
  const tr = t();
  const m = view.manifest;
  const cols = columnsOf(view.customers).filter((f) => f !== "floor_plan");
  const [label, setLabel] = useState("");
  const [exported, setExported] = useState<ExportResult | null>(null);
  const [error, setError] = useState<unknown>(null);
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
      }, setError);
    }
    return () => {
      live = false;
      made.current.forEach((u) => URL.revokeObjectURL(u));
      made.current = [];
    };
  }, [view.sha256]);

  const pin = () => {
    setError(null);
    api.trustPin(view.office.signingKey, label).then(onPinned, setError);
  };
  const forget = () => {
    setError(null);
    api.trustForget(view.office.signingKey).then(onPinned, setError);
  };
  const exportTo = async () => {
    setError(null);
    setExported(null);
    const folder = await open({ directory: true, title: tr.obExport }).catch(setError);
    if (!folder) return;
    api.bundleExport(folder).then(setExported, setError);
  };
  const returnBy = formatDate(m.returnBy, lang.value);
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
        <dl class="facts">
          <dt>{tr.handoverId}</dt>
          <dd class="mono" data-testid="handover-id">
            {m.handoverId}
          </dd>
          <dt>{tr.workType}</dt>
          <dd>{workTypeLabel(m.workType, lang.value)}</dd>
          <dt>{tr.obReturnBy}</dt>
          <dd data-testid="return-by">
            <strong>{returnBy}</strong>
          </dd>
          <dt>{tr.contractor}</dt>
          <dd>
            {m.contractor.name}（{m.contractor.id}）
          </dd>
          <dt>{tr.obCreated}</dt>
          <dd>
            {formatDate(m.created, lang.value)} · {tr.obPreparedBy} {m.operator}{m.approval && <ApprovedBy approval={m.approval} />}
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
        {!view.officePinned ? (
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
        )}
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
      </article>
      <ReceiptActions view={view} onDestroyed={onClose} />
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
              {tr.obReturnBy}: {returnBy}
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
    </>
  );
}
