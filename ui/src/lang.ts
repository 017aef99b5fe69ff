// The UI's language: Japanese first, English switchable (kept by the browser store).
import { signal } from "@preact/signals";

export type Lang = "ja" | "en";

const stored = (typeof localStorage !== "undefined" && localStorage.getItem("lang")) as Lang | null;
export const lang = signal<Lang>(stored === "en" ? "en" : "ja");
