import { describe, expect, it } from "vitest";

// Every dialog must go through lib/dialog.ts (the app's `dialog` command): a view that calls
// the plugin directly would open a real window in an end-to-end test and hang it, and is not
// allowed by the capability file anyway.
const sources = import.meta.glob(["../**/*.ts", "../**/*.tsx", "!../**/*.test.ts", "!../bindings/**"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

describe("dialogs", () => {
  it("are opened only through lib/dialog.ts", () => {
    const files = Object.keys(sources);
    expect(files.length).toBeGreaterThan(5);
    const direct = files.filter((f) => /(from|import\()\s*["']@tauri-apps\/plugin-dialog["']/.test(sources[f]));
    expect(direct).toEqual([]);
  });
});
