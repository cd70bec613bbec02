/**
 * Dockerfile insight in a real VS Code in a real browser, with the packaged .vsix: a
 * workspace Dockerfile next to the image built from it. Opened, it shows a lens above
 * each instruction (the layer's size, files and waste, or "no layer"), a hover with the
 * layer's largest files, and the wasted-space finding in the Problems panel on the line
 * that adds the space; a lens opens the Layers panel at its layer. Screenshots of the
 * Dockerfile with its lenses and the diagnostic, in a light and a dark theme.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import Docker from 'dockerode';
import type { Locator, Page } from 'playwright-core';
import { tempDir } from '../harness/codeServer';
import { TEST_LABEL, buildFixtureImage, busyboxDockerfile, runTag } from '../harness/fixtures/fixtureImages';
import { ARTIFACTS, setUpVsCode } from './fixture';
import { DARK, LIGHT, useTheme } from './workbench';

/** The editor's rendered line that holds `text` (the editor draws spaces as no-break spaces). */
function editorLine(page: Page, text: string): Locator {
  return page.locator('.part.editor .monaco-editor .view-lines .view-line', { hasText: text });
}

/**
 * The text of the CodeLens drawn right above the editor line that holds `text`: a lens
 * sits in a zone of its own between its line and the one before, so it is the lens whose
 * bottom is nearest above the line's top.
 */
async function lensAbove(page: Page, text: string): Promise<{ text: string; lens: Locator }> {
  const line = await editorLine(page, text).boundingBox();
  if (!line) {
    throw new Error(`no editor line holds "${text}"`);
  }
  let best: { gap: number; lens: Locator } | undefined;
  for (const lens of await page.locator('.part.editor .codelens-decoration').all()) {
    const box = await lens.boundingBox();
    const gap = box ? line.y - (box.y + box.height) : -1;
    if (box && gap >= -1 && gap < line.height && (!best || gap < best.gap)) {
      best = { gap, lens };
    }
  }
  if (!best) {
    throw new Error(`no lens is drawn above the line "${text}"`);
  }
  return { text: (await best.lens.innerText()).replace(/\u00a0/g, ' ').trim(), lens: best.lens };
}

describe('Dockerfile lenses, hover and wasted-space problems in a real VS Code in a real browser', function () {
  this.timeout(240_000);
  const docker = new Docker();
  const reference = `strata-test/e2e-dockerfile:${runTag('df')}`;
  const steps = ['COPY app.txt /srv/app.txt', 'RUN head -c 3000000 /dev/urandom > /big.bin', 'RUN rm /big.bin', 'ENV MODE=e2e', 'CMD ["sh"]'];
  const base = busyboxDockerfile(steps, true);
  // The very text the build reads (buildFixtureImage adds the cleanup label), so the file matches the image.
  const text = `${base}\nLABEL ${TEST_LABEL}="${process.pid}"\n`;
  /** A 1-based line number, as the Problems panel and the diagnostic's message give it. */
  const lineNo = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  let workspace = '';
  const vsCode = setUpVsCode({
    label: 'e2e-dockerfile',
    setUp: async () => {
      workspace = tempDir('e2e-dockerfile-ws');
      fs.writeFileSync(path.join(workspace, 'Dockerfile'), text);
      fs.writeFileSync(path.join(workspace, 'app.txt'), 'hello from the app\n');
      await buildFixtureImage(docker, reference, { dockerfile: base, files: { 'app.txt': 'hello from the app\n' } });
    },
    server: () => ({ workspace, settings: { 'workbench.colorTheme': LIGHT } }),
    page: { strata: false },
  });

  it('the opened Dockerfile: lenses with each layer\'s numbers, "no layer" for ENV, the finding in Problems, the largest file in a hover; light and dark', async () => {
    const { page } = vsCode;
    // Quick Open, as a user opens a file.
    await page.locator('.part.editor').click();
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor();
    await input.fill('Dockerfile');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Dockerfile' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: 'Dockerfile' }).waitFor({ timeout: 30_000 });

    // The lenses first say what the engine records, then (the image analysed) the files and the waste.
    await page.locator('.part.editor .codelens-decoration', { hasText: 'wasted' }).first().waitFor({ timeout: 120_000 });
    const run = await lensAbove(page, 'head -c 3000000');
    assert.strictEqual(run.text, '3 MB · 1 file · 3 MB wasted', 'the RUN that adds /big.bin');
    // The rm adds no file (its whiteout is a removal), and app.txt is 19 bytes.
    assert.strictEqual((await lensAbove(page, 'RUN rm /big.bin')).text, '0 B · 0 files · 1 removed · 0 B wasted');
    assert.strictEqual((await lensAbove(page, 'COPY app.txt')).text, '19 B · 1 file · 0 B wasted');
    assert.strictEqual((await lensAbove(page, 'ENV MODE=e2e')).text, "no layer: changes only the image's settings");
    assert.strictEqual((await lensAbove(page, 'CMD ["sh"]')).text, "no layer: changes only the image's settings");
    assert.match((await lensAbove(page, 'FROM scratch')).text, new RegExp(`^${reference.replace(/[/.]/g, '\\$&')} · built `));

    // The wasted-space finding: a warning squiggle on the RUN line, and a row in the Problems panel.
    const message = `/big.bin (3 MB) added here is removed at line ${lineNo('RUN rm /big.bin')}, but stays in the image: remove it in the same RUN.`;
    await page.locator('.part.editor .monaco-editor .squiggly-warning').first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.part.panel .markers-panel');
    await problems.waitFor({ timeout: 15_000 });
    const finding = problems.locator('.monaco-list-row', { hasText: message });
    await finding.waitFor({ timeout: 30_000 });
    const row = (await finding.innerText()).replace(/\u00a0/g, ' ');
    assert.match(row, /Strata/, `the source is named (${row})`);
    assert.match(row, new RegExp(`\\[Ln ${lineNo('head -c 3000000')}, Col 1\\]`), `the line that adds the space (${row})`);
    assert.strictEqual(await finding.locator('.codicon-warning').count(), 1, 'a warning, the default severity');
    assert.strictEqual(await problems.locator('.monaco-list-row', { hasText: 'added here is' }).count(), 1, 'one finding: the rest wastes no space');
    await problems.locator('.monaco-list-row', { hasText: 'Dockerfile' }).first().waitFor();

    // A hover on the RUN line lists the layer's largest files.
    await editorLine(page, 'head -c 3000000').getByText('head').hover();
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Layer 5' });
    await hover.waitFor({ timeout: 15_000 });
    const hoverText = (await hover.innerText()).replace(/\u00a0/g, ' ');
    assert.match(hoverText, /Layer 5 · 3 MB/, hoverText);
    assert.match(hoverText, /3 MB\s*\/big\.bin/, `the largest file with its size (${hoverText})`);
    // The hover fades in: the picture is taken with its animation finished.
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-dockerfile-hover.png'), animations: 'disabled' });
    await page.mouse.move(5, 400);
    await page.keyboard.press('Escape');
    await hover.waitFor({ state: 'hidden', timeout: 10_000 });

    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-dockerfile-light.png') });
    await useTheme(page, DARK);
    await page.locator('.part.editor .codelens-decoration', { hasText: 'wasted' }).first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-dockerfile-dark.png') });
  });

  it('a click on a lens opens the Layers panel at that lens\'s layer, which goes back to the Dockerfile line', async () => {
    const { page } = vsCode;
    const { lens } = await lensAbove(page, 'head -c 3000000');
    await lens.locator('a', { hasText: 'wasted' }).click();
    await page.locator('.tabs-container .tab.active', { hasText: `Layers: ${reference}` }).waitFor({ timeout: 30_000 });
    const frame = page.frameLocator('iframe.webview.ready >> nth=-1').frameLocator('#active-frame');
    await frame.locator('h1', { hasText: reference }).waitFor({ timeout: 30_000 });
    await frame.locator('.layer-head h2', { hasText: 'Layer 5' }).waitFor({ timeout: 30_000 });
    const selected = frame.locator('button.block.selected');
    assert.strictEqual(await selected.count(), 1);
    assert.match(await selected.innerText(), /head -c 3000000/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-dockerfile-layer.png') });

    // Go to Dockerfile line: the Dockerfile beside the panel, the cursor on the RUN that made the layer.
    const goTo = frame.locator('button.go-to-line');
    assert.strictEqual(await goTo.getAttribute('title'), `Dockerfile, line ${lineNo('head -c 3000000')}`);
    await goTo.click();
    // The tab's own label: a text match would also find the panel's tab ("Layers: strata-test/e2e-dockerfile:…"
    // holds "dockerfile", and Playwright's hasText ignores case), and pass before the Dockerfile opens.
    const dockerfileTab = page.locator('.part.editor .editor-group-container.active .tab.active .label-name', { hasText: /^Dockerfile$/ });
    await dockerfileTab.waitFor({ timeout: 15_000 });
    assert.strictEqual(await page.locator('.part.editor .editor-group-container').count(), 2, 'beside the panel');
    await page.locator('.statusbar-item', { hasText: `Ln ${lineNo('head -c 3000000')}, Col 1` }).waitFor({ timeout: 10_000 });
  });
});
