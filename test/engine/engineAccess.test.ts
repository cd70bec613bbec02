/**
 * How Strata finds and reaches engines, against real servers: the environment as the
 * CLI reads it, contexts made by the real docker CLI, TLS with right and wrong
 * certificates, ssh through the system ssh; and every way it can go wrong, as a sentence.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engineFromFlags, resolveActiveEngine } from '../../src/engine/activeEngine';
import { DockerEngine } from '../../src/engine/api/dockerEngine';
import { watchDockerConfig } from '../../src/engine/connect/configWatcher';
import { discoverEngines } from '../../src/engine/connect/engineDiscovery';
import { parseEngineUrl } from '../../src/engine/connect/endpoint';
import Docker from 'dockerode';
import { TEST_LABEL, buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { type TestEngine, clientOptions, fixtureClient, strataEngine, testEngine } from '../harness/testEngines';
import { until as waitUntil } from '../harness/until';

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `strata-${prefix}-`));
}

/** The sentence an engine's first call fails with. */
async function failure(engine: DockerEngine): Promise<string> {
  try {
    await engine.listImages();
  } catch (err) {
    return engine.describeError(err).message;
  } finally {
    engine.dispose();
  }
  throw new Error(`${engine.name} answered, but was expected to fail`);
}

async function idOf(engine: DockerEngine): Promise<string> {
  try {
    return (await engine.info()).id;
  } finally {
    engine.dispose();
  }
}

/** Runs `fn` with process.env changed, as a user's shell would have it. */
async function withEnv<T>(env: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) {
      delete process.env[k];
    }
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) {
        delete process.env[k];
      } else {
        process.env[k] = v;
      }
    }
  }
}

describe('reaching engines: environment, contexts, TLS (real servers)', function () {
  this.timeout(60_000);
  let tlsEngine: TestEngine;
  let tls: NonNullable<TestEngine['tls']>;
  const hostId = () => idOf(DockerEngine.fromUrl('unix:///var/run/docker.sock'));

  before(() => {
    tlsEngine = testEngine('second-tls');
    assert.ok(tlsEngine.tls, 'the harness TLS engine has certificates');
    tls = tlsEngine.tls;
  });

  it('DOCKER_HOST with DOCKER_TLS_VERIFY=true (any non-empty value, as the CLI reads it) reaches the TLS engine', async () => {
    const config = tempDir('cfg');
    const { engine, choice } = await resolveActiveEngine({
      discovery: discoverEngines({ env: { DOCKER_HOST: `tcp://127.0.0.1:${tls.port}`, DOCKER_TLS_VERIFY: 'true', DOCKER_CERT_PATH: tls.certDir, DOCKER_CONFIG: config } }),
    });
    assert.strictEqual(choice.reason, 'DOCKER_HOST is set');
    assert.strictEqual(await idOf(engine), tlsEngine.expectedId);
  });

  it("docker-modem's own reading of DOCKER_* is kept out: a socket engine reaches its socket whatever the environment says", async () => {
    await withEnv({ DOCKER_HOST: 'tcp://127.0.0.1:1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent' }, async () => {
      const engine = new DockerEngine({ name: 'second', endpoint: parseEngineUrl(`unix://${tlsEngine.fixtureSocket}`) });
      assert.strictEqual((await engine.info()).rootDir !== '', true);
      engine.dispose();
    });
    // An address docker-modem itself cannot parse does not throw either.
    await withEnv({ DOCKER_HOST: 'no:such:host:here' }, async () => {
      const engine = DockerEngine.fromUrl('unix:///var/run/docker.sock');
      assert.strictEqual(await idOf(engine), await hostId());
    });
  });

  it('contexts made with the real docker CLI: TLS, skip-verify and ssh, each reaching its engine; DOCKER_CONTEXT picks one', async () => {
    const config = tempDir('cfg');
    const docker = (...args: string[]) => execFileSync('docker', args, { env: { ...process.env, DOCKER_CONFIG: config }, stdio: 'pipe' });
    docker('context', 'create', 'tls', '--docker', `host=tcp://127.0.0.1:${tls.port},ca=${tls.caFile},cert=${tls.certFile},key=${tls.keyFile}`);
    docker('context', 'create', 'ssh', '--docker', 'host=ssh://root@127.0.0.1:2222');
    docker('context', 'use', 'tls');
    const discovery = discoverEngines({ env: { DOCKER_CONFIG: config } });
    assert.deepStrictEqual(
      discovery.candidates.filter((c) => c.origin === 'context').map((c) => [c.name, c.endpoint?.kind, c.source]),
      [
        ['ssh', 'ssh', 'docker context'],
        ['tls', 'tcp', 'docker context (current)'],
      ],
    );
    const current = await resolveActiveEngine({ discovery });
    assert.match(current.choice.reason, /current context/);
    assert.strictEqual(await idOf(current.engine), tlsEngine.expectedId);
    const ssh = testEngine('ssh');
    const viaSsh = await resolveActiveEngine({ discovery: discoverEngines({ env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'ssh' } }), options: clientOptions(ssh) });
    assert.strictEqual(viaSsh.choice.reason, 'DOCKER_CONTEXT names it');
    assert.strictEqual(await idOf(viaSsh.engine), ssh.expectedId);
    // --context for the CLI: the same engines by name.
    assert.strictEqual(await idOf(await engineFromFlags({ context: 'tls' }, {}, discoverEngines({ env: { DOCKER_CONFIG: config } }))), tlsEngine.expectedId);
    assert.strictEqual(await idOf(await engineFromFlags({ context: 'default' }, {}, discoverEngines({ env: { DOCKER_CONFIG: config } }))), await hostId());
  });

  it('an unknown DOCKER_CONTEXT: one sentence, on every call, never a crash', async () => {
    const config = tempDir('cfg');
    const { engine } = await resolveActiveEngine({ discovery: discoverEngines({ env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: 'nowhere' } }) });
    assert.match(await failure(engine), /^DOCKER_CONTEXT names the context "nowhere", which does not exist in .*: create it \(docker context create\), unset DOCKER_CONTEXT, or switch to another engine\.$/);
  });

  const tlsUrl = () => `tcp://127.0.0.1:${tls.port}`;

  it('a CA that did not sign the engine certificate: said so', async () => {
    const engine = new DockerEngine({ name: 'tls', endpoint: parseEngineUrl(tlsUrl(), { verify: true, ca: tls.wrongCaFile, cert: tls.certFile, key: tls.keyFile }) });
    assert.match(await failure(engine), /^The engine at 127\.0\.0\.1:\d+ has a certificate that the CA Strata was given does not vouch for/);
  });

  it('no client certificate: the engine refuses, and the sentence says which files to give', async () => {
    const engine = new DockerEngine({ name: 'tls', endpoint: parseEngineUrl(tlsUrl(), { verify: true, ca: tls.caFile }) });
    assert.match(await failure(engine), /refused the connection without a valid client certificate: give cert\.pem and key\.pem/);
  });

  it('a TLS file that does not exist: named, before any connection', async () => {
    const engine = new DockerEngine({ name: 'tls', endpoint: parseEngineUrl(tlsUrl(), { verify: true, ca: '/nonexistent/ca.pem', cert: tls.certFile, key: tls.keyFile }) });
    assert.match(await failure(engine), /^The TLS CA certificate \/nonexistent\/ca\.pem for 127\.0\.0\.1:\d+ does not exist/);
  });

  it('plain HTTP to the TLS engine: it expects TLS', async () => {
    assert.match(await failure(DockerEngine.fromUrl(tlsUrl())), /^The engine at 127\.0\.0\.1:\d+ expects TLS: set DOCKER_TLS_VERIFY=1/);
  });
});

describe("watching the docker CLI's config folder", function () {
  this.timeout(30_000);
  const until = (what: string, check: () => boolean) => waitUntil(what, check, 10_000, 50);

  it('sees `docker context create` and `docker context use`, also when the folder did not exist yet', async () => {
    const config = path.join(tempDir('watch'), '.docker');
    let changes = 0;
    const watch = watchDockerConfig(config, () => changes++);
    try {
      const docker = (...args: string[]) => execFileSync('docker', args, { env: { ...process.env, DOCKER_CONFIG: config }, stdio: 'pipe' });
      docker('context', 'create', 'watched', '--docker', 'host=tcp://127.0.0.1:1');
      await until('the new context to be seen', () => changes > 0);
      let seen = changes;
      docker('context', 'use', 'watched');
      await until('the current context to be seen', () => changes > seen);
      // The CLI replaces config.json (a new file renamed over it): every later change is seen too.
      seen = changes;
      docker('context', 'use', 'default');
      await until('the second switch to be seen', () => changes > seen);
      seen = changes;
      docker('context', 'rm', '-f', 'watched');
      await until('the context removed to be seen', () => changes > seen);
      seen = changes;
      fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ auths: { '127.0.0.1:5000': {} } }));
      await until('a login written after all that to be seen', () => changes > seen);
    } finally {
      watch.close();
    }
  });
});

describe('reaching engines over ssh (real sshd, the system ssh)', function () {
  this.timeout(60_000);
  let ssh: TestEngine;

  before(() => {
    ssh = testEngine('ssh');
    assert.ok(ssh.sshPathDir && ssh.sshConfig, 'the harness ssh engine has its own ssh config');
  });

  /** An ssh wrapper like the harness's, whose config `edit` changes. */
  function wrapper(edit: (config: string) => string): string {
    const dir = tempDir('ssh');
    const config = path.join(dir, 'config');
    fs.writeFileSync(config, edit(fs.readFileSync(ssh.sshConfig as string, 'utf8')));
    const bin = path.join(dir, 'ssh');
    fs.writeFileSync(bin, `#!/bin/sh\necho "$$" >> ${path.join(dir, 'spawned')}\nexec /usr/bin/ssh -F ${config} "$@"\n`, { mode: 0o755 });
    return bin;
  }

  it('requests one after another share one ssh connection (a keep-alive pool, not one per request)', async () => {
    const bin = wrapper((c) => c);
    const engine = DockerEngine.fromUrl(ssh.dockerHost, { ssh: { command: bin } });
    try {
      for (let i = 0; i < 10; i++) {
        await engine.ping();
      }
      await engine.listImages();
      await engine.listContainers();
      const spawned = fs.readFileSync(path.join(path.dirname(bin), 'spawned'), 'utf8').trim().split('\n');
      assert.strictEqual(spawned.length, 1, `${spawned.length} ssh processes for 12 requests`);
      assert.strictEqual((await engine.info()).id, ssh.expectedId);
    } finally {
      engine.dispose();
    }
  });

  it('a slow call (a stop that waits for the container) does not hold up quick ones', async () => {
    const docker = fixtureClient(ssh);
    const image = `strata-test/ssh-slow:${runTag('slow')}`;
    await buildFixtureImage(docker, image);
    const c = await docker.createContainer({ Image: image, Cmd: ['sh', '-c', 'trap "" TERM; sleep 60'], StopTimeout: 3, Labels: { [TEST_LABEL]: String(process.pid) } } as Docker.ContainerCreateOptions);
    await c.start();
    const engine = strataEngine(ssh);
    try {
      await engine.ping(); // the quick connection is open
      let stopped = false;
      const stopping = engine.stopContainer(c.id).then(() => (stopped = true));
      await new Promise((r) => setTimeout(r, 300));
      const listed = await engine.listImages();
      assert.ok(listed.length > 0);
      assert.strictEqual(stopped, false, 'the list came back while the stop was still waiting');
      await stopping;
    } finally {
      engine.dispose();
      await removeFixtureImages(docker);
    }
  });

  it('an unknown host key: connect once in a terminal to accept it', async () => {
    const empty = path.join(tempDir('kh'), 'known_hosts');
    fs.writeFileSync(empty, '');
    const bin = wrapper((c) => c.replace(/UserKnownHostsFile\s+\S+/g, `UserKnownHostsFile ${empty}`));
    assert.match(
      await failure(DockerEngine.fromUrl(ssh.dockerHost, { ssh: { command: bin } })),
      /^ssh does not know the host key of 127\.0\.0\.1: run ssh -p 2222 root@127\.0\.0\.1 once in a terminal and accept the key, then retry\.$/,
    );
  });

  it("the Podman form (a remote socket forwarded) with a socket that is not there: named", async () => {
    const bin = wrapper((c) => c);
    assert.match(
      await failure(DockerEngine.fromUrl('ssh://root@127.0.0.1:2222/run/strata-engines/no-such.sock', { ssh: { command: bin } })),
      /^Nothing answers at \/run\/strata-engines\/no-such\.sock on 127\.0\.0\.1/,
    );
  });

  it('ssh not installed: said so, with what to install', async () => {
    assert.match(await failure(DockerEngine.fromUrl(ssh.dockerHost, { ssh: { command: '/nonexistent/bin/ssh' } })), /^ssh is not installed/);
  });

  it('a refused port: nothing answers ssh there', async () => {
    const bin = wrapper((c) => c);
    assert.match(await failure(DockerEngine.fromUrl('ssh://root@127.0.0.1:1', { ssh: { command: bin } })), /^Nothing answers ssh at root@127\.0\.0\.1:1: the connection was refused/);
  });
});
