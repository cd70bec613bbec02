import * as assert from 'assert';
import { parseEngineUrl } from '../../../src/engine/connect/endpoint';
import { describeEngineError, describeRemoveImageError, engineMessage, statusCode } from '../../../src/engine/api/engineError';
import { SshError } from '../../../src/engine/connect/sshTransport';

const socket = parseEngineUrl('unix:///var/run/docker.sock');
const tcp = parseEngineUrl('tcp://10.0.0.5:2375');
const tls = parseEngineUrl('tcp://10.0.0.5:2376', { verify: true, ca: '/c/ca.pem' });
const ssh = parseEngineUrl('ssh://me@build.example:2222');
const podmanSsh = parseEngineUrl('ssh://me@build.example/run/podman/podman.sock');

function err(code: string): Error {
  return Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code });
}

function sshFailed(stderr: string, endpoint = ssh): SshError {
  return new SshError(`ssh failed: ${stderr}`, stderr, endpoint as Extract<typeof ssh, { kind: 'ssh' }>, 255);
}

describe('describeEngineError', () => {
  it('a missing socket: Docker is not running', () =>
    assert.deepStrictEqual(describeEngineError(err('ENOENT'), socket), {
      kind: 'notRunning',
      message:
        'Docker is not running: /var/run/docker.sock does not exist. Start the Docker Engine, or switch Strata to the engine you use.',
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
  it('an engine that cannot be used at all (no endpoint) gives its own sentence', () =>
    assert.deepStrictEqual(describeEngineError(Object.assign(new Error('The TLS CA certificate /x/ca.pem for h:1 does not exist: …'), { code: 'ECONFIG' }), undefined), {
      kind: 'unreachable',
      message: 'The TLS CA certificate /x/ca.pem for h:1 does not exist: …',
    }));
  it('statusCode reads the engine status of an answer only', () => {
    assert.strictEqual(statusCode({ statusCode: 404 }), 404);
    assert.strictEqual(statusCode(err('ECONNREFUSED')), undefined);
    assert.strictEqual(statusCode(undefined), undefined);
  });
  it('never shows a stack trace', () => {
    const p = describeEngineError(new TypeError('boom'), socket);
    assert.ok(!p.message.includes('    at '), p.message);
    assert.strictEqual(p.message, 'The Docker Engine at /var/run/docker.sock answered: boom');
  });
});

describe('describeEngineError over TLS', () => {
  it('a certificate the CA does not vouch for', () => {
    const p = describeEngineError(Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), tls);
    assert.strictEqual(p.kind, 'unreachable');
    assert.match(p.message, /^The engine at 10\.0\.0\.5:2376 has a certificate that the CA Strata was given does not vouch for/);
  });
  it('no client certificate: the engine refused it', () =>
    assert.match(
      describeEngineError(Object.assign(new Error('write EPROTO 40E7:error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1605:SSL alert number 42'), { code: 'EPROTO' }), tls).message,
      /refused the connection without a valid client certificate: give cert\.pem and key\.pem/,
    ));
  it('plain HTTP to a TLS engine: say it expects TLS', () =>
    assert.match(
      describeEngineError(Object.assign(new Error('(HTTP code 400) unexpected - Client sent an HTTP request to an HTTPS server.'), { statusCode: 400, json: 'Client sent an HTTP request to an HTTPS server.\n' }), tcp).message,
      /^The engine at 10\.0\.0\.5:2375 expects TLS: set DOCKER_TLS_VERIFY=1/,
    ));
  it('TLS to a plain engine', () =>
    assert.match(describeEngineError(Object.assign(new Error('write EPROTO …:wrong version number'), { code: 'EPROTO' }), tls).message, /does not speak TLS/));
});

describe('describeEngineError over ssh', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['ssh missing', 'ENOENT', /^ssh is not installed: .*Install the OpenSSH client/],
    ['unknown host key', 'Host key verification failed.', /^ssh does not know the host key of build\.example: run ssh -p 2222 me@build\.example once in a terminal/],
    ['no key', 'me@build.example: Permission denied (publickey).', /^ssh could not log in to me@build\.example:2222: Strata cannot type a password/],
    ['refused port', 'ssh: connect to host build.example port 2222: Connection refused', /^Nothing answers ssh at me@build\.example:2222: the connection was refused/],
    ['unknown host', 'ssh: Could not resolve hostname build.example: Name or service not known', /^The host build\.example is not known/],
    ['no docker there', 'bash: line 1: docker: command not found', /^build\.example has no docker CLI on its PATH/],
  ];
  for (const [what, stderr, expected] of cases) {
    it(what, () => {
      const p = describeEngineError(sshFailed(stderr), ssh);
      assert.strictEqual(p.kind, 'unreachable');
      assert.match(p.message, expected);
    });
  }
  it('a forwarded Podman socket that is not there', () =>
    assert.match(
      describeEngineError(sshFailed('channel 0: open failed: connect failed: No such file or directory', podmanSsh), podmanSsh).message,
      /^Nothing answers at \/run\/podman\/podman\.sock on build\.example/,
    ));
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
  it("Podman's words name the container too", () =>
    assert.deepStrictEqual(
      describeRemoveImageError(conflict('image used by 4a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b: image is in use by a container'), 'app:1'),
      { message: 'app:1 is used by the container 4a1b2c3d4e5f: remove that container first, then the image.', containerId: '4a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b' },
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
