# shellcheck shell=bash
# Shared by the scripts/ensure-*.sh helpers (sourced, not run). The caller sets
# SCRIPT_NAME, which prefixes every message.

log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*"; }
warn() { printf '%s: WARNING: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, else through password-less sudo.
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    die "need root for: $*"
  fi
}
