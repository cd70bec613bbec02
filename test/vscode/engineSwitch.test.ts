/**
 * Switching engines inside a real extension host, against two real engines: the host's
 * and the harness's second one. The extension host's DOCKER_CONFIG is a folder of the
 * test run's own (runVscodeTests sets it), where contexts are made with the real docker CLI.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import { contextDigest } from '../../src/engine/connect/dockerContexts';
import type { StrataApi } from '../../src/extension';
import type { ContainerNode } from '../../src/views/containers/containerNode';
import { TEST_LABEL, buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { until } from '../harness/until';
import { fixtureClient, testEngine } from '../harness/testEngines';
import { activateStrata, imageNodes } from './helpers/treeHelpers';

describe('switching engines in a real extension host', function () {
  this.timeout(120_000);
  const second = testEngine('second-tls');
  const hostDocker = new Docker();
  const secondDocker = fixtureClient(second);
  const tag = runTag('sw');
  const hostRef = `strata-test/on-host:${tag}`;
  const secondRef = `strata-test/on-second:${tag}`;
  const dockerConfig = process.env.DOCKER_CONFIG ?? '';
  const docker = (...args: string[]) => execFileSync('docker', args, { env: { ...process.env, DOCKER_CONFIG: dockerConfig }, stdio: 'pipe' });
  let api: StrataApi;
  let secondContainer: string;

  before(async () => {
    assert.ok(dockerConfig && !dockerConfig.startsWith(process.env.HOME ?? '/nonexistent'), 'runs with a DOCKER_CONFIG of its own');
    await buildFixtureImage(hostDocker, hostRef, { steps: ['RUN echo host > /where'] });
    await buildFixtureImage(secondDocker, secondRef, { steps: ['RUN echo second > /where'] });
    const c = await secondDocker.createContainer({ Image: secondRef, Cmd: ['true'], name: `strata-on-second-${tag}`, Labels: { [TEST_LABEL]: String(process.pid) } });
    secondContainer = c.id;
    api = await activateStrata();
  });

  after(async () => {
    await api.selection.choose(undefined);
    await vscode.workspace.getConfiguration('strata').update('engines', undefined, vscode.ConfigurationTarget.Global);
    await removeFixtureImages(hostDocker);
    await removeFixtureImages(secondDocker);
  });

  const listed = async () => (await imageNodes(api)).map((n) => n.reference);
  const containerNames = async () => ((await api.containers.getChildren()) as ContainerNode[]).map((n) => n.container.name);

  it('starts on the first socket that answers: the host engine', async () => {
    assert.strictEqual(api.selection.choice.candidate.id, 'socket:/var/run/docker.sock');
    assert.ok((await listed()).includes(hostRef));
    assert.ok(!(await listed()).includes(secondRef));
    assert.strictEqual(api.imagesView.description, 'Docker');
  });

  it('an engine added in strata.engines is offered; choosing it changes both views, the status bar and the descriptions, without a reload', async () => {
    await vscode.workspace.getConfiguration('strata').update('engines', [{ name: 'second-engine', url: `unix://${second.fixtureSocket}` }], vscode.ConfigurationTarget.Global);
    await until('the setting to be a candidate', () => api.selection.candidates.some((c) => c.id === 'setting:second-engine'));
    let switched = 0;
    const sub = api.active.onDidSwitch(() => switched++);
    await api.selection.choose('setting:second-engine');
    sub.dispose();
    assert.strictEqual(switched, 1);
    const images = await listed();
    assert.ok(images.includes(secondRef), `${secondRef} listed after the switch`);
    assert.ok(!images.includes(hostRef), `${hostRef} no longer listed`);
    assert.ok((await containerNames()).includes(`strata-on-second-${tag}`), 'the Containers view lists the second engine');
    assert.strictEqual(api.imagesView.description, 'second-engine');
    assert.strictEqual(api.containersView.description, 'second-engine');
    await until('the status bar to name it', () => api.statusBar.text.includes('second-engine · Docker'));
    assert.strictEqual(api.status.state, 'connected');
    assert.ok(secondContainer);
  });

  it('the choice is remembered; following the CLI again goes back to the host engine', async () => {
    assert.strictEqual(api.selection.userChoice, 'setting:second-engine');
    await api.selection.choose(undefined);
    assert.strictEqual(api.selection.choice.candidate.id, 'socket:/var/run/docker.sock');
    assert.ok((await listed()).includes(hostRef));
  });

  it('a context made with the docker CLI appears without a reload, and `docker context use` makes it active', async () => {
    const tls = second.tls;
    assert.ok(tls, 'the harness runs a TLS engine');
    docker('context', 'create', `strata-ctx-${tag}`, '--docker', `host=tcp://127.0.0.1:${tls.port},ca=${tls.caFile},cert=${tls.certFile},key=${tls.keyFile}`);
    try {
      await until('the new context to be a candidate', () => api.selection.candidates.some((c) => c.id === `context:strata-ctx-${tag}`));
      docker('context', 'use', `strata-ctx-${tag}`);
      await until('the current context to become the active engine', () => api.selection.choice.candidate.id === `context:strata-ctx-${tag}`);
      assert.match(api.selection.choice.reason, /current context/);
      assert.ok((await listed()).includes(secondRef), 'the context reaches the second engine over TLS');
    } finally {
      docker('context', 'use', 'default');
      docker('context', 'rm', '-f', `strata-ctx-${tag}`);
    }
    await until('the host engine again', () => api.selection.choice.candidate.id === 'socket:/var/run/docker.sock');
  });

  it('a context whose meta.json is not JSON is listed with its problem; the others stay usable', async () => {
    const dir = path.join(dockerConfig, 'contexts', 'meta', contextDigest('broken'));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'meta.json'), '{"Name": "broken",');
    try {
      const broken = await until('the broken context to be listed', () => api.selection.candidates.find((c) => c.problem?.includes('meta.json is not JSON')));
      assert.strictEqual(broken.endpoint, undefined);
      assert.strictEqual(api.status.state === undefined || api.status.state === 'connected', true);
      assert.ok((await listed()).includes(hostRef));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
