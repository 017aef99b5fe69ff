// Receipts (issue 15), the whole loop in the app: the office packs (with the CLI), the
// contractor opens the bundle in the app, exports it, reports 受領, then 廃棄 — the app deletes
// what it exported and saves the destruction receipt through the (test-answered) save dialog;
// the office imports the receipts in the app and the handover closes with the evidence. A
// receipt with one byte changed is refused with its reason, and nothing is recorded.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { errorHeadline } from "../src/i18n";
import { type App, OPERATOR, ROOT, cleanup, cli, newHome, recordedKinds, reportFailure, startApp } from "./harness";

const KEY = join(ROOT, "tests/fixtures/keys/test-contractor.agekey");

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

/** An office with the sample register, the test contractor, and one handover in a file. */
function officeWithHandover(home: string): { id: string; bundle: string } {
  const data = join(home, "data");
  cli(data, "init", "--admin", OPERATOR);
  cli(data, "import", join(ROOT, "sample/sample_register.xlsx"), "--floor-plans", join(ROOT, "sample/floor_plans"));
  cli(data, "contractor", "add", "--name", "架空電設株式会社", "--recipients-file", join(ROOT, "tests/fixtures/keys/test-contractor.recipients.txt"), "--agreement-signed", "2020-04-01", "--agreement-expires", "2099-03-31");
  const bundle = join(home, "b.age");
  const id = cli(data, "pack", "--contractor", "CTR-0001", "--work-type", "installation", "--customers", "C0001,C0021", "--method", "transfer", "--out", bundle).trim();
  return { id, bundle };
}

/** The contractor's app: open the bundle, export it, 受領, then 廃棄. */
async function contractorSide(app: App, bundle: string, trust: string, out: string, received: string, destroyed: string) {
  await app.click("choose-contractor");
  await app.waitFor("open-bundle");
  app.answerDialog("open_file", bundle);
  await app.click("choose-bundle");
  await app.waitForText("bundle-path", (s) => s === bundle);
  app.answerDialog("open_file", KEY);
  await app.click("choose-key");
  await app.waitForText("key-path", (s) => s === KEY);
  await app.type("trust-key", trust);
  await app.browser.keys("Tab");
  await app.click("trust-confirm");
  await app.click("open");
  await app.waitFor("verified", 20_000);

  app.answerDialog("pick_folder", out);
  await app.click("export");
  await app.waitForText("exported", (s) => s.includes(out));
  expect(existsSync(join(out, "customers.csv"))).toBe(true);

  await app.type("receipt-by", "架空 次郎");
  app.answerDialog("save_file", received);
  await app.click("receipt-received");
  await app.waitForText("receipt-done", (s) => s.includes(received));

  await app.click("receipt-destroy");
  await app.waitForText("destroy-folders", (s) => s.includes(out));
  expect(await app.byId("destroy-now").isEnabled()).toBe(false);
  await app.click("destroy-confirm");
  await app.type("destroy-note", "印刷物はシュレッダーで廃棄");
  // One exported file already deleted by hand: the receipt says so, by its code, in the
  // window's language.
  rmSync(join(out, "customers.json"));
  app.answerDialog("save_file", destroyed);
  await app.click("destroy-now");
  await app.waitForText("receipt-done", (s) => s.includes(destroyed));
  const notDeleted = await app.text("receipt-not-deleted");
  expect(notDeleted).toContain("customers.json");
  expect(notDeleted).toContain("見つかりませんでした");
  // The bundle's view is closed (its plaintext gone from the window) and its files deleted.
  expect(await app.byId("verified").isExisting()).toBe(false);
  expect(existsSync(join(out, "customers.csv"))).toBe(false);
  expect(existsSync(join(out, "floor_plans/C0001.png"))).toBe(false);
  // The app forgot the folder: nothing is left for another 廃棄 to delete.
  const config = readFileSync(join(app.home, "config/handover/config.json"), "utf8");
  expect(JSON.parse(config).extractions).toEqual([]);
}

/** The office's app: a tampered receipt refused, then both receipts imported. */
async function officeSide(app: App, id: string, received: string, destroyed: string) {
  await app.nav("history");
  await app.click("history-tab-handovers");
  await app.waitForText(`receipt-state-${id}`, (s) => s.includes("受領証なし"));

  const tampered = join(app.home, "tampered.receipt.age");
  const bytes = readFileSync(destroyed);
  const mid = Math.floor(bytes.length / 2);
  bytes[mid] = bytes[mid] === 0x41 ? 0x42 : 0x41;
  writeFileSync(tampered, bytes);
  const before = recordedKinds(app.data);
  app.answerDialog("open_file", tampered);
  await app.click("import-receipts");
  await app.waitForText("receipt-import", (s) => s.includes(errorHeadline("receipt_unreadable")!));
  expect(recordedKinds(app.data)).toEqual(before);

  app.answerDialog("open_file", received);
  await app.click("import-receipts");
  await app.waitForText("receipt-imported", (s) => s.includes("1"));
  await app.waitForText(`receipt-state-${id}`, (s) => s.includes("受領済み"));

  app.answerDialog("open_file", destroyed);
  await app.click("import-receipts");
  await app.waitForText(`receipt-state-${id}`, (s) => s.includes("廃棄（受領証あり）"));
  const evidence = await app.text(`receipt-evidence-${id}`);
  expect(evidence).toContain("架空 次郎");
  await app.screenshot("receipts-office");

  // The same receipt again is a replay: refused, nothing recorded.
  app.answerDialog("open_file", destroyed);
  await app.click("import-receipts");
  await app.waitForText("receipt-import", (s) => s.includes(errorHeadline("receipt_replayed")!));
  const list = JSON.parse(cli(app.data, "handovers", "--json"));
  expect(list[0].closed_on ?? list[0].closedOn).toBeTruthy();
  cli(app.data, "ledger", "verify");
}

it("receipts: the contractor destroys in the app, the office imports, a tampered one is refused", async () => {
  const officeHome = newHome();
  const contractorHome = newHome();
  const { id, bundle } = officeWithHandover(officeHome);
  expect(id).toMatch(/^HO-\d{4}-\d{6}$/);
  const trust = readFileSync(join(officeHome, "data/keys/office.signing.pub"), "utf8").trim();
  const received = join(contractorHome, `${id}-received.receipt.age`);
  const destroyed = join(contractorHome, `${id}-destroyed.receipt.age`);
  const out = join(contractorHome, "work");

  await withApp("receipts contractor", { home: contractorHome }, (app) => contractorSide(app, bundle, trust, out, received, destroyed));
  expect(readFileSync(destroyed).length).toBeLessThan(4096);
  await withApp("receipts office", { home: officeHome }, (app) => officeSide(app, id, received, destroyed));

  cleanup(contractorHome);
  cleanup(officeHome);
}, 240_000);
