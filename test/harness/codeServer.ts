/**
 * Starts a real VS Code (code-server 4.96.4, VS Code 1.96.4) and a real browser
 * (Debian's Chromium through playwright-core) for the extension-host and e2e tests.
 * Every failure to find or start one is an error: the tests never pass by skipping.
 */
import { type ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { type Browser, chromium } from 'playwright-core';
import { until } from './until';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const CHROMIUM = process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium';

/** Installs code-server if it is not cached yet, and returns its launcher. */
export function codeServerBinary(): string {
  const script = path.join(REPO_ROOT, 'test', 'harness', 'install-code-server.sh');
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const bin = out.trim().split('\n').pop() ?? '';
  if (!fs.existsSync(bin)) {
    throw new Error(`code-server was not installed: ${script} printed "${bin}"`);
  }
  return bin;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `strata-${prefix}-`));
}

export interface CodeServer {
  url: string;
  port: number;
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  workspace?: string;
  extensionsDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Where its output goes; it is kept to explain a failure. */
  logFile?: string;
  /** User settings besides the quiet defaults (e.g. strata.engines). */
  settings?: Record<string, unknown>;
}

/** `code-server --install-extension`, exactly as a user installs a .vsix. */
export function installExtension(vsix: string, extensionsDir: string, userDataDir: string): void {
  if (!fs.existsSync(vsix)) {
    throw new Error(`${vsix} does not exist: run npm run package first.`);
  }
  execFileSync(codeServerBinary(), ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A fresh extensions folder with the packaged strata.vsix installed in it (what the e2e tests and screenshots run). */
export function installStrata(label: string): string {
  const extensionsDir = tempDir(`${label}-ext`);
  installExtension(path.join(REPO_ROOT, 'strata.vsix'), extensionsDir, tempDir(`${label}-install`));
  return extensionsDir;
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number, log: string): Promise<void> {
  const answers = async () => {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited with code ${child.exitCode}; see ${log}`);
    }
    // Refused until it listens.
    return (await fetch(`${url}/healthz`).catch(() => undefined))?.ok;
  };
  await until(`code-server to answer at ${url} (its log: ${log})`, answers, timeoutMs, 250);
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const bin = codeServerBinary();
  const port = await freePort();
  const userDataDir = tempDir('user');
  const extensionsDir = options.extensionsDir ?? tempDir('ext');
  const workspace = options.workspace ?? tempDir('ws');
  const logFile = options.logFile ?? path.join(tempDir('log'), 'code-server.log');
  // Quiet, predictable workbench: no welcome page, no trust prompt.
  const settingsDir = path.join(userDataDir, 'User');
  fs.mkdirSync(settingsDir, { recursive: true });
  fs.writeFileSync(
    path.join(settingsDir, 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'workbench.enableExperiments': false,
      ...options.settings,
    }),
  );
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    bin,
    [
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      workspace,
    ],
    // A docker config folder of its own: the tests never depend on (or change) the user's contexts.
    { env: { ...process.env, DOCKER_CONFIG: tempDir('docker-config'), ...options.env }, stdio: ['ignore', out, out], detached: true },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, child, 60_000, logFile);
  return {
    url,
    port,
    workspace,
    userDataDir,
    extensionsDir,
    async stop() {
      const group = child.pid;
      if (child.exitCode === null && group) {
        const exited = new Promise((r) => child.once('exit', r));
        const signal = (name: NodeJS.Signals) => {
          try {
            process.kill(-group, name);
          } catch {
            // already gone
          }
        };
        signal('SIGTERM');
        // Its own way out first (extension hosts told to stop); one that hangs is killed.
        const hung = setTimeout(() => signal('SIGKILL'), 10_000);
        await exited;
        clearTimeout(hung);
      }
      fs.closeSync(out);
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** The workbench URL that loads a development extension and runs its tests, as test-electron does. */
export function extensionTestUrl(server: CodeServer, extensionPath: string, testsModule: string): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(testsModule)],
  ];
  return `${server.url}/?folder=${encodeURIComponent(server.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
