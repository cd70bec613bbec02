/**
 * Switching engines as a user does: click the engine in the status bar, pick another in
 * the picker, and see that engine's images in the Images view. Real code-server with the
 * packaged .vsix, real Chromium, two real engines (the host's and the harness's second).
 */
import * as assert from 'assert';
import * as path from 'path';
import Docker from 'dockerode';
import { buildFixtureImage, runTag } from '../harness/fixtures/fixtureImages';
import { fixtureClient, testEngine } from '../harness/testEngines';
import { ARTIFACTS, setUpVsCode } from './fixture';
import { row } from './workbench';

describe('switching engines from the status bar, in a real VS Code in a real browser', () => {
  const second = testEngine('second-tls');
  const hostDocker = new Docker();
  const secondDocker = fixtureClient(second);
  const tag = runTag('esw');
  const hostRef = `strata-test/e2e-on-host:host-${tag}`;
  const secondRef = `strata-test/e2e-on-second:second-${tag}`;
  const vsCode = setUpVsCode({
    label: 'e2e',
    setUp: async () => {
      await buildFixtureImage(hostDocker, hostRef, { steps: ['RUN echo host > /where'] });
      await buildFixtureImage(secondDocker, secondRef, { steps: ['RUN echo second > /where'] });
    },
    engines: [hostDocker, secondDocker],
    server: {
      settings: {
        'strata.engines': [
          { name: 'second-engine', url: `unix://${second.fixtureSocket}` },
          { name: 'nowhere', url: 'unix:///tmp/strata-no-engine-here.sock' },
        ],
      },
    },
    page: false,
  });

  it('the status bar names the engine; picking another shows its images; a dead one says why', async () => {
    const page = await vsCode.openPage({ sideBarWidth: 560 });
    await row(page, `host-${tag}`).waitFor({ timeout: 30_000 });
    const item = page.locator('.statusbar-item', { hasText: 'Docker 20.10' }).first();
    await item.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-engine-status-bar.png') });

    await item.click();
    const picker = page.locator('.quick-input-widget');
    await picker.waitFor();
    // Every candidate is listed at once; the dead one gets its reason, the live one its version.
    await picker.locator('.monaco-list-row', { hasText: 'nowhere' }).filter({ hasText: 'does not exist' }).waitFor({ timeout: 10_000 });
    await picker.locator('.monaco-list-row', { hasText: 'second-engine' }).filter({ hasText: 'Docker 20.10' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-engine-picker.png') });
    await picker.locator('input.input').fill('second-engine');
    await picker.locator('.monaco-list-row', { hasText: 'second-engine' }).click();

    await row(page, `second-${tag}`).waitFor({ timeout: 30_000 });
    await row(page, `host-${tag}`).waitFor({ state: 'detached', timeout: 15_000 });
    await page.locator('.statusbar-item', { hasText: 'second-engine · Docker' }).waitFor({ timeout: 15_000 });
    const header = await page.locator('.pane-header', { hasText: 'Images' }).innerText();
    assert.match(header, /second-engine/, `the Images view names the engine: ${header}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-engine-switched.png') });
    await page.close();
  });

  it('on an engine that does not answer, the views say so and offer Switch Engine…, which opens the picker', async () => {
    const page = await vsCode.openPage();
    // The status bar entry by its id (extension id + item id), whatever engine it names now.
    await page.locator('[id="strata-dev.strata.strata.engine"]').click();
    const picker = page.locator('.quick-input-widget');
    await picker.locator('input.input').fill('nowhere');
    await picker.locator('.monaco-list-row', { hasText: 'nowhere' }).click();
    const images = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Images' }) });
    await images.getByText('Docker is not running', { exact: false }).waitFor({ timeout: 15_000 });
    await page.locator('.statusbar-item', { hasText: 'nowhere' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-engine-not-running.png') });
    await images.getByRole('button', { name: 'Switch Engine…' }).click();
    await picker.locator('.monaco-list-row', { hasText: 'Docker' }).filter({ hasText: '/var/run/docker.sock' }).waitFor({ timeout: 10_000 });
    await picker.locator('.monaco-list-row', { hasText: "Follow the docker CLI's choice" }).click();
    await row(page, `host-${tag}`).waitFor({ timeout: 30_000 });
    await page.close();
  });
});
