# Sourced by scripts/package --check: checks the .deb in $DEB (a test build trusting the TEST
# ONLY release key) as an office PC would get it. Every failed check exits non-zero, naming it.

fail() { echo "package check FAILED: $*" >&2; exit 1; }
ok() { printf '  ok  %s\n' "$*" >&2; }

# The package's files, control fields and maintainer scripts.
check_contents() {
  # Paths as dpkg-deb lists them, with or without the leading "./" (it depends on the builder).
  local list; list="$(dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's#^\./##; /^$/d')"
  for f in usr/bin/handover-desktop usr/bin/handover usr/share/applications/Handover.desktop \
    usr/share/mime/packages/handover.xml usr/share/icons/hicolor/128x128/apps/handover-desktop.png; do
    grep -qx "$f" <<<"$list" || fail "$f is not in the package"
  done
  ok "files: the app, the CLI, the .desktop entry, the MIME type, the icons"
  if grep -vE '^usr(/|$)' <<<"$list"; then fail "the package writes outside /usr"; fi
  [ "$(dpkg-deb -f "$DEB" Package)" = handover ] || fail "Package is not handover"
  [ "$(dpkg-deb -f "$DEB" Version)" = "$VERSION" ] || fail "Version is not the workspace's $VERSION"
  local depends; depends="$(dpkg-deb -f "$DEB" Depends)"
  grep -q 'libwebkit2gtk-4.1-0' <<<"$depends" || fail "Depends lacks libwebkit2gtk-4.1-0: $depends"
  grep -q 'fonts-noto-cjk | fonts-ipafont-gothic' <<<"$depends" || fail "Depends lacks a CJK font: $depends"
  local twice; twice="$(tr ',' '\n' <<<"$depends" | sed 's/^ *//; s/ *$//' | sort | uniq -d)"
  [ -z "$twice" ] || fail "Depends names $twice twice: $depends"
  ok "control: handover $VERSION, Depends: $depends"
  local control; control="$(mktemp -d)"
  dpkg-deb -e "$DEB" "$control"
  # `apt remove` must leave the office's data alone: no maintainer script may touch it.
  if grep -l 'handover' "$control"/{preinst,postinst,prerm,postrm} 2>/dev/null; then
    fail "a maintainer script mentions handover data"
  fi
  ok "no maintainer script touches the data folder (apt remove leaves it)"
  rm -rf "$control"
}

# The .desktop entry and the MIME type, as the desktop would read them.
check_desktop() {
  local desktop="$PKG_ROOT/usr/share/applications/Handover.desktop"
  desktop-file-validate "$desktop" || fail "desktop-file-validate refused $desktop"
  grep -qx 'Name\[ja\]=ハンドオーバー' "$desktop" || fail "no Name[ja]=ハンドオーバー"
  grep -qx 'Name=Handover' "$desktop" || fail "no Name=Handover"
  grep -qx 'MimeType=application/x-handover-bundle;' "$desktop" || fail "no MimeType"
  grep -qx 'Exec=handover-desktop %f' "$desktop" || fail "Exec does not take the file"
  ok "desktop-file-validate: Name=Handover, Name[ja]=ハンドオーバー, opens application/x-handover-bundle"
  local mime="$WORK/mime"
  mkdir -p "$mime/packages"
  cp "$PKG_ROOT/usr/share/mime/packages/handover.xml" "$mime/packages/"
  # (It notes that the folder is not on XDG_DATA_DIRS: true, and beside the point here.)
  local out; out="$(update-mime-database "$mime" 2>&1)" || fail "update-mime-database refused handover.xml: $out"
  grep -q 'application/x-handover-bundle:\*\.age' "$mime/globs2" || fail "*.age is not application/x-handover-bundle"
  ok "shared-mime-info: *.age is application/x-handover-bundle"
}

check_versions() {
  local commit; commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  [ "$("$PKG_ROOT/usr/bin/handover" --version)" = "handover $VERSION ($commit)" ] ||
    fail "handover --version: $("$PKG_ROOT/usr/bin/handover" --version)"
  [ "$("$PKG_ROOT/usr/bin/handover-desktop" --version)" = "Handover $VERSION ($commit)" ] ||
    fail "handover-desktop --version: $("$PKG_ROOT/usr/bin/handover-desktop" --version)"
  ok "handover --version and the app: $VERSION ($commit)"
}

# The installed app verifies an update signed with the release key it was built with, and
# refuses the same file altered, or without its signature.
check_update_signature() {
  local app="$PKG_ROOT/usr/bin/handover-desktop" upd="$WORK/update"
  mkdir -p "$upd"
  cp "$DEB" "$upd/handover_${VERSION}_amd64.deb"
  sign "$upd/handover_${VERSION}_amd64.deb" "$TEST_KEY_DIR/handover-TEST-ONLY-release-key"
  "$app" --verify-update "$upd/handover_${VERSION}_amd64.deb" >&2 || fail "a signed update was refused"
  ok "a signed update verifies"
  cp "$upd/handover_${VERSION}_amd64.deb" "$upd/tampered.deb"
  cp "$upd/handover_${VERSION}_amd64.deb.sig" "$upd/tampered.deb.sig"
  printf 'X' | dd of="$upd/tampered.deb" bs=1 seek=2000 conv=notrunc status=none
  local rc=0 msg
  msg="$("$app" --verify-update "$upd/tampered.deb" 2>&1)" || rc=$?
  [ "$rc" = 5 ] || fail "a tampered update: exit $rc, not 5 ($msg)"
  grep -q 'refused' <<<"$msg" || fail "a tampered update: no clear message ($msg)"
  ok "a tampered update is refused (exit 5): $msg"
  rm "$upd/tampered.deb.sig"
  rc=0; msg="$("$app" --verify-update "$upd/tampered.deb" 2>&1)" || rc=$?
  [ "$rc" = 5 ] && grep -q 'signature .* is missing' <<<"$msg" || fail "an unsigned update: exit $rc ($msg)"
  ok "an unsigned update is refused (exit 5)"
}

# An office with the sample register and a bundle for a contractor, made with the installed CLI.
make_office() {
  local cli="$PKG_ROOT/usr/bin/handover"
  # The office's admin signs in on every call (a throwaway password for this check only).
  export HANDOVER_DATA_DIR="$WORK/home/office" HANDOVER_OPERATOR="package check" \
    HANDOVER_PASSWORD="package check password"
  "$cli" init --admin "package check" >/dev/null
  "$cli" import sample/sample_register.xlsx >/dev/null
  "$cli" contractor add --name 架空電設株式会社 \
    --recipients-file tests/fixtures/keys/test-contractor.recipients.txt \
    --agreement-signed 2020-04-01 --agreement-expires 2099-03-31 >/dev/null
  "$cli" pack --contractor CTR-0001 --work-type repair --customers C0001 --method transfer \
    --out "$WORK/HO-bundle.age" --return-by 2099-12-31 >/dev/null 2>"$WORK/pack.out"
  "$cli" customers --json >"$WORK/customers.json"
}

# screenshot NAME: the whole Xvfb screen as $SHOTS/NAME.png.
screenshot() {
  xwd -root -silent -display "$DISPLAY" | xwdtopnm 2>/dev/null | pnmtopng >"$SHOTS/$1.png"
  ok "screenshot: $SHOTS/$1.png"
}

# window_named PATTERN: wait (up to 60 s) for a visible window whose name matches.
window_named() {
  timeout 60 xdotool search --sync --onlyvisible --name "$1" >/dev/null
}

start_display() {
  local n=$(( 90 + RANDOM % 100 ))
  Xvfb ":$n" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
  XVFB_PID=$!
  export DISPLAY=":$n"
  for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
  # Both starts must meet on one session bus, as on a desktop.
  local bus; bus="$(dbus-daemon --session --fork --print-address=1 --print-pid=1)"
  export DBUS_SESSION_BUS_ADDRESS="$(sed -n 1p <<<"$bus")"
  DBUS_PID="$(sed -n 2p <<<"$bus")"
}

# Stops what start_display and check_running_app started (by their ids), once.
stop_display() {
  if [ -n "${APP_PID:-}" ]; then kill "$APP_PID" 2>/dev/null || true; wait "$APP_PID" 2>/dev/null || true; fi
  if [ -n "${DBUS_PID:-}" ]; then kill "$DBUS_PID" 2>/dev/null || true; fi
  if [ -n "${XVFB_PID:-}" ]; then kill "$XVFB_PID" 2>/dev/null || true; wait "$XVFB_PID" 2>/dev/null || true; fi
  APP_PID="" DBUS_PID="" XVFB_PID=""
}

# The installed app under Xvfb: it starts (timed), shows the register; a second start with a
# bundle exits, brings the first window forward and hands it the bundle; the log holds no
# customer data.
check_running_app() {
  local app="$PKG_ROOT/usr/bin/handover-desktop"
  export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share"
  export XDG_CACHE_HOME="$WORK/home/.cache"
  make_office
  start_display
  local t0; t0=$(date +%s%N)
  "$app" >"$WORK/app.out" 2>&1 &
  APP_PID=$!
  window_named "ハンドオーバー — " || fail "no window within 60 s (see $WORK/app.out)"
  COLD_START_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  ok "cold start to a visible window: ${COLD_START_MS} ms"
  sleep 4
  screenshot installed-app
  local t1; t1=$(date +%s%N)
  timeout 20 "$app" "$WORK/HO-bundle.age" >"$WORK/second.out" 2>&1 || fail "the second start did not exit 0 (see $WORK/second.out)"
  ok "a second start exits after $(( ($(date +%s%N) - t1) / 1000000 )) ms"
  kill -0 "$APP_PID" 2>/dev/null || fail "the first app is gone after the second start"
  sleep 2
  local focused; focused="$(xdotool getwindowfocus getwindowname 2>/dev/null || true)"
  grep -q '^ハンドオーバー — ' <<<"$focused" || fail "the first window is not focused (focus: $focused)"
  ok "the first window has the focus"
  screenshot second-start
  check_log
}

check_log() {
  local logf="$XDG_DATA_HOME/jp.handover.desktop/logs/handover.log"
  [ -s "$logf" ] || fail "no log file at $logf"
  grep -q "Handover $VERSION .* started" "$logf" || fail "the log does not record the start"
  grep -q 'a second start was handed to this window' "$logf" || fail "the log does not record the second start"
  grep -q 'a bundle file was handed to the app' "$logf" || fail "the bundle was not handed over"
  if [ ! -e /dev/dri ] && [ -z "${WEBKIT_DISABLE_DMABUF_RENDERER:-}" ]; then
    grep -q 'WebKit DMA-BUF renderer off: no /dev/dri' "$logf" || fail "no /dev/dri, yet the app kept WebKit's DMA-BUF renderer"
    ok "no /dev/dri here: the app turned WebKit's DMA-BUF renderer off by itself"
  fi
  # Every value of the register (names, kana, phones, addresses, ids; not dates, which the
# timestamps could match) and the bundle's path: none in the log.
  python3 - "$WORK/customers.json" "$logf" "$WORK/HO-bundle.age" <<'PY' || fail "customer data in the log"
import json, sys
customers = json.load(open(sys.argv[1]))
log = open(sys.argv[2], encoding="utf-8").read()
import re
values = {sys.argv[3]}
for c in customers:
    for v in c.values():
        if isinstance(v, str) and len(v) >= 4 and not re.fullmatch(r"[0-9-]{10}", v):
            values.add(v)
assert len(values) > 300, f"too few values to look for: {len(values)}"
found = [v for v in values if v in log]
if found:
    print("in the log:", found[:5], file=sys.stderr)
    sys.exit(1)
PY
  ok "log file $logf: the start and the second start, no customer data ($(wc -l <"$logf") lines)"
}

package_check() {
  ensure_packages desktop-file-utils shared-mime-info xvfb xauth x11-apps x11-utils netpbm xdotool dbus
  log "checking $DEB"
  WORK="$(mktemp -d)"
  PKG_ROOT="$WORK/root"
  SHOTS="$ROOT/target/package/screenshots"
  mkdir -p "$SHOTS" "$WORK/home"
  trap 'stop_display' EXIT
  check_contents
  dpkg -x "$DEB" "$PKG_ROOT"
  check_desktop
  check_versions
  check_update_signature
  check_running_app
  stop_display
  local size; size="$(du -k "$DEB" | cut -f1)"
  log "package check passed: $(basename "$DEB") $(( size / 1024 )).$(( size % 1024 * 10 / 1024 )) MiB, installed $(dpkg-deb -f "$DEB" Installed-Size) KiB${BUILD_SECONDS:+, build ${BUILD_SECONDS} s}, cold start ${COLD_START_MS} ms"
  rm -rf "$WORK"
}
