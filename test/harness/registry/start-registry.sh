#!/usr/bin/env bash
# Real registries (Debian's docker-registry, distribution 2.8) on loopback for the registry
# tests: 127.0.0.1:5000 with htpasswd basic auth (user strata, password in
# $CACHE/registry/password), 127.0.0.1:5001 without, and 127.0.0.1:5002 over TLS (a harness
# CA) with token auth as Docker Hub and GHCR do it: Bearer tokens from tokenIssuer.js on
# https://127.0.0.1:5003/token (users strata and reader, anonymous pull of public/*). See
# README.md here. Storage under the cache, kept between runs. Idempotent and quick: starts
# what does not answer, restarts what a changed config or certificate concerns. The engines
# treat 127.0.0.0/8 as insecure registries: plain HTTP, or TLS unchecked (but Docker 28's
# containerd store checks the token realm's certificate: README.md). Writes
# $CACHE/registry/registries.json. STRATA_TOKEN_TTL and STRATA_TOKEN_SHORT_TTL set the
# tokens' lifetimes (300 s and 3 s).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
CACHE="${STRATA_CACHE:-$HOME/.cache/strata}/registry"
mkdir -p "$CACHE"
need=()
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v htpasswd >/dev/null || need+=(apache2-utils)
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi
[ -f "$CACHE/password" ] || head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$CACHE/password"
[ -f "$CACHE/htpasswd" ] || htpasswd -Bbn strata "$(cat "$CACHE/password")" > "$CACHE/htpasswd"
[ -f "$CACHE/reader-password" ] || head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$CACHE/reader-password"

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

# The token registry. Certificates are made once (remade when missing or within a day of
# expiring): a CA and its server certificate for TLS, and the self-signed one whose key
# signs the tokens (the registry's rootcertbundle).
TOKEN_PORT=5002
ISSUER_PORT=5003
SERVICE=strata-test-registry
ISSUER=strata-test-issuer
tok="$CACHE/token"
ca="$tok/ca/ca.crt" # alone in its folder: a cert dir for skopeo (--src-cert-dir) and docker's certs.d
mkdir -p "$tok/data" "$tok/ca" "$tok/tls" "$tok/signing"
valid() { [ -f "$1" ] && openssl x509 -checkend 86400 -noout -in "$1" >/dev/null 2>&1; }
fresh=0
if ! valid "$ca" || ! valid "$tok/tls/server.crt" || ! valid "$tok/signing/signing.crt"; then
  fresh=1
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=strata-test-registry-ca \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$tok/tls/ca.key" -out "$ca" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$tok/tls/server.key" -out "$tok/tls/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n' > "$tok/tls/server.ext"
  openssl x509 -req -days 825 -in "$tok/tls/server.csr" -CA "$ca" -CAkey "$tok/tls/ca.key" -CAcreateserial -CAserial "$tok/tls/ca.srl" \
    -extfile "$tok/tls/server.ext" -out "$tok/tls/server.crt" 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=strata-test-token-signer \
    -keyout "$tok/signing/signing.key" -out "$tok/signing/signing.crt" 2>/dev/null
fi

# Each config is rewritten only when it differs, and what changed is restarted (the
# issuer's also holds its code's hash: an edited tokenIssuer.js is restarted too).
changed() { # file new-content
  if [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; then return 1; fi
  printf '%s\n' "$2" > "$1"
}
issuer_changed=0
changed "$tok/issuer.json" "$(cat <<JSON
{ "host": "127.0.0.1", "port": $ISSUER_PORT, "service": "$SERVICE", "issuer": "$ISSUER",
  "tlsCert": "$tok/tls/server.crt", "tlsKey": "$tok/tls/server.key",
  "signingCert": "$tok/signing/signing.crt", "signingKey": "$tok/signing/signing.key",
  "users": { "strata": "$(cat "$CACHE/password")", "reader": "$(cat "$CACHE/reader-password")" },
  "publicPrefix": "public/", "shortPrefix": "expiring/",
  "ttl": ${STRATA_TOKEN_TTL:-300}, "shortTtl": ${STRATA_TOKEN_SHORT_TTL:-3},
  "code": "$(sha256sum "$here/tokenIssuer.js" | cut -c1-16)" }
JSON
)" && issuer_changed=1
registry_changed=0
changed "$tok/config.yml" "$(cat <<YAML
version: 0.1
log: { level: warn }
storage: { filesystem: { rootdirectory: $tok/data }, delete: { enabled: true } }
http: { addr: 127.0.0.1:$TOKEN_PORT, tls: { certificate: $tok/tls/server.crt, key: $tok/tls/server.key } }
auth:
  token: { realm: "https://127.0.0.1:$ISSUER_PORT/token", service: $SERVICE, issuer: $ISSUER, rootcertbundle: $tok/signing/signing.crt }
YAML
)" && registry_changed=1

stop() { # pid-file what-its-command-line-holds
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 0
  # Only our process: a pid file can outlive its process, and the pid be reused.
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF "$2"; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$1"
}
answers() { curl -s -o /dev/null -m 5 --cacert "$ca" "$1"; } # any HTTP answer over TLS with our CA
wait_for() { # url name log
  for _ in $(seq 1 50); do
    if answers "$1"; then return 0; fi
    sleep 0.1
  done
  echo "$2 did not answer at $1; its log:" >&2
  tail -n 20 "$3" >&2
  exit 1
}
if [ $fresh = 1 ] || [ $issuer_changed = 1 ]; then stop "$tok/issuer.pid" "$tok/issuer.json"; fi
if [ $fresh = 1 ] || [ $registry_changed = 1 ]; then stop "$tok/pid" "$tok/config.yml"; fi
issuer_url="https://127.0.0.1:$ISSUER_PORT/token"
if ! answers "$issuer_url"; then
  nohup setsid node "$here/tokenIssuer.js" "$tok/issuer.json" > "$tok/issuer.log" 2>&1 < /dev/null &
  echo $! > "$tok/issuer.pid"
  wait_for "$issuer_url" "the token issuer" "$tok/issuer.log"
fi
if ! answers "https://127.0.0.1:$TOKEN_PORT/v2/"; then
  nohup setsid docker-registry serve "$tok/config.yml" > "$tok/registry.log" 2>&1 < /dev/null &
  echo $! > "$tok/pid"
  wait_for "https://127.0.0.1:$TOKEN_PORT/v2/" "the token registry" "$tok/registry.log"
fi
# The whole chain: an anonymous token from the issuer opens /v2/ on the registry.
token=$(curl -sf -m 5 --cacert "$ca" "$issuer_url?service=$SERVICE" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
if [ -z "$token" ] || ! curl -sf -o /dev/null -m 5 --cacert "$ca" -H "Authorization: Bearer $token" "https://127.0.0.1:$TOKEN_PORT/v2/"; then
  echo "the token registry on 127.0.0.1:$TOKEN_PORT does not take the issuer's tokens; the logs:" >&2
  tail -n 10 "$tok/issuer.log" "$tok/registry.log" >&2
  exit 1
fi

# Also alone in token/registry.json: an older start-registry.sh (another checkout's) rewrites
# registries.json without it.
cat > "$tok/registry.json" <<JSON
{ "address": "127.0.0.1:$TOKEN_PORT", "username": "strata", "password": "$(cat "$CACHE/password")",
  "readerUsername": "reader", "readerPassword": "$(cat "$CACHE/reader-password")",
  "caFile": "$ca", "certDir": "$tok/ca", "realm": "$issuer_url", "service": "$SERVICE", "issuer": "$ISSUER",
  "publicPrefix": "public/", "shortPrefix": "expiring/", "ttl": ${STRATA_TOKEN_TTL:-300}, "shortTtl": ${STRATA_TOKEN_SHORT_TTL:-3} }
JSON
cat > "$CACHE/registries.json" <<JSON
{ "auth": { "address": "127.0.0.1:5000", "username": "strata", "password": "$(cat "$CACHE/password")" },
  "open": { "address": "127.0.0.1:5001" },
  "token": $(cat "$tok/registry.json") }
JSON
echo "$CACHE/registries.json"
