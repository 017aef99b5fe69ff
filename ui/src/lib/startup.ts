// Which screen the window opens on: the sign-in screen while the office's server waits for
// someone, the first-start screen until an office has keys or the user said they are a
// contractor.
import type { OfficeInfo as AppInfo } from "../bindings/OfficeInfo";
import type { SettingsInfo } from "../bindings/SettingsInfo";

export type Start = "loading" | "first" | "contractor" | "office" | "signin";

export function startScreen(info: AppInfo | null, settings: SettingsInfo | null, failed: boolean): Start {
  if (!settings) return "loading";
  // The office's server: nothing is shown until someone signs in.
  if (settings.store.server && !settings.store.signedIn) return "signin";
  if (!info && !failed) return "loading";
  if (info?.keys) return "office";
  // A PC of a shared office gets its keys with `handover join`, not from the first start.
  if (info?.server) return "office";
  if (settings.mode === "contractor") return "contractor";
  // An office that cannot be opened (a damaged store…) still shows its error in the shell.
  if (!info) return "office";
  return "first";
}
