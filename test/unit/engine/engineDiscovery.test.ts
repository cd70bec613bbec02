import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { contextDigest, readDockerContexts } from '../../../src/engine/connect/dockerContexts';
import { type Discovery, chooseActiveEngine, discoverEngines } from '../../../src/engine/connect/engineDiscovery';
import { EndpointError, describePlace, endpointKey, parseEngineUrl } from '../../../src/engine/connect/endpoint';
import { sshArguments } from '../../../src/engine/connect/sshTransport';

describe('parseEngineUrl', () => {
  it('unix://', () =>
    assert.deepStrictEqual(parseEngineUrl('unix:///run/user/1000/docker.sock'), { kind: 'socket', path: '/run/user/1000/docker.sock', url: 'unix:///run/user/1000/docker.sock' }));
  it('tcp:// with and without a port; TLS picks 2376', () => {
    assert.deepStrictEqual(parseEngineUrl('tcp://10.0.0.5'), { kind: 'tcp', host: '10.0.0.5', port: 2375, url: 'tcp://10.0.0.5' });
    assert.deepStrictEqual(parseEngineUrl('tcp://docker.example', { verify: true }), { kind: 'tcp', host: 'docker.example', port: 2376, tls: { verify: true }, url: 'tcp://docker.example' });
    assert.deepStrictEqual(parseEngineUrl('tcp://[::1]:2380'), { kind: 'tcp', host: '::1', port: 2380, url: 'tcp://[::1]:2380' });
  });
  it('https:// always means TLS with verification', () =>
    assert.deepStrictEqual(parseEngineUrl('https://h:9000'), { kind: 'tcp', host: 'h', port: 9000, tls: { verify: true }, url: 'https://h:9000' }));
  it('ssh://user@host:port, and a Podman socket path', () => {
    assert.deepStrictEqual(parseEngineUrl('ssh://me@build:2222'), { kind: 'ssh', user: 'me', host: 'build', port: 2222, url: 'ssh://me@build:2222' });
    assert.deepStrictEqual(parseEngineUrl('ssh://build'), { kind: 'ssh', host: 'build', url: 'ssh://build' });
    assert.deepStrictEqual(parseEngineUrl('ssh://core@pod/run/user/1000/podman/podman.sock'), {
      kind: 'ssh',
      user: 'core',
      host: 'pod',
      socket: '/run/user/1000/podman/podman.sock',
      url: 'ssh://core@pod/run/user/1000/podman/podman.sock',
    });
  });
  it('refuses what it cannot use, saying what to write', () => {
    assert.throws(() => parseEngineUrl('docker.example:2375'), (e: unknown) => e instanceof EndpointError && /write unix:\/\/\/path\/to\/docker\.sock, tcp:\/\/host:port or ssh:\/\/user@host/.test(e.message));
    assert.throws(() => parseEngineUrl('unix://'), /names no socket/);
    assert.throws(() => parseEngineUrl('ssh://me:secret@h'), /with a password, which Strata does not send/);
  });
  it('one key per place; places as sentences write them', () => {
    assert.strictEqual(endpointKey(parseEngineUrl('tcp://H:2375')), endpointKey(parseEngineUrl('tcp://h:2375')));
    assert.notStrictEqual(endpointKey(parseEngineUrl('tcp://h:2376')), endpointKey(parseEngineUrl('tcp://h:2376', { verify: true })));
    assert.strictEqual(describePlace(parseEngineUrl('ssh://me@b:22/run/p.sock')), 'me@b:22 (/run/p.sock)');
  });
});

describe('sshArguments', () => {
  it('runs docker system dial-stdio on the far side, never prompting', () =>
    assert.deepStrictEqual(sshArguments({ kind: 'ssh', user: 'me', host: 'b', port: 2222, url: '' }), [
      '-T', '-o', 'ConnectTimeout=15', '-o', 'BatchMode=yes', '-l', 'me', '-p', '2222', '--', 'b', 'docker', 'system', 'dial-stdio',
    ]));
  it('forwards a remote socket to a local one for the Podman form (ssh -W takes host:port only)', () =>
    assert.deepStrictEqual(sshArguments({ kind: 'ssh', host: 'b', socket: '/run/podman/podman.sock', url: '' }, {}, '/tmp/l.sock'), [
      '-T', '-o', 'ConnectTimeout=15', '-o', 'BatchMode=yes', '-N', '-o', 'ExitOnForwardFailure=yes', '-o', 'StreamLocalBindUnlink=yes', '-L', '/tmp/l.sock:/run/podman/podman.sock', '--', 'b',
    ]));
});

/** A throwaway home with a DOCKER_CONFIG folder, as `docker context create` leaves it. */
function fakeHome(): { home: string; config: string; addContext(name: string, host: string, opts?: { skipTls?: boolean; tls?: string[]; folder?: string; raw?: string }): void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-home-'));
  const config = path.join(home, '.docker');
  fs.mkdirSync(config);
  return {
    home,
    config,
    addContext(name, host, opts = {}) {
      const dir = path.join(config, 'contexts', 'meta', opts.folder ?? contextDigest(name));
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'meta.json'),
        opts.raw ?? JSON.stringify({ Name: name, Metadata: { Description: `the ${name} one` }, Endpoints: { docker: { Host: host, SkipTLSVerify: Boolean(opts.skipTls) } } }),
      );
      if (opts.tls) {
        const tlsDir = path.join(config, 'contexts', 'tls', contextDigest(name), 'docker');
        fs.mkdirSync(tlsDir, { recursive: true });
        for (const f of opts.tls) {
          fs.writeFileSync(path.join(tlsDir, f), 'PEM');
        }
      }
    },
  };
}

describe('readDockerContexts', () => {
  it('reads each context, its TLS files and SkipTLSVerify, and the current context', () => {
    const h = fakeHome();
    h.addContext('remote', 'tcp://10.1.1.1:2376', { tls: ['ca.pem', 'cert.pem', 'key.pem'] });
    h.addContext('insecure', 'tcp://10.1.1.2:2376', { skipTls: true });
    h.addContext('build', 'ssh://me@build');
    fs.writeFileSync(path.join(h.config, 'config.json'), JSON.stringify({ auths: {}, currentContext: 'build' }));
    const read = readDockerContexts(h.config);
    assert.strictEqual(read.currentContext, 'build');
    const byName = Object.fromEntries(read.contexts.map((c) => [c.name, c]));
    const tlsDir = path.join(h.config, 'contexts', 'tls', contextDigest('remote'), 'docker');
    assert.deepStrictEqual(byName.remote.endpoint, {
      kind: 'tcp',
      host: '10.1.1.1',
      port: 2376,
      tls: { verify: true, ca: path.join(tlsDir, 'ca.pem'), cert: path.join(tlsDir, 'cert.pem'), key: path.join(tlsDir, 'key.pem') },
      url: 'tcp://10.1.1.1:2376',
    });
    assert.deepStrictEqual(byName.insecure.endpoint, { kind: 'tcp', host: '10.1.1.2', port: 2376, tls: { verify: false }, url: 'tcp://10.1.1.2:2376' });
    assert.strictEqual(byName.build.endpoint?.kind, 'ssh');
    assert.strictEqual(byName.build.description, 'the build one');
  });

  it('skips a folder not named after its context, and says why', () => {
    const h = fakeHome();
    h.addContext('moved', 'tcp://h:1', { folder: 'not-the-digest' });
    const read = readDockerContexts(h.config);
    assert.deepStrictEqual(read.contexts, []);
    assert.strictEqual(read.notes.length, 1);
    assert.match(read.notes[0], /context "moved" belongs in the folder [0-9a-f]{64} \(the sha256 of its name\)/);
  });

  it('a meta.json that is not JSON is listed with the problem, not thrown', () => {
    const h = fakeHome();
    h.addContext('broken', '', { raw: '{"Name": "broken", ' });
    const [broken] = readDockerContexts(h.config).contexts;
    assert.strictEqual(broken.endpoint, undefined);
    assert.match(broken.problem ?? '', /meta\.json is not JSON .*: fix or remove that context \(docker context rm\)\./);
  });

  it('a TLS folder with a certificate but no key is a problem', () => {
    const h = fakeHome();
    h.addContext('half', 'tcp://h:2376', { tls: ['ca.pem', 'cert.pem'] });
    assert.match(readDockerContexts(h.config).contexts[0].problem ?? '', /has cert\.pem but no key\.pem/);
  });

  it('currentContext "default" or absent means no context', () => {
    const h = fakeHome();
    fs.writeFileSync(path.join(h.config, 'config.json'), JSON.stringify({ currentContext: 'default' }));
    assert.strictEqual(readDockerContexts(h.config).currentContext, undefined);
  });
});

describe('discoverEngines', () => {
  it('the environment: DOCKER_HOST, any non-empty DOCKER_TLS_VERIFY means TLS, certificates from DOCKER_CERT_PATH', () => {
    const h = fakeHome();
    const certs = path.join(h.home, 'certs');
    fs.mkdirSync(certs);
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) {
      fs.writeFileSync(path.join(certs, f), 'PEM');
    }
    const d = discoverEngines({ env: { DOCKER_HOST: 'tcp://10.0.0.9:2376', DOCKER_TLS_VERIFY: 'true', DOCKER_CERT_PATH: certs, DOCKER_CONFIG: h.config }, home: h.home });
    assert.deepStrictEqual(d.candidates[0], {
      id: 'env',
      name: 'DOCKER_HOST',
      origin: 'environment',
      source: 'environment',
      endpoint: { kind: 'tcp', host: '10.0.0.9', port: 2376, tls: { verify: true, ca: path.join(certs, 'ca.pem'), cert: path.join(certs, 'cert.pem'), key: path.join(certs, 'key.pem') }, url: 'tcp://10.0.0.9:2376' },
      aliases: [],
    });
  });

  it('a DOCKER_HOST Strata cannot parse is a candidate with its problem, not a crash', () => {
    const h = fakeHome();
    const d = discoverEngines({ env: { DOCKER_HOST: 'docker.example:2375', DOCKER_CONFIG: h.config }, home: h.home });
    assert.strictEqual(d.candidates[0].endpoint, undefined);
    assert.match(d.candidates[0].problem ?? '', /^DOCKER_HOST is "docker\.example:2375", which is not an address Strata understands: write unix:/);
  });

  it('the well-known sockets that exist, the setting, and one endpoint listed once', () => {
    const h = fakeHome();
    const desktop = path.join(h.home, '.docker', 'desktop');
    fs.mkdirSync(desktop, { recursive: true });
    fs.writeFileSync(path.join(desktop, 'docker.sock'), '');
    const runtime = path.join(h.home, 'run');
    fs.mkdirSync(path.join(runtime, 'podman'), { recursive: true });
    fs.writeFileSync(path.join(runtime, 'podman', 'podman.sock'), '');
    h.addContext('desktop-linux', `unix://${path.join(desktop, 'docker.sock')}`);
    const d = discoverEngines({
      env: { DOCKER_CONFIG: h.config, XDG_RUNTIME_DIR: runtime },
      home: h.home,
      settings: [{ name: 'lab', url: 'ssh://me@lab' }, { name: 'secure', url: 'tcp://s:2376', ca: '~/ca.pem' }],
    });
    const listed = d.candidates.map((c) => [c.id, c.origin]);
    const sockets = listed.filter(([, origin]) => origin === 'socket').map(([id]) => id);
    // /var/run/docker.sock is listed when this machine has one; the fake home's are certain.
    assert.deepStrictEqual(
      sockets.filter((id) => id !== 'socket:/var/run/docker.sock'),
      [`socket:${path.join(runtime, 'podman', 'podman.sock')}`],
    );
    assert.deepStrictEqual(listed.slice(0, 3), [
      ['context:desktop-linux', 'context'],
      ['setting:lab', 'setting'],
      ['setting:secure', 'setting'],
    ]);
    // Docker Desktop's socket is the context's endpoint: listed once, under the context.
    assert.deepStrictEqual(d.candidates[0].aliases, [`socket:${path.join(desktop, 'docker.sock')}`]);
    const secure = d.candidates.find((c) => c.id === 'setting:secure');
    assert.deepStrictEqual(secure?.endpoint, { kind: 'tcp', host: 's', port: 2376, tls: { verify: true, ca: path.join(h.home, 'ca.pem') }, url: 'tcp://s:2376' });
  });
});

describe('chooseActiveEngine, in the CLI order after the user choice', () => {
  const h = fakeHome();
  h.addContext('ctx-a', 'tcp://a:2375');
  h.addContext('ctx-b', 'tcp://b:2375');
  const discovery = (env: NodeJS.ProcessEnv, current?: string): Discovery => {
    fs.writeFileSync(path.join(h.config, 'config.json'), JSON.stringify(current ? { currentContext: current } : {}));
    return discoverEngines({ env: { DOCKER_CONFIG: h.config, ...env }, home: h.home });
  };
  const none = async () => false;

  it('the user choice first', async () => {
    const c = await chooseActiveEngine(discovery({ DOCKER_HOST: 'tcp://e:2375', DOCKER_CONTEXT: 'ctx-a' }, 'ctx-b'), 'context:ctx-b', none);
    assert.deepStrictEqual([c.candidate.id, c.reason], ['context:ctx-b', 'chosen in Strata']);
  });
  it('a user choice that is gone falls through to DOCKER_HOST', async () => {
    const c = await chooseActiveEngine(discovery({ DOCKER_HOST: 'tcp://e:2375' }), 'context:gone', none);
    assert.deepStrictEqual([c.candidate.id, c.reason], ['env', 'DOCKER_HOST is set']);
  });
  it('DOCKER_CONTEXT before currentContext', async () => {
    const c = await chooseActiveEngine(discovery({ DOCKER_CONTEXT: 'ctx-a' }, 'ctx-b'), undefined, none);
    assert.deepStrictEqual([c.candidate.id, c.reason], ['context:ctx-a', 'DOCKER_CONTEXT names it']);
  });
  it('currentContext', async () => {
    const c = await chooseActiveEngine(discovery({}, 'ctx-b'), undefined, none);
    assert.strictEqual(c.candidate.id, 'context:ctx-b');
    assert.match(c.reason, /the current context in .*config\.json names it/);
  });
  it('an unknown DOCKER_CONTEXT is the answer, with a sentence saying what to do', async () => {
    const c = await chooseActiveEngine(discovery({ DOCKER_CONTEXT: 'nope' }), undefined, none);
    assert.strictEqual(c.candidate.endpoint, undefined);
    assert.match(c.candidate.problem ?? '', /^DOCKER_CONTEXT names the context "nope", which does not exist in .*: create it \(docker context create\), unset DOCKER_CONTEXT, or switch to another engine\.$/);
  });
  it('no context: the first socket that answers, else the default socket', async () => {
    const sockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-xdg-'));
    fs.writeFileSync(path.join(sockDir, 'docker.sock'), '');
    const d = discovery({ XDG_RUNTIME_DIR: sockDir });
    const rootless = path.join(sockDir, 'docker.sock');
    const answered = await chooseActiveEngine(d, undefined, async (e) => e.kind === 'socket' && e.path === rootless);
    assert.deepStrictEqual([answered.candidate.id, answered.reason], [`socket:${rootless}`, 'the first socket that answers']);
    const nothing = await chooseActiveEngine(d, undefined, none);
    assert.strictEqual(nothing.reason, 'no engine answers at the usual sockets');
    assert.strictEqual(nothing.candidate.origin, 'socket');
  });
});
