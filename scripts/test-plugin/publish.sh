#!/usr/bin/env bash
# Builds Berth's test volume plugin (volume-plugin.c, static) as a managed
# Docker plugin and pushes it to the test fleet's password registry, as
#   $BERTH_FLEET_REGISTRY/berth-test/volume-plugin:2.0 and :2.1
# (the same driver; 2.1 lets a test upgrade). Prints the repository.
#
#   publish.sh [FLEET_ENV]     (default: $BERTH_FLEET_ENV or /tmp/berth-fleet/fleet.env)
#
# Idempotent: when both tags are already in the registry it only prints. The
# plugin is made with `docker plugin create` on fleet host a, pushed, and the
# local copy removed again, so the host is left as it was.
set -euo pipefail

ENV_FILE=${1:-${BERTH_FLEET_ENV:-/tmp/berth-fleet/fleet.env}}
# shellcheck disable=SC1090
source "$ENV_FILE"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$BERTH_FLEET_REGISTRY/berth-test/volume-plugin
TAGS=(2.0 2.1)
DOCKER=/usr/bin/docker
export DOCKER_HOST=$BERTH_FLEET_A_URL

has_tag() {
  curl -fs -o /dev/null -u "$BERTH_FLEET_REGISTRY_USER:$BERTH_FLEET_REGISTRY_PASSWORD" \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$BERTH_FLEET_REGISTRY/v2/berth-test/volume-plugin/manifests/$1"
}

publish() {
  local missing=()
  for tag in "${TAGS[@]}"; do has_tag "$tag" || missing+=("$tag"); done
  [ ${#missing[@]} -eq 0 ] && return 0

  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  mkdir -p "$work/plugin/rootfs/data" "$work/plugin/rootfs/run/docker/plugins" "$work/config"
  gcc -static -O2 -o "$work/plugin/rootfs/vol" "$HERE/volume-plugin.c"
  strip "$work/plugin/rootfs/vol"
  # network host: a privilege the install must show and the user accept.
  cat >"$work/plugin/config.json" <<'JSON'
{
  "description": "Berth test volume driver: each volume is a folder in the plugin",
  "documentation": "https://example.invalid/berth-test-volume-plugin",
  "entrypoint": ["/vol", "berth-test.sock"],
  "interface": { "socket": "berth-test.sock", "types": ["docker.volumedriver/1.0"] },
  "network": { "type": "host" },
  "linux": { "capabilities": [] },
  "env": [
    { "name": "MESSAGE_PREFIX", "description": "Put before each volume's README text", "settable": ["value"], "value": "" }
  ]
}
JSON
  export DOCKER_CONFIG=$work/config
  printf '%s' "$BERTH_FLEET_REGISTRY_PASSWORD" |
    "$DOCKER" login -u "$BERTH_FLEET_REGISTRY_USER" --password-stdin "$BERTH_FLEET_REGISTRY" >/dev/null 2>&1
  for tag in "${missing[@]}"; do
    "$DOCKER" plugin rm -f "$REPO:$tag" >/dev/null 2>&1 || true
    "$DOCKER" plugin create "$REPO:$tag" "$work/plugin" >/dev/null
    "$DOCKER" plugin push "$REPO:$tag" >/dev/null
    "$DOCKER" plugin rm -f "$REPO:$tag" >/dev/null
  done
  "$DOCKER" logout "$BERTH_FLEET_REGISTRY" >/dev/null
}

# Two test workers may publish at once.
exec 9>/tmp/berth-test-plugin.lock
flock 9
publish
echo "$REPO"
