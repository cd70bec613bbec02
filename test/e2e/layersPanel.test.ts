/**
 * The Layers panel in a real VS Code in a real browser: opened from the tree, a layer
 * selected, its changed files seen inside the webview frame; an image whose build step,
 * label and file names are HTML renders them as text, with no script run; a file of a
 * layer opens read-only beside the panel.
 */
import * as assert from 'assert';
import * as path from 'path';
import Docker from 'dockerode';
import type { FrameLocator, Page } from 'playwright-core';
import { buildFixtureImage, runTag } from '../harness/fixtures/fixtureImages';
import { ARTIFACTS, setUpVsCode } from './fixture';
import { imageMenu, runCommand } from './workbench';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(2)';
const LABEL = '<script>alert(3)</script>';

/** The panel's document: code-server nests the webview in two iframes. */
function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

describe('the Layers panel in a real VS Code in a real browser', () => {
  const docker = new Docker();
  const tag = runTag('p');
  const app = `strata-test/e2e-layers:app-${tag}`;
  const hostile = `strata-test/e2e-hostile:evil-${tag}`;
  // An image of its own for opening files: the app's panel keeps the place the tests above left it in.
  const files = `strata-test/e2e-layers:files-${tag}`;
  const appSteps = [
    'RUN mkdir -p /srv/app && echo "print(1)" > /srv/app/main.py && echo big > /srv/app/data.bin',
    'RUN rm /srv/app/data.bin && echo "print(2)" > /srv/app/main.py',
    'CMD ["sh"]',
  ];
  const dialogs: string[] = [];
  const vsCode = setUpVsCode({
    label: 'e2e-layers',
    setUp: async () => {
      await buildFixtureImage(docker, app, { unique: true, steps: appSteps });
      await buildFixtureImage(docker, files, { unique: true, steps: appSteps });
      await buildFixtureImage(docker, hostile, {
        steps: [`RUN touch '/${IMG}' '/${SCRIPT}'`, `LABEL evil="${LABEL}"`],
      });
    },
    page: { sideBarWidth: 520, dialogs },
  });

  it('Show Layers from the tree draws the stack; selecting a layer shows its changed files', async () => {
    const { page } = vsCode;
    await imageMenu(page, `app-${tag}`, 'Show Layers');
    const frame = panelFrame(page);
    await frame.locator('h1', { hasText: app }).waitFor({ timeout: 30_000 });
    // The analysis fills in efficiency and wasted bytes.
    await frame.locator('#efficiency dd', { hasText: '%' }).waitFor({ timeout: 60_000 });
    const blocks = frame.locator('button.block');
    assert.strictEqual(await blocks.count(), 5, 'five filesystem layers (run id, busybox, install, two RUNs)');
    assert.ok((await frame.locator('.marker', { hasText: 'CMD ["sh"]' }).count()) === 1, 'the CMD is a thin marker');
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-layers-panel.png') });

    // The last RUN removed data.bin and modified main.py.
    await frame.locator('button.block', { hasText: 'rm /srv/app/data.bin' }).click();
    await frame.locator('.layer-head h2', { hasText: 'Layer 5' }).waitFor();
    const srv = frame.locator('.tree .row', { hasText: 'srv' }).first();
    await srv.waitFor({ timeout: 15_000 });
    await srv.click();
    await frame.locator('.tree .row', { hasText: 'app' }).first().click();
    const removed = frame.locator('.tree .row.change-removed', { hasText: 'data.bin' });
    const modified = frame.locator('.tree .row.change-modified', { hasText: 'main.py' });
    await removed.waitFor({ timeout: 15_000 });
    await modified.waitFor({ timeout: 15_000 });
    assert.strictEqual(await removed.locator('.mark').innerText(), 'D');
    assert.strictEqual(await modified.locator('.mark').innerText(), 'M');
    // Keyboard: Down moves to the layer below.
    await frame.locator('button.block.selected').press('ArrowDown');
    await frame.locator('.layer-head h2', { hasText: 'Layer 4' }).waitFor();
    // Wasted space: main.py is written by two layers; selecting it highlights both.
    const wasted = frame.locator('.wasted-path', { hasText: '/srv/app/main.py' });
    await wasted.waitFor();
    await wasted.click();
    assert.strictEqual(await frame.locator('button.block.highlighted').count(), 2);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-layers-selected.png') });

    // A short window, scrolled down past the stack's own place: the stack stays in sight below the summary.
    await page.setViewportSize({ width: 1400, height: 560 });
    await page.waitForTimeout(300);
    const scrolled = await frame.locator('body').evaluate(() => {
      const root = document.scrollingElement as HTMLElement;
      root.scrollTop = 150;
      return root.scrollTop;
    });
    const summaryBox = await frame.locator('.summary').boundingBox();
    const stackBox = await frame.locator('.body > .stack').boundingBox();
    await page.setViewportSize({ width: 1400, height: 850 });
    assert.ok(scrolled >= 100, `the page scrolled (${scrolled} px)`);
    assert.ok(summaryBox && stackBox, 'the summary and the stack are drawn');
    assert.ok(stackBox.y >= summaryBox.y + summaryBox.height - 1, `the stack's top (${stackBox.y}) is below the summary (${summaryBox.y + summaryBox.height}), not under it`);
  });

  it('after a window reload the panel comes back (serializer), with its image', async () => {
    const { page } = vsCode;
    // Reload as a user does (Developer: Reload Window): the workbench saves its editors first.
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForEvent('load', { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const frame = panelFrame(page);
    await frame.locator('h1', { hasText: app }).waitFor({ timeout: 60_000 });
    await frame.locator('#efficiency dd', { hasText: '%' }).waitFor({ timeout: 60_000 });
    assert.strictEqual(await frame.locator('button.block').count(), 5);
  });

  it('an image whose step, label and file names are HTML renders them as text, running no script', async () => {
    const { page } = vsCode;
    await imageMenu(page, `evil-${tag}`, 'Show Layers');
    const frame = page.frameLocator('iframe.webview.ready >> nth=-1').frameLocator('#active-frame');
    await frame.locator('h1', { hasText: hostile }).waitFor({ timeout: 30_000 });
    await frame.locator('#efficiency dd', { hasText: '%' }).waitFor({ timeout: 60_000 });
    const step = frame.locator('button.block', { hasText: IMG });
    await step.waitFor();
    assert.ok((await step.innerText()).includes(`touch '/${IMG}' '/${SCRIPT}'`), 'the build step as text');
    await frame.locator('details.labels summary').click();
    await frame.locator('details.labels dd', { hasText: LABEL }).waitFor();
    await step.click();
    await frame.locator('.tree .row', { hasText: IMG }).waitFor({ timeout: 15_000 });
    await frame.locator('.tree .row', { hasText: SCRIPT }).waitFor();
    assert.strictEqual(await frame.locator('img').count(), 0, 'no <img> element was made from a name');
    assert.strictEqual(await frame.locator('body script').count(), 1, 'only the panel\'s own script');
    assert.deepStrictEqual(dialogs, [], 'no alert() ran');
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-layers-hostile.png') });
  });

  it('double-click or Enter on a file in the tree opens it read-only beside the panel, as its layer wrote it', async () => {
    const { page } = vsCode;
    await imageMenu(page, `files-${tag}`, 'Show Layers');
    const frame = page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
    await frame.locator('h1', { hasText: files }).waitFor({ timeout: 30_000 });
    await frame.locator('button.block', { hasText: 'rm /srv/app/data.bin' }).click();
    await frame.locator('.layer-head h2', { hasText: 'Layer 5' }).waitFor();
    await frame.locator('.tree .row', { hasText: 'srv' }).first().click();
    await frame.locator('.tree .row', { hasText: 'app' }).first().click();
    const removed = frame.locator('.tree .row.change-removed', { hasText: 'data.bin' });
    await removed.waitFor({ timeout: 15_000 });

    // A file this layer removed opens as the layer that wrote it had it.
    await removed.dblclick();
    await page.locator('.tab.active .label-name', { hasText: /^data\.bin$/ }).waitFor({ timeout: 30_000 });
    const editor = page.locator('.part.editor .editor-group-container.active .monaco-editor');
    await editor.locator('.view-lines', { hasText: 'big' }).waitFor({ timeout: 30_000 });
    assert.strictEqual(await page.locator('.part.editor .editor-group-container').count(), 2, 'beside the panel, which stays in view');
    // Read-only: typing is refused with VS Code's own message, and the text stays as the layer wrote it.
    await editor.locator('.view-lines').click();
    await page.keyboard.type('x');
    await page.locator('.monaco-editor-overlaymessage', { hasText: /read-only/i }).waitFor({ timeout: 10_000 });
    assert.strictEqual((await editor.locator('.view-lines').innerText()).trim(), 'big');

    // Enter on another row opens that one, in the same group beside the panel.
    await frame.locator('.tree .row.change-modified', { hasText: 'main.py' }).press('Enter');
    await page.locator('.tab.active .label-name', { hasText: /^main\.py$/ }).waitFor({ timeout: 30_000 });
    await editor.locator('.view-lines', { hasText: 'print(2)' }).waitFor({ timeout: 30_000 });
    assert.strictEqual(await page.locator('.part.editor .editor-group-container').count(), 2, 'still two groups');
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-layer-file.png') });
  });
});
