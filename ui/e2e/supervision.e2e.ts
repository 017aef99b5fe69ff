// The supervision record on the contractor screen: a contractor never reviewed warns (the
// core's pack warning, on the card and in the wizard), a manager records the check, a person
// and the review, the warning goes, and the report is shown and saved as XLSX. The CLI reads
// back what the app recorded.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { PACK_WARNINGS } from "../src/bindings/messages";
import { cli, e2e, isoDay } from "./harness";

e2e(
  "supervision: record, warning gone, report saved",
  async (app) => {
    cli(app.data, "contractor", "add", "--name", "架空電設株式会社", "--agreement-signed", isoDay(-800), "--agreement-expires", isoDay(800));
    await app.waitFor("customer-table", 15_000);
    await app.nav("contractors");
    const warning = "contractor-warning-CTR-0001-review_overdue";
    await app.waitForText(warning, (s) => s === PACK_WARNINGS.ja.review_overdue);

    await app.click("supervision-open-CTR-0001");
    await app.waitFor("supervision-CTR-0001");
    await app.browser.$('[data-testid="sv-cert"]').selectByAttribute("value", "isms");
    await app.type("sv-number", "IS 000000");
    await app.type("sv-expires", isoDay(400).replaceAll("-", "/"));
    await app.click("sv-check-save");
    await app.waitForText("sv-check", (s) => s.includes("IS 000000"));
    await app.type("sv-person", "架空 一郎");
    await app.click("sv-person-add");
    await app.waitForText("supervision-CTR-0001", (s) => s.includes("架空 一郎"));
    await app.click("sv-clause-audit_right");
    await app.waitFor("sv-clause-audit_right");

    // The review due (the form offers the overdue date) done today with no issues.
    await app.type("sv-review-done", isoDay(0).replaceAll("-", "/"));
    await app.click("sv-review-save");
    await app.waitForText("next-review", (s) => !s.includes("期限切れ"));
    expect(await app.byId("supervision-warning-review_overdue").isExisting()).toBe(false);

    await app.click("sv-report-show");
    await app.waitFor("sv-report-frame");
    const out = join(app.home, "監督報告.xlsx");
    app.answerDialog("save_file", out);
    await app.click("sv-report-xlsx");
    await app.waitFor("sv-report-saved");
    expect(existsSync(out)).toBe(true);

    const shown = JSON.parse(cli(app.data, "contractor", "show", "CTR-0001", "--json"));
    expect(shown.record.people).toEqual(["架空 一郎"]);
    expect(shown.record.clauses).toEqual(["audit_right"]);
    expect(shown.record.check.number).toBe("IS 000000");
    expect(shown.status.reviewOverdue).toBe(false);
    // Every change recorded, and the ledger still verifies (the CLI exits non-zero otherwise).
    cli(app.data, "ledger", "verify");
  },
  { seed: "office+sample" },
);
