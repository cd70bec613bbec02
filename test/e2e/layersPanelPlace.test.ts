/**
 * The Layers panel keeps the user's place, in a real VS Code in a real browser: typing
 * in the filter while the analysis streams its progress keeps the focus, the caret and
 * the text (the page is not redrawn, only the progress line); after Developer: Reload
 * Window the panel comes back with the same layer, filter, open folders and scroll; a
 * folder the host cannot list shows the host's sentence where its rows would be.
 */
import * as assert from 'assert';
import * as path from 'path';
import Docker from 'dockerode';
import type { FrameLocator, Page } from 'playwright-core';
import { FaultProxy } from '../harness/proxies/faultProxy';
import { buildFixtureImage, runTag } from '../harness/fixtures/fixtureImages';
import { ARTIFACTS, setUpVsCode } from './fixture';
import { imageMenu, runCommand } from './workbench';

/**
 * The export is held to this rate until the typing is done, so the analysis is still
 * reading, and its progress streaming, however fast the machine is; then it goes at full speed.
 */
const HELD_BYTES_PER_SECOND = 256 * 1024;
/** Many times what passes at that rate while the panel opens and the user types. */
const BIG_BYTES = 40_000_000;
const FILTER = 'file-3';

/** The panel's document: code-server nests the webview in two iframes. */
function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** What the webview page saw, recorded inside it (see `watchPanel`). */
interface Watched {
  progress: number;
  /** Each DOM change before the analysis arrived: the class of the element it touched, and what it was. */
  touched: string[];
  analysisArrived: boolean;
}

type Tagged = HTMLElement & { strataTag?: string };

/**
 * Inside the panel's frame: counts the progress messages, records which elements the DOM
 * changes touch until the analysis arrives, and tags the filter and the selects so that a
 * rebuilt control (a new element in its place) would be seen.
 */
async function watchPanel(frame: FrameLocator): Promise<void> {
  await frame.locator('body').evaluate(() => {
    const w = window as unknown as { watched: Watched; postMessage: (message: unknown, ...rest: unknown[]) => void };
    w.watched = { progress: 0, touched: [], analysisArrived: false };
    // The webview's outer frame hands each host message to this frame's postMessage: a
    // wrapper sees it before the panel's listener does (a listener added now would run after).
    const original = window.postMessage.bind(window) as (message: unknown, ...rest: unknown[]) => void;
    w.postMessage = (message: unknown, ...rest: unknown[]) => {
      const m = message as { type?: string } | undefined;
      if (m?.type === 'progress') {
        w.watched.progress++;
      } else if (m?.type === 'analysis') {
        w.watched.analysisArrived = true;
      }
      original(message, ...rest);
    };
    new MutationObserver((records) => {
      if (!w.watched.analysisArrived) {
        for (const r of records) {
          const target = r.target instanceof Element ? r.target : r.target.parentElement;
          const where = target?.closest('[class]')?.className ?? target?.tagName ?? '?';
          w.watched.touched.push(`${where}: ${r.type}${r.attributeName ? ` ${r.attributeName}` : ''} on ${r.target.nodeName}`);
        }
      }
    }).observe(document.getElementById('app') as HTMLElement, { subtree: true, childList: true, characterData: true, attributes: true });
    document.querySelectorAll<Tagged>('.tree-controls select, .tree-controls input').forEach((e, i) => {
      e.strataTag = `control-${i}`;
    });
  });
}

async function watched(frame: FrameLocator): Promise<Watched> {
  return frame.locator('body').evaluate(() => (window as unknown as { watched: Watched }).watched);
}

describe('the Layers panel keeps the user\'s place, in a real VS Code in a real browser', () => {
  const docker = new Docker();
  const tag = runTag('place');
  const app = `strata-test/e2e-place:app-${tag}`;
  let treeScroll = 0;
  // Strata reaches the engine through it (DOCKER_HOST), so that the test decides how fast the export comes.
  const engineProxy = new FaultProxy(`/tmp/strata-e2e-place-${process.pid}.sock`);
  const vsCode = setUpVsCode({
    label: 'e2e-place',
    setUp: async () => {
      await buildFixtureImage(docker, app, {
        unique: true,
        steps: [
          'RUN mkdir -p /srv/app/many && for i in $(seq 1 400); do echo $i > /srv/app/many/file-$i.txt; done',
          `RUN head -c ${BIG_BYTES} /dev/urandom > /srv/big.bin`,
        ],
      });
      await engineProxy.start();
    },
    tearDown: () => engineProxy.stop(),
    server: { env: { DOCKER_HOST: `unix://${engineProxy.path}` } },
    page: { sideBarWidth: 520 },
  });

  it('typing in the filter while the analysis streams in keeps the focus, the caret and the text', async () => {
    const { page } = vsCode;
    engineProxy.throttle = { path: /\/images\/[^/]+\/get\b/, bytesPerSecond: HELD_BYTES_PER_SECOND };
    await imageMenu(page, `app-${tag}`, 'Show Layers');
    const frame = panelFrame(page);
    await frame.locator('h1', { hasText: app }).waitFor({ timeout: 30_000 });
    // The steps are drawn before the analysis: select the layer of the 400 files while it reads.
    await frame.locator('button.block', { hasText: 'mkdir -p /srv/app/many' }).click();
    await frame.locator('.layer-head h2', { hasText: 'Layer 4' }).waitFor();
    await frame.locator('.progress').waitFor({ timeout: 30_000 });
    await watchPanel(frame);
    const filter = frame.locator('.tree-controls input[type="search"]');
    await filter.click();
    const before = await watched(frame);
    assert.ok(!before.analysisArrived, 'the analysis is still reading when the typing starts (the proxy holds the export back)');
    const started = Date.now();
    // Slower than the filter's 150 ms wait: each key also asks the tree again.
    await page.keyboard.type(FILTER, { delay: 250 });
    const typingMs = Date.now() - started;
    const during = await watched(frame);
    const progressWhileTyping = during.progress - before.progress;
    const after = await filter.evaluate((input: HTMLInputElement) => ({
      focused: document.activeElement === input,
      value: input.value,
      caret: input.selectionStart,
      same: (input as Tagged).strataTag !== undefined,
    }));
    // After the measuring: a screenshot hides the caret by a style on the input (a DOM change).
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-place-typing.png'), caret: 'initial' });
    assert.ok(progressWhileTyping >= 3, `progress messages arrived while typing (${progressWhileTyping} in ${typingMs} ms)`);
    assert.deepStrictEqual(after, { focused: true, value: FILTER, caret: FILTER.length, same: true }, 'the filter kept focus, text and caret, and is the same element');
    const others = during.touched.filter((c) => !c.startsWith('progress: '));
    assert.deepStrictEqual(others, [], `only the progress line changed while the analysis streamed (${during.touched.length} changes)`);
    console.log(
      `      measured: ${progressWhileTyping} progress messages in ${typingMs} ms of typing (${during.progress} since the layer was selected);` +
        ` ${during.touched.length} DOM changes before the analysis, all in .progress; analysis ${during.analysisArrived ? 'arrived during' : 'still reading after'} the typing`,
    );

    // The export let go, the analysis arrives: the facts fill in, the tree loads with the filter; the controls are the same elements.
    engineProxy.throttle = undefined;
    await frame.locator('#efficiency dd', { hasText: '%' }).waitFor({ timeout: 120_000 });
    await frame.locator('.tree .row', { hasText: 'srv' }).first().waitFor({ timeout: 15_000 });
    const controls = await frame.locator('.tree-controls select, .tree-controls input').evaluateAll((es) => es.map((e) => (e as Tagged).strataTag ?? 'new'));
    assert.deepStrictEqual(controls, ['control-0', 'control-1', 'control-2'], 'the selects and the filter were never rebuilt');
    assert.strictEqual(await filter.inputValue(), FILTER);
    assert.ok(await filter.evaluate((input) => document.activeElement === input), 'the analysis did not take the focus away');
    assert.strictEqual(await frame.locator('.progress').isVisible(), false, 'the progress line is gone');
  });

  it('folders opened and the tree scrolled are the place a reload comes back to', async () => {
    const { page } = vsCode;
    const frame = panelFrame(page);
    for (const name of ['srv', 'app', 'many']) {
      const folder = frame.locator(`.tree .row[data-path$="${name}"]`).first();
      await folder.click();
      await frame.locator(`.tree .row[aria-expanded="true"][data-path$="${name}"]`).waitFor({ timeout: 15_000 });
    }
    // file-3, file-30…39, file-300…399: the filter kept 111 of the 400.
    await frame.locator('.tree .row', { hasText: 'file-399.txt' }).waitFor({ timeout: 15_000 });
    assert.strictEqual(await frame.locator('.tree .row[data-path^="srv/app/many/"]').count(), 111);
    await frame.locator('.tree .row', { hasText: 'file-310.txt' }).hover();
    await page.mouse.wheel(0, 600);
    // Until the scroll settles (a wheel scrolls smoothly) and the panel has saved it (100 ms after the last).
    treeScroll = await frame.locator('.tree').evaluate(
      (t) =>
        new Promise<number>((resolve) => {
          let last = -1;
          const timer = setInterval(() => {
            if (t.scrollTop === last) {
              clearInterval(timer);
              setTimeout(() => resolve(t.scrollTop), 300);
            }
            last = t.scrollTop;
          }, 200);
        }),
    );
    assert.ok(treeScroll > 100, `the tree scrolled (${treeScroll} px)`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-place-before-reload.png') });

    await runCommand(page, 'Developer: Reload Window');
    await page.waitForEvent('load', { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const restored = panelFrame(page);
    await restored.locator('h1', { hasText: app }).waitFor({ timeout: 60_000 });
    // Before the analysis (a new extension host reads the image again): the layer and the filter are back.
    await restored.locator('button.block.selected', { hasText: 'mkdir -p /srv/app/many' }).waitFor({ timeout: 30_000 });
    await restored.locator('.layer-head h2', { hasText: 'Layer 4' }).waitFor();
    assert.strictEqual(await restored.locator('.tree-controls input[type="search"]').inputValue(), FILTER);
    // After it: the same folders open, the same rows, the same scroll.
    await restored.locator('#efficiency dd', { hasText: '%' }).waitFor({ timeout: 120_000 });
    await restored.locator('.tree .row', { hasText: 'file-399.txt' }).waitFor({ timeout: 15_000 });
    const open = await restored.locator('.tree .row[aria-expanded="true"]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.path));
    assert.deepStrictEqual(open, ['srv', 'srv/app', 'srv/app/many']);
    assert.strictEqual(await restored.locator('.tree .row[data-path^="srv/app/many/"]').count(), 111);
    const scroll = await restored.locator('.tree').evaluate((t) => t.scrollTop);
    assert.ok(Math.abs(scroll - treeScroll) <= 2, `the tree is scrolled where it was (${scroll} px, was ${treeScroll} px)`);
    assert.strictEqual(await restored.locator('button.block.selected').count(), 1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-place-after-reload.png') });
  });

  it('a folder the host cannot list shows the host\'s sentence where its rows would be', async () => {
    const { page } = vsCode;
    const frame = panelFrame(page);
    const sentence = '/srv/app/many is not among the changes of layer 4.';
    // The host's `failed` reply, as the webview receives it: the next `children` answer is
    // turned into one (its request id kept) before the panel sees it.
    await frame.locator('body').evaluate((_, text) => {
      const w = window as unknown as { postMessage: (message: unknown, ...rest: unknown[]) => void };
      const original = w.postMessage.bind(window);
      let armed = true;
      w.postMessage = (message: unknown, ...rest: unknown[]) => {
        const m = message as { type?: string; requestId?: number } | undefined;
        if (armed && m?.type === 'children') {
          armed = false;
          original({ type: 'failed', requestId: m.requestId, error: text }, ...rest);
        } else {
          original(message, ...rest);
        }
      };
    }, sentence);
    const many = frame.locator('.tree .row[data-path="srv/app/many"]');
    await many.click(); // close
    await frame.locator('.tree .row[data-path="srv/app/many"][aria-expanded="false"]').waitFor();
    await many.click(); // open again: this answer is an error
    const error = frame.locator('.tree .tree-error');
    await error.waitFor({ timeout: 15_000 });
    assert.strictEqual(await error.innerText(), sentence);
    assert.strictEqual(await frame.locator('.tree .row[data-path^="srv/app/many/"]').count(), 0, 'no rows where the sentence is');
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-place-tree-error.png') });
    // The next request is answered normally again.
    await many.click();
    await many.click();
    await frame.locator('.tree .row', { hasText: 'file-399.txt' }).waitFor({ timeout: 15_000 });
    assert.strictEqual(await error.count(), 0);
  });
});
