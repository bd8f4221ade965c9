#!/usr/bin/env bash
# Test fleet for Berth's integration tests: real Docker engines (four hosts and a
# two-node swarm), an SSH entry point and private registries, all on this one machine.
#
#   fleet.sh up | down | restart | status | check | stop-host NAME | start-host NAME
#   fleet.sh bench-up N | bench-down
#
# See README.md beside this file for the layout. Everything the fleet needs is
# installed from Debian by this script, because CI runs in a fresh clone on a
# machine where nothing was installed by hand.
set -euo pipefail

FLEET_DIR=${BERTH_FLEET_DIR:-/tmp/berth-fleet}
FLEET_DIR=${FLEET_DIR%/}
readonly FLEET_DIR
readonly HOSTS=(a b c d)
# Host e is a swarm manager (overlay networks, services) and host f its worker,
# joined over a veth link between their two namespaces. They are started beside
# a running fleet by `up` and are not part of the health check that restarts it all.
readonly SWARM_HOST=e
readonly SWARM_WORKER=f
readonly ALL_HOSTS=(a b c d e f)
readonly IMAGE=local/busybox:latest
readonly REGISTRY_ADDR=127.0.0.1:5000
readonly REGISTRY_USER=berth
# A second registry that uses bearer-token auth, with the fleet's own token
# service (token-service.mjs) as its `auth.token` realm.
readonly TOKEN_REGISTRY_ADDR=127.0.0.1:5001
readonly TOKEN_SERVICE_ADDR=127.0.0.1:5002
readonly TOKEN_REGISTRY_USER=berth
readonly TOKEN_REGISTRY_READER=reader
TOKEN_SERVICE_SCRIPT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/token-service.mjs
readonly TOKEN_SERVICE_SCRIPT
readonly SSH_USER=berth-fleet
readonly SSH_USER_HOME=/var/lib/berth-fleet
readonly C_ROOT_IP=10.231.3.1 C_NS_IP=10.231.3.2
readonly D_ROOT_IP=10.231.4.1 D_NS_IP=10.231.4.2
# The swarm link: a /30 between the namespaces of e and f (no root side). e's
# swarm is advertised on its end; f joins through it.
readonly E_LINK_IP=10.231.9.1 F_LINK_IP=10.231.9.2
# Debian's CLI, the same version as the engines. Another `docker` may come
# first on PATH (e.g. a newer static build in /usr/local/bin); the script
# must not depend on it.
readonly DOCKER=/usr/bin/docker
readonly ENV_FILE=$FLEET_DIR/fleet.env
# Marks a directory as ours, so `down` never removes a directory it did not make.
readonly MARKER=$FLEET_DIR/.berth-fleet
# Serialises concurrent runs (two test workers calling `up` at once). Global,
# not per FLEET_DIR: namespaces, addresses and port 5000 are machine-wide.
readonly LOCK_FILE=/run/berth-fleet.lock
# Which FLEET_DIR the running fleet uses, so that an `up` with another
# BERTH_FLEET_DIR does not half-collide with it.
readonly ACTIVE_FILE=/run/berth-fleet.dir

umask 022

log() { printf '[fleet %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
  cat >&2 <<'EOF'
usage: fleet.sh COMMAND
  up                start the fleet (no-op if it is already healthy), print the env file path
  down              stop everything the fleet started and delete its state
  restart           down, then up (fresh state, new passwords and keys)
  status            one line per component
  check             end-to-end checks (TLS, ssh, registry push/pull, containers)
  stop-host NAME [--kill]
                    stop dockerd of host NAME (a|b|c|d), or kill -9 it; data is kept
  start-host NAME   start dockerd of host NAME again and wait until it answers
  bench-up N        start N extra plain engines for benchmarks (bench-01 ..), print their URLs
  bench-down        stop the benchmark engines and delete their state (down does it too)
Environment: BERTH_FLEET_DIR (default /tmp/berth-fleet)
EOF
  exit 2
}

# ---------------------------------------------------------------- safety ----

check_fleet_dir() {
  # FLEET_DIR is removed with rm -rf by `down`: refuse anything that could be
  # a real directory of the system.
  [[ $FLEET_DIR == /* ]] || die "BERTH_FLEET_DIR must be absolute: $FLEET_DIR"
  [[ $FLEET_DIR != *[[:space:]]* ]] || die "BERTH_FLEET_DIR must not contain spaces"
  case $FLEET_DIR in
    / | /tmp | /var | /var/lib | /run | /var/run | /home | /root | /etc | /usr | /opt)
      die "refusing BERTH_FLEET_DIR=$FLEET_DIR" ;;
  esac
  # Unix socket paths are limited to 107 bytes; the longest one we create is
  # $FLEET_DIR/a/containerd/containerd.sock.ttrpc.
  ((${#FLEET_DIR} <= 60)) || die "BERTH_FLEET_DIR is too long for unix sockets (max 60 chars)"
  looks_ours || die "$FLEET_DIR exists and was not made by fleet.sh; refusing to use it"
}

# True if FLEET_DIR is missing, empty, has our marker, or holds nothing but
# names this script creates (what is left when someone ran rm -rf on a live
# fleet: the marker is gone, busy mount points stay).
looks_ours() {
  [[ -d $FLEET_DIR && ! -e $MARKER ]] || return 0
  local e
  for e in "$FLEET_DIR"/* "$FLEET_DIR"/.[!.]*; do
    [[ -e $e || -L $e ]] || continue
    case ${e##*/} in
      a | b | c | d | bin | registry | image | docker-config | fleet.env | fleet.env.tmp) ;;
      bench-[0-9][0-9]) ;;
      *) return 1 ;;
    esac
  done
  return 0
}

require_root() {
  [[ $(id -u) == 0 ]] || die "must run as root (network namespaces, dockerd)"
}

take_lock() {
  exec 9>"$LOCK_FILE"
  flock -w 300 9 || die "another fleet.sh holds $LOCK_FILE"
}

# ------------------------------------------------------------ packages ----

ensure_packages() {
  local pkgs=(docker.io docker-registry busybox-static openssh-server apache2-utils socat iproute2 openssl)
  # With AppArmor on in the kernel, dockerd loads its container profile with
  # apparmor_parser; docker.io only recommends that package and we install
  # without recommends.
  if [[ -r /sys/module/apparmor/parameters/enabled && $(</sys/module/apparmor/parameters/enabled) == Y* ]]; then
    pkgs+=(apparmor)
  fi
  local p missing=()
  for p in "${pkgs[@]}"; do
    if [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) != *" installed" ]]; then
      missing+=("$p")
    fi
  done
  ((${#missing[@]})) || return 0
  log "installing missing Debian packages: ${missing[*]}"
  # Installing docker.io / docker-registry / openssh-server would otherwise
  # start the machine's own dockerd, a registry on :5000 (which would take our
  # port) and an sshd. policy-rc.d exit 101 tells maintainer scripts not to
  # start services. Only add it if the machine has none of its own.
  local guard=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    printf '#!/bin/sh\n# temporary, from Berth scripts/fleet/fleet.sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    guard=1
  fi
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >&2 || rc=$?
  if [[ -n $guard ]]; then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
  ((rc == 0)) || die "apt-get failed ($rc)"
}

ensure_ssh_user() {
  if ! id -u "$SSH_USER" >/dev/null 2>&1; then
    log "creating system user $SSH_USER"
    useradd --system --shell /bin/sh --home-dir "$SSH_USER_HOME" --create-home \
      --comment 'Berth test fleet (scripts/fleet)' "$SSH_USER"
  fi
  # useradd leaves the password field as "!": sshd without PAM treats that as
  # a locked account and refuses even key logins. "*" = no password, not locked.
  if [[ $(getent shadow "$SSH_USER" | cut -d: -f2) == '!'* ]]; then
    usermod -p '*' "$SSH_USER"
  fi
  mkdir -p "$SSH_USER_HOME"
  chown "$SSH_USER:" "$SSH_USER_HOME"
  # Membership of "docker" lets the remote `docker system dial-stdio` open
  # host d's socket (dockerd gives its sockets to group docker).
  if getent group docker >/dev/null && ! id -nG "$SSH_USER" | tr ' ' '\n' | grep -qx docker; then
    usermod -aG docker "$SSH_USER"
  fi
}

# --------------------------------------------------------------- helpers ----

hdir() { printf '%s/%s' "$FLEET_DIR" "$1"; }
netns() { printf 'berth-%s' "$1"; }
nspath() { printf '/var/run/netns/berth-%s' "$1"; }

valid_host() {
  case ${1:-} in a | b | c | d) return 0 ;; *) die "unknown host '${1:-}' (a, b, c or d)" ;; esac
}

read_pid() {
  local f=$1 p
  [[ -s $f ]] || return 0
  p=$(<"$f")
  [[ $p =~ ^[0-9]+$ ]] && printf '%s' "$p"
  return 0
}

# A pid counts as ours only if it is alive and its command line names
# FLEET_DIR: a stale pidfile from a crashed run may point at a pid that the
# kernel has since given to an unrelated process.
is_ours() {
  local p=${1:-}
  [[ -n $p && -r /proc/$p/cmdline ]] || return 1
  [[ $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) == *"$FLEET_DIR/"* ]]
}

pid_alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

# Start a daemon detached from our session (it must outlive this script and
# not die with the caller's process group), stdio to a log file (a caller
# reading our stdout, e.g. $(fleet.sh up) or Node's execSync, would otherwise
# wait for EOF forever) and without the lock fd 9 (or the daemon would hold
# the lock for its whole life). setsid does not fork here, because a
# background job of a non-interactive shell is not a process group leader; so
# $! is the daemon's pid (nsenter and unshare exec too).
spawn() {
  local logf=$1 pidf=$2
  shift 2
  setsid "$@" </dev/null >>"$logf" 2>&1 9>&- &
  printf '%s\n' "$!" >"$pidf"
}

# TERM, wait up to $2 seconds, then KILL. Only pids that are ours.
stop_pids() {
  local secs=$1 p i
  shift
  local pids=()
  for p in "$@"; do pid_alive "$p" && pids+=("$p"); done
  ((${#pids[@]})) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    local left=()
    for p in "${pids[@]}"; do pid_alive "$p" && left+=("$p"); done
    ((${#left[@]})) || return 0
    pids=("${left[@]}")
    sleep 0.1
  done
  log "killing ${pids[*]} (did not stop in ${secs}s)"
  kill -KILL "${pids[@]}" 2>/dev/null || true
  sleep 0.2
}

dk() { # dk HOST ARGS... : the Debian CLI against one engine's unix socket
  local h=$1
  shift
  DOCKER_CONFIG=$FLEET_DIR/docker-config "$DOCKER" -H "unix://$(hdir "$h")/docker.sock" "$@"
}

engine_answers() {
  timeout 10 "$DOCKER" -H "unix://$(hdir "$1")/docker.sock" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# ----------------------------------------------------------- generation ----

make_tls() {
  local t s
  t=$(hdir c)/tls
  s=$(hdir c)/tls-server
  mkdir -p "$t" "$s"
  (
    cd "$s"
    # RSA 2048: accepted by every client a test may use (Go, Node, curl).
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 30 \
      -subj '/CN=berth-fleet test CA' \
      -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr \
      -subj "/CN=$C_NS_IP" 2>/dev/null
    printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' \
      "$C_NS_IP" >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -set_serial "0x$(openssl rand -hex 8)" \
      -days 30 -extfile server.ext -out server-cert.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout "$t/key.pem" -out client.csr -subj '/CN=berth-client' 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -set_serial "0x$(openssl rand -hex 8)" \
      -days 30 -extfile client.ext -out "$t/cert.pem" 2>/dev/null
    rm -f server.csr client.csr
  )
  # The client directory follows DOCKER_CERT_PATH conventions (ca/cert/key.pem).
  cp "$s/ca.pem" "$t/ca.pem"
  chmod 600 "$s"/*-key.pem "$t/key.pem"
}

make_ssh() {
  local d passphrase
  d=$(hdir d)
  mkdir -p "$d/sshd"
  passphrase=$(openssl rand -hex 12)
  ssh-keygen -q -t ed25519 -N '' -C berth-fleet-d-host -f "$d/sshd/ssh_host_ed25519_key"
  ssh-keygen -q -t ed25519 -N '' -C berth-fleet-client -f "$d/id_ed25519"
  ssh-keygen -q -t ed25519 -N "$passphrase" -C berth-fleet-client-pass -f "$d/id_ed25519_pass"
  printf '%s\n' "$passphrase" >"$d/passphrase"
  chmod 600 "$d/passphrase"
  cat "$d/id_ed25519.pub" "$d/id_ed25519_pass.pub" >"$d/sshd/authorized_keys"
  chmod 644 "$d/sshd/authorized_keys"
  local hostkey
  hostkey=$(cut -d' ' -f1,2 "$d/sshd/ssh_host_ed25519_key.pub")
  printf '%s %s\n' "$D_NS_IP" "$hostkey" >"$d/known_hosts"

  # Our sshd_config, not /etc/ssh/sshd_config: nothing of the machine's sshd
  # is used or changed.
  cat >"$d/sshd/sshd_config" <<EOF
# sshd of Berth test host d (scripts/fleet/fleet.sh); runs in netns berth-d.
ListenAddress $D_NS_IP:22
HostKey $d/sshd/ssh_host_ed25519_key
PidFile $d/sshd/sshd.pid
AuthorizedKeysFile $d/sshd/authorized_keys
# The files live under /tmp (world-writable), which StrictModes rejects.
StrictModes no
AllowUsers $SSH_USER
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
# docker-modem (dockerode) opens a new SSH connection per API request; the
# default MaxStartups 10:30:100 drops connections when tests run in parallel.
MaxStartups 200
MaxSessions 100
# The remote side runs 'docker system dial-stdio'; without this it would dial
# the machine's /var/run/docker.sock instead of host d. PATH pins Debian's
# CLI (same version as the engine) ahead of any other docker on the machine.
SetEnv DOCKER_HOST=unix://$d/docker.sock PATH=/usr/bin:/bin
LogLevel VERBOSE
EOF

  # For the docker CLI (DOCKER_HOST=ssh://...), which runs plain `ssh` and has
  # no option to pass ssh flags: an ssh_config plus a wrapper named ssh that
  # tests put first on PATH. Root's ~/.ssh is left alone.
  cat >"$d/ssh_config" <<EOF
Host $D_NS_IP
  User $SSH_USER
  Port 22
  IdentityFile $d/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $d/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  LogLevel ERROR
EOF
  mkdir -p "$FLEET_DIR/bin"
  cat >"$FLEET_DIR/bin/ssh" <<EOF
#!/bin/sh
# ssh for the Berth test fleet: adds host d's key and known_hosts.
exec /usr/bin/ssh -F $d/ssh_config "\$@"
EOF
  # SSH_ASKPASS helper, for checking the passphrase key without a terminal.
  printf '#!/bin/sh\ncat %s/passphrase\n' "$d" >"$FLEET_DIR/bin/askpass"
  chmod 755 "$FLEET_DIR/bin/ssh" "$FLEET_DIR/bin/askpass"
}

make_registry_config() {
  local r=$FLEET_DIR/registry password
  mkdir -p "$r/data"
  password=$(openssl rand -hex 16)
  printf '%s\n' "$password" >"$r/password"
  chmod 600 "$r/password"
  htpasswd -Bbn "$REGISTRY_USER" "$password" >"$r/htpasswd"
  cat >"$r/config.yml" <<EOF
version: 0.1
log:
  level: info
  fields:
    service: berth-fleet-registry
storage:
  filesystem:
    rootdirectory: $r/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $REGISTRY_ADDR
  secret: $(openssl rand -hex 16)
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: berth-fleet
    path: $r/htpasswd
health:
  storagedriver:
    enabled: false
EOF
}

build_rootfs_tar() {
  local img=$FLEET_DIR/image root
  root=$img/rootfs
  rm -rf "$img"
  mkdir -p "$root"/{bin,etc,root,tmp,proc,sys,dev,var,home}
  chmod 1777 "$root/tmp"
  chmod 700 "$root/root"
  cp /bin/busybox "$root/bin/busybox"
  local a applets=(sh ash sleep echo cat ls env httpd nc ps top id wc head tail grep sed mkdir rm
    touch date hostname printf true false seq yes tee vi kill pwd whoami uname free df du ping
    wget stat find sort uniq cut tr xargs awk)
  for a in "${applets[@]}"; do
    ln -sf busybox "$root/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
  tar -C "$root" --owner=0 --group=0 --numeric-owner -cf "$img/rootfs.tar" .
}

# --------------------------------------------------------------- network ----

setup_netns() {
  local h=$1 ns
  ns=$(netns "$h")
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  case $h in
    c) add_veth "$ns" bf-c-root bf-c-ns "$C_ROOT_IP" "$C_NS_IP" ;;
    d) add_veth "$ns" bf-d-root bf-d-ns "$D_ROOT_IP" "$D_NS_IP" ;;
  esac
}

# A /30 between the root namespace and the host's namespace. No default
# route is added inside: the engines can reach nothing but the root side of
# their own link (and 127.0.0.1 inside the namespace).
add_veth() {
  local ns=$1 root_if=$2 ns_if=$3 root_ip=$4 ns_ip=$5
  ip link add "$root_if" type veth peer name "$ns_if" netns "$ns"
  ip addr add "$root_ip/30" dev "$root_if"
  ip link set "$root_if" up
  ip -n "$ns" addr add "$ns_ip/30" dev "$ns_if"
  ip -n "$ns" link set "$ns_if" up
}

# --------------------------------------------------------------- daemons ----

write_host_config() {
  local h=$1 d
  d=$(hdir "$h")
  mkdir -p "$d/containerd" "$d/data" "$d/exec"
  # Each engine gets its own containerd. dockerd 20.10 would otherwise use
  # the machine's /run/containerd/containerd.sock whenever that exists, and
  # the fleet's containers would mix with the machine's engine.
  cat >"$d/containerd/config.toml" <<EOF
version = 2
root = "$d/containerd/root"
state = "$d/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$d/containerd/containerd.sock"
[ttrpc]
  address = "$d/containerd/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
  # Our own daemon.json: dockerd would otherwise read /etc/docker/daemon.json,
  # and a "hosts" or "data-root" there conflicts with our flags. The key path
  # keeps the engine IDs distinct (default: one shared /etc/docker/key.json,
  # so every engine would report the same ID). "init": the engine's tini runs as
  # each container's first process, so a test container running `sleep` stops on
  # SIGTERM at once instead of after the 10 s grace period.
  cat >"$d/daemon.json" <<EOF
{
  "deprecated-key-path": "$d/key.json",
  "init": true
}
EOF
}

start_containerd() {
  local h=$1 d
  d=$(hdir "$h")
  spawn "$d/containerd.log" "$d/containerd.pid" \
    nsenter --net="$(nspath "$h")" containerd --config "$d/containerd/config.toml"
}

start_dockerd() {
  local h=$1 d group=root
  d=$(hdir "$h")
  getent group docker >/dev/null && group=docker
  local args=(
    --config-file "$d/daemon.json"
    --data-root "$d/data"
    --exec-root "$d/exec"
    --pidfile "$d/dockerd.pid"
    --containerd "$d/containerd/containerd.sock"
    # Own cgroup subtree per engine: no collisions in the shared
    # /sys/fs/cgroup, and `down` finds leftover container processes there.
    --cgroup-parent "/berth-fleet-$h"
    --group "$group"
    -H "unix://$d/docker.sock"
  )
  if [[ $h == c ]]; then
    args+=(-H "tcp://$C_NS_IP:2376" --tlsverify
      --tlscacert "$d/tls-server/ca.pem" --tlscert "$d/tls-server/server-cert.pem"
      --tlskey "$d/tls-server/server-key.pem")
  fi
  # nsenter --net only, not `ip netns exec`: the latter remounts /sys and
  # dockerd then dies with "Devices cgroup isn't mounted". unshare --uts gives
  # the engine its own hostname, so `docker info` Name is berth-a .. berth-d.
  # shellcheck disable=SC2016 # $0/$@ are for the inner sh
  spawn "$d/dockerd.log" "$d/dockerd.launch.pid" \
    nsenter --net="$(nspath "$h")" unshare --uts -- \
    /bin/sh -c 'hostname "$0" && exec dockerd "$@"' "berth-$h" "${args[@]}"
}

start_sshd() {
  local d
  d=$(hdir d)
  # sshd's privilege-separation directory; made by systemd's tmpfiles on a
  # booted system, missing on a fresh container-like CI machine.
  mkdir -p /run/sshd
  chmod 755 /run/sshd
  spawn "$d/sshd/sshd.log" "$d/sshd/sshd.launch.pid" \
    nsenter --net="$(nspath d)" /usr/sbin/sshd -D -f "$d/sshd/sshd_config" -E "$d/sshd/sshd.log"
}

start_registry() {
  local r=$FLEET_DIR/registry
  if port_open 127.0.0.1 5000; then
    die "127.0.0.1:5000 is already taken by another program (ss -ltnp 'sport = :5000')"
  fi
  spawn "$r/registry.log" "$r/registry.pid" docker-registry serve "$r/config.yml"
  # The engines live in other network namespaces, where 127.0.0.1 is their
  # own loopback. Relay: socat in each namespace listens on 127.0.0.1:5000 and
  # forwards to a unix socket (file systems are shared across namespaces),
  # where a socat in the root namespace forwards to the registry.
  spawn "$r/relay.log" "$r/relay.pid" \
    socat UNIX-LISTEN:"$r/relay.sock",fork,unlink-early,mode=600 TCP:"$REGISTRY_ADDR"
}

start_ns_relay() {
  local h=$1 d
  d=$(hdir "$h")
  spawn "$d/relay.log" "$d/relay.pid" \
    nsenter --net="$(nspath "$h")" \
    socat TCP-LISTEN:5000,bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"$FLEET_DIR/registry/relay.sock"
}

wait_engine() {
  local h=$1 d i secs=${2:-60}
  d=$(hdir "$h")
  for ((i = 0; i < secs * 5; i++)); do
    if engine_answers "$h"; then return 0; fi
    if ! pid_alive "$(read_pid "$d/dockerd.launch.pid")"; then
      tail -n 20 "$d/dockerd.log" >&2 || true
      die "dockerd of host $h exited during start (log: $d/dockerd.log)"
    fi
    sleep 0.2
  done
  tail -n 20 "$d/dockerd.log" >&2 || true
  die "dockerd of host $h did not answer within ${secs}s"
}

wait_port() {
  local what=$1 host=$2 port=$3 ns=${4:-} i
  for ((i = 0; i < 100; i++)); do
    if [[ -n $ns ]]; then
      nsenter --net="$ns" timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null && return 0
    else
      port_open "$host" "$port" && return 0
    fi
    sleep 0.1
  done
  die "$what did not listen on $host:$port"
}

# ------------------------------------------------------------------- env ----

write_env() {
  local d tmp
  d=$(hdir d)
  tmp=$ENV_FILE.tmp
  local fp hk_type hk_b64
  fp=$(ssh-keygen -lf "$d/sshd/ssh_host_ed25519_key.pub" | cut -d' ' -f2)
  read -r hk_type hk_b64 _ <"$d/sshd/ssh_host_ed25519_key.pub"
  {
    echo "# Berth test fleet, written by scripts/fleet/fleet.sh up. KEY=VALUE, no quoting needed."
    echo "BERTH_FLEET_DIR=$FLEET_DIR"
    echo "BERTH_FLEET_HOSTS=a,b,c,d"
    echo "BERTH_FLEET_IMAGE=$IMAGE"
    echo "BERTH_FLEET_A_URL=unix://$FLEET_DIR/a/docker.sock"
    echo "BERTH_FLEET_B_URL=unix://$FLEET_DIR/b/docker.sock"
    echo "BERTH_FLEET_C_URL=tcp://$C_NS_IP:2376"
    echo "BERTH_FLEET_C_SOCKET=unix://$FLEET_DIR/c/docker.sock"
    echo "BERTH_FLEET_C_CERT_PATH=$FLEET_DIR/c/tls"
    echo "BERTH_FLEET_C_CA=$FLEET_DIR/c/tls/ca.pem"
    echo "BERTH_FLEET_C_CERT=$FLEET_DIR/c/tls/cert.pem"
    echo "BERTH_FLEET_C_KEY=$FLEET_DIR/c/tls/key.pem"
    echo "BERTH_FLEET_C_CA_KEY=$FLEET_DIR/c/tls-server/ca-key.pem"
    echo "BERTH_FLEET_D_URL=ssh://$SSH_USER@$D_NS_IP:22"
    echo "BERTH_FLEET_D_SOCKET=unix://$FLEET_DIR/d/docker.sock"
    echo "BERTH_FLEET_D_HOST=$D_NS_IP"
    echo "BERTH_FLEET_D_PORT=22"
    echo "BERTH_FLEET_D_USER=$SSH_USER"
    echo "BERTH_FLEET_D_KEY=$d/id_ed25519"
    echo "BERTH_FLEET_D_KEY_PASS=$d/id_ed25519_pass"
    echo "BERTH_FLEET_D_PASSPHRASE=$(<"$d/passphrase")"
    echo "BERTH_FLEET_D_KNOWN_HOSTS=$d/known_hosts"
    echo "BERTH_FLEET_D_HOST_KEY_TYPE=$hk_type"
    echo "BERTH_FLEET_D_HOST_KEY=$hk_b64"
    echo "BERTH_FLEET_D_HOST_KEY_FINGERPRINT=$fp"
    echo "BERTH_FLEET_SSH_CONFIG=$d/ssh_config"
    echo "BERTH_FLEET_BIN=$FLEET_DIR/bin"
    echo "BERTH_FLEET_REGISTRY=$REGISTRY_ADDR"
    echo "BERTH_FLEET_REGISTRY_USER=$REGISTRY_USER"
    echo "BERTH_FLEET_REGISTRY_PASSWORD=$(<"$FLEET_DIR/registry/password")"
    if [[ -S $(hdir "$SWARM_HOST")/docker.sock ]]; then
      echo "BERTH_FLEET_E_URL=unix://$FLEET_DIR/$SWARM_HOST/docker.sock"
      echo "BERTH_FLEET_SWARM_MANAGER=$SWARM_HOST"
      echo "BERTH_FLEET_E_LINK_IP=$E_LINK_IP"
    fi
    if [[ -S $(hdir "$SWARM_WORKER")/docker.sock ]]; then
      echo "BERTH_FLEET_F_URL=unix://$FLEET_DIR/$SWARM_WORKER/docker.sock"
      echo "BERTH_FLEET_SWARM_WORKER=$SWARM_WORKER"
      echo "BERTH_FLEET_F_LINK_IP=$F_LINK_IP"
    fi
    if [[ -s $FLEET_DIR/token-registry/password ]]; then
      echo "BERTH_FLEET_TOKEN_REGISTRY=$TOKEN_REGISTRY_ADDR"
      echo "BERTH_FLEET_TOKEN_REGISTRY_USER=$TOKEN_REGISTRY_USER"
      echo "BERTH_FLEET_TOKEN_REGISTRY_PASSWORD=$(<"$FLEET_DIR/token-registry/password")"
      echo "BERTH_FLEET_TOKEN_REGISTRY_READER=$TOKEN_REGISTRY_READER"
      echo "BERTH_FLEET_TOKEN_REGISTRY_READER_PASSWORD=$(<"$FLEET_DIR/token-registry/reader-password")"
      echo "BERTH_FLEET_TOKEN_SERVICE=$TOKEN_SERVICE_ADDR"
    fi
  } >"$tmp"
  # Every value must stay sourceable by bash and trivially parseable by Node.
  if grep -v '^#' "$tmp" | grep -qvE '^[A-Z0-9_]+=[A-Za-z0-9_./:@,+=-]*$'; then
    die "internal: fleet.env would need quoting"
  fi
  chmod 600 "$tmp"
  mv "$tmp" "$ENV_FILE"
}

# ------------------------------------------------------ token registry ----

# The token registry's state: passwords, the token service's key and users,
# the registry config. Made once; later `up`s keep it (and the passwords).
make_token_registry_config() {
  local r=$FLEET_DIR/token-registry
  mkdir -p "$r/data"
  [[ -s $r/password ]] || openssl rand -hex 16 >"$r/password"
  [[ -s $r/reader-password ]] || openssl rand -hex 16 >"$r/reader-password"
  chmod 600 "$r/password" "$r/reader-password"
  printf '%s:%s:all\n%s:%s:pull\n' "$TOKEN_REGISTRY_USER" "$(<"$r/password")" \
    "$TOKEN_REGISTRY_READER" "$(<"$r/reader-password")" >"$r/users"
  chmod 600 "$r/users"
  if [[ ! -s $r/token-cert.pem ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$r/token-key.pem" -out "$r/token-cert.pem" \
      -days 30 -subj '/CN=berth-fleet token service' 2>/dev/null
  fi
  cat >"$r/config.yml" <<EOF
version: 0.1
log:
  level: info
  fields:
    service: berth-fleet-token-registry
storage:
  filesystem:
    rootdirectory: $r/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $TOKEN_REGISTRY_ADDR
  secret: $(openssl rand -hex 16)
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  token:
    realm: http://$TOKEN_SERVICE_ADDR/token
    service: berth-fleet-token-registry
    issuer: berth-fleet-token-service
    rootcertbundle: $r/token-cert.pem
health:
  storagedriver:
    enabled: false
EOF
}

token_registry_healthy() {
  local r=$FLEET_DIR/token-registry h f
  for f in registry token-service relay token-relay; do
    is_ours "$(read_pid "$r/$f.pid")" || return 1
  done
  for h in "${HOSTS[@]}"; do
    is_ours "$(read_pid "$(hdir "$h")/token-registry-relay.pid")" || return 1
    is_ours "$(read_pid "$(hdir "$h")/token-service-relay.pid")" || return 1
  done
  port_open 127.0.0.1 "${TOKEN_REGISTRY_ADDR##*:}" && port_open 127.0.0.1 "${TOKEN_SERVICE_ADDR##*:}"
}

# Starts the token registry, its token service and their relays into the
# engines' namespaces (as for the password registry) when any of it is not
# running; touches nothing else of a running fleet.
ensure_token_registry() {
  local r=$FLEET_DIR/token-registry h d node p
  token_registry_healthy && return 0
  node=$(command -v node) || die "node is needed for the token service"
  # Whatever part of it still runs is stopped, so that it starts whole.
  local pids=()
  for p in "$r"/*.pid "$FLEET_DIR"/?/token-*-relay.pid; do
    [[ -e $p ]] || continue
    p=$(read_pid "$p")
    if is_ours "$p"; then pids+=("$p"); fi
  done
  ((${#pids[@]} == 0)) || stop_pids 5 "${pids[@]}"
  for p in "${TOKEN_REGISTRY_ADDR##*:}" "${TOKEN_SERVICE_ADDR##*:}"; do
    if port_open 127.0.0.1 "$p"; then
      die "127.0.0.1:$p is already taken by another program (ss -ltnp 'sport = :$p')"
    fi
  done
  make_token_registry_config
  spawn "$r/token-service.log" "$r/token-service.pid" "$node" "$TOKEN_SERVICE_SCRIPT" \
    "$TOKEN_SERVICE_ADDR" "$r/users" "$r/token-key.pem" "$r/token-cert.pem" \
    berth-fleet-token-service berth-fleet-token-registry
  spawn "$r/registry.log" "$r/registry.pid" docker-registry serve "$r/config.yml"
  spawn "$r/relay.log" "$r/relay.pid" \
    socat UNIX-LISTEN:"$r/relay.sock",fork,unlink-early,mode=600 TCP:"$TOKEN_REGISTRY_ADDR"
  spawn "$r/token-relay.log" "$r/token-relay.pid" \
    socat UNIX-LISTEN:"$r/token-relay.sock",fork,unlink-early,mode=600 TCP:"$TOKEN_SERVICE_ADDR"
  for h in "${HOSTS[@]}"; do
    d=$(hdir "$h")
    spawn "$d/token-registry-relay.log" "$d/token-registry-relay.pid" \
      nsenter --net="$(nspath "$h")" \
      socat TCP-LISTEN:"${TOKEN_REGISTRY_ADDR##*:}",bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"$r/relay.sock"
    spawn "$d/token-service-relay.log" "$d/token-service-relay.pid" \
      nsenter --net="$(nspath "$h")" \
      socat TCP-LISTEN:"${TOKEN_SERVICE_ADDR##*:}",bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"$r/token-relay.sock"
  done
  wait_port "token service" 127.0.0.1 "${TOKEN_SERVICE_ADDR##*:}"
  wait_port "token registry" 127.0.0.1 "${TOKEN_REGISTRY_ADDR##*:}"
  wait_port "token registry relay in berth-a" 127.0.0.1 "${TOKEN_REGISTRY_ADDR##*:}" "$(nspath a)"
  wait_port "token service relay in berth-a" 127.0.0.1 "${TOKEN_SERVICE_ADDR##*:}" "$(nspath a)"
  log "token registry up on $TOKEN_REGISTRY_ADDR (token service $TOKEN_SERVICE_ADDR)"
}

# -------------------------------------------------------------------- up ----

fleet_healthy() {
  [[ -s $ENV_FILE ]] || return 1
  local h
  for h in "${HOSTS[@]}"; do
    [[ -e $(nspath "$h") ]] || return 1
    is_ours "$(read_pid "$(hdir "$h")/relay.pid")" || return 1
    engine_answers "$h" || return 1
    dk "$h" image inspect "$IMAGE" >/dev/null 2>&1 || return 1
  done
  is_ours "$(read_pid "$FLEET_DIR/registry/registry.pid")" || return 1
  is_ours "$(read_pid "$FLEET_DIR/registry/relay.pid")" || return 1
  is_ours "$(read_pid "$(hdir d)/sshd/sshd.launch.pid")" || return 1
  port_open 127.0.0.1 5000 || return 1
}

swarm_host_healthy() {
  [[ -e $(nspath "$SWARM_HOST") ]] || return 1
  engine_answers "$SWARM_HOST" || return 1
  dk "$SWARM_HOST" image inspect "$IMAGE" >/dev/null 2>&1 || return 1
  [[ $(dk "$SWARM_HOST" info --format '{{.Swarm.ControlAvailable}} {{.Swarm.NodeAddr}}' 2>/dev/null) == "true $E_LINK_IP" ]]
}

swarm_worker_healthy() {
  [[ -e $(nspath "$SWARM_WORKER") ]] || return 1
  engine_answers "$SWARM_WORKER" || return 1
  dk "$SWARM_WORKER" image inspect "$IMAGE" >/dev/null 2>&1 || return 1
  local node
  node=$(dk "$SWARM_WORKER" info --format '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{range .Swarm.RemoteManagers}}{{.Addr}}{{end}} {{.Swarm.NodeID}}' 2>/dev/null)
  [[ $node == "active false $E_LINK_IP:2377 "* ]] || return 1
  # A member of e's swarm of now, not of one e left.
  dk "$SWARM_HOST" node inspect "${node##* }" >/dev/null 2>&1
}

# Starts an engine like the others (own namespace, own containerd) unless it
# answers already; what is left of an earlier start is stopped first and its
# data reused. A running engine is never restarted.
ensure_engine() {
  local h=$1 d p pids=()
  d=$(hdir "$h")
  if ! { is_ours "$(read_pid "$d/dockerd.launch.pid")" && engine_answers "$h"; }; then
    for p in "$d/dockerd.launch.pid" "$d/containerd.pid"; do
      p=$(read_pid "$p")
      if is_ours "$p"; then pids+=("$p"); fi
    done
    ((${#pids[@]} == 0)) || stop_pids 10 "${pids[@]}"
    mkdir -p "$d"
    [[ -e $(nspath "$h") ]] || setup_netns "$h"
    write_host_config "$h"
    start_containerd "$h"
    start_dockerd "$h"
    wait_engine "$h"
  fi
  if ! dk "$h" image inspect "$IMAGE" >/dev/null 2>&1; then
    dk "$h" load -q -i "$FLEET_DIR/image/image.tar" >/dev/null
  fi
}

# The veth pair between the namespaces of e and f, made once both exist.
ensure_swarm_link() {
  local e f
  e=$(netns "$SWARM_HOST")
  f=$(netns "$SWARM_WORKER")
  [[ -e $(nspath "$SWARM_HOST") ]] || setup_netns "$SWARM_HOST"
  [[ -e $(nspath "$SWARM_WORKER") ]] || setup_netns "$SWARM_WORKER"
  if ! ip -n "$e" link show bf-ef-e >/dev/null 2>&1; then
    # A half-made pair (one end left in the root namespace) goes first.
    ip link del bf-ef-e 2>/dev/null || true
    ip -n "$f" link del bf-ef-f 2>/dev/null || true
    ip link add bf-ef-e netns "$e" type veth peer name bf-ef-f netns "$f"
  fi
  ip -n "$e" addr replace "$E_LINK_IP/30" dev bf-ef-e
  ip -n "$f" addr replace "$F_LINK_IP/30" dev bf-ef-f
  ip -n "$e" link set bf-ef-e up
  ip -n "$f" link set bf-ef-f up
}

# Host e: the manager of a swarm advertised on its end of the swarm link. A
# swarm advertised elsewhere (an older fleet's 127.0.0.1) is made anew: the
# engine cannot move a swarm to another address.
ensure_swarm_host() {
  local h=$SWARM_HOST state
  swarm_host_healthy && return 0
  ensure_engine "$h"
  ensure_swarm_link
  state=$(dk "$h" info --format '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.NodeAddr}}')
  if [[ $state != "active true $E_LINK_IP" ]]; then
    if [[ $state == active* ]]; then dk "$h" swarm leave --force >/dev/null; fi
    dk "$h" swarm init --advertise-addr "$E_LINK_IP" --listen-addr "$E_LINK_IP:2377" >/dev/null
  fi
  log "host $h up as a swarm manager on $E_LINK_IP"
}

# Host f: an engine in its own namespace, joined to e's swarm as a worker
# over the swarm link.
ensure_swarm_worker() {
  local h=$SWARM_WORKER token state
  swarm_worker_healthy && return 0
  ensure_swarm_link
  ensure_engine "$h"
  state=$(dk "$h" info --format '{{.Swarm.LocalNodeState}}')
  if [[ $state != inactive ]]; then dk "$h" swarm leave --force >/dev/null 2>&1 || true; fi
  # A node of this name that an earlier join left behind is down now; drop it.
  local old
  for old in $(dk "$SWARM_HOST" node ls --filter "name=berth-$h" --format '{{.ID}} {{.Status}}' |
    awk '$2 != "Ready" {print $1}'); do
    dk "$SWARM_HOST" node rm --force "$old" >/dev/null 2>&1 || true
  done
  token=$(dk "$SWARM_HOST" swarm join-token -q worker)
  dk "$h" swarm join --token "$token" --advertise-addr "$F_LINK_IP" --listen-addr "$F_LINK_IP:2377" \
    "$E_LINK_IP:2377" >/dev/null
  log "host $h joined the swarm of $SWARM_HOST as a worker on $F_LINK_IP"
}

cmd_up() {
  require_root
  check_fleet_dir
  take_lock
  if fleet_healthy; then
    # Parts added to the fleet later start on their own, beside what runs.
    if ! token_registry_healthy; then
      ensure_token_registry
      write_env
    fi
    if ! swarm_host_healthy || ! swarm_worker_healthy; then
      ensure_swarm_host
      ensure_swarm_worker
      write_env
    fi
    log "fleet already up and healthy"
    echo "$ENV_FILE"
    return 0
  fi
  local t0=$SECONDS h other
  other=$(cat "$ACTIVE_FILE" 2>/dev/null || true)
  if [[ -n $other && $other != "$FLEET_DIR" && -e $other/.berth-fleet ]]; then
    die "a fleet in $other is up; stop it first: BERTH_FLEET_DIR=$other $0 down"
  fi
  ensure_packages
  ensure_ssh_user
  # A crashed or half-started run leaves processes, namespaces and mounts:
  # start from nothing every time the fleet is not fully healthy.
  do_down quiet

  mkdir -p "$FLEET_DIR"
  : >"$MARKER"
  printf '%s\n' "$FLEET_DIR" >"$ACTIVE_FILE"
  chmod 755 "$FLEET_DIR"
  for h in "${HOSTS[@]}"; do
    mkdir -p "$(hdir "$h")"
    setup_netns "$h"
    write_host_config "$h"
  done
  make_tls
  make_ssh
  make_registry_config
  mkdir -p "$FLEET_DIR/docker-config"

  # Start everything at once; dockerd waits for its containerd by itself.
  for h in "${HOSTS[@]}"; do
    start_containerd "$h"
    start_dockerd "$h"
  done
  start_registry
  for h in "${HOSTS[@]}"; do start_ns_relay "$h"; done
  start_sshd
  build_rootfs_tar

  wait_engine a
  log "host a up; importing $IMAGE"
  dk a import --change 'CMD ["sh"]' "$FLEET_DIR/image/rootfs.tar" "$IMAGE" >/dev/null
  # save|load (not one import per engine) gives the image the same ID on
  # every engine.
  dk a save -o "$FLEET_DIR/image/image.tar" "$IMAGE"
  local pids=() rc=0
  for h in b c d; do
    (wait_engine "$h" && dk "$h" load -q -i "$FLEET_DIR/image/image.tar" >/dev/null) &
    pids+=("$!")
  done
  for h in "${pids[@]}"; do wait "$h" || rc=1; done
  ((rc == 0)) || die "loading the image failed"

  # TLS endpoint of host c, seen from the root namespace.
  timeout 20 "$DOCKER" --tlsverify --tlscacert "$(hdir c)/tls/ca.pem" --tlscert "$(hdir c)/tls/cert.pem" \
    --tlskey "$(hdir c)/tls/key.pem" -H "tcp://$C_NS_IP:2376" version >/dev/null ||
    die "host c does not answer over TLS on $C_NS_IP:2376"
  wait_port registry 127.0.0.1 5000
  wait_port "registry relay in berth-a" 127.0.0.1 5000 "$(nspath a)"
  wait_port sshd "$D_NS_IP" 22
  ensure_token_registry
  ensure_swarm_host
  ensure_swarm_worker
  # sshd -D also writes its PidFile; keep the launch pid as the reference.
  write_env
  log "fleet up in $((SECONDS - t0))s"
  echo "$ENV_FILE"
}

# ------------------------------------------------------------------ down ----

# Processes started by the fleet that a pidfile may no longer name (children
# of socat/sshd, shims, a crashed run's leftovers): everything in our network
# namespaces, everything in our cgroups, and the few root-namespace programs
# we start whose command line names FLEET_DIR.
leftover_pids() {
  local h p exe
  for h in "${ALL_HOSTS[@]}"; do engine_pids "$h"; done
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    exe=$(readlink "/proc/$p/exe" 2>/dev/null) || continue
    case ${exe##*/} in
      dockerd | containerd | containerd-shim* | socat | sshd | docker-registry | docker-proxy | node)
        is_ours "$p" && echo "$p" ;;
    esac
  done
}

# Every process in one engine's network namespace and cgroup subtree: its
# containerd, dockerd, shims and containers.
engine_pids() {
  local h=$1 f
  if [[ -e $(nspath "$h") ]]; then ip netns pids "$(netns "$h")" 2>/dev/null || true; fi
  for f in /sys/fs/cgroup/berth-fleet-"$h" /sys/fs/cgroup/*/berth-fleet-"$h"; do
    [[ -d $f ]] || continue
    find "$f" -name cgroup.procs -exec cat {} + 2>/dev/null || true
  done
}

# Socket files in /run/containerd/s of the running shims of the engines named
# (see step 6 of do_down), read from the shims' command lines while they run.
shim_sockets() {
  local h p args i ns id addr
  for h in "$@"; do
    [[ -e $(nspath "$h") ]] || continue
    for p in $(ip netns pids "$(netns "$h")" 2>/dev/null); do
      [[ $(readlink "/proc/$p/exe" 2>/dev/null) == */containerd-shim* ]] || continue
      mapfile -d '' -t args <"/proc/$p/cmdline" 2>/dev/null || continue
      ns='' id='' addr=''
      for ((i = 0; i < ${#args[@]} - 1; i++)); do
        case ${args[i]} in
          -namespace) ns=${args[i + 1]} ;;
          -id) id=${args[i + 1]} ;;
          -address) addr=${args[i + 1]} ;;
        esac
      done
      [[ -n $ns && -n $id && $addr == "$FLEET_DIR"/* ]] || continue
      printf '/run/containerd/s/%s\n' "$(printf '%s' "$addr/$ns/$id" | sha256sum | cut -d' ' -f1)"
    done
  done
}

# The shim sockets of every container one engine knows (see step 6 of do_down).
remove_container_sockets() {
  local h=$1 id sock
  sock=$(hdir "$h")/containerd/containerd.sock
  for id in "$(hdir "$h")"/data/containers/*/; do
    [[ -d $id ]] || continue
    id=$(basename "$id")
    rm -f "/run/containerd/s/$(printf '%s' "$sock/moby/$id" | sha256sum | cut -d' ' -f1)"
  done
}

do_down() {
  local quiet=${1:-} h p i
  local shim_socks=()
  # 0. Benchmark engines, if any were left (they live under FLEET_DIR too).
  local benches=()
  mapfile -t benches < <(bench_hosts)
  if ((${#benches[@]})); then teardown_bench "${benches[@]}"; fi
  mapfile -t shim_socks < <(shim_sockets "${ALL_HOSTS[@]}")
  # 1. Kill, do not stop: everything is thrown away anyway, and a graceful
  # dockerd shutdown waits up to 10 s (each container's stop timeout) for
  # every test container whose PID 1 ignores SIGTERM, e.g. `sleep`.
  local pids=()
  for h in "${ALL_HOSTS[@]}"; do
    for p in "$(hdir "$h")"/dockerd.launch.pid "$(hdir "$h")"/containerd.pid; do
      p=$(read_pid "$p")
      if is_ours "$p"; then pids+=("$p"); fi
    done
  done
  local killed=("${pids[@]}")
  if ((${#pids[@]})); then
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  # 2. Everything else we started, and whatever a crash left behind: shims,
  # containers, sshd, socat, registry.
  for i in 1 2 3 4 5; do
    mapfile -t pids < <(leftover_pids | sort -un | grep -vx "$$" || true)
    ((${#pids[@]})) || break
    killed+=("${pids[@]}")
    kill -KILL "${pids[@]}" 2>/dev/null || true
    sleep 0.2
  done
  # Wait (briefly) until they are reaped too, so that a `pgrep dockerd` right
  # after `down` shows nothing. Our daemons are orphans: init reaps them.
  for ((i = 0; i < 30; i++)); do
    local alive=0
    for p in "${killed[@]}"; do [[ -e /proc/$p ]] && alive=1 && break; done
    ((alive)) || break
    sleep 0.1
  done
  # 3. Mounts under FLEET_DIR (overlay, shm, netns bind mounts of the engines),
  # deepest first, so rm -rf cannot reach through them.
  local m
  if [[ -d $FLEET_DIR ]]; then
    while read -r m; do
      umount -l "$m" 2>/dev/null || true
    done < <(findmnt -rn -o TARGET | awk -v p="$FLEET_DIR/" 'index($0, p) == 1' | sort -r)
  fi
  # 4. Network: deleting a namespace deletes its veth end and so the pair.
  for h in "${ALL_HOSTS[@]}"; do
    if [[ -e $(nspath "$h") ]]; then ip netns del "$(netns "$h")" || true; fi
  done
  for m in bf-c-root bf-d-root; do
    if ip link show "$m" >/dev/null 2>&1; then ip link del "$m" || true; fi
  done
  # 5. Our cgroup subtrees (rmdir works on empty cgroups only; deepest first).
  for h in "${ALL_HOSTS[@]}"; do
    for m in /sys/fs/cgroup/berth-fleet-"$h" /sys/fs/cgroup/*/berth-fleet-"$h"; do
      if [[ -d $m ]]; then find "$m" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
    done
  done
  # 6. containerd 1.6 shims keep their sockets in the fixed /run/containerd/s,
  # named sha256("<containerd address>/<namespace>/<id>"); a killed shim
  # leaves its socket there. Remove exactly ours: from the shims seen before
  # the kill, and from the engines' container list (dockerd's namespace is
  # "moby"); then the directories if that left them empty.
  for h in "${ALL_HOSTS[@]}"; do remove_container_sockets "$h"; done
  if ((${#shim_socks[@]})); then rm -f "${shim_socks[@]}"; fi
  rmdir /run/containerd/s /run/containerd 2>/dev/null || true
  # dockerd makes /run/docker/plugins (plugin discovery) even with another
  # exec-root. Drop it if empty, unless the machine's own engine is there.
  if [[ ! -e /var/run/docker.sock ]]; then rmdir /run/docker/plugins /run/docker 2>/dev/null || true; fi
  # 7. Runtime state.
  if [[ -d $FLEET_DIR ]]; then
    if looks_ours; then
      rm -rf "$FLEET_DIR"
    else
      log "not removing $FLEET_DIR: not made by fleet.sh"
    fi
  fi
  if [[ $(cat "$ACTIVE_FILE" 2>/dev/null || true) == "$FLEET_DIR" ]]; then rm -f "$ACTIVE_FILE"; fi
  [[ -n $quiet ]] || log "fleet down"
}

cmd_down() {
  require_root
  check_fleet_dir
  # The namespaces are machine-wide: a fleet started with another
  # BERTH_FLEET_DIR is taken down too, through its own directory.
  local other
  other=$(cat "$ACTIVE_FILE" 2>/dev/null || true)
  if [[ -n $other && $other != "$FLEET_DIR" && -e $other/.berth-fleet ]]; then
    log "the running fleet uses $other; taking it down"
    BERTH_FLEET_DIR=$other "$0" down
  fi
  take_lock
  do_down
}

# ------------------------------------------------------------ host ops ----

cmd_stop_host() {
  local h=${1:-} mode=${2:-}
  valid_host "$h"
  [[ -z $mode || $mode == --kill ]] || usage
  require_root
  take_lock
  local d p
  d=$(hdir "$h")
  p=$(read_pid "$d/dockerd.launch.pid")
  if ! is_ours "$p"; then
    log "host $h: dockerd was not running"
  elif [[ $mode == --kill ]]; then
    # A crash: containers keep running under containerd until dockerd is
    # back (without live-restore it then stops them and applies restart
    # policies).
    kill -KILL "$p"
    while pid_alive "$p"; do sleep 0.1; done
    log "host $h: dockerd killed (data kept in $d/data)"
  else
    # Like `systemctl stop docker`: dockerd stops its containers first, each
    # with its stop timeout (10 s unless `docker run --stop-timeout`), so this
    # takes that long when a container ignores SIGTERM. dockerd itself gives
    # up after the longest timeout + 5 s; 30 s is past that.
    stop_pids 30 "$p"
    log "host $h: dockerd stopped (data kept in $d/data)"
  fi
}

cmd_start_host() {
  local h=${1:-}
  valid_host "$h"
  require_root
  take_lock
  local d
  d=$(hdir "$h")
  [[ -e $(nspath "$h") && -e $MARKER ]] || die "the fleet is not up (run: fleet.sh up)"
  if is_ours "$(read_pid "$d/dockerd.launch.pid")" && engine_answers "$h"; then
    log "host $h: already running"
    return 0
  fi
  if ! is_ours "$(read_pid "$d/containerd.pid")"; then start_containerd "$h"; fi
  # dockerd refuses to start while its pidfile names a live process; after a
  # clean stop the file is gone, after a kill -9 it is stale.
  rm -f "$d/dockerd.pid"
  start_dockerd "$h"
  wait_engine "$h"
  log "host $h: dockerd answers again"
}

# ------------------------------------------------------- bench engines ----

# Extra plain engines for benchmarks (bench/fleet-list): bench-01 .. bench-NN,
# each set up like host a (own network namespace with only lo, own
# containerd, data-root, exec-root and unix socket under FLEET_DIR). The tests
# never use them: `up` does not start them, `down` removes them.
readonly BENCH_MAX=20

bench_name() { printf 'bench-%02d' "$1"; }

# The benchmark engines that exist now (a directory or a namespace is left).
bench_hosts() {
  local e
  for e in "$FLEET_DIR"/bench-[0-9][0-9] /var/run/netns/berth-bench-[0-9][0-9]; do
    [[ -e $e ]] || continue
    e=${e##*/}
    printf '%s\n' "${e#berth-}"
  done | sort -u
}

# Kills benchmark engines and removes everything they left: processes in
# their namespaces and cgroups, mounts, namespaces, cgroups, shim sockets and
# their directories. The steps of do_down, for these engines only.
teardown_bench() {
  local h d p i m socks=() pids=()
  mapfile -t socks < <(shim_sockets "$@")
  for h in "$@"; do
    [[ $h =~ ^bench-[0-9][0-9]$ ]] || die "internal: $h is not a benchmark engine"
    for p in "$(hdir "$h")"/dockerd.launch.pid "$(hdir "$h")"/containerd.pid; do
      p=$(read_pid "$p")
      if is_ours "$p"; then kill -KILL "$p" 2>/dev/null || true; fi
    done
  done
  for i in 1 2 3 4 5; do
    mapfile -t pids < <(for h in "$@"; do engine_pids "$h"; done | sort -un | grep -vx "$$" || true)
    ((${#pids[@]})) || break
    kill -KILL "${pids[@]}" 2>/dev/null || true
    sleep 0.2
  done
  for h in "$@"; do
    d=$(hdir "$h")
    if [[ -d $d ]]; then
      while read -r m; do
        umount -l "$m" 2>/dev/null || true
      done < <(findmnt -rn -o TARGET | awk -v p="$d/" 'index($0, p) == 1' | sort -r)
    fi
    if [[ -e $(nspath "$h") ]]; then ip netns del "$(netns "$h")" || true; fi
    for m in /sys/fs/cgroup/berth-fleet-"$h" /sys/fs/cgroup/*/berth-fleet-"$h"; do
      if [[ -d $m ]]; then find "$m" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
    done
    remove_container_sockets "$h"
    rm -rf "$d"
  done
  if ((${#socks[@]})); then rm -f "${socks[@]}"; fi
  rmdir /run/containerd/s /run/containerd 2>/dev/null || true
}

cmd_bench_up() {
  local n=${1:-} i h p
  [[ $n =~ ^[0-9]+$ ]] && ((n >= 1 && n <= BENCH_MAX)) ||
    die "bench-up takes a number of engines from 1 to $BENCH_MAX"
  require_root
  check_fleet_dir
  take_lock
  [[ -e $MARKER && -s $FLEET_DIR/image/image.tar ]] || die "the fleet is not up (run: fleet.sh up)"
  local started=()
  for ((i = 1; i <= n; i++)); do
    h=$(bench_name "$i")
    if is_ours "$(read_pid "$(hdir "$h")/dockerd.launch.pid")" && engine_answers "$h"; then continue; fi
    # Whatever a killed run left of this engine goes first.
    teardown_bench "$h"
    mkdir -p "$(hdir "$h")"
    setup_netns "$h"
    write_host_config "$h"
    start_containerd "$h"
    start_dockerd "$h"
    started+=("$h")
  done
  local pids=() rc=0
  for h in "${started[@]}"; do
    (wait_engine "$h" 120 && dk "$h" load -q -i "$FLEET_DIR/image/image.tar" >/dev/null) &
    pids+=("$!")
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  ((rc == 0)) || die "starting the benchmark engines failed"
  log "${#started[@]} benchmark engines started, $((n - ${#started[@]})) already running"
  for ((i = 1; i <= n; i++)); do printf 'unix://%s/docker.sock\n' "$(hdir "$(bench_name "$i")")"; done
}

cmd_bench_down() {
  require_root
  check_fleet_dir
  take_lock
  local benches=()
  mapfile -t benches < <(bench_hosts)
  if ((${#benches[@]})); then teardown_bench "${benches[@]}"; fi
  log "${#benches[@]} benchmark engines removed"
}

# -------------------------------------------------------------- status ----

cmd_status() {
  local h d p state info
  for h in "${HOSTS[@]}"; do
    d=$(hdir "$h")
    if [[ -e $(nspath "$h") ]]; then state=present; else state=absent; fi
    printf '%-22s %s\n' "netns berth-$h" "$state"
    p=$(read_pid "$d/containerd.pid")
    if is_ours "$p"; then state="running pid $p"; else state=stopped; fi
    printf '%-22s %s\n' "containerd $h" "$state"
    p=$(read_pid "$d/dockerd.launch.pid")
    if is_ours "$p"; then
      if info=$(timeout 10 "$DOCKER" -H "unix://$d/docker.sock" info \
        --format '{{.ServerVersion}} {{.Driver}} {{.Name}} containers={{.Containers}}' 2>/dev/null); then
        state="running pid $p, answers: $info"
      else
        state="running pid $p, NOT answering"
      fi
    else
      state=stopped
    fi
    printf '%-22s %s\n' "dockerd $h" "$state"
    p=$(read_pid "$d/relay.pid")
    if is_ours "$p"; then state="running pid $p"; else state=stopped; fi
    printf '%-22s %s\n' "registry relay $h" "$state"
  done
  for h in "$SWARM_HOST" "$SWARM_WORKER"; do
    d=$(hdir "$h")
    if [[ -e $(nspath "$h") ]]; then state=present; else state=absent; fi
    printf '%-22s %s\n' "netns berth-$h" "$state"
    p=$(read_pid "$d/dockerd.launch.pid")
    if is_ours "$p"; then
      if info=$(timeout 10 "$DOCKER" -H "unix://$d/docker.sock" info \
        --format '{{.ServerVersion}} {{.Name}} swarm={{.Swarm.LocalNodeState}} manager={{.Swarm.ControlAvailable}} addr={{.Swarm.NodeAddr}}' 2>/dev/null); then
        state="running pid $p, answers: $info"
      else
        state="running pid $p, NOT answering"
      fi
    else
      state=stopped
    fi
    printf '%-22s %s\n' "dockerd $h" "$state"
  done
  p=$(read_pid "$(hdir d)/sshd/sshd.launch.pid")
  if is_ours "$p"; then state="running pid $p on $D_NS_IP:22"; else state=stopped; fi
  printf '%-22s %s\n' "sshd d" "$state"
  p=$(read_pid "$FLEET_DIR/registry/registry.pid")
  if is_ours "$p"; then state="running pid $p on $REGISTRY_ADDR"; else state=stopped; fi
  printf '%-22s %s\n' registry "$state"
  p=$(read_pid "$FLEET_DIR/registry/relay.pid")
  if is_ours "$p"; then state="running pid $p"; else state=stopped; fi
  printf '%-22s %s\n' "registry relay root" "$state"
  if [[ -s $ENV_FILE ]]; then state=$ENV_FILE; else state=absent; fi
  printf '%-22s %s\n' "env file" "$state"
}

# --------------------------------------------------------------- check ----

cmd_check() {
  require_root
  [[ -s $ENV_FILE ]] || die "the fleet is not up (run: fleet.sh up)"
  # shellcheck source=/dev/null
  source "$ENV_FILE"
  local h ids=() out
  for h in "${HOSTS[@]}"; do
    out=$(dk "$h" info --format '{{.ID}} {{.Name}} {{.Driver}}')
    log "engine $h: $out"
    ids+=("${out%% *}")
    [[ $(dk "$h" run --rm "$IMAGE" whoami) == root ]] || die "whoami on $h"
    [[ $(dk "$h" run --rm --user nobody "$IMAGE" whoami) == nobody ]] || die "--user nobody on $h"
  done
  [[ $(printf '%s\n' "${ids[@]}" | sort -u | wc -l) == 4 ]] || die "engine IDs are not distinct"

  out=$(DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$BERTH_FLEET_C_CERT_PATH DOCKER_HOST=$BERTH_FLEET_C_URL \
    "$DOCKER" info --format '{{.Name}}')
  [[ $out == berth-c ]] || die "TLS to host c reached '$out'"
  log "TLS to host c: ok"
  if "$DOCKER" -H "$BERTH_FLEET_C_URL" --tls version >/dev/null 2>&1; then
    die "host c accepted a client without certificate"
  fi
  log "TLS to host c without client certificate: refused (ok)"

  out=$(ssh -i "$BERTH_FLEET_D_KEY" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
    -o LogLevel=ERROR "$BERTH_FLEET_D_USER@$BERTH_FLEET_D_HOST" docker info --format '{{.Name}}')
  [[ $out == berth-d ]] || die "ssh docker info reached '$out'"
  log "ssh -i key ... docker info: ok ($out)"
  out=$(SSH_ASKPASS_REQUIRE=force SSH_ASKPASS=$FLEET_DIR/bin/askpass DISPLAY=:0 \
    ssh -F "$BERTH_FLEET_SSH_CONFIG" -o IdentityFile="$BERTH_FLEET_D_KEY_PASS" -o BatchMode=no \
    "$BERTH_FLEET_D_HOST" docker info --format '{{.Name}}' </dev/null) || die "ssh with passphrase key failed"
  [[ $out == berth-d ]] || die "ssh with passphrase key reached '$out'"
  log "ssh with the passphrase key: ok"
  out=$(PATH=$BERTH_FLEET_BIN:$PATH DOCKER_HOST=ssh://$BERTH_FLEET_D_USER@$BERTH_FLEET_D_HOST \
    "$DOCKER" info --format '{{.Name}}')
  [[ $out == berth-d ]] || die "DOCKER_HOST=ssh:// reached '$out'"
  log "DOCKER_HOST=ssh://... docker info: ok ($out)"

  local ref=$REGISTRY_ADDR/fleet-check/busybox:check
  if dk a push "$ref" >/dev/null 2>&1; then die "registry accepted a push without login"; fi
  dk a login -u "$BERTH_FLEET_REGISTRY_USER" --password-stdin "$REGISTRY_ADDR" \
    <<<"$BERTH_FLEET_REGISTRY_PASSWORD" >/dev/null 2>&1
  dk a tag "$IMAGE" "$ref"
  dk a push "$ref" >/dev/null
  for h in b c d; do
    dk "$h" login -u "$BERTH_FLEET_REGISTRY_USER" --password-stdin "$REGISTRY_ADDR" \
      <<<"$BERTH_FLEET_REGISTRY_PASSWORD" >/dev/null 2>&1
    dk "$h" pull "$ref" >/dev/null
    dk "$h" rmi "$ref" >/dev/null
  done
  dk a rmi "$ref" >/dev/null
  for h in "${HOSTS[@]}"; do dk "$h" logout "$REGISTRY_ADDR" >/dev/null; done
  log "registry: push from a, pull on b, c, d: ok (left $REGISTRY_ADDR/fleet-check/busybox in the registry)"
  log "all checks passed"
}

# ---------------------------------------------------------------- main ----

main() {
  local cmd=${1:-}
  shift || true
  case $cmd in
    up) cmd_up ;;
    down) cmd_down ;;
    restart) cmd_down && cmd_up ;;
    status) cmd_status ;;
    check) cmd_check ;;
    stop-host) cmd_stop_host "$@" ;;
    start-host) cmd_start_host "$@" ;;
    bench-up) cmd_bench_up "$@" ;;
    bench-down) cmd_bench_down ;;
    *) usage ;;
  esac
}

main "$@"
