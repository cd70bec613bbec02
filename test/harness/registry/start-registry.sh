#!/usr/bin/env bash
# Two real registries (Debian's docker-registry, distribution 2.8) on loopback for the
# registry tests: 127.0.0.1:5000 with htpasswd basic auth (user strata, password in
# $CACHE/registry/password), 127.0.0.1:5001 without. Storage under the cache, kept between
# runs. Idempotent: starts what does not answer. The engine trusts 127.0.0.0/8 without TLS.
# Writes $CACHE/registry/registries.json.
set -euo pipefail
CACHE="${STRATA_CACHE:-$HOME/.cache/strata}/registry"
mkdir -p "$CACHE"
need=()
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v htpasswd >/dev/null || need+=(apache2-utils)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi
[ -f "$CACHE/password" ] || head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$CACHE/password"
[ -f "$CACHE/htpasswd" ] || htpasswd -Bbn strata "$(cat "$CACHE/password")" > "$CACHE/htpasswd"

start() { # name port auth
  local name=$1 port=$2 auth=$3 dir="$CACHE/$1"
  mkdir -p "$dir/data"
  if curl -s -o /dev/null "http://127.0.0.1:$port/v2/"; then return 0; fi
  {
    echo "version: 0.1"
    echo "log: { level: warn }"
    echo "storage: { filesystem: { rootdirectory: $dir/data }, delete: { enabled: true } }"
    echo "http: { addr: 127.0.0.1:$port }"
    if [ "$auth" = 1 ]; then echo "auth: { htpasswd: { realm: strata-test, path: $CACHE/htpasswd } }"; fi
  } > "$dir/config.yml"
  nohup setsid docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 < /dev/null &
  echo $! > "$dir/pid"
  for _ in $(seq 1 50); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/v2/"; then return 0; fi
    sleep 0.1
  done
  echo "the registry $name did not answer on 127.0.0.1:$port; its log:" >&2
  tail -n 20 "$dir/registry.log" >&2
  exit 1
}
start auth 5000 1
start open 5001 0
cat > "$CACHE/registries.json" <<JSON
{ "auth": { "address": "127.0.0.1:5000", "username": "strata", "password": "$(cat "$CACHE/password")" },
  "open": { "address": "127.0.0.1:5001" } }
JSON
echo "$CACHE/registries.json"
