// Issue 11 in the real window: the wizard keeps its progress when the user visits another
// screen, pasted ids are read by the core, dates are written year first in both languages
// under an English system locale, the review shows the encryption and the office's escrow key
// from the core, and the customer page shows the history and enforced requests the core
// computes.
import { join } from "node:path";
import { expect } from "vitest";
import { ROOT, cli, e2e } from "./harness";

const RECIPIENTS = join(ROOT, "tests/fixtures/keys/test-contractor.recipients.txt");
// An English system locale: the browser's own date input would show 11/23/2026 here.
const ENGLISH_SYSTEM = { LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8", LANGUAGE: "en_US" };

function contractor(data: string) {
  cli(data, "contractor", "add", "--name", "架空電設株式会社", "--recipients-file", RECIPIENTS, "--agreement-signed", "2020-04-01", "--agreement-expires", "2099-03-31");
}

e2e(
  "wizard: progress kept across screens, pasted ids, year-first dates, escrow at review",
  async (app) => {
    contractor(app.data);
    await app.browser.refresh();
    await app.nav("handover");
    await app.click("work-installation");
    await app.click("wizard-next");
    await app.click("contractor-CTR-0001");
    await app.click("wizard-next");
    // Full-width, mixed separators, a repeat and an unknown id: the core reads them.
    await app.click("paste-toggle");
    await app.type("customer-ids", "Ｃ０００１、C0002 C0002，C9999");
    await app.click("paste-add");
    await app.waitForText("paste-result", (s) => s.includes("C9999"));
    await app.waitForText("selected-count", (s) => s.includes("2"));

    // Away to the register and back: the wizard is where it was.
    await app.nav("register");
    await app.waitFor("customer-table", 15_000);
    await app.nav("handover");
    await app.waitFor("wizard-page-customers");
    expect(await app.text("selected-count")).toContain("2");

    await app.click("wizard-next");
    await app.waitFor("wizard-page-fields");
    await app.click("wizard-next");
    await app.click("method-transfer");
    app.answerDialog("save_file", join(app.home, "w.age"));
    await app.click("choose-out");
    await app.waitForText("out-path", (s) => s.length > 0);
    await app.click("wizard-next");
    await app.waitFor("wizard-page-returnBy");
    // Japanese UI: 2026/11/23, whatever the system locale says.
    const ja = await app.byId("return-by").getValue();
    expect(ja).toMatch(/^\d{4}\/\d{2}\/\d{2}$/);
    // A date typed the Japanese way is read; one in the US order is refused, not guessed.
    const [y] = ja.split("/");
    await app.type("return-by", `${Number(y) + 1}/1/5`);
    await app.waitForText("return-by-text", (s) => s.includes(`${Number(y) + 1}年1月5日`));
    await app.type("return-by", `01/05/${Number(y) + 1}`);
    expect(await app.byId("return-by").getAttribute("aria-invalid")).toBe("true");
    await app.type("return-by", ja);

    // English UI: year first too, never 11/23/2026.
    await app.click("toggle-language");
    await app.browser.waitUntil(async () => /^\d{4}-\d{2}-\d{2}$/.test(await app.byId("return-by").getValue()), {
      timeout: 10_000,
      timeoutMsg: "the English date field is not YYYY-MM-DD",
    });
    await app.click("toggle-language");

    await app.click("wizard-next");
    await app.waitFor("review-card");
    const keys = JSON.parse(cli(app.data, "keys", "--json"));
    expect(await app.text("review-escrow")).toContain(keys.recipientFingerprint);
    expect(await app.text("review-count")).toContain("2");
    await app.screenshot("rules-review");
  },
  { seed: "office+sample", env: ENGLISH_SYSTEM },
);

e2e(
  "customer page: the history and the enforced request come from the core",
  async (app) => {
    contractor(app.data);
    const id = cli(app.data, "pack", "--contractor", "CTR-0001", "--work-type", "repair", "--customers", "C0001,C0002", "--method", "transfer", "--out", join(app.home, "c.age")).trim();
    cli(app.data, "request", "add", "C0002", "--scope", "phone", "--received", "2026-01-05", "--channel", "phone");
    await app.browser.refresh();
    await app.nav("register");
    await app.waitFor("customer-table", 15_000);
    await app.type("search", "C0002");
    await app.browser.$('[data-testid="customer-row"][data-id="C0002"]').waitForDisplayed({ timeout: 10_000 });
    await app.browser.$('[data-testid="customer-row"][data-id="C0002"]').click();
    await app.waitFor("customer-page");
    await app.waitForText("customer-history", (s) => s.includes(id));
    await app.waitForText("customer-restricted", (s) => s.includes("1"));
    expect(await app.text("customer-requests")).toContain("REQ-");
    await app.screenshot("rules-customer");
  },
  { seed: "office+sample", env: ENGLISH_SYSTEM },
);
