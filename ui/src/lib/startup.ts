// Which screen the window opens on: the first-start screen until an office has keys or the
// user said they are a contractor.
import type { OfficeInfo as AppInfo } from "../bindings/OfficeInfo";
import type { SettingsInfo } from "../bindings/SettingsInfo";

export type Start = "loading" | "first" | "contractor" | "office";

export function startScreen(info: AppInfo | null, settings: SettingsInfo | null, failed: boolean): Start {
  if (!settings || (!info && !failed)) return "loading";
  if (info?.keys) return "office";
  if (settings.mode === "contractor") return "contractor";
  // An office that cannot be opened (a damaged store…) still shows its error in the shell.
  if (!info) return "office";
  return "first";
}
