// Settings: the policy editor saves through the core (validated, recorded in the ledger), and
// the language choice survives a restart.
import { expect, it } from "vitest";
import { t } from "../src/i18n";
import { type App, cleanup, cli, newHome, reportFailure, startApp } from "./harness";

const tr = t();

async function withApp(name: string, opts: Parameters<typeof startApp>[0], body: (app: App) => Promise<void>) {
  const app = await startApp(opts);
  try {
    await body(app);
  } catch (e) {
    await reportFailure(app, name);
    throw e;
  } finally {
    await app.stop();
  }
}

it("settings: policy saved and recorded, refused numbers blocked, language kept", async () => {
  const home = newHome();
  await withApp("policy", { home, seed: "office" }, async (app) => {
    await app.nav("settings");
    await app.waitFor("policy-editor");
    // Nothing changed yet: nothing to save. The customer ID cannot be unticked.
    expect(await app.byId("policy-save").isEnabled()).toBe(false);
    expect(await app.byId("policy-repair-customer_id").isEnabled()).toBe(false);
    expect(await app.byId("policy-repair-card_number").isExisting()).toBe(false);

    await app.type("policy-retention", "2");
    await app.waitForText("policy-editor", (s) => s.includes(tr.stRetentionTooShort));
    expect(await app.byId("policy-save").isEnabled()).toBe(false);
    await app.type("policy-retention", "5");
    await app.click("policy-repair-floor_plan");
    await app.type("policy-return-days", "14");
    await app.click("policy-save");
    await app.waitFor("policy-saved");

    // The policy is the store's (recorded as policy.changed), as the CLI shows it.
    const toml = cli(app.data, "policy", "show");
    expect(toml).toMatch(/return_days = 14/);
    expect(toml).toMatch(/record_retention_years = 5/);
    expect(toml).toMatch(/repair = \[[^\]]*"floor_plan"/);
    expect(cli(app.data, "ledger", "verify")).toMatch(/intact/i);

    await app.click("lang-en");
    await app.waitForText("nav-settings", (s) => s === "Settings");
    // The window's title follows the language (the native menu is rebuilt with it).
    await app.browser.waitUntil(async () => (await app.browser.getTitle()) === `Handover — ${app.data}`, {
      timeout: 5_000,
      timeoutMsg: "the title did not follow the language",
    });
  });
  // A new start: English again, from the settings file.
  await withApp("language kept", { home }, async (app) => {
    await app.waitForText("nav-register", (s) => s === "Customers");
  });
  cleanup(home);
}, 120_000);
