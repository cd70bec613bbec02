#!/usr/bin/env bash
# Everything the tests need on a Debian machine, idempotent and quick when already done:
# Debian packages, a running dockerd, the other test engines (engines/start-engines.sh:
# a second Docker over TLS and ssh, Podman, Docker 28 in a chroot), code-server (cached
# by version outside the repo). Used by .ci/run and by `npm test` / `npm start`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# `--no-browser` is `npm start`: it shows the host's engine and needs none of the others.
engines=1
[ "${1:-}" != "--no-browser" ] || engines=0

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v curl >/dev/null || need+=(curl)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
# `--no-browser` (npm start) leaves Chromium out: only the tests drive a browser.
[ "${1:-}" = "--no-browser" ] || command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
# rpmbuild and rpm write the real rpm databases the package readers are tested on; python3 writes SQLite files and reads dist-info.
command -v rpmbuild >/dev/null || need+=(rpm)
command -v python3 >/dev/null || need+=(python3)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if [ $engines = 1 ]; then
  command -v openssl >/dev/null || need+=(openssl)
  command -v ip >/dev/null || need+=(iproute2)
  [ -x /usr/sbin/sshd ] || need+=(openssh-server)
  command -v podman >/dev/null || need+=(podman)
  command -v debootstrap >/dev/null || need+=(debootstrap)
  # The download-only oracle of the registry tests: what a registry serves, without an engine.
  command -v skopeo >/dev/null || need+=(skopeo)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "Strata's tests need these Debian packages: ${need[*]}. Install them (as root: apt-get install -y ${need[*]}) and run again." >&2
    exit 1
  fi
  echo "setup: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${need[@]}" >&2
fi

bash "$here/start-dockerd.sh"
# Writes ${STRATA_CACHE:-~/.cache/strata}/engines/engines.json; the first time builds a
# Debian sid chroot for Docker 28 (under a minute here), then a few seconds.
[ $engines = 0 ] || bash "$here/engines/start-engines.sh" >/dev/null
# Local registries for pull, push and credentials: htpasswd, open, and TLS with token auth.
[ $engines = 0 ] || bash "$here/registry/start-registry.sh" >/dev/null
bash "$here/install-code-server.sh" >/dev/null
echo "setup: ready" >&2
