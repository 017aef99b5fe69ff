// Settings → このアプリについて・更新: the version with its commit, and the offline update from
// a file the user picks. The packages are small real .deb files made with dpkg-deb and signed
// with ssh-keygen by the TEST ONLY release key (the debug build trusts it); `pkexec` is a stand-in
// on the app's PATH that records what it was asked to run (no root in a test).
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import { errorHeadline, t } from "../src/i18n";
import { type App, cleanup, e2e, newHome, ROOT } from "./harness";

const tr = t();
const KEY_DIR = join(ROOT, "tests/fixtures/release-key");
/** The workspace version (Cargo.toml), which the app reports. */
const VERSION = /^version = "(.*)"$/m.exec(readFileSync(join(ROOT, "Cargo.toml"), "utf8"))?.[1];

/** A minimal Debian package `name` at `version` in `dir`; its path. */
function deb(dir: string, name: string, version: string): string {
  const tree = join(dir, `${name}-${version}`);
  mkdirSync(join(tree, "DEBIAN"), { recursive: true });
  writeFileSync(
    join(tree, "DEBIAN/control"),
    `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: e2e <e2e@example.invalid>\nDescription: e2e update test\n`,
  );
  const out = join(dir, `${name}_${version}_all.deb`);
  execFileSync("dpkg-deb", ["--root-owner-group", "--build", tree, out], { stdio: "ignore" });
  return out;
}

/** Sign `file` as a release is signed: `file.sig` by the TEST ONLY key. */
function sign(dir: string, file: string) {
  const key = join(dir, "release-key");
  if (!existsSync(key)) {
    // ssh-keygen refuses a private key others can read (git keeps the fixture 0644).
    copyFileSync(join(KEY_DIR, "handover-TEST-ONLY-release-key"), key);
    chmodSync(key, 0o600);
  }
  execFileSync("ssh-keygen", ["-q", "-Y", "sign", "-f", key, "-n", "handover-update", file], { stdio: "ignore" });
}

/** The stand-in pkexec: records its arguments, exits with the code in `dir/pkexec.exit`. */
function fakePkexec(dir: string): string {
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, "pkexec"),
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/pkexec.args"\nexit "$(cat "${dir}/pkexec.exit")"\n`,
  );
  chmodSync(join(bin, "pkexec"), 0o755);
  return bin;
}

async function choose(app: App, file: string) {
  app.answerDialog("open_file", file);
  await app.click("update-choose");
}

async function refused(app: App, file: string, message: string) {
  await choose(app, file);
  await app.waitForText("error", (s) => s.includes(message));
  expect(await app.byId("update-verified").isExisting()).toBe(false);
}

/** Answer the page's next confirmation dialogs with `yes`, noting what they asked. (The driver
 * accepts real ones by itself, which would not show whether the app asked.) */
async function answerConfirm(app: App, yes: boolean) {
  await app.browser.execute((answer: boolean) => {
    const w = window as unknown as { confirmsAsked?: string[]; confirm: (m?: string) => boolean };
    w.confirmsAsked = [];
    w.confirm = (m?: string) => (w.confirmsAsked?.push(String(m)), answer);
  }, yes);
}

async function confirmsAsked(app: App): Promise<string[]> {
  return app.browser.execute(() => (window as unknown as { confirmsAsked?: string[] }).confirmsAsked ?? []);
}

const files = newHome();
const bin = fakePkexec(files);
afterAll(() => cleanup(files));

e2e(
  "update: version and commit shown; a signed update verifies and installs after confirming; bad files refused",
  async (app) => {
    await app.nav("settings");
    const version = await app.text("about-version");
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    expect(version).toBe(`${VERSION} (${commit})`);
    // A debug build trusts the TEST ONLY key and says so.
    await app.waitFor("test-key");

    const good = deb(files, "handover", "99.0.0");
    sign(files, good);
    // Unsigned, altered after signing, another package, an older version: each refused.
    const unsigned = deb(files, "handover", "98.0.0");
    await refused(app, unsigned, errorHeadline("update_unsigned")!);
    const tampered = join(files, "tampered.deb");
    const bytes = readFileSync(good);
    bytes[bytes.length - 10] ^= 1;
    writeFileSync(tampered, bytes);
    copyFileSync(`${good}.sig`, `${tampered}.sig`);
    await refused(app, tampered, errorHeadline("update_bad_signature")!);
    const other = deb(files, "not-handover", "99.0.0");
    sign(files, other);
    await refused(app, other, errorHeadline("update_not_handover")!);
    const older = deb(files, "handover", "0.0.1");
    sign(files, older);
    await refused(app, older, errorHeadline("update_older")!);
    expect(existsSync(join(files, "pkexec.args"))).toBe(false);

    // The signed one: verified; declining the confirmation installs nothing; confirming runs
    // pkexec apt-get on the verified copy (the password dialog dismissed: 126, then accepted).
    await choose(app, good);
    await app.waitForText("update-verified", (s) => s.includes(tr.abUpdateVerified("99.0.0", VERSION ?? "")));
    await answerConfirm(app, false);
    await app.click("update-install");
    expect(await confirmsAsked(app)).toEqual([tr.abUpdateConfirm("99.0.0")]);
    await app.waitFor("update-verified");
    expect(existsSync(join(files, "pkexec.args"))).toBe(false);

    await answerConfirm(app, true);
    writeFileSync(join(files, "pkexec.exit"), "126");
    await app.click("update-install");
    await app.waitForText("error", (s) => s.includes(errorHeadline("update_not_authorized")!));
    expect(readFileSync(join(files, "pkexec.args"), "utf8")).toMatch(/^apt-get\ninstall\n-y\n\/.*\/update\.deb\n$/);
    expect(await app.byId("update-done").isExisting()).toBe(false);

    await choose(app, good);
    await app.waitFor("update-verified");
    writeFileSync(join(files, "pkexec.exit"), "0");
    await app.click("update-install");
    await app.waitForText("update-done", (s) => s === tr.abUpdateDone);
  },
  { seed: "office", env: { PATH: `${bin}:${process.env.PATH}` } },
);
