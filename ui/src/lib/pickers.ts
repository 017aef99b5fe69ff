// The native open/save/folder dialogs the wizard and the import dialog use, in one place.
// Main now routes every dialog through lib/dialog.ts (the app's `dialog` command, answerable
// by the end-to-end tests) with the same `open`/`save` signatures: when the branches meet,
// this file re-exports from "./dialog" instead and nothing else changes.
export { open, save } from "@tauri-apps/plugin-dialog";
