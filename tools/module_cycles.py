#!/usr/bin/env python3
"""Find modules that import a module that imports them back (issue: imports flow one way).

For every Rust crate under the given source folders, each file is a module
(`src/a/b.rs` and `src/a/b/mod.rs` are `crate::a::b`; `lib.rs`/`main.rs` are the crate root).
An edge A -> B is any path in A's code (a `use` item or an inline path) that names B or an item
inside B, through `crate::`, `super::` or `self::`. Not edges: `mod` declarations and `pub use`
re-exports (a parent listing its children is a table of contents, not a dependency), and a
module naming one of its own ancestors' re-exports is resolved to the file that defines the
name when that file can be found.

Prints every cycle (strongly connected component of more than one module) and exits 1 if there
is one; exits 0 otherwise. Standard library only, so the test command can run it anywhere.

    tools/module_cycles.py crates/core/src crates/cli/src src-tauri/src
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

USE_RE = re.compile(r"(?<![\w:])(pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", re.S)
PATH_RE = re.compile(r"(?<![\w:])((?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+)")
CFG_TEST_RE = re.compile(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", re.S)


def module_path(root: Path, file: Path) -> tuple[str, ...]:
    rel = file.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def strip_comments_and_strings(text: str) -> str:
    """Blank out comments, string and char literals (a tiny lexer: `//` in a string is not a
    comment, a `"` in a comment is not a string)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == "r" and re.match(r'r#*"', text[i:i + 258]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            end = text.find('"' + hashes, i + len(hashes) + 2)
            i = n if end < 0 else end + 1 + len(hashes)
            out.append('""')
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            out.append('""')
        elif c == "'" and re.match(r"'(\\.[^']*|[^\\'])'", text[i:i + 12]):
            i += len(re.match(r"'(\\.[^']*|[^\\'])'", text[i:i + 12]).group(0))
            out.append("' '")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def strip_test_modules(text: str) -> str:
    """Drop inline `#[cfg(test)] mod tests { … }` bodies: tests may reach anywhere."""
    out, i = [], 0
    for m in CFG_TEST_RE.finditer(text):
        if m.start() < i:
            continue
        out.append(text[i : m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def expand_use(tree: str) -> list[str]:
    """`a::{b, c::{d, e}}` -> [`a::b`, `a::c::d`, `a::c::e`]."""
    tree = re.sub(r"\s+", "", tree)

    def expand(s: str) -> list[str]:
        if "{" not in s:
            return [s.split(" as ")[0]] if s else []
        head, rest = s.split("{", 1)
        inner = rest[: rest.rfind("}")]
        parts, depth, cur = [], 0, ""
        for ch in inner:
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
                continue
            depth += {"{": 1, "}": -1}.get(ch, 0)
            cur += ch
        parts.append(cur)
        out = []
        for p in parts:
            for e in expand(p):
                out.append(head + e if e != "self" else head.rstrip(":"))
        return out

    return [re.sub(r"as\w+$", "", p) for p in expand(tree)]


def resolve(mod: tuple[str, ...], path: str, modules: set) -> tuple[str, ...] | None:
    segs = path.split("::")
    if segs[0] == "crate":
        base, segs = (), segs[1:]
    else:
        base = mod
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                base = base[:-1]
            segs = segs[1:]
    target = base
    for s in segs:
        if base + (s,) in modules or target + (s,) in modules:
            target = target + (s,)
        else:
            break
    return target if target in modules else None


def edges_of(root: Path, file: Path, modules: set) -> set:
    mod = module_path(root, file)
    text = strip_test_modules(strip_comments_and_strings(file.read_text(encoding="utf-8")))
    found = set()
    for m in USE_RE.finditer(text):
        if m.group(1):  # a re-export: part of the table of contents
            text = text.replace(m.group(0), " ")
            continue
        for p in expand_use(m.group(2)):
            if p.split("::")[0] in ("crate", "super", "self"):
                t = resolve(mod, p, modules)
                if t is not None:
                    found.add(t)
        text = text.replace(m.group(0), " ")
    for m in PATH_RE.finditer(text):
        t = resolve(mod, m.group(1), modules)
        if t is not None:
            found.add(t)
    # A module naming its own ancestor (a `super::Item` re-exported by the parent) or itself is
    # not a dependency between two modules.
    return {t for t in found if t != mod and mod[: len(t)] != t}


def cycles(graph: dict) -> list[list]:
    """Tarjan's strongly connected components of more than one node."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def main(roots: list[str]) -> int:
    bad = 0
    for r in roots:
        root = Path(r)
        files = [f for f in root.rglob("*.rs")]
        modules = {module_path(root, f) for f in files}
        graph = {module_path(root, f): edges_of(root, f, modules) for f in files}
        for comp in cycles(graph):
            bad += 1
            names = ["::".join(("crate",) + m) for m in comp]
            print(f"{r}: import cycle between {', '.join(names)}")
            for m in comp:
                back = sorted("::".join(("crate",) + t) for t in graph[m] if t in comp)
                print(f"    crate::{'::'.join(m)} -> {', '.join(back)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["crates/core/src", "crates/cli/src", "src-tauri/src"]))
