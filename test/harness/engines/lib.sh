# Sourced by start-engines.sh, stop-engines.sh and verify-engines.sh: where every test
# engine lives, and small helpers. Cached state (data roots, keys, the sid chroot, logs)
# is under $E; runtime state (sockets, pid files, exec roots) under $RUNDIR.
# shellcheck shell=bash

CACHE_ROOT="${STRATA_CACHE:-$HOME/.cache/strata}"
E="$CACHE_ROOT/engines"
RUNDIR=/run/strata-engines
LOGS="$E/logs"
JSON="$E/engines.json"
LOCK="$E/.lock"

# What start-engines.sh can start, in order (names given on its command line).
ALL_UNITS=(host second sshd podman docker28 docker28-containerd)

# `second`: Docker Engine 20.10 (the host's dockerd binary), unix socket + TLS on TCP.
SECOND_SOCK="$RUNDIR/second.sock"
SECOND_PID="$RUNDIR/second.pid"
SECOND_EXEC="$RUNDIR/second"
SECOND_DATA="$E/second/data"
SECOND_BRIDGE=strata1
SECOND_BRIDGE_ADDR=10.213.0.1/24
TLS_PORT=23760
# The same engine on another loopback address: VS Code's proxy support treats only
# "localhost" and 127.0.0.1 as local, so requests here are handled as to a remote engine.
TLS_REMOTE_HOST=127.0.0.2
TLS="$E/tls"                # regenerated on every start of `second`
TLS_CLIENT="$TLS/client"    # ca.pem cert.pem key.pem: a DOCKER_CERT_PATH
TLS_SERVER="$TLS/server"
TLS_WRONG="$TLS/wrong-ca"   # an unrelated CA (ca.pem) and a client cert it signed

# `sshd`: OpenSSH on 127.0.0.1:2222; sessions get DOCKER_HOST=unix://$SECOND_SOCK.
SSH_PORT=2222
SSH_DIR="$E/ssh"
SSH_BIN="$SSH_DIR/bin"               # holds the `ssh` wrapper; tests put it first on PATH
SSH_CONFIG="$SSH_DIR/ssh_config"
SSH_KNOWN_HOSTS="$SSH_DIR/known_hosts"
SSH_IDENTITY="$SSH_DIR/id_ed25519"
SSH_HOST_KEY="$SSH_DIR/ssh_host_ed25519_key"
SSH_HOST_ALIAS=strata-test-sshd
# A Host alias in the test ssh config (HostName 127.0.0.1, Port, User), as users name their machines.
SSH_ALIAS=strata-engine
SSHD_CONFIG="$SSH_DIR/sshd_config"
SSHD_PID="$RUNDIR/sshd.pid"

# `podman`: Podman's API service (Docker-compatible) on a unix socket.
PODMAN_SOCK="$RUNDIR/podman.sock"
PODMAN_PID="$RUNDIR/podman.pid"
PODMAN_DIR="$E/podman"
PODMAN_RUN="$RUNDIR/podman"
PODMAN_ENV=(CONTAINERS_CONF="$PODMAN_DIR/containers.conf" CONTAINERS_STORAGE_CONF="$PODMAN_DIR/storage.conf"
  CONTAINERS_REGISTRIES_CONF="$PODMAN_DIR/registries.conf")

# `docker28`, `docker28-containerd`: Debian sid's docker.io 28 in one debootstrap chroot.
CHROOT="$E/sid-chroot"
CHROOT_DONE="$E/sid-chroot.complete"
DOCKER28_CONFIG="$E/docker28-config"   # a DOCKER_CONFIG whose cli-plugins has the chroot's buildx
DEBIAN_MIRROR="${STRATA_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# name -> bridge, its address; the socket is $CHROOT/run/<name>.sock
d28_bridge() { case "$1" in docker28) echo strata28 ;; docker28-containerd) echo strata28c ;; esac; }
d28_bridge_addr() { case "$1" in docker28) echo 10.213.1.1/24 ;; docker28-containerd) echo 10.213.2.1/24 ;; esac; }
d28_sock() { echo "$CHROOT/run/$1.sock"; }
d28_pidfile() { echo "$CHROOT/run/$1.pid"; }

CLEAN_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() { echo "setup: $*" >&2; }

# Answers GET /_ping on a unix socket?
pings() { curl -fsS -m 5 --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1; }

tls_pings() { # address
  curl -fsS -m 5 --cacert "$TLS_CLIENT/ca.pem" --cert "$TLS_CLIENT/cert.pem" --key "$TLS_CLIENT/key.pem" \
    "https://$1:$TLS_PORT/_ping" >/dev/null 2>&1
}

ssh_works() {
  /usr/bin/ssh -F "$SSH_CONFIG" -o ConnectTimeout=5 -p "$SSH_PORT" root@127.0.0.1 true </dev/null >/dev/null 2>&1
}

# Is process $1 named $2 (comm) with $3 in its command line? (A substring: sshd rewrites
# its command line into one string.)
is_ours() {
  [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] &&
    grep -qF -- "$3" < <(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)
}

# The pid of the process we started: the one in pid file $1 if it is alive, named $2 and
# has $3 (a path of ours) in its command line (a pid reused by an unrelated process is never taken for ours); else,
# when the pid file is gone or stale, a process named $2 with that unique argument.
live_pid() {
  local pid p
  if [ -s "$1" ]; then
    pid="$(tr -dc 0-9 <"$1")"
    if [ -n "$pid" ] && is_ours "$pid" "$2" "$3"; then echo "$pid"; return 0; fi
  fi
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    if is_ours "$p" "$2" "$3"; then echo "$p"; return 0; fi
  done
  return 1
}

# Stops the process live_pid "$1" "$2" "$3" finds, waiting up to $4 s before SIGKILL.
stop_pid() {
  local pid i secs="${4:-30}"
  while pid="$(live_pid "$1" "$2" "$3")"; do
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < secs * 10; i++)); do
      is_ours "$pid" "$2" "$3" || break # (a zombie has no command line)
      sleep 0.1
    done
    if is_ours "$pid" "$2" "$3"; then
      say "$2 (pid $pid) did not stop within $secs s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
  done
  rm -f "$1"
}

# Is process $1 alive (and not a zombie)?
alive() {
  local st
  st="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$st" ] && [ "${st%% *}" != Z ]
}

# Waits up to $2 s for command "$3..." to succeed; on timeout prints the tail of log $1.
# With WAIT_PID set, gives up as soon as that process has exited.
wait_until() {
  local log="$1" secs="$2" i
  shift 2
  for ((i = 0; i < secs * 5; i++)); do
    if "$@"; then return 0; fi
    if [ -n "${WAIT_PID:-}" ] && ! alive "$WAIT_PID"; then
      say "it exited; the end of $log:"
      tail -n 25 "$log" >&2 || true
      return 1
    fi
    sleep 0.2
  done
  say "gave up after $secs s; the end of $log:"
  tail -n 25 "$log" >&2 || true
  return 1
}

# Starts "$@" as a daemon: a session of its own, stdin from /dev/null, output appended to
# log $1, and no other open file (the lock, or a pipe of whoever ran us, would otherwise
# live as long as the daemon). Sets LAUNCHED to its pid.
launch() {
  local log="$1"
  shift
  # Keep logs bounded: the previous one is kept as .old past 20 MB.
  if [ "$(stat -c %s "$log" 2>/dev/null || echo 0)" -gt 20000000 ]; then mv -f "$log" "$log.old"; fi
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd="${fd##*/}"
      [ "$fd" -le 2 ] || eval "exec $fd>&-" 2>/dev/null || true
    done
    exec setsid "$@" </dev/null >>"$log" 2>&1
  ) &
  LAUNCHED=$!
}

ensure_bridge() { # name cidr
  if ! ip link show "$1" >/dev/null 2>&1; then
    ip link add "$1" type bridge
  fi
  local addrs
  addrs="$(ip -4 -o addr show dev "$1")"
  if [[ "$addrs" != *" $2 "* ]]; then
    ip addr flush dev "$1"
    ip addr add "$2" dev "$1"
  fi
  ip link set "$1" up
}

# Mount points at or below directory $1, deepest first.
mounts_below() {
  awk -v d="$1" '{ p = $5; gsub(/\\040/, " ", p); if (p == d || index(p, d "/") == 1) print length(p) "\t" p }' \
    /proc/self/mountinfo | sort -rn | cut -f2- | uniq
}

unmount_below() {
  local m pass
  for pass in 1 2 3 4 5; do # a path mounted twice needs two passes
    [ -n "$(mounts_below "$1")" ] || break
    while read -r m; do
      [ -n "$m" ] || continue
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done < <(mounts_below "$1")
  done
  if [ -n "$(mounts_below "$1")" ]; then
    say "could not unmount everything below $1:"
    mounts_below "$1" >&2
    return 1
  fi
}

ENGINES_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# One HTTP/1.0 GET /_ping through the ssh wrapper: $@ are the arguments after the host.
ssh_pings() {
  printf 'GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n' |
    timeout 20 "$SSH_BIN/ssh" -p "$SSH_PORT" root@127.0.0.1 "$@" 2>/dev/null | tail -n 1 | grep -qx OK
}

# GET /_ping to remote unix socket $1 through an ssh local forward (direct-streamlocal,
# what Podman's own remote client does). `ssh -W /path` cannot do it: OpenSSH takes -W
# only as host:port and, given a path, silently opens a shell session instead.
ssh_forward_pings() {
  local d pid i ok=1
  d="$(mktemp -d /tmp/strata-ssh-fwd.XXXXXX)"
  "$SSH_BIN/ssh" -p "$SSH_PORT" -N -o ExitOnForwardFailure=yes -L "$d/s:$1" root@127.0.0.1 \
    </dev/null >/dev/null 2>&1 9>&- &
  pid=$!
  for ((i = 0; i < 200; i++)); do
    [ -S "$d/s" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  pings "$d/s" && ok=0
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$d"
  return $ok
}

# Writes $JSON: one object per engine that answers now (whatever this run started).
write_json() {
  local up=() n ssh_ok=0
  pings /var/run/docker.sock && up+=(host)
  if pings "$SECOND_SOCK"; then
    tls_pings 127.0.0.1 && up+=(second-tls)
    [ -f "$SSH_CONFIG" ] && ssh_pings docker system dial-stdio && up+=(ssh)
  fi
  if pings "$PODMAN_SOCK"; then
    up+=(podman)
    [ -f "$SSH_CONFIG" ] && ssh_forward_pings "$PODMAN_SOCK" && up+=(podman-ssh)
  fi
  for n in docker28 docker28-containerd; do
    pings "$(d28_sock "$n")" && up+=("$n")
  done
  env SECOND_SOCK="$SECOND_SOCK" TLS_PORT="$TLS_PORT" TLS_CLIENT="$TLS_CLIENT" TLS_WRONG="$TLS_WRONG" \
    SSH_PORT="$SSH_PORT" SSH_BIN="$SSH_BIN" SSH_CONFIG="$SSH_CONFIG" SSH_KNOWN_HOSTS="$SSH_KNOWN_HOSTS" \
    SSH_IDENTITY="$SSH_IDENTITY" SSH_HOST_ALIAS="$SSH_HOST_ALIAS" SSH_ALIAS="$SSH_ALIAS" TLS_REMOTE_HOST="$TLS_REMOTE_HOST" PODMAN_SOCK="$PODMAN_SOCK" \
    DOCKER28_SOCK="$(d28_sock docker28)" DOCKER28_CONTAINERD_SOCK="$(d28_sock docker28-containerd)" \
    DOCKER28_CONFIG="$DOCKER28_CONFIG" LOGS="$LOGS" \
    node "$ENGINES_HERE/describe-engines.js" "$JSON" "${up[@]}"
}
