#!/usr/bin/env bash
# Starts dockerd on the default socket unless an engine already answers there.
set -euo pipefail
sock=/var/run/docker.sock
answers() { curl -fsS --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1; }
if answers; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "No Docker Engine answers at $sock, and starting one needs root: start Docker (sudo systemctl start docker) and run again." >&2
  exit 1
fi
# A pid file left by an engine that died keeps a new one from starting.
if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
  rm -f /var/run/docker.pid
fi
if [ -f /var/run/docker.pid ]; then
  echo "dockerd (pid $(cat /var/run/docker.pid)) is running but does not answer at $sock." >&2
fi
log="${STRATA_CACHE:-$HOME/.cache/strata}/dockerd.log"
mkdir -p "$(dirname "$log")"
echo "setup: starting dockerd (log: $log)" >&2
nohup dockerd --host "unix://$sock" >"$log" 2>&1 &
for _ in $(seq 1 60); do
  if answers; then exit 0; fi
  sleep 0.5
done
echo "dockerd did not answer at $sock within 30 s; its log ends with:" >&2
tail -n 20 "$log" >&2
exit 1
