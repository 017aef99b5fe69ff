// A component fits on a screen (issue 11), as a Rust function does (tools/long_functions.py):
// a component — a function whose name starts with a capital letter, declared with `function` or
// as an arrow — runs from its first line to its closing brace, comments and blank lines
// included, and may be at most 80 lines. The screens written before this check are listed with
// the length they had: such a component may shrink but not grow, and once it fits it leaves the
// list (a stale entry fails too), so the list only gets shorter.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = join(__dirname);
const LIMIT = 80;

/** "file:Component" → its length when this check was added; to be split where the parts have
 * names, then removed from here. */
const NOT_YET_SPLIT: Record<string, number> = {
  "app.tsx:App": 251,
  "views/AboutUpdate.tsx:AboutUpdate": 91,
  "views/CustomerPage.tsx:CustomerPage": 173,
  "views/FirstStart.tsx:FirstStart": 150,
  "views/History.tsx:Provisions": 136,
  "views/History.tsx:Leak": 134,
  "views/OpenBundle.tsx:OpenBundle": 227,
  "views/OpenBundle.tsx:Opened": 192,
  "views/Requests.tsx:RequestCard": 163,
  "views/Settings.tsx:Settings": 135,
  "views/Settings.tsx:PolicyEditor": 135,
  "views/wizard/CustomersStep.tsx:CustomersStep": 218,
  "views/wizard/DonePage.tsx:DonePage": 117,
  "views/wizard/FieldsStep.tsx:FieldsStep": 115,
  "views/wizard/MethodStep.tsx:MethodStep": 144,
  "views/wizard/ReviewStep.tsx:ReviewStep": 135,
};

function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === "bindings" ? [] : tsxFiles(p);
    return name.endsWith(".tsx") ? [p] : [];
  });
}

/** Every component of a file with its length in lines ("file:Name" → lines). */
export function componentLengths(file: string, text: string): Map<string, number> {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const out = new Map<string, number>();
  const visit = (n: ts.Node) => {
    let name: string | undefined;
    if (ts.isFunctionDeclaration(n) && n.name) name = n.name.text;
    else if (
      ts.isVariableDeclaration(n) &&
      ts.isIdentifier(n.name) &&
      n.initializer &&
      (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))
    )
      name = n.name.text;
    if (name && /^[A-Z]/.test(name)) {
      const first = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      out.set(`${file}:${name}`, last - first + 1);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function allComponents(): Map<string, number> {
  const all = new Map<string, number>();
  for (const p of tsxFiles(SRC)) {
    const rel = relative(SRC, p).split("\\").join("/");
    for (const [k, v] of componentLengths(rel, readFileSync(p, "utf8"))) all.set(k, v);
  }
  return all;
}

describe("component length", () => {
  it("measures a component from its first line to its closing brace", () => {
    const body = Array.from({ length: 79 }, (_, i) => `  const a${i} = ${i};`).join("\n");
    const text = `export function Big() {\n${body}\n  return <p />;\n}\nconst Small = () => <p />;\nfunction helper() {}\n`;
    const m = componentLengths("x.tsx", text);
    expect(m.get("x.tsx:Big")).toBe(82);
    expect(m.get("x.tsx:Small")).toBe(1);
    expect(m.has("x.tsx:helper")).toBe(false);
  });

  it("no component is over 80 lines, and the older long ones only shrink", () => {
    const all = allComponents();
    expect(all.size).toBeGreaterThan(40);
    const problems: string[] = [];
    for (const [key, lines] of all) {
      const ceiling = NOT_YET_SPLIT[key];
      if (ceiling === undefined && lines > LIMIT)
        problems.push(`${key} is ${lines} lines (limit ${LIMIT}): split it where the parts have names`);
      if (ceiling !== undefined && lines > ceiling)
        problems.push(`${key} grew to ${lines} lines (was ${ceiling}): split it instead`);
      if (ceiling !== undefined && lines <= LIMIT)
        problems.push(`${key} now fits (${lines} lines): remove it from NOT_YET_SPLIT`);
    }
    for (const key of Object.keys(NOT_YET_SPLIT))
      if (!all.has(key)) problems.push(`${key} is gone: remove it from NOT_YET_SPLIT`);
    expect(problems).toEqual([]);
  });
});
