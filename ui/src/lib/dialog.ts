// Native open/save/folder dialogs, through the app's own `dialog` command rather than the
// dialog plugin's JavaScript API: one Rust function opens every dialog, so that end-to-end
// tests can answer them (debug builds, HANDOVER_E2E_DIALOGS) without skipping the flow.
// The options mirror @tauri-apps/plugin-dialog's `open`/`save`, so views read the same.
import { invoke } from "@tauri-apps/api/core";
import type { DialogFilter } from "../bindings/DialogFilter";
import type { DialogRequest } from "../bindings/DialogRequest";

export interface OpenOptions {
  title?: string;
  directory?: boolean;
  multiple?: false;
  filters?: DialogFilter[];
}

export interface SaveOptions {
  title?: string;
  defaultPath?: string;
  filters?: DialogFilter[];
}

/** Choose an existing file (or, with `directory`, a folder); null when cancelled. */
export function open(options: OpenOptions = {}): Promise<string | null> {
  const request: DialogRequest = {
    kind: options.directory ? "pick_folder" : "open_file",
    title: options.title ?? null,
    filters: options.filters ?? [],
    defaultName: null,
  };
  return invoke<string | null>("dialog", { request });
}

/** Choose where to write a new file; null when cancelled. */
export function save(options: SaveOptions = {}): Promise<string | null> {
  const request: DialogRequest = {
    kind: "save_file",
    title: options.title ?? null,
    filters: options.filters ?? [],
    defaultName: options.defaultPath ?? null,
  };
  return invoke<string | null>("dialog", { request });
}
