#!/usr/bin/env bash
# Everything the tests need on a Debian machine, idempotent and quick when already done:
# Debian packages, a running dockerd, code-server (cached by version outside the repo).
# Used by .ci/run and by `npm test` / `npm start`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v curl >/dev/null || need+=(curl)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
# `--no-browser` (npm start) leaves Chromium out: only the tests drive a browser.
[ "${1:-}" = "--no-browser" ] || command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
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
bash "$here/install-code-server.sh" >/dev/null
echo "setup: ready" >&2
