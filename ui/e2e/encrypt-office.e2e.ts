// Encryption at rest (issue 14): an office made by the previous version
// (tests/fixtures/previous-version-office: its register in a plain SQLite file) is converted on
// its first sign-in in this version, with consent. The sign-in leads to the consent screen; the
// person types the password once more, sees the steps, and is signed in on the register with
// every customer; the store file is no longer plain SQLite. Declining leaves it as it was.
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { type App, ROOT, e2e, newHome } from "./harness";

const ADMIN = "kanri";
const PASSWORD = "test password 1234";
const home = newHome();
const store = join(home, "data", "handover.sqlite3");
cpSync(join(ROOT, "tests/fixtures/previous-version-office/data"), join(home, "data"), { recursive: true });

const plain = () => readFileSync(store).subarray(0, 15).toString("latin1") === "SQLite format 3";

async function signIn(app: App) {
  await app.waitFor("sign-in", 20_000);
  await app.type("sign-in-login", ADMIN);
  await app.type("sign-in-password", PASSWORD);
  await app.click("sign-in-submit");
  await app.waitFor("encrypt-office", 20_000);
}

e2e(
  "encrypt-office: the previous version's office is encrypted on its first sign-in, with consent",
  async (app) => {
    expect(plain()).toBe(true);
    await signIn(app);
    // Not now: back to the sign-in screen, nothing changed.
    await app.click("encrypt-later");
    await app.waitFor("sign-in-login");
    expect(plain()).toBe(true);
    await signIn(app);
    await app.type("encrypt-password", PASSWORD);
    await app.screenshot("encrypt-office-consent");
    await app.click("encrypt-start");
    await app.waitFor("encrypt-done", 30_000);
    expect(await app.text("encrypt-done")).toMatch(/暗号化しました/);
    expect(await app.waitForText("session-user", (s) => s === ADMIN, 20_000)).toBe(ADMIN);
    expect(plain()).toBe(false);
    await app.nav("register");
    await app.waitFor("customer-row", 20_000);
    const rows = await app.browser.$$('[data-testid="customer-row"]');
    expect(rows.length).toBe(3);
    await app.screenshot("encrypt-office-done");
  },
  { home, signIn: false },
);
