#!/usr/bin/env bash
# npm test: installs what is missing, starts its own test fleet (real engines, registry, sshd) and
# PostgreSQL if the machine has none, then runs every check. Stops what it started; non-zero on
# any failure, after running everything that could run.
#
# On two cores the suites that wait on engines and browsers overlap the ones that use the CPU:
#   1. the integration suites on SQLite start as soon as the fleet is up (they run the server
#      in-process and need no build);
#   2. the build; then beside them, in a second lane, the browser tests (Chromium against the
#      built server), the database-facing suites again on PostgreSQL and the suites that start the
#      built server as their own process;
#   3. lint, format, types, OpenAPI drift and unit tests run meanwhile;
#   4. last, alone: the suites that stop fleet engines (the other suites use those engines).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
export NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
RESULTS=.test-results
rm -rf "$RESULTS" && mkdir -p "$RESULTS"

cleanup() {
  local code=$?
  # Lanes still running (after an interrupt) go before the fleet they use.
  local lanes
  lanes=$(jobs -p)
  [ -n "$lanes" ] && kill $lanes 2>/dev/null && wait 2>/dev/null
  bash scripts/fleet/fleet.sh down >/dev/null 2>&1 || log "fleet down failed (see scripts/fleet/README.md)"
  exit "$code"
}
trap cleanup EXIT INT TERM

step() { log "── $*"; }

# A check that failed is named at the end; the run goes on so one failure hides no other.
FAILED=()
check() {
  local name=$1
  shift
  step "$name"
  if ! "$@"; then
    log "── $name FAILED"
    FAILED+=("$name")
  fi
}

ensure_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    ensure_debian_packages postgresql
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  fi
  local url=postgresql://postgres@127.0.0.1:5432/postgres
  if ! psql "$url" -qAtc 'select 1' >/dev/null 2>&1; then
    # Debian's default cluster wants a password over TCP: give the superuser one for the tests.
    su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'berth-test'\"" >/dev/null
    url=postgresql://postgres:berth-test@127.0.0.1:5432/postgres
  fi
  printf '%s' "$url"
}

ensure_redis() {
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    ensure_debian_packages redis-server
    redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no >/dev/null
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
  printf 'redis://127.0.0.1:6379'
}

step "dependencies"
# nginx: the load balancer in front of two replicas (scale-out); run by the test, never as a service.
# postgresql and redis-server: their programs also make the images of the deployment test's stack.
ensure_debian_packages chromium postgresql-client docker-compose redis-tools nginx postgresql redis-server
ensure_node_modules

step "test fleet"
FLEET_ENV=$(bash scripts/fleet/fleet.sh up)
export BERTH_FLEET_ENV=$FLEET_ENV
POSTGRES_URL=$(ensure_postgres)
REDIS_URL=$(ensure_redis)

step "schema and migrations"
node scripts/db.mjs check
# The database clients, before the first suites start (the build then leaves them as they are).
node scripts/db.mjs generate

# --forceExit on integration runs: a run whose tests are done must not wait on a handle left open.
jest() { NODE_OPTIONS=--experimental-vm-modules npx jest "$@"; }
integration() { jest --selectProjects integration --runInBand --forceExit "$@"; }

# Suites that start the built server or its CLI as their own process (or pack it into an image),
# and suites that stop fleet engines (kept for the end: the other suites use those engines).
BUILT_SERVER='(audit|audit-durability|shutdown|startup|scale-out|deployment)'
HOST_STOPPERS='(gateway-host-down|host-probe|inventory)'
POSTGRES_SUITES='(database|database-outage|hosts|identity|audit|audit-durability|audit-write-ahead|unique-conflicts|shutdown|replicas|scale-out)'
suites() { printf 'apps/server/test/%s\\.test\\.ts' "$1"; }

lane_integration() {
  BERTH_TEST_REDIS_URL=$REDIS_URL BERTH_TEST_REDIS_DBS=1-7 \
    integration --testPathIgnorePatterns "$(suites "($BUILT_SERVER|$HOST_STOPPERS)")" \
    --json --outputFile="$RESULTS/integration-sqlite.json"
}

# After the build, beside the SQLite suites: Playwright, then the database-facing suites again on
# PostgreSQL, then the suites that start the built server as their own process. Two lanes keep
# both cores busy; a third starved the others until their engine and SSH timeouts fired.
lane_browser_then_server() {
  local code=0
  PLAYWRIGHT_JSON_OUTPUT_NAME="$PWD/$RESULTS/e2e.json" node scripts/run-e2e.mjs --reporter=list,json ||
    code=$?
  BERTH_TEST_POSTGRES_URL=$POSTGRES_URL BERTH_TEST_REDIS_URL=$REDIS_URL BERTH_TEST_REDIS_DBS=8-15 \
    integration --testPathPatterns "$(suites "$POSTGRES_SUITES")" \
    --json --outputFile="$RESULTS/integration-postgres.json" || code=$?
  integration --testPathPatterns "$(suites "$BUILT_SERVER")" \
    --json --outputFile="$RESULTS/integration-built-sqlite.json" || code=$?
  return "$code"
}

# A lane runs in the background with its output in its own log, printed when it is waited for.
declare -A LANES=()
start_lane() {
  step "$1 started"
  "$1" >"$RESULTS/$1.log" 2>&1 &
  LANES[$1]=$!
}
wait_lane() {
  if wait "${LANES[$1]}"; then log "── $1 passed"; else log "── $1 FAILED"; FAILED+=("$1"); fi
  cat "$RESULTS/$1.log"
}

start_lane lane_integration

step "build"
npm run build --silent
touch .build-stamp
start_lane lane_browser_then_server

check "lint" npx eslint . --max-warnings 0
check "format" npx prettier --check . --log-level warn
check "type check" npm run typecheck --silent
check "OpenAPI document is current" node scripts/openapi.mjs --check
check "unit tests" jest --selectProjects unit --json --outputFile="$RESULTS/unit.json"

wait_lane lane_integration
wait_lane lane_browser_then_server

check "suites that stop fleet engines (SQLite)" integration \
  --testPathPatterns "$(suites "$HOST_STOPPERS")" \
  --json --outputFile="$RESULTS/integration-host-stoppers.json"

node scripts/test-summary.mjs "$RESULTS" || true
if [ ${#FAILED[@]} -gt 0 ]; then
  log "failed: ${FAILED[*]}"
  exit 1
fi
