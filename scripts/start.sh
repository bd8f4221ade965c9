#!/usr/bin/env bash
# npm start: install what is missing, build, migrate (at server start) and serve dashboard, API and
# socket.io on http://localhost:${PORT:-3000}, with SQLite in ${BERTH_DATA_DIR:-./data}.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
export NEXT_TELEMETRY_DISABLED=1

ensure_node_modules
build_if_stale
export NODE_ENV=production
exec node apps/server/dist/main.js
