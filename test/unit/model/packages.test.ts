import * as assert from 'assert';
import type { LayerEntry } from '../../../src/model/layerEntries';
import { type InstalledPackage, packagesByLayer } from '../../../src/model/packages';

const deb = (name: string, version: string): InstalledPackage => ({ ecosystem: 'deb', name, version, arch: 'amd64' });
const file = (path: string): LayerEntry => ({ path, type: 'file', size: 1, mode: 0o644 });
const names = (ps: InstalledPackage[]) => ps.map((p) => `${p.name}@${p.version}`).sort();

describe('packages by layer', () => {
  it('a rewritten database adds, upgrades and removes against the layer below', () => {
    const status = 'var/lib/dpkg/status';
    const layers = packagesByLayer([
      { entries: [file(status)], databases: [{ path: status, packages: [deb('base-files', '12.4'), deb('libc6', '2.36-9')] }] },
      { entries: [file('app/x')] },
      { entries: [file(status)], databases: [{ path: status, packages: [deb('libc6', '2.36-10'), deb('hello', '2.10-3')] }] },
    ]);
    assert.deepStrictEqual(names(layers[0].added), ['base-files@12.4', 'libc6@2.36-9']);
    assert.deepStrictEqual([layers[1].added, layers[1].removed, layers[1].upgraded], [[], [], []], 'a layer that writes no database changes nothing');
    assert.deepStrictEqual(names(layers[2].added), ['hello@2.10-3']);
    assert.deepStrictEqual(names(layers[2].removed), ['base-files@12.4']);
    assert.deepStrictEqual(layers[2].upgraded.map((u) => `${u.from.version}->${u.to.version}`), ['2.36-9->2.36-10']);
    assert.deepStrictEqual(names(layers[2].installed), ['hello@2.10-3', 'libc6@2.36-10']);
  });

  it('per-package files (status.d, package.json) add up, and a whiteout or an opaque folder takes theirs away', () => {
    const npm = (name: string): InstalledPackage => ({ ecosystem: 'npm', name, version: '1.0.0' });
    const layers = packagesByLayer([
      { entries: [], databases: [{ path: 'app/node_modules/a/package.json', packages: [npm('a')] }, { path: 'app/node_modules/b/package.json', packages: [npm('b')] }] },
      { entries: [file('app/node_modules/.wh.a')] },
      { entries: [file('app/.wh..wh..opq')] },
    ]);
    assert.deepStrictEqual(names(layers[1].removed), ['a@1.0.0']);
    assert.deepStrictEqual(names(layers[2].removed), ['b@1.0.0']);
    assert.deepStrictEqual(layers[2].installed, []);
  });

  it("a database written above the os-release gets the distro seen below, a language package none", () => {
    const status = 'var/lib/dpkg/status';
    const layers = packagesByLayer([
      { entries: [file('etc/os-release')], distro: 'debian-12' },
      { entries: [file(status)], databases: [{ path: status, packages: [deb('hello', '2.10-3')] }, { path: 'app/node_modules/a/package.json', packages: [{ ecosystem: 'npm', name: 'a', version: '1.0.0' }] }] },
    ]);
    assert.deepStrictEqual(layers[1].added.map((p) => `${p.name}:${p.distro ?? '-'}`), ['hello:debian-12', 'a:-']);
  });
});
