// End-to-end harness: the real desktop app (debug build) in a real WebKitGTK window, driven over
// WebDriver: tauri-driver → WebKitWebDriver → target/debug/handover-desktop, under the X
// display in $DISPLAY (scripts/e2e starts Xvfb).
//
// Every app gets its own temporary folder: the data folder (HANDOVER_DATA_DIR), the settings
// and webview storage (XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_CACHE_HOME) and a dialog answer
// queue (HANDOVER_E2E_DIALOGS): native dialogs are answered by the app's debug-only queue,
// never skipped. One tauri-driver per app, so that each app sees exactly its own environment.
// An office seeded by the CLI has its admin (OPERATOR, PASSWORD); the app opens on the sign-in
// screen, and startApp signs in as that admin unless told not to (`signIn: false`).
//
// Writing a test:
//
//   e2e("what it shows", async (app) => {
//     await app.nav("register");
//     app.answerDialog("open_file", "/path/register.xlsx");   // the next dialog's answer
//     await app.click("import");
//     await app.waitForText("count", (s) => s.startsWith("300"));
//   });
//
// A failing test saves a PNG of the window into ui/e2e/screenshots/ (gitignored) and prints its
// path, with the driver log and the dialogs the app asked for.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { it } from "vitest";
import { remote } from "webdriverio";

type Browser = WebdriverIO.Browser;
type Element = ChainablePromiseElement;
type ChainablePromiseElement = ReturnType<Browser["$"]>;

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const APP_BIN = process.env.HANDOVER_E2E_APP ?? join(ROOT, "target/debug/handover-desktop");
export const CLI_BIN = process.env.HANDOVER_E2E_CLI ?? join(ROOT, "target/debug/handover");
export const SCREENSHOTS = join(ROOT, "ui/e2e/screenshots");
export const OPERATOR = "試験 係員";
/** The password of every e2e operator (a test fixture, never a real one). */
export const PASSWORD = "e2e password 1234";

/** Which dialog an answer is for (the app's DialogKind). */
export type DialogKind = "open_file" | "save_file" | "pick_folder";

export interface AppOptions {
  /** Reuse this folder (the data folder and settings of an earlier app), else a new one. */
  home?: string;
  /** Prepare the data folder with the CLI before the app starts. */
  seed?: "office" | "office+sample";
  /** More environment variables for the app. */
  env?: Record<string, string>;
  /** Sign in as the admin when the window asks (default: yes). */
  signIn?: boolean;
}

/** A running app with helpers. */
export interface App {
  browser: Browser;
  /** The app's own temporary folder (data/, config/, dialogs.json…). */
  home: string;
  /** The data folder (HANDOVER_DATA_DIR). */
  data: string;
  /** Queue the path the next native dialog of `kind` answers (null: cancel). */
  answerDialog(kind: DialogKind, path: string | null): void;
  /** The element with `data-testid`. */
  byId(testid: string): Element;
  click(testid: string): Promise<void>;
  /** Type into an input or textarea (replacing its content; "" clears it). */
  type(testid: string, text: string): Promise<void>;
  /** Set the value of the input/textarea/select matched by a CSS selector, as a user would. */
  fill(selector: string, value: string): Promise<void>;
  text(testid: string): Promise<string>;
  /** Wait until the element's text passes `ok`; returns that text. */
  waitForText(testid: string, ok: (text: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Wait until an element is shown. */
  waitFor(testid: string, timeoutMs?: number): Promise<Element>;
  /** Click a navigation entry (`register`, `handover`, `contractors`, `ledger`, `open`, `mykey`, `settings`). */
  nav(view: string): Promise<void>;
  /** Sign in on the sign-in screen (default: the admin) and wait for the office. */
  signIn(name?: string, password?: string): Promise<void>;
  /** On the first start: choose the office and create its admin (OPERATOR, PASSWORD) and keys. */
  createAdmin(): Promise<void>;
  /** Save a PNG of the window; returns its path. */
  screenshot(name: string): Promise<string>;
  /** Close the app and its driver (the home folder stays until `cleanup`). */
  stop(): Promise<void>;
}

// Drivers still running, stopped when the test process exits (a test that timed out never
// reaches its own stop()).
const running = new Set<number>();
process.on("exit", () => {
  for (const pid of running) {
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
});

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (typeof a === "object" && a ? ok(a.port) : fail(new Error("no port"))));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const up = await new Promise<boolean>((ok) => {
      const c = createConnection({ port, host: "127.0.0.1" });
      c.once("connect", () => (c.end(), ok(true)));
      c.once("error", () => ok(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`tauri-driver did not listen on ${port} within ${ms} ms`);
}

/** Run the CLI on a data folder as the admin (seeding, or checking what the app wrote). */
export function cli(data: string, ...args: string[]): string {
  return cliAs(OPERATOR, PASSWORD, data, ...args);
}

/** Run the CLI on a data folder, signed in as `name` with `password`. */
export function cliAs(name: string, password: string, data: string, ...args: string[]): string {
  const env = { ...process.env, HANDOVER_PASSWORD: password, HANDOVER_OPERATOR: "" };
  return execFileSync(CLI_BIN, ["--data-dir", data, "--operator", name, ...args], { encoding: "utf8", env });
}

/**
 * What the ledger of `data` records beyond people signing in: its entries' kinds in order, read
 * through `ledger export`. Every sign-in (the app's, and each CLI call's, this one's too) records
 * `operator.signed_in`, and each earlier read appended a `ledger.exported` and right after it
 * the seal of that export in the record of use: all are left out, so a test compares what the
 * window did.
 */
export function recordedKinds(data: string): string[] {
  const file = join(mkdtempSync(join(tmpdir(), "handover-kinds-")), "ledger.jsonl");
  cli(data, "ledger", "export", file);
  const all = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => (JSON.parse(l) as { kind: string }).kind)
    .filter((k) => k !== "operator.signed_in");
  rmSync(dirname(file), { recursive: true, force: true });
  return all.filter((k, i) => k !== "ledger.exported" && !(k === "usage.sealed" && all[i - 1] === "ledger.exported"));
}

function seed(data: string, what: NonNullable<AppOptions["seed"]>) {
  cli(data, "init", "--admin", OPERATOR);
  if (what === "office+sample") {
    cli(data, "import", join(ROOT, "sample/sample_register.xlsx"), "--floor-plans", join(ROOT, "sample/floor_plans"));
  }
}

/** A new home folder for an app. */
export function newHome(): string {
  return mkdtempSync(join(tmpdir(), "handover-e2e-"));
}

/** A driver and the app's WebDriver session. */
interface Launched {
  browser: Browser;
  stopDriver: () => void;
}

/** Start tauri-driver (and through it WebKitWebDriver and the app) and open a session; on
 * failure the driver's process group is stopped before the error is thrown. */
async function launch(env: NodeJS.ProcessEnv, log: string): Promise<Launched> {
  const [port, nativePort] = [await freePort(), await freePort()];
  const driver: ChildProcess = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (driver.pid) running.add(driver.pid);
  const toLog = (b: Buffer) => appendFileSync(log, b);
  driver.stdout?.on("data", toLog);
  driver.stderr?.on("data", toLog);
  const stopDriver = () => {
    // The driver's process group: tauri-driver, WebKitWebDriver and the app, nothing else.
    if (driver.pid && driver.exitCode === null) {
      try {
        process.kill(-driver.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
    }
    if (driver.pid) running.delete(driver.pid);
  };
  try {
    await waitForPort(port, 10_000);
    // tauri-driver forwards the session to WebKitWebDriver, which it starts on the native port:
    // asking before that one listens fails the session (UND_ERR_SOCKET).
    await waitForPort(nativePort, 10_000);
    const browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "error",
      connectionRetryCount: 0,
      connectionRetryTimeout: 30_000,
      capabilities: {
        // tauri-driver turns this into WebKitWebDriver's browser options.
        "tauri:options": { application: APP_BIN },
        "wdio:enforceWebDriverClassic": true,
      } as WebdriverIO.Capabilities,
    });
    return { browser, stopDriver };
  } catch (e) {
    stopDriver();
    throw e;
  }
}

/** Start the app. */
export async function startApp(opts: AppOptions = {}): Promise<App> {
  if (!existsSync(APP_BIN)) throw new Error(`${APP_BIN} is missing: run cargo build -p handover-desktop`);
  const home = opts.home ?? newHome();
  const data = join(home, "data");
  const dialogs = join(home, "dialogs.json");
  if (!existsSync(dialogs)) writeFileSync(dialogs, "[]");
  if (opts.seed) seed(data, opts.seed);
  const log = join(home, "driver.log");
  const env = {
    ...process.env,
    HANDOVER_DATA_DIR: data,
    HANDOVER_E2E_DIALOGS: dialogs,
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_DATA_HOME: join(home, "xdg-data"),
    XDG_CACHE_HOME: join(home, "xdg-cache"),
    // No accessibility bus under Xvfb: keep GTK from waiting for one.
    NO_AT_BRIDGE: "1",
    // Without /dev/dri the app turns WebKit's DMA-BUF renderer off (webkit.rs), and then
    // WebKitWebDriver's screenshots never answer. "0" is a user's choice, which the app keeps:
    // the tests run WebKit's default renderer (scripts/package --check runs the workaround).
    WEBKIT_DISABLE_DMABUF_RENDERER: "0",
    ...opts.env,
  };
  // A cold WebKit sometimes never answers the first session (UND_ERR_HEADERS_TIMEOUT after
  // 30 s, seen once in a full run): the app is started once more on a fresh driver.
  let launched: Launched | null = null;
  let failure: unknown = null;
  for (let attempt = 1; attempt <= 2 && !launched; attempt++) {
    try {
      launched = await launch(env, log);
    } catch (e) {
      failure = e;
      appendFileSync(log, `\n[harness] start attempt ${attempt} failed: ${e}\n`);
    }
  }
  if (!launched) throw new Error(`the app did not start (driver log: ${log}): ${failure}`);
  const { browser, stopDriver } = launched;
  await browser.setTimeout({ implicit: 0 });

  const byId = (id: string) => browser.$(`[data-testid="${id}"]`);
  // innerText: what a person sees (WebDriver's getText drops the cells of grid rows).
  const innerText = (id: string) =>
    browser.execute(
      (sel: string) => (document.querySelector(sel) as HTMLElement | null)?.innerText.trim() ?? null,
      `[data-testid="${id}"]`,
    );
  const waitFor = async (id: string, timeoutMs = 10_000) => {
    const el = byId(id);
    await el.waitForDisplayed({ timeout: timeoutMs, timeoutMsg: `[data-testid="${id}"] not shown after ${timeoutMs} ms` });
    return el;
  };
  const app: App = {
    browser,
    home,
    data,
    answerDialog(kind, path) {
      const queue = JSON.parse(readFileSync(dialogs, "utf8")) as unknown[];
      queue.push({ kind, path });
      writeFileSync(dialogs, JSON.stringify(queue));
    },
    byId,
    waitFor,
    async click(id) {
      const el = await waitFor(id);
      await el.waitForEnabled({ timeout: 10_000, timeoutMsg: `[data-testid="${id}"] stayed disabled` });
      await el.scrollIntoView({ block: "center" });
      await el.click();
    },
    async type(id, text) {
      const el = await waitFor(id);
      // Clear as a user would (select all, delete): WebDriver's clear fires no input event.
      await el.scrollIntoView({ block: "center" });
      await el.click();
      await browser.keys(["Control", "a"]);
      await browser.keys("Backspace");
      if (text) await el.addValue(text);
    },
    async fill(selector, value) {
      await browser.$(selector).waitForExist({ timeout: 10_000, timeoutMsg: `${selector} not found` });
      // Set the value the way the browser does for a user, then tell the UI (input + change):
      // typing into date inputs depends on the locale's date format, this does not.
      await browser.execute(
        (sel: string, v: string) => {
          const e = document.querySelector(sel) as HTMLInputElement;
          Object.getOwnPropertyDescriptor(Object.getPrototypeOf(e), "value")?.set?.call(e, v);
          e.dispatchEvent(new Event("input", { bubbles: true }));
          e.dispatchEvent(new Event("change", { bubbles: true }));
        },
        selector,
        value,
      );
    },
    async text(id) {
      await waitFor(id);
      return (await innerText(id)) ?? "";
    },
    async waitForText(id, ok, timeoutMs = 10_000) {
      let last = "";
      await browser.waitUntil(
        async () => {
          last = (await innerText(id)) ?? "";
          return ok(last);
        },
        { timeout: timeoutMs, timeoutMsg: `[data-testid="${id}"] text stayed ${JSON.stringify(last)}` },
      );
      return last;
    },
    async nav(view) {
      await app.click(`nav-${view}`);
    },
    async signIn(name = OPERATOR, password = PASSWORD) {
      await app.type("sign-in-login", name);
      await app.type("sign-in-password", password);
      await app.click("sign-in-submit");
      await app.waitFor("session", 20_000);
    },
    async createAdmin() {
      await app.click("choose-office");
      await app.type("admin-name", OPERATOR);
      await app.type("admin-password", PASSWORD);
      await app.type("admin-password-again", PASSWORD);
      await app.click("create-keys");
      await app.waitFor("keys-created", 20_000);
    },
    async screenshot(name) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const file = join(SCREENSHOTS, `${name.replace(/[^\w-]+/g, "_")}-${Date.now()}.png`);
      await browser.saveScreenshot(file);
      return file;
    },
    async stop() {
      try {
        await browser.deleteSession();
      } catch {
        /* the app may be gone already */
      }
      stopDriver();
    },
  };
  // The window is up once the UI has rendered its frame.
  await browser.$(".shell").waitForExist({ timeout: 15_000, timeoutMsg: "the UI did not render" });
  if (opts.signIn !== false && (await settledOnSignIn(browser))) await app.signIn();
  return app;
}

/** Wait for the start screen to settle; is it the sign-in screen? */
async function settledOnSignIn(browser: Browser): Promise<boolean> {
  const screens = ['[data-testid="sign-in"]', '[data-testid="first-start"]', "nav.sidebar"];
  let found = "";
  await browser
    .waitUntil(
      async () => {
        found = (await browser.execute((sels: string[]) => sels.find((s) => document.querySelector(s)) ?? "", screens)) as string;
        return found !== "";
      },
      { timeout: 15_000, timeoutMsg: "no start screen" },
    )
    .catch(() => undefined);
  return found === screens[0];
}

/** Remove an app's home folder. */
export function cleanup(home: string) {
  rmSync(home, { recursive: true, force: true });
}

/**
 * A test with a fresh app (options as for `startApp`). On failure it saves a screenshot and
 * prints where it is, with the driver log and the dialog requests; the home folder is kept
 * then, for a look at what the app wrote.
 */
export function e2e(name: string, body: (app: App) => Promise<void>, opts: AppOptions & { timeoutMs?: number } = {}) {
  it(
    name,
    async () => {
      const app = await startApp(opts);
      try {
        await body(app);
        await app.stop();
        if (!opts.home) cleanup(app.home);
      } catch (e) {
        await reportFailure(app, name);
        await app.stop();
        throw e;
      }
    },
    opts.timeoutMs ?? 120_000,
  );
}

/** Screenshot and pointers for a failed test (also for tests that run several apps). */
export async function reportFailure(app: App, name: string) {
  try {
    const shot = await app.screenshot(name);
    console.error(`e2e: "${name}" failed — screenshot: ${shot}`);
  } catch (err) {
    console.error(`e2e: "${name}" failed — no screenshot (${err})`);
  }
  console.error(`e2e: app home kept for inspection: ${app.home} (driver.log, dialogs.asked.jsonl, data/)`);
}

/** Today and a date `days` away, as YYYY-MM-DD in local time (as the app's 'today'). */
export function isoDay(days = 0): string {
  const d = new Date(Date.now() + days * 86_400_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/**
 * Walk the new-handover wizard to a transfer bundle at `out`: work type, contractor, pasted
 * customer ids, the minimal fields, a save dialog answered with `out`, the default return date,
 * the review, create. Returns the handover id from the done page.
 */
export async function wizardToFile(
  app: App,
  { work, contractor, customers, out }: { work: string; contractor: string; customers: string; out: string },
): Promise<string> {
  await app.nav("handover");
  await app.click(`work-${work}`);
  await app.click("wizard-next");
  await app.click(`contractor-${contractor}`);
  await app.click("wizard-next");
  await app.click("paste-toggle");
  await app.type("customer-ids", customers);
  await app.click("paste-add");
  await app.click("wizard-next");
  await app.waitFor("wizard-page-fields");
  await app.click("wizard-next");
  await app.click("method-transfer");
  app.answerDialog("save_file", out);
  await app.click("choose-out");
  await app.waitForText("out-path", (s) => s.length > 0);
  await app.click("wizard-next");
  await app.waitFor("wizard-page-returnBy");
  await app.click("wizard-next");
  await app.waitFor("review-card");
  await app.click("create");
  await app.waitFor("handover-done", 20_000);
  return app.text("done-id");
}
