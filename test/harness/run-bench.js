#!/usr/bin/env node
// @ts-check
// `npm run bench [-- --runs N] [-- --json]`: compiles the tests, makes sure an engine
// answers, then runs test/bench/bench.ts (arguments passed on). Only the bench writes to
// stdout, so `npm run --silent bench -- --json` gives JSON alone.
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');

/** Runs a preparation step with its output on stderr, keeping stdout for the results. */
function prepare(what, cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
  if (r.status !== 0) {
    console.error(`${what} failed`);
    process.exit(1);
  }
}

prepare('build tests', 'npm', ['run', 'compile-tests', '--silent']);
prepare('starting dockerd', 'bash', ['test/harness/start-dockerd.sh']);
// The ssh case, --engine NAME and first-export measure the harness's other engines.
prepare('starting the test engines', 'bash', ['test/harness/engines/start-engines.sh']);
const r = spawnSync('node', ['--expose-gc', 'out/test/bench/bench.js', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
