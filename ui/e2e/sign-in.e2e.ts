// Sign-in on this PC's own store (issue 13): the first start creates the admin, who adds a staff
// member in 担当者; a wrong password is refused in Japanese; five in a row lock the operator
// until a time shown in local time; staff are not offered the policy editor; サインアウト goes
// back to the sign-in screen; and after the policy's minutes without use the window locks,
// hiding the work, which is still there after signing in again.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { HEADLINES } from "../src/bindings/messages";
import { type App, OPERATOR, PASSWORD, ROOT, cli, e2e, newHome } from "./harness";

const STAFF = "田中 花子";
const STAFF_PASSWORD = "staff password 5678";

async function signInFails(app: App, name: string, password: string, code: string) {
  await app.type("sign-in-login", name);
  await app.type("sign-in-password", password);
  await app.click("sign-in-submit");
  await app.waitForText("error", (s) => s.includes(HEADLINES.ja[code]), 20_000);
  expect(await app.byId("session").isExisting()).toBe(false);
  expect(await app.browser.$('[data-testid="sign-in-password"]').getValue()).toBe("");
}

/** `2026年12月6日 09:05` as a Date (this PC's local time, as the app shows it). */
function readLocal(text: string): Date {
  const m = /(\d{4})年(\d{1,2})月(\d{1,2})日 (\d{2}):(\d{2})/.exec(text);
  if (!m) throw new Error(`no local time in ${JSON.stringify(text)}`);
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
}

e2e(
  "sign-in: the first admin, a staff member, refusals, the lockout and its time, roles, sign-out",
  async (app) => {
    await app.waitFor("first-start");
    await app.click("choose-office");
    // The two passwords must agree before anything is sent.
    await app.type("admin-name", OPERATOR);
    await app.type("admin-password", PASSWORD);
    await app.type("admin-password-again", `${PASSWORD}x`);
    await app.waitFor("admin-mismatch");
    expect(await app.byId("create-keys").isEnabled()).toBe(false);
    await app.type("admin-password-again", PASSWORD);
    await app.click("create-keys");
    await app.waitFor("keys-created", 20_000);
    // The recovery key for the office safe, shown once: nine groups of four, the last a check.
    expect(await app.text("recovery-key-value")).toMatch(/^([0-9A-Z]{4}-){8}[0-9A-Z]{4}$/);
    await app.click("next");
    await app.click("skip-register");
    expect(await app.waitForText("session-user", (s) => s === OPERATOR)).toBe(OPERATOR);
    expect(await app.text("session-role")).toBe("管理者");

    // The admin adds a staff member in Settings → 担当者.
    await app.nav("settings");
    await app.waitFor("operators");
    await app.type("operator-add-name", STAFF);
    await app.type("operator-add-password", STAFF_PASSWORD);
    await app.type("operator-add-password-again", STAFF_PASSWORD);
    await app.click("operator-add-submit");
    await app.waitFor("operator-added");
    await app.waitForText("operators", (s) => s.includes(STAFF) && s.includes("担当者"));

    // サインアウト: back to the sign-in screen, nothing of the office shown.
    await app.click("sign-out");
    await app.waitFor("sign-in");
    expect(await app.byId("nav-ledger").isExisting()).toBe(false);

    // A wrong password: refused with the Japanese message.
    await signInFails(app, STAFF, "not the password", "sign_in_failed");
    // The staff member signs in and is not offered the policy editor or the roster of people.
    await app.signIn(STAFF, STAFF_PASSWORD);
    expect(await app.text("session-role")).toBe("担当者");
    await app.nav("settings");
    await app.waitFor("policy-manager-only");
    expect(await app.byId("policy-editor").isExisting()).toBe(false);
    expect(await app.byId("operators").isExisting()).toBe(false);
    await app.click("sign-out");
    await app.waitFor("sign-in");

    // Five wrong passwords in a row lock the operator, until a time in local time.
    for (let i = 0; i < 4; i++) await signInFails(app, STAFF, `wrong password ${i}`, "sign_in_failed");
    const before = Date.now();
    await signInFails(app, STAFF, "wrong password 5", "operator_locked");
    const until = await app.text("locked-until");
    expect(until).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}までサインインできません。$/);
    // The policy's 15 minutes from now (to the minute shown).
    const minutes = (readLocal(until).getTime() - before) / 60_000;
    expect(minutes).toBeGreaterThan(13.9);
    expect(minutes).toBeLessThanOrEqual(16);
    // Even the right password waits until then.
    await signInFails(app, STAFF, STAFF_PASSWORD, "operator_locked");
    expect(await app.text("locked-until")).toBe(until);
    // The admin is not locked.
    await app.signIn();
    // Every attempt is in the ledger, which verifies.
    expect(cli(app.data, "ledger", "verify")).toMatch(/intact/i);
  },
  { timeoutMs: 180_000 },
);

// The idle lock is tested with the policy's smallest setting, one minute (the policy's minutes
// are a whole number ≥ 1): no shortcut in the app.
const idleHome = newHome();
const idleData = join(idleHome, "data");
cli(idleData, "init", "--admin", OPERATOR);
cli(idleData, "import", join(ROOT, "sample/sample_register.xlsx"));
const policy = cli(idleData, "policy", "show").replace(/(idle_lock_minutes|idleLockMinutes) = \d+/, "$1 = 1");
writeFileSync(join(idleHome, "policy.toml"), policy);
cli(idleData, "policy", "set", join(idleHome, "policy.toml"));

e2e(
  "sign-in: after the policy's minutes without use the window locks, and the work is kept",
  async (app) => {
    expect(await app.text("session-user")).toBe(OPERATOR);
    // Work in progress: a search typed into the register.
    await app.waitFor("customer-table", 30_000);
    await app.type("search", "C0001");
    await app.waitForText("count", (s) => s === "1 件");
    const last = Date.now();
    // One minute without use (and the window's check every few seconds): locked.
    await app.waitFor("locked", 90_000);
    expect(Date.now() - last).toBeGreaterThanOrEqual(55_000);
    expect(await app.text("locked-who")).toBe(OPERATOR);
    // The data is hidden, and the header names nobody.
    expect(await app.byId("customer-table").isDisplayed()).toBe(false);
    expect(await app.byId("session").isExisting()).toBe(false);
    // A wrong password: still locked.
    await app.type("locked-password", "not the password");
    await app.click("locked-submit");
    await app.waitForText("error", (s) => s.includes(HEADLINES.ja.sign_in_failed), 20_000);
    expect(await app.byId("locked").isExisting()).toBe(true);
    // The right one: the same screen, the same search, as it was.
    await app.type("locked-password", PASSWORD);
    await app.click("locked-submit");
    await app.waitFor("session", 20_000);
    expect(await app.byId("locked").isExisting()).toBe(false);
    expect(await app.browser.$('[data-testid="search"]').getValue()).toBe("C0001");
    await app.waitForText("count", (s) => s === "1 件");
  },
  { home: idleHome, timeoutMs: 180_000 },
);
