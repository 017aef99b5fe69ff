#!/usr/bin/env python3
"""Check that ui/package-lock.json lists every optional package of every platform.

npm (up to at least 11) writes a lock holding only the optional packages of the platform it
ran on (rollup's and esbuild's native binaries) when node_modules already exists; `npm ci` on
another platform then refuses that lock as out of sync with package.json. This check fails
on such a lock, offline, before anyone on macOS or Windows finds out.

Every package that declares `optionalDependencies` must have an entry for each of them, where
npm would install it (beside the package, or in a node_modules folder above it).

    tools/npm_lock_complete.py ui/package-lock.json
Fix: in a folder without node_modules, `npm install --package-lock-only` (see scripts/lib.sh).
"""

from __future__ import annotations

import json
import sys


def missing(lock: dict) -> list[str]:
    packages = lock.get("packages", {})
    out = []
    for path, meta in packages.items():
        for dep in meta.get("optionalDependencies", {}):
            # npm resolves `dep` from `path`'s own node_modules, then each folder above it.
            base = path
            candidates = []
            while True:
                candidates.append(f"{base}/node_modules/{dep}" if base else f"node_modules/{dep}")
                if not base:
                    break
                cut = base.rfind("/node_modules/")
                base = base[:cut] if cut >= 0 else ""
            if not any(c in packages for c in candidates):
                out.append(f"{path or '(root)'} -> {dep}")
    return out


def main(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        lock = json.load(f)
    gaps = missing(lock)
    for g in gaps:
        print(f"{path}: optional package not in the lock: {g}")
    if gaps:
        print(
            f"{len(gaps)} optional package(s) missing: `npm ci` fails on other platforms. Regenerate "
            "the lock in a folder without node_modules: npm install --package-lock-only",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "ui/package-lock.json"))
