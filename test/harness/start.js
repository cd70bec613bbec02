#!/usr/bin/env node
// @ts-check
// `npm start`: builds Strata and opens VS Code with it loaded.
//  - desktop VS Code (`code` on PATH): a window with Strata as the development extension;
//  - otherwise: code-server (VS Code in the browser) with the packaged .vsix installed,
//    at a printed localhost URL; Ctrl-C stops it.
// Sets up what is missing first (npm packages, on Debian as root also dockerd and code-server).
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\nnpm start: "${cmd} ${args.join(' ')}" failed.`);
    process.exit(1);
  }
};
const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

if (!fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

if (onPath('code') && !process.env.STRATA_USE_CODE_SERVER) {
  run('npm', ['run', 'compile', '--silent']);
  console.log('Opening VS Code with Strata loaded (development extension)…');
  run('code', ['--extensionDevelopmentPath', root, process.cwd()]);
  process.exit(0);
}

// No desktop VS Code: everything for code-server (and an engine to show) on this machine.
run('bash', ['test/harness/setup.sh', '--no-browser']);
run('npm', ['run', 'package', '--silent']);
const cache = process.env.STRATA_CACHE || path.join(os.homedir(), '.cache', 'strata');
const bin = spawnSync('bash', ['test/harness/install-code-server.sh'], { cwd: root, encoding: 'utf8' }).stdout.trim().split('\n').pop() || '';
const extensionsDir = path.join(cache, 'start', 'extensions');
const userDataDir = path.join(cache, 'start', 'user-data');
fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
run(bin, ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--force', '--install-extension', path.join(root, 'strata.vsix')]);

const port = process.env.STRATA_PORT || '8080';
const child = spawn(
  bin,
  [
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    process.env.INIT_CWD || root,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (String(chunk).includes('HTTP server listening')) {
    console.log(`\nStrata is running in VS Code at http://127.0.0.1:${port}/ — open the Strata icon in the activity bar. Ctrl-C stops it.\n`);
  }
});
child.on('exit', (code) => process.exit(code ?? 0));
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => child.kill('SIGTERM'));
}
