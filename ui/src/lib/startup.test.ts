import { describe, expect, it } from "vitest";
import type { OfficeInfo as AppInfo } from "../bindings/OfficeInfo";
import type { SettingsInfo } from "../bindings/SettingsInfo";
import { startScreen } from "./startup";

const info = (keys: boolean): AppInfo => ({
  dataDir: "/d",
  operator: "係員",
  customerCount: 0,
  keys: keys ? { recipient: "age1x", recipientFingerprint: "A", signingKey: "ed25519:00", signingFingerprint: "B" } : null,
  today: "2026-11-23",
  interruptedPacks: [],
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
});
