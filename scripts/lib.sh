# Shared by scripts/start.sh and scripts/test.sh. Sourced, not run.

log() { printf '[berth %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Installs npm dependencies when node_modules is missing or older than the lockfile. npm 11 runs
# only the install scripts listed in package.json "allowScripts" (better-sqlite3 builds from source).
# `npm install` rather than `npm ci`: the lockfile npm writes here leaves out other platforms'
# optional packages (@swc/core-darwin-…), which `npm ci` then reports as out of sync.
ensure_node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm dependencies"
    npm install --no-audit --no-fund --loglevel=error
  fi
}

# Builds shared, compose, server and web when any of their sources is newer than the last build.
build_if_stale() {
  local stamp=.build-stamp
  if [ -f "$stamp" ] && [ -z "$(find packages/shared/src packages/compose/src apps/server/src apps/web/app apps/web/components apps/web/lib \
        prisma/models.prisma apps/web/next.config.ts package-lock.json -newer "$stamp" -print -quit 2>/dev/null)" ] &&
     [ -f apps/server/dist/main.js ] && [ -f apps/web/.next/BUILD_ID ]; then
    return 0
  fi
  log "building"
  npm run build --silent
  touch "$stamp"
}

# Debian packages, installed only when missing (CI starts from a machine without them).
ensure_debian_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
