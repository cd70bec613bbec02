/**
 * `npm run screenshots`: the README's (and the Marketplace page's) screenshots, taken on a
 * realistic image: the bench's Debian base (debootstrap) plus an `apt-get install` layer
 * and an application, named as a user's would be (debian:bookworm, acme/shop-api:1.4.2),
 * on the harness's Docker 28 so that no test image crowds the view. Playwright drives
 * code-server with the packaged .vsix, as the e2e tests do. Writes media/screenshot-*.png.
 * `npm run screenshots -- registries` (or `workbench`, or `secrets`) takes only those.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Docker from 'dockerode';
import * as tar from 'tar-stream';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { DEBIAN_BASE, REALISTIC, prepareRealisticImage } from '../bench/cases/analysisThroughput';
import { opensshKey, token } from './fixtures/fakeSecrets';
import { prepareRebuilt } from '../bench/cases/compareImages';
import { clickMenuItem, openStrata, openVsCode, row, viewRow, widenSideBar } from '../e2e/workbench';
import { REPO_ROOT, freePort, installStrata, launchBrowser, startCodeServer, tempDir } from './codeServer';
import { fixtureClient, testEngine } from './testEngines';
import { until } from './until';

const BASE = 'debian:bookworm';
const APP = 'acme/shop-api:1.4.2';
const NEXT = 'acme/shop-api:1.4.3';
const CONTAINER = 'shop-api';
// A row whose label is the tag (1.4.3's row says it is built on 1.4.2, too).
const tagRow = (page: Page, tag: string) => page.locator(`.pane .monaco-list-row[aria-label^="${tag} "]`);

async function tagMenu(page: Page, tag: string, item: string): Promise<void> {
  const imageRow = tagRow(page, tag);
  await imageRow.waitFor({ timeout: 30_000 });
  await imageRow.click({ button: 'right' });
  await clickMenuItem(page, item);
}
const log = (line: string) => process.stderr.write(`${line}\n`);

function frame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready >> nth=-1').frameLocator('#active-frame');
}

/** The host's image under the name the screenshots show, and only that name (no bench tag in view). */
async function copyFromHost(host: Docker, target: Docker, reference: string, shownAs: string): Promise<void> {
  const id = (await host.getImage(reference).inspect()).Id;
  const [repo, tag] = shownAs.split(/:(?=[^:/]+$)/);
  if ((await target.getImage(shownAs).inspect().then((i) => i.Id, () => undefined)) !== id) {
    log(`copying ${reference} to the screenshot engine as ${shownAs}…`);
    const stream = await target.loadImage((await host.getImage(reference).get()) as NodeJS.ReadableStream);
    await new Promise((resolve, reject) => target.modem.followProgress(stream as NodeJS.ReadableStream, (e) => (e ? reject(e) : resolve(undefined))));
    await target.getImage(id).tag({ repo, tag });
  }
  if (reference !== shownAs) {
    // Only the tag goes: the image keeps the name it is shown by.
    await target.getImage(reference).remove().catch(() => undefined);
  }
}

/** The engine's images as the screenshots show them: a base, the app, its next build, one container. */
async function prepare(docker: Docker): Promise<void> {
  const host = new Docker({ socketPath: '/var/run/docker.sock' });
  await prepareRealisticImage(host);
  await copyFromHost(host, docker, DEBIAN_BASE, BASE);
  await copyFromHost(host, docker, REALISTIC, APP);
  const app = await docker.getImage(APP).inspect();
  const next = await docker.getImage(NEXT).inspect().catch(() => undefined);
  // The next build is made again when the app it was built on has changed.
  if (!next || next.RootFS.Layers?.[0] !== app.RootFS.Layers?.[0]) {
    await prepareRebuilt(docker, APP, NEXT, 'org.opencontainers.image.version=1.4.3');
  }
  await docker.getContainer(CONTAINER).remove({ force: true }).catch(() => undefined);
  const create = (ports: boolean) =>
    docker.createContainer({
      name: CONTAINER,
      Image: NEXT,
      Cmd: ['python3', '-m', 'http.server', '8000', '-d', '/srv/app'],
      ...(ports ? { ExposedPorts: { '8000/tcp': {} }, HostConfig: { PortBindings: { '8000/tcp': [{ HostPort: '18000' }] } } } : {}),
    });
  try {
    await (await create(true)).start();
  } catch (err) {
    // An engine without port publishing (no iptables in its chroot): the container without the port.
    log(`publishing a port failed (${err instanceof Error ? err.message : String(err)}); without it`);
    await docker.getContainer(CONTAINER).remove({ force: true }).catch(() => undefined);
    await (await create(false)).start();
  }
}

async function push(docker: Docker, reference: string): Promise<void> {
  const stream = (await docker.getImage(reference).push({ authconfig: {} } as object)) as NodeJS.ReadableStream;
  await new Promise((resolve, reject) => docker.modem.followProgress(stream, (e: Error | null, out: Array<{ error?: string }>) => (e || out.some((o) => o.error) ? reject(e ?? new Error(out.find((o) => o.error)?.error)) : resolve(undefined))));
}

/**
 * The Registries view: a registry of its own (a throwaway docker-registry on loopback, so
 * that the harness registries' test repositories do not crowd it) holding the app's
 * releases and its base, the app expanded to a tag whose tooltip is shown.
 */
async function registriesShot(browser: Browser, out: (name: string) => string): Promise<void> {
  const host = new Docker({ socketPath: '/var/run/docker.sock' });
  await prepareRealisticImage(host);
  const address = `127.0.0.1:${await freePort()}`;
  const dir = tempDir('shot-registry');
  fs.writeFileSync(path.join(dir, 'config.yml'), `version: 0.1\nlog: { level: warn }\nstorage: { filesystem: { rootdirectory: ${dir}/data } }\nhttp: { addr: ${address} }\n`);
  const registry = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
  const pushed: string[] = [];
  let server: Awaited<ReturnType<typeof startCodeServer>> | undefined;
  try {
    await until('the screenshot registry', () => fetch(`http://${address}/v2/`).then((r) => r.ok, () => false), 15_000);
    const releases: Array<[string, string]> = [
      [REALISTIC, `${address}/acme/shop-api:1.4.2`],
      [DEBIAN_BASE, `${address}/debian:bookworm`],
    ];
    for (const [source, name] of releases) {
      const [repo, tag] = name.split(/:(?=[^:/]+$)/);
      await host.getImage(source).tag({ repo, tag });
      pushed.push(name);
      await push(host, name);
    }
    // The next release: the app with more data on top, pushed as 1.4.3 and latest.
    const next = `${address}/acme/shop-api:1.4.3`;
    await prepareRebuilt(host, REALISTIC, next, 'org.opencontainers.image.version=1.4.3');
    pushed.push(next);
    await push(host, next);
    await host.getImage(next).tag({ repo: `${address}/acme/shop-api`, tag: 'latest' });
    pushed.push(`${address}/acme/shop-api:latest`);
    await push(host, `${address}/acme/shop-api:latest`);

    const extensionsDir = installStrata('shots-registries');
    server = await startCodeServer({ extensionsDir, settings: { 'workbench.colorTheme': 'Default Light Modern', 'strata.registries': [address] } });
    const page = await openVsCode(browser, server);
    await openStrata(page);
    await widenSideBar(page, 560);
    // The Registries view alone: the Images and Containers views folded.
    for (const view of ['Images', 'Containers']) {
      await page.locator('.pane-header', { hasText: view }).first().click();
    }
    const registryRow = viewRow(page, 'Registries', address);
    await registryRow.waitFor({ timeout: 30_000 });
    await registryRow.click();
    const repositoryRow = viewRow(page, 'Registries', 'acme/shop-api');
    await repositoryRow.waitFor({ timeout: 30_000 });
    await repositoryRow.click();
    const tagRow = viewRow(page, 'Registries', '1.4.3');
    await tagRow.waitFor({ timeout: 30_000 });
    await tagRow.hover();
    await page.locator('.monaco-hover', { hasText: 'Digest' }).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(300);
    // The side bar and the tooltip: the rest of the window is an empty editor.
    await page.screenshot({ path: out('screenshot-registries-view.png'), clip: { x: 0, y: 0, width: 900, height: 380 } });
    log('media/screenshot-registries-view.png');
  } finally {
    await server?.stop();
    registry.kill();
    for (const name of pushed) {
      await host.getImage(name).remove().catch(() => undefined);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The Layers panel's Secrets section: a worker image whose build COPYs a deploy key and a
 * .env with a token and an .npmrc, then removes or overwrites them in the next step.
 * The secrets are made now (fakes, well-shaped); the panel shows none of their values.
 */
async function secretsShot(browser: Browser, out: (name: string) => string): Promise<void> {
  const engine = testEngine('docker28');
  const docker = fixtureClient(engine);
  const host = new Docker({ socketPath: '/var/run/docker.sock' });
  await prepareRealisticImage(host);
  await copyFromHost(host, docker, DEBIAN_BASE, BASE);
  const leaky = 'acme/billing-worker:2.0.1';
  const pack = tar.pack();
  pack.entry(
    { name: 'Dockerfile' },
    [
      `FROM ${BASE}`,
      'WORKDIR /srv/app',
      'COPY deploy_key /root/.ssh/id_ed25519',
      'COPY app.env /srv/app/.env',
      'COPY npmrc /root/.npmrc',
      `RUN echo "console.log('billing')" > /srv/app/index.js`,
      'RUN rm -rf /root/.ssh /root/.npmrc && echo PORT=8080 > /srv/app/.env',
      'CMD ["node", "index.js"]',
    ].join('\n'),
  );
  pack.entry({ name: 'deploy_key' }, opensshKey());
  pack.entry({ name: 'npmrc' }, `//registry.npmjs.org/:_authToken=${token.npm()}\n`);
  pack.entry({ name: 'app.env' }, `NODE_ENV=production\nGITHUB_TOKEN=${token.github()}\n`);
  pack.finalize();
  const stream = await docker.buildImage(pack as unknown as NodeJS.ReadableStream, { t: leaky, rm: true, forcerm: true });
  await new Promise((resolve, reject) => docker.modem.followProgress(stream, (e: Error | null, res: Array<{ error?: string }>) => (e || res.some((o) => o.error) ? reject(e ?? new Error(res.find((o) => o.error)?.error)) : resolve(undefined))));
  const extensionsDir = installStrata('shots-secrets');
  const server = await startCodeServer({ extensionsDir, env: { DOCKER_HOST: `unix://${engine.fixtureSocket}` }, settings: { 'workbench.colorTheme': 'Default Light Modern' } });
  try {
    const page = await openVsCode(browser, server);
    await openStrata(page);
    await widenSideBar(page, 380);
    await tagMenu(page, '2.0.1', 'Show Layers');
    const panel = frame(page);
    await panel.locator('#secrets .secret').first().waitFor({ timeout: 180_000 });
    await panel.locator('#secrets .secret').first().click();
    await panel.locator('.tree .row').first().waitFor({ timeout: 30_000 });
    await page.mouse.move(5, 700);
    await page.waitForTimeout(500);
    await page.screenshot({ path: out('screenshot-secrets.png') });
    log('media/screenshot-secrets.png');
  } finally {
    await server.stop();
    for (const name of [leaky, BASE]) {
      await docker.getImage(name).remove().catch(() => undefined);
    }
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const out = (name: string) => path.join(REPO_ROOT, 'media', name);
  if (wanted.length === 0 || wanted.includes('registries')) {
    const browser = await launchBrowser();
    try {
      await registriesShot(browser, out);
    } finally {
      await browser.close();
    }
  }
  if (wanted.length === 0 || wanted.includes('secrets')) {
    const browser = await launchBrowser();
    try {
      await secretsShot(browser, out);
    } finally {
      await browser.close();
    }
  }
  if (wanted.length > 0 && !wanted.includes('workbench')) {
    return;
  }
  const engine = testEngine('docker28');
  const docker = fixtureClient(engine);
  await prepare(docker);
  const extensionsDir = installStrata('shots');
  const browser = await launchBrowser();
  const server = await startCodeServer({ extensionsDir, env: { DOCKER_HOST: `unix://${engine.fixtureSocket}` }, settings: { 'workbench.colorTheme': 'Default Light Modern' } });
  try {
    const page = await openVsCode(browser, server);
    await openStrata(page);
    await widenSideBar(page, 560);

    // The Images view: the app expanded, its base folded into one group, the container running.
    const app = tagRow(page, '1.4.2');
    await app.waitFor({ timeout: 60_000 });
    await app.locator('.monaco-tl-twistie').click();
    await row(page, `from ${BASE}`).waitFor({ timeout: 60_000 });
    await viewRow(page, 'Containers', CONTAINER).waitFor({ timeout: 30_000 });
    await page.mouse.move(700, 700);
    await page.screenshot({ path: out('screenshot-images-view.png') });
    log('media/screenshot-images-view.png');

    // The Layers panel: the apt-get layer selected, its biggest folders open.
    await tagMenu(page, '1.4.2', 'Show Layers');
    const panel = frame(page);
    await panel.locator('#efficiency dd', { hasText: '%' }).waitFor({ timeout: 180_000 });
    await panel.locator('button.block', { hasText: 'apt-get install' }).click();
    await panel.locator('.layer-head h2').waitFor();
    for (const folder of ['usr', 'lib']) {
      await panel.locator('.tree .row', { hasText: folder }).first().click();
    }
    await page.waitForTimeout(500);
    await page.screenshot({ path: out('screenshot-layers-panel.png') });
    log('media/screenshot-layers-panel.png');

    // The same layer's packages: what apt-get installed, then the image's largest.
    await panel.locator('.packages-layer h4', { hasText: 'Added' }).scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await page.screenshot({ path: out('screenshot-packages.png') });
    log('media/screenshot-packages.png');

    // Compare: 1.4.2 selected, then compared with 1.4.3.
    await tagMenu(page, '1.4.2', 'Select for Compare');
    const next = tagRow(page, '1.4.3');
    await next.click({ button: 'right' });
    await clickMenuItem(page, 'Compare with Selected');
    const compare = frame(page);
    // Shown once the comparison is in: the facts, What changed, then the tree's rows.
    await compare.locator('#semantic').waitFor({ state: 'visible', timeout: 180_000 });
    await compare.locator('.tree .row').first().waitFor({ timeout: 180_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: out('screenshot-compare.png') });
    log('media/screenshot-compare.png');
  } catch (err) {
    // What the page showed when a step failed, to see why.
    const pages = browser.contexts().flatMap((c) => c.pages());
    await pages[0]?.screenshot({ path: path.join(REPO_ROOT, 'artifacts', 'screenshots-failure.png') }).catch(() => undefined);
    throw err;
  } finally {
    await browser.close();
    await server.stop();
    // The engine as it was: the bench pulls the same layers into it, and must download them.
    await docker.getContainer(CONTAINER).remove({ force: true }).catch(() => undefined);
    for (const name of [NEXT, APP, BASE]) {
      await docker.getImage(name).remove().catch(() => undefined);
    }
  }
}

main().catch((err: unknown) => {
  log(`screenshots failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
