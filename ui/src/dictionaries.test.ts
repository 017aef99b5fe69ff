import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HEADLINES } from "./bindings/messages";
import { errorHeadline, lang, t } from "./i18n";
import { ts } from "./screens-i18n";
import { ta } from "./text/accountability";
import { tap } from "./text/approvals";
import { tl } from "./text/ledger";
import { tsv } from "./text/supervision";
import { trc } from "./text/receipts";
import { tu } from "./text/usage";
import { tsi } from "./text/signin";
import { tpr } from "./text/policyRules";

/** Every source file of the app but the tests and the generated bindings. */
function sources(dir = join(__dirname)): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "bindings" ? [] : sources(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

const DICTIONARIES: [string, () => object][] = [
  ["i18n.ts", t],
  ["screens-i18n.ts", ts],
  ["text/accountability.ts", ta],
  ["text/ledger.ts", tl],
  ["text/approvals.ts", tap],
  ["text/supervision.ts", tsv],
  ["text/receipts.ts", trc],
  ["text/usage.ts", tu],
  ["text/signin.ts", tsi],
  ["text/policyRules.ts", tpr],
];

function inLang<T>(l: "ja" | "en", f: () => T): T {
  const before = lang.value;
  lang.value = l;
  try {
    return f();
  } finally {
    lang.value = before;
  }
}

describe("the UI's dictionaries", () => {
  const code = sources().map((f) => readFileSync(f, "utf8"));
  for (const [file, dict] of DICTIONARIES) {
    it(`${file}: English has every Japanese key and no other`, () => {
      const ja = Object.keys(inLang("ja", dict)).sort();
      const en = Object.keys(inLang("en", dict)).sort();
      expect(en).toEqual(ja);
    });
    it(`${file}: every key is used somewhere`, () => {
      const unused = Object.keys(inLang("ja", dict)).filter(
        (key) => !code.some((text) => new RegExp(`\\.${key}\\b`).test(text)),
      );
      expect(unused).toEqual([]);
    });
  }
});

describe("error headlines", () => {
  it("come from the core's catalogue, in both languages, for every code", () => {
    const ja = Object.keys(HEADLINES.ja).sort();
    expect(Object.keys(HEADLINES.en).sort()).toEqual(ja);
    for (const code of ["decrypt", "encrypt", "no_data_dir", "update_unsigned", "keys_missing"]) {
      expect(ja).toContain(code);
    }
    expect(inLang("ja", () => errorHeadline("keys_missing"))).toBe("事務所の鍵がありません。先に鍵を作成してください。");
    expect(inLang("en", () => errorHeadline("keys_missing"))).toBe("The office keys are missing. Create them first.");
    expect(errorHeadline("no_such_code")).toBeUndefined();
  });
  it("name no command the app cannot run", () => {
    for (const l of ["ja", "en"] as const) {
      for (const [code, text] of Object.entries(HEADLINES[l])) {
        expect(text, code).not.toMatch(/`|--|handover init/);
      }
    }
  });
  it("are nowhere else in the app", () => {
    const tables = sources().filter((f) => /\berrors\s*:\s*\{/.test(readFileSync(f, "utf8")));
    expect(tables).toEqual([]);
  });
});
