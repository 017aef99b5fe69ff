import { describe, expect, it } from "vitest";
import type { OfficeInfo as AppInfo } from "../bindings/OfficeInfo";
import type { SettingsInfo } from "../bindings/SettingsInfo";
import { startScreen } from "./startup";

const info = (keys: boolean): AppInfo => ({
  dataDir: "/d",
  operator: "係員",
  customerCount: 0,
  keys: keys ? { recipient: "age1x", recipientFingerprint: "A", signingKey: "ed25519:00", signingFingerprint: "B", allowedSigners: "office-B namespaces=\"handover\" ssh-ed25519 AAAA", sshPrincipal: "office-B" } : null,
  today: "2026-11-23",
  interruptedPacks: [],
  server: null,
  role: null,
  rights: { decideRequests: true, editPolicy: true, editRoster: true, purge: true, exportLedger: true, readUsage: true, manageOperators: false },
  idleLockMinutes: 15,
});
const settings = (mode: SettingsInfo["mode"]): SettingsInfo => ({
  language: null,
  dataDir: "/d",
  dataDirSource: "env",
  configuredDataDir: null,
  operator: "係員",
  operatorFromEnv: true,
  mode,
  configFile: null,
  configProblem: null,
  store: { server: null, configuredUrl: null, login: null, source: "default", signedIn: true, passwordKnown: false },
});
const onServer = (signedIn: boolean): SettingsInfo => ({
  ...settings("office"),
  store: {
    server: "postgres://sato@db:5432/office",
    configuredUrl: "postgres://sato@db/office",
    login: "sato",
    source: "config",
    signedIn,
    passwordKnown: false,
  },
});

describe("startScreen", () => {
  it("waits for both answers", () => {
    expect(startScreen(null, null, false)).toBe("loading");
    expect(startScreen(info(false), null, false)).toBe("loading");
    expect(startScreen(null, settings(null), false)).toBe("loading");
  });
  it("offers the first start until there are office keys", () => {
    expect(startScreen(info(false), settings(null), false)).toBe("first");
    expect(startScreen(info(false), settings("office"), false)).toBe("first");
    expect(startScreen(info(true), settings(null), false)).toBe("office");
  });
  it("goes straight to contractor mode once chosen, unless the office has keys", () => {
    expect(startScreen(info(false), settings("contractor"), false)).toBe("contractor");
    expect(startScreen(info(true), settings("contractor"), false)).toBe("office");
  });
  it("shows the office shell (with its error) when the office cannot be opened", () => {
    expect(startScreen(null, settings(null), true)).toBe("office");
    expect(startScreen(null, settings("contractor"), true)).toBe("contractor");
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
