import * as assert from 'assert';
import { resolveEndpoint } from '../../src/engine/endpoint';
import { describeEngineError, describeRemoveImageError, engineMessage } from '../../src/engine/engineError';

const socket = resolveEndpoint({});
const tcp = resolveEndpoint({ DOCKER_HOST: 'tcp://10.0.0.5:2375' });

function err(code: string): Error {
  return Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code });
}

describe('resolveEndpoint', () => {
  it('defaults to /var/run/docker.sock', () =>
    assert.deepStrictEqual(socket, { kind: 'socket', path: '/var/run/docker.sock', url: 'unix:///var/run/docker.sock' }));
  it('reads unix:// from DOCKER_HOST', () =>
    assert.deepStrictEqual(resolveEndpoint({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }), {
      kind: 'socket',
      path: '/run/user/1000/docker.sock',
      url: 'unix:///run/user/1000/docker.sock',
    }));
  it('reads tcp:// with and without a port and TLS', () => {
    assert.deepStrictEqual(tcp, { kind: 'tcp', host: '10.0.0.5', port: 2375, tls: false, url: 'tcp://10.0.0.5:2375' });
    const tls = resolveEndpoint({ DOCKER_HOST: 'tcp://docker.example', DOCKER_TLS_VERIFY: '1' });
    assert.strictEqual(tls.kind === 'tcp' && tls.port, 2376);
  });
  it('refuses what it does not understand, saying what to write instead', () =>
    assert.throws(() => resolveEndpoint({ DOCKER_HOST: 'ssh://me@host' }), /DOCKER_HOST is set to "ssh:\/\/me@host".*unix:\/\//));
});

describe('describeEngineError', () => {
  it('a missing socket: Docker is not running', () =>
    assert.deepStrictEqual(describeEngineError(err('ENOENT'), socket), {
      kind: 'notRunning',
      message:
        'Docker is not running: /var/run/docker.sock does not exist. Start the Docker Engine, or set DOCKER_HOST to the engine you use.',
    }));
  it('a refused socket: exists but nothing answers', () => {
    const p = describeEngineError(err('ECONNREFUSED'), socket);
    assert.strictEqual(p.kind, 'notRunning');
    assert.match(p.message, /\/var\/run\/docker\.sock exists but no engine answers/);
  });
  it('a refused TCP engine names host and port', () =>
    assert.match(describeEngineError(err('ECONNREFUSED'), tcp).message, /^Docker is not running at 10\.0\.0\.5:2375/));
  it('permission denied: how to get access', () =>
    assert.deepStrictEqual(describeEngineError(err('EACCES'), socket), {
      kind: 'permissionDenied',
      message:
        'Permission denied on /var/run/docker.sock: add your user to the docker group (sudo usermod -aG docker $USER), then sign out and back in.',
    }));
  it('an engine error: the engine own words, without the HTTP prefix', () => {
    const e = Object.assign(new Error('(HTTP code 500) server error - client version 1.99 is too new'), {
      statusCode: 500,
      json: { message: 'client version 1.99 is too new. Maximum supported API version is 1.41' },
    });
    assert.deepStrictEqual(describeEngineError(e, socket), {
      kind: 'otherError',
      message:
        'The Docker Engine at /var/run/docker.sock answered: client version 1.99 is too new. Maximum supported API version is 1.41',
    });
  });
  it('never shows a stack trace', () => {
    const p = describeEngineError(new TypeError('boom'), socket);
    assert.ok(!p.message.includes('    at '), p.message);
    assert.strictEqual(p.message, 'The Docker Engine at /var/run/docker.sock answered: boom');
  });
});

describe('engineMessage', () => {
  it('strips docker-modem prefixes when there is no JSON body', () =>
    assert.strictEqual(engineMessage(new Error('(HTTP code 404) no such image - No such image: x:1')), 'No such image: x:1'));
  it('takes a plain-text body', () => assert.strictEqual(engineMessage({ json: ' page not found\n' }), 'page not found'));
});

describe('describeRemoveImageError', () => {
  const conflict = (message: string) => Object.assign(new Error(`(HTTP code 409) unexpected - ${message}`), { statusCode: 409, json: { message } });
  it('a stopped container uses it: names the container', () =>
    assert.deepStrictEqual(
      describeRemoveImageError(
        conflict('conflict: unable to remove repository reference "app:1" (must force) - container 4a1b2c3d4e5f6a7b is using its referenced image 1234abcd5678'),
        'app:1',
      ),
      { message: 'app:1 is used by the container 4a1b2c3d4e5f: remove that container first, then the image.', containerId: '4a1b2c3d4e5f6a7b' },
    ));
  it('a running container uses it', () =>
    assert.match(
      describeRemoveImageError(conflict('conflict: unable to delete 1234abcd5678 (cannot be forced) - image is being used by running container 4a1b2c3d4e5f'), 'app:1').message,
      /^app:1 is used by the running container 4a1b2c3d4e5f/,
    ));
  it('child images', () =>
    assert.deepStrictEqual(
      describeRemoveImageError(conflict('conflict: unable to delete 1234abcd5678 (cannot be forced) - image has dependent child images'), 'sha256:1234'),
      { message: 'sha256:1234 cannot be removed: other images are built on it. Remove those images first.' },
    ));
  it('gone meanwhile', () =>
    assert.deepStrictEqual(
      describeRemoveImageError(Object.assign(new Error('(HTTP code 404) no such image - No such image: app:1'), { statusCode: 404, json: { message: 'No such image: app:1' } }), 'app:1'),
      { message: 'app:1 no longer exists: it was removed or renamed meanwhile.' },
    ));
});
