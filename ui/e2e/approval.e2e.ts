// 上長承認 end to end, in the window: staff build a handover with an extra field and ask for
// approval from the review step; they sign out, a manager signs in to the same window and
// approves in the 承認 inbox; staff sign in again, choose the approval and pack; the contractor
// who opens the bundle in the app sees who approved it. The CLI only seeds the office (people,
// register, contractor) and reads the approval's id.
import { join } from "node:path";
import { expect, it } from "vitest";
import { type App, OPERATOR, PASSWORD, ROOT, cleanup, cli, newHome, reportFailure, startApp } from "./harness";

const KEYS = join(ROOT, "tests/fixtures/keys");

/** The wizard to its review step: repair, CTR-0001, C0001 and C0004, plus e-mail with a reason. */
async function toReview(app: App, out: string) {
  await app.nav("handover");
  await app.click("work-repair");
  await app.click("wizard-next");
  await app.click("contractor-CTR-0001");
  await app.click("wizard-next");
  await app.click("paste-toggle");
  await app.type("customer-ids", "C0001,C0004");
  await app.click("paste-add");
  await app.click("wizard-next");
  await app.waitFor("wizard-page-fields");
  await app.click("field-check-email");
  await app.type("field-reason-email", "工事日の連絡");
  await app.click("wizard-next");
  await app.click("method-transfer");
  app.answerDialog("save_file", out);
  await app.click("choose-out");
  await app.waitForText("out-path", (s) => s.length > 0);
  await app.click("wizard-next");
  await app.waitFor("wizard-page-returnBy");
  await app.click("wizard-next");
  await app.waitFor("review-card");
  await app.waitFor("approval-needed", 20_000);
}

async function signOut(app: App) {
  await app.click("sign-out");
  await app.waitFor("sign-in");
}

/** Staff ask, sign out; the manager approves in the inbox, signs out; returns the id. */
async function askAndApprove(app: App, data: string, out: string): Promise<string> {
  await app.signIn("tanto", PASSWORD);
  await toReview(app, out);
  await app.click("approval-request");
  await app.waitFor("approval-state", 20_000);
  const { id } = JSON.parse(cli(data, "approval", "list", "--json"))[0].approval;
  expect(id).toMatch(/^APR-\d{4}-0001$/);
  // Staff cannot decide: their inbox offers no approve button.
  await app.nav("approvals");
  await app.waitFor(`approval-${id}`);
  expect(await app.byId("approval-approve").isExisting()).toBe(false);
  await signOut(app);
  // The manager, in the same window: nothing of the staff member's handover is left.
  await app.signIn("joshi", PASSWORD);
  await app.nav("approvals");
  await app.waitFor(`approval-${id}`);
  await app.click("approval-approve");
  await app.browser.waitUntil(async () => !(await app.byId("approval-approve").isExisting()), { timeout: 20_000 });
  expect(cli(data, "approval", "show", id)).toContain("approved by joshi");
  await signOut(app);
  return id;
}

it("staff ask in the app, a manager approves in the app, staff pack, the contractor sees the approver", async () => {
  const officeHome = newHome();
  const data = join(officeHome, "data");
  const bundle = join(officeHome, "approved.age");
  cli(data, "init", "--admin", OPERATOR);
  const admin = (...args: string[]) => cli(data, ...args);
  admin("operator", "add", "tanto", "--role", "staff");
  admin("operator", "add", "joshi", "--role", "manager");
  admin("import", join(ROOT, "sample/sample_register.xlsx"), "--floor-plans", join(ROOT, "sample/floor_plans"));
  admin("contractor", "add", "--name", "架空電設株式会社", "--recipients-file", join(KEYS, "test-contractor.recipients.txt"), "--agreement-signed", "2020-04-01", "--agreement-expires", "2099-03-31");
  const signingKey = JSON.parse(admin("keys", "--json")).signingKey;

  const office = await startApp({ home: officeHome, signIn: false });
  let id = "";
  try {
    await office.waitFor("sign-in", 30_000);
    id = await askAndApprove(office, data, bundle);
    // Staff again: the wizard starts over (sign-out dropped it); they choose the approval.
    await office.signIn("tanto", PASSWORD);
    await toReview(office, bundle);
    await office.click(`approval-use-${id}`);
    await office.click("create");
    await office.waitFor("handover-done", 30_000);
    await office.stop();
  } catch (e) {
    await reportFailure(office, "approval-office");
    await office.stop();
    throw e;
  }

  // The contractor opens it in the app: verified, and the approver is named.
  const app = await startApp({ home: newHome() });
  try {
    await app.click("choose-contractor");
    await app.waitFor("open-bundle");
    app.answerDialog("open_file", bundle);
    await app.click("choose-bundle");
    await app.waitForText("bundle-path", (s) => s === bundle);
    app.answerDialog("open_file", join(KEYS, "test-contractor.agekey"));
    await app.click("choose-key");
    await app.type("trust-key", signingKey);
    await app.browser.keys("Tab");
    await app.waitFor("trust-fingerprint");
    await app.click("trust-confirm");
    await app.click("open");
    await app.waitFor("verified", 20_000);
    const approved = await app.text("approved-by");
    expect(approved).toContain("joshi");
    expect(approved).toContain(id);
    expect(approved).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d{2}/);
    await app.stop();
    cleanup(app.home);
  } catch (e) {
    await reportFailure(app, "approval");
    await app.stop();
    throw e;
  }
  cleanup(officeHome);
}, 300_000);
