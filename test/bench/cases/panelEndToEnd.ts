/**
 * Case `panel`: the Layers panel end to end, as a user meets it. The packaged .vsix in
 * code-server, Chromium driven by Playwright: right-click the realistic image's tag in the
 * Images view, Show Layers, and the time until the analysis is on screen in the webview
 * (its efficiency figure, which only the analysis fills in). In turns with it, the same
 * export read to nowhere (the floor) and `docker save | tar -t` (the CLI).
 *
 * Each run is a fresh code-server with a fresh user data folder and a fresh folder of kept
 * analyses (XDG_CACHE_HOME): nothing of the window before is kept, so no analysis is
 * cached and no panel is restored (a Developer: Reload
 * Window would bring the panel back through its serializer, which starts the analysis
 * before the click). The same fresh window gives the activation figures: from the
 * extension host's "activating" log line, and from the click on the Strata icon, to the
 * first row drawn in the Images view.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { REPO_ROOT, type CodeServer, installExtension, launchBrowser, startCodeServer, tempDir } from '../../harness/codeServer';
import { openVsCode } from '../../e2e/workbench';
import { interleave } from '../measure';
import type { RawEngine } from '../rawEngine';
import { type CaseResult, ratio, summarize } from '../stats';

const VSIX = path.join(REPO_ROOT, 'strata.vsix');
/** A package to measure as it is, not rebuilt (one built from a commit while the working tree is being edited). */
const GIVEN_VSIX = process.env.STRATA_BENCH_VSIX;
const EXTENSION_ID = 'strata-dev.strata';
/** What the .vsix is made from: a newer file means the package is stale. */
const PACKAGE_SOURCES = ['src', 'media', 'package.json', 'package.nls.json', 'esbuild.js'];
/** Long enough for a slow analysis on a busy machine; a hang fails the case rather than the bench waiting for ever. */
const ANALYSIS_TIMEOUT_MS = 180_000;

const log = (line: string) => process.stderr.write(`${line}\n`);

function newestMtime(p: string): number {
  const stat = fs.statSync(p, { throwIfNoEntry: false });
  if (!stat) {
    return 0;
  }
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  return Math.max(0, ...fs.readdirSync(p).map((name) => newestMtime(path.join(p, name))));
}

/**
 * The package to install: STRATA_BENCH_VSIX if given, else strata.vsix, built for
 * production when it is missing or older than what it is made from (the bench compiles
 * only the tests).
 */
function ensurePackage(): string {
  if (GIVEN_VSIX) {
    if (!fs.existsSync(GIVEN_VSIX)) {
      throw new Error(`STRATA_BENCH_VSIX names ${GIVEN_VSIX}, which does not exist`);
    }
    return GIVEN_VSIX;
  }
  const vsix = fs.statSync(VSIX, { throwIfNoEntry: false });
  const newest = Math.max(...PACKAGE_SOURCES.map((p) => newestMtime(path.join(REPO_ROOT, p))));
  if (vsix && vsix.mtimeMs >= newest) {
    return VSIX;
  }
  log(`panel: ${vsix ? 'strata.vsix is older than the sources' : 'no strata.vsix'}: npm run compile && npm run package…`);
  for (const script of ['compile', 'package']) {
    try {
      // Output to stderr: stdout is the bench's table.
      execFileSync('npm', ['run', script, '--silent'], { cwd: REPO_ROOT, stdio: ['ignore', 2, 2] });
    } catch {
      throw new Error(`npm run ${script} failed, so there is no current strata.vsix to measure (see its output above; STRATA_BENCH_VSIX=FILE measures a package built elsewhere)`);
    }
  }
  return VSIX;
}

function cliSaveList(reference: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `docker save "${reference}" | tar -t > /dev/null`], { stdio: 'ignore' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker save | tar -t exited ${code}`))));
  });
}

function imagesPane(page: Page): Locator {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Images' }) });
}

/**
 * Notes in the page the wall-clock time the Images view's first row is put in the DOM
 * (repositories are drawn expanded, so that is the first list drawn). Installed before
 * the view is opened.
 */
async function watchFirstRow(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { strataFirstRow?: number };
    const drawn = () =>
      [...document.querySelectorAll('.pane')]
        .filter((p) => p.querySelector('.pane-header')?.textContent?.includes('Images'))
        .some((p) => [...p.querySelectorAll('.monaco-list-row .label-name')].some((l) => (l.textContent ?? '').trim() !== ''));
    const observer = new MutationObserver(() => {
      if (w.strataFirstRow === undefined && drawn()) {
        w.strataFirstRow = Date.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

/** The row of `tag` under `repository` (another repository may have the same tag). */
async function tagRow(page: Page, repository: string, tag: string): Promise<Locator> {
  const pane = imagesPane(page);
  await pane.locator('.monaco-list-row', { hasText: repository }).first().waitFor({ timeout: 60_000 });
  const index = await pane.locator('.monaco-list-row').evaluateAll(
    (rows, [repo, t]) => {
      const byIndex = rows
        .map((r) => ({ index: Number(r.getAttribute('data-index')), level: Number(r.getAttribute('aria-level')), label: (r.querySelector('.label-name')?.textContent ?? '').trim() }))
        .sort((a, b) => a.index - b.index);
      const at = byIndex.findIndex((r) => r.label === repo);
      if (at < 0) {
        return -1;
      }
      for (const r of byIndex.slice(at + 1)) {
        if (r.level <= byIndex[at].level) {
          break;
        }
        if (r.level === byIndex[at].level + 1 && r.label === t) {
          return r.index;
        }
      }
      return -1;
    },
    [repository, tag],
  );
  if (index < 0) {
    throw new Error(`the Images view shows no tag "${tag}" under ${repository}`);
  }
  return pane.locator(`.monaco-list-row[data-index="${index}"]`);
}

/** When the extension host began activating Strata (its own log line), and for which event. */
function activationStart(userDataDir: string): { at: number; event: string } {
  const logs = path.join(userDataDir, 'logs');
  for (const session of fs.readdirSync(logs)) {
    for (const host of fs.readdirSync(path.join(logs, session)).filter((d) => d.startsWith('exthost'))) {
      const file = path.join(logs, session, host, 'remoteexthost.log');
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      const m = new RegExp(`^(\\d{4}-\\d\\d-\\d\\d) (\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) \\[info\\] ExtensionService#_doActivateExtension ${EXTENSION_ID.replace('.', '\\.')},.*activationEvent: '([^']*)'`, 'm').exec(text);
      if (m) {
        // The log is in local time, as `new Date` reads a date-time without a zone.
        return { at: new Date(`${m[1]}T${m[2]}`).getTime(), event: m[3] };
      }
    }
  }
  throw new Error(`no activation of ${EXTENSION_ID} in the extension host's log under ${logs}`);
}

/** The panel's document: code-server nests the webview in two iframes. */
function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Milliseconds from `start` until `locator` is visible; undefined if `until` settles first. */
function seenAt(locator: Locator, start: number, until: Promise<unknown>): Promise<number | undefined> {
  return Promise.race([
    locator.waitFor({ timeout: ANALYSIS_TIMEOUT_MS }).then(
      () => performance.now() - start,
      () => undefined,
    ),
    until.then(
      () => undefined,
      () => undefined,
    ),
  ]);
}

interface PanelRun {
  /** Click on Show Layers → the analysis drawn (the efficiency figure). */
  analysisMs: number;
  /** Click → the stack drawn (the heading names the image: the host's `init`). */
  stackMs?: number;
  /** Click → the first "Reading the image" progress line (bytes flowing). */
  readingMs?: number;
  /** Activation log line → first row in the Images view. */
  activationMs: number;
  /** Click on the Strata icon → first row. */
  iconMs: number;
  event: string;
}

/**
 * One fresh window. `cacheHome`: the XDG cache folder of its extension host, where the
 * analyses kept on disk live: a new empty one for an image never analysed, the folder of
 * an earlier run for one analysed before (as another window or VS Code of the user would).
 */
async function panelRun(browser: Browser, extensionsDir: string, logDir: string, reference: string, cacheHome = tempDir('bench-xdg')): Promise<PanelRun> {
  const [repository, tag] = [reference.slice(0, reference.lastIndexOf(':')), reference.slice(reference.lastIndexOf(':') + 1)];
  let server: CodeServer | undefined;
  let page: Page | undefined;
  try {
    server = await startCodeServer({ extensionsDir, logFile: path.join(logDir, 'code-server.log'), env: { XDG_CACHE_HOME: cacheHome } });
    page = await openVsCode(browser, server);
    await watchFirstRow(page);
    const icon = page.locator('.activitybar .action-item a[aria-label^="Strata"]');
    await icon.waitFor({ timeout: 60_000 });
    const clicked = Date.now();
    await icon.click();
    const firstRow = await page.waitForFunction(() => (window as unknown as { strataFirstRow?: number }).strataFirstRow, undefined, { timeout: 60_000 });
    const firstRowAt = Number(await firstRow.jsonValue());
    const row = await tagRow(page, repository, tag);
    const activation = activationStart(server.userDataDir);
    // A person reads the list before right-clicking; the background work after the first list settles meanwhile.
    await page.waitForTimeout(1000);

    await row.click({ button: 'right' });
    // As clickMenuItem (hover, 200 ms, click: the workbench ignores a mouse-up right after the
    // menu opened), with the clock started just before the click.
    const menuItem = page.locator('.context-view .monaco-menu').getByRole('menuitem', { name: 'Show Layers', exact: true });
    await menuItem.waitFor({ timeout: 10_000 });
    await menuItem.hover();
    await page.waitForTimeout(200);
    const start = performance.now();
    await menuItem.click();

    const frame = panelFrame(page);
    const drawn = frame.locator('#efficiency dd', { hasText: '%' }).waitFor({ timeout: ANALYSIS_TIMEOUT_MS }).then(() => performance.now() - start);
    const failed = frame
      .locator('.summary .error[role="alert"]')
      .waitFor({ timeout: ANALYSIS_TIMEOUT_MS })
      .then(async () => {
        throw new Error(`the panel showed an error: ${await frame.locator('.summary .error[role="alert"]').innerText()}`);
      });
    const stack = seenAt(frame.locator('h1', { hasText: reference }), start, drawn);
    const reading = seenAt(frame.locator('.progress', { hasText: 'Reading the image' }), start, drawn);
    // The error wait is left to time out (or the page to close) once the analysis is drawn.
    failed.catch(() => undefined);
    const analysisMs = await Promise.race([drawn, failed]);
    const heading = await frame.locator('h1').innerText();
    if (heading !== reference) {
      throw new Error(`the panel shows ${heading}, not ${reference}`);
    }
    return {
      analysisMs,
      stackMs: await stack,
      readingMs: await reading,
      activationMs: firstRowAt - activation.at,
      iconMs: firstRowAt - clicked,
      event: activation.event,
    };
  } finally {
    await page?.close().catch(() => undefined);
    await server?.stop();
    for (const dir of [server?.userDataDir, server?.workspace]) {
      if (dir) {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}

export async function benchPanel(raw: RawEngine, reference: string, runs: number): Promise<{ results: CaseResult[]; context: Record<string, unknown> }> {
  const vsix = ensurePackage();
  const exportPath = `/images/${encodeURIComponent(reference)}/get`;
  const mb = (await raw.drain(exportPath)) / 1e6;
  const work = tempDir('bench-panel');
  const extensionsDir = path.join(work, 'extensions');
  let browser: Browser | undefined;
  let finished = false;
  try {
    installExtension(vsix, extensionsDir, path.join(work, 'install'));
    browser = await launchBrowser();
    const opened = browser;
    log(`panel: Show Layers on ${reference} (${mb.toFixed(0)} MB export) in a fresh code-server each run, beside the raw export and docker save | tar -t; 1 warm-up and ${runs} runs each…`);
    const kept: PanelRun[] = [];
    let calls = 0;
    const samples = await interleave(
      runs,
      {
        panel: async () => {
          const run = await panelRun(opened, extensionsDir, work, reference);
          // The first call is the warm-up: its figures are not kept.
          if (calls++ > 0) {
            kept.push(run);
          }
          log(`panel: analysis on screen ${run.analysisMs.toFixed(0)} ms (stack ${run.stackMs?.toFixed(0) ?? '?'} ms, reading from ${run.readingMs?.toFixed(0) ?? '?'} ms); activation → first row ${run.activationMs} ms`);
          return run.analysisMs;
        },
        raw: async () => {
          const start = performance.now();
          await raw.drain(exportPath);
          return performance.now() - start;
        },
        cli: async () => {
          const start = performance.now();
          await cliSaveList(reference);
          return performance.now() - start;
        },
      },
      1,
    );
    // Analysed before, in another window: the same folder of kept analyses, a fresh window each run.
    const keptHome = tempDir('bench-xdg-kept');
    await panelRun(opened, extensionsDir, work, reference, keptHome);
    const reopened: number[] = [];
    for (let i = 0; i < runs; i++) {
      reopened.push((await panelRun(opened, extensionsDir, work, reference, keptHome)).analysisMs);
    }
    fs.rmSync(keptHome, { recursive: true, force: true });
    const panel = summarize(samples.panel);
    const rawSummary = summarize(samples.raw);
    const r = ratio(panel, rawSummary) ?? Infinity;
    const numbers = (pick: (p: PanelRun) => number | undefined) => kept.map(pick).filter((n): n is number => n !== undefined);
    const stack = summarize(numbers((p) => p.stackMs));
    const reading = summarize(numbers((p) => p.readingMs));
    const events = [...new Set(kept.map((p) => p.event))];
    finished = true;
    return {
      results: [
        {
          name: `Layers panel end to end, ${mb.toFixed(0)} MB`,
          strata: panel,
          raw: rawSummary,
          cli: summarize(samples.cli),
          goal: '≤ 1.5× raw export',
          met: r <= 1.5,
          note:
            `click on Show Layers (right-click menu of ${reference} in the Images view, code-server + Chromium, the packaged .vsix, a fresh code-server each run) to the efficiency figure drawn in the webview;` +
            ` medians: stack drawn at ${stack.median.toFixed(0)} ms, "Reading the image" from ${reading.median.toFixed(0)} ms; raw: GET ${exportPath} read to nowhere; CLI: docker save | tar -t`,
        },
        {
          name: `Layers panel, analysed before in another window`,
          strata: summarize(reopened),
          goal: '≤ 500 ms',
          met: summarize(reopened).median <= 500,
          note: 'the same click to the efficiency figure in a fresh window whose extension host shares the kept analyses (XDG_CACHE_HOME) of an earlier window: no export',
        },
        {
          name: 'activation → first image row',
          strata: summarize(kept.map((p) => p.activationMs)),
          goal: 'reported',
          note: `from the extension host's "ExtensionService#_doActivateExtension ${EXTENSION_ID}" log line (event ${events.join(', ')}) to the first row of the Images view put in the DOM, each in a fresh window`,
        },
        {
          name: 'Strata icon click → first image row',
          strata: summarize(kept.map((p) => p.iconMs)),
          goal: 'reported',
          note: 'what the user waits for: the activity-bar click (which activates the extension) to the same first row',
        },
      ],
      context: {
        panelImage: reference,
        panelPackage: vsix,
        panelExportMB: Math.round(mb),
        panelRuns: runs,
        panelStackMs: stack.median,
        panelReadingFromMs: reading.median,
        panelActivationEvents: events,
      },
    };
  } finally {
    await browser?.close();
    if (finished) {
      fs.rmSync(work, { recursive: true, force: true });
    } else {
      log(`panel: code-server's output kept in ${path.join(work, 'code-server.log')}`);
    }
  }
}
