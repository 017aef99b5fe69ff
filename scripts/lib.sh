# Shared by scripts/run and scripts/test: install only what is missing, so a second run costs
# seconds. Debian/Ubuntu (apt) is assumed for system packages.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DEBIAN_FRONTEND=noninteractive

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

# ensure_packages PKG... — apt-get install the Debian packages that are not installed yet.
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# The libraries Tauri 2 builds against on Linux, plus a Japanese font so the UI renders.
APP_PACKAGES=(pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libxdo-dev libssl-dev
  fonts-noto-cjk)

ensure_app_packages() {
  ensure_packages "${APP_PACKAGES[@]}"
}

# Install the UI packages at the locked versions (`npm ci`), only when node_modules is missing
# or older than the lock file. The lock lists every platform's optional packages (rollup's and
# esbuild's native binaries), so `npm ci` accepts it on Linux, macOS and Windows alike;
# tools/npm_lock_complete.py (in scripts/test) keeps it so. npm writes a lock trimmed to this
# platform when node_modules exists: regenerate it with `npm install --package-lock-only` in a
# folder holding only package.json and the lock.
ensure_ui_deps() {
  local ui="$ROOT/ui"
  if [ ! -d "$ui/node_modules" ] || [ "$ui/package-lock.json" -nt "$ui/node_modules/.package-lock.json" ]; then
    log "installing UI packages (npm ci, locked versions)"
    (cd "$ui" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# cargo-deny (licenses, bans, sources of the dependency graph; see deny.toml), built from
# crates.io only when missing.
ensure_cargo_deny() {
  if ! cargo deny --version >/dev/null 2>&1; then
    log "installing cargo-deny (cargo install --locked)"
    cargo install --quiet --locked cargo-deny
  fi
}

# tauri-driver (the WebDriver bridge for Tauri apps), built from crates.io only when missing.
# (`tauri-driver --version` is not a flag it knows; `--help` answers when it is installed.)
ensure_tauri_driver() {
  if ! tauri-driver --help >/dev/null 2>&1; then
    log "installing tauri-driver (cargo install --locked)"
    cargo install --quiet --locked tauri-driver
  fi
}

build_ui() {
  log "building the UI"
  (cd "$ROOT/ui" && npx --no-install tsc --noEmit && npx --no-install vite build --logLevel warn)
}
