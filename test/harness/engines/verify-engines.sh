#!/usr/bin/env bash
# Checks every engine listed in engines.json the way a user would, with curl and the docker
# CLI: version and ID, a FROM-scratch busybox build, a container that echoes, its logs,
# `docker save`; TLS refusals; ssh. Not part of `npm test` (the suites do their own);
# run it after changing start-engines.sh:  bash test/harness/engines/verify-engines.sh [NAME...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
[ -f "$JSON" ] || { echo "no $JSON: run start-engines.sh first" >&2; exit 1; }

field() { # engine field.path
  node -e 'const e = require(process.argv[1]).find((x) => x.name === process.argv[2]);
    const v = e && process.argv[3].split(".").reduce((o, k) => (o == null ? o : o[k]), e);
    process.stdout.write(v == null ? "" : String(v));' "$JSON" "$1" "$2"
}
mapfile -t names < <(node -e 'for (const e of require(process.argv[1])) console.log(e.name)' "$JSON")
[ $# -eq 0 ] || names=("$@")

fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { # description command...
  local d="$1"
  shift
  if out="$("$@" 2>&1)"; then ok "$d"; else bad "$d: $(echo "$out" | tail -n 3)"; fi
}

ctx="$(mktemp -d /tmp/strata-verify.XXXXXX)"
trap 'rm -rf "$ctx"' EXIT
cp /bin/busybox "$ctx/busybox"
cat >"$ctx/Dockerfile" <<'EOF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN echo hi > /hi.txt
CMD ["/bin/sh", "-c", "cat /hi.txt; echo from-strata-verify"]
EOF

# build, run, logs, save through `docker "$@"` (the engine's -H and options)
exercise() {
  local name="$1" builder="$2" tag cid logs
  shift 2
  tag="strata-verify/$name:latest"
  if [ "$builder" = buildkit ]; then
    check "$name: BuildKit build (buildx)" env DOCKER_BUILDKIT=1 docker "$@" build -q -t "$tag" "$ctx"
  else
    check "$name: legacy build" env DOCKER_BUILDKIT=0 docker "$@" build -q -t "$tag" "$ctx"
  fi
  cid="$(docker "$@" run -d "$tag" 2>&1)" || { bad "$name: run: $cid"; return; }
  docker "$@" wait "$cid" >/dev/null 2>&1 || true
  logs="$(docker "$@" logs "$cid" 2>&1)" || true
  if [ "$logs" = $'hi\nfrom-strata-verify' ]; then ok "$name: run + logs"; else bad "$name: logs were: $logs"; fi
  echo "     logs --timestamps: $(docker "$@" logs --timestamps "$cid" 2>&1 | head -n 1)"
  docker "$@" rm "$cid" >/dev/null 2>&1 || bad "$name: rm"
  if docker "$@" save "$tag" -o "$ctx/$name.tar" 2>"$ctx/err"; then
    ok "$name: save ($(tar -tf "$ctx/$name.tar" | wc -l) entries: $(tar -tf "$ctx/$name.tar" | grep -v '/$' | sed 's/[0-9a-f]\{64\}/<sha>/g' | sort -u | tr '\n' ' '))"
  else
    bad "$name: save: $(cat "$ctx/err")"
  fi
  docker "$@" rmi -f "$tag" >/dev/null 2>&1 || true
}

same_engine() { # name docker-args... : version and ID as in engines.json
  local name="$1" v id
  shift
  v="$(docker "$@" version -f '{{.Server.Version}}' 2>&1)" || { bad "$name: docker version: $v"; return; }
  [ "$v" = "$(field "$name" version)" ] && ok "$name: docker version says $v" || bad "$name: version $v"
  id="$(docker "$@" info -f '{{.ID}}' 2>&1)" || { bad "$name: docker info: $id"; return; }
  if [ "$(field "$name" idStable)" != true ]; then
    ok "$name: docker info ID $id (changes on every call: not compared)"
  elif [ "$id" = "$(field "$name" expectedId)" ]; then
    ok "$name: docker info ID = expectedId"
  else
    bad "$name: docker info ID $id, expected $(field "$name" expectedId)"
  fi
}

for name in "${names[@]}"; do
  host="$(field "$name" dockerHost)"
  [ -n "$host" ] || { bad "$name is not in $JSON"; continue; }
  sock="$(field "$name" fixtureSocket)"
  echo "== $name: $(field "$name" title) ($host)"
  check "$name: curl _ping at fixtureSocket" curl -fsS --unix-socket "$sock" http://localhost/_ping
  case "$name" in
    host | podman)
      same_engine "$name" -H "$host"
      exercise "$name" legacy -H "$host"
      ;;
    docker28 | docker28-containerd)
      export DOCKER_CONFIG="$(field "$name" dockerConfig)"
      same_engine "$name" -H "$host"
      check "$name: buildx found in DOCKER_CONFIG" docker buildx version
      echo "     storage: $(docker -H "$host" info -f '{{.Driver}} {{json .DriverStatus}}')"
      exercise "$name" buildkit -H "$host"
      unset DOCKER_CONFIG
      ;;
    second-tls)
      d="$(field "$name" tls.certDir)"
      check "$name: curl with client cert" curl -fsS --cacert "$d/ca.pem" --cert "$d/cert.pem" --key "$d/key.pem" "https://127.0.0.1:$TLS_PORT/_ping"
      same_engine "$name" --tlsverify --tlscacert "$d/ca.pem" --tlscert "$d/cert.pem" --tlskey "$d/key.pem" -H "$host"
      if DOCKER_HOST="$host" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$d" docker version -f '{{.Server.Version}}' >/dev/null 2>&1; then
        ok "$name: DOCKER_HOST + DOCKER_TLS_VERIFY + DOCKER_CERT_PATH"
      else bad "$name: env vars"; fi
      w="$(field "$name" tls.wrongCertDir)"
      if out="$(curl -sS --cacert "$w/ca.pem" --cert "$d/cert.pem" --key "$d/key.pem" "https://127.0.0.1:$TLS_PORT/_ping" 2>&1)"; then
        bad "$name: a client trusting only the wrong CA got through"
      else ok "$name: wrong CA refused ($out)"; fi
      if out="$(curl -sS --cacert "$d/ca.pem" "https://127.0.0.1:$TLS_PORT/_ping" 2>&1)"; then
        bad "$name: no client certificate got through"
      else ok "$name: no client certificate refused ($out)"; fi
      if out="$(curl -sS --cacert "$d/ca.pem" --cert "$w/cert.pem" --key "$w/key.pem" "https://127.0.0.1:$TLS_PORT/_ping" 2>&1)"; then
        bad "$name: a client certificate of the wrong CA got through"
      else ok "$name: client certificate of the wrong CA refused ($out)"; fi
      out="$(curl -sS "http://127.0.0.1:$TLS_PORT/_ping" 2>&1 || true)"
      echo "     plain HTTP gets: $out"
      exercise "$name" legacy --tlsverify --tlscacert "$d/ca.pem" --tlscert "$d/cert.pem" --tlskey "$d/key.pem" -H "$host"
      ;;
    ssh)
      export PATH="$(field "$name" sshPathDir):$PATH"
      same_engine "$name" -H "$host"
      exercise "$name" legacy -H "$host"
      check "$name: ssh root@127.0.0.1 -p $SSH_PORT (BatchMode, pinned host key)" ssh root@127.0.0.1 -p "$SSH_PORT" true
      # The pinned host key holds on another port too (HostKeyAlias): a TCP proxy in front.
      node -e 'const net = require("net");
        net.createServer((c) => { const u = net.connect(Number(process.argv[1]), "127.0.0.1"); c.pipe(u).pipe(c);
          c.on("error", () => u.destroy()); u.on("error", () => c.destroy()); }).listen(Number(process.argv[2]), "127.0.0.1");' \
        "$SSH_PORT" 23799 &
      proxy=$!
      sleep 0.5
      check "$name: ssh through a TCP proxy on port 23799 (localhost)" ssh localhost -p 23799 true
      id="$(docker -H ssh://root@127.0.0.1:23799 info -f '{{.ID}}' 2>&1)"
      [ "$id" = "$(field "$name" expectedId)" ] && ok "$name: docker -H ssh://root@127.0.0.1:23799 (proxy) reaches it" || bad "$name: through the proxy: $id"
      kill "$proxy"
      wait "$proxy" 2>/dev/null || true
      ;;
    podman-ssh)
      export PATH="$(field "$name" sshPathDir):$PATH"
      remote="$(field "$name" sshRemoteSocket)"
      f="$ctx/fwd.sock"
      ssh -N -o ExitOnForwardFailure=yes -L "$f:$remote" root@127.0.0.1 -p "$SSH_PORT" </dev/null &
      pid=$!
      for _ in $(seq 100); do [ -S "$f" ] && break; sleep 0.05; done
      check "$name: curl _ping through ssh -L $remote" curl -fsS --unix-socket "$f" http://localhost/_ping
      same_engine "$name" -H "unix://$f"
      if out="$(printf 'GET /_ping HTTP/1.0\r\n\r\n' | timeout 10 ssh root@127.0.0.1 -p "$SSH_PORT" -W "$remote" 2>&1)"; then :; fi
      echo "     ssh -W $remote (OpenSSH 9.2 takes -W as host:port only) gives: $(echo "${out:-<nothing>}" | head -n 2 | tr '\n' ' ')"
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      ;;
  esac
done
echo "$fails failed"
[ "$fails" = 0 ]
