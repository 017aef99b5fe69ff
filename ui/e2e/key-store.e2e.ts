// Opening without typing in the app (issue 14), with the OS key store for real: the app runs in
// a D-Bus session of its own where GNOME Keyring's Secret Service has unlocked a login keyring
// (what a desktop sign-in gives a person). The admin turns it on in Settings, reads what it
// costs, signs out, and the sign-in screen opens the office with the password left empty;
// `secret-tool` (the desktop's own client) sees the entry. Turned off, the entry is gone and the
// empty password no longer signs in.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { OPERATOR, ROOT, cli, e2e, newHome, recordedKinds } from "./harness";

const home = newHome();
const data = join(home, "data");
cli(data, "init", "--admin", OPERATOR);
cli(data, "import", join(ROOT, "sample/sample_register.xlsx"));

// The computer account's session: a bus, and the keyring daemon on it, unlocked (before the
// app starts; `session` is what the app and secret-tool are given).
const runtime = join(home, "run");
mkdirSync(runtime, { recursive: true, mode: 0o700 });
const session: Record<string, string> = {
  HOME: home,
  XDG_RUNTIME_DIR: runtime,
  XDG_DATA_HOME: join(home, "xdg-data"),
};
let bus: ChildProcess | null = null;
const sessionEnv = () => ({ ...process.env, ...session });
beforeAll(async () => {
  const daemon = spawn("dbus-daemon", ["--session", "--nofork", "--print-address=1"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  bus = daemon;
  session.DBUS_SESSION_BUS_ADDRESS = await new Promise<string>((resolve, reject) => {
    daemon.stdout?.once("data", (b: Buffer) => resolve(b.toString().trim()));
    daemon.once("exit", (code) => reject(new Error(`dbus-daemon exited (${code})`)));
  });
  execFileSync("gnome-keyring-daemon", ["--unlock", "--components=secrets"], {
    input: "the computer account's password",
    env: sessionEnv(),
    stdio: ["pipe", "ignore", "inherit"],
  });
});
// The bus, and the keyring daemon it started (which may outlive it): each process whose
// environment names this test's runtime folder.
afterAll(() => {
  bus?.kill();
  const mark = `XDG_RUNTIME_DIR=${runtime}\0`;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, "utf8");
      if (!comm.startsWith("gnome-keyring") && !comm.startsWith("dbus-daemon")) continue;
      if (readFileSync(`/proc/${pid}/environ`, "latin1").includes(mark)) process.kill(Number(pid));
    } catch {
      /* gone, or not ours to read */
    }
  }
});

/** What `secret-tool` finds kept for Handover in this session. */
function kept(): string {
  return execFileSync("secret-tool", ["search", "--all", "service", "Handover"], {
    env: sessionEnv(),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

e2e(
  "key store: on in Settings, the sign-in opens without a password; off, it no longer does",
  async (app) => {
    await app.nav("settings");
    await app.waitForText("key-store-state", (s) => s.startsWith("オフ"));
    await app.click("key-store-toggle");
    await app.waitForText("key-store-state", (s) => s.startsWith("オン"), 20_000);
    expect(kept()).toContain(`label = ${OPERATOR} (`);
    expect(recordedKinds(data)).toContain("pc.key_store_enabled");

    await app.click("sign-out");
    await app.waitFor("sign-in");
    await app.type("sign-in-login", OPERATOR);
    await app.waitFor("sign-in-key-store");
    await app.click("sign-in-submit");
    await app.waitFor("customer-table", 30_000);

    await app.nav("settings");
    await app.click("key-store-toggle");
    await app.waitForText("key-store-state", (s) => s.startsWith("オフ"), 20_000);
    expect(kept()).not.toContain(OPERATOR);
    await app.click("sign-out");
    await app.waitFor("sign-in");
    await app.type("sign-in-login", OPERATOR);
    expect(await app.byId("sign-in-key-store").isExisting()).toBe(false);
    expect(await app.byId("sign-in-submit").isEnabled()).toBe(false);
  },
  { home, env: session, timeoutMs: 180_000 },
);
