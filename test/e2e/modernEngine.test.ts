/**
 * On Docker 28 with the containerd image store, where the list, inspect and history each
 * mean something else by "size": the Images view, the Layers panel and the CLI give one
 * image the same named sizes, and a layer row never shows a size the panel contradicts.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import type { FrameLocator, Page } from 'playwright-core';
import { formatBytes } from '../../src/shared/format';
import { REPO_ROOT } from '../harness/codeServer';
import { buildWithBuildKit, runTag } from '../harness/fixtures/fixtureImages';
import { fixtureClient, testEngine } from '../harness/testEngines';
import { ARTIFACTS, setUpVsCode } from './fixture';
import { imageMenu, row, viewRow } from './workbench';

function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

describe('sizes on the containerd image store, in a real VS Code in a real browser', () => {
  const t = testEngine('docker28-containerd');
  const docker = fixtureClient(t);
  const tag = runTag('cd');
  const reference = `strata-test/e2e-containerd:cd-${tag}`;
  const vsCode = setUpVsCode({
    label: 'e2e-cd',
    setUp: async () => {
      // The issue's own case: a WORKDIR that makes its folder and a 6-byte file.
      await buildWithBuildKit({ socket: t.fixtureSocket, dockerConfig: t.dockerConfig }, docker, reference, {
        unique: true,
        steps: ['WORKDIR /app', 'COPY six.txt /app/six.txt'],
        files: { 'six.txt': 'hello\n' },
      });
    },
    engines: [docker],
    server: { settings: { 'strata.engines': [{ name: 'docker28-containerd', url: t.dockerHost }] } },
    page: false,
  });

  it('the tree, the Layers panel and the CLI give the same sizes; layer rows take the analysis', async () => {
    const page = await vsCode.openPage({ sideBarWidth: 640 });
    await page.locator('[id="strata-dev.strata.strata.engine"]').click();
    const picker = page.locator('.quick-input-widget');
    await picker.locator('input.input').fill('docker28-containerd');
    await picker.locator('.monaco-list-row', { hasText: 'docker28-containerd' }).click();

    const cli = JSON.parse(execFileSync('node', [path.join(REPO_ROOT, 'dist', 'cli.js'), 'images', '--json', '--host', t.dockerHost], { encoding: 'utf8' })) as Array<{
      reference: string;
      sizes: Record<string, number | null>;
    }>;
    const mine = cli.find((i) => i.reference.endsWith(reference));
    assert.ok(mine, `${reference} in strata images`);
    const unpacked = formatBytes(mine.sizes['on disk (unpacked)'] as number);
    const content = formatBytes(mine.sizes['content (compressed)'] as number);

    // The tree: the same on-disk figure in the row.
    const imageRow = row(page, `cd-${tag}`);
    await imageRow.waitFor({ timeout: 30_000 });
    const rowText = await imageRow.innerText();
    assert.ok(rowText.includes(`${unpacked} · `), `the row shows the CLI's on-disk size ${unpacked}: ${JSON.stringify(rowText)}`);

    // The panel: the same figures, by the same names; the analysis's own figure beside them.
    await imageMenu(page, `cd-${tag}`, 'Show Layers');
    const frame = panelFrame(page);
    await frame.locator('#efficiency dd', { hasText: '%' }).waitFor({ timeout: 60_000 });
    assert.strictEqual(await frame.locator('#size-unpacked dt').innerText(), 'On disk (unpacked)');
    assert.strictEqual(await frame.locator('#size-unpacked dd').innerText(), unpacked);
    assert.strictEqual(await frame.locator('#size-content dd').innerText(), content);
    assert.strictEqual(await frame.locator('#size-files dt').innerText(), 'Files (analysed)');
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-containerd-panel.png') });

    // The layer rows now take their sizes from the analysis: 6 B for the file, 0 B for WORKDIR.
    await imageRow.click();
    const six = viewRow(page, 'Images', 'COPY six.txt /app/six.txt');
    await six.waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => true);
    assert.match(await six.innerText(), / 6 B · /, await six.innerText());
    assert.match(await viewRow(page, 'Images', 'WORKDIR /app').innerText(), / 0 B · /);
    const block = frame.locator('button.block', { hasText: 'COPY six.txt' });
    assert.match(await block.innerText(), /6 B/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-containerd-tree.png') });
    await page.close();
  });
});
