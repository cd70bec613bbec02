/**
 * The extension tests module: VS Code's extension host calls `run()` after loading the
 * development extension (test-electron and code-server alike). Mocha runs every
 * *.test.js beside this file and in the folders below it, with the counting reporter, whose results file the runner
 * waits for. The host's console is not visible under code-server, so the reporter's output
 * is also written to STRATA_TEST_LOG, which the runner prints.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import Mocha from 'mocha';

/** Mocha's reporters print through Base.consoleLog; copy what they print to a file. */
function teeReporterOutput(file: string | undefined): void {
  if (!file) {
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // The extension host's console.log cannot be replaced (assignments are ignored).
  const original = Mocha.reporters.Base.consoleLog;
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
    const line = util.format(...args);
    original(line);
    fs.appendFileSync(file, `${line}\n`);
  };
}

export async function run(): Promise<void> {
  teeReporterOutput(process.env.STRATA_TEST_LOG);
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 60_000,
    forbidOnly: true,
    forbidPending: true,
    reporter: require.resolve('../../../test/harness/countingReporter.js'),
  });
  if (process.env.STRATA_TEST_GREP) {
    mocha.grep(new RegExp(process.env.STRATA_TEST_GREP));
  }
  // Every *.test.js here and in the folders below (panels/…), in a stable order.
  const files = (fs.readdirSync(__dirname, { recursive: true }) as string[]).filter((f) => f.endsWith('.test.js')).sort();
  for (const file of files) {
    mocha.addFile(path.join(__dirname, file));
  }
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) {
    throw new Error(`${failures} extension test(s) failed`);
  }
}
