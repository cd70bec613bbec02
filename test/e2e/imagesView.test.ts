/**
 * A real browser clicking a real VS Code (code-server) that has the packaged .vsix
 * installed with --install-extension, as a user gets it.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import Docker from 'dockerode';
import type { Browser, Page } from 'playwright-core';
import {
  type CodeServer,
  REPO_ROOT,
  installExtension,
  launchBrowser,
  startCodeServer,
  tempDir,
} from '../harness/codeServer';
import { buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtureImages';

const ARTIFACTS = path.join(REPO_ROOT, 'artifacts');
const VSIX = path.join(REPO_ROOT, 'strata.vsix');

async function openVsCode(browser: Browser, server: CodeServer): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return page;
}

async function openStrata(page: Page): Promise<void> {
  const strata = page.locator('.activitybar .action-item a[aria-label^="Strata"]');
  await strata.waitFor({ timeout: 60_000 });
  await strata.click();
  await page.locator('.pane-header', { hasText: 'Images' }).waitFor({ timeout: 30_000 });
}

function row(page: Page, text: string) {
  return page.locator('.pane-body .monaco-list-row', { hasText: text });
}

describe('Strata in a real VS Code in a real browser', () => {
  const docker = new Docker();
  const reference = `strata-test/e2e:${runTag('b')}`;
  let extensionsDir: string;
  let browser: Browser;
  const servers: CodeServer[] = [];

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await buildFixtureImage(docker, reference, { steps: ['RUN echo e2e > /e2e.txt'] });
    extensionsDir = tempDir('e2e-ext');
    installExtension(VSIX, extensionsDir, tempDir('e2e-install'));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    for (const s of servers) {
      await s.stop();
    }
    await removeFixtureImages(docker);
  });

  it('the Images view lists the fixture image with its size and age', async () => {
    const server = await startCodeServer({ extensionsDir });
    servers.push(server);
    const page = await openVsCode(browser, server);
    await openStrata(page);
    const item = row(page, reference);
    await item.waitFor({ timeout: 30_000 });
    const text = await item.innerText();
    assert.match(text, /\d+(\.\d+)? (B|kB|MB) · (just now|\d+ minutes? ago)/, `row text: ${text}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-images-view.png') });

    // The refresh button in the view's title picks up a tag made outside VS Code.
    const [repo, tag] = reference.split(':');
    await docker.getImage(reference).tag({ repo: `${repo}-retag`, tag });
    await page.locator('.pane-header', { hasText: 'Images' }).hover();
    await page.locator('.pane-header .action-label[aria-label="Refresh"]').first().click();
    await row(page, `${repo}-retag:${tag}`).waitFor({ timeout: 15_000 });
    await docker.getImage(`${repo}-retag:${tag}`).remove();
    await page.close();
  });

  it('with no engine, the views say why and offer Retry', async () => {
    const missing = '/tmp/strata-e2e-no-engine.sock';
    const server = await startCodeServer({ extensionsDir, env: { DOCKER_HOST: `unix://${missing}` } });
    servers.push(server);
    const page = await openVsCode(browser, server);
    await openStrata(page);
    const images = page.locator('.pane-body').first();
    const welcome = images.locator('.welcome-view-content');
    await welcome.getByText('Docker is not running').waitFor({ timeout: 30_000 });
    const retry = welcome.locator('a.monaco-button', { hasText: 'Retry' });
    assert.ok(await retry.isVisible(), 'a Retry button is shown');
    // Show Details gives the exact sentence, with the socket's path.
    await welcome.locator('a.monaco-button', { hasText: 'Show Details' }).click();
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'does not exist' });
    await toast.waitFor({ timeout: 15_000 });
    assert.match(
      await toast.innerText(),
      new RegExp(`Docker is not running: ${missing.replace(/[./]/g, (c) => `\\${c}`)} does not exist`),
    );
    // Retry asks the engine again and keeps the explanation (still no engine).
    await retry.click();
    await welcome.getByText('Docker is not running').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-no-engine.png') });
    await page.close();
  });
});
