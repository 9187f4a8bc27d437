#!/usr/bin/env bash
# Make a Node.js >= 22.12 the first `node` on PATH.
#
# Usage (preferred, so PATH changes reach your shell):   . scripts/setup-node.sh
# Also runnable (only installs / reports):             bash scripts/setup-node.sh
#
# If the `node` already on PATH is >= 22.12, nothing happens. Otherwise a Node 24
# binary is taken from the npm package `node-linux-<arch>@24` (fetched with the
# system npm, which then runs fine under that node) into <repo>/.tools/node, and
# <repo>/.tools/node/bin is prepended to PATH and exported.
#
# When sourced, the caller's shell options are left untouched. The download/extract
# step runs as a separate `bash` process of this same file (installer mode, selected by
# _SETUP_NODE_INSTALL=1) under `set -euo pipefail`: bash ignores errexit inside a function
# called from an `if`/`||`, and a sourced file must not turn errexit on in the caller.

_setup_node_sourced=0
if [[ "${BASH_SOURCE[0]}" != "${0}" ]]; then
  _setup_node_sourced=1
else
  set -euo pipefail
fi

_setup_node_self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/$(basename "${BASH_SOURCE[0]}")"
_setup_node_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
_setup_node_bin="${_setup_node_root}/.tools/node/bin"

# Exit status 0 when the given node binary (default: `node` on PATH) is >= 22.12.
_setup_node_ok() {
  local bin="${1:-node}"
  command -v "$bin" >/dev/null 2>&1 || return 1
  "$bin" -e 'const [a, b] = process.versions.node.split(".").map(Number);
             process.exit(a > 22 || (a === 22 && b >= 12) ? 0 : 1)' >/dev/null 2>&1
}

_setup_node_install() {
  local dest arch npm_bin tgz  # tmp stays global: the EXIT trap reads it
  dest="${_setup_node_root}/.tools/node"
  if _setup_node_ok "${dest}/bin/node"; then
    return 0
  fi
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "setup-node: unsupported architecture $(uname -m)" >&2; exit 1 ;;
  esac
  # The system npm needs *some* node to run; the old system node is fine for `npm pack`.
  npm_bin="$(command -v npm || true)"
  if [[ -z "$npm_bin" ]]; then
    echo "setup-node: no npm on PATH to fetch node-linux-${arch}@24 with" >&2
    exit 1
  fi
  echo "setup-node: fetching node-linux-${arch}@24 into ${dest}"
  mkdir -p "${_setup_node_root}/.tools"
  tmp="$(mktemp -d "${_setup_node_root}/.tools/.node-tmp.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && "$npm_bin" pack --silent --no-fund --no-audit "node-linux-${arch}@24" >/dev/null)
  tgz=("$tmp"/node-linux-"${arch}"-*.tgz)
  [[ -f "${tgz[0]}" ]] || { echo "setup-node: npm pack produced no tarball" >&2; exit 1; }
  mkdir "$tmp/x"
  tar -xzf "${tgz[0]}" -C "$tmp/x" --strip-components=1 --no-same-owner
  chmod +x "$tmp/x/bin/node"
  _setup_node_ok "$tmp/x/bin/node" || { echo "setup-node: fetched node does not run or is too old" >&2; exit 1; }
  # Swap into place only once complete, so an interrupted run never leaves a half tree.
  rm -rf "$dest"
  mv "$tmp/x" "$dest"
  echo "setup-node: installed node $("${dest}/bin/node" --version)"
}

if [[ "${_SETUP_NODE_INSTALL:-}" == 1 && "$_setup_node_sourced" == 0 ]]; then
  _setup_node_install
  exit 0
fi

_setup_node_main() {
  if _setup_node_ok node; then
    echo "setup-node: node $(node --version) on PATH is fine"
    return 0
  fi
  _SETUP_NODE_INSTALL=1 bash "$_setup_node_self" || return 1
  case ":${PATH}:" in
    *":${_setup_node_bin}:"*) PATH="${_setup_node_bin}:$(printf '%s' ":${PATH}:" | sed "s#:${_setup_node_bin}:#:#g; s#^:##; s#:\$##")" ;;
    *) PATH="${_setup_node_bin}:${PATH}" ;;
  esac
  export PATH
  hash -r
  echo "setup-node: using node $(node --version) from ${_setup_node_bin}"
  if [[ "$_setup_node_sourced" == 0 ]]; then
    echo "setup-node: (run as a script: source it to keep the PATH change: . scripts/setup-node.sh)"
  fi
}

if _setup_node_main; then
  _setup_node_rc=0
else
  _setup_node_rc=1
  echo "setup-node: FAILED" >&2
fi
unset -f _setup_node_ok _setup_node_install _setup_node_main
unset _setup_node_self _setup_node_root _setup_node_bin _setup_node_sourced
# Last command's status = status of `. setup-node.sh` (or of the script); no `exit`, so that
# sourcing never kills the caller's shell. eval expands the value before the unset runs.
eval "unset _setup_node_rc; (exit ${_setup_node_rc})"
