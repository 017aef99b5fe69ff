// The README's screenshots of the first start, the contractor's open-bundle screen and the
// settings (scripts/e2e --screenshots writes them into docs/screenshots/). Real app, fictional
// sample data; the window is 1280×800.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "vitest";
import { type App, ROOT, cleanup, isoDay, newHome, reportFailure, startApp } from "./harness";

const OUT = join(ROOT, "docs/screenshots");

async function shot(app: App, name: string) {
  mkdirSync(OUT, { recursive: true });
  await app.browser.pause(300); // let QR codes and previews paint
  copyFileSync(await app.screenshot(name), join(OUT, `${name}.png`));
}

async function run(name: string, opts: Parameters<typeof startApp>[0], body: (app: App) => Promise<void>) {
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

it("screenshots for the README", async () => {
  const office = newHome();
  const contractor = newHome();
  const key = join(contractor, "my-key.txt");
  const bundle = join(office, "HO-2026-000001.age");

  await run("first-start", {}, async (app) => {
    await app.createAdmin();
    await app.browser.waitUntil(async () => (await app.browser.$$('[data-testid="qr"]').length) === 2, { timeout: 10_000 });
    await shot(app, "first-start");
  });

  let recipient = "";
  await run("keygen", { home: contractor }, async (app) => {
    await app.click("choose-contractor");
    await app.nav("mykey");
    app.answerDialog("save_file", key);
    await app.click("keygen");
    recipient = await app.text("my-recipient-value");
  });

  await run("settings", { home: office, seed: "office+sample" }, async (app) => {
    await app.nav("contractors");
    await app.browser.$("button.primary").click();
    await app.fill("form input:not([type])", "架空電設株式会社");
    await app.fill("form textarea", recipient);
    await app.fill("form label:nth-of-type(5) input", isoDay(-200));
    await app.fill("form label:nth-of-type(6) input", isoDay(500));
    await app.browser.$("form button.primary").click();
    await app.browser.$(".card.status-valid").waitForDisplayed({ timeout: 10_000 });
    await app.nav("handover");
    await app.type("customer-ids", "C0001 C0002 C0003 C0004 C0005 C0008 C0013 C0021");
    await app.click("review");
    app.answerDialog("save_file", bundle);
    await app.click("create");
    await app.waitFor("handover-done", 20_000);
    await app.nav("settings");
    await app.waitFor("policy-editor");
    await shot(app, "settings");
  });

  const signing = readFileSync(join(office, "data/keys/office.signing.pub"), "utf8").trim();
  await run("open-bundle", { home: contractor }, async (app) => {
    app.answerDialog("open_file", bundle);
    await app.click("choose-bundle");
    app.answerDialog("open_file", key);
    await app.click("choose-key");
    await app.type("trust-key", signing);
    await app.browser.keys("Tab");
    await app.click("trust-confirm");
    await app.click("open");
    await app.waitFor("verified", 20_000);
    await app.type("pin-label", "架空ケーブルテレビ 本社");
    await app.click("pin");
    await app.browser.$('[data-testid="plan"] img').waitForDisplayed({ timeout: 10_000 });
    await shot(app, "open-bundle");
    await app.browser.$('[data-testid="work-list"]').scrollIntoView();
    await shot(app, "open-bundle-list");
  });
  cleanup(office);
  cleanup(contractor);
}, 300_000);
