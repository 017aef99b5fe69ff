// A contractor's key on hardware in the app (issue 15): the bundle is packed to the test age
// plugin's recipient (crates/cli/examples/age-plugin-handovertest.rs, a software key that asks
// for a PIN through the plugin protocol, standing in for a YubiKey), the plugin is on the app's
// PATH, and the window shows the plugin's message and asks its PIN in a dialog (no echo). A
// wrong PIN is refused with nothing opened; a cancelled PIN makes no receipt file; the right
// PIN opens the bundle and makes the receipt.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { expect, it } from "vitest";
import { errorHeadline } from "../src/i18n";
import { type App, OPERATOR, ROOT, cleanup, cli, newHome, reportFailure, startApp } from "./harness";

const PIN = "4321";
// cargo test builds the examples (scripts/e2e builds this one).
const PLUGIN = join(ROOT, "target/debug/examples/age-plugin-handovertest");

/** The plugin in a folder of its own, a new identity of it (with PIN) and its recipient. */
function hardwareKey(home: string): { bin: string; identity: string; recipient: string } {
  if (!existsSync(PLUGIN)) throw new Error(`${PLUGIN} is missing: cargo build -p handover-cli --example age-plugin-handovertest`);
  const bin = join(home, "plugin-bin");
  mkdirSync(bin, { recursive: true });
  copyFileSync(PLUGIN, join(bin, "age-plugin-handovertest"));
  const text = execFileSync(join(bin, "age-plugin-handovertest"), ["--generate", PIN], { encoding: "utf8" });
  const recipient = text
    .split("\n")
    .find((l) => l.startsWith("# recipient: "))!
    .slice("# recipient: ".length)
    .trim();
  const identity = join(home, "hardware.identity.txt");
  writeFileSync(identity, text);
  return { bin, identity, recipient };
}

/** An office whose contractor's key is on "hardware", with one bundle packed to it. */
function officeWithBundle(home: string, recipient: string): { bundle: string; trust: string } {
  const data = join(home, "data");
  cli(data, "init", "--admin", OPERATOR);
  cli(data, "import", join(ROOT, "sample/sample_register.xlsx"));
  const recipients = join(home, "recipients.txt");
  writeFileSync(recipients, `# YubiKey of 架空電設\n${recipient}\n`);
  cli(data, "contractor", "add", "--name", "架空電設株式会社", "--recipients-file", recipients, "--agreement-signed", "2020-04-01", "--agreement-expires", "2099-03-31");
  const bundle = join(home, "b.age");
  cli(data, "pack", "--contractor", "CTR-0001", "--work-type", "installation", "--customers", "C0001", "--method", "transfer", "--return-by", "2099-12-31", "--out", bundle);
  return { bundle, trust: readFileSync(join(data, "keys/office.signing.pub"), "utf8").trim() };
}

/** Wait until one of the error banners shown says `text`. */
async function errorSays(app: App, text: string) {
  await app.browser.waitUntil(
    async () => {
      for (const el of await app.browser.$$('[data-testid="error"]')) {
        if ((await el.getText()).includes(text)) return true;
      }
      return false;
    },
    { timeout: 20_000, timeoutMsg: `no error banner says ${text}` },
  );
}

/** Wait for the plugin's PIN question, with its message above; type `pin` (or cancel). */
async function answerPin(app: App, pin: string | null) {
  await app.waitFor("plugin-prompt", 20_000);
  await app.waitForText("plugin-question", (s) => s.includes("PIN"));
  expect(await app.text("plugin-prompt")).toContain("Touch your handovertest key");
  expect(await app.byId("plugin-answer").getAttribute("type")).toBe("password");
  if (pin === null) {
    await app.click("plugin-cancel");
  } else {
    await app.type("plugin-answer", pin);
    await app.screenshot("plugin-key-pin");
    await app.click("plugin-ok");
  }
}

async function contractorSide(app: App, bundle: string, identity: string, trust: string) {
  const failed = errorHeadline("plugin_failed")!;
  await app.click("choose-contractor");
  await app.waitFor("open-bundle");
  app.answerDialog("open_file", bundle);
  await app.click("choose-bundle");
  await app.waitForText("bundle-path", (s) => s === bundle);
  app.answerDialog("open_file", identity);
  await app.click("choose-key");
  await app.waitForText("key-path", (s) => s === identity);
  await app.type("trust-key", trust);
  await app.browser.keys("Tab");
  await app.click("trust-confirm");

  // A wrong PIN: the plugin refuses, nothing is opened.
  await app.click("open");
  await answerPin(app, "0000");
  await errorSays(app, failed);
  expect(await app.byId("verified").isExisting()).toBe(false);
  await app.browser.waitUntil(async () => !(await app.byId("plugin-prompt").isExisting()), {
    timeout: 10_000,
    timeoutMsg: "the key's dialog stayed after the command ended",
  });

  // The right PIN opens it.
  await app.click("open");
  await answerPin(app, PIN);
  await app.waitFor("verified", 20_000);
  await app.screenshot("plugin-key-opened");

  // The receipt asks the key again: cancelled, no receipt file; then made with the PIN.
  const receipt = join(app.home, "received.receipt.age");
  await app.type("receipt-by", "架空 次郎");
  app.answerDialog("save_file", receipt);
  await app.click("receipt-received");
  await answerPin(app, null);
  await errorSays(app, failed);
  expect(existsSync(receipt)).toBe(false);
  app.answerDialog("save_file", receipt);
  await app.click("receipt-received");
  await answerPin(app, PIN);
  await app.waitForText("receipt-done", (s) => s.includes(receipt), 20_000);
  expect(existsSync(receipt)).toBe(true);
}

it("a key on hardware asks its PIN in a dialog: a wrong one opens nothing, the right one opens", async () => {
  const officeHome = newHome();
  const contractorHome = newHome();
  const key = hardwareKey(contractorHome);
  const path = `${key.bin}:${process.env.PATH ?? ""}`;
  const before = process.env.PATH;
  // Packing runs the plugin too (to encrypt to its recipient): the CLI finds it on PATH.
  process.env.PATH = path;
  let office: { bundle: string; trust: string };
  try {
    office = officeWithBundle(officeHome, key.recipient);
  } finally {
    process.env.PATH = before;
  }
  const app = await startApp({ home: contractorHome, env: { PATH: path } });
  try {
    await contractorSide(app, office.bundle, key.identity, office.trust);
    await app.stop();
  } catch (e) {
    await reportFailure(app, "plugin key");
    await app.stop();
    throw e;
  }
  cleanup(contractorHome);
  cleanup(officeHome);
}, 240_000);
