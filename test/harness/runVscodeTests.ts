/**
 * Runs test/vscode inside a real VS Code extension host. The tests module is the same
 * for both ways: @vscode/test-electron where a desktop VS Code can be had (VSCODE_EXECUTABLE
 * names one), code-server + headless Chromium otherwise (this machine: no download).
 * Writes the results file named by STRATA_RESULTS, as the mocha layers do.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  type CodeServer,
  REPO_ROOT,
  extensionTestUrl,
  launchBrowser,
  startCodeServer,
  tempDir,
} from './codeServer';
import { until } from './until';

const TESTS_MODULE = path.join(REPO_ROOT, 'out', 'test', 'vscode', 'index.js');
/** How long the extension tests may go without reporting a test (not the whole run's length, which grows with the suite). */
const TIMEOUT_MS = Number(process.env.STRATA_VSCODE_TIMEOUT_MS ?? 300_000);

/** A probe that is true once `file` exists, and throws when `log` has not grown for TIMEOUT_MS. */
function doneOrStalled(file: string, log: string): () => boolean {
  let size = -1;
  let since = Date.now();
  return () => {
    if (fs.existsSync(file)) {
      return true;
    }
    const now = fs.existsSync(log) ? fs.statSync(log).size : 0;
    if (now !== size) {
      size = now;
      since = Date.now();
    } else if (Date.now() - since > TIMEOUT_MS) {
      throw new Error('stalled');
    }
    return false;
  };
}

async function runWithElectron(executable: string, env: NodeJS.ProcessEnv): Promise<void> {
  // Loaded only here: its download path is unusable on machines without internet.
  const { runTests } = await import('@vscode/test-electron');
  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: TESTS_MODULE,
    extensionTestsEnv: env,
    launchArgs: [tempDir('ws'), '--disable-extensions', '--disable-workspace-trust'],
  });
}

/** Streams the file the extension host's tests write their console to. */
function follow(file: string): () => void {
  let offset = 0;
  const timer = setInterval(() => {
    if (!fs.existsSync(file)) {
      return;
    }
    const size = fs.statSync(file).size;
    if (size > offset) {
      const fd = fs.openSync(file, 'r');
      const buf = Buffer.alloc(size - offset);
      fs.readSync(fd, buf, 0, buf.length, offset);
      fs.closeSync(fd);
      offset = size;
      process.stdout.write(buf);
    }
  }, 200);
  return () => {
    clearInterval(timer);
    // drain what is left
    if (fs.existsSync(file) && fs.statSync(file).size > offset) {
      process.stdout.write(fs.readFileSync(file).subarray(offset));
    }
  };
}

async function runWithCodeServer(env: NodeJS.ProcessEnv, results: string): Promise<void> {
  const logDir = tempDir('vscode-log');
  let server: CodeServer | undefined;
  const browser = await launchBrowser();
  const stopFollowing = follow(env.STRATA_TEST_LOG as string);
  try {
    server = await startCodeServer({ env, logFile: path.join(logDir, 'code-server.log') });
    const page = await browser.newPage();
    await page.goto(extensionTestUrl(server, REPO_ROOT, TESTS_MODULE));
    await until('the extension tests to write their results', doneOrStalled(results, env.STRATA_TEST_LOG as string), 4 * 3600_000, 250).catch(async () => {
      const shot = path.join(REPO_ROOT, 'artifacts', 'vscode-timeout.png');
      fs.mkdirSync(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot }).catch(() => undefined);
      throw new Error(`the extension tests reported no test for ${TIMEOUT_MS / 1000} s (screenshot: ${shot}; code-server log: ${logDir})`);
    });
  } finally {
    stopFollowing();
    await browser.close();
    await server?.stop();
  }
}

async function main(): Promise<void> {
  const results = process.env.STRATA_RESULTS ?? path.join(tempDir('results'), 'vscode.json');
  fs.rmSync(results, { force: true });
  const log = path.join(tempDir('vscode-out'), 'tests.log');
  // STRATA_TEST_GREP: only the tests whose title matches (while working on one part).
  const env = { STRATA_RESULTS: results, STRATA_TEST_LOG: log, ...(process.env.STRATA_TEST_GREP ? { STRATA_TEST_GREP: process.env.STRATA_TEST_GREP } : {}) };
  const executable = process.env.VSCODE_EXECUTABLE;
  if (executable) {
    console.log(`Running the extension tests in ${executable} (@vscode/test-electron)`);
    const stop = follow(log);
    try {
      await runWithElectron(executable, env);
    } finally {
      stop();
    }
  } else {
    console.log('Running the extension tests in code-server 4.96.4 (VS Code 1.96.4) through headless Chromium');
    await runWithCodeServer(env, results);
  }
  if (!fs.existsSync(results)) {
    throw new Error('the extension tests ended without writing their results');
  }
}

main().catch((err: unknown) => {
  console.error(`vscode tests could not run: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
