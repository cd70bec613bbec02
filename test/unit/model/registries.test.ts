import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loggedInRegistries } from '../../../src/engine/connect/registryLogins';
import { knownRegistries, registryAddress, registryOf, repositoryName } from '../../../src/model/registries';

describe('the registries the Registries view lists', () => {
  it('addresses as configs and people write them', () => {
    assert.strictEqual(registryAddress('https://index.docker.io/v1/'), 'docker.io');
    assert.strictEqual(registryAddress('registry-1.docker.io'), 'docker.io');
    assert.strictEqual(registryAddress('https://ghcr.io'), 'ghcr.io');
    assert.strictEqual(registryAddress('http://127.0.0.1:5000/v2/'), '127.0.0.1:5000');
    assert.strictEqual(registryAddress('Registry.Example.com:5000'), 'registry.example.com:5000');
    assert.strictEqual(registryAddress('localhost'), 'localhost');
    // Not a registry by the reference grammar: a name without a dot or a port is a Docker Hub repository.
    assert.strictEqual(registryAddress('myregistry'), undefined);
    assert.strictEqual(registryAddress(''), undefined);
    assert.strictEqual(registryAddress('bad host:5000'), undefined);
  });

  it('repositories as the registry names them', () => {
    assert.strictEqual(repositoryName('docker.io', 'busybox'), 'library/busybox');
    assert.strictEqual(repositoryName('docker.io', 'team/app'), 'team/app');
    assert.strictEqual(repositoryName('127.0.0.1:5000', 'app'), 'app');
    assert.strictEqual(repositoryName('127.0.0.1:5000', 'App'), undefined);
    assert.strictEqual(repositoryName('127.0.0.1:5000', 'app:1'), undefined, 'a tag is not a repository');
    assert.strictEqual(repositoryName('127.0.0.1:5000', 'team//app'), undefined);
  });

  it('logged-in and configured, each once, by address; Docker Hub only when configured', () => {
    const loggedIn = ['https://index.docker.io/v1/', '127.0.0.1:5000', 'ghcr.io', 'not a registry'];
    const configured = [
      { address: '127.0.0.1:5001', repositories: [] },
      { address: 'ghcr.io', repositories: ['me/app', 'me/app', 'Bad'] },
    ];
    assert.deepStrictEqual(knownRegistries(loggedIn, configured), [
      { address: '127.0.0.1:5000', repositories: [], loggedIn: true, configured: false },
      { address: '127.0.0.1:5001', repositories: [], loggedIn: false, configured: true },
      { address: 'ghcr.io', repositories: ['me/app'], loggedIn: true, configured: true },
    ]);
    const withHub = knownRegistries(loggedIn, [{ address: 'docker.io', repositories: ['busybox'] }]);
    assert.deepStrictEqual(withHub.find((r) => r.address === 'docker.io'), { address: 'docker.io', repositories: ['library/busybox'], loggedIn: true, configured: true });
  });

  it('the registry an image reference lives on', () => {
    const known = knownRegistries(['127.0.0.1:5000'], [{ address: 'docker.io', repositories: [] }]);
    assert.strictEqual(registryOf('127.0.0.1:5000/app:1', known)?.address, '127.0.0.1:5000');
    assert.strictEqual(registryOf('busybox:latest', known)?.address, 'docker.io');
    assert.strictEqual(registryOf('127.0.0.1:5001/app:1', known), undefined);
  });

  it('reads only the keys of auths from the docker config, and nothing when there is none', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-logins-'));
    assert.deepStrictEqual(loggedInRegistries({ DOCKER_CONFIG: dir }), []);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { '127.0.0.1:5000': { auth: 'c2VjcmV0OnNlY3JldA==' }, 'ghcr.io': {} }, credHelpers: { 'gcr.io': 'gcloud' } }));
    assert.deepStrictEqual(loggedInRegistries({ DOCKER_CONFIG: dir }), ['127.0.0.1:5000', 'ghcr.io']);
    fs.writeFileSync(path.join(dir, 'config.json'), '{ not json');
    assert.deepStrictEqual(loggedInRegistries({ DOCKER_CONFIG: dir }), []);
    fs.rmSync(dir, { recursive: true });
  });
});
