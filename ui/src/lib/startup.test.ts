import { describe, expect, it } from "vitest";
import type { OfficeInfo as AppInfo } from "../bindings/OfficeInfo";
import type { SettingsInfo } from "../bindings/SettingsInfo";
import type { StoreInfo } from "../bindings/StoreInfo";
import { startScreen } from "./startup";

const info = (keys: boolean): AppInfo => ({
  dataDir: "/d",
  operator: "係員",
  customerCount: 0,
  keys: keys ? { recipient: "age1x", recipientFingerprint: "A", signingKey: "ed25519:00", signingFingerprint: "B", allowedSigners: "office-B namespaces=\"handover\" ssh-ed25519 AAAA", sshPrincipal: "office-B" } : null,
  today: "2026-11-23",
  interruptedPacks: [],
  server: null,
  role: "admin",
  rights: { decideRequests: true, editPolicy: true, editRoster: true, purge: true, exportLedger: true, readUsage: true, manageOperators: true },
  idleLockMinutes: 15,
});
const own: StoreInfo = {
  server: null,
  configuredUrl: null,
  login: null,
  source: "default",
  signedIn: true,
  needsAdmin: false,
  lockedBy: null,
  passwordMinChars: 12,
  passwordKnown: false,
  keyStoreOperators: [],
  keyStoreKind: "Secret Service",
};
const settings = (mode: SettingsInfo["mode"], store: Partial<StoreInfo> = {}): SettingsInfo => ({
  language: null,
  dataDir: "/d",
  dataDirSource: "env",
  configuredDataDir: null,
  operator: "係員",
  mode,
  configFile: null,
  configProblem: null,
  store: { ...own, ...store },
});
const onServer = (signedIn: boolean): SettingsInfo =>
  settings("office", {
    server: "postgres://sato@db:5432/office",
    configuredUrl: "postgres://sato@db/office",
    login: "sato",
    source: "config",
    signedIn,
  });

describe("startScreen", () => {
  it("waits for both answers", () => {
    expect(startScreen(null, null, false)).toBe("loading");
    expect(startScreen(info(false), null, false)).toBe("loading");
    expect(startScreen(null, settings(null), false)).toBe("loading");
  });
  it("offers the first start (the admin, then the keys) while this PC's store has nobody", () => {
    const noAdmin = { needsAdmin: true, signedIn: false };
    expect(startScreen(null, settings(null, noAdmin), true)).toBe("first");
    expect(startScreen(null, settings("office", noAdmin), true)).toBe("first");
    expect(startScreen(null, settings("contractor", noAdmin), true)).toBe("contractor");
  });
  it("asks who signs in before anything of the office, on this PC's store too", () => {
    const out = { signedIn: false };
    expect(startScreen(null, settings("office", out), true)).toBe("signin");
    expect(startScreen(null, settings(null, out), true)).toBe("signin");
    expect(startScreen(info(true), settings("office"), false)).toBe("office");
  });
  it("keeps the office shell behind the lock screen", () => {
    const locked = { signedIn: false, lockedBy: "係員" };
    expect(startScreen(info(true), settings("office", locked), true)).toBe("office");
  });
  it("shows the office shell (with its error) when a signed-in office cannot be read", () => {
    expect(startScreen(null, settings("office"), true)).toBe("office");
  });
  it("asks who signs in to the office server before anything else", () => {
    expect(startScreen(null, onServer(false), false)).toBe("signin");
    expect(startScreen(null, onServer(false), true)).toBe("signin");
    expect(startScreen(info(true), onServer(false), false)).toBe("signin");
    expect(startScreen(info(true), onServer(true), false)).toBe("office");
  });
  it("never offers the first start (new keys) to a PC of a shared office", () => {
    const shared = { ...info(false), server: "postgres://sato@db:5432/office", role: "staff" as const };
    expect(startScreen(shared, onServer(true), false)).toBe("office");
  });
});
