import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HEADLINES } from "./bindings/messages";
import { errorHeadline, lang } from "./i18n";
import { en } from "./text/en";
import { ja } from "./text/ja";

const DICTIONARIES = ["text/ja.ts", "text/en.ts"];

/** Every source file of the app but the tests and the generated bindings. */
function sources(dir = join(__dirname)): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "bindings" ? [] : sources(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

function inLang<T>(l: "ja" | "en", f: () => T): T {
  const before = lang.value;
  lang.value = l;
  try {
    return f();
  } finally {
    lang.value = before;
  }
}

/** The keys of a dictionary, nested ones as `outer.inner`, so a table inside one is checked too. */
function keyPaths(dict: object, prefix = ""): string[] {
  return Object.entries(dict).flatMap(([key, value]) =>
    value && typeof value === "object" ? [prefix + key, ...keyPaths(value, `${prefix}${key}.`)] : [prefix + key],
  );
}

describe("the UI's dictionary (one per language)", () => {
  const files = sources();
  const code = files.filter((f) => !DICTIONARIES.some((d) => f.endsWith(d))).map((f) => readFileSync(f, "utf8"));
  it("English has every Japanese key, nested ones too, and no other", () => {
    expect(keyPaths(en).sort()).toEqual(keyPaths(ja).sort());
  });
  it("every text is a string or a function in both languages alike", () => {
    for (const key of Object.keys(ja) as (keyof typeof ja)[]) {
      expect(typeof en[key], key).toBe(typeof ja[key]);
    }
  });
  it("every key is used somewhere outside the dictionaries", () => {
    const unused = Object.keys(ja).filter((key) => !code.some((text) => new RegExp(`\\.${key}\\b`).test(text)));
    expect(unused).toEqual([]);
  });
  it("no other file holds a table of the UI's words", () => {
    const tables = files.filter(
      (f) => !DICTIONARIES.some((d) => f.endsWith(d)) && /\bconst (ja|en)\b|\bj \? "|FIELDS_(JA|EN)/.test(readFileSync(f, "utf8")),
    );
    expect(tables).toEqual([]);
  });
  it("the unused-key check catches a key no screen reads", () => {
    expect(code.some((text) => /\.noScreenReadsThisKey\b/.test(text))).toBe(false);
  });
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
  it("know every error code a screen looks for", () => {
    const named = sources().flatMap((f) => [...readFileSync(f, "utf8").matchAll(/\bcode\s*[!=]==?\s*"([a-z0-9_]+)"/g)].map((m) => m[1]));
    // The scan finds what it was written against.
    expect(named).toEqual(expect.arrayContaining(["past_return_date", "signed_out", "cancelled"]));
    const unknown = [...new Set(named)].filter((code) => !(code in HEADLINES.ja) || !(code in HEADLINES.en));
    expect(unknown).toEqual([]);
  });
  it("are nowhere else in the app", () => {
    const tables = sources().filter((f) => /\berrors\s*:\s*\{/.test(readFileSync(f, "utf8")));
    expect(tables).toEqual([]);
  });
});
