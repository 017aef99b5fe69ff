// Changing one's own password in Settings (issue 14): a wrong current password is refused in
// Japanese and changes nothing; the right one takes the new password, the old one no longer
// signs in, the new one does, and the office's data (the register) opens with it.
import { join } from "node:path";
import { expect } from "vitest";
import { HEADLINES } from "../src/bindings/messages";
import { type App, OPERATOR, PASSWORD, ROOT, cli, cliAs, e2e, newHome } from "./harness";

const NEW_PASSWORD = "a new e2e password 5678";

const home = newHome();
const data = join(home, "data");
cli(data, "init", "--admin", OPERATOR);
cli(data, "import", join(ROOT, "sample/sample_register.xlsx"));

async function fillChange(app: App, current: string) {
  await app.type("password-change-current", current);
  await app.type("password-change-password", NEW_PASSWORD);
  await app.type("password-change-password-again", NEW_PASSWORD);
  await app.click("password-change-submit");
}

e2e(
  "password: a wrong current password changes nothing, the right one sets the new password",
  async (app) => {
    await app.nav("settings");
    await app.waitFor("password-change");
    await fillChange(app, "not the password");
    await app.waitForText("error", (s) => s.includes(HEADLINES.ja.sign_in_failed), 20_000);
    // The form forgets what was typed.
    expect(await app.browser.$('[data-testid="password-change-current"]').getValue()).toBe("");
    expect(cliAs(OPERATOR, PASSWORD, data, "ledger", "verify")).toMatch(/intact/i);

    await fillChange(app, PASSWORD);
    await app.waitFor("password-changed", 20_000);
    await app.click("sign-out");
    await app.waitFor("sign-in");
    await app.type("sign-in-login", OPERATOR);
    await app.type("sign-in-password", PASSWORD);
    await app.click("sign-in-submit");
    await app.waitForText("error", (s) => s.includes(HEADLINES.ja.sign_in_failed), 20_000);
    await app.signIn(OPERATOR, NEW_PASSWORD);
    await app.waitFor("customer-table", 30_000);
  },
  { home, timeoutMs: 180_000 },
);
