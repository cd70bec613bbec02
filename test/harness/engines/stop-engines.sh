#!/usr/bin/env bash
# Stops what start-engines.sh started (never the host's dockerd at /var/run/docker.sock),
# unmounts the chroot's mounts, removes the bridges, and rewrites engines.json with what
# still answers. Cached state (images, keys, the sid chroot) stays for the next start.
#   stop-engines.sh                   all of them
#   stop-engines.sh podman docker28   only these (names as for start-engines.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

units=()
for a in "$@"; do
  case "$a" in
    all) units+=(second sshd podman docker28 docker28-containerd) ;;
    second | sshd | podman | docker28 | docker28-containerd) units+=("$a") ;;
    second-tls) units+=(second) ;;
    ssh | podman-ssh) units+=(sshd) ;;
    host) say "the host's dockerd is not ours to stop; leaving it" ;;
    -h | --help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "stop-engines.sh: unknown engine \"$a\"" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || units=(second sshd podman docker28 docker28-containerd)
want() { [[ " ${units[*]} " == *" $1 "* ]]; }

[ "$(id -u)" = 0 ] || { echo "stop-engines.sh: run it as root." >&2; exit 1; }
mkdir -p "$E"
exec 9>"$LOCK"
if ! flock -n 9; then
  say "waiting for another start-engines.sh / stop-engines.sh to finish"
  flock -w 1200 9
fi

for n in docker28 docker28-containerd; do
  want "$n" || continue
  if live_pid "$(d28_pidfile "$n")" dockerd "/run/$n.pid" >/dev/null; then
    say "stopping $n"
    stop_pid "$(d28_pidfile "$n")" dockerd "/run/$n.pid" 40
  fi
  ip link del "$(d28_bridge "$n")" 2>/dev/null || true
done
if ! live_pid "$(d28_pidfile docker28)" dockerd /run/docker28.pid >/dev/null &&
  ! live_pid "$(d28_pidfile docker28-containerd)" dockerd /run/docker28-containerd.pid >/dev/null &&
  [ -n "$(mounts_below "$CHROOT")" ]; then
  say "unmounting the sid chroot"
  unmount_below "$CHROOT"
fi

if want podman && live_pid "$PODMAN_PID" podman "unix://$PODMAN_SOCK" >/dev/null; then
  say "stopping podman system service and its containers"
  # Containers outlive the service (conmon keeps them), so stop them first.
  env -i PATH="$CLEAN_PATH" HOME="$PODMAN_DIR/home" "${PODMAN_ENV[@]}" \
    podman stop --all --time 5 >/dev/null 2>>"$LOGS/podman.log" 9>&- || true
  stop_pid "$PODMAN_PID" podman "unix://$PODMAN_SOCK" 20
  rm -f "$PODMAN_SOCK"
fi
if want podman; then
  unmount_below "$PODMAN_RUN" || true
  unmount_below "$PODMAN_DIR/storage" || true
fi

if want sshd && live_pid "$SSHD_PID" sshd "$SSHD_CONFIG" >/dev/null; then
  say "stopping sshd"
  stop_pid "$SSHD_PID" sshd "$SSHD_CONFIG" 10
fi

if want second; then
  if live_pid "$SECOND_PID" dockerd "$SECOND_PID" >/dev/null; then
    say "stopping the second dockerd"
    stop_pid "$SECOND_PID" dockerd "$SECOND_PID" 40
  fi
  unmount_below "$SECOND_EXEC" || true
  unmount_below "$SECOND_DATA" || true
  ip link del "$SECOND_BRIDGE" 2>/dev/null || true
fi

write_json || true
