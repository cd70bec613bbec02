/**
 * Comparing two images in a real VS Code in a real browser, with the packaged .vsix:
 * right-click → Select for Compare, right-click another → Compare with Selected; the panel
 * draws the layers both share as one band, what changed besides files (packages, the
 * configuration) and the changed files; an image's hostile
 * file name and label render as text; screenshots in a light and a dark theme. A rebuilt
 * tag offers Compare with Previous Build (and an image that was not rebuilt does not).
 */
import * as assert from 'assert';
import * as path from 'path';
import Docker from 'dockerode';
import type { FrameLocator, Page } from 'playwright-core';
import { buildFixtureImage, runTag } from '../harness/fixtures/fixtureImages';
import { ARTIFACTS, setUpVsCode } from './fixture';
import { DARK, LIGHT, imageMenu, namedRow, runCommand, useTheme } from './workbench';

const IMG = '<img src=x onerror=alert(1)>';
const LABEL = '<script>alert(3)</script>';

/** The newest panel's document: code-server nests each webview in two iframes. */
function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready >> nth=-1').frameLocator('#active-frame');
}

/** The labels of the context menu an image row opens (the menu is closed again). */
async function menuLabels(page: Page, rowText: string): Promise<string[]> {
  const imageRow = namedRow(page, rowText);
  await imageRow.waitFor({ timeout: 30_000 });
  await imageRow.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.getByRole('menuitem').first().waitFor({ timeout: 10_000 });
  const labels = (await menu.getByRole('menuitem').allInnerTexts()).map((t) => t.split('\n')[0].trim());
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden' });
  return labels;
}

/** Hides or shows the side bar (a screenshot gives the panel the whole width). */
async function showSideBar(page: Page, shown: boolean): Promise<void> {
  const sideBar = page.locator('.part.sidebar');
  if ((await sideBar.isVisible()) !== shown) {
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  }
  await sideBar.waitFor({ state: shown ? 'visible' : 'hidden' });
}

describe('comparing two images in a real VS Code in a real browser', function () {
  this.timeout(240_000);
  const docker = new Docker();
  const tag = runTag('cmp');
  const base = `strata-test/e2e-compare-base:${tag}`;
  const a = `strata-test/e2e-compare:a-${tag}`;
  const b = `strata-test/e2e-compare:b-${tag}`;
  const rebuilt = `strata-test/e2e-compare:rebuilt-${tag}`;
  const dialogs: string[] = [];
  const vsCode = setUpVsCode({
    label: 'e2e-compare',
    setUp: async () => {
      await buildFixtureImage(docker, base, { unique: true, steps: ['RUN head -c 300000 /dev/urandom > /base.bin'] });
      await buildFixtureImage(docker, a, {
        dockerfile: [`FROM ${base}`, 'RUN mkdir -p /srv/app && echo one > /srv/app/config && echo old > /srv/app/old.txt && head -c 40000 /dev/zero > /srv/app/data.bin'].join('\n'),
      });
      await buildFixtureImage(docker, b, {
        dockerfile: [
          `FROM ${base}`,
          `RUN mkdir -p /srv/app && echo two > /srv/app/config && echo new > /srv/app/new.txt && head -c 90000 /dev/zero > /srv/app/data.bin && touch '/srv/app/${IMG}'`,
          `LABEL evil="${LABEL}"`,
          'LABEL org.opencontainers.image.version=1.4.3',
        ].join('\n'),
      });
      const version = (v: string) => [`FROM ${base}`, 'RUN echo rebuilt > /name.txt', `RUN echo ${v} > /version.txt`].join('\n');
      await buildFixtureImage(docker, rebuilt, { dockerfile: version('v1') });
      await buildFixtureImage(docker, rebuilt, { dockerfile: version('v2') });
    },
    server: { settings: { 'workbench.colorTheme': LIGHT } },
    page: { sideBarWidth: 480, dialogs },
  });

  it('Select for Compare, then Compare with Selected: the shared band across both stacks, the changed files, hostile text as text; light and dark', async () => {
    const { page } = vsCode;
    const before = await menuLabels(page, `a-${tag}`);
    assert.ok(before.includes('Select for Compare') && before.includes('Compare with…'), `the menu offers Select for Compare (${before.join(' | ')})`);
    assert.ok(!before.includes('Compare with Selected'), 'Compare with Selected shows only once an image is selected');
    await imageMenu(page, `a-${tag}`, 'Select for Compare');
    await imageMenu(page, `b-${tag}`, 'Compare with Selected');

    const frame = panelFrame(page);
    await frame.locator('.side-a .side-name', { hasText: a }).waitFor({ timeout: 30_000 });
    await frame.locator('.side-b .side-name', { hasText: b }).waitFor();
    // The analysis of both fills in the summary.
    await frame.locator('#fact-files dd', { hasText: 'added' }).waitFor({ timeout: 90_000 });
    assert.strictEqual(await frame.locator('.shared-band .block').count(), 4, 'the base\'s four layers, drawn once across both columns');
    assert.match(await frame.locator('.shared-label').innerText(), /shared by A and B: the 4 bottom layers/);
    assert.strictEqual(await frame.locator('.column-a .block').count(), 1);
    assert.strictEqual(await frame.locator('.column-b .block').count(), 1);
    assert.match(await frame.locator('#fact-shared dd').innerText(), /in 4 layers/);
    assert.strictEqual(await frame.locator('#fact-files dd').innerText(), '2 added, 1 removed, 2 modified');

    // What changed besides files, above them: no package database in either, B's two labels, each
    // with its name on one line and its values below (a long label name does not squeeze them).
    await frame.locator('#semantic-packages .hint', { hasText: 'No package database' }).waitFor();
    const configRows = frame.locator('#semantic-config .semantic-row');
    assert.deepStrictEqual(await frame.locator('#semantic-config .config-name').allInnerTexts(), ['LABEL evil', 'LABEL org.opencontainers.image.version']);
    assert.deepStrictEqual(await frame.locator('#semantic-config .config-values').allInnerTexts(), [`(not set) → ${LABEL}`, '(not set) → 1.4.3']);
    assert.strictEqual(await configRows.locator('.semantic-mark.change-added').count(), 2);
    const line = (await frame.locator('#semantic-config .config-name', { hasText: /^LABEL evil$/ }).boundingBox())?.height ?? 0;
    for (const values of await frame.locator('#semantic-config .config-values').all()) {
      const box = await values.boundingBox();
      assert.ok(line > 0 && box && box.height < 1.5 * line, `the values sit on one line (${JSON.stringify(box)}, a line is ${line} px)`);
    }

    // The tree, sorted by size change: srv, then app, then the files with their reasons.
    await frame.locator('.diff-tree .row', { hasText: 'srv' }).first().click();
    await frame.locator('.diff-tree .row', { hasText: 'app' }).first().click();
    const added = frame.locator('.diff-tree .row.change-added', { hasText: 'new.txt' });
    const removed = frame.locator('.diff-tree .row.change-removed', { hasText: 'old.txt' });
    const content = frame.locator('.diff-tree .row.change-modified', { hasText: 'config' });
    const grown = frame.locator('.diff-tree .row.change-modified', { hasText: 'data.bin' });
    await added.waitFor({ timeout: 15_000 });
    await removed.waitFor();
    assert.strictEqual(await content.locator('.reason').innerText(), 'content');
    assert.strictEqual(await grown.locator('.reason').innerText(), 'size');
    assert.match(await grown.locator('.delta').innerText(), /^\+50(\.0)? kB$/);
    const names = await frame.locator('.diff-tree .row .name').allInnerTexts();
    assert.strictEqual(names.indexOf('data.bin'), 2, `the largest change first (${names.join(', ')})`);
    // A hostile file name and label: text, no element made from them, no script run.
    await frame.locator('.diff-tree .row.change-added', { hasText: IMG }).waitFor();
    await frame.locator('.side-b details.labels summary').click();
    await frame.locator('.side-b details.labels dd', { hasText: LABEL }).waitFor();
    assert.strictEqual(await frame.locator('img').count(), 0, 'no <img> element was made from a name');
    assert.strictEqual(await frame.locator('body script').count(), 1, 'only the panel\'s own script');
    assert.deepStrictEqual(dialogs, [], 'no alert() ran');
    await showSideBar(page, false);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-compare-light.png') });

    await useTheme(page, DARK);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-compare-dark.png') });

    // Filtering by path keeps what matches.
    await frame.locator('.tree-controls input[type=search]').fill('old');
    await frame.locator('.diff-tree .row .name', { hasText: 'new.txt' }).waitFor({ state: 'detached', timeout: 10_000 });
    await removed.waitFor();
  });

  it('a rebuilt tag offers Compare with Previous Build, which compares the build before with it', async () => {
    const { page } = vsCode;
    await showSideBar(page, true);
    const notRebuilt = await menuLabels(page, `a-${tag}`);
    assert.ok(!notRebuilt.includes('Compare with Previous Build'), 'an image that was not rebuilt does not offer it');
    await imageMenu(page, `rebuilt-${tag}`, 'Compare with Previous Build');
    const frame = panelFrame(page);
    await frame.locator('.side-a .side-name', { hasText: `${rebuilt} before` }).waitFor({ timeout: 30_000 });
    await frame.locator('#fact-files dd', { hasText: 'modified' }).waitFor({ timeout: 90_000 });
    assert.strictEqual(await frame.locator('.shared-band .block').count(), 5, 'the base and the cached first RUN');
    const version = frame.locator('.diff-tree .row.change-modified', { hasText: 'version.txt' });
    await version.waitFor({ timeout: 15_000 });
    assert.strictEqual(await version.locator('.reason').innerText(), 'content');
    await showSideBar(page, false);
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-compare-previous-dark.png') });
  });

  it('after a window reload the panel comes back (serializer), compared again', async () => {
    const { page } = vsCode;
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForEvent('load', { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const frame = panelFrame(page);
    await frame.locator('.side-b .side-name', { hasText: rebuilt }).waitFor({ timeout: 60_000 });
    await frame.locator('#fact-files dd', { hasText: '1 modified' }).waitFor({ timeout: 90_000 });
    assert.strictEqual(await frame.locator('.shared-band .block').count(), 5);
  });
});
