#!/usr/bin/env bash
# Starts the real container engines the tests talk to, each unless it already answers,
# and writes ${STRATA_CACHE:-$HOME/.cache/strata}/engines/engines.json (see README.md).
#   start-engines.sh                  all of them
#   start-engines.sh second podman    only these (names: host second sshd podman docker28
#                                     docker28-containerd; also second-tls, ssh, podman-ssh, all)
# Idempotent; quick when everything runs (the TLS certificates are made afresh on every
# run, and `second` restarted to use them). Root only. Prints the path of engines.json.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

units=()
for a in "$@"; do
  case "$a" in
    all) units+=("${ALL_UNITS[@]}") ;;
    host | second | sshd | podman | docker28 | docker28-containerd) units+=("$a") ;;
    second-tls) units+=(second) ;;
    ssh) units+=(second sshd) ;;
    podman-ssh) units+=(podman sshd) ;;
    -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "start-engines.sh: unknown engine \"$a\"; choose from ${ALL_UNITS[*]}" >&2; exit 2 ;;
  esac
done
[ ${#units[@]} -gt 0 ] || units=("${ALL_UNITS[@]}")
want() { [[ " ${units[*]} " == *" $1 "* ]]; }

if [ "$(id -u)" != 0 ]; then
  echo "start-engines.sh starts daemons, makes bridges and mounts: run it as root." >&2
  exit 1
fi

# --- Debian packages -------------------------------------------------------------------
need=()
command -v curl >/dev/null || need+=(curl)
command -v ip >/dev/null || need+=(iproute2)
{ want host || want second; } && { command -v dockerd >/dev/null || need+=(docker.io); }
want second && { command -v openssl >/dev/null || need+=(openssl); }
want sshd && { [ -x /usr/sbin/sshd ] || need+=(openssh-server); [ -x /usr/bin/ssh ] || need+=(openssh-client); }
want podman && { command -v podman >/dev/null || need+=(podman); }
{ want docker28 || want docker28-containerd; } && { command -v debootstrap >/dev/null || need+=(debootstrap); }
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${need[@]}" >&2
fi
command -v node >/dev/null || { echo "start-engines.sh needs node (20+) to write engines.json" >&2; exit 1; }

mkdir -p "$E" "$LOGS" "$RUNDIR"
chmod 755 "$RUNDIR"
# One start or stop at a time (the daemons are started without fd 9: none keeps the lock).
exec 9>"$LOCK"
if ! flock -n 9; then
  say "waiting for another start-engines.sh / stop-engines.sh to finish"
  flock -w 1200 9 || { echo "start-engines.sh: the lock $LOCK stayed taken for 20 min" >&2; exit 1; }
fi

# /run is not a tmpfs on every machine: after a reboot, what is left in $RUNDIR (pid
# files, sockets, exec roots, Podman's "alive" marker) describes processes that are gone.
boot_id="$(cat /proc/sys/kernel/random/boot_id)"
if [ -f "$RUNDIR/boot-id" ] && [ "$(cat "$RUNDIR/boot-id")" != "$boot_id" ]; then
  say "the machine restarted since the engines last ran: clearing $RUNDIR"
  unmount_below "$RUNDIR" || true
  find "$RUNDIR" -mindepth 1 -maxdepth 1 -exec rm -rf --one-file-system {} +
fi
echo "$boot_id" >"$RUNDIR/boot-id"

failed=()

# --- host: the machine's own engine at /var/run/docker.sock -----------------------------
start_host() { bash "$here/../start-dockerd.sh"; }

# --- second: Docker 20.10, unix socket + TCP with TLS ------------------------------------
# A CA, a server certificate (127.0.0.1, 127.0.0.2, localhost; serverAuth), a client one (clientAuth)
# named as the docker CLI expects (ca.pem cert.pem key.pem), and an unrelated CA with a
# client certificate of its own, for the tests that must fail verification.
make_tls() {
  local t="$TLS.new" stamp
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  rm -rf "$t"
  mkdir -p "$t/server" "$t/client" "$t/wrong-ca"
  (
    cd "$t"
    umask 077
    printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n' >ca.ext
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,IP:%s,DNS:localhost\n' "$TLS_REMOTE_HOST" >server.ext
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >client.ext
    ca() { # dir cn
      openssl genrsa -out "$1/ca-key.pem" 2048 2>/dev/null
      openssl req -new -key "$1/ca-key.pem" -subj "/CN=$2" |
        openssl x509 -req -signkey "$1/ca-key.pem" -days 30 -sha256 -extfile ca.ext -out "$1/ca.pem" 2>/dev/null
    }
    sign() { # ca-dir out-dir cn ext
      openssl genrsa -out "$2/key.pem" 2048 2>/dev/null
      openssl req -new -key "$2/key.pem" -subj "/CN=$3" |
        openssl x509 -req -CA "$1/ca.pem" -CAkey "$1/ca-key.pem" -set_serial "0x$(openssl rand -hex 12)" \
          -days 30 -sha256 -extfile "$4" -out "$2/cert.pem" 2>/dev/null
    }
    ca . "Strata test CA $stamp"
    sign . server localhost server.ext
    sign . client strata-test-client client.ext
    ca wrong-ca "Unrelated test CA $stamp"
    sign wrong-ca wrong-ca strata-test-client client.ext
    cp ca.pem server/ca.pem
    cp ca.pem client/ca.pem
    rm -f ./*.ext
    chmod 644 ./*.pem ./*/*.pem
    chmod 600 ./*key.pem ./*/*key.pem
  )
  openssl verify -CAfile "$t/ca.pem" "$t/server/cert.pem" "$t/client/cert.pem" >/dev/null
  rm -rf "$TLS"
  mv "$t" "$TLS"
}

second_up() { pings "$SECOND_SOCK" && tls_pings 127.0.0.1 && tls_pings "$TLS_REMOTE_HOST"; }

# Certificates that stay valid for the next day: a running engine is kept as it is.
tls_fresh() {
  local c
  for c in "$TLS_SERVER/cert.pem" "$TLS_CLIENT/cert.pem" "$TLS/ca.pem"; do
    openssl x509 -checkend 86400 -noout -in "$c" >/dev/null 2>&1 || return 1
  done
  # Made before the server certificate named the second address: made again.
  openssl x509 -noout -ext subjectAltName -in "$TLS_SERVER/cert.pem" 2>/dev/null | grep -qF "$TLS_REMOTE_HOST"
}

start_second() {
  local log="$LOGS/second.log"
  if second_up && tls_fresh; then
    return 0
  fi
  ensure_bridge "$SECOND_BRIDGE" "$SECOND_BRIDGE_ADDR"
  make_tls
  if live_pid "$SECOND_PID" dockerd "$SECOND_PID" >/dev/null; then
    say "restarting the second dockerd to use the new TLS certificates"
  fi
  # (also drops a stale pid file: dockerd refuses to start while its pid is alive)
  stop_pid "$SECOND_PID" dockerd "$SECOND_PID" 30
  mkdir -p "$SECOND_DATA" "$SECOND_EXEC"
  say "starting the second dockerd (log: $log)"
  echo "=== start-engines.sh $(date -u +%FT%TZ)" >>"$log"
  # Own bridge (never --bridge=none: that deletes the host engine's docker0), own data,
  # exec and pid paths, own containerd namespace; no iptables rules, no sysctl changes.
  # The engine's ID comes from its key file (/etc/docker/key.json by default, the host
  # engine's); own config file too, so that the host's daemon.json is not read.
  printf '{"deprecated-key-path": "%s"}\n' "$E/second/key.json" >"$E/second/daemon.json"
  launch "$log" dockerd --config-file "$E/second/daemon.json" \
    --data-root "$SECOND_DATA" --exec-root "$SECOND_EXEC" --pidfile "$SECOND_PID" \
    -H "unix://$SECOND_SOCK" -H "tcp://127.0.0.1:$TLS_PORT" -H "tcp://$TLS_REMOTE_HOST:$TLS_PORT" \
    --tlsverify --tlscacert "$TLS_SERVER/ca.pem" --tlscert "$TLS_SERVER/cert.pem" --tlskey "$TLS_SERVER/key.pem" \
    --bridge "$SECOND_BRIDGE" --iptables=false --ip-forward=false --ip-masq=false \
    --cgroup-parent strata-second \
    --containerd-namespace strata-second --containerd-plugins-namespace strata-second-plugins
  WAIT_PID=$LAUNCHED wait_until "$log" 40 second_up
}

# --- sshd: OpenSSH on 127.0.0.1:2222 -----------------------------------------------------
start_sshd() {
  local log="$LOGS/sshd.log" new pid changed=0
  mkdir -p /run/sshd "$SSH_DIR/home" "$SSH_BIN"
  chmod 755 /run/sshd
  # Keys are made once and kept: the host key is what known_hosts pins.
  [ -s "$SSH_HOST_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C "$SSH_HOST_ALIAS" -f "$SSH_HOST_KEY"
  [ -s "$SSH_IDENTITY" ] || ssh-keygen -q -t ed25519 -N '' -C strata-test-client -f "$SSH_IDENTITY"
  chmod 600 "$SSH_HOST_KEY" "$SSH_IDENTITY"
  cp "$SSH_IDENTITY.pub" "$SSH_DIR/authorized_keys"
  echo "$SSH_HOST_ALIAS $(cut -d' ' -f1,2 "$SSH_HOST_KEY.pub")" >"$SSH_KNOWN_HOSTS"
  # Client side: HostKeyAlias makes the pinned key hold on any port (tests put a proxy
  # in front of sshd on a port of their own).
  cat >"$SSH_CONFIG" <<EOF
# Written by test/harness/engines/start-engines.sh: the client side of the test sshd.
Host $SSH_ALIAS
  HostName 127.0.0.1
  Port $SSH_PORT
Host 127.0.0.1 localhost $SSH_ALIAS
  User root
  HostKeyAlias $SSH_HOST_ALIAS
  IdentityFile $SSH_IDENTITY
  IdentitiesOnly yes
  UserKnownHostsFile $SSH_KNOWN_HOSTS
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  CheckHostIP no
  UpdateHostKeys no
  BatchMode yes
  ConnectTimeout 20
  LogLevel ERROR
EOF
  printf '#!/bin/sh\n# The system ssh with the test config (put this folder first on PATH).\nexec /usr/bin/ssh -F %s "$@"\n' \
    "$SSH_CONFIG" >"$SSH_BIN/ssh"
  chmod 755 "$SSH_BIN/ssh"
  new="$SSHD_CONFIG.new"
  cat >"$new" <<EOF
# Written by test/harness/engines/start-engines.sh: the test sshd (not the system's).
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $SSH_HOST_KEY
PidFile $SSHD_PID
AuthorizedKeysFile $SSH_DIR/authorized_keys
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
X11Forwarding no
PrintMotd no
PrintLastLog no
UseDNS no
MaxStartups 100:30:200
MaxSessions 100
LogLevel VERBOSE
Subsystem sftp internal-sftp
# HOME: not root's (its .bashrc costs about 1 s a session, and its ~/.docker is not ours);
# DOCKER_HOST: \`docker system dial-stdio\` on this side reaches the second engine.
SetEnv HOME=$SSH_DIR/home DOCKER_HOST=unix://$SECOND_SOCK
EOF
  /usr/sbin/sshd -t -f "$new"
  cmp -s "$new" "$SSHD_CONFIG" || changed=1
  mv "$new" "$SSHD_CONFIG"
  if pid="$(live_pid "$SSHD_PID" sshd "$SSHD_CONFIG")"; then
    echo "$pid" >"$SSHD_PID"
    if [ $changed = 1 ]; then
      say "sshd_config changed: sshd reloads it"
      kill -HUP "$pid"
      sleep 0.5
    fi
  else
    say "starting sshd on 127.0.0.1:$SSH_PORT (log: $log)"
    rm -f "$SSHD_PID"
    echo "=== start-engines.sh $(date -u +%FT%TZ)" >>"$log"
    /usr/sbin/sshd -f "$SSHD_CONFIG" -E "$log" </dev/null >>"$log" 2>&1 9>&- # (it closes every other fd)
  fi
  wait_until "$log" 20 ssh_works
}

# --- podman: Podman's API service --------------------------------------------------------
write_podman_conf() {
  mkdir -p "$PODMAN_DIR/storage" "$PODMAN_DIR/networks" "$PODMAN_DIR/home" "$PODMAN_RUN"
  cat >"$PODMAN_DIR/storage.conf" <<EOF
# Written by test/harness/engines/start-engines.sh
[storage]
driver = "overlay"
graphroot = "$PODMAN_DIR/storage"
runroot = "$PODMAN_RUN/storage"
EOF
  # cgroupfs: no systemd here. events to a file: no journald. ulimits: this machine
  # withholds CAP_SYS_RESOURCE, and Podman's default (raising nofile/nproc) fails with
  # "error setting rlimit type 7".
  cat >"$PODMAN_DIR/containers.conf" <<EOF
# Written by test/harness/engines/start-engines.sh
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
log_driver = "k8s-file"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PODMAN_RUN/events.log"
tmp_dir = "$PODMAN_RUN/tmp"
static_dir = "$PODMAN_DIR/storage/libpod"
volume_path = "$PODMAN_DIR/storage/volumes"

[network]
network_backend = "netavark"
network_config_dir = "$PODMAN_DIR/networks"
default_subnet = "10.213.8.0/24"
EOF
  cat >"$PODMAN_DIR/registries.conf" <<EOF
# Written by test/harness/engines/start-engines.sh (no registry is reachable here)
unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"
EOF
}

start_podman() {
  local log="$LOGS/podman.log"
  write_podman_conf
  if pings "$PODMAN_SOCK"; then return 0; fi
  # A service that runs but does not answer is of no use.
  stop_pid "$PODMAN_PID" podman "unix://$PODMAN_SOCK" 10
  rm -f "$PODMAN_SOCK"
  say "starting podman system service (log: $log)"
  echo "=== start-engines.sh $(date -u +%FT%TZ)" >>"$log"
  launch "$log" env -i PATH="$CLEAN_PATH" HOME="$PODMAN_DIR/home" "${PODMAN_ENV[@]}" \
    podman --log-level=info system service --time=0 "unix://$PODMAN_SOCK"
  echo "$LAUNCHED" >"$PODMAN_PID"
  WAIT_PID=$LAUNCHED wait_until "$log" 40 pings "$PODMAN_SOCK"
}

# --- docker28, docker28-containerd: Debian sid's Docker 28 in a chroot -------------------
chroot_run() { # cmd... (inside the chroot, with a clean environment)
  env -i PATH="$CLEAN_PATH" HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive chroot "$CHROOT" "$@"
}

mount_chroot() {
  local r="$CHROOT"
  if ! mountpoint -q "$r"; then
    unmount_below "$r" || return 1 # leftovers of a chroot whose root mount is gone
    # runc's pivot_root needs the chroot's root to be a mount point.
    mount --bind "$r" "$r"
    mount --make-private "$r"
  fi
  mountpoint -q "$r/proc" || mount -t proc proc "$r/proc"
  # rslave: unmounting these later never reaches the host's /sys and /dev.
  mountpoint -q "$r/sys" || { mount --rbind /sys "$r/sys" && mount --make-rslave "$r/sys"; }
  mountpoint -q "$r/dev" || { mount --rbind /dev "$r/dev" && mount --make-rslave "$r/dev"; }
  mountpoint -q "$r/run" || mount -t tmpfs -o mode=0755 tmpfs "$r/run"
}

setup_chroot() {
  local log="$LOGS/sid-chroot-setup.log" t0=$SECONDS plugin
  if [ ! -f "$CHROOT_DONE" ]; then
    say "building a Debian sid chroot with Docker 28 in $CHROOT (once: about a minute; log: $log)"
    echo "=== start-engines.sh $(date -u +%FT%TZ)" >>"$log"
    unmount_below "$CHROOT" || return 1
    if [ -n "$(mounts_below "$CHROOT")" ]; then return 1; fi # never rm -rf through /dev or /sys
    rm -rf --one-file-system "$CHROOT"
    if ! debootstrap --variant=minbase sid "$CHROOT" "$DEBIAN_MIRROR" >>"$log" 2>&1; then
      say "debootstrap failed; the end of $log:"
      tail -n 25 "$log" >&2
      return 1
    fi
    # sid's Release file has expired in the frozen archive; recommends are not needed;
    # no package may start a service (a dockerd with default settings would take the
    # host's docker0).
    printf 'Acquire::Check-Valid-Until "false";\nAPT::Install-Recommends "false";\n' \
      >"$CHROOT/etc/apt/apt.conf.d/99strata"
    printf '#!/bin/sh\nexit 101\n' >"$CHROOT/usr/sbin/policy-rc.d"
    chmod 755 "$CHROOT/usr/sbin/policy-rc.d"
    mount_chroot
    if ! { chroot_run apt-get update && chroot_run apt-get install -y docker.io docker-cli docker-buildx ca-certificates xz-utils &&
      chroot_run apt-get clean; } </dev/null >>"$log" 2>&1; then
      say "installing Docker in the chroot failed; the end of $log:"
      tail -n 25 "$log" >&2
      return 1
    fi
    chroot_run dpkg-query -W docker.io docker-cli docker-buildx containerd runc >>"$log"
    touch "$CHROOT_DONE"
    say "the sid chroot is ready after $((SECONDS - t0)) s"
  fi
  # The host's docker 28 CLI finds BuildKit's client (buildx) in this DOCKER_CONFIG.
  plugin="$CHROOT/usr/libexec/docker/cli-plugins/docker-buildx"
  mkdir -p "$DOCKER28_CONFIG/cli-plugins"
  [ "$(readlink "$DOCKER28_CONFIG/cli-plugins/docker-buildx" 2>/dev/null)" = "$plugin" ] ||
    ln -sfn "$plugin" "$DOCKER28_CONFIG/cli-plugins/docker-buildx"
  [ -f "$DOCKER28_CONFIG/config.json" ] || echo '{}' >"$DOCKER28_CONFIG/config.json"
  mount_chroot
}

start_docker28() { # docker28 | docker28-containerd
  local name="$1" log="$LOGS/$1.log" sock pidfile bridge
  sock="$(d28_sock "$name")"
  pidfile="$(d28_pidfile "$name")"
  bridge="$(d28_bridge "$name")"
  setup_chroot
  ensure_bridge "$bridge" "$(d28_bridge_addr "$name")"
  mkdir -p "$CHROOT/etc/docker"
  if [ "$name" = docker28-containerd ]; then
    echo '{"features":{"containerd-snapshotter":true}}' >"$CHROOT/etc/docker/$name.json"
  else
    echo '{"features":{"containerd-snapshotter":false}}' >"$CHROOT/etc/docker/$name.json"
  fi
  if pings "$sock"; then return 0; fi
  stop_pid "$pidfile" dockerd "/run/$name.pid" 30
  say "starting $name in the sid chroot (log: $log)"
  echo "=== start-engines.sh $(date -u +%FT%TZ)" >>"$log"
  # Each daemon starts a containerd of its own under its exec root (/run/<name>/containerd
  # in the chroot): nothing collides between the two.
  launch "$log" env -i PATH="$CLEAN_PATH" HOME=/root chroot "$CHROOT" /usr/sbin/dockerd \
    --config-file "/etc/docker/$name.json" \
    --data-root "/var/lib/$name" --exec-root "/run/$name" --pidfile "/run/$name.pid" \
    -H "unix:///run/$name.sock" --bridge "$bridge" \
    --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
    --cgroup-parent "strata-$name"
  WAIT_PID=$LAUNCHED wait_until "$log" 60 pings "$sock"
}

t_all=$SECONDS
for u in "${ALL_UNITS[@]}"; do
  want "$u" || continue
  t=$SECONDS
  # In a subshell of its own so that `set -e` holds inside (it does not in `f || ...`).
  set +e
  (
    set -e
    case "$u" in
      host) start_host ;;
      second) start_second ;;
      sshd) start_sshd ;;
      podman) start_podman ;;
      docker28 | docker28-containerd) start_docker28 "$u" ;;
    esac
  )
  rc=$?
  set -e
  if [ $rc != 0 ]; then say "$u did not start"; failed+=("$u"); continue; fi
  [ $((SECONDS - t)) -lt 5 ] || say "$u took $((SECONDS - t)) s"
done

write_json || failed+=(engines.json)
say "engines took $((SECONDS - t_all)) s"
echo "$JSON"
if [ ${#failed[@]} -gt 0 ]; then
  echo "start-engines.sh: these did not start: ${failed[*]}" >&2
  exit 1
fi
