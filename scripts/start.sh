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
# Memory, as the image sets it (Dockerfile). glibc gives each thread that allocates (libuv's pool,
# V8's GC and compiler threads) a malloc arena of its own that keeps what was freed in it; two
# arenas keep the RSS about 12 MB lower. V8 sizes its heap for the machine's memory: a young
# generation of up to 16 MB a half (4 MB: about 25 MB less RSS, for more frequent and shorter
# scavenges), and the higher the heap limit (4 GB on a 16 GB machine), the more garbage the old
# generation may gather before it is collected (up to 4 times what is live). A 1 GB limit, over
# ten times what 50 hosts and 100 dashboards keep live, collects it sooner: 15-20 MB less RSS
# there. NODE_OPTIONS given here comes after these, so its own values win.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export NODE_OPTIONS="--max-semi-space-size=4 --max-old-space-size=1024${NODE_OPTIONS:+ $NODE_OPTIONS}"
exec node apps/server/dist/main.js
