import * as assert from 'assert';
import {
  defaultPortMappings,
  formatCommand,
  formatPortMapping,
  parseBindMounts,
  parseCommand,
  parseContainerName,
  parseEnvironment,
  parsePortMappings,
  parseRunOptions,
  splitList,
  toCreateBody,
} from '../../../../src/model/containers/runOptions';

type Row<T> = [string, T | string];

/** Runs a table: a value means it parses to that; a string starting with "!" is the exact error. */
function table<T>(name: string, parse: (text: string) => { ok: true; value: T } | { ok: false; error: string }, rows: Array<Row<T>>): void {
  describe(name, () => {
    for (const [input, expected] of rows) {
      const wantsError = typeof expected === 'string' && expected.startsWith('!');
      it(`${JSON.stringify(input)} → ${wantsError ? 'error' : 'ok'}`, () => {
        const result = parse(input);
        if (wantsError) {
          assert.deepStrictEqual(result, { ok: false, error: (expected as string).slice(1) });
        } else {
          assert.deepStrictEqual(result, { ok: true, value: expected });
        }
      });
    }
  });
}

describe('splitList', () => {
  it('splits on commas, trims, drops empties, keeps escaped commas', () =>
    assert.deepStrictEqual(splitList(' a=1, b=x\\,y ,, c '), ['a=1', 'b=x,y', 'c']));
});

table('parseContainerName', parseContainerName, [
  ['', undefined],
  ['  ', undefined],
  ['web', 'web'],
  ['/web', 'web'],
  ['my_app.v2-1', 'my_app.v2-1'],
  ['a', '!"a" is not a valid container name: use at least 2 characters, starting with a letter or digit, then letters, digits, "_", "." or "-".'],
  ['-web', '!"-web" is not a valid container name: use at least 2 characters, starting with a letter or digit, then letters, digits, "_", "." or "-".'],
  ['my app', '!"my app" is not a valid container name: use at least 2 characters, starting with a letter or digit, then letters, digits, "_", "." or "-".'],
]);

table('parsePortMappings', parsePortMappings, [
  ['', []],
  ['8080:80', [{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' }]],
  ['127.0.0.1:8080:80', [{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }]],
  ['8080:80/udp', [{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'udp' }]],
  ['80', [{ hostIp: '', hostPort: undefined, containerPort: 80, protocol: 'tcp' }]],
  ['[::1]:8080:80', [{ hostIp: '::1', hostPort: 8080, containerPort: 80, protocol: 'tcp' }]],
  [
    '8080:80, 8443:443, 53:53/udp',
    [
      { hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      { hostIp: '', hostPort: 8443, containerPort: 443, protocol: 'tcp' },
      { hostIp: '', hostPort: 53, containerPort: 53, protocol: 'udp' },
    ],
  ],
  ['8080:80, 8080:81', '!Host port 8080/tcp is given twice: each host port can be published once.'],
  ['8080:80, 8080:80/udp', [
    { hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
    { hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'udp' },
  ]],
  ['8080:abc', '!"8080:abc": the container port "abc" is not a number from 1 to 65535.'],
  ['70000:80', '!"70000:80": the host port "70000" is not a number from 1 to 65535.'],
  ['0:80', '!"0:80": the host port "0" is not a number from 1 to 65535.'],
  ['8080:80/icmp', '!"8080:80/icmp": the protocol "icmp" is not tcp, udp or sctp.'],
  ['300.1.1.1:8080:80', '!"300.1.1.1:8080:80": "300.1.1.1" is not an IP address.'],
  ['1:2:3:4', '!"1:2:3:4" is not a port mapping: write 8080:80, 127.0.0.1:8080:80, 80 or 8080:80/udp.'],
  ['http', '!"http": the container port "http" is not a number from 1 to 65535.'],
]);

table('parseEnvironment', parseEnvironment, [
  ['', []],
  ['A=1', ['A=1']],
  ['A=1, B=two words, EMPTY=', ['A=1', 'B=two words', 'EMPTY=']],
  ['URL=http://x?a=b', ['URL=http://x?a=b']],
  ['LIST=a\\,b', ['LIST=a,b']],
  ['DEBUG', '!"DEBUG" has no value: write DEBUG=value (or DEBUG= for an empty one).'],
  ['1A=x', '!"1A" is not a variable name: use letters, digits and "_", not starting with a digit.'],
  ['=x', '!"" is not a variable name: use letters, digits and "_", not starting with a digit.'],
]);

const exists = (p: string) => p === '/srv/data' || p === '/tmp';
table('parseBindMounts', (t) => parseBindMounts(t, exists), [
  ['', []],
  ['/srv/data:/data', [{ hostPath: '/srv/data', containerPath: '/data', readOnly: false }]],
  ['/srv/data:/data:ro, /tmp:/scratch:rw', [
    { hostPath: '/srv/data', containerPath: '/data', readOnly: true },
    { hostPath: '/tmp', containerPath: '/scratch', readOnly: false },
  ]],
  ['/nope:/data', '!"/nope:/data": the host path /nope does not exist.'],
  ['data:/data', '!"data:/data": the host path "data" must be absolute (start with /).'],
  ['/srv/data:data', '!"/srv/data:data": the container path "data" must be absolute (start with /).'],
  ['/srv/data:/data:rx', '!"/srv/data:/data:rx": the mode "rx" is not ro or rw.'],
  ['/srv/data', '!"/srv/data" is not a bind mount: write /host/path:/container/path or add :ro for read-only.'],
]);

table('parseCommand', parseCommand, [
  ['', undefined],
  ['sh', ['sh']],
  ['sh -c "echo hello world"', ['sh', '-c', 'echo hello world']],
  ["echo 'a b' c\\ d", ['echo', 'a b', 'c d']],
  ['echo "say \\"hi\\""', ['echo', 'say "hi"']],
  ['echo ""', ['echo', '']],
  ['sh -c "unclosed', '!The command has an unclosed double quote.'],
  ["echo 'x", '!The command has an unclosed single quote.'],
]);

describe('formatting back', () => {
  it('formatCommand quotes what needs it, and parses back to the same words', () => {
    const words = ['sh', '-c', "echo it's here"];
    const text = formatCommand(words);
    assert.strictEqual(text, `sh -c 'echo it'\\''s here'`);
    assert.deepStrictEqual(parseCommand(text), { ok: true, value: words });
  });
  it('formatPortMapping writes what parsePortMapping reads', () => {
    for (const text of ['8080:80', '127.0.0.1:8080:80', '53:53/udp', '80', '[::1]:8080:80']) {
      const parsed = parsePortMappings(text);
      assert.ok(parsed.ok);
      assert.strictEqual(formatPortMapping(parsed.value[0]), text);
    }
  });
  it('defaultPortMappings pre-fills the image\'s exposed ports to the same host ports', () =>
    assert.strictEqual(defaultPortMappings(['80/tcp', '53/udp']), '80:80, 53:53/udp'));
});

describe('parseRunOptions and toCreateBody', () => {
  it('gives the Engine API body', () => {
    const parsed = parseRunOptions(
      'web:1',
      { name: 'web', ports: '8080:80, 127.0.0.1:9090:90/udp, 443', env: 'A=1', mounts: '/tmp:/scratch:ro', command: 'sh -c "serve"', removeWhenStopped: true },
      exists,
    );
    assert.ok(parsed.ok);
    assert.deepStrictEqual(toCreateBody(parsed.value), {
      Image: 'web:1',
      name: 'web',
      Cmd: ['sh', '-c', 'serve'],
      Env: ['A=1'],
      ExposedPorts: { '80/tcp': {}, '90/udp': {}, '443/tcp': {} },
      Labels: { 'dev.strata.run': 'true' },
      HostConfig: {
        PortBindings: {
          '80/tcp': [{ HostIp: '', HostPort: '8080' }],
          '90/udp': [{ HostIp: '127.0.0.1', HostPort: '9090' }],
          '443/tcp': [{ HostIp: '', HostPort: '' }],
        },
        Binds: ['/tmp:/scratch:ro'],
        AutoRemove: true,
      },
    });
  });
  it('the first bad option is the error', () =>
    assert.deepStrictEqual(
      parseRunOptions('x', { name: 'ok-name', ports: '1:2:3:4', env: 'BAD', mounts: '', command: '', removeWhenStopped: false }, exists),
      { ok: false, error: '"1:2:3:4" is not a port mapping: write 8080:80, 127.0.0.1:8080:80, 80 or 8080:80/udp.' },
    ));
});
