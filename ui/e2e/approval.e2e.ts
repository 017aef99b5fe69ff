// 上長承認 end to end: staff ask, a manager (another sign-in) approves, staff pack with the
// approval, and the contractor who opens the bundle in the app sees who approved it. Until the
// app's sign-in screen is on main, the office side runs through the CLI (each step signed in
// as its person); the contractor's side is the real window.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { CLI_BIN, ROOT, cleanup, newHome, reportFailure, startApp } from "./harness";

const PASSWORD = "test password 1234";

/** The CLI on `data`, signed in as `who` (none: an office without people yet). */
function as(data: string, who: string | null, ...args: string[]): string {
  const signIn = who ? ["--operator", who] : [];
  const env: NodeJS.ProcessEnv = { ...process.env, HANDOVER_PASSWORD: PASSWORD, HANDOVER_TEST_FAST_HASH: "1" };
  delete env.HANDOVER_OPERATOR;
  return execFileSync(CLI_BIN, ["--data-dir", data, ...signIn, ...args], { encoding: "utf8", env });
}

const SELECTION = ["--contractor", "CTR-0001", "--work-type", "repair", "--customers", "C0001,C0004", "--extra-field", "email", "--reason", "工事日の連絡"];

it("staff ask, a manager approves, staff pack, and the contractor sees the approver", async () => {
  const officeHome = newHome();
  const data = join(officeHome, "data");
  const bundle = join(officeHome, "approved.age");
  as(data, null, "init", "--admin", "kanri");
  as(data, "kanri", "operator", "add", "tanto", "--role", "staff");
  as(data, "kanri", "operator", "add", "joshi", "--role", "manager");
  as(data, "kanri", "import", join(ROOT, "sample/sample_register.xlsx"), "--floor-plans", join(ROOT, "sample/floor_plans"));
  const keys = join(ROOT, "tests/fixtures/keys");
  as(data, "kanri", "contractor", "add", "--name", "架空電設株式会社", "--recipients-file", join(keys, "test-contractor.recipients.txt"), "--agreement-signed", "2020-04-01", "--agreement-expires", "2099-03-31");

  // Staff: refused without an approval; asked; the manager approves; staff pack with it.
  expect(() => as(data, "tanto", "pack", ...SELECTION, "--method", "transfer", "--out", bundle)).toThrow();
  const { id } = JSON.parse(as(data, "tanto", "approval", "request", ...SELECTION, "--json"));
  expect(id).toMatch(/^APR-\d{4}-0001$/);
  as(data, "joshi", "approval", "approve", id);
  as(data, "tanto", "pack", ...SELECTION, "--method", "transfer", "--out", bundle, "--approval", id);
  const signingKey = JSON.parse(as(data, "tanto", "keys", "--json")).signingKey;

  // The contractor opens it in the app: verified, and the approver is named.
  const app = await startApp({ home: newHome() });
  try {
    await app.click("choose-contractor");
    await app.waitFor("open-bundle");
    app.answerDialog("open_file", bundle);
    await app.click("choose-bundle");
    await app.waitForText("bundle-path", (s) => s === bundle);
    app.answerDialog("open_file", join(keys, "test-contractor.agekey"));
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
}, 180_000);
