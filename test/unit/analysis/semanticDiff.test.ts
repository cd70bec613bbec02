import * as assert from 'assert';
import { readImageArchive } from '../../../src/analysis/archiveReader';
import { configDiff, packageDiff, semanticDiff } from '../../../src/analysis/compare/semanticDiff';
import { ImageAnalysis } from '../../../src/analysis/imageAnalysis';
import { semanticLines } from '../../../src/cli/diffCommand';
import type { InstalledPackage } from '../../../src/model/packages';
import { imageArchive, streamOf } from '../../harness/fixtures/archiveBuilder';

const deb = (name: string, version: string): InstalledPackage => ({ ecosystem: 'deb', name, version, arch: 'amd64' });
const STATUS = 'var/lib/dpkg/status';

describe('semantic diff', () => {
  it('packages: added, removed and upgraded by ecosystem, name and arch, sorted by name', () => {
    const d = packageDiff(
      [deb('libc6', '2.36-9'), deb('base-files', '12.4'), deb('curl', '7.88'), { ...deb('libc6', '2.36-9'), arch: 'i386' }],
      [deb('libc6', '2.36-10'), deb('base-files', '12.4'), deb('hello', '2.10-3'), { ecosystem: 'npm', name: 'left-pad', version: '1.3.0' }, { ...deb('libc6', '2.36-9'), arch: 'i386' }],
    );
    assert.deepStrictEqual(d.added.map((p) => `${p.ecosystem}:${p.name}@${p.version}`), ['deb:hello@2.10-3', 'npm:left-pad@1.3.0']);
    assert.deepStrictEqual(d.removed.map((p) => `${p.name}@${p.version}`), ['curl@7.88']);
    assert.deepStrictEqual(d.upgraded, [{ ecosystem: 'deb', name: 'libc6', arch: 'amd64', from: '2.36-9', to: '2.36-10' }]);
  });

  it('config: env, labels and ports key by key, user, entrypoint, cmd and workdir; empty and unset alike; order of ENV ignored', () => {
    const a = { Env: ['PATH=/bin', 'MODE=dev', 'GONE=1'], User: '', ExposedPorts: { '80/tcp': {} }, Entrypoint: null, Cmd: ['sh'], WorkingDir: '/app', Labels: { version: '1', same: 'x' } };
    const b = { Env: ['MODE=prod', 'PATH=/bin', 'NEW'], User: 'app', ExposedPorts: { '80/tcp': {}, '8080/tcp': {} }, Entrypoint: [], Cmd: ['sh', '-c', 'serve'], WorkingDir: '/app', Labels: { same: 'x', version: '2' } };
    assert.deepStrictEqual(configDiff(a, b), [
      { field: 'env', key: 'GONE', a: '1' },
      { field: 'env', key: 'MODE', a: 'dev', b: 'prod' },
      { field: 'env', key: 'NEW', b: '' },
      { field: 'user', b: 'app' },
      { field: 'exposedPorts', key: '8080/tcp', b: 'exposed' },
      { field: 'cmd', a: '["sh"]', b: '["sh","-c","serve"]' },
      { field: 'labels', key: 'version', a: '1', b: '2' },
    ]);
    assert.deepStrictEqual(configDiff(a, { ...a, Env: [...a.Env].reverse(), Labels: { same: 'x', version: '1' } }), [], 'the same configuration, written in another order');
    assert.deepStrictEqual(configDiff(undefined, { Env: null, Cmd: null, Labels: null, ExposedPorts: null }), [], 'null is not set');
  });

  it('two analysed images: what their last layers leave installed, and their configs; timestamps ignored', async () => {
    const read = async (packages: InstalledPackage[], config: object, created: string) => {
      const archive = await readImageArchive(streamOf(await imageArchive({ layers: [[{ name: STATUS, size: 10 }], [{ name: 'app/x', size: 1 }]] })));
      archive.layers[0].facts = packages.length ? { packages: [{ path: STATUS, packages }] } : {};
      archive.config.config = config;
      archive.config.history = archive.config.history?.map((h) => ({ ...h, created }));
      return new ImageAnalysis(archive);
    };
    const a = await read([deb('libc6', '2.36-9'), deb('curl', '7.88')], { Env: ['PATH=/bin'], Cmd: ['sh'] }, '2024-01-01T00:00:00Z');
    const b = await read([deb('libc6', '2.36-10'), deb('hello', '2.10-3')], { Env: ['PATH=/bin'], Cmd: ['sh'], User: 'app' }, '2025-06-01T00:00:00Z');
    const d = semanticDiff(a, b);
    assert.deepStrictEqual(d.packagesRead, { a: true, b: true });
    assert.deepStrictEqual(d.config, [{ field: 'user', b: 'app' }]);
    assert.deepStrictEqual(semanticLines(d), [
      '  packages: 1 added, 1 removed, 1 upgraded',
      '    + hello 2.10-3 (deb amd64)',
      '    - curl 7.88 (deb amd64)',
      '    ~ libc6 2.36-9 -> 2.36-10 (deb amd64)',
      '  config: 1 change',
      '    USER: (not set) -> app',
    ]);
    const none = semanticDiff(await read([], {}, 'x'), await read([], {}, 'y'));
    assert.deepStrictEqual(semanticLines(none), ['  packages: no package database found in either image', '  config: the same (timestamps aside)']);
  });
});
