/**
 * Every kind of engine the harness runs, reached from inside a real extension host with
 * VS Code's default settings. The extension host patches Node's http/https for its proxy
 * support (`http.proxySupport`, default "override"): a request's own agent is replaced
 * unless the request goes to a socket path, so a transport that works in plain Node (the
 * engine suite) can fail here. The TLS engine is asked at its second address (127.0.0.2),
 * since the patch treats only "localhost" and 127.0.0.1 as local; ssh goes through a Host
 * alias of the test ssh config, as users name their machines.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as net from 'net';
import * as path from 'path';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { StrataApi } from '../../src/extension';
import { buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { SocketProxy } from '../harness/proxies/socketProxy';
import { fixtureClient, named, testEngine } from '../harness/testEngines';
import { until } from '../harness/until';
import { activateStrata, imageNodes } from './helpers/treeHelpers';

/** A proxy Strata must never use for an engine: it counts connections and closes them. */
function refusingProxy(): Promise<{ url: string; connections: () => number; close: () => void }> {
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    socket.destroy();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, connections: () => count, close: () => server.close() });
    }),
  );
}

describe('every kind of engine, reached from a real extension host', function () {
  this.timeout(180_000);
  const second = testEngine('second-tls');
  const ssh = testEngine('ssh');
  const podman = testEngine('podman');
  const tls = second.tls;
  const tag = runTag('tr');
  const onSecond = `strata-test/on-second:${tag}`;
  const onPodman = `strata-test/on-podman:${tag}`;
  const onHost = `strata-test/on-host:${tag}`;
  const context = `strata-skip-verify-${tag}`;
  const dockerConfig = process.env.DOCKER_CONFIG ?? '';
  let api: StrataApi;

  assert.ok(tls, 'the harness runs a TLS engine');
  assert.ok(ssh.sshAlias, 'the test ssh config has a Host alias');
  // One place is one candidate: each TLS way in reaches the engine through a TCP proxy on a
  // port of its own (at the remote-looking address), which also counts the connections.
  const proxies = [0, 1, 2].map(() => new SocketProxy('tcp', { host: tls.remoteHost, port: tls.port }, tls.remoteHost));
  const through = (i: number) => () => `tcp://${proxies[i].path}`;
  const engines = [
    { name: 'ssh-alias', url: `ssh://${ssh.sshAlias}`, image: onSecond, what: 'ssh with dial-stdio, through a Host alias' },
    { name: 'podman-over-ssh', url: `ssh://${ssh.sshAlias}${podman.fixtureSocket}`, image: onPodman, what: 'Podman over ssh (its socket forwarded)' },
    { name: 'tls-ca', url: through(0), proxy: 0, ca: tls.caFile, cert: tls.certFile, key: tls.keyFile, image: onSecond, what: 'TLS, verified with a CA' },
    { name: 'tls-skip-verify', url: through(1), proxy: 1, cert: tls.certFile, key: tls.keyFile, tlsVerify: false, image: onSecond, what: 'TLS without verification' },
    { name: 'host-socket', url: 'unix:///var/run/docker.sock', image: onHost, what: "the host's socket" },
    { name: 'podman-socket', url: `unix://${podman.fixtureSocket}`, image: onPodman, what: "Podman's socket" },
  ];

  const listed = async () => (await imageNodes(api)).map((n) => n.reference);

  /** Makes a candidate active and waits for the Images view to list `image` from it. */
  async function reach(candidateId: string, image: string): Promise<void> {
    await until(`${candidateId} to be a candidate (candidates: ${api.selection.candidates.map((c) => c.id).join(', ')})`, () => api.selection.candidates.some((c) => c.id === candidateId));
    await api.selection.choose(candidateId);
    assert.strictEqual(api.selection.choice.candidate.id, candidateId);
    const names = image === onPodman ? named(podman, image) : [image];
    await until(
      `${image} listed from ${candidateId} (last problem: ${api.status.problem?.message ?? 'none'})`,
      async () => {
        api.images.refresh();
        return (await listed().catch(() => [])).some((r) => names.includes(r));
      },
      30_000,
      500,
    );
    assert.strictEqual(api.status.state, 'connected');
  }

  const urlOf = (url: string | (() => string)) => (typeof url === 'string' ? url : url());
  const savedPath = process.env.PATH;

  /** Requests one after another share one connection (VS Code's proxy agent, put in place of Strata's, keeps none). */
  async function keptAlive(proxy: SocketProxy): Promise<void> {
    await api.active.engine.listImages();
    const opened = proxy.accepted;
    for (let i = 0; i < 5; i++) {
      await api.active.engine.listImages();
    }
    assert.strictEqual(proxy.accepted, opened, 'five requests more, no connection more');
  }

  before(async () => {
    assert.ok(dockerConfig && !dockerConfig.startsWith(process.env.HOME ?? '/nonexistent'), 'runs with a DOCKER_CONFIG of its own');
    // The system ssh with the harness's config (its Host alias, key and known host), as a
    // user's ~/.ssh/config would be: first on the PATH that Strata's ssh is started with.
    process.env.PATH = `${ssh.sshPathDir}${path.delimiter}${savedPath ?? ''}`;
    await Promise.all(proxies.map((p) => p.start()));
    await buildFixtureImage(fixtureClient(second), onSecond, { steps: ['RUN echo second > /where'] });
    await buildFixtureImage(fixtureClient(podman), onPodman, { steps: ['RUN echo podman > /where'] });
    await buildFixtureImage(new Docker(), onHost, { steps: ['RUN echo host > /where'] });
    // A docker CLI context with SkipTLSVerify, as `docker context create` writes it.
    execFileSync('docker', ['context', 'create', context, '--docker', `host=${through(2)()},cert=${tls.certFile},key=${tls.keyFile},skip-tls-verify=true`], {
      env: { ...process.env, DOCKER_CONFIG: dockerConfig },
      stdio: 'pipe',
    });
    api = await activateStrata();
    await vscode.workspace.getConfiguration('strata').update(
      'engines',
      engines.map(({ name, url, ca, cert, key, tlsVerify }) => ({ name, url: urlOf(url), ca, cert, key, tlsVerify })),
      vscode.ConfigurationTarget.Global,
    );
  });

  after(async () => {
    process.env.PATH = savedPath;
    await Promise.all(proxies.map((p) => p.stop()));
    await api.selection.choose(undefined);
    await vscode.workspace.getConfiguration('strata').update('engines', undefined, vscode.ConfigurationTarget.Global);
    execFileSync('docker', ['context', 'rm', '-f', context], { env: { ...process.env, DOCKER_CONFIG: dockerConfig }, stdio: 'pipe' });
    await removeFixtureImages(fixtureClient(second));
    await removeFixtureImages(fixtureClient(podman));
    await removeFixtureImages(new Docker());
  });

  it('runs with VS Code\'s default proxy support ("override")', () => {
    const setting = vscode.workspace.getConfiguration('http').inspect<string>('proxySupport');
    assert.strictEqual(setting?.globalValue, undefined, 'no user value');
    assert.strictEqual(setting?.defaultValue, 'override');
  });

  for (const engine of engines) {
    it(`reaches ${engine.what} (${typeof engine.url === 'string' ? engine.url : `tcp://${tls.remoteHost}`})`, async () => {
      await reach(`setting:${engine.name}`, engine.image);
      if (engine.proxy !== undefined) {
        await keptAlive(proxies[engine.proxy]);
      }
    });
  }

  it('reaches TLS through a docker CLI context with SkipTLSVerify', async () => {
    await reach(`context:${context}`, onSecond);
    await keptAlive(proxies[2]);
  });

  describe('whatever http.proxySupport says, with an HTTP proxy configured', () => {
    let proxy: Awaited<ReturnType<typeof refusingProxy>>;
    const http = () => vscode.workspace.getConfiguration('http');

    before(async () => {
      proxy = await refusingProxy();
      await http().update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
    });

    after(async () => {
      await http().update('proxySupport', undefined, vscode.ConfigurationTarget.Global);
      await http().update('proxy', undefined, vscode.ConfigurationTarget.Global);
      proxy.close();
    });

    for (const value of ['override', 'fallback', 'on', 'off']) {
      it(`"${value}": ssh, Podman over ssh and TLS engines are reached directly, never through the proxy`, async () => {
        await http().update('proxySupport', value, vscode.ConfigurationTarget.Global);
        assert.strictEqual(http().get('proxySupport'), value);
        const before = proxy.connections();
        for (const name of ['ssh-alias', 'podman-over-ssh', 'tls-skip-verify']) {
          // Off and on again: the new setting applies to new connections.
          await api.selection.choose('setting:host-socket');
          await reach(`setting:${name}`, engines.find((e) => e.name === name)?.image ?? '');
        }
        assert.strictEqual(proxy.connections(), before, 'no engine request went to the proxy');
      });
    }
  });
});
