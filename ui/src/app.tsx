import { listen } from "@tauri-apps/api/event";
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, isIpcError } from "./api";
import type { OfficeInfo as AppInfo } from "./bindings/OfficeInfo";
import type { SettingsInfo } from "./bindings/SettingsInfo";
import { ErrorBanner } from "./components/ErrorBanner";
import { type Lang, lang, setLang, t } from "./i18n";
import { CHECK_EVERY_MS, HeadWatch, NO_RIGHTS, connectionLost, rights, storeRevision } from "./lib/live";
import { useIdleLock } from "./lib/idle";
import { type Start, startScreen } from "./lib/startup";
import { Topbar } from "./components/Topbar";
import { Contractors } from "./views/Contractors";
import { FirstStart } from "./views/FirstStart";
import { History } from "./views/History";
import { ReceiptDrop } from "./views/Handovers";
import { Ledger } from "./views/Ledger";
import { Locked } from "./views/Locked";
import { MyKey } from "./views/MyKey";
import { OpenBundle } from "./views/OpenBundle";
import { PluginPromptDialog } from "./views/PluginPromptDialog";
import { Register } from "./views/Register";
import { Requests } from "./views/Requests";
import { Approvals, ApprovalsLabel } from "./views/Approvals";
import { Settings } from "./views/Settings";
import { SignIn } from "./views/SignIn";
import { Wizard } from "./views/wizard/Wizard";
import { freshProgress, progress } from "./views/wizard/progress";

type View =
  | "register"
  | "handover"
  | "requests"
  | "approvals"
  | "history"
  | "contractors"
  | "ledger"
  | "open"
  | "mykey"
  | "settings";
const OFFICE_VIEWS: View[] = ["register", "handover", "requests", "approvals", "history", "contractors", "ledger"];
// What the window offers before anyone signs in to the office's server.
const SIGNED_OUT_VIEWS: View[] = ["open", "mykey", "settings"];

/**
 * What the shell says of the office (its info and the signed-in person's rights) and of the
 * settings, each reloaded on demand; and the language, switched and saved.
 */
function useShellState() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [settings, setSettings] = useState<SettingsInfo | null>(null);
  const refresh = () =>
    api.appInfo().then((i) => {
      setInfo(i);
      setError(null);
      rights.value = i.rights;
    }, (e) => {
      // Signed out: nothing of the office stays on screen (locked: it stays, hidden).
      if (isIpcError(e) && e.code === "signed_out") setInfo(null);
      // No admin yet: the first-start screen says so (a contractor's PC has none, ever).
      if (!(isIpcError(e) && (e.code === "locked" || e.code === "no_admin"))) setError(e);
    });
  const refreshSettings = () =>
    api.settings().then((s) => {
      setSettings(s);
      if (s.language === "ja" || s.language === "en") setLang(s.language);
    }, setError);
  useEffect(() => {
    refresh();
    refreshSettings();
  }, []);
  const switchLang = (l: Lang) => {
    setLang(l);
    api.setLanguage(l).then(setSettings, setError);
  };
  // The window title (set by the app at start and on a language change) and the page title
  // both name the app in the language and the data folder.
  useEffect(() => {
    if (settings) document.title = `${lang.value === "ja" ? "ハンドオーバー" : "Handover"} — ${settings.dataDir}`;
  }, [settings?.dataDir, lang.value]);
  return { info, setInfo, error, setError, settings, setSettings, refresh, refreshSettings, switchLang };
}

export function App() {
  const { info, setInfo, error, setError, settings, setSettings, refresh, refreshSettings, switchLang } = useShellState();
  const [view, setView] = useState<View>("register");
  const handed = useHandedBundle(setView, setError);
  const start = startScreen(info, settings, !!error);
  const locked = settings?.store.lockedBy ?? null;
  // After the policy's minutes without use the office closes; the work waits behind the lock.
  useIdleLock(start === "office" && !locked && info ? info.idleLockMinutes : null, () =>
    api.lockSession().then(setSettings, setError),
  );
  useEffect(() => {
    if (start === "contractor" && OFFICE_VIEWS.includes(view)) setView("open");
  }, [start]);
  const { lost, setLost } = useStoreWatch(start, settings, refresh);

  const signedIn = (s: SettingsInfo) => {
    setSettings(s);
    setLost(null);
    refresh();
    storeRevision.value++;
    setView("register");
  };
  const unlocked = (s: SettingsInfo) => {
    setSettings(s);
    refresh();
    storeRevision.value++;
  };
  const signOut = () =>
    api.signOut().then((s) => {
      // The sign-in screen; the next person must not find this one's unfinished handover.
      progress.value = freshProgress();
      setView("register");
      setSettings(s);
      setInfo(null);
      setError(null);
      setLost(null);
      rights.value = NO_RIGHTS;
    }, setError);
  // Another store was chosen in Settings: the window starts over on it (the sign-in screen for
  // a server).
  const storeChanged = () => {
    refreshSettings();
    refresh();
    storeRevision.value++;
    setView("register");
  };
  return (
    <div class={start === "first" || locked ? "shell first" : "shell"}>
      <Topbar info={locked ? null : info} settings={settings} onSignOut={signOut} onLanguage={switchLang} />
      {start !== "first" && start !== "loading" && !locked && (
        <Sidebar start={start} view={view} setView={setView} onSetupOffice={() => api.setMode("office").then(refreshSettings, setError)} />
      )}
      <main class="content">
        {locked && <Locked who={locked} minutes={info?.idleLockMinutes ?? 0} onUnlocked={unlocked} onSwitch={signOut} />}
        <div style={{ display: locked ? "none" : "contents" }}>
        {error && start !== "signin" ? <ErrorBanner error={error} /> : null}
        {lost && start === "office" ? <ConnectionLost onSignIn={signOut} /> : null}
        {start === "signin" && settings && !SIGNED_OUT_VIEWS.includes(view) && (
          <SignIn settings={settings} onSignedIn={signedIn} onSettings={() => setView("settings")} />
        )}
        {start === "first" && settings && <FirstStartScreen settings={settings} view={view} setView={setView} refresh={refresh} refreshSettings={refreshSettings} />}
        {start === "office" && <OfficeViews view={view} info={info} refresh={refresh} />}
        {start !== "first" && start !== "loading" && view === "open" && (
          <OpenBundle key={handed?.n ?? 0} initialBundle={handed?.path} />
        )}
        {start !== "first" && start !== "loading" && view === "mykey" && <MyKey />}
        {start !== "loading" && view === "settings" && settings && (
          <Settings settings={settings} office={start === "office"} onLanguage={switchLang} onChanged={refreshSettings} onStoreChanged={storeChanged} />
        )}
        </div>
      </main>
      <PluginPromptDialog />
    </div>
  );
}

/** The server cannot be reached any more: said once, with a way to sign in again. */
function ConnectionLost({ onSignIn }: { onSignIn: () => void }) {
  const tr = t();
  return (
    <div class="banner error" role="alert" data-testid="connection-lost">
      <span>{tr.connectionLost}</span>
      <button class="primary" onClick={onSignIn} data-testid="sign-in-again">
        {tr.signInAgain}
      </button>
    </div>
  );
}

/** The first start (office or contractor), or the way back to it from the settings. */
function FirstStartScreen({
  settings,
  view,
  setView,
  refresh,
  refreshSettings,
}: {
  settings: SettingsInfo;
  view: View;
  setView: (v: View) => void;
  refresh: () => void;
  refreshSettings: () => void;
}) {
  const tr = t();
  if (view === "settings") {
    return (
      <button class="link" onClick={() => setView("register")} data-testid="first-start-back">
        {tr.back}
      </button>
    );
  }
  return (
    <FirstStart
      settings={settings}
      onSettings={() => setView("settings")}
      onContractor={() => {
        refreshSettings();
        setView("open");
      }}
      onFinished={() => {
        refresh();
        refreshSettings();
        setView("register");
      }}
    />
  );
}

/**
 * A bundle opened from the file manager (at start, or by a second start of the app): shown in
 * the contractor view; `n` remounts the view for each new one. The menu's "settings" goes
 * there too.
 */
function useHandedBundle(setView: (v: View) => void, onError: (e: unknown) => void) {
  const [handed, setHanded] = useState<{ path: string; n: number } | null>(null);
  useEffect(() => {
    const take = () =>
      api.bundleRequested().then((path) => {
        if (!path) return;
        setHanded((h) => ({ path, n: (h?.n ?? 0) + 1 }));
        setView("open");
      }, onError);
    take();
    const unlisten = [
      listen("bundle-requested", take),
      listen<string>("navigate", (e) => {
        if (e.payload === "settings") setView("settings");
      }),
    ];
    return () => unlisten.forEach((u) => u.then((f) => f()));
  }, []);
  return handed;
}

/**
 * Another PC (or a CLI on this one) changed the store: reload what is shown, on focus and
 * every few seconds. A lost server connection is said once, with a way to sign in again.
 */
function useStoreWatch(start: Start, settings: SettingsInfo | null, refresh: () => void) {
  const [lost, setLost] = useState<unknown>(null);
  const watch = useRef(new HeadWatch());
  useEffect(() => {
    if (start !== "office") return;
    watch.current.reset();
    let stopped = false;
    // The first head read after a (re)start is only a baseline: a change recorded between the
    // screen's own load and that read would never count as a move, so the first answer
    // reloads what is shown as well.
    let first = true;
    const check = () =>
      api.ledgerSeq().then(
        (seq) => {
          if (stopped) return;
          setLost(null);
          const moved = watch.current.seen(seq);
          const baseline = first && seq !== null;
          if (seq !== null) first = false;
          if (moved || baseline) {
            storeRevision.value++;
            refresh();
          }
        },
        (e) => !stopped && connectionLost(e) && setLost(e),
      );
    check();
    const timer = setInterval(check, CHECK_EVERY_MS);
    window.addEventListener("focus", check);
    return () => {
      stopped = true;
      clearInterval(timer);
      window.removeEventListener("focus", check);
    };
  }, [start, settings?.store.server, settings?.store.signedIn]);
  return { lost, setLost };
}

/** The menu: the office's screens (or signing in), the contractor's, and the settings. */
function Sidebar({ start, view, setView, onSetupOffice }: { start: Start; view: View; setView: (v: View) => void; onSetupOffice: () => void }) {
  const tr = t();
  const officeNav: [View, ComponentChildren][] = [
    ["register", tr.navRegister], ["handover", tr.navHandover],
    ["requests", t().navRequests],
    ["approvals", <ApprovalsLabel />],
    ["history", t().navHistory],
    ["contractors", tr.navContractors], ["ledger", tr.navLedger],
  ];
  const contractorNav: [View, ComponentChildren][] = [
    ["open", tr.navOpenBundle],
    ["mykey", tr.navMyKey],
  ];
  const navButton = ([id, label]: [View, ComponentChildren]) => (
    <button
      key={id}
      class={view === id ? "nav active" : "nav"}
      aria-current={view === id ? "page" : undefined}
      onClick={() => setView(id)}
      data-testid={`nav-${id}`}
    >
      {label}
    </button>
  );
  return (
    <nav class="sidebar" aria-label="main">
      {start === "office" && (
        <>
          <div class="navsection">{tr.navSectionOffice}</div>
          {officeNav.map(navButton)}
        </>
      )}
      {start === "signin" && (
        <>
          <div class="navsection">{tr.navSectionOffice}</div>
          {navButton(["register", tr.siSubmit])}
        </>
      )}
      <div class="navsection">{tr.navSectionContractor}</div>
      {contractorNav.map(navButton)}
      <span class="spacer" />
      {navButton(["settings", tr.navSettings])}
      {start === "contractor" && (
        <button class="nav subtle" onClick={onSetupOffice} data-testid="setup-office">
          {tr.setupOffice}
        </button>
      )}
    </nav>
  );
}

/** The office's banners (keys missing, a pack interrupted) and its screen of the moment. */
function OfficeViews({ view, info, refresh }: { view: View; info: AppInfo | null; refresh: () => void }) {
  const tr = t();
  return (
    <>
      {info && !info.keys && (info.server ? <div class="banner warn">{tr.keysMissingShared}</div> : <KeysBanner onDone={refresh} />)}
      {info?.interruptedPacks
        .filter((p) => !p.recorded)
        .map((p) => (
          <div class="banner warn" role="status" key={p.out}>
            <span>{tr.interruptedPack(p.out, p.removedBundle)}</span>
          </div>
        ))}
      <ReceiptDrop />
      {view === "register" && <Register onChanged={refresh} />}
      {view === "handover" && <Wizard onDone={refresh} />}
      {view === "requests" && info && <Requests today={info.today} />}
      {view === "approvals" && <Approvals />}
      {view === "history" && info && <History today={info.today} />}
      {view === "contractors" && <Contractors />}
      {view === "ledger" && <Ledger info={info} />}
    </>
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
