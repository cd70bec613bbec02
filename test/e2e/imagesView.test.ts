/**
 * A real browser clicking a real VS Code (code-server) that has the packaged .vsix
 * installed with --install-extension, as a user gets it.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import Docker from 'dockerode';
import { buildFixtureImage, runTag } from '../harness/fixtures/fixtureImages';
import { ARTIFACTS, setUpVsCode } from './fixture';
import { clickMenuItem, row, scrolledTo, viewRow } from './workbench';

describe('Strata in a real VS Code in a real browser', () => {
  const docker = new Docker();
  const tag = runTag('b');
  // Tags distinct from each other, so that a row can be found by its label.
  const reference = `strata-test/e2e:list-${tag}`;
  const base = `strata-test/e2e-base:base-${tag}`;
  const app = `strata-test/e2e-app:app-${tag}`;
  // Each test starts a code-server of its own: a fresh VS Code, or one with another environment.
  const vsCode = setUpVsCode({
    label: 'e2e',
    setUp: async () => {
      await buildFixtureImage(docker, reference, { steps: ['RUN echo e2e > /e2e.txt'] });
      await buildFixtureImage(docker, base, { unique: true, steps: ['CMD ["sh"]'] });
      await buildFixtureImage(docker, app, {
        dockerfile: [`FROM ${base}`, 'RUN mkdir /app && echo "print(1)" > /app/main.py', 'CMD ["sh", "-c", "cat /app/main.py"]'].join('\n'),
      });
    },
    server: false,
  });

  it('the Images view lists the fixture image with its size and age', async () => {
    const page = await vsCode.openPage({ server: await vsCode.startServer() });
    const [, fixtureTag] = reference.split(':');
    const item = await scrolledTo(page, 'Images', row(page, fixtureTag));
    const text = await item.innerText();
    assert.match(text, /\d+(\.\d+)? (B|kB|MB) · (just now|\d+ minutes? ago)/, `row text: ${text}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-images-view.png') });

    // The refresh button in the view's title picks up a tag made outside VS Code.
    const [repo, fixtureTagAgain] = reference.split(':');
    await docker.getImage(reference).tag({ repo: `${repo}-retag`, tag: fixtureTagAgain });
    await page.locator('.pane-header', { hasText: 'Images' }).hover();
    await page.locator('.pane-header .action-label[aria-label="Refresh"]').first().click();
    await scrolledTo(page, 'Images', row(page, `${repo}-retag`), 15_000);
    await docker.getImage(`${repo}-retag:${fixtureTagAgain}`).remove();
    await page.close();
  });

  it('expanding an image shows its layers, grouped by the base it is built on; right-click offers the image commands', async () => {
    const page = await vsCode.openPage({ server: await vsCode.startServer(), sideBarWidth: 640 });
    const appTag = app.split(':')[1];
    const appRow = row(page, appTag).filter({ hasText: `built on ${base}` });
    await scrolledTo(page, 'Images', appRow);
    await appRow.click();
    await page.keyboard.press('ArrowRight');
    const group = await scrolledTo(page, 'Images', row(page, `from ${base}`), 15_000);
    assert.match(await group.innerText(), /3 layers/);
    const runRow = await scrolledTo(page, 'Images', row(page, 'RUN mkdir /app && echo'), 15_000);
    assert.match(await runRow.innerText(), /#4 · \d+ B/);
    await scrolledTo(page, 'Images', row(page, 'CMD ["sh", "-c", "cat /app/main.py"]'));
    assert.match(await row(page, 'CMD ["sh", "-c"').innerText(), /metadata/);
    // Open the base group: its layers, shared by the app and the base itself.
    await (await scrolledTo(page, 'Images', group)).click();
    await page.keyboard.press('ArrowRight');
    await scrolledTo(page, 'Images', row(page, 'RUN /bin/busybox --install -s /bin'), 15_000);
    assert.match(await row(page, 'RUN /bin/busybox --install -s /bin').innerText(), /shared by 2 images/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-layer-stack.png') });

    await (await scrolledTo(page, 'Images', appRow)).click({ button: 'right' });
    const menu = page.locator('.context-view .monaco-menu');
    await menu.waitFor({ timeout: 10_000 });
    const items = await menu.locator('.action-label').allInnerTexts();
    for (const expected of ['Copy Full Tag', 'Copy Image ID', 'Inspect Image', 'Remove Image…']) {
      assert.ok(items.some((i) => i.trim() === expected), `context menu has ${expected}: ${items.join(' | ')}`);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-image-context-menu.png') });
    // Inspect opens the engine's JSON in a read-only editor.
    await clickMenuItem(page, 'Inspect Image');
    const editor = page.locator('.editor-instance .view-lines');
    await editor.getByText('"RepoTags"').first().waitFor({ timeout: 15_000 });
    await page.locator('.tab', { hasText: '.json' }).first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-inspect-image.png') });
    await page.keyboard.press('Escape');

    // A tag made in a terminal appears without any refresh (engine events). Collapse
    // everything first so that the new repository's row is within the visible rows.
    await page.locator('.pane-header', { hasText: 'Images' }).hover();
    await page.locator('.pane-header .action-label[aria-label="Collapse All"]').first().click();
    const alias = `strata-test/e2e-live:live-${tag}`;
    execFileSync('docker', ['tag', app, alias]);
    await scrolledTo(page, 'Images', row(page, 'strata-test/e2e-live'), 10_000);
    execFileSync('docker', ['rmi', alias]);
    await row(page, 'strata-test/e2e-live').waitFor({ state: 'detached', timeout: 10_000 });
    await page.close();
  });

  it('Remove asks first; Cancel keeps the image, a container in use is named, Remove removes', async () => {
    const victim = `strata-test/e2e-remove:rm-${tag}`;
    await buildFixtureImage(docker, victim, { steps: ['RUN echo bye > /bye'] });
    const container = await docker.createContainer({ Image: victim, Cmd: ['true'], name: `strata-e2e-user-${tag}`, Labels: { 'strata.test': String(process.pid) } });
    const page = await vsCode.openPage({ server: await vsCode.startServer(), sideBarWidth: 640 });
    const victimRow = await scrolledTo(page, 'Images', row(page, `rm-${tag}`));
    const remove = async () => {
      await victimRow.click({ button: 'right' });
      await clickMenuItem(page, 'Remove Image…');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 10_000 });
      assert.match(await dialog.innerText(), new RegExp(`Remove image ${victim.replace(/[/.]/g, '\\$&')}\\?`));
      return dialog;
    };

    // Cancel: nothing happens.
    let dialog = await remove();
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-remove-confirm.png') });
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.ok(await docker.getImage(victim).inspect(), 'the image is still there after Cancel');

    // A container uses it: the refusal names the container and offers to show it.
    dialog = await remove();
    await dialog.locator('.monaco-button', { hasText: /^Remove$/ }).click();
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: `strata-e2e-user-${tag}` });
    await toast.waitFor({ timeout: 15_000 });
    assert.match(await toast.innerText(), /is used by the created container strata-e2e-user-.*remove that container first/);
    await page.waitForTimeout(500); // let the toast finish sliding in, for the screenshot
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-remove-refused.png') });
    await toast.locator('.monaco-button', { hasText: 'Show Container' }).click();
    // The container is selected in the Containers view.
    await viewRow(page, 'Containers', `strata-e2e-user-${tag}`).and(page.locator('.selected')).waitFor({ timeout: 15_000 });

    // Without the container, Remove removes the image and its row goes.
    await container.remove({ force: true });
    dialog = await remove();
    await dialog.locator('.monaco-button', { hasText: /^Remove$/ }).click();
    await victimRow.waitFor({ state: 'detached', timeout: 15_000 });
    await assert.rejects(docker.getImage(victim).inspect(), /no such image/i);
    await page.close();
  });

  it('with no engine, the views say why and offer Retry', async () => {
    const missing = '/tmp/strata-e2e-no-engine.sock';
    const page = await vsCode.openPage({ server: await vsCode.startServer({ env: { DOCKER_HOST: `unix://${missing}` } }) });
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
