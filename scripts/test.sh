#!/usr/bin/env bash
# npm test: installs what is missing, starts its own test fleet (real engines, registry, sshd) and
# PostgreSQL if the machine has none, then runs every check. Stops what it started; non-zero on
# any failure. Steps: schema, build, lint, format, types, unit, integration (SQLite, then the
# database-facing suites again on PostgreSQL), OpenAPI drift, browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
export NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
RESULTS=.test-results
rm -rf "$RESULTS" && mkdir -p "$RESULTS"

cleanup() {
  local code=$?
  bash scripts/fleet/fleet.sh down >/dev/null 2>&1 || log "fleet down failed (see scripts/fleet/README.md)"
  exit "$code"
}
trap cleanup EXIT INT TERM

step() { log "── $*"; }

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

step "dependencies"
ensure_debian_packages chromium postgresql-client
ensure_node_modules

step "test fleet"
FLEET_ENV=$(bash scripts/fleet/fleet.sh up)
export BERTH_FLEET_ENV=$FLEET_ENV
POSTGRES_URL=$(ensure_postgres)

step "schema and migrations"
node scripts/db.mjs check

step "build"
npm run build --silent
touch .build-stamp

step "lint and format"
npx eslint . --max-warnings 0
npx prettier --check . --log-level warn

step "type check"
npm run typecheck --silent

step "OpenAPI document is current"
node scripts/openapi.mjs --check

jest() { NODE_OPTIONS=--experimental-vm-modules npx jest "$@"; }

step "unit tests"
jest --selectProjects unit --json --outputFile="$RESULTS/unit.json"

step "integration tests (SQLite)"
jest --selectProjects integration --runInBand --json --outputFile="$RESULTS/integration-sqlite.json"

step "integration tests (PostgreSQL)"
BERTH_TEST_POSTGRES_URL=$POSTGRES_URL jest --selectProjects integration --runInBand \
  --testPathPatterns 'test/(database|database-outage|hosts|identity|audit|audit-durability|audit-write-ahead|unique-conflicts|shutdown|replicas)\.test\.ts' --json --outputFile="$RESULTS/integration-postgres.json"

step "browser tests (Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$PWD/$RESULTS/e2e.json" node scripts/run-e2e.mjs --reporter=list,json

node scripts/test-summary.mjs "$RESULTS"
