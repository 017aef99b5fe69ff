import type { OfficeInfo } from "../bindings/OfficeInfo";
import type { SettingsInfo } from "../bindings/SettingsInfo";
import { type Lang, lang, t } from "../i18n";

/**
 * The window's header: the app, the data folder, who is signed in (name and role, with サインアウト)
 * on this PC's store and on the office's server alike, and the language switch. `info` is null
 * while nobody is signed in or the window is locked: nothing of the office is named then.
 */
export function Topbar({
  info,
  settings,
  onSignOut,
  onLanguage,
}: {
  info: OfficeInfo | null;
  settings: SettingsInfo | null;
  onSignOut: () => void;
  onLanguage: (l: Lang) => void;
}) {
  const tr = t();
  return (
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
        {info && settings?.store.signedIn && (
          <span class="session" title={info.server ?? info.dataDir} data-testid="session">
            {tr.signedInAs}: <strong data-testid="session-user">{info.operator}</strong>
            {info.role && <span class="chip" data-testid="session-role">{tr.roleNames[info.role]}</span>}
            <button class="link" onClick={onSignOut} data-testid="sign-out">
              {tr.signOut}
            </button>
          </span>
        )}
        <button class="link" onClick={() => onLanguage(lang.value === "ja" ? "en" : "ja")} data-testid="toggle-language">
          {tr.language}
        </button>
      </div>
    </header>
  );
}
