#!/usr/bin/env bash
# Make sure the local services the tests need are up:
#   * PostgreSQL 15 on 127.0.0.1:5432 (started with pg_ctlcluster if not accepting connections);
#   * the pgvector extension (built from Debian trixie's source package if missing: Debian 12
#     packages no pgvector for PostgreSQL 15) and verified with CREATE EXTENSION in a scratch db;
#   * Redis on 127.0.0.1:6379 (started if it does not answer PING; only a warning if not installed).
# Idempotent: when everything is already in place it only checks, in well under a second,
# and never touches apt.
set -euo pipefail

PG_MAJOR=15
PG_HOST=127.0.0.1
PG_PORT=5432
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
VECTOR_CONTROL="/usr/share/postgresql/${PG_MAJOR}/extension/vector.control"
SRC_LIST=/etc/apt/sources.list.d/pgvector-trixie-src.sources
SCRATCH_DB=pgvector_check
REDIS_PORT=6379

SCRIPT_NAME=ensure-postgres
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

# Serialize concurrent runs (shared scratch database, apt).
exec 9>"${TMPDIR:-/tmp}/ensure-postgres.lock"
if command -v flock >/dev/null 2>&1; then
  flock -w 1800 9 || die "timed out waiting for another ensure-postgres run"
fi

# ---------------------------------------------------------------- PostgreSQL
pg_ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2 >/dev/null 2>&1; }

if pg_ready; then
  log "PostgreSQL on ${PG_HOST}:${PG_PORT} is accepting connections"
else
  log "PostgreSQL not accepting connections: starting cluster ${PG_MAJOR}/main"
  # Exit status 2 means "already running" (e.g. still starting up): the wait below decides.
  as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start || true
  for _ in $(seq 1 60); do
    pg_ready && break
    sleep 0.5
  done
  pg_ready || die "PostgreSQL did not become ready on ${PG_HOST}:${PG_PORT} within 30s"
  log "PostgreSQL is ready"
fi

# ------------------------------------------------------------------ pgvector
# Print "<uri> <signed-by>" of the machine's main Debian binary source (the entry for the
# running release's own suite), reading both one-line (.list) and deb822 (.sources) files.
debian_mirror() {
  local codename files=()
  # shellcheck disable=SC1091
  codename="$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")"
  [[ -n "$codename" ]] || return 1
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  shopt -s nullglob
  files+=(/etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
  shopt -u nullglob
  local f
  for f in "${files[@]}"; do
    [[ "$f" == "$SRC_LIST" ]] && continue
    if [[ "$f" == *.sources ]]; then
      awk -v cn="$codename" '
        function flush() {
          if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " cn " ") && enabled != "no" && uri != "")
            { print uri, (signed == "" ? "-" : signed); found = 1; exit }
          types = suites = uri = signed = enabled = ""
        }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        /^[^ \t]/ {
          key = tolower($1); sub(/:$/, "", key); val = $0; sub(/^[^:]*:[ \t]*/, "", val)
          if (key == "types") types = val
          else if (key == "suites") suites = val
          else if (key == "uris") { split(val, u, /[ \t]+/); uri = u[1] }
          else if (key == "signed-by" && val ~ /^\//) signed = val
          else if (key == "enabled") enabled = tolower(val)
        }
        END { if (!found) flush() }' "$f"
    else
      awk -v cn="$codename" '
        /^[ \t]*#/ || NF < 3 || $1 != "deb" { next }
        {
          line = $0; signed = "-"
          if (match(line, /\[[^]]*\]/)) {
            opts = substr(line, RSTART + 1, RLENGTH - 2)
            line = substr(line, 1, RSTART - 1) " " substr(line, RSTART + RLENGTH)
            if (match(opts, /signed-by=[^ \t]+/)) signed = substr(opts, RSTART + 10, RLENGTH - 10)
          }
          n = split(line, w, /[ \t]+/); i = (w[1] == "" ? 2 : 1)
          if (w[i + 2] == cn) { print w[i + 1], signed; exit }
        }' "$f"
    fi
  done | head -n 1
}

install_pgvector() {
  log "pgvector missing (${VECTOR_CONTROL}): building it from Debian trixie's source package"
  local mirror uri signed content
  mirror="$(debian_mirror)" || true
  [[ -n "$mirror" ]] || die "could not find the Debian mirror in /etc/apt/sources.list{,.d/*}"
  read -r uri signed <<<"$mirror"
  if [[ "$signed" == "-" ]]; then signed=/usr/share/keyrings/debian-archive-keyring.gpg; fi
  log "Debian mirror: ${uri} (keyring ${signed})"

  # SOURCE packages only: a binary "deb" entry for trixie would upgrade the whole system.
  content="# Written by scripts/ensure-postgres.sh to build pgvector for PostgreSQL ${PG_MAJOR}.
# Source packages only (deb-src). Never add a binary 'deb' entry for trixie here.
Types: deb-src
URIs: ${uri}
Suites: trixie
Components: main
Signed-By: ${signed}"
  if [[ ! -f "$SRC_LIST" ]] || [[ "$(cat "$SRC_LIST")" != "$content" ]]; then
    log "adding deb-src entry for trixie: ${SRC_LIST}"
    printf '%s\n' "$content" | as_root tee "$SRC_LIST" >/dev/null
  fi

  log "apt-get update"
  as_root apt-get "${APT_OPTS[@]}" update -qq
  log "installing postgresql-server-dev-${PG_MAJOR} build-essential"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" install -y -qq \
    --no-install-recommends "postgresql-server-dev-${PG_MAJOR}" build-essential >/dev/null

  local tmp src
  tmp="$(mktemp -d)"
  # shellcheck disable=SC2064  # expand $tmp now
  trap "rm -rf '$tmp'" EXIT
  log "apt-get source pgvector (in ${tmp})"
  # Sandbox user root: the private temp dir is not writable by apt's _apt user.
  (cd "$tmp" && apt-get "${APT_OPTS[@]}" -o APT::Sandbox::User=root source -qq pgvector >/dev/null)
  src="$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)"
  [[ -n "$src" ]] || die "apt-get source pgvector unpacked nothing"
  log "building $(basename "$src") against $("$PG_CONFIG" --version)"
  # OPTFLAGS= : no -march=native, as Debian builds it, so the library runs on any x86-64.
  make -C "$src" -s -j"$(nproc)" PG_CONFIG="$PG_CONFIG" OPTFLAGS= >/dev/null
  as_root make -C "$src" -s PG_CONFIG="$PG_CONFIG" OPTFLAGS= install >/dev/null
  [[ -f "$VECTOR_CONTROL" ]] || die "make install did not produce ${VECTOR_CONTROL}"
  rm -rf "$tmp"
  trap - EXIT
  log "pgvector installed"
}

if [[ -f "$VECTOR_CONTROL" ]]; then
  log "pgvector is installed"
else
  install_pgvector
fi

export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres)
"${PSQL[@]}" -d postgres -c "drop database if exists ${SCRATCH_DB} with (force)" \
  -c "create database ${SCRATCH_DB}"
vector_version="$("${PSQL[@]}" -d "$SCRATCH_DB" -At \
  -c "create extension if not exists vector" \
  -c "select extversion from pg_extension where extname = 'vector'")"
"${PSQL[@]}" -d postgres -c "drop database ${SCRATCH_DB} with (force)"
log "verified: CREATE EXTENSION vector works (version ${vector_version})"

# --------------------------------------------------------------------- Redis
redis_ping() {
  if command -v redis-cli >/dev/null 2>&1; then
    [[ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
  else
    # shellcheck disable=SC2016  # expanded by the inner bash
    timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "PING\r\n" >&3 &&
      IFS= read -r l <&3 && [[ "$l" == "+PONG"* ]]' _ "$REDIS_PORT" 2>/dev/null
  fi
}

if redis_ping; then
  log "Redis on 127.0.0.1:${REDIS_PORT} answers PING"
elif ! command -v redis-server >/dev/null 2>&1; then
  warn "Redis is not answering on 127.0.0.1:${REDIS_PORT} and redis-server is not installed; skipping"
else
  log "Redis not answering: starting redis-server"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 40); do
    redis_ping && break
    sleep 0.25
  done
  redis_ping || die "Redis did not answer PING within 10s (see /var/log/redis/ci.log)"
  log "Redis is up"
fi
