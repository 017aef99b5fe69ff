// Which screen the window opens on: the first start (the office's admin and keys) until this
// PC's store has someone on its roster, or contractor mode if the user said they are one; then
// the sign-in screen until someone signs in, on this PC's store or the office's server.
import type { OfficeInfo as AppInfo } from "../bindings/OfficeInfo";
import type { SettingsInfo } from "../bindings/SettingsInfo";

export type Start = "loading" | "first" | "contractor" | "office" | "signin";

export function startScreen(info: AppInfo | null, settings: SettingsInfo | null, failed: boolean): Start {
  if (!settings) return "loading";
  const store = settings.store;
  // Locked after a while without use: the office shell stays (hidden behind the lock screen).
  if (store.lockedBy) return "office";
  // This PC's store with nobody on its roster: the first start asks for the admin (a
  // contractor's PC has no office at all).
  if (store.needsAdmin) return settings.mode === "contractor" ? "contractor" : "first";
  // Nobody signed in (this PC's store or the office's server): nothing is shown until someone
  // does.
  if (!store.signedIn) return "signin";
  if (!info && !failed) return "loading";
  return "office";
}
