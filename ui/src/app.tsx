import { useEffect, useState } from "preact/hooks";
import { api } from "./api";
import type { AppInfo } from "./bindings/AppInfo";
import { ErrorBanner } from "./components/ErrorBanner";
import { lang, setLang, t } from "./i18n";
import { Contractors } from "./views/Contractors";
import { Ledger } from "./views/Ledger";
import { Register } from "./views/Register";
import { Wizard } from "./views/wizard/Wizard";

type View = "register" | "handover" | "contractors" | "ledger";

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [view, setView] = useState<View>("register");

  const refresh = () => api.appInfo().then(setInfo, setError);
  useEffect(() => {
    refresh();
  }, []);

  const tr = t();
  const nav: [View, string][] = [
    ["register", tr.navRegister],
    ["handover", tr.navHandover],
    ["contractors", tr.navContractors],
    ["ledger", tr.navLedger],
  ];
  return (
    <div class="shell">
      <header class="topbar">
        <div class="brand">
          <span class="logo" aria-hidden="true">
            ◆
          </span>
          {tr.appName}
        </div>
        <div class="meta">
          {info && (
            <span title={info.dataDir}>
              {tr.dataDir}: <code>{info.dataDir}</code>
            </span>
          )}
          {info && (
            <span>
              {tr.operator}: {info.operator}
            </span>
          )}
          <button class="link" onClick={() => setLang(lang.value === "ja" ? "en" : "ja")}>
            {tr.language}
          </button>
        </div>
      </header>
      <nav class="sidebar" aria-label="main">
        {nav.map(([id, label]) => (
          <button
            key={id}
            class={view === id ? "nav active" : "nav"}
            aria-current={view === id ? "page" : undefined}
            onClick={() => setView(id)}
            data-testid={`nav-${id}`}
          >
            {label}
          </button>
        ))}
      </nav>
      <main class="content">
        {error ? <ErrorBanner error={error} /> : null}
        {info && !info.keys && <KeysBanner onDone={refresh} />}
        {view === "register" && <Register onChanged={refresh} />}
        {view === "handover" && <Wizard onDone={refresh} />}
        {view === "contractors" && <Contractors />}
        {view === "ledger" && <Ledger info={info} />}
      </main>
    </div>
  );
}

function KeysBanner({ onDone }: { onDone: () => void }) {
  const tr = t();
  const [error, setError] = useState<unknown>(null);
  return (
    <div class="banner warn" role="status">
      <span>{tr.keysMissing}</span>
      <button class="primary" onClick={() => api.officeInit().then(onDone, setError)}>
        {tr.createKeys}
      </button>
      {error ? <ErrorBanner error={error} /> : null}
    </div>
  );
}
