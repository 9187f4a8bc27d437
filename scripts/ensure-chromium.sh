#!/usr/bin/env bash
# Make sure Debian's Chromium is installed at /usr/bin/chromium (for Playwright e2e tests,
# which launch it via CHROMIUM_PATH) and that it really starts headless.
# Idempotent: when it is installed, only the headless smoke test runs (a second or two).
set -euo pipefail

CHROMIUM=/usr/bin/chromium
PACKAGES=(chromium fonts-liberation)
APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

SCRIPT_NAME=ensure-chromium
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# True when apt knows an installable version of package $1.
has_candidate() {
  local c
  c="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2; exit }')"
  [[ -n "$c" && "$c" != "(none)" ]]
}

apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" install -y -qq \
    --no-install-recommends "$@" >/dev/null
}

if [[ -x "$CHROMIUM" ]]; then
  log "found ${CHROMIUM}"
else
  log "${CHROMIUM} missing: installing ${PACKAGES[*]} from Debian"
  updated=0
  if ! has_candidate chromium; then
    log "apt-get update (package lists do not know chromium)"
    as_root apt-get "${APT_OPTS[@]}" update -qq
    updated=1
  fi
  has_candidate chromium || die "no 'chromium' package available from the configured apt sources"
  install=()
  for p in "${PACKAGES[@]}"; do
    if has_candidate "$p"; then install+=("$p"); else warn "package $p not available; skipping it"; fi
  done
  log "apt-get install ${install[*]}"
  if ! apt_install "${install[@]}"; then
    # Most likely stale package lists (404 on an outdated version): refresh once and retry.
    [[ "$updated" == 0 ]] || die "apt-get install ${install[*]} failed"
    log "install failed; apt-get update and retry"
    as_root apt-get "${APT_OPTS[@]}" update -qq
    apt_install "${install[@]}" || die "apt-get install ${install[*]} failed"
  fi
  [[ -x "$CHROMIUM" ]] || die "${CHROMIUM} still missing after installing ${install[*]}"
fi

log "$("$CHROMIUM" --version 2>/dev/null || echo 'chromium (version unknown)')"

# Smoke test: render a data: URL headless and check the DOM comes back.
profile="$(mktemp -d)"
errlog="$(mktemp)"
trap 'rm -rf "$profile" "$errlog"' EXIT
if ! dom="$(timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
  --disable-background-networking --disable-component-update --disable-sync --no-first-run \
  --user-data-dir="$profile" --dump-dom 'data:text/html,<p>ok</p>' 2>"$errlog" </dev/null)"; then
  tail -n 20 "$errlog" >&2
  die "chromium failed to run headless"
fi
if [[ "$dom" != *"<p>ok</p>"* ]]; then
  tail -n 20 "$errlog" >&2
  die "chromium ran but did not render the test page (got: ${dom:0:200})"
fi
log "verified: headless chromium renders a page"
