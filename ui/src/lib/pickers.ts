// The native open/save/folder dialogs of the wizard and the import dialog: the app's own
// `dialog` command (lib/dialog.ts), which the end-to-end tests can answer.
export { open, save } from "./dialog";
