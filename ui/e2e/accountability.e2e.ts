// The manager's side: a request registered in the app and decided, the provision history
// showing a handover, the leak report for it recorded in the ledger, and an export saved
// through the (test-answered) save dialog.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { ROOT, cli, e2e, isoDay, recordedKinds } from "./harness";

e2e(
  "requests, the history of a handover and its leak report",
  async (app) => {
    // A contractor and one handover of three customers, made with the CLI beforehand.
    cli(
      app.data,
      "contractor",
      "add",
      "--name",
      "架空電設株式会社",
      "--recipients-file",
      join(ROOT, "tests/fixtures/keys/test-contractor.recipients.txt"),
      "--agreement-signed",
      "2020-04-01",
      "--agreement-expires",
      "2099-03-31",
    );
    const id = cli(
      app.data,
      "pack",
      "--contractor",
      "CTR-0001",
      "--work-type",
      "installation",
      "--customers",
      "C0001,C0002,C0003",
      "--method",
      "transfer",
      "--out",
      join(app.home, "b.age"),
    ).trim();
    expect(id).toMatch(/^HO-\d{4}-\d{6}$/);
    await app.browser.refresh();

    // A request for a customer of that handover: registered, shown with the earlier handover.
    await app.nav("requests");
    await app.click("request-new");
    await app.type("request-customer", "C0002");
    await app.click("request-save");
    const card = await app.browser.$('[data-testid^="request-REQ-"]');
    await card.waitForDisplayed({ timeout: 10_000 });
    const text = await card.getText();
    expect(text).toContain("C0002");
    expect(text).toContain(id);
    const reqId = ((await card.getAttribute("data-testid")) ?? "").replace("request-", "");
    // Accepted: it leaves the pending tab; the ledger has both steps.
    await app.click(`accept-${reqId}`);
    await app.browser.waitUntil(async () => !(await app.byId(`request-${reqId}`).isExisting()), {
      timeout: 10_000,
    });
    const list = JSON.parse(cli(app.data, "request", "list", "--json"));
    expect(list[0].request.status).toBe("accepted");
    expect(list[0].request.decidedOn).toBe(isoDay());

    // In the wizard that customer is greyed out with the reason, and cannot be picked.
    await app.nav("handover");
    await app.click("work-installation");
    await app.click("wizard-next");
    await app.click("contractor-CTR-0001");
    await app.click("wizard-next");
    // Typed at machine speed (as a barcode scanner would): no character may be lost.
    await app.type("wizard-search", "C0002");
    await app.waitForText("excluded-C0002", (s) => s.includes("REQ-"));
    await app.fill('[data-testid="wizard-search"]', "C0001");
    await app.waitFor("pick-C0001");
    expect(await app.byId("excluded-C0001").isExisting()).toBe(false);

    // The history shows one row per customer of the handover.
    await app.nav("history");
    await app.waitFor("history-table");
    const rows = await app.browser.$$('[data-testid="history-table"] tbody tr').length;
    expect(rows).toBe(3);
    expect(await app.text("history-table")).toContain(id);
    // Saved as CSV through the save dialog: UTF-8 with BOM, Japanese headers, three rows.
    const csv = join(app.home, "history.csv");
    app.answerDialog("save_file", csv);
    await app.browser.$("button=CSV で保存").click();
    await app.browser.waitUntil(() => existsSync(csv), { timeout: 10_000 });
    const content = readFileSync(csv, "utf8");
    expect(content.charCodeAt(0)).toBe(0xfeff);
    expect(content.split("\r\n").filter((l) => l.includes(id)).length).toBe(3);

    // The leak report for that handover: three people, encrypted so exempt; recorded.
    await app.click("history-tab-leak");
    await app.type("leak-ids", id);
    await app.click("leak-preview");
    await app.waitFor("leak-summary");
    expect(await app.text("leak-people")).toBe("3");
    await app.waitFor("report-frame");
    // One entry for the report, beside the record of use's seals (the preview and the CSV
    // above are uses, sealed into the ledger in batches) and the sign-ins.
    const recorded = () => recordedKinds(app.data).filter((k) => k !== "usage.sealed");
    const before = recorded();
    await app.click("leak-record");
    await app.browser.waitUntil(async () => !(await app.byId("leak-record").isExisting()), { timeout: 10_000 });
    expect(recorded()).toEqual([...before, "report.leak"]);

    // The ledger screen: verified with the derived tables, nothing past retention yet, and the
    // ledger exported through the save dialog for an outside check.
    await app.nav("ledger");
    await app.click("verify");
    await app.waitFor("verify-derived");
    await app.click("retention-preview");
    await app.waitFor("retention-summary");
    expect(await app.byId("retention-purge").isExisting()).toBe(false);
    const entries = JSON.parse(cli(app.data, "ledger", "verify", "--json")).entries;
    const jsonl = join(app.home, "ledger.jsonl");
    app.answerDialog("save_file", jsonl);
    await app.click("ledger-export");
    await app.browser.waitUntil(() => existsSync(jsonl), { timeout: 10_000 });
    const lines = readFileSync(jsonl, "utf8").trim().split("\n");
    expect(lines.length).toBe(entries + 1);
  },
  { seed: "office+sample" },
);
