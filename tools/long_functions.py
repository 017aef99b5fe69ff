#!/usr/bin/env python3
"""List Rust functions longer than 80 lines (issue 11: a function fits on a screen).

A function's length runs from the line of its `fn` to the line of its closing brace, comments
and blank lines included (they are on the screen too). Every `fn` counts: free functions,
methods, functions nested in functions, and tests (a test that does not fit on a screen is as
hard to read as any other code). A function listed in the allow-list below is skipped: data
tables (a `match` from an enum to its labels, a list of header spellings) are long because the
table is, and splitting them would hide the table.

Prints `path:line: name is N lines (limit 80)` for each one and exits 1 if there is any;
exits 0 otherwise. Standard library only, so the test command can run it anywhere.

    tools/long_functions.py crates src-tauri/src
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

LIMIT = 80

# (path relative to the repository root, function name): why it may be longer.
ALLOWED: dict[tuple[str, str], str] = {
    ("crates/core/src/fields.rs", "aliases"): "data table: every header spelling of every field",
    ("crates/core/src/register/problem.rs", "words"): "data table: a row problem's words",
    ("src-tauri/src/lib.rs", "handlers"): "data table: one line per command the UI may call",
    ("crates/core/src/error.rs", "code"): "data table: one stable code per error variant",
}

FN_RE = re.compile(r"(?<![\w])fn\s+([A-Za-z_][A-Za-z0-9_]*)")
CHAR_RE = re.compile(r"'(\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|.)|[^\\'\n])'")


def blank(text: str) -> str:
    """Comments, strings and char literals replaced by spaces, newlines kept: braces inside
    them do not count, and line numbers stay right."""
    out: list[str] = []
    i, n = 0, len(text)

    def keep_lines(s: str) -> str:
        return "".join("\n" if ch == "\n" else " " for ch in s)

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(keep_lines(text[i:j]))
            i = j
        elif c in "rb" and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")) and (
            m := re.match(r'(?:br|r)(#*)"', text[i : i + 260])
        ):
            hashes = m.group(1)
            end = text.find('"' + hashes, i + len(m.group(0)))
            j = n if end < 0 else end + 1 + len(hashes)
            out.append(keep_lines(text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(keep_lines(text[i:j]))
            i = j
        elif c == "'" and (m := CHAR_RE.match(text, i)):
            out.append(" " * len(m.group(0)))
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(text: str):
    """(name, first line, last line) of every function with a body."""
    code = blank(text)
    line_at = [0] * (len(code) + 1)
    line = 1
    for k, ch in enumerate(code):
        line_at[k] = line
        if ch == "\n":
            line += 1
    line_at[len(code)] = line
    for m in FN_RE.finditer(code):
        # The body starts at the first `{` outside parentheses; a `;` first means no body.
        j, parens = m.end(), 0
        while j < len(code):
            ch = code[j]
            if ch in "([":
                parens += 1
            elif ch in ")]":
                parens -= 1
            elif parens == 0 and ch in "{;":
                break
            j += 1
        if j >= len(code) or code[j] == ";":
            continue
        depth, k = 0, j
        while k < len(code):
            if code[k] == "{":
                depth += 1
            elif code[k] == "}":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        yield m.group(1), line_at[m.start()], line_at[min(k, len(code))]


def main(roots: list[str]) -> int:
    repo = Path(__file__).resolve().parent.parent
    long = []
    for r in roots:
        for f in sorted(Path(r).rglob("*.rs")):
            try:
                rel = f.resolve().relative_to(repo).as_posix()
            except ValueError:  # outside the repository (the checker's own tests)
                rel = f.as_posix()
            if "/target/" in f"/{rel}":
                continue
            for name, first, last in functions(f.read_text(encoding="utf-8")):
                length = last - first + 1
                if length > LIMIT and (rel, name) not in ALLOWED:
                    long.append(f"{rel}:{first}: {name} is {length} lines (limit {LIMIT})")
    for line in long:
        print(line)
    if long:
        print(
            f"{len(long)} function(s) over {LIMIT} lines: split them where the parts have names "
            "(or, for a data table, add it to ALLOWED in tools/long_functions.py with why)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["crates", "src-tauri/src"]))
