/**
 * Running an image from the real UI: right-click → Run, the Output panel follows the
 * container, the Containers view lists it, Stop from the view; Run with Options…
 * validates as the user types.
 */
import * as assert from 'assert';
import * as path from 'path';
import Docker from 'dockerode';
import { buildFixtureImage, runTag } from '../harness/fixtures/fixtureImages';
import { ARTIFACTS, setUpVsCode } from './fixture';
import { imageMenu, viewRow } from './workbench';

describe('running containers in a real VS Code in a real browser', () => {
  const docker = new Docker();
  const tag = runTag('r');
  const image = `strata-test/e2e-run:ticker-${tag}`;
  const vsCode = setUpVsCode({
    label: 'e2e-run',
    setUp: async () => {
      await buildFixtureImage(docker, image, {
        steps: [`CMD ["sh", "-c", "trap 'echo stopping; exit 0' TERM; echo server starting; echo warming up >&2; i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done"]`],
      });
    },
    tearDown: async () => {
      for (const c of await docker.listContainers({ all: true, filters: { ancestor: [image] } })) {
        await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
      }
    },
    page: { sideBarWidth: 640 },
  });

  it('right-click → Run: the Output panel follows it, the Containers view lists it, Stop stops it', async () => {
    const { page } = vsCode;
    await imageMenu(page, `ticker-${tag}`, 'Run');

    const output = page.locator('.part.panel .view-lines');
    await output.getByText('tick 2').waitFor({ timeout: 30_000 });
    // The editor draws spaces as no-break spaces.
    const text = (await output.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /server starting/);
    assert.match(text, /\[stderr\] warming up/);
    // The Output view's channel picker names the channel shown: the container's, named after it.
    const channel = await page.locator('.part.panel select.monaco-select-box').first().inputValue();
    const [running] = await docker.listContainers({ filters: { ancestor: [image] } });
    assert.strictEqual(channel, `Strata: ${running.Names[0].replace(/^\//, '')}`, 'the output channel is named after the container');
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-run-output.png') });

    const containerRow = viewRow(page, 'Containers', image);
    await containerRow.waitFor({ timeout: 15_000 });
    assert.match(await containerRow.innerText(), /Up /);
    await containerRow.hover();
    await containerRow.locator('.action-label[aria-label="Stop"]').click();
    await output.getByText('— exited with code 0 —').waitFor({ timeout: 30_000 });
    await viewRow(page, 'Containers', image).filter({ hasText: 'Exited (0)' }).waitFor({ timeout: 15_000 });
    assert.match((await output.innerText()).replace(/\u00a0/g, ' '), /stopping/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-run-stopped.png') });
  });

  it('Run with Options… checks each answer as it is typed; nothing runs until it is valid', async () => {
    const { page } = vsCode;
    const before = (await docker.listContainers({ all: true, filters: { ancestor: [image] } })).length;
    await imageMenu(page, `ticker-${tag}`, 'Run with Options…');
    const input = page.locator('.quick-input-widget input.input');
    const message = page.locator('.quick-input-widget .quick-input-message');
    await input.waitFor();
    await input.fill('-bad name');
    await message.getByText('is not a valid container name').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-run-options-invalid.png') });
    await input.fill(`e2e-opt-${tag}`);
    await message.getByText('is not a valid container name').waitFor({ state: 'detached', timeout: 10_000 });
    await page.keyboard.press('Enter');
    // Ports: a wrong one is refused in words, then a random host port for 80.
    await page.locator('.quick-input-widget .quick-input-title', { hasText: '(2/6)' }).waitFor();
    await input.fill('8080:abc');
    await message.getByText('the container port "abc" is not a number from 1 to 65535').waitFor({ timeout: 10_000 });
    await input.fill('80');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: '(3/6)' }).waitFor();
    await input.fill('GREETING=hello');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: '(4/6)' }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: '(5/6)' }).waitFor();
    await input.fill('sh -c "echo $GREETING from options"');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: '(6/6)' }).waitFor();
    assert.strictEqual((await docker.listContainers({ all: true, filters: { ancestor: [image] } })).length, before, 'nothing created while asking');
    await page.keyboard.press('Enter');

    const output = page.locator('.part.panel .view-lines');
    await output.getByText('hello from options').waitFor({ timeout: 30_000 });
    await output.getByText('— exited with code 0 —').waitFor({ timeout: 30_000 });
    const info = await docker.getContainer(`e2e-opt-${tag}`).inspect();
    assert.ok(info.Config.Env.includes('GREETING=hello'));
    assert.deepStrictEqual(Object.keys(info.HostConfig.PortBindings ?? {}), ['80/tcp']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-run-options-output.png') });
  });
});
