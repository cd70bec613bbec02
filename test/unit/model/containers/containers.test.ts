import * as assert from 'assert';
import { browserUrl, formatPorts, sortContainers, toContainerSummary } from '../../../../src/model/containers/containers';
import { describeRunError } from '../../../../src/engine/api/engineError';

describe('containers', () => {
  const raw = (name: string, state: string, created: number, ports: Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }> = []) =>
    toContainerSummary({ Id: `${name}-id`.padEnd(64, '0'), Names: [`/${name}`], Image: 'img', ImageID: 'sha256:x', State: state, Status: 's', Created: created, Ports: ports });

  it('reads names without the slash, and each published port once (not once per address family)', () => {
    const c = raw('web', 'running', 1, [
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { PrivatePort: 9000, Type: 'tcp' },
      { IP: '127.0.0.1', PrivatePort: 53, PublicPort: 5353, Type: 'udp' },
    ]);
    assert.strictEqual(c.name, 'web');
    assert.strictEqual(formatPorts(c.ports), '127.0.0.1:5353→53/udp, 8080→80');
    assert.strictEqual(browserUrl(c.ports[1]), 'http://localhost:8080/');
  });

  it('sorts running first, then newest', () =>
    assert.deepStrictEqual(
      sortContainers([raw('old-exited', 'exited', 1), raw('running', 'running', 2), raw('new-exited', 'exited', 3), raw('paused', 'paused', 0)]).map((c) => c.name),
      ['running', 'paused', 'new-exited', 'old-exited'],
    ));

  const err = (message: string, statusCode = 409) => Object.assign(new Error(message), { statusCode, json: { message } });
  const cases: Array<[string, number, string]> = [
    [
      'Conflict. The container name "/web" is already in use by container "4a1b2c3d4e5f6a7b8c9d". You have to remove (or rename) that container to be able to reuse that name.',
      409,
      'The name web is already used by another container: choose another name, or remove that container.',
    ],
    [
      'driver failed programming external connectivity on endpoint web (abc): Bind for 0.0.0.0:8080 failed: port is already allocated',
      500,
      'Host port 8080 is already in use by another container or program: choose another host port (or leave it out for a random one).',
    ],
    [
      'driver failed programming external connectivity on endpoint web (abc): Error starting userland proxy: listen tcp4 127.0.0.1:9090: bind: address already in use',
      500,
      'Host port 9090 on 127.0.0.1 is already in use by another container or program: choose another host port (or leave it out for a random one).',
    ],
    ['No such image: web:1', 404, 'The image web:1 no longer exists: it was removed or renamed meanwhile. Refresh the Images view and pick another.'],
    ['No command specified', 400, 'web:1 has no command to run (it sets neither CMD nor ENTRYPOINT): give one under "Command".'],
  ];
  for (const [message, status, expected] of cases) {
    it(`run refusal: ${message.slice(0, 50)}…`, () => assert.strictEqual(describeRunError(err(message, status), 'web:1', 'web').message, expected));
  }
  it('a taken name gives the container that holds it', () =>
    assert.strictEqual(describeRunError(err(cases[0][0]), 'web:1').conflictingContainerId, '4a1b2c3d4e5f6a7b8c9d'));
});
