// A PC of a shared office (issue 12): the app connects to the office's PostgreSQL server from
// Settings, signs a staff member in (a wrong password changes nothing), offers only what the
// role may do, packs through the wizard, and shows a request another process (the CLI, signed in
// as someone else) records meanwhile, without a restart. The login changes its own password in
// Settings, and signs in and packs with the new one (issue 14: this PC's office keys follow).
//
// Needs the throwaway cluster of scripts/pg-cluster (HANDOVER_TEST_PG_ADMIN; scripts/test starts
// it). Skipped without it, unless HANDOVER_REQUIRE_PG=1 (scripts/test), where it fails instead.
// The same live refresh on this PC's own store runs always.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { CLI_BIN, OPERATOR, ROOT, cleanup, cli, e2e, isoDay, newHome, reportFailure, startApp, wizardToFile, type App } from "./harness";

const ADMIN = process.env.HANDOVER_TEST_PG_ADMIN ?? "";
const REQUIRED = process.env.HANDOVER_REQUIRE_PG === "1";
/** Every login's password on the throwaway cluster (127.0.0.1 only). */
const PASSWORD = "correct horse battery";

function psql(url: string, sql: string): string {
  return execFileSync("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql], {
    encoding: "utf8",
    env: { ...process.env, PGCONNECT_TIMEOUT: "10" },
    // A refusal the test expects is its thrown error, not noise in the log.
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/** A fresh database owned by a new CREATEROLE login, as an office's server would have. */
function freshDatabase() {
  const host = new URL(ADMIN).host;
  const db = `e2e${process.pid}x${Date.now() % 1_000_000}`;
  psql(ADMIN, `CREATE ROLE ${db}_owner LOGIN CREATEROLE PASSWORD '${PASSWORD}'`);
  psql(ADMIN, `CREATE DATABASE ${db} OWNER ${db}_owner ENCODING 'UTF8' TEMPLATE template0`);
  const url = (login: string) => `postgres://${login}@${host}/${db}?sslmode=disable`;
  const drop = () => {
    psql(ADMIN, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    const roles = psql(ADMIN, `SELECT rolname FROM pg_roles WHERE starts_with(rolname, '${db}') ORDER BY length(rolname) DESC`);
    for (const r of roles.split("\n").filter(Boolean)) psql(ADMIN, `DROP ROLE IF EXISTS "${r}"`);
  };
  return { db, url, drop };
}

/** The CLI on the shared store as `login` (the password from PGPASSWORD; stdin for prompts). */
function shared(data: string, url: string, args: string[], input?: string): string {
  return execFileSync(CLI_BIN, ["--data-dir", data, "--store", url, ...args], {
    encoding: "utf8",
    input,
    env: { ...process.env, PGPASSWORD: PASSWORD, HANDOVER_OPERATOR: "" },
  });
}

if (!ADMIN && !REQUIRED) {
  it.skip("the app on a shared PostgreSQL store (no HANDOVER_TEST_PG_ADMIN: run scripts/test)", () => {});
} else {
  it(
    "signs in to the office server, packs, and sees what another PC recorded",
    async () => {
      expect(ADMIN, "HANDOVER_REQUIRE_PG=1 but HANDOVER_TEST_PG_ADMIN is unset (scripts/pg-cluster)").not.toBe("");
      const { db, url, drop } = freshDatabase();
      const home = newHome();
      const data = join(home, "data");
      const owner = url(`${db}_owner`);
      const staff = `${db}.sato`;
      let app: App | null = null;
      try {
        // The office, made from the terminal by its owner (the first admin): the register, a
        // contractor, and a staff login.
        shared(data, owner, ["init"]);
        shared(data, owner, ["import", join(ROOT, "sample/sample_register.xlsx"), "--floor-plans", join(ROOT, "sample/floor_plans")]);
        shared(data, owner, [
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
        ]);
        shared(data, owner, ["operator", "add", staff, "--role", "staff"], `${PASSWORD}\n`);

        // This PC's app: no password anywhere but the sign-in screen.
        app = await startApp({
          home,
          env: { PGPASSWORD: "", PGPASSFILE: join(home, "no-pgpass") },
        });
        // A new PC: the first start offers the settings, where the office's server is chosen.
        await app.click("first-start-settings");
        await app.waitFor("store-own");

        // A URL with a password is refused, saying why, and nothing changes.
        await app.type("store-url", `postgres://${staff}:${encodeURIComponent(PASSWORD)}@${new URL(ADMIN).host}/${db}`);
        await app.click("store-connect");
        await app.waitForText("error", (s) => s.includes("パスワード"));
        expect(await app.byId("store-own").isExisting()).toBe(true);

        await app.type("store-url", url(staff));
        await app.click("store-connect");
        await app.waitFor("sign-in");
        expect(await app.text("sign-in-server")).toContain(db);
        const settingsFile = readFileSync(join(home, "config/handover/config.json"), "utf8");
        expect(JSON.parse(settingsFile).store).toBe(url(staff));

        // A wrong password: a clear refusal, still signed out.
        await app.type("sign-in-password", "not the password");
        await app.click("sign-in-submit");
        await app.waitForText("error", (s) => s.length > 0, 20_000);
        expect(await app.byId("session").isExisting()).toBe(false);
        expect(await app.browser.$('[data-testid="sign-in-password"]').getValue()).toBe("");
        expect(await app.text("error")).toContain("サインイン");
        await app.screenshot("shared-store-wrong-password");

        // The right one: the header names the login the server checked, and its role.
        await app.type("sign-in-password", PASSWORD);
        await app.click("sign-in-submit");
        await app.waitForText("session-user", (s) => s === staff, 20_000);
        expect(await app.text("session-role")).toBe("担当者");
        expect(readFileSync(join(home, "config/handover/config.json"), "utf8")).not.toContain(PASSWORD);

        // Staff are not offered a manager's steps.
        await app.nav("contractors");
        await app.waitFor("roster-manager-only");
        expect(await app.byId("contractor-add").isExisting()).toBe(false);
        await app.nav("ledger");
        await app.waitFor("verify");
        expect(await app.byId("ledger-export").isExisting()).toBe(false);

        // A pack through the wizard, recorded under the signed-in login.
        const id = await wizardToFile(app, {
          work: "installation",
          contractor: "CTR-0001",
          customers: "C0001,C0002",
          out: join(home, "a.age"),
        });
        expect(id).toMatch(/^HO-\d{4}-\d{6}$/);
        shared(data, owner, ["ledger", "export", join(home, "ledger.jsonl")]);
        const entries = readFileSync(join(home, "ledger.jsonl"), "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l));
        const packed = entries.find((e) => JSON.stringify(e).includes(id) && String(e.kind).startsWith("handover."));
        expect(packed?.actor).toBe(staff);

        // Another PC records an opt-out: it shows here without a restart or a click.
        await app.nav("requests");
        await app.waitFor("requests-tab-pending");
        shared(data, owner, ["request", "add", "C0003", "--scope", "all", "--received", isoDay(), "--channel", "phone"]);
        const card = app.browser.$('[data-testid^="request-REQ-"]');
        await card.waitForDisplayed({ timeout: 15_000, timeoutMsg: "the other PC's request did not show" });
        expect(await card.getText()).toContain("C0003");
        // Staff may not decide it.
        const reqId = ((await card.getAttribute("data-testid")) ?? "").replace("request-", "");
        expect(await app.byId(`accept-${reqId}`).isExisting()).toBe(false);
        await app.screenshot("shared-store-requests");

        // The server drops the connection: said once, and signing in again carries on.
        psql(ADMIN, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${staff}'`);
        await app.waitFor("connection-lost", 15_000);
        await app.screenshot("shared-store-connection-lost");
        await app.click("sign-in-again");
        await app.type("sign-in-password", PASSWORD);
        await app.click("sign-in-submit");
        await app.waitForText("session-user", (s) => s === staff, 20_000);
        expect(await app.byId("connection-lost").isExisting()).toBe(false);

        // The login changes its own password in Settings: the server takes the new one (the
        // old one no longer signs in), and this PC's office keys follow it.
        const renewed = "a new password for the server";
        await app.nav("settings");
        await app.waitFor("password-change");
        await app.type("password-change-current", PASSWORD);
        await app.type("password-change-password", renewed);
        await app.type("password-change-password-again", renewed);
        await app.click("password-change-submit");
        await app.waitFor("password-changed", 20_000);
        const host = new URL(ADMIN).host;
        const as = (pw: string) => `postgres://${staff}:${encodeURIComponent(pw)}@${host}/${db}?sslmode=disable`;
        expect(psql(as(renewed), "SELECT session_user")).toBe(staff);
        expect(() => psql(as(PASSWORD), "SELECT 1")).toThrow();

        // Signing out closes the office until someone signs in again, with the new password.
        await app.click("sign-out");
        await app.waitFor("sign-in");
        expect(await app.byId("session").isExisting()).toBe(false);
        await app.type("sign-in-password", renewed);
        await app.click("sign-in-submit");
        await app.waitForText("session-user", (s) => s === staff, 20_000);
        const again = await wizardToFile(app, {
          work: "installation",
          contractor: "CTR-0001",
          customers: "C0004",
          out: join(home, "b.age"),
        });
        expect(again, "the office keys open with the new password").toMatch(/^HO-\d{4}-\d{6}$/);

        // The office keys taken in from a key file in Settings (as on a new PC; here the login
        // gets its wrap again): the file chosen, its passphrase and the login's password. A
        // wrong passphrase is refused and changes nothing; the right one is recorded.
        const keyFile = join(home, "office-keys.age");
        const keysPassphrase = "a passphrase for the key file";
        shared(data, owner, ["office", "export-keys", keyFile], `${keysPassphrase}\n`);
        await app.nav("settings");
        await app.waitFor("office-keys");
        expect(await app.byId("export-submit").isExisting(), "staff do not write key files").toBe(false);
        app.answerDialog("open_file", keyFile);
        await app.click("join-choose");
        await app.waitForText("join-file", (s) => s === keyFile);
        await app.type("join-passphrase", "not the passphrase");
        await app.type("join-password", renewed);
        await app.click("join-submit");
        await app.waitForText("error", (s) => s.length > 0, 20_000);
        expect(await app.byId("join-done").isExisting()).toBe(false);
        await app.type("join-passphrase", keysPassphrase);
        await app.type("join-password", renewed);
        await app.click("join-submit");
        await app.waitFor("join-done", 30_000);
        shared(data, owner, ["ledger", "export", join(home, "ledger-2.jsonl")]);
        const joined = readFileSync(join(home, "ledger-2.jsonl"), "utf8")
          .trim()
          .split("\n")
          .slice(1)
          .map((l) => JSON.parse(l) as { kind: string; actor: string })
          .filter((e) => e.kind === "pc.joined");
        expect(joined.map((e) => e.actor)).toEqual([staff]);

        await app.stop();
        app = null;
        cleanup(home);
      } catch (e) {
        if (app) {
          await reportFailure(app, "shared-store");
          await app.stop();
        }
        throw e;
      } finally {
        drop();
      }
    },
    180_000,
  );
}

e2e(
  "this PC's own store: what a CLI process records shows without a restart",
  async (app) => {
    await app.nav("requests");
    await app.waitFor("requests-tab-pending");
    expect(await app.browser.$('[data-testid^="request-REQ-"]').isExisting()).toBe(false);
    cli(app.data, "request", "add", "C0005", "--scope", "all", "--received", isoDay(), "--channel", "counter");
    const card = app.browser.$('[data-testid^="request-REQ-"]');
    await card.waitForDisplayed({ timeout: 15_000, timeoutMsg: "the CLI's request did not show" });
    expect(await card.getText()).toContain("C0005");
    // The admin signed in on this PC's own store, and is offered every step.
    expect(await app.text("session-user")).toBe(OPERATOR);
    const reqId = ((await card.getAttribute("data-testid")) ?? "").replace("request-", "");
    await app.waitFor(`accept-${reqId}`);
  },
  { seed: "office+sample" },
);
