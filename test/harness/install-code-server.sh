#!/usr/bin/env bash
# Installs code-server (VS Code 1.96.4, Node 20 extension host) without reaching GitHub,
# the steps that ENVIRONMENT.md verified. Cached by version outside the repo, so a second
# run is instant. Prints the path of the code-server launcher on its last line.
set -euo pipefail
VERSION="${CODE_SERVER_VERSION:-4.96.4}"
CACHE="${STRATA_CACHE:-$HOME/.cache/strata}/code-server-$VERSION"
BIN="$CACHE/node_modules/code-server/out/node/entry.js"
if [ -f "$CACHE/.complete" ]; then echo "$CACHE/node_modules/.bin/code-server"; exit 0; fi

command -v rg >/dev/null || { echo "ripgrep (rg) is required: apt-get install -y ripgrep" >&2; exit 1; }
rm -rf "$CACHE" && mkdir -p "$CACHE"
cd "$CACHE"
echo '{"name":"strata-code-server-cache","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION" >&2

VS="$CACHE/node_modules/code-server/lib/vscode"
# @vscode/proxy-agent resolves to a GitHub tarball; let npm take it from the registry.
node -e '
  const fs = require("fs"); const f = process.argv[1];
  const j = JSON.parse(fs.readFileSync(f, "utf8"));
  const e = j.packages && j.packages["node_modules/@vscode/proxy-agent"];
  if (e) { delete e.resolved; delete e.integrity; }
  fs.writeFileSync(f, JSON.stringify(j, null, 2));
' "$VS/npm-shrinkwrap.json"
(cd "$VS" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2)
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"
(cd "$VS" && npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid >&2)
(cd "$VS" && ln -sfn node_modules node_modules.asar \
  && ln -sfn code-linux.sh bin/remote-cli/code-server \
  && ln -sfn browser-linux.sh bin/helpers/browser.sh)
(cd "$VS/extensions" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2)
# argon2 is hoisted to the cache folder's node_modules, so rebuild it there.
(cd "$CACHE" && npm rebuild argon2 >&2)
[ -n "$(ls "$CACHE"/node_modules/argon2/lib/binding/*/argon2.node 2>/dev/null)" ] || { echo "argon2 did not build" >&2; exit 1; }
touch "$CACHE/.complete"
echo "$CACHE/node_modules/.bin/code-server"
