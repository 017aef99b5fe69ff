// A function fits on a screen (issue 11), as a Rust function does (tools/long_functions.py):
// every function of the app — a component (declared with `function` or as an arrow), a hook, a
// helper, a callback or a method — runs from its first line to its closing brace, comments and
// blank lines included, and may be at most 80 lines. The code is parsed with the TypeScript
// compiler, so strings, template literals and JSX text never confuse the count. Tests and the
// generated bindings are not the app's code and are not measured; a data table may be listed in
// LONG_TABLES with why.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = join(__dirname);
const LIMIT = 80;

/** "file:function" → why it may be longer (a data table is long because the table is). */
const LONG_TABLES: Record<string, string> = {};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === "bindings" ? [] : sourceFiles(p);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [p] : [];
  });
}

/** The name a function is known by: its own, else the variable, property or call it is given to. */
function nameOf(n: ts.Node): string {
  const own = (n as { name?: ts.Node }).name;
  if (own && ts.isIdentifier(own)) return own.text;
  const p = n.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p)) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isCallExpression(p)) {
    const callee = p.expression;
    const called = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : "?";
    return `(callback of ${called})`;
  }
  return "(anonymous)";
}

function isFunction(n: ts.Node): n is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(n) ||
    ts.isFunctionExpression(n) ||
    ts.isArrowFunction(n) ||
    ts.isMethodDeclaration(n) ||
    ts.isConstructorDeclaration(n) ||
    ts.isGetAccessorDeclaration(n) ||
    ts.isSetAccessorDeclaration(n)
  );
}

/** Every function of a file with its length in lines ("file:name" → lines; nested ones too). */
export function functionLengths(file: string, text: string): Map<string, number> {
  const kind = file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const out = new Map<string, number>();
  const visit = (n: ts.Node) => {
    if (isFunction(n) && n.body) {
      const first = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      const key = `${file}:${nameOf(n)}`;
      out.set(key, Math.max(out.get(key) ?? 0, last - first + 1));
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function allFunctions(): Map<string, number> {
  const all = new Map<string, number>();
  for (const p of sourceFiles(SRC)) {
    const rel = relative(SRC, p).split("\\").join("/");
    for (const [k, v] of functionLengths(rel, readFileSync(p, "utf8"))) all.set(k, v);
  }
  return all;
}

describe("function length", () => {
  it("measures every function from its first line to its closing brace", () => {
    const body = Array.from({ length: 79 }, (_, i) => `  const a${i} = ${i};`).join("\n");
    const text = [
      `export function Big() {\n${body}\n  return <p />;\n}`,
      `const Small = () => <p />;`,
      `function useLongHook() {\n${body}\n}`,
      `const handler = () => {\n${body}\n  const inner = () => 1;\n};`,
    ].join("\n");
    const m = functionLengths("x.tsx", text);
    expect(m.get("x.tsx:Big")).toBe(82);
    expect(m.get("x.tsx:Small")).toBe(1);
    expect(m.get("x.tsx:useLongHook")).toBe(81);
    expect(m.get("x.tsx:handler")).toBe(82);
    expect(m.get("x.tsx:inner")).toBe(1);
  });

  it("no component, hook or other function of the app is over 80 lines", () => {
    const all = allFunctions();
    expect(all.size).toBeGreaterThan(200);
    const problems: string[] = [];
    for (const [key, lines] of all) {
      if (lines > LIMIT && !(key in LONG_TABLES)) problems.push(`${key} is ${lines} lines (limit ${LIMIT}): split it where the parts have names`);
    }
    for (const key of Object.keys(LONG_TABLES)) if (!all.has(key)) problems.push(`${key} is gone: remove it from LONG_TABLES`);
    expect(problems).toEqual([]);
  });
});
