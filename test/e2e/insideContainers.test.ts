/**
 * Inside containers and registries from the real UI, with the packaged .vsix: right-click
 * a container → Attach Shell, type into the terminal and see the answer; expand its Files
 * and open a file; Strata: Pull Image… from the palette, with the progress notification,
 * and the pulled image in the Images view.
 */
import * as assert from 'assert';
import * as path from 'path';
import Docker from 'dockerode';
import { TEST_LABEL, buildFixtureImage, runTag } from '../harness/fixtures/fixtureImages';
import { testRegistries } from '../harness/testEngines';
import { ARTIFACTS, setUpVsCode } from './fixture';
import { clickMenuItem, row, runCommand, viewRow } from './workbench';

describe('inside containers and registries in a real VS Code in a real browser', function () {
  this.timeout(240_000);
  const docker = new Docker();
  const tag = runTag('ic');
  const image = `strata-test/e2e-inside:${tag}`;
  const name = `e2e-shell-${tag}`;
  const regs = testRegistries();
  const pullRepo = `${regs.open.address}/strata-test/e2e-pull`;
  const pullRef = `${pullRepo}:${tag}`;
  const vsCode = setUpVsCode({
    label: 'e2e-inside',
    setUp: async () => {
      await buildFixtureImage(docker, image, { steps: ['RUN mkdir -p /srv/app && echo "hello from inside the container" > /srv/app/hello.txt'] });
      const c = await docker.createContainer({ Image: image, name, Cmd: ['sleep', '600'], Labels: { [TEST_LABEL]: String(process.pid) } });
      await c.start();
      // An image in the registry only, large enough (120 MB, incompressible) for the progress to be seen.
      const big = `strata-test/e2e-pull-src:${tag}`;
      await buildFixtureImage(docker, big, { steps: ['RUN head -c 120000000 /dev/urandom > /payload.bin'] });
      await docker.getImage(big).tag({ repo: pullRepo, tag });
      await new Promise<void>((resolve, reject) =>
        docker
          .getImage(pullRef)
          .push({ authconfig: {} } as object)
          .then((s: NodeJS.ReadableStream) => docker.modem.followProgress(s, (e: Error | null) => (e ? reject(e) : resolve())), reject),
      );
      await docker.getImage(pullRef).remove();
      await docker.getImage(big).remove();
    },
    tearDown: async () => {
      await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
      await docker.getImage(pullRef).remove({ force: true }).catch(() => undefined);
    },
    // The terminal drawn in the DOM (not WebGL), so that its text can be read.
    server: { settings: { 'terminal.integrated.gpuAcceleration': 'off' } },
    page: { sideBarWidth: 640 },
  });

  it('right-click a container → Attach Shell: typed commands run in the terminal', async () => {
    const { page } = vsCode;
    const containerRow = viewRow(page, 'Containers', name);
    await containerRow.waitFor({ timeout: 30_000 });
    await containerRow.click({ button: 'right' });
    await clickMenuItem(page, 'Attach Shell');
    const terminal = page.locator('.part.panel .terminal-wrapper.active .xterm');
    await terminal.waitFor({ timeout: 30_000 });
    const rows = terminal.locator('.xterm-rows');
    await rows.getByText('#').first().waitFor({ timeout: 30_000 });
    await terminal.click();
    await page.keyboard.type('echo strata-$((6*7))');
    await page.keyboard.press('Enter');
    // The typed line says "strata-$((6*7))"; only the shell's answer says strata-42.
    await rows.getByText('strata-42', { exact: true }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-attach-shell.png') });
    // The terminal's name: in the panel's title while it is the only one, else in the tab list.
    const tabName = await page.locator('.part.panel .single-terminal-tab, .part.panel .terminal-tabs-entry').first().innerText({ timeout: 10_000 });
    assert.ok(tabName.includes(name), `terminal named after the container: ${tabName}`);
    await page.keyboard.type('exit 0');
    await page.keyboard.press('Enter');
    await rows.getByText(/ended with exit code 0/).waitFor({ timeout: 30_000 });
  });

  it("a container's Files: folders expand, a file opens read-only in an editor", async () => {
    const { page } = vsCode;
    const containerRow = viewRow(page, 'Containers', name);
    await containerRow.locator('.monaco-tl-twistie').click();
    for (const folder of ['Files', 'srv', 'app']) {
      const r = viewRow(page, 'Containers', folder).first();
      await r.waitFor({ timeout: 30_000 });
      await r.locator('.monaco-tl-twistie').click();
    }
    const file = viewRow(page, 'Containers', 'hello.txt');
    await file.waitFor({ timeout: 30_000 });
    assert.match(await file.innerText(), /32 B/, 'the size beside the name');
    await file.click();
    const editor = page.locator('.editor-instance .view-lines');
    await editor.getByText('hello from inside the container').waitFor({ timeout: 30_000 });
    const tab = page.locator('.tabs-container .tab.active');
    assert.match(await tab.innerText(), /hello\.txt/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-container-file.png') });
    // Read-only: typing changes nothing.
    await editor.click();
    await page.keyboard.type('xyz');
    assert.doesNotMatch(await editor.innerText(), /xyz/);
    await page.keyboard.press('Escape');
  });

  it('Strata: Pull Image… shows its progress, and the pulled image appears in the Images view', async () => {
    const { page } = vsCode;
    await runCommand(page, 'Strata: Pull Image…');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor();
    await input.fill('127.0.0.1:5001/Bad');
    await page.locator('.quick-input-widget .quick-input-message', { hasText: /lower case/ }).waitFor({ timeout: 10_000 });
    await input.fill(pullRef);
    await page.keyboard.press('Enter');
    const progress = page.locator('.notifications-toasts .notification-toast', { hasText: `Pulling ${pullRef}` });
    await progress.waitFor({ timeout: 30_000 });
    await progress.getByText(/ of [1-9]\d* layers? done/).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-pull-progress.png') });
    await page.locator('.notifications-toasts .notification-toast', { hasText: `Pulled ${pullRef}.` }).waitFor({ timeout: 120_000 });
    await row(page, tag).filter({ hasText: tag }).first().waitFor({ timeout: 30_000 });
    const repoRow = row(page, 'e2e-pull');
    await repoRow.first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-pulled.png') });
    assert.ok(await docker.getImage(pullRef).inspect());
  });
});
