/**
 * Packages per layer on a real Debian image: each step is built as an image of its own
 * on the one before, so that dpkg-query inside each (the oracle) says what was installed
 * after it; Strata's per-layer added, upgraded and removed must be the difference. The
 * .debs are made here with dpkg-deb, the rpm database with Debian's rpm (no network).
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Docker from 'dockerode';
import { readImageArchive } from '../../../src/analysis/archiveReader';
import { ImageAnalysis } from '../../../src/analysis/imageAnalysis';
import type { InstalledPackage } from '../../../src/model/packages';
import { hostEngine } from '../../harness/testEngines';
import { DEBIAN_TEST_IMAGE, debianImage } from '../../harness/fixtures/debianImage';
import { buildFixtureImage, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import { buildDeb } from '../../harness/fixtures/debPackages';

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** What dpkg-query lists installed in an image, "name version arch KiB" by name. */
function dpkgQuery(docker: string): Map<string, string> {
  const out = run('docker', ['run', '--rm', '--network', 'none', docker, 'dpkg-query', '-W', '-f', '${db:Status-Status} ${Package} ${Version} ${Architecture} ${Installed-Size}\n']);
  const installed = out.split('\n').filter((l) => l.startsWith('installed '));
  return new Map(installed.map((l) => l.split(' ').slice(1)).map(([name, ...rest]) => [name, `${name} ${rest.join(' ')}`.trim()]));
}

const shown = (p: InstalledPackage) => `${p.name} ${p.version} ${p.arch} ${p.installedSize === undefined ? '' : p.installedSize / 1024}`.trim();

describe('packages per layer on a real Debian image', function () {
  this.timeout(300_000);
  const docker = new Docker();
  const engine = hostEngine();
  const tag = runTag('pk');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-pk-'));
  /** Each step's image, built on the one before; the first is the Debian base itself. */
  const images: string[] = [DEBIAN_TEST_IMAGE];
  let analysis: ImageAnalysis;
  let rpmOracle: string[];

  before(async () => {
    await debianImage(docker);
    const tiny1 = buildDeb(tmp, 'strata-tiny', '1.0-1', 30_000);
    const tiny2 = buildDeb(tmp, 'strata-tiny', '2.0-1', 50_000);
    const extra = buildDeb(tmp, 'strata-extra', '0.5', 4_000);
    // An rpm database as rpm writes it (the sqlite backend), put in the image as a tar.
    const rpmRoot = path.join(tmp, 'rpmroot');
    const spec = path.join(tmp, 'r.spec');
    fs.writeFileSync(spec, ['Name: strata-rpm', 'Version: 3.1', 'Release: 2', 'Summary: t', 'License: MIT', 'BuildArch: noarch', '%description', 't', '%install', 'mkdir -p %{buildroot}/opt/r', 'head -c 7000 /dev/zero > %{buildroot}/opt/r/data', '%files', '/opt/r/data', ''].join('\n'));
    run('rpmbuild', ['--define', `_topdir ${tmp}/top`, '-bb', spec]);
    const dbpath = ['--define', '_dbpath /var/lib/rpm'];
    run('rpm', ['--root', rpmRoot, ...dbpath, '--initdb']);
    run('rpm', ['--root', rpmRoot, ...dbpath, '-i', '--nodeps', '--ignorearch', path.join(tmp, 'top/RPMS/noarch/strata-rpm-3.1-2.noarch.rpm')]);
    rpmOracle = run('rpm', ['--root', rpmRoot, ...dbpath, '-qa', '--qf', '%{NAME} %{VERSION}-%{RELEASE} %{ARCH} %{SIZE}\n']).trim().split('\n');
    const rpmTar = execFileSync('tar', ['-C', rpmRoot, '-c', 'var/lib/rpm/rpmdb.sqlite']);

    const steps: Array<{ lines: string[]; files?: Record<string, Buffer> }> = [
      // 1: two packages installed (COPY then RUN: two layers).
      { lines: [`COPY ${tiny1.file} ${extra.file} /tmp/`, `RUN dpkg -i /tmp/${tiny1.file} /tmp/${extra.file} && rm /tmp/*.deb`], files: { [tiny1.file]: tiny1.data, [extra.file]: extra.data } },
      // 2: one upgraded, a base package purged.
      { lines: [`COPY ${tiny2.file} /tmp/`, `RUN dpkg -i /tmp/${tiny2.file} && rm /tmp/*.deb && dpkg --purge --force-remove-essential --force-depends hostname`], files: { [tiny2.file]: tiny2.data } },
      // 3: one removed (dpkg -r), and an rpm database added.
      { lines: ['ADD rpmdb.tar /', 'RUN dpkg -r strata-extra'], files: { 'rpmdb.tar': rpmTar } },
      // 4: the rpm database broken (truncated): one sentence, the rest stands.
      { lines: ['RUN head -c 5000 /var/lib/rpm/rpmdb.sqlite > /tmp/t && mv /tmp/t /var/lib/rpm/rpmdb.sqlite'] },
    ];
    for (const [i, step] of steps.entries()) {
      const reference = `strata-test/packages:${tag}-${i + 1}`;
      await buildFixtureImage(docker, reference, { dockerfile: [`FROM ${images[images.length - 1]}`, ...step.lines].join('\n'), files: step.files ?? {} });
      images.push(reference);
    }
    analysis = new ImageAnalysis(await readImageArchive(await engine.exportImage(images[images.length - 1])));
  });

  after(async () => {
    fs.rmSync(tmp, { recursive: true, force: true });
    await removeFixtureImages(docker);
  });

  it("each step's packages added, upgraded and removed are what dpkg-query says changed", () => {
    const base = (analysis.layers.length - 7);
    assert.strictEqual(base, 1, 'the Debian base is one layer, each step two (the last one)');
    const packages = analysis.packages;
    // The base layer: everything dpkg-query lists in Debian itself.
    assert.deepStrictEqual(packages[0].added.map(shown).sort(), [...dpkgQuery(images[0]).values()].sort());
    for (let step = 1; step < images.length; step++) {
      const before = dpkgQuery(images[step - 1]);
      const after = dpkgQuery(images[step]);
      const expected = {
        added: [...after].filter(([n]) => !before.has(n)).map(([, v]) => v).sort(),
        removed: [...before].filter(([n]) => !after.has(n)).map(([, v]) => v).sort(),
        upgraded: [...after].filter(([n, v]) => before.has(n) && before.get(n) !== v).map(([n, v]) => `${before.get(n)} -> ${v}`).sort(),
      };
      // The step's layers: two (COPY/ADD, RUN), or one for the last.
      const layers = step === 4 ? [7] : [2 * step - 1, 2 * step];
      const got = {
        added: layers.flatMap((l) => packages[l].added.filter((p) => p.ecosystem === 'deb').map(shown)).sort(),
        removed: layers.flatMap((l) => packages[l].removed.filter((p) => p.ecosystem === 'deb').map(shown)).sort(),
        upgraded: layers.flatMap((l) => packages[l].upgraded.map((u) => `${shown(u.from)} -> ${shown(u.to)}`)).sort(),
      };
      assert.deepStrictEqual(got, expected, `step ${step}`);
    }
    // What the steps did, said plainly too (the oracle above could be empty).
    assert.deepStrictEqual(packages[2].added.map((p) => p.name).sort(), ['strata-extra', 'strata-tiny']);
    assert.deepStrictEqual(packages[4].upgraded.map((u) => `${u.from.version}->${u.to.version}`), ['1.0-1->2.0-1']);
    assert.deepStrictEqual(packages[4].removed.map((p) => p.name), ['hostname']);
    assert.deepStrictEqual(packages[6].removed.map((p) => p.name), ['strata-extra']);
    assert.ok(packages[2].added.every((p) => p.distro === 'debian-12'), 'packages installed above the base carry its distro');
  });

  it('an rpm database added in a layer lists what rpm -qa says; broken later, it is one sentence and the rest stands', () => {
    const packages = analysis.packages;
    assert.deepStrictEqual(packages[5].added.map((p) => `${p.name} ${p.version} ${p.arch} ${p.installedSize}`), rpmOracle);
    assert.strictEqual(analysis.problemsOf(7).length, 1);
    assert.match(analysis.problemsOf(7)[0], /^The rpm database \/var\/lib\/rpm\/rpmdb\.sqlite could not be read \(it refers to page \d+, past its end \(truncated\?\)\), so its packages are not listed\.$/);
    assert.deepStrictEqual([packages[7].added, packages[7].removed, packages[7].upgraded], [[], [], []], 'an unreadable database changes nothing');
    assert.strictEqual(analysis.layers[7].counts.modified > 0, true, "the layer's files are analysed as ever");
    assert.ok(packages[7].installed.some((p) => p.ecosystem === 'rpm'));
  });
});
