// The whole way of a bundle: a contractor makes a key in the app (on their own computer, no
// office data), the office enrolls it, hands over three customers in a file, and the contractor
// opens that file with the key and the office's signing key.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { errorHeadline, t } from "../src/i18n";
import { type App, cleanup, isoDay, newHome, reportFailure, startApp, wizardToFile } from "./harness";

const tr = t();

/** Run `body` with an app, reporting a failure with a screenshot; the app is stopped after. */
async function withApp<T>(name: string, opts: Parameters<typeof startApp>[0], body: (app: App) => Promise<T>): Promise<T> {
  const app = await startApp(opts);
  try {
    const out = await body(app);
    await app.stop();
    return out;
  } catch (e) {
    await reportFailure(app, name);
    await app.stop();
    throw e;
  }
}

it("contractor: key made in the app, handover to a file, opened and verified", async () => {
  const contractorHome = newHome();
  const officeHome = newHome();
  const keyFile = join(contractorHome, "my-key.txt");
  const bundle = join(officeHome, "HO-to-contractor.age");

  // 1. The contractor's computer: first start → "I am a contractor" → My key.
  const recipient = await withApp("contractor keygen", { home: contractorHome }, async (app) => {
    await app.click("choose-contractor");
    await app.waitFor("open-bundle");
    // Contractor mode offers no office screens.
    expect(await app.byId("nav-register").isExisting()).toBe(false);
    await app.nav("mykey");
    app.answerDialog("save_file", keyFile);
    await app.click("keygen");
    await app.waitFor("keygen-done");
    const r = await app.text("my-recipient-value");
    expect(r).toMatch(/^age1[0-9a-z]{58}$/);
    expect(readFileSync(keyFile, "utf8")).toContain(`# public key: ${r}`);
    return r;
  });

  // 2. The office: keys and sample register, the contractor enrolled, a handover to a file.
  const signingKey = await withApp("office handover", { home: officeHome, seed: "office+sample" }, async (app) => {
    await app.waitFor("customer-table", 15_000);
    await app.nav("contractors");
    await app.browser.$(`button=${tr.addContractor}`).click();
    await app.fill("form input:not([type])", "架空電設株式会社");
    await app.fill("form textarea", recipient);
    // Our date fields (year first, whatever the locale), typed as staff type them.
    const dates = await app.browser.$$("form input.date-input");
    expect(dates.length).toBe(2);
    await app.type("contractor-signed", isoDay(-365).replaceAll("-", "/"));
    await app.type("contractor-expires", isoDay(365).replaceAll("-", "/"));
    await app.browser.$(`button=${tr.save}`).click();
    await app.browser.$(".card.status-valid").waitForDisplayed({ timeout: 10_000, timeoutMsg: "the contractor was not added" });

    const id = await wizardToFile(app, {
      work: "installation",
      contractor: "CTR-0001",
      customers: "C0001, C0021, C0004",
      out: bundle,
    });
    expect(id).toMatch(/^HO-\d{4}-\d{6}$/);
    return readFileSync(join(app.data, "keys/office.signing.pub"), "utf8").trim();
  });

  // 3. The contractor again: straight into contractor mode; open the file with the key.
  await withApp("contractor opens", { home: contractorHome }, async (app) => {
    await app.waitFor("open-bundle");
    app.answerDialog("open_file", bundle);
    await app.click("choose-bundle");
    await app.waitForText("bundle-path", (s) => s === bundle);
    app.answerDialog("open_file", keyFile);
    await app.click("choose-key");
    await app.waitForText("key-path", (s) => s === keyFile);
    // A key that is not the office's: refused, with the reason, and nothing shown.
    // Keys are pasted, as a contractor would from the office's message.
    await app.fill('[data-testid="trust-key"]', "ed25519:" + "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29");
    await app.browser.keys("Tab");
    await app.click("trust-confirm");
    await app.click("open");
    await app.waitForText("error", (s) => s.includes(errorHeadline("bad_signature")!));
    expect(await app.byId("verified").isExisting()).toBe(false);

    // The office's key, pasted; its fingerprint must be confirmed before opening.
    await app.type("trust-key", signingKey);
    await app.browser.keys("Tab");
    await app.waitFor("trust-fingerprint");
    expect(await app.byId("open").isEnabled()).toBe(false);
    await app.click("trust-confirm");
    await app.click("open");

    await app.waitFor("verified", 20_000);
    expect(await app.text("verified")).toContain(tr.obVerified);
    expect(await app.text("handover-id")).toMatch(/^HO-\d{4}-\d{6}$/);
    expect(await app.text("return-by")).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/);
    const rows = await app.browser.$$('[data-testid="bundle-customer"]');
    expect(rows.length).toBe(3);
    const table = await app.text("bundle-customers");
    for (const id of ["C0001", "C0021", "C0004"]) expect(table).toContain(id);
    // Floor plans: C0001's PNG previewed from memory, C0021's PDF listed.
    const plans = await app.browser.$$('[data-testid="plan"]');
    expect(plans.length).toBe(2);
    await app.browser.$('[data-testid="plan"] img').waitForDisplayed({ timeout: 10_000, timeoutMsg: "no plan preview" });
    await app.screenshot("contractor-opened");

    // Remember the office key: the next bundle needs no pasting.
    await app.type("pin-label", "架空ケーブルテレビ");
    await app.click("pin");
    await app.waitForText("office-fingerprint", (s) => s.length === 19);
    expect(await app.browser.$(`.chip=${tr.obPinned("架空ケーブルテレビ")}`).isExisting()).toBe(true);

    // Export: plaintext files in the chosen folder, as verified.
    const out = join(contractorHome, "export");
    app.answerDialog("pick_folder", out);
    await app.click("export");
    await app.waitForText("exported", (s) => s.includes(out));
    const csv = readFileSync(join(out, "customers.csv"), "utf8");
    for (const id of ["C0001", "C0021", "C0004"]) expect(csv).toContain(id);
    expect(readFileSync(join(out, "floor_plans/C0001.png")).subarray(1, 4).toString()).toBe("PNG");
  });

  cleanup(contractorHome);
  cleanup(officeHome);
}, 180_000);
