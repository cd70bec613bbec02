#!/usr/bin/env node
// @ts-check
// `npm test`: sets up what the tests need, builds, runs the four layers (unit, engine,
// vscode, e2e) and ends with one line "N passed, N failed" summed over all of them.
// `node test/harness/run-all.js engine vscode` runs only the layers named.
// A layer that cannot run (no engine, no VS Code, no browser) fails; it never skips.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const ALL = ['unit', 'engine', 'vscode', 'e2e'];
const layers = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
for (const l of layers) {
  if (!ALL.includes(l)) {
    console.error(`unknown test layer "${l}"; choose from ${ALL.join(', ')}`);
    process.exit(2);
  }
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  return r.status === null ? 1 : r.status;
}

function must(what, cmd, args) {
  console.log(`\n▶ ${what}`);
  if (sh(cmd, args) !== 0) {
    console.error(`${what} failed`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

if (!fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  must('npm ci', 'npm', ['ci', '--no-audit', '--no-fund']);
}
if (layers.some((l) => l !== 'unit')) {
  must('setup (Debian packages, dockerd, code-server)', 'bash', ['test/harness/setup.sh']);
}
must('build', 'npm', ['run', 'compile', '--silent']);
must('build tests', 'npm', ['run', 'compile-tests', '--silent']);
if (layers.includes('e2e')) {
  must('package the .vsix', 'npm', ['run', 'package', '--silent']);
}

const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-results-'));
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const commands = {
  unit: ['node', [mocha, '--config', 'test/unit/.mocharc.json']],
  engine: ['node', [mocha, '--config', 'test/engine/.mocharc.json']],
  vscode: ['node', ['out/test/harness/runVscodeTests.js']],
  e2e: ['node', [mocha, '--config', 'test/e2e/.mocharc.json']],
};

let passed = 0;
let failed = 0;
const summary = [];
for (const layer of layers) {
  console.log(`\n▶ ${layer} tests`);
  const results = path.join(resultsDir, `${layer}.json`);
  const [cmd, args] = commands[layer];
  const status = sh(cmd, args, { env: { ...process.env, STRATA_RESULTS: results } });
  let r = { passed: 0, failed: 0, pending: 0 };
  if (fs.existsSync(results)) {
    r = JSON.parse(fs.readFileSync(results, 'utf8'));
  }
  // A skipped test is not a pass; a layer that crashed or ran nothing is a failure.
  let layerFailed = r.failed + r.pending;
  if (layerFailed === 0 && (status !== 0 || r.passed === 0)) {
    layerFailed = 1;
  }
  passed += r.passed;
  failed += layerFailed;
  summary.push(`${layer}: ${r.passed} passed, ${layerFailed} failed${status !== 0 && r.failed === 0 ? ' (the layer did not run to the end)' : ''}`);
}

console.log('\n' + summary.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
